import pytest

from app.extraction.topics import suggest_topic


@pytest.mark.parametrize(
    ("words", "topic"),
    [
        ("Kyiv urged allies to create a no-fly zone by deploying air defense systems.", "no-fly-zone"),
        ("Die Ukraine fordert eine Flugverbotszone.", "no-fly-zone"),
        (
            "A reassurance force would need fighter jets to police the skies once a ceasefire is in place.",
            "air-policing-after-ceasefire",
        ),
        ("After a truce, Romania could offer its F-16 squadron.", "air-policing-after-ceasefire"),
        ("Poland would not shoot down Russian missiles over Ukraine.", "intercept-over-ukraine"),
        ("plans for an air defense shield over Ukraine", "intercept-over-ukraine"),
        ("Wir werden keine Raketen abschießen.", "intercept-over-ukraine"),
        ("Polska nie będzie zestrzeliwać rakiet.", "intercept-over-ukraine"),
        ("România nu va doborî drone.", "intercept-over-ukraine"),
        ("Germany will deliver more IRIS-T and Patriot systems.", "air-defence-supply"),
        ("zwei weitere Luftverteidigungssysteme", "air-defence-supply"),
        ("the critical need to strengthen Ukraine's air defence capabilities", "air-defence-supply"),
    ],
)
def test_topic_words(words: str, topic: str) -> None:
    assert suggest_topic(words) == topic


def test_a_ceasefire_without_aircraft_is_not_air_policing() -> None:
    assert suggest_topic("A ceasefire must come first.") is None


def test_no_topic_words() -> None:
    assert suggest_topic("I thank everyone who helps!") is None
