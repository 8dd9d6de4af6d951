"""Differences between statement versions."""

from __future__ import annotations

from app.revisions.diff import Piece, changes, word_diff


def test_only_changed_fields_are_listed() -> None:
    before = {"stance": 1, "quote": "Poland is open to it.", "condition": None, "sources": [{"url": "https://a.org/x"}]}
    after = {
        "stance": -1,
        "quote": "Poland is not open to it.",
        "condition": "only with NATO",
        "sources": [{"url": "https://a.org/x"}],
    }
    found = {change.field: change for change in changes(before, after)}
    assert set(found) == {"stance", "quote", "condition"}
    assert (found["stance"].before, found["stance"].after) == ("+1", "\u22121")
    assert found["condition"].before == "(none)" and found["condition"].after == "only with NATO"
    assert [p for p in found["quote"].pieces if p.kind != "same"] == [Piece("ins", " not")]


def test_words_are_marked_not_characters() -> None:
    pieces = word_diff("would require approval", "would require NATO approval")
    assert "".join(p.text for p in pieces if p.kind != "del") == "would require NATO approval"
    assert "".join(p.text for p in pieces if p.kind != "ins") == "would require approval"
    assert any(p.kind == "ins" and "NATO" in p.text for p in pieces)


def test_a_first_version_lists_every_field() -> None:
    found = changes(None, {"actor": "A", "stance": 2, "quote": "q"})
    assert [c.field for c in found][:3] == ["actor", "country", "office"] and all(c.before == "" for c in found)


def test_a_short_field_reads_before_and_after_not_its_characters_run_together() -> None:
    found = {c.field: c for c in changes({"stance": 2, "language": "en"}, {"stance": 1, "language": "pl"})}
    assert "".join(p.text for p in found["stance"].pieces) == "+2 \u2192 +1"  # was '21'
    assert [p.kind for p in found["stance"].pieces] == ["del", "same", "ins"]
    assert "".join(p.text for p in found["language"].pieces) == "English \u2192 Polish"
