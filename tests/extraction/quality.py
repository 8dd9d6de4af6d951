"""Measuring the extractor against statements an editor recorded: the seed's five articles and invented test articles.

A gold statement is found when a candidate from its article has the same speaker (the same name, or names of
one known actor) and a quote holding at least 60% of the gold quote's words. A seed statement cited by two
articles counts once for each: it must be found in both. Precision is the share of candidates that find some
gold statement of their article.

Run `python -m tests.extraction.quality` for the table per article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.extraction import (
    Candidate,
    KnownActor,
    KnownOffice,
    find_candidates,
    read_article,
)
from app.text import fold, slugify

ROOT = Path(__file__).resolve().parents[2]
SEED_ARTICLES = ROOT / "seeds" / "articles"
TEST_ARTICLES = Path(__file__).resolve().parent / "articles"
HELD_OUT_ARTICLES = TEST_ARTICLES / "held_out"
TODAY = date(2026, 12, 1)  # after every article; fixed, so the measure doesn't drift
MIN_SHARED_WORDS = 0.6
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Gold:
    """A statement an editor recorded: who, and the words."""

    actor: str
    quote: str
    topic: str | None = None
    condition: str | None = None


@dataclass(frozen=True)
class Case:
    """One article, with the statements it holds."""

    name: str
    path: Path
    gold: tuple[Gold, ...]


@dataclass(frozen=True)
class Outcome:
    """What the extractor made of one article."""

    case: Case
    candidates: tuple[Candidate, ...]
    found: tuple[Gold, ...]  # gold statements some candidate matches
    matching: tuple[Candidate, ...]  # candidates matching some gold statement


@dataclass(frozen=True)
class Score:
    """Recall and precision over a set of articles."""

    outcomes: tuple[Outcome, ...]

    @property
    def gold(self) -> int:
        """How many gold statements there are."""
        return sum(len(outcome.case.gold) for outcome in self.outcomes)

    @property
    def found(self) -> int:
        """How many gold statements were found."""
        return sum(len(outcome.found) for outcome in self.outcomes)

    @property
    def candidates(self) -> int:
        """How many candidates the extractor made."""
        return sum(len(outcome.candidates) for outcome in self.outcomes)

    @property
    def matching(self) -> int:
        """How many candidates match a gold statement."""
        return sum(len(outcome.matching) for outcome in self.outcomes)

    @property
    def recall(self) -> float:
        """Found gold statements over all gold statements."""
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        """Matching candidates over all candidates."""
        return self.matching / self.candidates if self.candidates else 1.0


def known_actors(path: Path) -> list[KnownActor]:
    """Known actors from an actors file (the seed's, or the test articles' invented ones)."""
    actors = []
    for item in json.loads(path.read_text(encoding="utf-8"))["actors"]:
        offices = tuple(
            KnownOffice(
                office["title"], office.get("country"), _day(office.get("started_on")), _day(office.get("ended_on"))
            )
            for office in item.get("offices", [])
        )
        # Whom the actor speaks for when no date settles it: their latest office's country (or the file's).
        country = item.get("country") or (offices[-1].country if offices else None) or ""
        slug = item.get("slug") or slugify(item["name"])
        actors.append(KnownActor(slug, item["name"], country, tuple(item.get("aliases", [])), offices))
    return actors


def _day(value: str | None) -> date | None:
    """A date from ISO text, or None."""
    return date.fromisoformat(value) if value else None


def all_known_actors() -> list[KnownActor]:
    """The seed's actors and the test articles' invented ones, as an editor's database would hold them."""
    return known_actors(ROOT / "seeds" / "actors.json") + known_actors(TEST_ARTICLES / "actors.json")


def seed_cases() -> list[Case]:
    """The five seed articles, each with the seed statements that cite it."""
    statements = json.loads((ROOT / "seeds" / "statements.json").read_text(encoding="utf-8"))["statements"]
    cases = []
    for path in sorted(SEED_ARTICLES.glob("*.txt")):
        key = f"article:{path.stem}"
        gold = tuple(
            Gold(item["actor"], item["quote"], item["topic"], item.get("condition"))
            for item in statements
            if any(source.get("key") == key for source in item["sources"])
        )
        cases.append(Case(path.name, path, gold))
    return cases


def invented_cases(folder: Path = TEST_ARTICLES) -> list[Case]:
    """The invented test articles of a folder, each with the statements its gold.json gives it."""
    statements = json.loads((folder / "gold.json").read_text(encoding="utf-8"))["statements"]
    paths = sorted(path for path in folder.iterdir() if path.suffix in (".txt", ".html"))
    return [
        Case(
            path.name,
            path,
            tuple(
                Gold(item["actor"], item["quote"], item["topic"], item.get("condition"))
                for item in statements
                if item["article"] == path.name
            ),
        )
        for path in paths
    ]


def candidate_from_json(item: dict[str, Any]) -> Candidate:
    """A candidate as the CLI and the API give it, back as a Candidate to measure."""
    return Candidate(**item | {"said_on": date.fromisoformat(item["said_on"]) if item["said_on"] else None})


def words(text: str) -> set[str]:
    """The folded words of a text, each once."""
    return set(_WORD.findall(fold(text)))


def shared_words(gold_quote: str, candidate_quote: str) -> float:
    """The share of the gold quote's words that the candidate's quote holds."""
    wanted = words(gold_quote)
    return len(wanted & words(candidate_quote)) / len(wanted) if wanted else 0.0


def same_speaker(candidate: Candidate, gold: Gold, actors: Sequence[KnownActor]) -> bool:
    """Whether a candidate's speaker is the gold statement's: the same folded name, or names of one known actor."""
    if fold(candidate.actor) == fold(gold.actor):
        return True
    for actor in actors:
        names = {fold(name) for name in (actor.name, *actor.aliases)}
        if fold(gold.actor) in names and (candidate.actor_slug == actor.slug or fold(candidate.actor) in names):
            return True
    return False


def matches(candidate: Candidate, gold: Gold, actors: Sequence[KnownActor]) -> bool:
    """The measure: same speaker, and at least 60% of the gold quote's words."""
    return same_speaker(candidate, gold, actors) and shared_words(gold.quote, candidate.quote) >= MIN_SHARED_WORDS


def _read_directly(case: Case, actors: Sequence[KnownActor]) -> list[Candidate]:
    article = read_article(case.path.read_bytes(), filename=case.path.name)
    return find_candidates(article, published_on=None, known_actors=actors, today=TODAY)


def measure(
    cases: Sequence[Case], actors: Sequence[KnownActor], read: Callable[[Case], Sequence[Candidate]] | None = None
) -> Score:
    """Runs the extractor on each article and scores it; `read` runs it another way (the API, the CLI)."""
    outcomes = []
    for case in cases:
        candidates = tuple(read(case) if read else _read_directly(case, actors))
        found = tuple(gold for gold in case.gold if any(matches(c, gold, actors) for c in candidates))
        matching = tuple(c for c in candidates if any(matches(c, gold, actors) for gold in case.gold))
        outcomes.append(Outcome(case, candidates, found, matching))
    return Score(tuple(outcomes))


def table(scores: dict[str, Score]) -> str:
    """A Markdown table of recall and precision per set of articles, and per article."""
    lines = [
        "| Set / article | Gold | Found | Recall | Candidates | Matching | Precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, score in scores.items():
        lines.append(
            f"| **{name}** | {score.gold} | {score.found} | **{score.recall:.0%}** "
            f"| {score.candidates} | {score.matching} | **{score.precision:.0%}** |"
        )
        for outcome in score.outcomes:
            one = Score((outcome,))
            lines.append(
                f"| {outcome.case.name} | {one.gold} | {one.found} | {one.recall:.0%} "
                f"| {one.candidates} | {one.matching} | {one.precision:.0%} |"
            )
    return "\n".join(lines)


def main() -> None:
    """Prints the table, and what was missed."""
    actors = all_known_actors()
    scores = {
        "Seed articles": measure(seed_cases(), actors),
        "Test articles": measure(invented_cases(), actors),
        "Held-out test articles": measure(invented_cases(HELD_OUT_ARTICLES), actors),
    }
    print(table(scores))
    for score in scores.values():
        for outcome in score.outcomes:
            for gold in outcome.case.gold:
                if gold not in outcome.found:
                    print(f"missed in {outcome.case.name}: {gold.actor}: {gold.quote[:90]}")
            for candidate in outcome.candidates:
                if candidate not in outcome.matching:
                    print(f"extra in {outcome.case.name}: {candidate.actor}: {candidate.quote[:90]}")


if __name__ == "__main__":
    main()
