"""The methodology page's content: the rule's constants, and a worked example from stored evidence."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.countries import repository as countries_repository
from app.stances import repository, schemas, scoring
from app.statements import repository as statements_repository
from app.topics import repository as topics_repository
from app.topics.models import DEFAULT_TOPIC

# The example the methodology walks through, when the store holds it (the seed data does).
EXAMPLE_COUNTRY = "PL"
EXAMPLE_MONTH = date(2024, 9, 1)


def _number(value: float) -> str:
    return f"{value:g}".replace("-", "\u2212")


def _band_rules() -> list[schemas.BandEdgeOut]:
    """Each band's score range, written out from the rule's edges ('≥ 0.5 and < 1.5')."""
    rules = []
    above: str | None = None  # the upper bound implied by the band above
    for edge, inclusive, band in scoring.BAND_EDGES:
        lower = f"{'≥' if inclusive else '>'} {_number(edge)}"
        rules.append(schemas.BandEdgeOut(band=band.value, rule=lower if above is None else f"{lower} and {above}"))
        above = f"{'<' if inclusive else '≤'} {_number(edge)}"
    rules.append(schemas.BandEdgeOut(band=scoring.Band.OPPOSES.value, rule=above or ""))
    return rules


def describe(*, session: Session) -> schemas.MethodologyOut:
    """The rule as data, with the worked example computed from what is stored now."""
    return schemas.MethodologyOut(
        rule_version=scoring.RULE_VERSION,
        half_life_days=scoring.HALF_LIFE_DAYS,
        office_weights=dict(scoring.OFFICE_WEIGHTS),
        bands=_band_rules(),
        divided=f"Two counted actors, both with office weight ≥ {scoring.DIVIDED_MIN_OFFICE_WEIGHT}, "
        f"stand {scoring.DIVIDED_MIN_GAP} or more points apart.",
        conditional="The heaviest counted statement carries a condition.",
        example=_example(session),
    )


def _example(session: Session) -> schemas.ExampleOut | None:
    topic = topics_repository.get_by_slug(session, DEFAULT_TOPIC)
    country = countries_repository.get_by_code(session, EXAMPLE_COUNTRY)
    if topic is None or country is None:
        return None
    row = repository.row_at_or_before(session, topic_id=topic.id, country_id=country.id, month=EXAMPLE_MONTH)
    if row is None or row.counted < 2:
        row = repository.richest_recent_row(session, topic_id=topic.id)
        if row is None:
            return None
        country = next(c for c in countries_repository.all_countries(session) if c.id == row.country_id)
    month = EXAMPLE_MONTH if row.month <= EXAMPLE_MONTH and country.code == EXAMPLE_COUNTRY else row.month
    cell_date = scoring.month_end(month)
    counted = repository.decode_evidence(row.evidence)
    position = scoring.position(counted, cell_date)
    assert position is not None
    weighed = sorted(scoring.weigh(counted, cell_date), key=lambda item: (-item.weight, item.evidence.order_key))
    statements = {
        s.id: s for s in statements_repository.cards(session, [item.evidence.statement_id for item in weighed])
    }
    rows = []
    for item in weighed:
        statement = statements[item.evidence.statement_id]
        rows.append(
            schemas.ExampleRowOut(
                statement_id=statement.id,
                actor=statement.actor.name,
                office=statement.office.title,
                said_on=statement.said_on,
                stance=item.evidence.stance,
                condition=statement.condition,
                office_weight=item.evidence.office_weight,
                age_days=(cell_date - item.evidence.said_on).days,
                age_weight=round(item.age_weight, 4),
                weight=round(item.weight, 4),
                contribution=round(item.weight * item.evidence.stance, 4),
            )
        )
    total = sum(item.weight for item in weighed)
    return schemas.ExampleOut(
        country=country.code,
        country_name=country.name,
        topic=topic.slug,
        month=f"{month:%Y-%m}",
        cell_date=cell_date,
        rows=rows,
        total_weight=round(total, 4),
        weighted_sum=round(sum(item.weight * item.evidence.stance for item in weighed), 4),
        score=round(position.score, 4),
        band=position.band.value,
        divided=position.divided,
        conditional=position.conditional,
    )
