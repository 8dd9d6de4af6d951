"""The mixed load: reads, plus the add-statement form POSTed by a signed-in editor at a steady rate.

- `create_editor` makes the editor account through `app.accounts.service.add_user`;
- `login` signs in at LOGIN_PATH (a form with email, password and a csrf_token field) and reads
  the CSRF token the add-statement page carries (its hidden csrf_token field, or the
  X-CSRF-Token in base.html's hx-headers);
- `pick_posters` and `form_fields` make each POST a new statement (see form_fields), and
  `saved_count` counts the ones that saved, so a form shown again is never timed as a save.
"""

from __future__ import annotations

import random
import re
import statistics
import subprocess
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlalchemy import text

from app.accounts import repository as accounts_repository
from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.db import Database
from bench import wrk
from bench.cold import PathCursor
from bench.config import Plan
from bench.synthetic.generator import QuoteMaker
from bench.wrk import BenchError

LOGIN_PATH = "/login"
FORM_PATH = "/statements/new"
EDITOR_EMAIL = "bench-editor@example.org"
EDITOR_PASSWORD = "bench-editor-password-2026"
_CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*\bvalue="([^"]+)"|value="([^"]+)"[^>]*\bname="csrf_token"')
_CSRF_HEADER = re.compile(r'"X-CSRF-Token":\s*"([^"]+)"')


@dataclass(frozen=True, slots=True)
class EditorSession:
    cookie: str  # the Cookie header a signed-in browser sends
    csrf_token: str

    @property
    def headers(self) -> dict[str, str]:
        """What each POST carries: the session cookie, and the CSRF token as the page's HTMX requests send it."""
        return {"Cookie": self.cookie, "X-CSRF-Token": self.csrf_token}


def form_env(bodies: Path, *, path: str, first_body: int, interval_ms: float) -> dict[str, str]:
    """bench/lua/form_post.lua's settings: the bodies file, the first line to send, the path, and the
    interval between POSTs (0: as fast as the connections send them)."""
    return {
        "IW_BENCH_BODIES": str(bodies),
        "IW_BENCH_FIRST_BODY": str(first_body),
        "IW_BENCH_FORM_PATH": path,
        "IW_BENCH_INTERVAL_MS": f"{interval_ms:.4f}",
    }


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who a posted statement is by: an actor of the database, with their current office."""

    name: str
    country: str
    office: str


@dataclass(frozen=True, slots=True)
class Posters:
    """Whom the mixed load posts as, and on which topics (by slug)."""

    speakers: Sequence[Speaker]
    topics: Sequence[str]


def create_editor(database_url: str) -> None:
    """Add the benchmark's editor account to the benchmarked database."""
    database = Database.from_url(database_url)
    try:
        with database.read_session() as session:
            existing = accounts_repository.user_by_email(session, EDITOR_EMAIL)
        if existing is None:
            with database.write() as session:
                accounts_service.add_user(
                    session=session, email=EDITOR_EMAIL, password=EDITOR_PASSWORD, role=Role.EDITOR
                )
    finally:
        database.dispose()


def _csrf(html: str) -> str | None:
    found = _CSRF_FIELD.search(html)
    if found:
        return found.group(1) or found.group(2)
    header = _CSRF_HEADER.search(html)
    return header.group(1) if header else None


def login(base_url: str) -> EditorSession:
    """Sign in as the benchmark's editor and open the form: the cookie and CSRF token POSTs need."""
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30) as client:
        page = client.get(LOGIN_PATH)
        response = client.post(
            LOGIN_PATH, data={"email": EDITOR_EMAIL, "password": EDITOR_PASSWORD, "csrf_token": _csrf(page.text) or ""}
        )
        if response.status_code not in (200, 302, 303) or not client.cookies:
            raise BenchError(f"signing in at {LOGIN_PATH} failed: {response.status_code} {response.text[:300]}")
        form = client.get(FORM_PATH)
        token = _csrf(form.text)
        if form.status_code != 200 or not token:
            raise BenchError(f"{FORM_PATH} answered {form.status_code} without a CSRF token")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        return EditorSession(cookie, token)


# How many days back the posted statements spread, so that no actor says two things on one topic and day
# (which the form would rightly flag as a possible duplicate instead of saving).
SPREAD_DAYS = 60


def pick_posters(database_url: str, *, today: date) -> Posters:
    """People to post as, in a fixed order, and the topics: each person has a name no other actor has,
    and one office, held throughout the last SPREAD_DAYS days (a blank office resolves to it on any of them)."""
    first_day = today - timedelta(days=SPREAD_DAYS)
    database = Database.from_url(database_url)
    try:
        with database.read_session() as session:
            rows = session.execute(
                text(
                    "SELECT a.name, c.code, o.title FROM actor a JOIN office o ON o.actor_id = a.id "
                    "JOIN country c ON c.id = o.country_id "
                    "WHERE o.ended_on IS NULL AND o.started_on IS NOT NULL AND o.started_on <= :first_day "
                    "AND a.kind = 'person' "
                    "AND (SELECT count(*) FROM actor b WHERE b.name = a.name) = 1 "
                    "AND (SELECT count(*) FROM office p WHERE p.actor_id = a.id AND p.ended_on IS NULL) = 1 "
                    "ORDER BY a.id"
                ),
                {"first_day": first_day},
            ).all()
            topics = session.execute(text("SELECT slug FROM topic ORDER BY slug")).scalars().all()
    finally:
        database.dispose()
    if not rows or not topics:
        raise BenchError("the database has no actor or no topic to post the form with")
    return Posters([Speaker(name, code, title) for name, code, title in rows], list(topics))


def form_fields(posters: Posters, number: int, csrf_token: str, *, today: date) -> dict[str, str]:
    """Post `number` of the mixed load, as the add-statement form sends it, with its own submission key.

    The speakers, topics and days rotate so that each post is a new statement rather than a possible
    duplicate of an earlier one; the quote comes from the synthetic generator's phrase bank.
    """
    speakers, topics = posters.speakers, posters.topics
    speaker = speakers[number % len(speakers)]
    turn = number // len(speakers)
    topic = topics[turn % len(topics)]
    said_on = today - timedelta(days=(turn // len(topics)) % SPREAD_DAYS)
    rng = random.Random(number)
    stance = rng.choice((-2, -1, 0, 1, 2))
    maker = QuoteMaker(rng)
    quote, language, translation = maker.make(speaker.country, stance)
    while language != "en" and not translation:  # the form (rightly) asks for a translation of any other language
        quote, language, translation = maker.make(speaker.country, stance)
    return {
        "actor": speaker.name,
        "country": speaker.country,
        "office": "",
        "topic": topic,
        "said_on": said_on.isoformat(),
        "stance": str(stance),
        "quote": quote,
        "language": language,
        "translation": translation or "",
        "source_url": f"https://synthetic.example.org/mixed-load/{number}",
        "source_outlet": "Synthetic Wire",
        "source_title": f"Mixed-load benchmark statement {number}",
        "submission_key": uuid.uuid4().hex,
        "csrf_token": csrf_token,
    }


def write_bodies(
    path: Path, posters: Posters, session: EditorSession, count: int, *, today: date, first: int = 0
) -> None:
    numbers = range(first, first + count)
    lines = (urlencode(form_fields(posters, number, session.csrf_token, today=today)) for number in numbers)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def saved_count(database_url: str) -> int:
    """How many statements the benchmark's editor has added: the POSTs that saved, not re-shown forms."""
    database = Database.from_url(database_url)
    try:
        with database.read_session() as session:
            return int(
                session.execute(
                    text(
                        "SELECT count(*) FROM statement s JOIN app_user u ON u.id = s.created_by_id "
                        "WHERE u.email = :email"
                    ),
                    {"email": EDITOR_EMAIL},
                ).scalar_one()
            )
    finally:
        database.dispose()


@dataclass(frozen=True, slots=True)
class MixedFigures:
    reads_alone_rps: float
    reads_with_posts_rps: float
    post_rps: float  # POSTs answered per second, whatever the answer
    post_p99_ms: float
    posts_sent: int  # POSTs answered within the runs, over all repeats
    posts_saved: int  # statements the editor added meanwhile (a POST still in flight when a run ended counts
    #                   here and not above, so this can exceed posts_sent by up to the connections per run)
    other_country_cached: bool | None = None  # a country nobody posted for still answered 304 (None: not asked)

    @property
    def read_loss(self) -> float:
        return 1 - self.reads_with_posts_rps / self.reads_alone_rps if self.reads_alone_rps else 0.0

    @property
    def saved_rps(self) -> float:
        """Statements added per second: the POST rate, scaled by the share of POSTs that saved (at most all)."""
        return self.post_rps * min(1.0, self.posts_saved / self.posts_sent) if self.posts_sent else 0.0


def _check(run: wrk.WrkRun, what: str) -> wrk.WrkRun:
    if run.failed:
        raise BenchError(f"{what}: {run.failed} failed requests ({run.errors})")
    return run


def run_mixed(
    plan: Plan,
    base_url: str,
    database_url: str,
    read_paths: Sequence[str],
    session: EditorSession,
    workdir: Path,
    *,
    rate: int | None = None,
    cold: PathCursor | None = None,
    untouched_country: str | None = None,
) -> MixedFigures:
    """Reads alone, then the same reads while the form is POSTed; medians of the repeats.

    The POSTs keep to `rate` (plan.mixed_rate unless given) a second (bench/lua/form_post.lua), with
    at most plan.mixed_connections in flight. Each repeat posts bodies no earlier repeat sent: a body
    sent twice is an idempotent retry, not a save. With `cold`, the reads walk that cold page's paths,
    a new one each request, instead of cycling `read_paths`. With `untouched_country`, nobody posts
    for that country, and its page, cached before, must still answer 304 to its ETag afterwards.
    """
    if not read_paths:
        raise BenchError("the mixed load has no read page to load")
    rate = rate or plan.mixed_rate
    today = datetime.now(UTC).date()
    per_run = rate * plan.duration * 2 + 100  # room for a catch-up after a stall
    bodies = workdir / f"form-bodies-{rate}.txt"
    posters = pick_posters(database_url, today=today)
    if untouched_country is not None:
        posters = Posters([s for s in posters.speakers if s.country != untouched_country], posters.topics)
    first_body = 0 if rate == plan.mixed_rate else 10_000_000  # never a body the other mixed load sent
    write_bodies(bodies, posters, session, per_run * plan.repeats, today=today, first=first_body)
    interval = 1000 / rate  # ms between POSTs, over all connections
    saved_before = saved_count(database_url)
    kept_page = f"{base_url}/countries/{untouched_country}" if untouched_country else None
    kept_etag = httpx.get(kept_page, timeout=60).headers.get("etag") if kept_page else None
    alone, together, posts = [], [], []

    def reads() -> subprocess.Popen[str]:
        env = cold.env() if cold is not None else {"IW_BENCH_PATHS": "|".join(read_paths)}
        return wrk.start(
            base_url + read_paths[0],
            core=plan.load_core,
            connections=plan.throughput_connections,
            duration=plan.duration,
            env=env,
        )

    def finished(process: subprocess.Popen[str], what: str) -> float:
        run = _check(wrk.finish(process, url=read_paths[0], duration=plan.duration), what)
        if cold is not None:
            cold.advance(run.requests, plan.throughput_connections)
        return run.rps

    for repeat in range(plan.repeats):
        alone.append(finished(reads(), "reads alone"))
        reader = reads()
        writer = wrk.start(
            base_url + FORM_PATH,
            core=plan.load_core,
            connections=plan.mixed_connections,
            duration=plan.duration,
            headers=session.headers,
            script=wrk.FORM_SCRIPT,
            env=form_env(bodies, path=FORM_PATH, first_body=repeat * per_run, interval_ms=interval),
        )
        together.append(finished(reader, "reads while posting"))
        posts.append(_check(wrk.finish(writer, url=FORM_PATH, duration=plan.duration), "form POSTs"))
    kept = None
    if kept_page is not None and kept_etag is not None:
        kept = httpx.get(kept_page, headers={"If-None-Match": kept_etag}, timeout=60).status_code == 304
    return MixedFigures(
        reads_alone_rps=statistics.median(alone),
        reads_with_posts_rps=statistics.median(together),
        post_rps=statistics.median(run.rps for run in posts),
        post_p99_ms=statistics.median(run.p99_ms for run in posts),
        posts_sent=sum(run.requests for run in posts),
        posts_saved=saved_count(database_url) - saved_before,
        other_country_cached=kept,
    )
