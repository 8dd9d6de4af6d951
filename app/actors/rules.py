"""Pure rules about actors and offices: which office class a title is, which office was held when."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from app.actors.models import OfficeRank
from app.text import fold, month_text, signed

_JUNIOR = re.compile(
    r"\b(deputy|vice|assistant|acting|former|spokes(man|woman|person)|press"
    r"|state secretary|undersecretary|under-secretary)\b"
)
_HEAD = re.compile(
    r"\b(president|prime minister|premier|chancellor|head of (state|government)|taoiseach|king|queen)\b"
    r"|\bsecretary[- ]general of nato\b|\bnato secretary[- ]general\b"
)
_NON_HEAD_PRESIDENT = re.compile(
    r"\bpresident of the (sejm|senate|parliament|assembly|chamber|commission|council)\b|\bchancellor of the exchequer\b"
)
_MINISTER = re.compile(
    r"\b(foreign|defen[cs]e) (minister|secretary)\b"
    r"|\bminister (of|for) (national |foreign |)(foreign affairs|defen[cs]e|europe and foreign affairs)\b"
    r"|\bsecretary of (state|defen[cs]e)\b"
)


_WORD_BREAK = re.compile(r"[^\w]+")


def name_words(text: str) -> list[str]:
    """The folded words of a name, each once: 'Władysław Kosiniak-Kamysz' -> ['wladyslaw', 'kosiniak', 'kamysz']."""
    return list(dict.fromkeys(word for word in _WORD_BREAK.split(fold(text)) if word))


def infer_rank(title: str) -> OfficeRank:
    """The office class a title most likely is; editors can always set it explicitly."""
    key = fold(title)
    if _JUNIOR.search(key):
        return OfficeRank.OTHER
    if _MINISTER.search(key):
        return OfficeRank.MINISTER
    if _HEAD.search(key) and not _NON_HEAD_PRESIDENT.search(key):
        return OfficeRank.HEAD
    return OfficeRank.OTHER


class HeldOffice(Protocol):
    title: str
    started_on: date | None
    ended_on: date | None

    def held_on(self, day: date) -> bool: ...


T = TypeVar("T", bound=HeldOffice)


def describe_term(office: HeldOffice) -> str:
    """'from 2024-10-01', 'until 2024-10-01', '2019-05-20 to 2024-10-01' or 'dates not recorded'."""
    if office.started_on and office.ended_on:
        return f"{office.started_on.isoformat()} to {office.ended_on.isoformat()}"
    if office.started_on:
        return f"from {office.started_on.isoformat()}"
    if office.ended_on:
        return f"until {office.ended_on.isoformat()}"
    return "dates not recorded"


def offices_held_on(offices: Sequence[T], day: date) -> list[T]:
    """The offices held on a day."""
    return [office for office in offices if office.held_on(day)]


def find_office(offices: Sequence[T], title: str) -> T | None:
    """The office with this title (compared folded), if the actor has it."""
    key = fold(title)
    return next((office for office in offices if fold(office.title) == key), None)


@dataclass(frozen=True, slots=True)
class StanceRecord:
    """What a change of position is read from: one statement's actor, topic, date and stance."""

    statement_id: int
    actor_id: int
    topic_id: int
    said_on: date
    stance: int
    retracted: bool = False


@dataclass(frozen=True, slots=True)
class PositionChange:
    """An actor's stance on a topic differs from their previous statement on it."""

    before_id: int
    after_id: int
    stance_before: int
    stance_after: int
    changed_on: date

    @property
    def summary(self) -> str:
        """'changed from +1 to +2 on 2 Sep 2024'."""
        return (
            f"changed from {signed(self.stance_before)} to {signed(self.stance_after)}"
            f" on {self.changed_on.day} {month_text(self.changed_on)}"
        )


def position_changes(records: Sequence[StanceRecord]) -> list[PositionChange]:
    """Each change of an actor's stance on a topic from their previous statement on it, oldest first.

    Statements are taken in date order (ties by id, the order they were recorded); retracted ones are skipped,
    so a retraction neither makes nor hides a change. Two statements in a row at the same stance are no change.
    """
    changes = []
    previous: dict[tuple[int, int], StanceRecord] = {}
    for record in sorted(records, key=lambda item: (item.said_on, item.statement_id)):
        if record.retracted:
            continue
        key = (record.actor_id, record.topic_id)
        before = previous.get(key)
        if before is not None and record.stance != before.stance:
            changes.append(
                PositionChange(before.statement_id, record.statement_id, before.stance, record.stance, record.said_on)
            )
        previous[key] = record
    return changes


@dataclass(frozen=True, slots=True)
class ChangeTally:
    """How many changes of position a country's officials made up to any day: the days that had one, in order,
    and the running total at the end of each."""

    days: tuple[int, ...] = ()  # date ordinals, ascending
    totals: tuple[int, ...] = ()

    @classmethod
    def of(cls, per_day: Sequence[tuple[date, int]]) -> ChangeTally:
        """From each day's count of changes, the days in ascending order."""
        totals, total = [], 0
        for _, count in per_day:
            total += count
            totals.append(total)
        return cls(tuple(day.toordinal() for day, _ in per_day), tuple(totals))

    def up_to(self, last: date) -> int:
        """Changes made on `last` or before."""
        index = bisect_right(self.days, last.toordinal())
        return self.totals[index - 1] if index else 0
