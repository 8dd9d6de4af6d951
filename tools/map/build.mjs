// Builds static/map/shapes.json: the choropleth's country paths, projected and simplified once.
// Run: cd tools/map && npm ci && node build.mjs  (README.md explains the choices made here).
import {readFileSync, writeFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {feature, mergeArcs} from "topojson-client";
import {presimplify, simplify, sphericalTriangleArea} from "topojson-simplify";
import {geoArea, geoCentroid, geoConicEqualArea, geoPath} from "d3-geo";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const ATLAS = here("node_modules/world-atlas/countries-50m.json");
const ATLAS_VERSION = JSON.parse(readFileSync(here("node_modules/world-atlas/package.json"), "utf8")).version;
const SEEDS = here("../../seeds/countries.json");
const OUT = here("../../static/map/shapes.json");

// All lengths are viewBox units: Europe's frame is WIDTH wide, its height follows from Europe's shape.
const WIDTH = 1000;
const PAD = 6;
const INSET_H = 250; // its width follows from North America's shape
// Both projections are equal-area, so an area on the sphere times the scale squared is an area
// on the map: the thresholds below are in square viewBox units whatever the frame's scale.
const SIMPLIFY_AREA = 0.5; // Visvalingam: a point whose triangle is smaller than this goes
const MIN_RING_AREA = 6; // islands and enclaves smaller than this go (a country's largest ring stays)
const MIN_BACKGROUND_AREA = 6; // a neighbour showing less than this in a frame is not drawn there (Malta shows)
// Members smaller than this get a marker circle, so they can be seen and tapped (Albania, 28,748 km²,
// is the largest such; Belgium, 30,528 km², has room for its own label).
const MARKER_KM2 = 30000;
const MARKER_R = 12;
const MARKER_SPACING = 3 * MARKER_R; // centre to centre, so a phone stylesheet may draw them 1.5 times larger
// The desktop label box (two capitals at font-size 14) used to keep labels apart.
const LABEL_W = 22;
const LABEL_H = 12;
const EARTH_KM = 6371.0088;

// ISO 3166-1 numeric (world-atlas ids) to the alpha-2 codes the app uses.
const ISO = {
  "008": "AL", "056": "BE", "100": "BG", "124": "CA", "191": "HR", "203": "CZ", "208": "DK",
  "233": "EE", "246": "FI", "250": "FR", "276": "DE", "300": "GR", "348": "HU", "352": "IS",
  "380": "IT", "428": "LV", "440": "LT", "442": "LU", "499": "ME", "528": "NL", "807": "MK",
  "578": "NO", "616": "PL", "620": "PT", "642": "RO", "703": "SK", "705": "SI", "724": "ES",
  "752": "SE", "792": "TR", "826": "GB", "840": "US", "804": "UA",
  // Åland is part of Finland, and is drawn as Finland.
  "248": "FI",
  // Neighbours, drawn as the background in either frame.
  "643": "RU", "112": "BY", "498": "MD", "688": "RS", "070": "BA", "756": "CH", "040": "AT",
  "372": "IE", "196": "CY", "470": "MT", "268": "GE", "051": "AM", "031": "AZ", "438": "LI",
  "020": "AD", "492": "MC", "674": "SM", "336": "VA", "304": "GL", "234": "FO", "832": "JE",
  "831": "GG", "833": "IM", "760": "SY", "368": "IQ", "364": "IR", "422": "LB", "376": "IL",
  "275": "PS", "400": "JO", "504": "MA", "012": "DZ", "788": "TN", "434": "LY", "818": "EG",
  "398": "KZ", "795": "TM", "484": "MX", "192": "CU", "044": "BS", "292": "GI", "682": "SA",
  "414": "KW", "732": "EH", "666": "PM", "060": "BM", "332": "HT", "214": "DO",
};
// world-atlas leaves these without an id; northern Cyprus is drawn as Cyprus (no UN member recognises another state there).
const BY_NAME = {"Kosovo": "XK", "N. Cyprus": "CY"};
// Lands of a member drawn faded and unlinked rather than as the member: Greenland and the Faroes
// (Denmark), the Crown Dependencies (the UK answers for their defence), Saint Pierre and Miquelon
// (France). A member seen in the other frame (Iceland in the inset) is drawn faded too.
const BELONGS_TO = {GL: "DK", FO: "DK", JE: "GB", GG: "GB", IM: "GB", GI: "GB", BM: "GB", PM: "FR"};

// Which parts of a member are drawn: a polygon stays when its centroid [lon, lat] passes.
const EUROPE_WINDOW = ([lon, lat]) => lon > -32 && lon < 50 && lat > 33 && lat < 72;
const KEEP = {
  FR: ([lon, lat]) => lon > -6 && lon < 10 && lat > 41 && lat < 52, // metropolitan France and Corsica
  PT: ([lon]) => lon > -10, // the mainland: the Azores and Madeira would stretch the frame west
  ES: ([lon, lat]) => lat > 35 && lon > -10, // the mainland and the Balearics, not the Canaries
  NO: ([lon, lat]) => lat < 72 && lon > 0, // not Svalbard, Jan Mayen or Bouvet Island
  NL: ([lon]) => lon > 0, // not the Caribbean islands
  US: ([lon, lat]) => lon < -60 && lat > 23, // the contiguous states and Alaska; not Hawaii or the Aleutians west of 180°
  CA: () => true,
};
const INSET_CODES = ["US", "CA"];

const seeds = JSON.parse(readFileSync(SEEDS, "utf8")).countries;
const linked = seeds.filter((c) => c.kind !== "alliance").map((c) => c.code); // NATO itself has no land
const europeCodes = linked.filter((c) => !INSET_CODES.includes(c));

// --- the topology: codes for ids, Crimea drawn as Ukraine, one geometry per code ----------------
const atlas = JSON.parse(readFileSync(ATLAS, "utf8"));
const geometries = atlas.objects.countries.geometries;
for (const g of geometries) g.code = BY_NAME[g.properties.name] ?? ISO[g.id];

// Natural Earth 4.1 draws Crimea inside Russia; we draw it as Ukraine, as the UN General Assembly
// (resolution 68/262) and every NATO member do.
const russia = geometries.find((g) => g.code === "RU");
const ukraine = geometries.find((g) => g.code === "UA");
const crimeaIndex = russia.arcs.findIndex((polygon) => {
  const [lon, lat] = geoCentroid(feature(atlas, {type: "Polygon", arcs: polygon}));
  return lon > 32 && lon < 37 && lat > 44 && lat < 46.5;
});
if (crimeaIndex < 0) throw new Error("Crimea is not among Russia's polygons");
const crimea = {type: "Polygon", arcs: russia.arcs[crimeaIndex]};
russia.arcs = russia.arcs.filter((_, i) => i !== crimeaIndex);
Object.assign(ukraine, mergeArcs(atlas, [ukraine, crimea]));

const uncoded = geometries.filter((g) => !g.code);
const byCode = new Map();
for (const g of geometries.filter((g) => g.code)) {
  const previous = byCode.get(g.code);
  byCode.set(g.code, {...(previous ? mergeArcs(atlas, [previous, g]) : g), id: g.code, properties: {}});
}
atlas.objects.countries.geometries = [...byCode.values()];
const everyCode = [...byCode.keys()];

const featuresOf = (topology) => new Map(feature(topology, topology.objects.countries).features.map((f) => [f.id, f]));

// The member without its parts outside the frames (overseas lands, far islands).
function trimmed(code, f) {
  if (!linked.includes(code)) return f;
  const keep = KEEP[code] ?? EUROPE_WINDOW;
  const polygons = f.geometry.type === "MultiPolygon" ? f.geometry.coordinates : [f.geometry.coordinates];
  const kept = polygons.filter((p) => keep(geoCentroid({type: "Polygon", coordinates: p})));
  if (!kept.length) throw new Error(`${code}: every polygon was dropped`);
  return {...f, geometry: {type: "MultiPolygon", coordinates: kept}};
}

// --- projections -------------------------------------------------------------------------------
const full = featuresOf(atlas);
for (const code of linked) if (!full.has(code)) throw new Error(`${code}: not in the atlas`);
const collection = (codes) => ({type: "FeatureCollection", features: codes.map((c) => trimmed(c, full.get(c)))});

// Europe: Albers (conic equal-area) on 10°E, standard parallels 41°N and 65°N (a sixth of the span
// in from 35°N and 71°N), fitted to the members from Iceland and Portugal to Türkiye's east.
const europe = geoConicEqualArea().parallels([41, 65]).rotate([-10, 0]);
europe.fitWidth(WIDTH - 2 * PAD, collection(europeCodes));
const [[x0, y0], [, y1]] = geoPath(europe).bounds(collection(europeCodes));
europe.translate([europe.translate()[0] + PAD - x0, europe.translate()[1] + PAD - y0]);
const HEIGHT = Math.ceil(y1 - y0 + 2 * PAD);
europe.clipExtent([[0, 0], [WIDTH, HEIGHT]]);

// North America: its own Albers on 100°W, top right over northern Russia, at about a sixth of the scale.
const america = geoConicEqualArea().parallels([40, 68]).rotate([100, 0]);
america.fitHeight(INSET_H - 2 * PAD, collection(INSET_CODES));
const [[ax0, ay0], [ax1]] = geoPath(america).bounds(collection(INSET_CODES));
const INSET_W = Math.ceil(ax1 - ax0 + 2 * PAD);
const INSET = [WIDTH - INSET_W, 0, INSET_W, INSET_H];
const [ix, iy, iw, ih] = INSET;
america.translate([america.translate()[0] + ix + PAD - ax0, america.translate()[1] + iy + PAD - ay0]);
america.clipExtent([[ix, iy], [ix + iw, iy + ih]]);
const inInset = ([x, y]) => x > ix && x < ix + iw && y > iy && y < iy + ih;

// --- rings and paths ---------------------------------------------------------------------------
// A feature's rings, projected and rounded to whole units, without zero-length steps.
function projectedRings(projection, f) {
  const out = [];
  let ring = null;
  const context = {
    moveTo(x, y) { ring = [[Math.round(x), Math.round(y)]]; },
    lineTo(x, y) {
      const point = [Math.round(x), Math.round(y)];
      const last = ring[ring.length - 1];
      if (point[0] !== last[0] || point[1] !== last[1]) ring.push(point);
    },
    closePath() {
      const [first, last] = [ring[0], ring[ring.length - 1]];
      if (ring.length > 1 && first[0] === last[0] && first[1] === last[1]) ring.pop();
      if (ring.length >= 3) out.push(ring);
      ring = null;
    },
    arc() {},
  };
  geoPath(projection, context)(f);
  return out;
}

function area(ring) {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return Math.abs(sum) / 2;
}

// SVG path data: absolute M, then relative l, h and v steps, each ring closed with z.
function pathData(rings) {
  return rings.map((ring) => {
    let [px, py] = ring[0];
    let d = `M${px} ${py}`;
    let command = "M";
    for (const [x, y] of ring.slice(1)) {
      const [dx, dy] = [x - px, y - py];
      const [next, args] = dy === 0 ? ["h", `${dx}`] : dx === 0 ? ["v", `${dy}`] : ["l", `${dx} ${dy}`.replace(" -", "-")];
      d += (next === command ? (args.startsWith("-") ? "" : " ") : next) + args;
      command = next;
      [px, py] = [x, y];
    }
    return d + "z";
  }).join("");
}

function layer(topology, projection, codes) {
  const all = featuresOf(topology);
  const out = new Map();
  for (const code of codes) {
    const rings = projectedRings(projection, trimmed(code, all.get(code)));
    if (!rings.length) continue;
    const largest = Math.max(...rings.map(area));
    out.set(code, rings.filter((ring) => area(ring) >= MIN_RING_AREA || area(ring) === largest));
  }
  return out;
}

// --- label points --------------------------------------------------------------------------------
function inside(rings, x, y) {
  let hit = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
    }
  }
  return hit;
}

function edgeDistance(rings, x, y) {
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[j], [bx, by] = ring[i];
      const [vx, vy] = [bx - ax, by - ay];
      const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
      best = Math.min(best, Math.hypot(x - ax - t * vx, y - ay - t * vy));
    }
  }
  return best;
}

// The point of the largest ring farthest from every edge (a refined grid search), and that distance.
function poleOfInaccessibility(rings) {
  const largest = rings.reduce((a, b) => (area(b) > area(a) ? b : a));
  const xs = largest.map((p) => p[0]), ys = largest.map((p) => p[1]);
  let [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let best = {x: (minX + maxX) / 2, y: (minY + maxY) / 2, r: 0};
  let step = Math.max(maxX - minX, maxY - minY) / 40;
  for (let round = 0; round < 4; round++) {
    for (let x = minX; x <= maxX; x += step) {
      for (let y = minY; y <= maxY; y += step) {
        if (!inside([largest], x, y)) continue;
        const r = edgeDistance(rings, x, y);
        if (r > best.r) best = {x, y, r};
      }
    }
    [minX, maxX, minY, maxY] = [best.x - 2 * step, best.x + 2 * step, best.y - 2 * step, best.y + 2 * step];
    step /= 4;
  }
  return best;
}

const round1 = (n) => Math.round(n * 10) / 10;
const km2 = (f) => geoArea(f) * EARTH_KM ** 2;
const LABEL_GAP = 3;
const boxesOverlap = (a, b) => Math.abs(a.x - b.x) * 2 < a.w + b.w + 2 * LABEL_GAP && Math.abs(a.y - b.y) * 2 < a.h + b.h + 2 * LABEL_GAP;
const labelBox = ([x, y]) => ({x, y, w: LABEL_W, h: LABEL_H});
const markerBox = ([x, y, r]) => ({x, y, w: 2 * r, h: 2 * r});

// --- build -----------------------------------------------------------------------------------
const weighted = presimplify(atlas, sphericalTriangleArea);
const simplifiedFor = (projection) => simplify(weighted, SIMPLIFY_AREA / projection.scale() ** 2);
const europeTopology = simplifiedFor(europe);
const americaTopology = simplifiedFor(america);

const memberRings = new Map([
  ...layer(europeTopology, europe, europeCodes),
  ...layer(americaTopology, america, INSET_CODES),
]);
for (const code of europeCodes) {
  if (memberRings.get(code).some((ring) => ring.some(inInset))) throw new Error(`${code} reaches under the inset`);
}

// Labels sit at each member's pole of inaccessibility; a small member's marker sits there instead,
// and its label beside the marker, on a side that touches no other label or marker, over the sea if it can.
const shapes = {};
const placed = [];
const small = linked.filter((code) => km2(trimmed(code, full.get(code))) < MARKER_KM2);
for (const code of linked) {
  const rings = memberRings.get(code);
  if (!rings) throw new Error(`${code}: nothing drawn`);
  const pole = poleOfInaccessibility(rings);
  shapes[code] = {d: pathData(rings), label: [round1(pole.x), round1(pole.y)], room: round1(pole.r), marker: null};
  if (small.includes(code)) shapes[code].marker = [round1(pole.x), round1(pole.y), MARKER_R];
}
// Markers closer than MARKER_SPACING are pushed apart along the line between them, while each stays inside its member.
for (let round = 0; round < 50; round++) {
  let moved = false;
  for (const a of small) {
    for (const b of small) {
      const [ma, mb] = [shapes[a].marker, shapes[b].marker];
      const distance = Math.hypot(mb[0] - ma[0], mb[1] - ma[1]);
      if (a >= b || distance >= MARKER_SPACING) continue;
      const push = (MARKER_SPACING - distance) / 2 + 0.1;
      const [ux, uy] = [(mb[0] - ma[0]) / distance, (mb[1] - ma[1]) / distance];
      for (const [code, marker, sign] of [[a, ma, -1], [b, mb, 1]]) {
        const next = [round1(marker[0] + sign * push * ux), round1(marker[1] + sign * push * uy), marker[2]];
        if (!inside(memberRings.get(code), next[0], next[1])) throw new Error(`${code}: its marker cannot move clear of the others`);
        shapes[code].marker = next;
      }
      moved = true;
    }
  }
  if (!moved) break;
}
for (const code of linked) placed.push(shapes[code].marker ? markerBox(shapes[code].marker) : labelBox(shapes[code].label));
// How many of a label box's corners and centre fall on another member: over the sea reads best.
function landUnder(code, [x, y]) {
  const points = [[x, y], [x - LABEL_W / 2, y - LABEL_H / 2], [x + LABEL_W / 2, y - LABEL_H / 2],
    [x - LABEL_W / 2, y + LABEL_H / 2], [x + LABEL_W / 2, y + LABEL_H / 2]];
  return points.filter(([px, py]) => linked.some((other) => other !== code && inside(memberRings.get(other), px, py))).length;
}
for (const code of small) {
  const [mx, my, r] = shapes[code].marker;
  const [dx, dy] = [r + LABEL_GAP + 1 + LABEL_W / 2, r + LABEL_GAP + 1 + LABEL_H / 2];
  const sides = [[dx, 0], [-dx, 0], [0, -dy], [0, dy], [dx, -dy], [-dx, -dy], [dx, dy], [-dx, dy]];
  const free = sides.map(([sx, sy]) => [round1(mx + sx), round1(my + sy)])
    .filter((point) => !placed.some((box) => boxesOverlap(labelBox(point), box)))
    .map((point, order) => ({point, cost: landUnder(code, point) * 10 + order}))
    .sort((a, b) => a.cost - b.cost)[0]?.point;
  if (!free) throw new Error(`${code}: no free side for its label`);
  shapes[code].label = free;
  placed.push(labelBox(free));
}

// The background: every other land a frame shows, Europe's first, then the inset's above its box.
const background = [];
function addBackground(topology, projection, skip, visible, frame) {
  for (const [code, rings] of layer(topology, projection, everyCode.filter((c) => !skip.includes(c)))) {
    const shown = rings.filter((ring) => ring.some(visible));
    if (shown.reduce((sum, ring) => sum + area(ring), 0) < MIN_BACKGROUND_AREA) continue;
    const belongsTo = linked.includes(code) ? code : BELONGS_TO[code] ?? null;
    background.push({code, d: pathData(shown), belongs_to: belongsTo, inset: frame === "inset"});
  }
}
addBackground(europeTopology, europe, linked, (p) => !inInset(p), "europe");
addBackground(americaTopology, america, INSET_CODES, inInset, "inset");

// A land the atlas leaves without a code must not be missing from a frame.
const missing = uncoded.map((g) => feature(atlas, g)).filter((f) =>
  projectedRings(europe, f).some((r) => area(r) >= MIN_BACKGROUND_AREA && r.some((p) => !inInset(p)))
  || projectedRings(america, f).some((r) => area(r) >= MIN_BACKGROUND_AREA && r.some(inInset)));
if (missing.length) throw new Error(`shown in a frame without a code: ${missing.map((f) => `${f.properties.name} (${f.id})`).join(", ")}`);

// Simferopol lies in Ukraine's shape, and not in Russia's.
const simferopol = europe([34.1, 44.95]);
const russiaRings = layer(europeTopology, europe, ["RU"]).get("RU");
if (!inside(memberRings.get("UA"), ...simferopol) || inside(russiaRings, ...simferopol)) throw new Error("Crimea is not drawn as Ukraine");

const output = {
  source: `world-atlas ${ATLAS_VERSION} (Natural Earth 4.1.0, 1:50m), built by tools/map/build.mjs`,
  view_box: [0, 0, WIDTH, HEIGHT],
  inset_frame: INSET,
  inset_scale: Math.round((america.scale() / europe.scale()) * 1000) / 1000, // the inset's length scale against Europe's
  shapes,
  background,
};
const text = JSON.stringify(output) + "\n";
writeFileSync(OUT, text);
console.log(`${OUT}: ${text.length} bytes; ${Object.keys(shapes).length} shapes, ${background.length} background lands`);
