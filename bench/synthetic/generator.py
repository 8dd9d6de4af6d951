"""Synthetic rows as plain tuples: a cast of actors with offices, then statements with their sources.

Pure and deterministic: the same seed, reference rows and first ids give the same rows, byte for
byte. Nothing here touches a database; bench/synthetic/repository.py writes what this makes.

The shape follows the real data: every one of the 34 matrix rows speaks, large and frontline
states speak most, heads of state and ministers speak more often than backbenchers, dates run
from the full-scale invasion to today and thicken towards the present, quotes are one to four
sentences (some in the speaker's language with an English translation), and each statement cites
one to three sources, some shared with statements made around the same time.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_right
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from app.statements.rules import EARLIEST_DATE
from app.text import fold, slugify, strip_diacritics
from bench.synthetic import vocabulary as words

GENERATOR_VERSION = 2  # 2: offices belong to countries (migration 0011)
DEFAULT_ACTORS = 2000
MIN_ACTORS_PER_COUNTRY = 20

ACTOR_COLUMNS = ("id", "slug", "name", "kind", "created_at")
ALIAS_COLUMNS = ("actor_id", "alias", "key")
OFFICE_COLUMNS = ("id", "actor_id", "country_id", "title", "rank", "started_on", "ended_on")
SOURCE_COLUMNS = ("id", "url", "outlet", "title", "published_on", "language", "created_at")
STATEMENT_COLUMNS = (
    "id",
    "actor_id",
    "country_id",
    "topic_id",
    "office_id",
    "said_on",
    "date_precision",
    "date_is_report_date",
    "date_note",
    "quote",
    "quote_is_verbatim",
    "language",
    "translation",
    "stance",
    "condition",
    "rationale",
    "status",
    "retraction_reason",
    "version",
    "fingerprint",
    "created_at",
    "updated_at",
)
STATUS_INDEX = STATEMENT_COLUMNS.index("status")
LINK_COLUMNS = ("statement_id", "source_id", "position")

# How often each rank speaks, relative to an ordinary official.
SPEAKING_WEIGHT = {"head": 6.0, "minister": 4.0, "other": 1.0}
# Topic shares and how each shifts a country's lean (air-defence supply is context, and popular).
TOPIC_SHARE = {
    "intercept-over-ukraine": 0.55,
    "no-fly-zone": 0.15,
    "air-policing-after-ceasefire": 0.15,
    "air-defence-supply": 0.15,
}
TOPIC_SHIFT = {
    "intercept-over-ukraine": 0.0,
    "no-fly-zone": -0.7,
    "air-policing-after-ceasefire": 0.4,
    "air-defence-supply": 1.0,
}
UKRAINIAN_PLACES = (
    "Lviv",
    "Kyiv",
    "Odesa",
    "Kharkiv",
    "Dnipro",
    "Zaporizhzhia",
    "Ivano-Frankivsk",
    "Lutsk",
    "Rivne",
    "Ternopil",
    "Uzhhorod",
    "Chernivtsi",
    "Vinnytsia",
    "Khmelnytskyi",
    "Izmail",
    "Reni",
    "Mykolaiv",
    "Poltava",
    "Sumy",
    "Chernihiv",
)
OUTLET_SLUGS = {outlet: slugify(outlet) for outlet in words.OUTLETS}
TEMPLATES = (
    "Last night Russia launched {n} drones, and several came down near {place}.",
    "The attack on {place} shows why the sky over Ukraine must be protected.",
    "After the strike on {place}, {n} people were left without power.",
    "We have seen {n} airspace violations since the start of the year.",
)


class Fingerprints:
    """`app.statements.rules.fingerprint`, with each distinct quote folded once (quotes repeat a lot)."""

    def __init__(self) -> None:
        self.folded: dict[str, str] = {}

    def __call__(self, *, actor_id: int, topic_id: int, said_on: date, quote: str) -> str:
        folded = self.folded.get(quote)
        if folded is None:
            if len(self.folded) > 500_000:
                self.folded.clear()
            folded = self.folded[quote] = fold(quote)
        material = "\x1f".join((str(actor_id), str(topic_id), said_on.isoformat(), folded))
        return hashlib.sha256(material.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class CountryRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class TopicRef:
    id: int
    slug: str
    title: str


@dataclass(slots=True)
class Speaker:
    """An actor as statements need it: who, how often they speak, and which office they held when."""

    actor_id: int
    name: str
    country: CountryRef
    weight: float
    offset: float  # the actor's own lean, added to the country's
    terms: list[tuple[int, date | None, date | None]]  # (office id, started_on, ended_on exclusive)

    def office_on(self, day: date) -> int:
        for office_id, started_on, ended_on in self.terms:
            if (started_on is None or started_on <= day) and (ended_on is None or day < ended_on):
                return office_id
        return self.terms[-1][0]


@dataclass
class Cast:
    """The actors, their aliases and offices, and the speakers statements are drawn from."""

    actors: list[tuple[object, ...]] = field(default_factory=list)
    aliases: list[tuple[object, ...]] = field(default_factory=list)
    offices: list[tuple[object, ...]] = field(default_factory=list)
    speakers: dict[int, list[Speaker]] = field(default_factory=dict)  # by country id


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _allocate(total: int, countries: Sequence[CountryRef]) -> dict[int, int]:
    """Actors per country: proportional to the square root of how much it speaks, at least a floor."""
    shares = {c.id: words.COUNTRY_WEIGHT.get(c.code, 1.0) ** 0.5 for c in countries}
    scale = sum(shares.values())
    counts = {cid: max(MIN_ACTORS_PER_COUNTRY, round(total * share / scale)) for cid, share in shares.items()}
    return counts


class CastBuilder:
    """Builds the actors of every country with successive holders of the top offices."""

    def __init__(
        self,
        rng: random.Random,
        *,
        first_actor_id: int,
        first_office_id: int,
        taken_slugs: set[str],
        today: date,
        created_at: datetime,
    ) -> None:
        self.rng = rng
        self.next_actor = first_actor_id
        self.next_office = first_office_id
        self.slugs = set(taken_slugs)
        self.today = today
        self.created_at = created_at
        self.cast = Cast()

    def _slug(self, name: str) -> str:
        stem = slugify(name)[:100]
        slug, number = stem, 2
        while slug in self.slugs:
            slug, number = f"{stem}-{number}", number + 1
        self.slugs.add(slug)
        return slug

    def _switch_day(self) -> date:
        """When a top office changed hands: somewhere between mid-2022 and a few months ago."""
        start = date(2022, 7, 1).toordinal()
        end = max(start + 1, (self.today - timedelta(days=90)).toordinal())
        return date.fromordinal(self.rng.randrange(start, end))

    def actor(
        self,
        country: CountryRef,
        name: str,
        *,
        kind: str,
        terms: list[tuple[str, str, date | None, date | None]],
        aliases: Sequence[str] = (),
    ) -> None:
        actor_id = self.next_actor
        self.next_actor += 1
        self.cast.actors.append((actor_id, self._slug(name), name, kind, self.created_at))
        keys: set[str] = set()
        for alias in (name, strip_diacritics(name), *aliases):
            key = fold(alias)
            if key not in keys:
                keys.add(key)
                self.cast.aliases.append((actor_id, alias, key))
        stored_terms = []
        for title, rank, started_on, ended_on in terms:
            office_id = self.next_office
            self.next_office += 1
            self.cast.offices.append((office_id, actor_id, country.id, title, rank, started_on, ended_on))
            stored_terms.append((office_id, started_on, ended_on))
        top_rank = max((rank for _, rank, _, _ in terms), key=lambda r: SPEAKING_WEIGHT[r])
        weight = SPEAKING_WEIGHT[top_rank] * (1.5 if kind == "institution" else 1.0) * self.rng.uniform(0.5, 1.5)
        speaker = Speaker(actor_id, name, country, weight, self.rng.gauss(0, 0.6), stored_terms)
        self.cast.speakers.setdefault(country.id, []).append(speaker)


def _person_names(rng: random.Random, code: str) -> Iterator[tuple[str, str]]:
    """(full name, short alias) pairs in the country's naming tradition, never repeating within it."""
    firsts, lasts = words.NAME_POOLS[words.COUNTRY_TRADITION.get(code, "english")]
    seen: set[str] = set()
    while True:
        first, last = rng.choice(firsts), rng.choice(lasts)
        name = f"{first} {last}"
        if name in seen:
            if len(seen) >= len(firsts) * len(lasts):
                name = f"{first} {last}-{rng.choice(lasts)}"  # a double-barrelled surname once the pool runs dry
            else:
                continue
        seen.add(name)
        yield name, f"{first[0]}. {last}"


def build_cast(
    rng: random.Random,
    countries: Sequence[CountryRef],
    *,
    actors: int,
    first_actor_id: int,
    first_office_id: int,
    taken_slugs: set[str],
    today: date,
) -> Cast:
    """About `actors` actors across every country, each with one or two offices covering every date."""
    builder = CastBuilder(
        rng,
        first_actor_id=first_actor_id,
        first_office_id=first_office_id,
        taken_slugs=taken_slugs,
        today=today,
        created_at=_now(),
    )
    allocation = _allocate(actors, countries)
    for country in countries:
        wanted = allocation[country.id]
        names = _person_names(rng, country.code)
        made = 0
        if country.code == "NATO":
            top = [(title, "head") for title in words.NATO_HEAD_TITLES]
            others = words.NATO_OTHER_TITLES
        else:
            top = [(title, "head") for title in words.HEAD_TITLES] + [
                (title, "minister") for title in words.MINISTER_TITLES
            ]
            others = words.OTHER_TITLES
        # Each top office changes hands once: the predecessor then sits in parliament, the successor sat there before.
        for title, rank in top:
            switch = builder._switch_day()
            before, _ = next(names)
            after, _ = next(names)
            later = "Leader of the Opposition" if rank == "head" else "Member of Parliament"
            builder.actor(
                country, before, kind="person", terms=[(title, rank, None, switch), (later, "other", switch, None)]
            )
            builder.actor(
                country,
                after,
                kind="person",
                terms=[("Member of Parliament", "other", None, switch), (title, rank, switch, None)],
            )
            made += 2
        for institution in words.INSTITUTIONS[:2]:
            name = (
                f"{institution} of {country.name}"
                if country.code != "NATO"
                else f"NATO {institution.split(' of ')[-1]}"
            )
            builder.actor(
                country,
                name,
                kind="institution",
                terms=[(institution, "other", None, None)],
                aliases=[f"{institution} ({country.code})"],
            )
            made += 1
        while made < wanted:
            name, short = next(names)
            first_title = builder.rng.choice(others)
            if builder.rng.random() < 0.15:
                switch = builder._switch_day()
                terms = [(first_title, "other", None, switch), (builder.rng.choice(others), "other", switch, None)]
            else:
                terms = [(first_title, "other", None, None)]
            builder.actor(country, name, kind="person", terms=terms, aliases=[short])
            made += 1
    return builder.cast


def spread_dates(rng: random.Random, count: int, *, first: date, last: date) -> list[date]:
    """`count` dates from `first` to `last`, sorted, thicker towards `last` (density rises with time)."""
    start, span = first.toordinal(), last.toordinal() - first.toordinal()
    ordinals = []
    for _ in range(count):
        # A fifth spread evenly; the rest with density proportional to elapsed time.
        u = rng.random()
        fraction = u if rng.random() < 0.2 else u**0.5
        ordinals.append(start + min(span, int(fraction * (span + 1))))
    ordinals.sort()
    return [date.fromordinal(o) for o in ordinals]


def _stance(rng: random.Random, lean: float, drift: float) -> int:
    value = round(lean + drift + rng.gauss(0, 0.75))
    return max(-2, min(2, value))


def _sign(stance: int) -> int:
    return (stance > 0) - (stance < 0)


class QuoteMaker:
    """Quotes of one to four sentences in the speaker's language or English, matching the stance."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def english_sentence(self, sign: int) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            return rng.choice(TEMPLATES).format(n=rng.randrange(3, 90), place=rng.choice(UKRAINIAN_PLACES))
        return rng.choice(words.ENGLISH[sign if rng.random() < 0.8 else 0])

    def make(self, country_code: str, stance: int) -> tuple[str, str, str | None]:
        """(quote, language, English translation or None)."""
        rng = self.rng
        sign = _sign(stance)
        language = words.COUNTRY_LANGUAGE.get(country_code)
        sentences = rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 2))[0]
        if language and rng.random() < 0.35:
            bank = words.FOREIGN[language]
            pairs = [rng.choice(bank[sign if rng.random() < 0.8 else 0]) for _ in range(min(sentences, 3))]
            pairs = list(dict.fromkeys(pairs))
            quote = " ".join(original for original, _ in pairs)
            translation = " ".join(english for _, english in pairs) if rng.random() < 0.9 else None
            return quote, language, translation
        chosen = list(dict.fromkeys(self.english_sentence(sign) for _ in range(sentences)))
        return " ".join(chosen), "en", None


@dataclass
class SourcePool:
    """Sources made as statements are, shared among statements made around the same time."""

    rng: random.Random
    next_id: int
    today: date
    recent: deque[int] = field(default_factory=lambda: deque(maxlen=400))
    rows: list[tuple[object, ...]] = field(default_factory=list)

    def cite(self, said_on: date, language: str, headline: str, created_at: datetime) -> list[int]:
        rng = self.rng
        wanted = rng.choices((1, 2, 3), weights=(55, 30, 15))[0]
        cited: list[int] = []
        for _ in range(wanted):
            if self.recent and rng.random() < 0.45:
                source_id = self.recent[rng.randrange(len(self.recent))]
                if source_id in cited:
                    continue
            else:
                source_id = self.next_id
                self.next_id += 1
                outlet = rng.choice(words.OUTLETS)
                published_on = min(self.today, said_on + timedelta(days=rng.choice((0, 0, 0, 1, 2))))
                day_path = published_on.isoformat().replace("-", "/")
                url = f"https://{words.SOURCE_DOMAIN}/{OUTLET_SLUGS[outlet]}/{day_path}/{source_id}"
                self.rows.append((source_id, url, outlet, headline, published_on, language, created_at))
                self.recent.append(source_id)
            cited.append(source_id)
        return cited


@dataclass
class StatementBatch:
    statements: list[tuple[object, ...]]
    sources: list[tuple[object, ...]]
    links: list[tuple[object, ...]]


def iter_statements(
    rng: random.Random,
    cast: Cast,
    countries: Sequence[CountryRef],
    topics: Sequence[TopicRef],
    *,
    count: int,
    first_statement_id: int,
    first_source_id: int,
    today: date,
    batch_size: int = 20_000,
) -> Iterator[StatementBatch]:
    """`count` statements in batches, oldest first, with the sources they cite and the links to them."""
    dates = spread_dates(rng, count, first=EARLIEST_DATE, last=today)
    speaking = [c for c in countries if cast.speakers.get(c.id)]
    country_cum = list(accumulate(words.COUNTRY_WEIGHT.get(c.code, 1.0) for c in speaking))
    picked_countries = rng.choices(speaking, cum_weights=country_cum, k=count)
    # Every matrix row speaks at least once, whatever the size.
    for position, country in zip(rng.sample(range(count), min(count, len(speaking))), speaking, strict=False):
        picked_countries[position] = country
    speaker_cum = {cid: list(accumulate(s.weight for s in speakers)) for cid, speakers in cast.speakers.items()}
    topic_cum = list(accumulate(TOPIC_SHARE.get(t.slug, 0.05) for t in topics))
    quotes = QuoteMaker(rng)
    fingerprint = Fingerprints()
    pool = SourcePool(rng, first_source_id, today)
    span = max(1, today.toordinal() - EARLIEST_DATE.toordinal())
    statements: list[tuple[object, ...]] = []
    links: list[tuple[object, ...]] = []
    statement_id = first_statement_id
    now = _now()
    for said_on, country in zip(dates, picked_countries, strict=True):
        speakers = cast.speakers[country.id]
        cum = speaker_cum[country.id]
        speaker = speakers[min(len(speakers) - 1, bisect_right(cum, rng.random() * cum[-1]))]
        topic = topics[min(len(topics) - 1, bisect_right(topic_cum, rng.random() * topic_cum[-1]))]
        elapsed = (said_on.toordinal() - EARLIEST_DATE.toordinal()) / span
        lean = words.COUNTRY_LEAN.get(country.code, 0.0) + TOPIC_SHIFT.get(topic.slug, 0.0) + speaker.offset
        # Frontline states warm to interception as strikes near their borders grow; sceptics hold their line.
        drift = 0.6 * elapsed if lean > 0 else 0.0
        stance = _stance(rng, lean, drift)
        precision = "day"
        note = None
        is_report_date = False
        roll = rng.random()
        if roll < 0.04 and said_on.replace(day=1) >= EARLIEST_DATE:
            precision, said_on, note = "month", said_on.replace(day=1), words.DATE_NOTES[0]
        elif roll < 0.06:
            is_report_date, note = True, words.DATE_NOTES[1]
        quote, language, translation = quotes.make(country.code, stance)
        condition = (
            rng.choice(words.CONDITIONS) if (stance >= 1 and rng.random() < 0.3) or rng.random() < 0.03 else None
        )
        rationale = rng.choice(words.RATIONALES) if rng.random() < 0.2 else None
        retracted = rng.random() < 0.005
        entered = datetime.combine(said_on, time(hour=rng.randrange(6, 23), minute=rng.randrange(60)), UTC) + timedelta(
            days=1
        )
        created_at = min(entered, now)
        statements.append(
            (
                statement_id,
                speaker.actor_id,
                country.id,
                topic.id,
                speaker.office_on(said_on),
                said_on,
                precision,
                is_report_date,
                note,
                quote,
                rng.random() < 0.95,
                language,
                translation,
                stance,
                condition,
                rationale,
                "retracted" if retracted else "published",
                rng.choice(words.RETRACTION_REASONS) if retracted else None,
                1,
                fingerprint(actor_id=speaker.actor_id, topic_id=topic.id, said_on=said_on, quote=quote),
                created_at,
                created_at,
            )
        )
        headline = f"{speaker.name} on {topic.title.lower()}"
        for position, source_id in enumerate(pool.cite(said_on, language, headline, created_at)):
            links.append((statement_id, source_id, position))
        statement_id += 1
        if len(statements) >= batch_size:
            yield StatementBatch(statements, pool.rows, links)
            statements, links, pool.rows = [], [], []
    if statements:
        yield StatementBatch(statements, pool.rows, links)
