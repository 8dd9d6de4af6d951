"""app/actors/service.py: changes of position shown with their statements' cards."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from app.actors import service
from app.countries import repository as countries_repository
from app.db import Database
from app.statements import repository as statements_repository
from app.statements.cards import StatementCard


def test_cards_the_page_holds_already_are_not_read_again(seeded_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with seeded_db.read_session() as session:
        poland = countries_repository.get_by_code(session, "PL")
        assert poland is not None
        read_alone = service.changes_of_position(session=session, country_id=poland.id, limit=10)
        assert read_alone.shown, "the seed has a change of position in Poland"
        first = read_alone.shown[0]
        known = {first.after.id: first.after}
        asked: list[int] = []
        cards = statements_repository.cards

        def counted(session_: object, ids: Sequence[int]) -> list[StatementCard]:
            asked.extend(ids)
            return cards(session, ids)

        monkeypatch.setattr(statements_repository, "cards", counted)
        with_known = service.changes_of_position(session=session, country_id=poland.id, limit=10, known=known)
    assert with_known == read_alone
    assert first.after.id not in asked and first.before.id in asked
