"""Pure rules about actors and offices: which office class a title is, which office was held when."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Protocol, TypeVar

from app.actors.models import OfficeRank
from app.text import fold

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


POSITION_CHANGE = 2  # points between an actor's consecutive statements on one topic that flag a change


def position_changes(statements: Sequence[tuple[int, int, date, int]]) -> list[tuple[int, int]]:
    """(earlier id, later id) wherever an actor moved 2 or more points from their previous statement on a topic.

    `statements` are (id, topic_id, said_on, stance), in any order.
    """
    changes = []
    previous: dict[int, tuple[int, int]] = {}
    for statement_id, topic_id, _, stance in sorted(statements, key=lambda item: (item[2], item[0])):
        before = previous.get(topic_id)
        if before is not None and abs(stance - before[1]) >= POSITION_CHANGE:
            changes.append((before[0], statement_id))
        previous[topic_id] = (statement_id, stance)
    return changes
