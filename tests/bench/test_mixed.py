"""bench/mixed.py: the mixed load posts new statements through the real form, not forms shown again.

The posts rotate speakers, topics and days so that no two of them are by one actor on one topic and
day (which the form flags as a possible duplicate instead of saving). Posted through the app, they save.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.actors import repository as actors_repository
from app.actors.models import Actor
from app.actors.rules import offices_held_on
from app.config import Settings
from app.db import Database
from app.main import create_app
from bench import mixed
from bench.synthetic import service
from tests.support import sign_in

TODAY = date(2026, 11, 22)


def _small(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'small.sqlite3'}"
    service.generate(database_url=url, statements=400, actors=60, today=TODAY)
    return url


def test_posters_have_one_name_and_one_office_held_through_the_spread(tmp_path: Path) -> None:
    url = _small(tmp_path)
    posters = mixed.pick_posters(url, today=TODAY)
    assert posters.speakers
    assert sorted(posters.topics) == [
        "air-defence-supply",
        "air-policing-after-ceasefire",
        "intercept-over-ukraine",
        "no-fly-zone",
    ]
    database = Database.from_url(url)
    try:
        with database.read_session() as session:
            for speaker in posters.speakers:
                [actor] = session.execute(select(Actor).where(Actor.name == speaker.name)).scalars().all()
                offices = actors_repository.with_offices(session, [actor.id])[actor.id].offices
                for day in (TODAY - timedelta(days=mixed.SPREAD_DAYS - 1), TODAY):
                    assert [office.title for office in offices_held_on(offices, day)] == [speaker.office], (
                        speaker,
                        day,
                    )
    finally:
        database.dispose()


def test_posts_never_repeat_an_actor_topic_and_day() -> None:
    speakers = [mixed.Speaker(f"Speaker {n}", "PL", "Minister") for n in range(7)]
    posters = mixed.Posters(speakers, ["a", "b", "c"])
    count = len(speakers) * len(posters.topics) * mixed.SPREAD_DAYS
    posts = [mixed.form_fields(posters, number, "token", today=TODAY) for number in range(count)]
    slots = {(post["actor"], post["topic"], post["said_on"]) for post in posts}
    assert len(slots) == count
    assert len({post["submission_key"] for post in posts}) == count
    assert all(post["csrf_token"] == "token" and post["quote"] for post in posts)
    assert min(date.fromisoformat(post["said_on"]) for post in posts) == date(2026, 9, 24)  # 59 days back


def test_posts_in_another_language_carry_the_translation_the_form_asks_for() -> None:
    posters = mixed.Posters([mixed.Speaker("Speaker", "PL", "Minister")], ["a"])
    posts = [mixed.form_fields(posters, number, "token", today=TODAY) for number in range(2000)]
    polish = [post for post in posts if post["language"] == "pl"]
    assert polish and len(polish) < len(posts)  # both languages are posted
    assert all(post["translation"].strip() for post in polish)
    assert all(post["translation"] == "" for post in posts if post["language"] == "en")


def test_the_posted_bodies_save_statements(tmp_path: Path) -> None:
    url = _small(tmp_path)
    posters = mixed.pick_posters(url, today=TODAY)
    app = create_app(Settings(database_url=url, secret_key="bench-mixed-test"))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        mixed.create_editor(url)
        csrf = sign_in(client, mixed.EDITOR_EMAIL, mixed.EDITOR_PASSWORD)
        answers = [
            client.post(
                mixed.FORM_PATH, data=mixed.form_fields(posters, number, csrf, today=TODAY), follow_redirects=False
            )
            for number in range(12)
        ]
    assert [answer.status_code for answer in answers] == [303] * 12
    assert all(answer.headers["location"].endswith("?saved=new") for answer in answers)
    assert mixed.saved_count(url) == 12


def test_statements_added_per_second_count_only_saves() -> None:
    def figures(sent: int, saved: int) -> mixed.MixedFigures:
        return mixed.MixedFigures(
            reads_alone_rps=800,
            reads_with_posts_rps=600,
            post_rps=200,
            post_p99_ms=20,
            posts_sent=sent,
            posts_saved=saved,
        )

    assert figures(1000, 500).saved_rps == 100  # half the POSTs re-showed the form
    assert figures(1000, 1004).saved_rps == 200  # posts in flight at the end saved but went unanswered
    assert figures(0, 0).saved_rps == 0
    assert figures(1000, 500).read_loss == 0.25
