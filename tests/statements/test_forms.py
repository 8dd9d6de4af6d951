"""app/statements/forms.py: the form's fields become an interchange record, and messages go back beside their fields."""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import FieldError
from app.statements import forms
from app.statements.records import problems
from app.statements.schemas import StatementForm
from tests.support import form_fields, record_values


def _state(**overrides: Any) -> forms.FormState:
    return forms.from_form(StatementForm(**form_fields(record_values(**overrides))))


def test_a_filled_form_makes_the_record_it_shows() -> None:
    values = record_values()
    raw, rows = forms.to_record(_state())
    assert problems(raw) == []
    assert {name: raw[name] for name in ("actor", "topic", "said_on", "quote")} == {
        name: str(values[name]) for name in ("actor", "topic", "said_on", "quote")
    }
    assert raw["stance"] == values["stance"]  # typed as text, held as the number the record wants
    assert rows == [0] and raw["sources"][0]["url"] == values["sources"][0]["url"]


@pytest.mark.parametrize(("typed", "held"), [("2", 2), (" +1 ", 1), ("-2", -2), ("1.5", "1.5"), ("two", "two")])
def test_a_typed_stance_becomes_a_number_and_anything_else_stays_for_the_record_to_refuse(
    typed: str, held: int | str
) -> None:
    raw, _ = forms.to_record(_state(stance=typed))
    assert raw["stance"] == held


def test_blank_required_fields_are_left_out_so_the_record_says_they_are_required() -> None:
    raw, _ = forms.to_record(_state(quote="  ", said_on=""))
    assert "quote" not in raw and "said_on" not in raw
    assert {path for path, _ in problems(raw)} >= {"quote", "said_on"}


def test_a_month_known_date_is_written_as_the_first_of_the_month() -> None:
    state = _state(said_on="2024-07-19")
    state.values["date_precision"] = "month"
    raw, _ = forms.to_record(state)
    assert raw["said_on"] == "2024-07-01"


def test_blank_source_rows_are_left_out_and_messages_find_their_row() -> None:
    state = _state()
    state.sources.insert(0, forms.SourceRow())  # a blank first row
    raw, rows = forms.to_record(state)
    assert rows == [1] and len(raw["sources"]) == 1
    shown = forms.messages(
        [FieldError("sources[0].url", "is not a URL"), FieldError("said_on", "is in the future")], rows
    )
    assert list(shown) == ["said_on", "source-1-url"]  # in the form's order
    assert shown["source-1-url"] == "Source 2 URL: is not a URL"
    assert shown["said_on"] == "Date: is in the future"


def test_adding_and_removing_a_source_row_moves_the_focus() -> None:
    fields = form_fields(record_values())
    added = forms.from_form(StatementForm(**fields, add_source="1"))
    assert len(added.sources) == 2 and added.focus == "source-1-url"
    removed = forms.from_form(StatementForm(**fields, remove_source="0"))
    assert len(removed.sources) == 1 and removed.sources[0].blank and removed.focus == "sources"


def test_a_stored_record_fills_the_form_back() -> None:
    values = record_values(condition="only with allies")
    state = forms.from_record(values)
    assert state.values["condition"] == "only with allies" and state.values["office_rank"] == ""
    assert [row.url for row in state.sources] == [values["sources"][0]["url"]]
