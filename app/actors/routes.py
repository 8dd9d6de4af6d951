"""An actor's page and its JSON twin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from app import params
from app.actors import repository
from app.actors import service as actors_service
from app.actors.models import Actor, Office
from app.actors.rules import describe_term
from app.actors.schemas import ActorOut, CareerOfficeOut
from app.deps import View
from app.errors import NotFound
from app.statements import history as statements_history
from app.statements import repository as statements_repository
from app.statements.filters import HistoryFilters
from app.statements.schemas import ChangeOut, StatementOut

router = APIRouter(tags=["actors"])
CHANGES_SHOWN = 10  # the newest changes of position on the page; the rest are counted
CHANGES_IN_JSON = 50


def _load(view: View, slug: str, changes_shown: int) -> dict[str, Any]:
    actor = repository.get_by_slug(view.session, slug)
    if actor is None:
        raise NotFound(f"There is no actor '{slug}'.")
    latest = statements_history.page(
        session=view.session,
        filters=HistoryFilters(actor=actor),
        after=None,
        before=None,
        secret=view.request.app.state.secret,
    )
    changes = actors_service.changes_of_position(session=view.session, actor_id=actor.id, limit=changes_shown)
    history_url = params.with_query("/statements", {"actor": actor.slug})
    return {
        "actor": actor,
        "changes": changes,
        "latest": latest,
        "history_url": history_url,
        "feed_url": params.with_query("/statements.atom", {"actor": actor.slug}),
        "more_url": params.with_query("/statements", {"actor": actor.slug, "after": latest.older})
        if latest.older
        else None,
        "career": _career(view, actor),
    }


def _career(view: View, actor: Actor) -> list[CareerOffice]:
    """Each office the actor held, in order, with whom it belongs to and the statements made in it."""
    counts = statements_repository.count_by_office(view.session, actor_id=actor.id)
    career = []
    for office in actor.offices:
        wanted = {"actor": actor.slug, "country": office.country.code}
        if office.started_on:
            wanted["from"] = office.started_on.isoformat()
        if office.ended_on:
            wanted["to"] = (office.ended_on - timedelta(days=1)).isoformat()  # ended_on is the successor's first day
        url = params.with_query("/statements", wanted)
        career.append(CareerOffice(office, describe_term(office), counts.get(office.id, 0), url))
    return career


@dataclass(frozen=True, slots=True)
class CareerOffice:
    office: Office
    term: str
    statements: int
    statements_url: str


@router.get(
    "/actors/{slug}.json", response_model=ActorOut, summary="An actor's offices, position changes and statements"
)
def actor_json(view: View, slug: str) -> Response:
    return view.page_json(lambda: _actor_out(_load(view, slug, CHANGES_IN_JSON)))


def _actor_out(found: dict[str, Any]) -> ActorOut:
    actor = found["actor"]
    return ActorOut(
        name=actor.name,
        slug=actor.slug,
        kind=actor.kind.value,
        countries=list(dict.fromkeys(office.country.code for office in actor.offices)),
        aliases=[alias.alias for alias in actor.aliases if alias.alias != actor.name],
        offices=[
            CareerOfficeOut(
                title=item.office.title,
                rank=item.office.rank.value,
                country=item.office.country.code,
                country_name=item.office.country.name,
                started_on=item.office.started_on,
                ended_on=item.office.ended_on,
                statements=item.statements,
                statements_url=item.statements_url,
            )
            for item in found["career"]
        ],
        changes=[ChangeOut.of(shown.change, shown.before, shown.after) for shown in found["changes"].shown],
        changes_total=found["changes"].total,
        latest_statements=[StatementOut.of(s) for s in found["latest"].statements],
        all_statements=found["history_url"],
    )


@router.get("/actors/{slug}", response_class=HTMLResponse, summary="An actor's page (HTML)")
def actor_page(view: View, slug: str) -> Response:
    return view.page("actors/detail.html", lambda: {"nav": "statements", **_load(view, slug, CHANGES_SHOWN)})
