import pytest

from app.extraction.language import detect_language, detector


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("We will not participate in this conflict, but we will support Ukraine.", "en"),
        ("Wir liefern der Ukraine weitere Systeme, aber wir schießen keine Raketen ab.", "de"),
        ("Polska nie będzie samodzielnie zestrzeliwać rosyjskich rakiet nad Ukrainą.", "pl"),
        ("Putem acționa doar în spațiul nostru aerian, fără o decizie a NATO.", "ro"),
    ],
)
def test_languages(text: str, code: str) -> None:
    assert detect_language(text, fallback="en") == code


def test_too_short_or_editorial_words_give_the_fallback() -> None:
    assert detect_language("Nein danke", fallback="pl") == "pl"
    assert detect_language("[Russian – ed.] OK", fallback="ro") == "ro"


def test_a_near_tie_goes_to_the_fallback() -> None:
    text = "aliații au trimis deja un sistem Patriot suplimentar în Dobrogea."
    assert detect_language(text, fallback="ro") == "ro"


def test_the_detector_is_built_once() -> None:
    assert detector() is detector()
