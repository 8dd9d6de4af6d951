"""The choropleth's shapes file and its SVG markup."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET

import pytest

from app import paths
from app.stances import mapshapes

SVG = "{http://www.w3.org/2000/svg}"
SEEDS = json.loads((paths.SEEDS / "countries.json").read_text(encoding="utf-8"))["countries"]
MEMBERS = {c["code"] for c in SEEDS if c["kind"] == "member"}
NAMES = {c["code"]: c["name"] for c in SEEDS}
TOKEN = re.compile(r"\s*,?\s*([MmLlHhVvZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")
ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "Z": 0}


def path_points(d: str) -> list[tuple[float, float]]:
    """The absolute points of a path using only M, L, H, V and Z (either case); ValueError if it is malformed."""
    tokens: list[str] = []
    position = 0
    while position < len(d):
        match = TOKEN.match(d, position)
        if not match or match.end() == position:
            raise ValueError(f"unexpected {d[position : position + 10]!r} at {position}")
        tokens.append(match.group(1))
        position = match.end()
    if not tokens or tokens[0] not in "Mm":
        raise ValueError("a path starts with a moveto")
    points: list[tuple[float, float]] = []
    x = y = start_x = start_y = 0.0
    index = 0
    while index < len(tokens):
        command = tokens[index]
        if not command.isalpha():
            raise ValueError(f"number {command!r} without a command")
        index += 1
        arity = ARITY[command.upper()]
        numbers: list[float] = []
        while index < len(tokens) and not tokens[index].isalpha():
            numbers.append(float(tokens[index]))
            index += 1
        if arity == 0:
            if numbers:
                raise ValueError("closepath takes no numbers")
            x, y = start_x, start_y
            continue
        if not numbers or len(numbers) % arity:
            raise ValueError(f"{command} needs numbers in groups of {arity}, got {len(numbers)}")
        relative = command.islower()
        for group in range(0, len(numbers), arity):
            values = numbers[group : group + arity]
            kind = command.upper()
            if kind in "ML":
                x, y = (x + values[0], y + values[1]) if relative else (values[0], values[1])
            elif kind == "H":
                x = x + values[0] if relative else values[0]
            else:
                y = y + values[0] if relative else values[0]
            if kind == "M" and group == 0:
                start_x, start_y = x, y
            points.append((x, y))
    return points


def within(points: list[tuple[float, float]], box: tuple[float, float, float, float]) -> bool:
    """Whether every point lies in the box (x, y, width, height), edges included."""
    x, y, width, height = box
    return all(x <= px <= x + width and y <= py <= y + height for px, py in points)


def links(codes: set[str]) -> dict[str, mapshapes.MapLink]:
    return {
        code: mapshapes.MapLink("band--supports", f"{NAMES[code]}: supports", f"/countries/{code}") for code in codes
    }


def test_file_is_small() -> None:
    assert mapshapes.SHAPES_FILE.stat().st_size <= 150 * 1024


def test_layout_is_read_once() -> None:
    assert mapshapes.layout() is mapshapes.layout()


def test_every_member_and_ukraine_has_a_shape_and_nothing_else_does() -> None:
    codes = [shape.code for shape in mapshapes.layout().shapes]
    assert len(MEMBERS) == 32
    assert sorted(codes) == sorted(MEMBERS | {"UA"})


@pytest.mark.parametrize(
    "d",
    ["", "L1 2", "M1", "M1 2l3", "M1 2h", "M1 2z3", "M1 2X3 4", "M1 2l3 4 5", "12 13", "M1 2l3 4q5 6 7 8"],
)
def test_the_path_check_rejects_malformed_paths(d: str) -> None:
    with pytest.raises(ValueError):
        path_points(d)


def test_the_path_check_follows_relative_steps() -> None:
    assert path_points("M10 20l5-5h-3v7zM1,1L2 2") == [(10, 20), (15, 15), (12, 15), (12, 22), (1, 1), (2, 2)]


def test_every_path_parses_and_lies_inside_the_view_box() -> None:
    layout = mapshapes.layout()
    for shape in layout.shapes:
        assert within(path_points(shape.d), layout.view_box), shape.code
        assert within([(shape.label_x, shape.label_y)], layout.view_box), shape.code
        if shape.marker:
            m = shape.marker
            assert within([(m.cx - m.r, m.cy - m.r), (m.cx + m.r, m.cy + m.r)], layout.view_box), shape.code
    for land in layout.background:
        assert within(path_points(land.d), layout.view_box), land.code


def test_europe_keeps_clear_of_the_inset_and_north_america_lies_in_it() -> None:
    layout = mapshapes.layout()
    ix, iy, iw, ih = layout.inset_frame
    for shape in layout.shapes:
        points = path_points(shape.d)
        if shape.code in ("US", "CA"):
            assert within(points, layout.inset_frame), shape.code
        else:
            assert not any(ix < x < ix + iw and iy < y < iy + ih for x, y in points), shape.code
    assert 0 < layout.inset_scale < 1


def test_small_members_have_markers_spaced_apart() -> None:
    layout = mapshapes.layout()
    marked = {shape.code: shape.marker for shape in layout.shapes if shape.marker}
    assert set(marked) == {"LU", "ME", "MK", "AL", "SI"}
    for a, first in marked.items():
        for b, second in marked.items():
            if a < b:
                # Far enough apart that a phone stylesheet may draw them 1.5 times larger.
                assert math.dist((first.cx, first.cy), (second.cx, second.cy)) >= 3 * first.r, (a, b)


def test_reading_refuses_path_data_that_could_break_out_of_its_attribute() -> None:
    document = json.loads(mapshapes.SHAPES_FILE.read_text(encoding="utf-8"))
    assert mapshapes.from_document(document) == mapshapes.layout()
    document["shapes"]["PL"]["d"] = 'M0 0z"/><script>alert(1)</script><path d="'
    with pytest.raises(ValueError, match="PL"):
        mapshapes.from_document(document)


def test_svg_links_each_member_and_ukraine_once() -> None:
    layout = mapshapes.layout()
    given = links(MEMBERS | {"UA"})
    root = ET.fromstring(mapshapes.svg(layout, given, title="Where members stand"))
    anchors = root.findall(f".//{SVG}a")
    assert sorted(a.get("href", "") for a in anchors) == sorted(link.href for link in given.values())
    for anchor in anchors:
        code = anchor.get("href", "").rsplit("/", 1)[1]
        title = anchor.find(f"{SVG}title")
        assert anchor.get("aria-label") == given[code].label
        assert title is not None and title.text == given[code].label
        path = anchor.find(f"{SVG}path")
        assert path is not None and path.get("d") == layout.shape(code).d
        assert "band--supports" in path.get("class", "").split()
    poland = next(a for a in anchors if a.get("href") == "/countries/PL")
    assert poland.get("aria-label") == "Poland: supports"
    assert root.get("aria-label") == "Where members stand"


def test_svg_puts_the_marker_inside_its_link() -> None:
    root = ET.fromstring(mapshapes.svg(mapshapes.layout(), links({"LU"}), title="t"))
    anchor = root.find(f".//{SVG}a")
    assert anchor is not None
    circle = anchor.find(f"{SVG}circle")
    assert circle is not None and "map-marker" in circle.get("class", "").split()


def test_svg_escapes_what_it_is_given() -> None:
    given = {"PL": ('band--a"b', 'Poland: <b>"yes" & no</b>', "/countries/PL?x=1&y=<2>")}
    root = ET.fromstring(mapshapes.svg(mapshapes.layout(), given, title="A & <B>"))
    anchor = root.find(f".//{SVG}a")
    assert anchor is not None
    assert anchor.get("href") == "/countries/PL?x=1&y=<2>"
    assert anchor.get("aria-label") == 'Poland: <b>"yes" & no</b>'
    assert root.get("aria-label") == "A & <B>"


def test_svg_draws_unlinked_shapes_plain_and_leaves_nato_to_the_legend() -> None:
    given = {
        "PL": mapshapes.MapLink("band--supports", "Poland: supports", "/countries/PL"),
        "NATO": mapshapes.MapLink("band--supports", "NATO: supports", "/countries/NATO"),
    }
    root = ET.fromstring(mapshapes.svg(mapshapes.layout(), given, title="t"))
    assert [a.get("href") for a in root.findall(f".//{SVG}a")] == ["/countries/PL"]
    countries = root.find(f"{SVG}g[@class='map-countries']")
    assert countries is not None
    plain = [p for p in countries.iter(f"{SVG}path") if "map-nodata" in p.get("class", "").split()]
    assert len(plain) == len(MEMBERS)  # the other 31 members and Ukraine
    labels = root.find(f"{SVG}g[@class='map-labels']")
    assert labels is not None and labels.get("aria-hidden") == "true"
    assert sorted(t.text or "" for t in labels.iter(f"{SVG}text")) == sorted(MEMBERS | {"UA"})


def test_background_is_hidden_from_screen_readers_and_never_linked() -> None:
    layout = mapshapes.layout()
    root = ET.fromstring(mapshapes.svg(layout, {}, title="t"))
    groups = root.findall(f"{SVG}g[@class='map-background']")
    assert [g.get("aria-hidden") for g in groups] == ["true", "true"]
    drawn = [p.get("d") for g in groups for p in g.iter(f"{SVG}path")]
    assert drawn == [land.d for land in layout.background if not land.inset] + [
        land.d for land in layout.background if land.inset
    ]
    codes = {land.code for land in layout.background}
    assert {"RU", "BY", "MD", "RS", "BA", "XK", "CH", "AT", "IE", "CY", "MT", "GE"} <= codes
    assert not codes & (MEMBERS - {"IS"})  # Iceland shows faded at the inset's edge
    assert all(land.belongs_to == "DK" for land in layout.background if land.code in ("GL", "FO"))
