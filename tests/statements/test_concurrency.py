"""Many editors writing at once through the real HTTP server: every acknowledged statement stored exactly once.

20 threads each send 25 statements to the JSON API served by uvicorn, on SQLite and on PostgreSQL.
Some are retried with the same Idempotency-Key, as a client does after a timeout, and several
threads name the same new actor at once. Afterwards the stored scores must equal a full rebuild.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.accounts import service as accounts_service
from app.actors.models import Actor
from app.db import Database
from app.statements.models import Statement
from tests.conftest import DatabaseFactory, settings_for
from tests.support import LiveServer, assert_scores_match_rebuild, make_user

THREADS = 20
PER_THREAD = 25
# Seed actors whose offices are open-ended, so any date fits.
SPEAKERS = [
    ("Radosław Sikorski", "PL"),
    ("Donald Tusk", "PL"),
    ("Władysław Kosiniak-Kamysz", "PL"),
    ("Volodymyr Zelenskyy", "UA"),
]
TOPICS = ["intercept-over-ukraine", "no-fly-zone", "air-policing-after-ceasefire"]


def _statement(thread: int, number: int, rng: random.Random) -> dict[str, Any]:
    said_on = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 700))
    if number % 10 == 0:  # every thread names the same new actor, at about the same moment
        actor, extra = "Concurrent Test Minister", {"country": "EE", "office": "Minister of Defence"}
    else:
        name, _ = rng.choice(SPEAKERS)
        actor, extra = name, {}
    return {
        "actor": actor,
        **extra,
        "topic": rng.choice(TOPICS),
        "said_on": said_on.isoformat(),
        "stance": rng.randint(-2, 2),
        "quote": f"Concurrent statement {thread}-{number}.",
        "sources": [
            {
                "url": f"https://example.org/concurrent/{thread}/{number % 5}",
                "outlet": "Example",
                "title": f"Report {thread}",
            }
        ],
    }


@pytest.mark.slow
def test_concurrent_submissions_are_each_stored_exactly_once(
    dialect: str, factories: dict[str, DatabaseFactory]
) -> None:
    url = factories[dialect].create("seeded")
    database = Database.from_url(url)
    try:
        tokens = []
        for index in range(4):
            user_id = make_user(database, f"writer{index}@example.org")
            with database.write() as session:
                user = accounts_service.get_user(session=session, user_id=user_id)
                tokens.append(accounts_service.create_token(session=session, user=user, name="load").token)
        acknowledged: dict[str, int] = {}
        failures: list[str] = []
        lock = threading.Lock()

        with LiveServer(settings_for(url)) as server:

            def write(thread: int) -> None:
                rng = random.Random(thread)
                headers = {"Authorization": f"Bearer {tokens[thread % len(tokens)]}"}
                with httpx.Client(base_url=server.url, headers=headers, timeout=120) as http:
                    for number in range(PER_THREAD):
                        body = _statement(thread, number, rng)
                        key = {"Idempotency-Key": f"load-{thread}-{number}"}
                        attempts = 2 if number % 7 == 0 else 1  # a retry after a "timeout"
                        ids = set()
                        for _ in range(attempts):
                            response = http.post("/api/statements", json=body, headers=key)
                            if response.status_code not in (200, 201):
                                with lock:
                                    failures.append(f"{response.status_code} {response.text[:200]}")
                                continue
                            ids.add(response.json()["statement"]["id"])
                        if len(ids) > 1:
                            with lock:
                                failures.append(f"one key, several statements: {ids}")
                        if ids:
                            with lock:
                                acknowledged[body["quote"]] = ids.pop()

            threads = [threading.Thread(target=write, args=(index,)) for index in range(THREADS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        assert failures == []
        assert len(acknowledged) == THREADS * PER_THREAD
        with database.read_session() as session:
            stored = Counter(
                session.execute(select(Statement.quote).where(Statement.quote.like("Concurrent statement %"))).scalars()
            )
            new_actors = session.execute(select(Actor).where(Actor.name == "Concurrent Test Minister")).scalars().all()
            by_quote = {
                row[0]: row[1]
                for row in session.execute(
                    select(Statement.quote, Statement.id).where(Statement.quote.like("Concurrent statement %"))
                )
            }
        assert set(stored) == set(acknowledged) and set(stored.values()) == {1}
        assert by_quote == acknowledged
        assert len(new_actors) == 1
        assert_scores_match_rebuild(database)
    finally:
        database.dispose()
