"""The Jinja environment: autoescaping, strict undefined, and the filters pages share."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from app import __version__, paths
from app.stances import bands, scoring
from app.statements.models import STANCE_MEANINGS
from app.text import LANGUAGE_NAMES, MONTH_ABBR, in_sentence, language_name, month_text, signed


def day(value: date | datetime | None) -> str:
    """'13 Jul 2024'."""
    return "" if value is None else f"{value.day} {month_text(value)}"


month_label = month_text  # 'Jul 2024'


def day_month(value: date) -> str:
    """'13 Jul': a day in a month the page already names."""
    return f"{value.day} {MONTH_ABBR[value.month]}"


def rfc3339(value: datetime) -> str:
    """'2024-07-13T09:30:00.250+00:00': a timestamp as Atom writes it, to the millisecond."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds")


def when(said_on: date, precision: str, is_report_date: bool = False) -> str:
    """How a statement's date reads: '13 Jul 2024', 'Jul 2024', or 'by 2 Sep 2024 (report date)'."""
    text = month_label(said_on) if precision == "month" else day(said_on)
    return f"by {text} (report date)" if is_report_date else text


def date_span(first: date | None, last: date | None) -> str:
    """'Jul 2024', 'Jul–Sep 2024' or 'Nov 2023–Sep 2024'."""
    if first is None or last is None:
        return ""
    if (first.year, first.month) == (last.year, last.month):
        return month_label(last)
    if first.year == last.year:
        return f"{MONTH_ABBR[first.month]}\u2013{month_label(last)}"
    return f"{month_label(first)}\u2013{month_label(last)}"


def stance_label(stance: int) -> str:
    """'+1 conditional support or open to it'."""
    return f"{signed(stance)} {STANCE_MEANINGS[stance]}"


def build_token(notice: str | None = None) -> str:
    """Changes when the code, the templates or the notice change, so a new deploy never answers 304 with an old page."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(str(scoring.RULE_VERSION).encode())
    digest.update((notice or "").encode())
    for folder in (paths.TEMPLATES, paths.STATIC):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def make_environment(notice: str | None = None) -> Environment:
    """The pages' Jinja environment; `notice` (the IW_NOTICE setting) is the banner every page shows."""
    env = Environment(
        loader=FileSystemLoader(paths.TEMPLATES),
        autoescape=select_autoescape(["html", "xml", "svg", "atom"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(signed=signed, day=day, month_label=month_label, stance_label=stance_label, band_slug=bands.slug)
    env.filters["day_month"] = day_month
    # Rendered markup with every non-ASCII character as a character reference, for pages sent as ASCII.
    env.filters["ascii_refs"] = lambda markup: Markup(str(markup).encode("ascii", "xmlcharrefreplace").decode())
    env.filters["stance_slug"] = lambda stance: bands.for_stance(stance).slug
    env.filters["rfc3339"] = rfc3339
    env.filters["in_sentence"] = in_sentence
    env.filters["language_name"] = language_name
    env.globals.update(date_span=date_span)
    env.filters["zip"] = lambda left, right: zip(left, right, strict=True)
    env.globals.update(
        when=when,
        app_version=__version__,
        rule_version=scoring.RULE_VERSION,
        stance_meanings=STANCE_MEANINGS,
        language_names=LANGUAGE_NAMES,
        bands=bands.BANDS,
        band_looks=bands.BY_VALUE,
        site_notice=notice,  # not `notice`: pages use that name for their own messages
    )
    # Markup written in Python; imported here, as statement_html writes dates with this module's filters.
    from app.web.chart_html import chart_lines, chart_points, chart_table
    from app.web.speakers_html import speaker_list
    from app.web.statement_html import position_change, statement_card

    env.globals.update(statement_change=position_change, speaker_list=speaker_list)
    env.globals.update(chart_lines=chart_lines, chart_table=chart_table)
    env.globals["statement_card"] = statement_card
    env.globals["chart_points"] = chart_points

    @cache
    def band_chip_alone(band: str | None) -> Markup:
        """The band_chip macro's chip of a band alone (no score), drawn once per band: the matrix shows one a row."""
        chip: Markup = env.get_template("_macros/stances.html").module.band_chip(band)  # type: ignore[attr-defined]
        return chip

    env.globals["band_chip_alone"] = band_chip_alone
    return env


def render(env: Environment, template: str, context: dict[str, Any]) -> str:
    return env.get_template(template).render(context)
