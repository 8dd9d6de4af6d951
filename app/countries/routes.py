"""A country's page and its JSON twin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from app import params
from app.countries import repository
from app.countries import service as countries_service
from app.countries.models import Country
from app.countries.schemas import (
    CountryOut,
    OfficeOut,
    PositionOut,
    SpeakerOut,
    TimelineMonthOut,
)
from app.deps import View
from app.errors import BadQuery, NotFound
from app.stances import matrix as stances_matrix
from app.stances import scoring
from app.statements import history as statements_history
from app.statements.filters import HistoryFilters
from app.statements.schemas import StatementOut
from app.text import month_key

router = APIRouter(tags=["countries"])

TopicParam = Annotated[str | None, Query(description="Topic for the timeline (default: intercept-over-ukraine).")]
AsOf = Annotated[str | None, Query(description="YYYY-MM-DD: positions as they stood on that date (default: today).")]


def _load(view: View, code: str, topic: str | None, as_of: str | None) -> dict[str, Any]:
    country = repository.get_by_code(view.session, code)
    if country is None:
        raise NotFound(f"There is no country with the code '{code}'.")
    chosen_topic = stances_matrix.find_topic(session=view.session, slug=topic)
    day = params.parse_day(as_of, "as_of")
    if day is not None and day > countries_service.today():
        raise BadQuery("as_of", f"'{as_of}' is in the future")
    as_of_given = day is not None
    day = day or countries_service.today()
    latest = statements_history.page(
        session=view.session,
        filters=HistoryFilters(countries=(country,), last=day),
        after=None,
        before=None,
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
        "latest": latest,
        "history_url": params.with_query("/statements", {"country": country.code, "to": as_of}),
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
def country_json(view: View, code: str, topic: TopicParam = None, as_of: AsOf = None) -> Response:
    return view.page_json(lambda: _country_out(view, _load(view, code, topic, as_of)))


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
                    OfficeOut(title=o.title, rank=o.rank.value, started_on=o.started_on, ended_on=o.ended_on)
                    for o in a.offices
                ],
            )
            for a in found["speakers"]
        ],
        latest_statements=[StatementOut.of(s) for s in found["latest"].statements],
        all_statements=found["history_url"],
    )


@router.get("/countries/{code}", response_class=HTMLResponse, summary="A country's page (HTML)")
def country_page(view: View, code: str, topic: TopicParam = None, as_of: AsOf = None) -> Response:
    def build() -> dict[str, Any]:
        found = _load(view, code, topic, as_of)
        return {"nav": "matrix", "topics": [p.topic for p in found["positions"]], **found}

    return view.page("countries/detail.html", build)
