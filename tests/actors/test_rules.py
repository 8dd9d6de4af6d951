"""app/actors/rules.py: changes of position (the office rules are tested through the resolver and the seed)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from app.actors.rules import ChangeTally, PositionChange, StanceRecord, position_changes

SIKORSKI, TUSK = 1, 2
INTERCEPT, NO_FLY = 10, 11


def _record(
    statement_id: int,
    said_on: str,
    stance: int,
    *,
    actor: int = SIKORSKI,
    topic: int = INTERCEPT,
    retracted: bool = False,
) -> StanceRecord:
    return StanceRecord(statement_id, actor, topic, date.fromisoformat(said_on), stance, retracted)


def test_every_change_of_stance_on_a_topic_in_date_order() -> None:
    records = [
        _record(3, "2024-11-05", 1),
        _record(1, "2024-07-13", 1),
        _record(2, "2024-09-02", 2),
        _record(4, "2024-09-02", 2),  # the same day, the same stance: no change
    ]
    assert position_changes(records) == [
        PositionChange(1, 2, 1, 2, date(2024, 9, 2)),
        PositionChange(4, 3, 2, 1, date(2024, 11, 5)),
    ]
    assert position_changes(records)[0].summary == "changed from +1 to +2 on 2 Sep 2024"
    assert position_changes(records)[1].summary == "changed from +2 to +1 on 5 Nov 2024"


def test_each_actor_and_topic_is_its_own_sequence() -> None:
    records = [
        _record(1, "2024-07-01", 1),
        _record(2, "2024-07-02", -2, topic=NO_FLY),  # another topic: not compared with the +1
        _record(3, "2024-07-03", 2, actor=TUSK),  # another actor: not compared either
        _record(4, "2024-07-04", -1, topic=NO_FLY),
    ]
    (change,) = position_changes(records)
    assert (change.before_id, change.after_id, change.summary) == (
        2,
        4,
        "changed from \u22122 to \u22121 on 4 Jul 2024",
    )


def test_a_retracted_statement_neither_makes_nor_hides_a_change() -> None:
    records = [
        _record(1, "2024-07-01", 1),
        _record(2, "2024-08-01", -2, retracted=True),
        _record(3, "2024-09-01", 1),
        _record(4, "2024-10-01", 2),
    ]
    assert [(c.before_id, c.after_id) for c in position_changes(records)] == [(3, 4)]


def test_one_statement_or_none_is_no_change() -> None:
    assert position_changes([]) == []
    assert position_changes([_record(1, "2024-07-01", 2)]) == []


def test_a_tally_counts_the_changes_made_up_to_any_day() -> None:
    rng = random.Random(4)
    changed_on = sorted(date(2024, 1, 1) + timedelta(days=rng.randint(0, 400)) for _ in range(300))
    per_day = sorted(Counter(changed_on).items())
    tally = ChangeTally.of(per_day)
    for day in [date(2023, 12, 31), date.max, *(date(2023, 12, 25) + timedelta(days=n) for n in range(420))]:
        assert tally.up_to(day) == sum(1 for on in changed_on if on <= day), day
    assert ChangeTally.of([]).up_to(date.max) == 0
