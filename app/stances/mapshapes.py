"""The choropleth's shapes (static/map/shapes.json, built by tools/map) and their SVG markup. Pure: no database."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Any, NamedTuple

from markupsafe import Markup

from app import paths

SHAPES_FILE = paths.STATIC / "map" / "shapes.json"
# A label with this much room (viewBox units) inside its shape fits at the phone font size of
# static/map/README.md; the others are hidden on phones, where markers and titles carry them.
WIDE_LABEL_ROOM = 22.0
# Path data is checked for these characters when read, so it is written into markup unescaped.
_PATH_DATA = re.compile(r"[MmLlHhVvZz0-9 ,.+eE-]*")


@dataclass(frozen=True, slots=True)
class MapMarker:
    """A circle drawn over a member too small to see or tap on a phone."""

    cx: float
    cy: float
    r: float


@dataclass(frozen=True, slots=True)
class MapShape:
    """A member (or Ukraine): its path, where its label goes, and its marker if it is small."""

    code: str
    d: str
    label_x: float
    label_y: float
    marker: MapMarker | None
    room: float = 0.0  # radius of the widest circle inside the shape, in viewBox units


@dataclass(frozen=True, slots=True)
class BackgroundShape:
    """A land drawn without a link: a neighbour, or a member's land drawn faded (Greenland, Iceland in the inset)."""

    code: str
    d: str
    belongs_to: str | None  # the member whose land this is, when it is drawn faded
    inset: bool


@dataclass(frozen=True, slots=True)
class MapLayout:
    """Everything the map draws, in viewBox units: Europe's frame with North America inset."""

    view_box: tuple[float, float, float, float]
    shapes: tuple[MapShape, ...]
    background: tuple[BackgroundShape, ...]
    inset_frame: tuple[float, float, float, float]
    inset_scale: float = 1.0  # the inset's length scale against Europe's

    def shape(self, code: str) -> MapShape:
        """The shape drawn for a country code; KeyError when the map has none."""
        for shape in self.shapes:
            if shape.code == code:
                return shape
        raise KeyError(code)


class MapLink(NamedTuple):
    """How one country is drawn: its CSS class, what a screen reader says, and where it links."""

    css_class: str
    label: str
    href: str


def _box(values: Any) -> tuple[float, float, float, float]:
    x, y, width, height = (float(v) for v in values)
    return x, y, width, height


def _path_data(code: str, d: str) -> str:
    if not _PATH_DATA.fullmatch(d):
        raise ValueError(f"{code}: the path holds characters that are not path data")
    return d


def from_document(document: Mapping[str, Any]) -> MapLayout:
    """The layout described by a parsed shapes.json; ValueError if a path holds anything but path data."""
    shapes = tuple(
        MapShape(
            code=code,
            d=_path_data(code, shape["d"]),
            label_x=float(shape["label"][0]),
            label_y=float(shape["label"][1]),
            marker=MapMarker(*(float(v) for v in shape["marker"])) if shape["marker"] else None,
            room=float(shape["room"]),
        )
        for code, shape in document["shapes"].items()
    )
    background = tuple(
        BackgroundShape(
            code=land["code"],
            d=_path_data(land["code"], land["d"]),
            belongs_to=land["belongs_to"],
            inset=bool(land["inset"]),
        )
        for land in document["background"]
    )
    return MapLayout(
        _box(document["view_box"]), shapes, background, _box(document["inset_frame"]), float(document["inset_scale"])
    )


def read(path: Path) -> MapLayout:
    """The layout in a shapes.json file."""
    return from_document(json.loads(path.read_text(encoding="utf-8")))


@cache
def layout() -> MapLayout:
    """The app's map layout, read from static/map/shapes.json once."""
    return read(SHAPES_FILE)


def _background(lands: tuple[BackgroundShape, ...]) -> str:
    drawn = (f'<path class="map-land{" map-faded" if land.belongs_to else ""}" d="{land.d}"/>' for land in lands)
    return f'<g class="map-background" aria-hidden="true">{"".join(drawn)}</g>'


def _country(shape: MapShape, link: MapLink | None) -> str:
    marker = shape.marker
    css = escape(link.css_class if link else "map-nodata")
    drawn = f'<path class="map-country {css}" d="{shape.d}"/>'
    if marker:
        drawn += f'<circle class="map-marker {css}" cx="{marker.cx:g}" cy="{marker.cy:g}" r="{marker.r:g}"/>'
    if link is None:
        return f'<g aria-hidden="true">{drawn}</g>'
    label = escape(link.label)
    return f'<a href="{escape(link.href)}" aria-label="{label}"><title>{label}</title>{drawn}</a>'


def _label(shape: MapShape) -> str:
    wide = " map-label-wide" if shape.room >= WIDE_LABEL_ROOM else ""
    return f'<text class="map-label{wide}" x="{shape.label_x:g}" y="{shape.label_y:g}">{escape(shape.code)}</text>'


def _caption(map_layout: MapLayout) -> str:
    ix, iy, iw, ih = map_layout.inset_frame
    scale = f"1/{round(1 / map_layout.inset_scale)}" if map_layout.inset_scale < 1 else "the same"
    return (
        f'<text class="map-caption" x="{ix + iw - 4:g}" y="{iy + ih + 16:g}" text-anchor="end" aria-hidden="true">'
        f"North America, at {scale} of Europe\u2019s scale</text>"
    )


@cache
def _fixed_markup(map_layout: MapLayout) -> tuple[str, str]:
    """What the map draws whatever the links: everything below the countries, and the labels above them."""
    x, y, width, height = map_layout.view_box
    ix, iy, iw, ih = map_layout.inset_frame
    below = (
        f'<rect class="map-sea" x="{x:g}" y="{y:g}" width="{width:g}" height="{height:g}"/>'
        + _background(tuple(land for land in map_layout.background if not land.inset))
        + f'<rect class="map-inset" x="{ix:g}" y="{iy:g}" width="{iw:g}" height="{ih:g}"/>'
        + _background(tuple(land for land in map_layout.background if land.inset))
        + _caption(map_layout)
    )
    labels = "".join(_label(shape) for shape in map_layout.shapes)
    return below, f'<g class="map-labels" aria-hidden="true" pointer-events="none">{labels}</g>'


def svg(map_layout: MapLayout, links: Mapping[str, MapLink | tuple[str, str, str]], *, title: str) -> Markup:
    """The map as inline SVG: each shape whose code is in links is a link, the rest are drawn plain.

    links maps a code to (CSS class, accessible label, href), e.g. "PL" to ("band--supports",
    "Poland: supports", "/countries/PL"). Codes without a shape (NATO) are left to the legend.
    """
    x, y, width, height = map_layout.view_box
    below, labels = _fixed_markup(map_layout)
    resolved = {code: MapLink(*link) for code, link in links.items()}
    # Members with markers are drawn last, so no neighbour's path covers their circle (and are read last).
    ordered = sorted(map_layout.shapes, key=lambda shape: shape.marker is not None)
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="nato-map" viewBox="{x:g} {y:g} {width:g} {height:g}"'
        f' role="group" aria-label="{escape(title)}">'
    )
    parts = [
        opening,
        f"<title>{escape(title)}</title>",
        below,
        '<g class="map-countries">',
        *(_country(shape, resolved.get(shape.code)) for shape in ordered),
        "</g>",
        labels,
        "</svg>",
    ]
    return Markup("".join(parts))
