"""Every rule a statement must meet gets a message naming its field, and writes nothing: through the form and the API.

The form and the API apply the same rules (app/statements/records.py and the resolver), so one
table of bad records drives both.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.accounts import service as accounts_service
from app.db import Database
from tests.support import form_fields, make_user, record_values, sign_in, snapshot_tables, soup

IN_THREE_DAYS = (date.today() + timedelta(days=3)).isoformat()

# (case, record overrides, the API's field path, the form's field, words the message must contain)
CASES: list[tuple[str, dict[str, Any], str, str, str]] = [
    ("future date", {"said_on": IN_THREE_DAYS}, "said_on", "said_on", "is in the future"),
    ("before the invasion", {"said_on": "2022-02-23"}, "said_on", "said_on", "must be on or after 2022-02-24"),
    ("not a real date", {"said_on": "2024-02-30"}, "said_on", "said_on", "is not a real date"),
    ("stance too high", {"stance": 3}, "stance", "stance", "must be from -2 to +2, not 3"),
    ("stance too low", {"stance": -3}, "stance", "stance", "must be from -2 to +2, not -3"),
    ("stance not whole", {"stance": "1.5"}, "stance", "stance", "must be a whole number from -2 to +2"),
    ("empty quote", {"quote": ""}, "quote", "quote", "is "),  # "is empty" (API) or "is required" (form)
    ("quote too long", {"quote": "x" * 5001}, "quote", "quote", "is 5,001 characters long; the limit is 5,000"),
    (
        "ftp URL",
        {"sources": [{"url": "ftp://example.org/a", "outlet": "O", "title": "T"}]},
        "sources[0].url",
        "source-0-url",
        "must start with http:// or https://",
    ),
    (
        "javascript URL",
        {"sources": [{"url": "javascript:alert(1)", "outlet": "O", "title": "T"}]},
        "sources[0].url",
        "source-0-url",
        "must start with http:// or https://",
    ),
    (
        "URL without a host",
        {"sources": [{"url": "https://", "outlet": "O", "title": "T"}]},
        "sources[0].url",
        "source-0-url",
        "has no host name",
    ),
    (
        "unknown actor",
        {"actor": "Nobody We Know", "country": None, "office": None},
        "actor",
        "actor",
        "unknown actor 'Nobody We Know'",
    ),
    ("unknown topic", {"topic": "made-up-topic"}, "topic", "topic", "unknown topic 'made-up-topic'"),
    (
        "translation missing",
        {"language": "pl"},
        "translation",
        "translation",
        "is required when the language is not English (it is 'pl')",
    ),
]
IDS = [case[0] for case in CASES]


@pytest.fixture(scope="module")
def database(shared_seeded_url: str) -> Iterator[Database]:
    database = Database.from_url(shared_seeded_url)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def editor(shared_client: TestClient, database: Database) -> dict[str, str]:
    """The shared client signed in as an editor (its CSRF token), and that editor's API token."""
    user_id = make_user(database, "validation@example.org")
    with database.write() as session:
        user = accounts_service.get_user(session=session, user_id=user_id)
        api_token = accounts_service.create_token(session=session, user=user, name="validation").token
    return {"csrf_token": sign_in(shared_client, "validation@example.org"), "api_token": api_token}


@pytest.fixture(scope="module")
def script(shared_client: TestClient) -> TestClient:
    """A client with no cookies on the same app, as a script calling the API is."""
    return TestClient(shared_client.app, raise_server_exceptions=False)


@pytest.mark.parametrize(("case", "overrides", "path", "field", "words"), CASES, ids=IDS)
def test_the_form_names_the_bad_field_keeps_the_rest_and_saves_nothing(
    shared_client: TestClient,
    database: Database,
    editor: dict[str, str],
    case: str,
    overrides: dict[str, Any],
    path: str,
    field: str,
    words: str,
) -> None:
    values = record_values(**overrides)
    data = form_fields(values) | {"csrf_token": editor["csrf_token"], "submission_key": f"validation {case}"}
    before = snapshot_tables(database)
    response = shared_client.post("/statements/new", data=data)
    assert response.status_code == 422
    assert snapshot_tables(database) == before
    page = soup(response.text)
    if "control character" in words or words.startswith("(U+"):  # refused at the edge (app/web/inputs.py)
        assert page.select_one(".error-list strong").get_text() == field  # type: ignore[union-attr]
        assert words in page.select_one(".error-list li").get_text()  # type: ignore[union-attr]
        return
    slot = page.select_one(f"#f-{field}-error")
    assert slot is not None and words in slot.get_text(), slot
    control = page.select_one(f"#f-{field}")
    assert control is not None and control.get("aria-invalid") == "true"
    assert f"f-{field}-error" in str(control.get("aria-describedby", "")).split()
    summary = page.select_one("#form-errors")
    assert summary is not None and summary.select_one(f"a[href='#f-{field}']") is not None
    # Only that field is at fault; everything typed is still there.
    assert [slot["id"] for slot in page.select(".error") if slot.get_text().strip()] == [f"f-{field}-error"]
    if field != "actor":
        assert page.select_one("#f-actor")["value"] == values["actor"]  # type: ignore[index]
    if field != "quote":
        assert page.select_one("#f-quote").get_text() == values["quote"]  # type: ignore[union-attr]
    if not field.startswith("source"):
        assert page.select_one("#f-source-0-url")["value"] == values["sources"][0]["url"]  # type: ignore[index]
    assert page.select_one("input[name=submission_key]")["value"] == f"validation {case}"  # type: ignore[index]


@pytest.mark.parametrize(("case", "overrides", "path", "field", "words"), CASES, ids=IDS)
def test_the_api_names_the_bad_field_and_writes_nothing(
    script: TestClient,
    database: Database,
    editor: dict[str, str],
    case: str,
    overrides: dict[str, Any],
    path: str,
    field: str,
    words: str,
) -> None:
    before = snapshot_tables(database)
    response = script.post(
        "/api/statements", json=record_values(**overrides), headers={"Authorization": f"Bearer {editor['api_token']}"}
    )
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == [path]
    assert words in errors[0]["message"]
    assert snapshot_tables(database) == before


def test_every_bad_field_is_listed_at_once(
    shared_client: TestClient, script: TestClient, database: Database, editor: dict[str, str]
) -> None:
    bad = {
        "said_on": IN_THREE_DAYS,
        "stance": 9,
        "quote": "",
        "language": "uk",
        "sources": [{"url": "ftp://x.example", "outlet": "", "title": "T"}],
        "colour": "red",
    }
    before = snapshot_tables(database)
    response = script.post(
        "/api/statements", json=record_values(**bad), headers={"Authorization": f"Bearer {editor['api_token']}"}
    )
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {
        "said_on",
        "stance",
        "quote",
        "translation",
        "sources[0].url",
        "sources[0].outlet",
        "colour",
    }
    form = form_fields(record_values(**{k: v for k, v in bad.items() if k != "colour"}))
    page = soup(shared_client.post("/statements/new", data=form | {"csrf_token": editor["csrf_token"]}).text)
    marked = {element["id"] for element in page.select("[aria-invalid=true]")}
    assert marked == {"f-said_on", "f-stance", "f-quote", "f-translation", "f-source-0-url", "f-source-0-outlet"}
    assert snapshot_tables(database) == before


def test_a_form_with_an_unknown_field_is_refused(
    shared_client: TestClient, database: Database, editor: dict[str, str]
) -> None:
    before = snapshot_tables(database)
    data = form_fields(record_values()) | {"csrf_token": editor["csrf_token"], "colour": "red"}
    response = shared_client.post("/statements/new", data=data)
    assert response.status_code == 422 and "colour" in soup(response.text).get_text()
    assert snapshot_tables(database) == before


def test_the_api_refuses_bodies_that_are_not_one_record(
    script: TestClient, database: Database, editor: dict[str, str]
) -> None:
    headers = {"Authorization": f"Bearer {editor['api_token']}"}
    before = snapshot_tables(database)
    for body in (b"{not json", b"[1, 2]", b"\xff\xfe", b""):
        response = script.post("/api/statements", content=body, headers=headers)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body", body
    assert snapshot_tables(database) == before


def test_a_record_without_its_date_is_refused_naming_the_date_whatever_its_precision(
    script: TestClient, database: Database, editor: dict[str, str]
) -> None:
    values = {key: value for key, value in record_values(date_precision="month").items() if key != "said_on"}
    before = snapshot_tables(database)
    response = script.post("/api/statements", json=values, headers={"Authorization": f"Bearer {editor['api_token']}"})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["said_on"]
    assert snapshot_tables(database) == before


# Control characters are refused for every route before the form is read (app/web/inputs.py): the
# answer names the field and the character, on the form and on the API, and nothing is written.
CONTROL_CASES = [("NUL in the quote", "before\x00after", "(U+0000 at position 7)"), ("bell", "ring\x07ring", "(U+0007")]


@pytest.mark.parametrize(("case", "quote", "words"), CONTROL_CASES, ids=[case for case, _, _ in CONTROL_CASES])
def test_a_control_character_in_the_quote_is_refused_naming_the_quote(
    shared_client: TestClient,
    script: TestClient,
    database: Database,
    editor: dict[str, str],
    case: str,
    quote: str,
    words: str,
) -> None:
    before = snapshot_tables(database)
    data = form_fields(record_values(quote=quote)) | {"csrf_token": editor["csrf_token"], "submission_key": case}
    page = shared_client.post("/statements/new", data=data)
    assert page.status_code == 422
    listed = soup(page.text).select_one(".error-list li")
    assert listed is not None and listed.select_one("strong").get_text() == "quote"  # type: ignore[union-attr]
    assert words in listed.get_text()
    response = script.post(
        "/api/statements", json=record_values(quote=quote), headers={"Authorization": f"Bearer {editor['api_token']}"}
    )
    assert response.status_code == 422
    assert [(error["field"], words in error["message"]) for error in response.json()["errors"]] == [("quote", True)]
    assert snapshot_tables(database) == before


def test_a_month_precision_without_a_date_is_refused_naming_the_date() -> None:
    from app.statements.records import problems

    values = record_values(date_precision="month")
    del values["said_on"]
    assert [field for field, _ in problems(values)] == ["said_on"]  # found by make fuzz: it answered 500
