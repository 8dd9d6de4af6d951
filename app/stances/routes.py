"""The stance matrix, a cell's evidence, and the methodology: each page with its JSON twin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import params
from app.deps import SessionDep, View
from app.errors import BadQuery
from app.stances import grid, methodology, schemas, scoring
from app.stances import matrix as stances_matrix
from app.stances.choropleth import choropleth
from app.statements import repository as statements_repository
from app.statements.schemas import StatementOut
from app.text import month_key, month_text
from app.web.htmx import push_url

router = APIRouter(tags=["stances"])

From = Annotated[
    str | None,
    Query(
        alias="from",
        description="First month, YYYY-MM (default: 23 months before 'to'); at most 120 months before 'to'.",
        json_schema_extra={"pattern": params.MONTH_PATTERN},
    ),
]
To = Annotated[
    str | None,
    Query(
        alias="to",
        description="Last month, YYYY-MM, not after this month (default: this month).",
        json_schema_extra={"pattern": params.MONTH_PATTERN},
    ),
]
TopicParam = Annotated[
    str | None, Query(description="Topic slug (default: intercept-over-ukraine).", json_schema_extra=params.TOPICS)
]
Order = Annotated[
    str | None,
    Query(
        description="'neighbours' (Ukraine's neighbours first; default) or 'stance'.",
        json_schema_extra={"enum": ["", *grid.ORDERS]},
    ),
]
AsOf = Annotated[
    str | None,
    Query(
        description="YYYY-MM-DD, not in the future: positions as they stood on that date.",
        json_schema_extra={"pattern": params.DAY_PATTERN},
    ),
]
HideEmpty = Annotated[
    str | None,
    Query(
        description="1: leave out the rows with no statement on record (the headline still counts them).",
        json_schema_extra={"enum": list(params.FLAG_VALUES)},
    ),
]
CellCountry = Annotated[str, Query(description="The cell's country code.", json_schema_extra=params.COUNTRY)]
CellMonth = Annotated[
    str, Query(description="The cell's month, YYYY-MM.", json_schema_extra={"pattern": f"^{params.MONTH}$"})
]


def _query(
    view: View,
    topic: str | None,
    first: str | None,
    last: str | None,
    order: str | None,
    as_of: str | None,
    cell: str | None = None,
    hide_empty: str | None = None,
) -> stances_matrix.MatrixQuery:
    return stances_matrix.parse_matrix_query(
        session=view.session,
        topic=topic,
        first=first,
        last=last,
        order=order,
        as_of=as_of,
        cell=cell,
        hide_empty=hide_empty,
    )


@router.get("/matrix.json", response_model=schemas.MatrixOut, summary="The stance matrix")
def matrix_json(
    view: View,
    topic: TopicParam = None,
    first: From = None,
    last: To = None,
    order: Order = None,
    as_of: AsOf = None,
    hide_empty: HideEmpty = None,
) -> Response:
    query = _query(view, topic, first, last, order, as_of, hide_empty=hide_empty)
    return view.page_json(lambda: _matrix_out(view, query))


def _headline_out(glance: stances_matrix.Glance) -> schemas.HeadlineOut:
    found = glance.headline
    moved = []
    for move in found.moved:
        because = glance.because.get(move.country.id)
        moved.append(
            schemas.MovedOut(
                country=move.country.code,
                name=move.country.name,
                from_band=move.before,
                to_band=move.after,
                from_score=move.before_score,
                to_score=move.after_score,
                statement_id=because[0] if because else None,
                said_on=because[1] if because else None,
                actor=because[2] if because else None,
            )
        )
    return schemas.HeadlineOut(
        month=month_key(found.month),
        previous_month=month_key(found.previous) if found.previous else None,
        members=found.members,
        support=found.support,
        mixed=found.mixed,
        against=found.against,
        no_statement=found.silent,
        moved=moved,
        latest=[card.id for card in glance.latest],
    )


def _shown(rows: list[grid.GridRow], query: stances_matrix.MatrixQuery) -> list[grid.GridRow]:
    return [row for row in rows if not row.silent] if query.hide_empty else rows


def _matrix_out(view: View, query: stances_matrix.MatrixQuery) -> schemas.MatrixOut:
    built = stances_matrix.matrix(session=view.session, query=query)
    glance = stances_matrix.glance(session=view.session, query=query, built=built)

    def row_out(row: grid.GridRow) -> schemas.MatrixRowOut:
        return schemas.MatrixRowOut(
            country=row.country.code,
            name=row.country.name,
            kind=row.country.kind,
            cells=[
                schemas.MatrixCellOut(
                    month=month_key(c.month),
                    band=c.band,
                    score=c.score,
                    statements_counted=c.counted,
                    divided=c.divided,
                    conditional=c.conditional,
                    carried_forward=c.carried,
                    no_statement_on_record=c.band is None,
                )
                for c in row.cells
            ],
        )

    return schemas.MatrixOut(
        topic=query.topic.slug,
        topic_title=query.topic.title,
        months=[month_key(m) for m in query.months],
        order=query.order,
        as_of=query.shown_as_of,
        current_month=month_key(query.current_month),
        rule_version=scoring.RULE_VERSION,
        data_version=view.stamp.version,
        headline=_headline_out(glance),
        members=[row_out(row) for row in _shown(built.members, query)],
        others=[row_out(row) for row in _shown(built.others, query)],
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
@router.get("/matrix", response_class=HTMLResponse, summary="The stance matrix (HTML)")
def matrix_page(
    view: View,
    topic: TopicParam = None,
    first: From = None,
    last: To = None,
    order: Order = None,
    as_of: AsOf = None,
    cell: Annotated[
        str | None,
        Query(description="COUNTRY:YYYY-MM: open that cell's statements.", json_schema_extra=params.CELLS),
    ] = None,
    hide_empty: HideEmpty = None,
) -> Response:
    query = _query(view, topic, first, last, order, as_of, cell, hide_empty)
    template = "stances/_matrix.html" if view.htmx else "stances/matrix.html"

    def build() -> dict[str, Any]:
        built = stances_matrix.matrix(session=view.session, query=query)
        open_cell = None
        if query.cell is not None:
            code, month = query.cell
            open_cell = _evidence(view, query.topic.slug, code, month, query.as_of)
        return _matrix_context(view, query, built) | (open_cell or {"open_cell": None})

    response = view.page(template, build)
    if view.htmx:
        push_url(view.request, response, params.with_query("/matrix", query.params))
    return response


def _matrix_context(view: View, query: stances_matrix.MatrixQuery, built: grid.Grid) -> dict[str, Any]:
    groups: list[dict[str, Any]] = [{"title": None, "rows": _shown(built.members, query)}]
    others = _shown(built.others, query)
    if others:
        groups.append({"title": "Institutions and Ukraine", "rows": others})
    title = f"{query.topic.title}, {month_text(built.months[-1])}: where the members and Ukraine stand"
    recent = query.months[-grid.RECENT_MONTHS :]
    return {
        "nav": "matrix",
        "query": query,
        "query_string": params.query_string(query.params),
        "topics": query.topics,
        "month_heads": [grid.month_header(month, index == 0) for index, month in enumerate(query.months)],
        "groups": groups,
        "columns": len(query.months) + 1,
        "cell_base": params.with_query("/matrix/cell", query.params),
        "recent_heads": [grid.month_header(month, index == 0) for index, month in enumerate(recent)],
        "recent_columns": len(recent) + 1,
        "glance": stances_matrix.glance(session=view.session, query=query, built=built),
        "map_svg": choropleth(built, topic=query.topic.slug, title=title),
        "institutions": [row for row in built.others if row.country.code != "UA"],
    }


def _evidence(view: View, topic: str | None, country: str | None, month: Any, as_of: Any) -> dict[str, Any]:
    chosen_topic = stances_matrix.find_topic(session=view.session, slug=topic)
    chosen_country = stances_matrix.find_country(session=view.session, code=country)
    evidence = stances_matrix.cell_evidence(
        session=view.session, topic=chosen_topic, country=chosen_country, month=month, as_of=as_of
    )
    ids = [item.evidence.statement_id for item in evidence.weighed]
    statements = {s.id: s for s in statements_repository.cards(view.session, ids)}
    return {"open_cell": evidence, "statements": statements}


def _cell_params(
    view: View, topic: str | None, country: str | None, month: str | None, as_of: str | None
) -> dict[str, Any]:
    parsed_month = params.parse_month(month, "month")
    if parsed_month is None:
        raise BadQuery("month", "is required: the cell's month, written YYYY-MM")
    return _evidence(view, topic, country, parsed_month, params.parse_day(as_of, "as_of"))


@router.get("/matrix/cell.json", response_model=schemas.CellOut, summary="The statements behind one matrix cell")
def cell_json(
    view: View, country: CellCountry, month: CellMonth, topic: TopicParam = None, as_of: AsOf = None
) -> Response:
    return view.page_json(lambda: _cell_out(_cell_params(view, topic, country, month, as_of)))


def _cell_out(found: dict[str, Any]) -> schemas.CellOut:
    evidence: stances_matrix.CellEvidence = found["open_cell"]
    cell = evidence.cell
    return schemas.CellOut(
        country=evidence.country.code,
        topic=evidence.topic.slug,
        month=month_key(evidence.month),
        as_of=evidence.as_of,
        rule_version=scoring.RULE_VERSION,
        band=cell.band.value if cell else None,
        score=cell.score if cell else None,
        divided=bool(cell and cell.position.divided),
        conditional=bool(cell and cell.position.conditional),
        carried_forward_from=month_key(evidence.carried_from) if evidence.carried_from else None,
        statements_on_record=cell.total if cell else 0,
        counted=[
            schemas.WeighedStatementOut(
                statement=StatementOut.of(found["statements"][item.evidence.statement_id]),
                office_weight=item.evidence.office_weight,
                age_days=(evidence.as_of - item.evidence.said_on).days,
                age_weight=round(item.age_weight, 6),
                weight=round(item.weight, 6),
            )
            for item in evidence.weighed
        ],
    )


@router.get("/matrix/cell", response_class=HTMLResponse, summary="The statements behind one matrix cell (HTML)")
def cell_page(
    view: View,
    country: CellCountry,
    month: CellMonth,
    topic: TopicParam = None,
    as_of: AsOf = None,
    first: From = None,
    last: To = None,
    order: Order = None,
    layout: Annotated[
        str | None, Query(description="'recent': for the narrow screen's table of recent months.")
    ] = None,
) -> Response:
    query = _query(view, topic, first, last, order, as_of)  # the matrix it opens in, checked even without HTMX
    if not view.htmx:
        return view.page(
            "stances/cell.html", lambda: {"nav": "matrix", **_cell_params(view, topic, country, month, as_of)}
        )
    found = _cell_params(view, topic, country, month, as_of)
    evidence: stances_matrix.CellEvidence = found["open_cell"]
    recent = layout == "recent"
    columns = min(len(query.months), grid.RECENT_MONTHS) + 1 if recent else len(query.months) + 1
    response = view.html("stances/_cell.html", columns=columns, prefix="recent-" if recent else "", **found)
    cell_param = f"{evidence.country.code}:{month_key(evidence.month)}"
    return push_url(view.request, response, params.with_query("/matrix", query.params | {"cell": cell_param}))


@router.get("/cell/{code}/{month}", include_in_schema=False)
def cell_link(session: SessionDep, code: str, month: str, topic: TopicParam = None, as_of: AsOf = None) -> Response:
    """A matrix cell's own link, for reading without JavaScript: the history behind it, as filters."""
    country = stances_matrix.find_country(session=session, code=code)
    chosen = stances_matrix.find_topic(session=session, slug=topic)
    parsed = params.parse_month(month, "month")
    if parsed is None:
        raise BadQuery("month", "is required: the cell's month, written YYYY-MM")
    day = params.parse_day(as_of, "as_of")
    last = min(scoring.month_end(parsed), day) if day else scoring.month_end(parsed)
    target = params.with_query("/statements", {"country": country.code, "topic": chosen.slug, "to": last.isoformat()})
    return RedirectResponse(target, status_code=303)


@router.get(
    "/methodology.json", response_model=schemas.MethodologyOut, summary="The aggregation rule and a worked example"
)
def methodology_json(view: View) -> Response:
    return view.page_json(lambda: methodology.describe(session=view.session))


@router.get("/methodology", response_class=HTMLResponse, summary="The aggregation rule explained (HTML)")
def methodology_page(view: View) -> Response:
    return view.page(
        "stances/methodology.html", lambda: {"nav": "methodology", "rule": methodology.describe(session=view.session)}
    )
