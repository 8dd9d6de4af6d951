"""A country's page and its JSON twin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app import params
from app.actors import service as actors_service
from app.countries import repository
from app.countries import service as countries_service
from app.countries.models import Country, CountryKind
from app.countries.schemas import (
    CountryOut,
    NewInstitutionForm,
    OfficeOut,
    PositionOut,
    SpeakerOut,
    TimelineMonthOut,
)
from app.deps import AdminUser, SessionDep, View, WriteSession
from app.errors import BadQuery, NotFound
from app.stances import matrix as stances_matrix
from app.stances import scoring
from app.statements import history as statements_history
from app.statements.filters import HistoryFilters
from app.statements.schemas import ChangeOut, StatementOut
from app.text import month_key
from app.web.htmx import redirect
from app.web.pages import private_html

router = APIRouter(tags=["countries"])
CHANGES_SHOWN = 10  # the newest changes of position on the page; the rest are counted
CHANGES_IN_JSON = 50

TopicParam = Annotated[
    str | None,
    Query(description="Topic for the timeline (default: intercept-over-ukraine).", json_schema_extra=params.TOPICS),
]
AsOf = Annotated[
    str | None,
    Query(
        description="YYYY-MM-DD, not in the future: positions as they stood on that date (default: today).",
        json_schema_extra={"pattern": params.DAY_PATTERN},
    ),
]
Code = Annotated[str, Path(description="The country's code: PL, NATO, UA ...", json_schema_extra=params.COUNTRY)]


def _load(view: View, code: str, topic: str | None, as_of: str | None, changes_shown: int) -> dict[str, Any]:
    country = repository.shown_by_code(view.session, code)
    if country is None:
        raise NotFound(f"There is no country with the code '{code}'.")
    chosen_topic = stances_matrix.find_topic(session=view.session, slug=topic)
    day = params.parse_day(as_of, "as_of")
    if day is not None and day > countries_service.today():
        raise BadQuery("as_of", f"'{as_of}' is in the future")
    as_of_given = day is not None
    day = day or countries_service.today()
    latest = statements_history.newest(
        session=view.session,
        filters=HistoryFilters(countries=(country,), last=day),
        secret=view.request.app.state.secret,
    )
    return {
        "country": country,
        "as_of": day,
        "as_of_given": as_of_given,
        "topic": chosen_topic,
        "positions": countries_service.positions(
            session=view.session, country=country, as_of=day if as_of_given else None
        ),
        "timeline": countries_service.timeline(session=view.session, country=country, topic=chosen_topic, as_of=day),
        "speakers": countries_service.speakers(session=view.session, country=country),
        "changes": actors_service.changes_of_position(
            session=view.session,
            country_id=country.id,
            last=day,
            limit=changes_shown,
            known={card.id: card for card in latest.statements},  # most of their cards: read once
        ),
        "latest": latest,
        "history_url": params.with_query("/statements", {"country": country.code, "to": as_of}),
        "feed_url": params.with_query("/statements.atom", {"country": country.code}),
        "more_url": params.with_query("/statements", {"country": country.code, "to": as_of, "after": latest.older})
        if latest.older
        else None,
    }


def _position_out(position: countries_service.TopicPosition) -> PositionOut:
    return PositionOut(
        topic=position.topic.slug,
        topic_title=position.topic.title,
        is_context=position.topic.is_context,
        band=position.band,
        score=position.score,
        statements_on_record=position.statements,
        officials_counted=position.officials,
        first_on=position.first_on,
        last_on=position.last_on,
        divided=position.divided,
        conditional=position.conditional,
        carried_forward_from=month_key(position.carried_from) if position.carried_from else None,
    )


@router.get(
    "/countries/{code}.json",
    response_model=CountryOut,
    summary="A country's positions, timeline, officials and statements",
)
def country_json(view: View, code: Code, topic: TopicParam = None, as_of: AsOf = None) -> Response:
    return view.page_json(lambda: _country_out(view, _load(view, code, topic, as_of, CHANGES_IN_JSON)))


def _country_out(view: View, found: dict[str, Any]) -> CountryOut:
    country: Country = found["country"]
    timeline = found["timeline"]
    return CountryOut(
        code=country.code,
        name=country.name,
        kind=country.kind.value,
        joined_on=country.joined_on,
        borders_ukraine=country.borders_ukraine,
        as_of=found["as_of"],
        rule_version=scoring.RULE_VERSION,
        data_version=view.stamp.version,
        positions=[_position_out(p) for p in found["positions"]],
        timeline_topic=found["topic"].slug,
        timeline=[
            TimelineMonthOut(month=month_key(m), score=s, carried_forward=c)
            for m, (s, c) in zip(timeline.months, timeline.scores, strict=True)
        ],
        speakers=[
            SpeakerOut(
                name=a.name,
                slug=a.slug,
                url=f"/actors/{a.slug}",
                kind=a.kind.value,
                offices=[
                    OfficeOut(
                        title=o.title,
                        rank=o.rank.value,
                        country=country.code,
                        started_on=o.started_on,
                        ended_on=o.ended_on,
                    )
                    for o in a.offices
                ],
            )
            for a in found["speakers"]
        ],
        changes=[ChangeOut.of(shown.change, shown.before, shown.after) for shown in found["changes"].shown],
        changes_total=found["changes"].total,
        latest_statements=[StatementOut.of(s) for s in found["latest"].statements],
        all_statements=found["history_url"],
    )


@router.get("/countries/{code}", response_class=HTMLResponse, summary="A country's page (HTML)")
def country_page(view: View, code: Code, topic: TopicParam = None, as_of: AsOf = None) -> Response:
    def build() -> dict[str, Any]:
        found = _load(view, code, topic, as_of, CHANGES_SHOWN)
        return {"nav": "matrix", "topics": [p.topic for p in found["positions"]], **found}

    return view.page("countries/detail.html", build)


# ---- Admins: the institutions offices may belong to besides the member states


def _institutions_page(
    request: Request,
    session: Session,
    *,
    status: int = 200,
    notice: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    apart = [country for country in repository.all_countries(session) if country.kind != CountryKind.MEMBER]
    return private_html(
        request,
        "countries/institutions.html",
        status=status,
        nav="institutions",
        places=apart,
        notice=notice,
        values=values or {"code": "", "name": ""},
        errors=errors or {},
    )


@router.get("/admin/institutions", include_in_schema=False)
def institutions_page(request: Request, admin: AdminUser, session: SessionDep, added: str = "") -> HTMLResponse:
    notice = f"Added {added}: offices can now belong to it, and the matrix lists it apart." if added else None
    return _institutions_page(request, session, notice=notice)


@router.post("/admin/institutions", include_in_schema=False)
def add_institution(
    request: Request, admin: AdminUser, form: Annotated[NewInstitutionForm, Form()], session: WriteSession
) -> Response:
    try:
        added = countries_service.add_institution(session=session, code=form.code, name=form.name)
    except countries_service.InstitutionRefused as refused:
        errors = {error.field: f"{error.field.capitalize()}: {error.message}" for error in refused.errors}
        values = {"code": form.code, "name": form.name}
        return _institutions_page(request, session, status=422, values=values, errors=errors)
    return redirect(request, f"/admin/institutions?added={added.code}")
