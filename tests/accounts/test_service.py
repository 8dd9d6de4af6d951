"""Accounts' rules: users and passwords, the sign-in rate limit, sessions and API tokens."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.accounts import passwords, rules, service
from app.accounts.models import ApiToken, LoginAttempt, Role, User, UserSession
from app.db import Database, utcnow
from tests.support import LONG_PASSWORD, PASSWORD, make_user, snapshot_tables

MAX_AGE = timedelta(days=14)


# Users and passwords


def test_a_user_is_stored_lower_cased_with_an_argon2id_hash(empty_db: Database) -> None:
    with empty_db.write() as session:
        user = service.add_user(session=session, email="  Editor@Example.ORG ", password=PASSWORD, role="editor")
    with empty_db.read_session() as session:
        stored = session.execute(select(User)).scalar_one()
    assert stored.id == user.id and stored.email == "editor@example.org" and stored.role == Role.EDITOR
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    assert passwords.verify_password(PASSWORD, stored.password_hash)[0]
    assert not passwords.verify_password(PASSWORD + " ", stored.password_hash)[0]


def test_a_new_user_goes_by_editor_and_their_id_until_they_choose_a_name(empty_db: Database) -> None:
    with empty_db.write() as session:
        first = service.add_user(session=session, email="a@example.org", password=PASSWORD, role="editor")
        second = service.add_user(session=session, email="b@example.org", password=PASSWORD, role="admin")
        service.rename_user(session=session, user=second, display_name="Olena Shevchenko")
    with empty_db.read_session() as session:
        stored = {user.id: user.display_name for user in session.execute(select(User)).scalars()}
    assert stored == {first.id: f"Editor {first.id}", second.id: "Olena Shevchenko"}


@pytest.mark.parametrize(
    "password", [LONG_PASSWORD, "Zażółć gęślą jaźń", "日本語のパスワードです", "  spaces at both ends  "]
)
def test_long_and_non_ascii_passwords_round_trip(password: str) -> None:
    stored = passwords.hash_password(password)
    assert passwords.verify_password(password, stored) == (True, None)
    assert not passwords.verify_password(password[:-1], stored)[0]


def test_a_password_typed_composed_or_decomposed_is_the_same_password() -> None:
    composed = "café crème brûlée"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert passwords.verify_password(decomposed, passwords.hash_password(composed))[0]


def test_an_unreadable_stored_hash_signs_nobody_in() -> None:
    assert passwords.verify_password(PASSWORD, "not a hash") == (False, None)


@pytest.mark.parametrize(
    ("email", "password", "role", "field", "message"),
    [
        ("not-an-address", PASSWORD, "editor", "email", "like name@example.org"),
        ("", PASSWORD, "editor", "email", "Enter an email address"),
        ("a@b", PASSWORD, "editor", "email", "like name@example.org"),
        ("two@@example.org", PASSWORD, "editor", "email", "like name@example.org"),
        ("x" * 320 + "@example.org", PASSWORD, "editor", "email", "at most 320"),
        ("ok@example.org", "", "editor", "password", "can't be empty"),
        ("ok@example.org", "short", "editor", "password", "at least 8"),
        ("ok@example.org", "x" * 4097, "editor", "password", "at most 4,096"),
        ("ok@example.org", PASSWORD, "owner", "role", "editor or admin"),
    ],
)
def test_a_bad_user_is_refused_field_by_field_and_nothing_is_written(
    empty_db: Database, email: str, password: str, role: str, field: str, message: str
) -> None:
    before = snapshot_tables(empty_db)
    with pytest.raises(service.AccountRefused) as refused, empty_db.write() as session:
        service.add_user(session=session, email=email, password=password, role=role)
    assert [item.field for item in refused.value.errors] == [field]
    assert message in refused.value.errors[0].message
    assert snapshot_tables(empty_db) == before


def test_every_problem_is_reported_at_once(empty_db: Database) -> None:
    with pytest.raises(service.AccountRefused) as refused, empty_db.write() as session:
        service.add_user(session=session, email="nope", password="", role="boss")
    assert [error.field for error in refused.value.errors] == ["email", "password", "role"]


def test_a_duplicate_address_is_refused_whatever_its_case(empty_db: Database) -> None:
    make_user(empty_db, "editor@example.org")
    before = snapshot_tables(empty_db)
    with pytest.raises(service.AccountRefused) as refused, empty_db.write() as session:
        service.add_user(session=session, email="EDITOR@example.org", password=PASSWORD, role="admin")
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("email", "There is already a user editor@example.org.")
    ]
    assert snapshot_tables(empty_db) == before


def test_the_confirmation_must_match(empty_db: Database) -> None:
    with pytest.raises(service.AccountRefused) as refused, empty_db.write() as session:
        service.add_user(
            session=session, email="a@example.org", password=PASSWORD, role="editor", password_confirm="other one"
        )
    assert refused.value.errors[0].field == "password_confirm"


# Disabling


def test_disabling_revokes_every_session_and_token(empty_db: Database) -> None:
    user_id = make_user(empty_db, "editor@example.org")
    other_id = make_user(empty_db, "other@example.org")
    with empty_db.write() as session:
        user, other = session.get(User, user_id), session.get(User, other_id)
        assert user is not None and other is not None
        first = service.start_session(session=session, user=user, max_age=MAX_AGE)
        service.start_session(session=session, user=user, max_age=MAX_AGE)
        kept = service.start_session(session=session, user=other, max_age=MAX_AGE)
        token = service.create_token(session=session, user=user, name="script")
    with empty_db.write() as session:
        user = session.get(User, user_id)
        assert user is not None
        report = service.disable_user(session=session, user=user)
    assert (report.already, report.sessions_revoked, report.tokens_revoked) == (False, 2, 1)
    with empty_db.read_session() as session:
        assert session.get(User, user_id).disabled_at is not None  # type: ignore[union-attr]
        assert service.find_session(session=session, token=first.token) is None
        assert service.find_token(session=session, token=token.token) is None
        assert service.find_session(session=session, token=kept.token) is not None


def test_an_admin_cannot_disable_themselves_from_the_page(empty_db: Database) -> None:
    admin_id = make_user(empty_db, "admin@example.org", "admin")
    before = snapshot_tables(empty_db)
    with pytest.raises(service.AccountRefused), empty_db.write() as session:
        admin = session.get(User, admin_id)
        service.disable_user(session=session, user=admin, by=admin)  # type: ignore[arg-type]
    assert snapshot_tables(empty_db) == before


# Signing in and its rate limit


def _fail(database: Database, email: str, address: str, times: int = 1, at: timedelta = timedelta()) -> None:
    for _ in range(times):
        with database.write() as session:
            service.begin_login(session=session, email=email, address=address, now=utcnow() - at)


def test_ten_failures_for_an_account_pause_it_without_checking_anything(empty_db: Database) -> None:
    make_user(empty_db, "editor@example.org")
    _fail(empty_db, "editor@example.org", "10.0.0.1", times=10)
    before = snapshot_tables(empty_db)
    with pytest.raises(service.LoginThrottled) as throttled, empty_db.write() as session:
        service.begin_login(session=session, email="Editor@Example.org", address="10.0.0.99")
    assert snapshot_tables(empty_db) == before  # a refused attempt is not even recorded
    assert 14 * 60 < throttled.value.retry_after_seconds <= 15 * 60
    assert "try again in 15 minutes" in throttled.value.message
    # Other accounts from other addresses are untouched.
    with empty_db.write() as session:
        ticket = service.begin_login(session=session, email="other@example.org", address="10.0.0.2")
    assert ticket.user_id is None


def test_ten_failures_from_an_address_pause_it_for_every_account(empty_db: Database) -> None:
    for n in range(10):
        _fail(empty_db, f"guess{n}@example.org", "10.0.0.1")
    with pytest.raises(service.LoginThrottled), empty_db.write() as session:
        service.begin_login(session=session, email="someone@example.org", address="10.0.0.1")
    with empty_db.write() as session:
        service.begin_login(session=session, email="someone@example.org", address="10.0.0.2")


def test_nine_failures_are_not_enough_and_old_ones_expire(empty_db: Database) -> None:
    _fail(empty_db, "editor@example.org", "10.0.0.1", times=5, at=timedelta(minutes=16))
    _fail(empty_db, "editor@example.org", "10.0.0.1", times=9)
    with empty_db.write() as session:
        service.begin_login(session=session, email="editor@example.org", address="10.0.0.1")  # the 10th counted
    with pytest.raises(service.LoginThrottled), empty_db.write() as session:
        service.begin_login(session=session, email="editor@example.org", address="10.0.0.1")


def test_the_pause_lasts_until_the_tenth_latest_failure_leaves_the_window(empty_db: Database) -> None:
    _fail(empty_db, "editor@example.org", "10.0.0.1", times=10, at=timedelta(minutes=10))
    with pytest.raises(service.LoginThrottled) as throttled, empty_db.write() as session:
        service.begin_login(session=session, email="editor@example.org", address="10.0.0.3")
    assert 4 * 60 < throttled.value.retry_after_seconds <= 5 * 60


def test_a_success_resets_the_accounts_count_but_not_the_addresses(empty_db: Database) -> None:
    user_id = make_user(empty_db, "editor@example.org")
    _fail(empty_db, "editor@example.org", "10.0.0.1", times=9)
    with empty_db.write() as session:
        ticket = service.begin_login(session=session, email="editor@example.org", address="10.0.0.2")
    verdict = service.check_password(ticket=ticket, password=PASSWORD)
    assert verdict.ok and ticket.user_id == user_id
    with empty_db.write() as session:
        started = service.complete_login(session=session, ticket=ticket, verdict=verdict, max_age=MAX_AGE)
    assert started is not None
    _fail(empty_db, "editor@example.org", "10.0.0.3", times=9)
    with empty_db.write() as session:
        service.begin_login(session=session, email="editor@example.org", address="10.0.0.4")
    _fail(empty_db, "x@example.org", "10.0.0.1")  # the address's tenth failure: the success did not reset it
    with pytest.raises(service.LoginThrottled), empty_db.write() as session:
        service.begin_login(session=session, email="y@example.org", address="10.0.0.1")


def test_unknown_accounts_wrong_passwords_and_disabled_users_all_just_fail(empty_db: Database) -> None:
    make_user(empty_db, "editor@example.org")
    gone_id = make_user(empty_db, "gone@example.org")
    with empty_db.write() as session:
        service.disable_user(session=session, user=session.get(User, gone_id))  # type: ignore[arg-type]
    for email, password in (
        ("nobody@example.org", PASSWORD),
        ("editor@example.org", "wrong password"),
        ("gone@example.org", PASSWORD),
    ):
        with empty_db.write() as session:
            ticket = service.begin_login(session=session, email=email, address="10.0.0.1")
        verdict = service.check_password(ticket=ticket, password=password)
        assert not verdict.ok
        with empty_db.write() as session:
            assert service.complete_login(session=session, ticket=ticket, verdict=verdict, max_age=MAX_AGE) is None
    with empty_db.read_session() as session:
        attempts = session.execute(select(LoginAttempt.email_key, LoginAttempt.succeeded)).all()
        assert sorted(attempts) == [
            ("editor@example.org", False),
            ("gone@example.org", False),
            ("nobody@example.org", False),
        ]
        assert session.execute(select(UserSession)).first() is None


def test_signing_in_replaces_the_browsers_old_session(empty_db: Database) -> None:
    user_id = make_user(empty_db, "editor@example.org")
    with empty_db.write() as session:
        old = service.start_session(session=session, user=session.get(User, user_id), max_age=MAX_AGE)  # type: ignore[arg-type]
        ticket = service.begin_login(session=session, email="editor@example.org", address="10.0.0.1")
    verdict = service.check_password(ticket=ticket, password=PASSWORD)
    with empty_db.write() as session:
        new = service.complete_login(
            session=session, ticket=ticket, verdict=verdict, max_age=MAX_AGE, replaces=old.record.id
        )
    assert new is not None and new.token != old.token and new.record.id != old.record.id
    with empty_db.read_session() as session:
        assert service.find_session(session=session, token=old.token) is None
        assert service.find_session(session=session, token=new.token) is not None


# Sessions


def test_a_session_stores_only_the_tokens_sha256(empty_db: Database) -> None:
    user_id = make_user(empty_db, "editor@example.org")
    with empty_db.write() as session:
        started = service.start_session(session=session, user=session.get(User, user_id), max_age=MAX_AGE)  # type: ignore[arg-type]
    assert started.record.id == hashlib.sha256(started.token.encode()).hexdigest()
    assert started.token not in repr(snapshot_tables(empty_db))
    assert rules.viewer_key(started.record.id) == started.record.id[:16]


def test_revoked_expired_and_unknown_sessions_are_nobody(empty_db: Database) -> None:
    user_id = make_user(empty_db, "editor@example.org")
    with empty_db.write() as session:
        user = session.get(User, user_id)
        revoked = service.start_session(session=session, user=user, max_age=MAX_AGE)  # type: ignore[arg-type]
        expired = service.start_session(session=session, user=user, max_age=MAX_AGE)  # type: ignore[arg-type]
        live = service.start_session(session=session, user=user, max_age=MAX_AGE)  # type: ignore[arg-type]
        service.end_session(session=session, session_id=revoked.record.id)
        session.execute(
            update(UserSession)
            .where(UserSession.id == expired.record.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    with empty_db.read_session() as session:
        assert service.find_session(session=session, token=revoked.token) is None
        assert service.find_session(session=session, token=expired.token) is None
        assert service.find_session(session=session, token="made-up") is None
        assert service.find_session(session=session, token="") is None
        found = service.find_session(session=session, token=live.token)
        assert found is not None and found.user.email == "editor@example.org"


def test_touching_slides_the_expiry_at_most_once_a_minute(empty_db: Database) -> None:
    user_id = make_user(empty_db, "editor@example.org")
    with empty_db.write() as session:
        started = service.start_session(session=session, user=session.get(User, user_id), max_age=MAX_AGE)  # type: ignore[arg-type]
    assert not rules.needs_touch(started.record)
    with empty_db.write() as session:
        assert not service.touch_session(session=session, session_id=started.record.id, max_age=MAX_AGE)
    later = utcnow() + timedelta(minutes=2)
    assert rules.needs_touch(started.record, later)
    with empty_db.write() as session:
        assert service.touch_session(session=session, session_id=started.record.id, max_age=MAX_AGE, now=later)
        assert not service.touch_session(session=session, session_id=started.record.id, max_age=MAX_AGE, now=later)
    with empty_db.read_session() as session:
        stored = session.get(UserSession, started.record.id)
        assert stored is not None and stored.expires_at == later + MAX_AGE and stored.last_seen_at == later


# API tokens


def test_a_token_is_stored_as_its_hash_and_a_short_prefix(empty_db: Database) -> None:
    user_id = make_user(empty_db, "editor@example.org")
    with empty_db.write() as session:
        created = service.create_token(session=session, user=session.get(User, user_id), name="  import script ")  # type: ignore[arg-type]
    assert created.token.startswith("iw_") and len(created.token) > 40
    with empty_db.read_session() as session:
        stored = session.execute(select(ApiToken)).scalar_one()
        assert stored.name == "import script" and stored.prefix == created.token[:11]
        assert stored.token_hash == hashlib.sha256(created.token.encode()).hexdigest()
        assert created.token not in repr(snapshot_tables(empty_db))
        found = service.find_token(session=session, token=created.token)
        assert found is not None and found.user.id == user_id
        assert service.find_token(session=session, token=created.token + "x") is None
        assert service.find_token(session=session, token="Bearer") is None


@pytest.mark.parametrize(
    ("name", "message"), [("", "Give the token a name"), ("x" * 101, "at most 100"), ("tab\there", "control")]
)
def test_a_bad_token_name_is_refused(empty_db: Database, name: str, message: str) -> None:
    user_id = make_user(empty_db, "editor@example.org")
    before = snapshot_tables(empty_db)
    with pytest.raises(service.AccountRefused) as refused, empty_db.write() as session:
        service.create_token(session=session, user=session.get(User, user_id), name=name)  # type: ignore[arg-type]
    assert refused.value.errors[0].field == "name" and message in refused.value.errors[0].message
    assert snapshot_tables(empty_db) == before


def test_only_the_owner_revokes_a_token(empty_db: Database) -> None:
    owner_id = make_user(empty_db, "owner@example.org")
    other_id = make_user(empty_db, "other@example.org")
    with empty_db.write() as session:
        created = service.create_token(session=session, user=session.get(User, owner_id), name="script")  # type: ignore[arg-type]
    with pytest.raises(service.TokenNotFound), empty_db.write() as session:
        service.revoke_token(session=session, user=session.get(User, other_id), token_id=created.record.id)  # type: ignore[arg-type]
    with empty_db.write() as session:
        service.revoke_token(session=session, user=session.get(User, owner_id), token_id=created.record.id)  # type: ignore[arg-type]
    with empty_db.read_session() as session:
        assert service.find_token(session=session, token=created.token) is None
