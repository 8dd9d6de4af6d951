"""app/web/speakers_html.py: who spoke is written exactly as the template's loop wrote it."""

from __future__ import annotations

from datetime import date

from app.actors.models import ActorKind, OfficeRank
from app.actors.repository import Speaker, SpeakerOffice
from app.web.speakers_html import speaker_list
from app.web.templating import make_environment

# The list as templates/countries/detail.html wrote it before it moved to Python.
LOOP = """  <ul class="speakers">
    {% for actor in speakers %}<li><a href="/actors/{{ actor.slug }}">{{ actor.name }}</a> <span class="muted small">{% for office in actor.offices %}{{ office.title }}{% if office.started_on or office.ended_on %} ({% if office.started_on %}from {{ office.started_on | day }}{% endif %}{% if office.started_on and office.ended_on %}, {% endif %}{% if office.ended_on %}until {{ office.ended_on | day }}{% endif %}){% endif %}{% if not loop.last %}; {% endif %}{% endfor %}</span></li>{% endfor %}
  </ul>"""  # noqa: E501


def _office(title: str, started_on: date | None, ended_on: date | None) -> SpeakerOffice:
    return SpeakerOffice(title, OfficeRank.MINISTER, started_on, ended_on)


SPEAKERS = [
    Speaker(
        1,
        "Radosław <Sikorski>",
        "radoslaw-sikorski",
        ActorKind.PERSON,
        (
            _office("Minister of Foreign Affairs & more", date(2023, 12, 13), None),
            _office("Marshal of the Sejm", date(2014, 9, 22), date(2015, 6, 23)),
            _office('Member of the "European" Parliament', None, date(2023, 11, 12)),
            _office("Adviser", None, None),
        ),
    ),
    Speaker(2, "Donald Tusk", "donald-tusk", ActorKind.PERSON, (_office("Prime Minister", date(2023, 12, 13), None),)),
    Speaker(3, "NATO's spokesperson", "nato-spokesperson", ActorKind.PERSON, ()),
]


def test_the_list_is_the_bytes_the_template_wrote() -> None:
    for speakers in (SPEAKERS, SPEAKERS[1:2]):
        expected = make_environment().from_string(LOOP).render(speakers=speakers)
        assert f"  {speaker_list(speakers)}" == expected
