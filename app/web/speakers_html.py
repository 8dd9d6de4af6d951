"""A country page's list of who spoke, written in Python: up to a hundred officials, each with their offices.

In the template (templates/countries/detail.html) each office cost a loop turn, a few tests and two date
filters. This writes the same bytes (tests/web/test_speakers_html.py renders both and compares).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from markupsafe import Markup

from app.web.statement_html import escape
from app.web.templating import day


def _office(title: str, started_on: date | None, ended_on: date | None) -> str:
    if not (started_on or ended_on):
        return escape(title)
    since = f"from {escape(day(started_on))}" if started_on else ""
    both = ", " if started_on and ended_on else ""
    until = f"until {escape(day(ended_on))}" if ended_on else ""
    return f"{escape(title)} ({since}{both}{until})"


def speaker_list(speakers: Sequence[Any]) -> Markup:
    """The list: each official's link and their offices there, with the dates they held them.

    `speakers` are actors.repository.Speaker records.
    """
    items = [
        f'<li><a href="/actors/{escape(actor.slug)}">{escape(actor.name)}</a> <span class="muted small">'
        + "; ".join(_office(office.title, office.started_on, office.ended_on) for office in actor.offices)
        + "</span></li>"
        for actor in speakers
    ]
    return Markup(f'<ul class="speakers">\n{"".join(items)}  </ul>')
