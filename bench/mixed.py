"""The mixed load: reads, plus the add-statement form POSTed by a signed-in editor at a steady rate.

It plugs into work on other branches, and says "not yet runnable" until that work exists:
- `create_editor` makes the editor account through `app.accounts.service.add_user` (it exists);
- `login` signs in at LOGIN_PATH (a form with email, password and a csrf_token field) and reads
  the CSRF token the add-statement page carries (its hidden csrf_token field, or the
  X-CSRF-Token in base.html's hx-headers);
- `form_fields` is what one POST to FORM_PATH sends. If the form's field names differ, change
  them here, and only here.
Nothing here fakes a figure: whatever can't run is reported as not available, with the reason.
"""

from __future__ import annotations

import re
import statistics
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlalchemy import text

from app.accounts import repository as accounts_repository
from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.db import Database
from bench import wrk
from bench.config import Plan
from bench.wrk import BenchError

LOGIN_PATH = "/login"
FORM_PATH = "/statements/new"
EDITOR_EMAIL = "bench-editor@example.org"
EDITOR_PASSWORD = "bench-editor-password-2026"
_CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*\bvalue="([^"]+)"|value="([^"]+)"[^>]*\bname="csrf_token"')
_CSRF_HEADER = re.compile(r'"X-CSRF-Token":\s*"([^"]+)"')


class NotYetAvailable(Exception):
    """The add-statement form (or another part the mixed load needs) doesn't exist yet on this branch."""


@dataclass(frozen=True, slots=True)
class EditorSession:
    cookie: str  # the Cookie header a signed-in browser sends
    csrf_token: str


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who the posted statements are by: an actor of the database, with their current office."""

    name: str
    country: str
    office: str


def create_editor(database_url: str) -> None:
    """Add the benchmark's editor account to the benchmarked database."""
    database = Database.from_url(database_url)
    try:
        with database.read_session() as session:
            existing = accounts_repository.user_by_email(session, EDITOR_EMAIL)
        if existing is None:
            with database.write() as session:
                accounts_service.add_user(session=session, email=EDITOR_EMAIL, password=EDITOR_PASSWORD, role=Role.EDITOR)
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
        if page.status_code == 404:
            raise NotYetAvailable(f"{LOGIN_PATH} answers 404")
        response = client.post(LOGIN_PATH, data={"email": EDITOR_EMAIL, "password": EDITOR_PASSWORD,
                                                  "csrf_token": _csrf(page.text) or ""})
        if response.status_code not in (200, 302, 303) or not client.cookies:
            raise BenchError(f"signing in at {LOGIN_PATH} failed: {response.status_code} {response.text[:300]}")
        form = client.get(FORM_PATH)
        if form.status_code == 404:
            raise NotYetAvailable(f"{FORM_PATH} answers 404")
        token = _csrf(form.text)
        if form.status_code != 200 or not token:
            raise BenchError(f"{FORM_PATH} answered {form.status_code} without a CSRF token")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        return EditorSession(cookie, token)


def pick_speaker(database_url: str) -> Speaker:
    """A Polish actor and the office they hold now, to post statements as."""
    database = Database.from_url(database_url)
    try:
        with database.read_session() as session:
            row = session.execute(text(
                "SELECT a.name, c.code, o.title FROM actor a JOIN country c ON c.id = a.country_id "
                "JOIN office o ON o.actor_id = a.id WHERE c.code = 'PL' AND o.ended_on IS NULL ORDER BY a.id LIMIT 1"
            )).one()
    finally:
        database.dispose()
    return Speaker(row[0], row[1], row[2])


def form_fields(speaker: Speaker, number: int, csrf_token: str) -> dict[str, str]:
    """One new statement as the add-statement form posts it, with its own submission key."""
    return {
        "actor": speaker.name,
        "country": speaker.country,
        "office": speaker.office,
        "topic": "intercept-over-ukraine",
        "said_on": datetime.now(UTC).date().isoformat(),
        "stance": "1",
        "quote": f"Synthetic statement {number} posted by the mixed-load benchmark; not a real quote.",
        "language": "en",
        "source_url": f"https://synthetic.example.org/mixed-load/{number}",
        "source_outlet": "Synthetic Wire",
        "source_title": f"Mixed-load benchmark statement {number}",
        "submission_key": uuid.uuid4().hex,
        "csrf_token": csrf_token,
    }


def write_bodies(path: Path, speaker: Speaker, session: EditorSession, count: int) -> None:
    lines = (urlencode(form_fields(speaker, number, session.csrf_token)) for number in range(count))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True, slots=True)
class MixedFigures:
    reads_alone_rps: float
    reads_with_posts_rps: float
    post_rps: float
    post_p99_ms: float

    @property
    def read_loss(self) -> float:
        return 1 - self.reads_with_posts_rps / self.reads_alone_rps if self.reads_alone_rps else 0.0


def _check(run: wrk.WrkRun, what: str) -> wrk.WrkRun:
    if run.failed:
        raise BenchError(f"{what}: {run.failed} failed requests ({run.errors})")
    return run


def run_mixed(plan: Plan, base_url: str, read_paths: Sequence[str], session: EditorSession, speaker: Speaker,
              workdir: Path) -> MixedFigures:
    """Reads alone, then the same reads while the form is POSTed at plan.mixed_rate; medians of the repeats."""
    if not read_paths:
        raise NotYetAvailable("no read page is available to load")
    bodies = workdir / "form-bodies.txt"
    write_bodies(bodies, speaker, session, plan.mixed_rate * plan.duration * plan.repeats * 2 + 100)
    reads_env = {"IW_BENCH_PATHS": "|".join(read_paths)}
    delay_ms = max(1, round(1000 * plan.mixed_connections / plan.mixed_rate))
    post_env = {"IW_BENCH_BODIES": str(bodies), "IW_BENCH_FORM_PATH": FORM_PATH, "IW_BENCH_DELAY_MS": str(delay_ms)}
    headers = {"Cookie": session.cookie, "X-CSRF-Token": session.csrf_token}
    alone, together, posts = [], [], []
    for _ in range(plan.repeats):
        alone.append(_check(wrk.run(base_url + read_paths[0], core=plan.load_core, connections=plan.throughput_connections,
                                    duration=plan.duration, env=reads_env), "reads alone").rps)
        reader = wrk.start(base_url + read_paths[0], core=plan.load_core, connections=plan.throughput_connections,
                           duration=plan.duration, env=reads_env)
        writer = wrk.start(base_url + FORM_PATH, core=plan.load_core, connections=plan.mixed_connections,
                           duration=plan.duration, headers=headers, script=wrk.FORM_SCRIPT, env=post_env)
        together.append(_check(wrk.finish(reader, url=read_paths[0], duration=plan.duration), "reads under writes").rps)
        posts.append(_check(wrk.finish(writer, url=FORM_PATH, duration=plan.duration), "form POSTs"))
    return MixedFigures(
        reads_alone_rps=statistics.median(alone),
        reads_with_posts_rps=statistics.median(together),
        post_rps=statistics.median(run.rps for run in posts),
        post_p99_ms=statistics.median(run.p99_ms for run in posts),
    )
