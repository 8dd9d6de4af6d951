"""The topic a statement's words suggest, among the four tracked; None when no topic word is there.

Read in this order, the first that fits wins: a no-fly zone; air policing after a ceasefire (a word for
the ceasefire, peace deal or reassurance force and a word for aircraft or the sky); intercepting over
Ukraine (shooting down, intercepting, an air shield); supplying air defence (named systems, "air defence").
Words are matched lower-cased and without diacritics, in English and common German, Polish and Romanian forms.
"""

from __future__ import annotations

import re

from app.extraction.folding import flat

NO_FLY_ZONE = "no-fly-zone"
AIR_POLICING = "air-policing-after-ceasefire"
INTERCEPT = "intercept-over-ukraine"
AIR_DEFENCE_SUPPLY = "air-defence-supply"

_NO_FLY = re.compile(
    r"\bno[- ]fly[- ]zones?\b|\bflugverbotszone|\bstref\w* zakazu lotow|\bzon\w* de (?:interdictie|excludere) a\w+"
)
_CEASEFIRE = re.compile(
    r"\bcease-?fires?\b|\btruces?\b|\barmistice\b|\bpeace (?:deal|agreement|settlement|accord)s?\b|\breassurance force"
    r"|\bwaffen(?:stillstand|ruhe)|\bfriedens(?:abkommen|vertrag"
    r"|schluss)|\bzawiesz\w* broni|\brozejm|\bporozumie\w* pokojow"
    r"|\bincetar\w* (?:a )?focului|\barmistitiu|\bacord\w* de pace"
)
_AIR = re.compile(
    r"\bair[- ]policing\b|\bpolic\w* the sk(?:y|ies)\b|\bf-?(?:16|35)s?\b|\bgripens?\b"
    r"|\beurofighters?\b|\bpatrol|\bair cover\b|\bjets?\b|\bfighters?\b|\baircraft\b|\bpilots?\b"
    r"|\bsk(?:y|ies)\b|\bluftraum|\bluftpolizei|\bkampf(?:jet|flugzeug)"
    r"|\bmysliw|\bsamolot|\bniebo|\bnieba\b|\bavioan|\bpiloti|\bcer\b|\bcerul"
)
_INTERCEPT = re.compile(
    r"\bshoot(?:s|ing)? down\b|\bshot down\b|\bdowning\b|\bintercept\w*|\bair (?:defen[cs]e )?shield\b"
    r"|\babschie|\babschuss|\babzuschie|\babfang|\babzufangen"
    r"|\bzestrzel|\bstracani|\bprzechwyt|\bdobor|\bdoboar|\binterceptar"
)
_SUPPLY = re.compile(
    r"\bpatriots?\b|\biris-?t\b|\bnasams\b|\bsamp/?t\b|\bair[- ]defen[cs]es?\b"
    r"|\banti-aircraft\b|\bluftverteidigung|\bflugabwehr"
    r"|\bobron\w* (?:powietrzn|przeciwlotnicz)|\bprzeciwlotnicz|\bapar\w* antiaerian|\bapar\w* aerian"
)


def suggest_topic(text: str) -> str | None:
    """The topic slug the words suggest, or None."""
    words = flat(text)
    if _NO_FLY.search(words):
        return NO_FLY_ZONE
    if _CEASEFIRE.search(words) and _AIR.search(words):
        return AIR_POLICING
    if _INTERCEPT.search(words):
        return INTERCEPT
    if _SUPPLY.search(words):
        return AIR_DEFENCE_SUPPLY
    return None
