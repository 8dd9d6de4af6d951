"""A stored statement as an interchange record: what export writes and what a revision snapshots."""

from __future__ import annotations

from typing import Any

from app.statements.models import Statement


def statement_record(statement: Statement) -> dict[str, Any]:
    """The statement in the interchange format (its actor, country, office, topic and sources loaded)."""
    return {
        "actor": statement.actor.name,
        "country": statement.country.code,
        "office": statement.office.title,
        "topic": statement.topic.slug,
        "said_on": statement.said_on.isoformat(),
        "date_precision": statement.date_precision.value,
        "date_is_report_date": statement.date_is_report_date,
        "stance": statement.stance,
        "condition": statement.condition,
        "quote": statement.quote,
        "quote_is_verbatim": statement.quote_is_verbatim,
        "language": statement.language,
        "translation": statement.translation,
        "sources": [
            {
                "url": source.url,
                "key": source.key,
                "outlet": source.outlet,
                "title": source.title,
                "published_on": source.published_on.isoformat() if source.published_on else None,
                "language": source.language,
            }
            for source in statement.sources
        ],
        "status": statement.status.value,
        "office_rank": statement.office.rank.value,
        "actor_kind": statement.actor.kind.value,
        "date_note": statement.date_note,
        "rationale": statement.rationale,
        "retraction_reason": statement.retraction_reason,
    }
