"""The JSON and CSV codecs, without a database."""

from __future__ import annotations

import io
import json

import pytest

from app.interchange import codec


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "'=x", "''+y", "plain", "'quoted'", "", "a=b"])
def test_spreadsheet_escaping_round_trips(text: str) -> None:
    safe = codec.spreadsheet_safe(text)
    assert codec.spreadsheet_unsafe(safe) == text
    assert safe[:1] not in ("=", "+", "-", "@", "\t")


def test_json_writer_matches_json_dumps() -> None:
    records = [{"actor": "Radosław", "n": 1}, {"actor": "B", "nested": [{"a": None}]}]
    out = io.StringIO()
    codec.write_json(records, out)
    document = {"format": "intercept-watch/statements", "version": 1, "statements": records}
    assert out.getvalue() == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    empty = io.StringIO()
    codec.write_json([], empty)
    assert json.loads(empty.getvalue())["statements"] == []


def test_csv_cells_are_typed_on_read() -> None:
    text = 'actor,stance,quote_is_verbatim,sources,condition\nA,-1,false,"[{""url"":""https://x.org""}]",\'=x\n'
    (row,) = codec.read_csv(text)
    assert row.values == {
        "actor": "A",
        "stance": -1,
        "quote_is_verbatim": False,
        "sources": [{"url": "https://x.org"}],
        "condition": "=x",
    }


def test_an_unreadable_sources_cell_is_reported_for_its_record() -> None:
    (row,) = codec.read_csv("actor,sources\nA,[not json\n")
    assert codec.unreadable_message(row.values).startswith("sources\x1fis not a JSON list")  # type: ignore[union-attr]
