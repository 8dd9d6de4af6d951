"""Cold pages: a new URL on every request, from a large random set, as a reader's long tail asks for them.

For each cold page the harness writes a path list (`write_paths`), one path a line, made from the
benchmarked database: filter combinations, search words, statement ids, countries and matrices as of
a day. wrk walks the list (bench/lua/report.lua, IW_BENCH_PATH_FILE), each run starting where the last
stopped (`PathCursor`), so no path is asked for twice until the list is used up, and the app's page
cache never has the page: the report shows its misses beside the requests.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from app.config import normalise_database_url

DEFAULT_SIZE = 20_000
WORD = re.compile(r"[A-Za-z]{5,}")


@dataclass(frozen=True, slots=True)
class Material:
    """What the paths are made of, read from the database once."""

    countries: tuple[str, ...]
    topics: tuple[str, ...]
    first_day: date
    last_day: date
    statement_ids: tuple[int, ...]
    words: tuple[str, ...]


def read_material(database_url: str, *, size: int, seed: int) -> Material:
    """The countries, topics, date span, a sample of published statement ids and words from quotes."""
    engine = create_engine(normalise_database_url(database_url))
    rng = random.Random(seed)
    try:
        with engine.connect() as connection:
            countries = tuple(connection.execute(text("SELECT code FROM country ORDER BY code")).scalars())
            topics = tuple(connection.execute(text("SELECT slug FROM topic ORDER BY slug")).scalars())
            low, high = connection.execute(text("SELECT min(said_on), max(said_on) FROM statement")).one()
            low_id, high_id = connection.execute(text("SELECT min(id), max(id) FROM statement")).one()
            picked = sorted({rng.randint(low_id, high_id) for _ in range(size * 2)})
            ids: list[int] = []
            for start in range(0, len(picked), 500):  # published ones among the picks, by primary key
                chunk = picked[start : start + 500]
                marks = ", ".join(str(value) for value in chunk)
                ids += connection.execute(
                    text(f"SELECT id FROM statement WHERE status = 'published' AND id IN ({marks})")  # noqa: S608
                ).scalars()
            sample = rng.sample(ids, min(len(ids), 400))
            marks = ", ".join(str(value) for value in sample) or "0"
            quotes = connection.execute(text(f"SELECT quote FROM statement WHERE id IN ({marks})")).scalars()  # noqa: S608
            words = sorted({word.lower() for quote in quotes for word in WORD.findall(quote)})
    finally:
        engine.dispose()
    rng.shuffle(ids)
    return Material(countries, topics, _day(low), _day(high), tuple(ids[:size]), tuple(words))


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _some_day(rng: random.Random, material: Material) -> date:
    return material.first_day + timedelta(days=rng.randint(0, (material.last_day - material.first_day).days))


def _filters(rng: random.Random, material: Material) -> list[tuple[str, str]]:
    first, second = rng.sample(material.countries, 2)
    to = _some_day(rng, material)
    since = max(material.first_day, to - timedelta(days=rng.randint(30, 365)))
    query = [("country", first), ("country", second), ("from", since.isoformat()), ("to", to.isoformat())]
    if rng.random() < 0.3:
        query.append(("topic", rng.choice(material.topics)))
    return query


def filtered_history(rng: random.Random, material: Material) -> str:
    return f"/statements?{urlencode(_filters(rng, material))}"


def filtered_history_json(rng: random.Random, material: Material) -> str:
    return f"/statements.json?{urlencode(_filters(rng, material))}"


def search(rng: random.Random, material: Material) -> str:
    query = [("q", rng.choice(material.words))]
    if rng.random() < 0.5:
        query.append(("country", rng.choice(material.countries)))
    return f"/statements?{urlencode(query)}"


def country_as_of(rng: random.Random, material: Material) -> str:
    return f"/countries/{rng.choice(material.countries)}?{urlencode({'as_of': _some_day(rng, material).isoformat()})}"


def matrix_as_of(rng: random.Random, material: Material) -> str:
    query = {"topic": rng.choice(material.topics), "as_of": _some_day(rng, material).isoformat()}
    return f"/matrix?{urlencode(query)}"


Maker = Callable[[random.Random, Material], str]


def _distinct(make: Maker, material: Material, size: int, seed: int) -> Iterator[str]:
    rng = random.Random(seed)
    seen: set[str] = set()
    tries = 0
    while len(seen) < size and tries < size * 20:
        tries += 1
        path = make(rng, material)
        if path not in seen:
            seen.add(path)
            yield path


def statement_paths(material: Material, size: int) -> list[str]:
    return [f"/statements/{statement_id}" for statement_id in material.statement_ids[:size]]


MAKERS: dict[str, Maker] = {
    "history-filtered": filtered_history,
    "history-filtered-json": filtered_history_json,
    "search": search,
    "country-as-of": country_as_of,
    "matrix-as-of": matrix_as_of,
}


def paths_for(kind: str, material: Material, *, size: int, seed: int) -> list[str]:
    """Up to `size` distinct paths of one kind (`statement` or a key of MAKERS), in a fixed random order."""
    if kind == "statement":
        return statement_paths(material, size)
    return list(_distinct(MAKERS[kind], material, size, seed))


@dataclass
class PathCursor:
    """A cold page's path list on disk and the next line to ask for: each run goes on from the last."""

    file: Path
    count: int
    next: int = 0
    wrapped: bool = field(default=False)

    def env(self) -> dict[str, str]:
        return {"IW_BENCH_PATH_FILE": str(self.file), "IW_BENCH_FIRST_PATH": str(self.next)}

    def advance(self, requests: int, connections: int) -> None:
        """After a run: past its requests and those still in flight when it stopped."""
        self.next += requests + connections
        if self.next >= self.count:
            self.wrapped = True
            self.next %= self.count


def write_paths(folder: Path, kind: str, paths: list[str]) -> PathCursor:
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / f"cold-{kind}.txt"
    file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    return PathCursor(file, len(paths), next=1)  # the first path is the one the probe asks for
