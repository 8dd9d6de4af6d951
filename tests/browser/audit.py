"""What every page must pass in the browser, at phone and desktop sizes: axe-core's accessibility rules
(no serious or critical violation), no sideways scrolling of the page body, and no console error.

axe-core (tests/browser/vendor/README.md) is evaluated in the page through the DevTools protocol, so the
page's Content-Security-Policy, which allows scripts from the app's origin only, stays as it is.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"
SIZES = {"phone": (390, 844), "desktop": (1440, 900)}
BLOCKING = ("serious", "critical")


@cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Any, impacts: tuple[str, ...] = BLOCKING) -> list[dict[str, Any]]:
    """axe-core's violations of the page as it stands, of the given impacts, each with its nodes' selectors."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [", ".join(node["target"]) for node in violation["nodes"]][:8],
        }
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


def body_overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


def outside_viewport(page: Any, selector: str) -> list[str]:
    """The elements matching selector whose box reaches outside the window's width, by their text's start."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter((el) => el.offsetParent !== null)
            .filter((el) => { const box = el.getBoundingClientRect();
                              return box.left < -1 || box.right > window.innerWidth + 1; })
            .map((el) => el.textContent.trim().slice(0, 60))""",
        selector,
    )
