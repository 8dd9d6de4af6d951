"""Countries as news text names them: names, nationality adjectives and capitals, mapped to the project's codes.

English forms, plus the common German, Polish and Romanian ones. Forms are matched against folded text
(no diacritics, lower case), so "Rumänien", "rumänische" and "România" all read as RO.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.text import fold


@dataclass(frozen=True)
class CountryForms:
    """A country's code, its English name, the words that name it and the capitals that stand for its government."""

    code: str
    name: str
    forms: str  # a regular expression over one folded phrase
    capitals: str = ""  # a regular expression over one folded word


_TABLE = (
    CountryForms(
        "AL", "Albania", r"albania|albanian|albanien|albanisch\w*|albani[ai]|albansk\w*|albanez\w*", r"tirana"
    ),
    CountryForms("BE", "Belgium", r"belgium|belgian|belgien|belgisch\w*|belgi[ai]|belgijsk\w*"),
    CountryForms("BG", "Bulgaria", r"bulgaria|bulgarian|bulgarien|bulgarisch\w*|bulgari[ai]|bulgarsk\w*", r"sofia"),
    CountryForms("CA", "Canada", r"canada|canadian|kanada|kanadisch\w*|kanadyjsk\w*|canadian\w*", r"ottawa"),
    CountryForms(
        "HR", "Croatia", r"croatia|croatian|kroatien|kroatisch\w*|chorwacj\w*|chorwack\w*|croati\w*", r"zagreb"
    ),
    CountryForms(
        "CZ",
        "Czechia",
        r"czechia|czech republic|czech|tschechien|tschechisch\w*|czech\w*|czesk\w*|cehi\w*|ceh\w*",
        r"prague|prag|praga",
    ),
    CountryForms(
        "DK", "Denmark", r"denmark|danish|danemark|danisch\w*|dani[ai]|dunsk\w*|danez\w*", r"copenhagen|kopenhagen"
    ),
    CountryForms("EE", "Estonia", r"estonia|estonian|estland|estnisch\w*|estoni\w*|estonsk\w*", r"tallinn"),
    CountryForms(
        "FI", "Finland", r"finland|finnish|finnland|finnisch\w*|finlandi\w*|finsk\w*|finlandez\w*", r"helsinki"
    ),
    CountryForms(
        "FR",
        "France",
        r"france|french|frankreich|franzosisch\w*|francj\w*|francusk\w*|franta|francez\w*",
        r"paris|paryz",
    ),
    CountryForms(
        "DE",
        "Germany",
        r"germany|german|deutschland|deutsch\w*|niemc\w*|niemieck\w*|germania|german\w*",
        r"berlin|berlinie",
    ),
    CountryForms(
        "GR",
        "Greece",
        r"greece|greek|griechenland|griechisch\w*|grecj\w*|greck\w*|grecia|grec\w*",
        r"athens|athen|ateny",
    ),
    CountryForms(
        "HU",
        "Hungary",
        r"hungary|hungarian|ungarn|ungarisch\w*|wegr\w*|wegiersk\w*|ungari\w*|maghiar\w*",
        r"budapest|budapeszt",
    ),
    CountryForms("IS", "Iceland", r"iceland|icelandic|island|islandisch\w*|islandi\w*|islandzk\w*", r"reykjavik"),
    CountryForms("IT", "Italy", r"italy|italian|italien|italienisch\w*|wloch\w*|wlosk\w*|itali\w*", r"rome|rom|rzym"),
    CountryForms(
        "LV", "Latvia", r"latvia|latvian|lettland|lettisch\w*|lotw\w*|lotewsk\w*|letoni\w*|leton\w*", r"riga|ryga"
    ),
    CountryForms(
        "LT",
        "Lithuania",
        r"lithuania|lithuanian|litauen|litauisch\w*|litw\w*|litewsk\w*|lituani\w*",
        r"vilnius|wilno|wilnie",
    ),
    CountryForms("LU", "Luxembourg", r"luxembourg|luxembourgish|luxemburg\w*|luksembur\w*"),
    CountryForms(
        "ME", "Montenegro", r"montenegro|montenegrin|montenegrinisch\w*|czarnogor\w*|muntenegr\w*", r"podgorica"
    ),
    CountryForms(
        "NL",
        "Netherlands",
        r"(?:the )?netherlands|dutch|holland|niederlande|niederlandisch\w*|holandi\w*|holendersk\w*|olanda|olandez\w*",
        r"amsterdam",
    ),
    CountryForms(
        "MK",
        "North Macedonia",
        r"(?:north )?macedonia|(?:north )?macedonian|nordmazedonien|mazedonisch\w*|macedoni\w*|macedonsk\w*",
        r"skopje",
    ),
    CountryForms("NO", "Norway", r"norway|norwegian|norwegen|norwegisch\w*|norwegi\w*|norwesk\w*|norvegi\w*", r"oslo"),
    CountryForms(
        "PL",
        "Poland",
        r"poland|polish|polen|polnisch\w*|polsk\w*|polsc\w*|polonia|polonez\w*",
        r"warsaw|warschau|warszaw\w*|varsovia",
    ),
    CountryForms(
        "PT",
        "Portugal",
        r"portugal|portuguese|portugiesisch\w*|portugali\w*|portugalsk\w*|portughez\w*",
        r"lisbon|lissabon|lizbona",
    ),
    CountryForms(
        "RO",
        "Romania",
        r"romania|romanian|rumanien|rumanisch\w*|rumuni\w*|rumunsk\w*|romani\w*|roman[aei]?",
        r"bucharest|bukarest|bukareszt\w*|bucuresti",
    ),
    CountryForms(
        "SK", "Slovakia", r"slovakia|slovak|slowakei|slowakisch\w*|slowacj\w*|slowack\w*|slovaci\w*", r"bratislava"
    ),
    CountryForms(
        "SI",
        "Slovenia",
        r"slovenia|slovenian|slovene|slowenien|slowenisch\w*|slowenii|slowenia|slowensk\w*|sloveni\w*",
        r"ljubljana",
    ),
    CountryForms(
        "ES", "Spain", r"spain|spanish|spanien|spanisch\w*|hiszpani\w*|hiszpansk\w*|spania|spaniol\w*", r"madrid"
    ),
    CountryForms(
        "SE",
        "Sweden",
        r"sweden|swedish|schweden|schwedisch\w*|szwecj\w*|szwedzk\w*|suedia|suedez\w*",
        r"stockholm|sztokholm",
    ),
    CountryForms(
        "TR", "Turkey", r"turkey|turkiye|turkish|turkei|turkisch\w*|turcj\w*|tureck\w*|turci\w*|turc\w*", r"ankara"
    ),
    CountryForms(
        "GB",
        "United Kingdom",
        r"(?:the )?united kingdom|uk|u\.k\.|(?:great )?britain|british|grossbritannien"
        r"|britisch\w*|wielka brytania|brytyjsk\w*|marea britanie|britanic\w*",
        r"london|londyn|londra",
    ),
    CountryForms(
        "US",
        "United States",
        r"(?:the )?united states|us|u\.s\.|usa|america|american|vereinigte staaten"
        r"|(?:us-)?amerikanisch\w*|stany zjednoczone|amerykansk\w*|sua|statele unite|american\w*",
        r"washington|waszyngton",
    ),
    CountryForms(
        "UA",
        "Ukraine",
        r"ukraine|ukrainian|ukrainisch\w*|ukrain\w*|ucraina|ucrainean\w*|ucrain\w*",
        r"kyiv|kiev|kiew|kijow|kijowie|kievul",
    ),
    CountryForms(
        "NATO", "NATO", r"nato|nato-\w+|the alliance|alliance|north atlantic alliance|sojusz\w*|aliant\w*|bundnis\w*"
    ),
    CountryForms(
        "EU",
        "European Union",
        r"eu|e\.u\.|(?:the )?european union|europaische union|unia europejska|uniunea europeana|ue",
    ),
)

_FORMS = tuple((entry, re.compile(entry.forms)) for entry in _TABLE)
_CAPITALS = tuple((entry, re.compile(entry.capitals)) for entry in _TABLE if entry.capitals)
_BY_CODE = {entry.code: entry for entry in _TABLE}


def country_code(phrase: str) -> str | None:
    """The code for a country name or nationality adjective ("Estonian", "Poland's", "rumänische"), if it is one."""
    key = fold(phrase).removesuffix("'s").removesuffix("'").strip()
    if not key:
        return None
    return next((entry.code for entry, pattern in _FORMS if pattern.fullmatch(key)), None)


def capital_country(word: str) -> str | None:
    """The code of the country whose capital this word names ("Kyiv", "Warschau"), if it does."""
    key = fold(word)
    return next((entry.code for entry, pattern in _CAPITALS if pattern.fullmatch(key)), None)


def country_name(code: str) -> str:
    """The English name for a code: 'UA' -> 'Ukraine'."""
    entry = _BY_CODE.get(code)
    return entry.name if entry else code
