"""Verbs of saying, and the phrases that attribute words to someone ("according to", "laut", "według", "potrivit").

Three kinds of verb: SAY may take the words directly or after "that" ("said Poland would"); TELL takes an
object first, so its words come only after "that" or a colon ("told FT that"); ACT reports a position by
what was done, and its statement starts at the verb ("directed diplomats to …", "asked its partners to …").
Matched on flattened text (lower case, no diacritics), in English, German, Polish and Romanian.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class VerbKind(enum.StrEnum):
    SAY = "say"
    TELL = "tell"
    ACT = "act"


_SAY = (
    r"said|says|say|stated|states|stressed|stresses|warned|warns|added|adds|explained|explains|noted|notes"
    r"|emphasi[sz]ed|emphasi[sz]es|revealed|reveals|insisted|insists|argued|argues|claimed|claims|announced|announces"
    r"|declared|declares|wrote|writes|confirmed|confirms|maintained|maintains|underlined|underlines|concluded|concludes"
    r"|recalled|recalls|admitted|admits|reiterated|reiterates|acknowledged|acknowledges|pointed out|points out"
    r"|made (?:it )?clear|makes (?:it )?clear|suggested|suggests|replied|replies|answered|commented|observed|remarked"
    r"|asserted|asserts|indicated|signall?ed|conceded|cautioned|reported|reports|believes|hoped|hopes|as saying"
    # German
    r"|sagte|sagt|sagten|erklarte|erklart|betonte|betont|warnte|warnt|meinte|meint|unterstrich|bekraftigte|versicherte"
    r"|schrieb|fugte|kundigte|(?:(?<=, )|(?<=[“\"”] ))so"
    # Polish
    r"|powiedzial[a]?|stwierdzil[a]?|podkreslil[a]?|zaznaczyl[a]?|oswiadczyl[a]?|dodal[a]?|ocenil[a]?|przekonywal[a]?"
    r"|zapowiedzial[a]?|ostrzegl[a]?|mowil[a]?|przyznal[a]?|zadeklarowal[a]?|napisal[a]?|poinformowal[a]?|wskazal[a]?"
    r"|zapewnil[a]?|uwaza|mowi|twierdzi"
    # Romanian
    r"|a (?:mai )?(?:declarat|spus|afirmat|subliniat|precizat"
    r"|adaugat|transmis|avertizat|explicat|anuntat|aratat|mentionat"
    r"|insistat|sustinut)|declara|spune|afirma|sustine"
)
_TELL = r"told|tells|informed|informs|assured|assures|quotes|quoted|zitiert|zitierte"
_ACT = (
    r"directed|instructed|urged|urges|urging|asked|asks|called (?:for|on)|calls (?:for|on)|proposed|proposes|discussed"
    r"|discusses|discuss|opposed|opposes|rejected|rejects|ruled out|rules out|backed|backs|endorsed|endorses|demanded"
    r"|demands|pledged|pledges|promised|promises|vowed|vows|refused|refuses|spoke out|speaks out|spoken out|welcomed"
    r"|welcomes|dismissed|dismisses|critici[sz]ed|floated|offered|offers"
    r"|forderte|fordert|lehnte|wies"
    r"|zaapelowal[a]?|apelowal[a]?|wezwal[a]?|zaproponowal[a]?|odrzucil[a]?"
    r"|a (?:mai )?(?:cerut|solicitat|propus|respins|discutat)"
)
# German: indirect speech follows the verb after a comma, with no "dass" ("sagte am Montag, man dürfe …").
_GERMAN_SAY = re.compile(
    r"sagte|sagt|sagten|erklarte|erklart|betonte|betont|warnte|warnt|meinte|meint|unterstrich|bekraftigte|versicherte"
)
# A participle after the subject's own clause: "X struck a note of caution, warning that …".
_PARTICIPLE = (
    r"(?<=, )(?:saying|warning|adding|stressing|insisting|arguing"
    r"|noting|explaining|claiming|emphasi[sz]ing|underlining)"
)
# A verb may be glued to the "that" after it, as in a typo ("reportedthat").
_END = r"(?:\b|(?=that\b))"
_VERBS = re.compile(rf"\b(?:(?P<participle>{_PARTICIPLE})|(?P<say>{_SAY})|(?P<tell>{_TELL})|(?P<act>{_ACT})){_END}")
# German verbs whose particle comes after the subject: "fügte der Minister hinzu".
PARTICLE = re.compile(r"\s+(?:hinzu|an|ab|zuruck|aus)\b")
ACCORDING = re.compile(
    r"\b(?:according to|citing|in the words of|as quoted by|quoted by|laut|nach angaben (?:von|des|der)|wedlug|zdaniem"
    r"|potrivit|conform|in opinia)\s+"
)
OPINION = re.compile(r"(?:'s|')\s+(?:opinion|view|words|assessment)\b")
THAT = frozenset({"that", "dass", "ze", "iz", "ca"})


@dataclass(frozen=True)
class Verb:
    """A verb of saying in the text: where it is and its kind."""

    start: int
    end: int
    kind: VerbKind
    participle: bool = False  # its speaker is the subject of the clause before it
    comma_clause: bool = False  # what was said may follow a comma (German)


def find_verbs(flat_text: str) -> list[Verb]:
    """Every verb of saying in the (flattened) text, in order."""
    verbs = []
    for match in _VERBS.finditer(flat_text):
        kind = VerbKind.TELL if match.group("tell") else VerbKind.ACT if match.group("act") else VerbKind.SAY
        german = bool(match.group("say")) and _GERMAN_SAY.fullmatch(match.group()) is not None
        verbs.append(
            Verb(match.start(), match.end(), kind, participle=bool(match.group("participle")), comma_clause=german)
        )
    return verbs
