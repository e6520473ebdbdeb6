"""The one chart layer: every chart and map of the project, defined once as a Vega-Lite spec.

Why one layer: the offline run report, the batch report and the workshop app show the same
charts. Each is a function here that takes results tables (`RunResults` frames, or many runs'
frames summarised to a median and a 90% band) and returns a `Chart`: a Vega-Lite spec. The app
draws it interactively with Vega (compiled on the server, then only new data are sent when a
year is added); the reports call `to_svg`, which renders it with vl-convert to a static SVG:
no JavaScript and no network in the report. So report and app cannot disagree.

The specs are written as plain dicts rather than through Altair: Altair checked and copied
every part of every chart, which took longer than drawing it (about 1 s of a 2 s report, and
most of the app's redraw after a one-year step).

Conventions:
* data go in as tidy frames: one row per mark, with a ready-made `tip` text column that is
  both the hover tooltip in the app and, in the SVG, a `<title>` on the mark (browsers show
  it on hover): the exact value is always one mouse move away;
* a chart's data are named data sets and what else changes with the data (the y range) is
  a named parameter, both kept apart from the spec (`Chart.datasets`, `Chart.params`): the
  app sends the spec once and then only what changed;
* colours are the caller's or `PALETTE` (Okabe-Ito, safe for the common colour blindness);
* texts (titles, axis names, legend entries) are arguments, so the app can pass Dutch ones;
* a missing value (NaN) is left out: no point, no bar, never drawn as zero.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
from collections.abc import Sequence
from functools import cache
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

# Okabe & Ito (2008): distinguishable for the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
MUTED = "#666666"
FONT = "sans-serif"
SMALL_AREA = "#d4d4d4"  # areas that do not count (too few dwellings): neutral grey
CONTEXT_FILL, CONTEXT_STROKE = "#ececec", "#fbfbfb"
CONFIG = {
    "font": FONT,
    "axis": {"labelColor": MUTED, "titleColor": MUTED, "gridColor": "#e6e6e6",
             "domainColor": "#888888", "tickColor": "#888888", "titleFontWeight": "normal",
             "labelFontSize": 11, "titleFontSize": 12},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "top", "title": None,
               "symbolStrokeWidth": 2.5, "labelLimit": 400, "columnPadding": 16},
    "title": {"fontSize": 14, "anchor": "start", "offset": 10},
}
STROKE_DASH = {"solid": [1, 0], "dashed": [7, 4], "dotted": [2, 3]}


# --- a chart ----------------------------------------------------------------------------------
class Chart:
    """A Vega-Lite spec with its data apart: `spec` (marks, encodings, texts), `datasets`
    (name -> rows, referred to in the spec as `{"name": ...}`) and `params` (name -> value,
    referred to as `{"expr": name}`: what changes with the data, such as the y range).
    `to_dict()` is the whole spec, as Vega-Lite and vl-convert take it; in a notebook the
    chart shows itself as its SVG."""

    __slots__ = ("spec", "datasets", "params")

    def __init__(self, spec: dict, datasets: dict[str, list] | None = None,
                 params: dict | None = None):
        self.spec, self.datasets, self.params = spec, datasets or {}, params or {}

    def to_dict(self) -> dict:
        out = {**self.spec, "config": _merge(CONFIG, self.spec.get("config", {}))}
        if self.datasets:
            out["datasets"] = dict(self.datasets)
        if self.params:
            out["params"] = [{"name": k, "value": v} for k, v in self.params.items()]
        return out

    def key(self) -> str:
        """What identifies the chart's shape apart from its data and parameter values:
        charts with the same key differ only in their data (the app then sends only those)."""
        shape = [self.spec, sorted(self.datasets), sorted(self.params)]
        return hashlib.sha1(json.dumps(shape, sort_keys=True).encode()).hexdigest()

    def _repr_svg_(self) -> str:
        return to_svg(self)


def _merge(a: dict, b: dict) -> dict:
    """`a` updated by `b`, nested dicts merged."""
    out = dict(a)
    for k, v in b.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def layered(layers: list[dict], *, datasets: dict[str, list], params: dict | None = None,
            **top) -> Chart:
    """A chart of `layers` (each a Vega-Lite unit spec) sharing axes and legends."""
    return Chart({**top, "layer": layers}, datasets, params)


def field(name: str, kind: str = "nominal", **more) -> dict:
    """An encoding channel: a data field and its type, and any further properties."""
    return {"field": name, "type": kind, **more}


def tip(name: str = "tip") -> dict:
    """Tooltip and SVG description (-> <title>) from the same text field."""
    return {"tooltip": field(name, title=None), "description": field(name)}


# --- rendering --------------------------------------------------------------------------------
def spec(chart: Chart) -> dict:
    """The chart as a whole Vega-Lite dict with the shared look."""
    return chart.to_dict()


_COMPILED: dict[str, dict] = {}  # Chart.key() -> Vega spec without the data sets' values
CACHE_ENV = "SORTEERMACHINE_CACHE"  # a folder for compiled charts, or 'off'
_CACHE_FILES = 2000  # at most this many compiled charts are kept on disk


def compiled(chart: Chart) -> dict:
    """The chart's Vega spec with its data and parameter values filled in.

    Compiling Vega-Lite to Vega is done once per shape of chart (`Chart.key()`) and kept,
    in this process and in a folder (`cache_dir()`): in a new process vl-convert's
    Vega-Lite compiler costs about 0.7 s before its first chart, more than drawing half
    the report. The key covers everything but the data, so a kept spec is the one vl-convert
    would make (its version is part of the folder's name)."""
    key = chart.key()
    template = _COMPILED.get(key)
    if template is None:
        template = _read_cached(key)
        if template is None:
            import vl_convert

            template = vl_convert.vegalite_to_vega(spec(chart))
            for d in template.get("data", []):
                if d.get("name") in chart.datasets:
                    d["values"] = []
            _write_cached(key, template)
        if len(_COMPILED) > 500:
            _COMPILED.clear()
        _COMPILED[key] = template
    return fill(template, chart.datasets, chart.params)


@cache
def cache_dir() -> Path | None:
    """Where compiled charts are kept: $SORTEERMACHINE_CACHE, else the user's cache folder
    ($XDG_CACHE_HOME or ~/.cache)/sorteermachine; None when set to 'off'."""
    from importlib.metadata import version

    root = os.environ.get(CACHE_ENV, "")
    if root.lower() == "off":
        return None
    if not root:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sorteermachine"
    return Path(root) / f"vega-{version('vl-convert-python')}"


def _read_cached(key: str) -> dict | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        return json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # not there, or unreadable: compile again


def _write_cached(key: str, template: dict) -> None:
    """Keep a compiled chart (written whole or not at all; a folder that cannot be written
    only means no keeping)."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        files = list(folder.glob("*.json"))
        if len(files) >= _CACHE_FILES:  # drop the older half
            files.sort(key=lambda f: f.stat().st_mtime)
            for old in files[:len(files) // 2]:
                old.unlink(missing_ok=True)
        tmp = folder / f"{key}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(template), encoding="utf-8")
        tmp.replace(folder / f"{key}.json")
    except OSError:
        pass


def fill(template: dict, datasets: dict[str, list], params: dict) -> dict:
    """A compiled Vega spec with the given data sets and signal values (copies only what
    changes, so the large parts of the template are shared, not copied)."""
    out = dict(template)
    out["data"] = [{**d, "values": datasets[d["name"]]} if d.get("name") in datasets else d
                   for d in template.get("data", [])]
    if params:
        out["signals"] = [{**s, "value": params[s["name"]]} if s.get("name") in params else s
                          for s in template.get("signals", [])]
    return out


def vega_spec(chart: Chart) -> dict:
    """The chart compiled to a Vega spec, for a page that draws it: the browser then skips
    compiling Vega-Lite, the slow part of a redraw. Its menu offers the picture downloads
    only (no links that would go online)."""
    out = compiled(chart)
    out["usermeta"] = {"embedOptions": {"actions": {"export": True, "source": False,
                                                    "compiled": False, "editor": False}}}
    return out


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain JSON values (NaN becomes null: JSON has no NaN)."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in clean.to_dict("records")]


_MARK_WITH_LABEL = re.compile(
    r'<(path|rect|circle|line|symbol|shape)([^<>]*?) aria-label="([^"]*)"([^<>]*?)/>')


def to_svg(chart: Chart, css_class: str = "chart") -> str:
    """A static SVG of the chart for an offline HTML page.

    vl-convert renders with the same Vega the app uses. Its SVG names every mark in an
    `aria-label` (our `tip`); here that becomes a `<title>` child, which browsers show on
    hover. The namespace URLs are dropped (inline SVG in HTML5 needs none, and the page
    stays free of any URL) and the root gets `css_class` so the page can scale it.
    """
    import vl_convert

    text = vl_convert.vega_to_svg(compiled(chart), allowed_base_urls=[])
    return _static(text, css_class)


def _static(text: str, css_class: str) -> str:
    text = _MARK_WITH_LABEL.sub(lambda m: f"<{m[1]}{m[2]}{m[4]}><title>{m[3]}</title></{m[1]}>",
                                text)
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text, count=2)
    text = _LONG_NUMBER_IN_TAG.sub(lambda tag: _LONG_NUMBER.sub(_round, tag[0]), text)
    return _stable_ids(text.replace('class="marks"', f'class="{escape(css_class)}"', 1))


_LONG_NUMBER_IN_TAG = re.compile(r"<[^<>]*\d\.\d{3,}[^<>]*>")
_LONG_NUMBER = re.compile(r"\d+\.\d{3,}")


def _round(number: re.Match) -> str:
    """Coordinates to 1/100 pixel: enough for any screen, a smaller file, and the same
    page for a run read back from its CSVs (8 digits) as for the live run."""
    return f"{float(number[0]):.2f}".rstrip("0").rstrip(".")


def _stable_ids(svg: str) -> str:
    """Vega numbers its clip paths by a counter that runs on through the process, so the
    same chart would get new ids each time: name them by the chart's content instead (the
    same chart, the same page; different charts on one page never share an id)."""
    ids = list(dict.fromkeys(re.findall(r' id="(clip\d+)"', svg)))
    if not ids:
        return svg
    marked = re.sub(r"\b(clip\d+)\b", lambda m: f"@{ids.index(m[1])}@" if m[1] in ids
                    else m[1], svg)
    digest = hashlib.sha1(marked.encode()).hexdigest()[:8]
    return re.sub(r"@(\d+)@", lambda m: f"clip-{digest}-{m[1]}", marked)


def warm_up() -> threading.Thread:
    """Start vl-convert's renderer in the background: `sorteermachine run` calls this before
    simulating, so the renderer (about 0.5 s to start) is ready when the report is drawn.
    vl-convert lets go of Python's lock while it works, so on a machine with a second core
    the simulation is not held up."""
    def start():
        import vl_convert

        vl_convert.vega_to_svg({"width": 1, "height": 1, "marks": [{"type": "text", "encode": {
            "enter": {"text": {"value": "0"}}}}]}, allowed_base_urls=[])

    thread = threading.Thread(target=start, name="vl-convert warm-up", daemon=True)
    thread.start()
    return thread


def to_png(chart: Chart, scale: float = 2.0) -> bytes:
    """The chart as a PNG image (for 'export as picture' in the app), rendered offline."""
    import vl_convert

    return vl_convert.vega_to_png(compiled(chart), scale=scale, allowed_base_urls=[])


# --- summarising runs ---------------------------------------------------------------------------
def summarise_runs(frames: Sequence[pd.DataFrame], columns: Sequence[str],
                   by: Sequence[str] = ("year",), band: float = 0.90) -> pd.DataFrame:
    """Median and a central `band` (default 90%: 5th to 95th percentile) of `columns` over
    runs (one frame per seed, same rows), as a long frame: `by` columns, `series` (the
    column name), `value` (median), `low`, `high`, `runs`."""
    both = pd.concat([f[[*by, *columns]] for f in frames], ignore_index=True)
    q = (1 - band) / 2
    grouped = both.groupby(list(by), sort=True)[list(columns)]
    parts = {"value": grouped.median(), "low": grouped.quantile(q),
             "high": grouped.quantile(1 - q)}
    long = pd.concat({k: v.stack(future_stack=True) for k, v in parts.items()}, axis=1)
    long.index.names = [*by, "series"]
    long["runs"] = len(frames)
    return long.reset_index()


# --- time series --------------------------------------------------------------------------------
def long_series(frame: pd.DataFrame, columns: dict[str, str], x: str = "year") -> pd.DataFrame:
    """`frame[x]` and the given columns as a long frame: x, `series` (the label given in
    `columns`: column name -> legend label), `value`."""
    long = frame[[x, *columns]].melt(id_vars=x, var_name="series", value_name="value")
    long["series"] = long["series"].map(columns)
    return long


def time_chart(data: pd.DataFrame, *, title: str, y_title: str, colours: dict[str, str],
               y_format: str = ".2f", tip_format: str | None = None,
               dashes: dict[str, str] | None = None, x_title: str = "year",
               zero: bool = False, min_span: float = 0.0, note: str = "",
               width: int = 430, height: int = 210) -> Chart:
    """Lines over years, one per `series` (a long frame: year, series, value; optional `low`
    and `high` draw a shaded band, e.g. the 90% band over seeds, around the line).

    `colours` fixes the order and colour of the series; `dashes` (series -> 'solid' | 'dashed'
    | 'dotted') tells lines apart without colour; `min_span` keeps the axis from zooming into
    noise; `note` is written in the plot (say, 'only 2024 was simulated').
    """
    data = data[data["series"].isin(colours)].copy()
    fmt = tip_format or y_format
    has_band = {"low", "high"} <= set(data.columns)
    data["tip"] = [f"{int(y)}, {s}: {_fmt(v, fmt)}" + (
        f" (90% of runs {_fmt(lo, fmt)} to {_fmt(hi, fmt)})" if has_band else "")
        for y, s, v, lo, hi in zip(data["year"], data["series"], data["value"],
                                   data.get("low", data["value"]), data.get("high",
                                                                            data["value"]),
                                   strict=True)]
    data = data[np.isfinite(data["value"].astype(float))]
    names = list(colours)
    colour = field("series", scale={"domain": names, "range": list(colours.values())},
                   legend={"symbolType": "stroke", "title": None} if len(names) > 1 else None)
    dash_map = [STROKE_DASH[(dashes or {}).get(n, "solid")] for n in names]
    y_domain = _domain(data, zero, min_span)
    params = {"y_domain": y_domain} if y_domain is not None else {}
    x = field("year", "quantitative", title=x_title,
              axis={"format": "d", "tickMinStep": 1, "grid": False},
              scale={"nice": False, "zero": False, "padding": 8})
    y_scale = {"zero": zero, "nice": True, **({"domain": {"expr": "y_domain"}} if params else {})}
    y = field("value", "quantitative", title=y_title, axis={"format": y_format, "tickCount": 6},
              scale=y_scale)
    layers = []
    if has_band:
        layers.append({"mark": {"type": "area", "opacity": 0.22, "aria": False}, "encoding": {
            "x": x, "y": field("low", "quantitative", scale=y_scale, title=y_title),
            "y2": {"field": "high"}, "color": colour}})
    layers.append({"mark": {"type": "line", "strokeWidth": 2.2, "aria": False}, "encoding": {
        "x": x, "y": y, "color": colour,
        "strokeDash": field("series", scale={"domain": names, "range": dash_map}, legend=None)}})
    layers.append({"mark": {"type": "point", "filled": True, "size": 28, "opacity": 1},
                   "encoding": {"x": x, "y": y, "color": colour, **tip()}})
    datasets = {"series": _records(data)}
    if note:
        datasets["note"] = [{"note": note}]
        layers.append({"data": {"name": "note"}, "mark": {
            "type": "text", "fontStyle": "italic", "color": MUTED, "fontSize": 12,
            "align": "center", "dy": -height / 2 + 14, "aria": False},
            "encoding": {"text": field("note")}})
    return layered(layers, datasets=datasets, params=params, data={"name": "series"},
                   title=title, width=width, height=height)


def _domain(data: pd.DataFrame, zero: bool, min_span: float) -> list[float] | None:
    """The y range of values (and bands), widened to `min_span` around its middle so that
    sampling noise does not fill the whole height; never below zero for positive data."""
    cols = [c for c in ("value", "low", "high") if c in data.columns]
    vals = data[cols].to_numpy(float).ravel()
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return None
    lo, hi = float(vals.min()), float(vals.max())
    if hi - lo < min_span:
        mid = (hi + lo) / 2
        lo, hi = mid - min_span / 2, mid + min_span / 2
        if vals.min() >= 0 and lo < 0:
            lo, hi = 0.0, hi - lo
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        return None
    return [lo, hi]


def _fmt(v, fmt: str) -> str:
    """A value in a d3-style format ('.1%', ',.0f', '.3f') done in Python, for tips."""
    if v is None or not math.isfinite(float(v)):
        return "–"
    return format(float(v), fmt.replace("~", ""))


# --- bars ----------------------------------------------------------------------------------------
def bar_chart(data: pd.DataFrame, *, title: str, y_title: str, colours: dict[str, str],
              categories: Sequence[str], y_format: str = ",.0f", show_values: bool = True,
              width: int = 820, height: int = 230) -> Chart:
    """Grouped bars: per `category` (x, in the given order; '\\n' wraps a label) one bar per
    `series` (a long frame: category, series, value), labelled with its value."""
    data = data[data["series"].isin(colours)].copy()
    data["tip"] = [f"{s}, {' '.join(str(c).split())}: {_fmt(v, y_format)}"
                   for s, c, v in zip(data["series"], data["category"], data["value"],
                                      strict=True)]
    data["label"] = [_fmt(v, y_format) for v in data["value"]]
    data = data[np.isfinite(data["value"].astype(float))]
    names = list(colours)
    x = field("category", sort=list(categories), title=None,
              axis={"labelAngle": 0, "labelExpr": "split(datum.label, '\\n')",
                    "labelColor": "#222222", "labelFontSize": 12})
    offset = field("series", sort=names)
    colour = field("series", scale={"domain": names, "range": list(colours.values())},
                   legend={"symbolType": "square", "title": None})
    y = field("value", "quantitative", title=y_title, axis={"format": y_format, "tickCount": 6})
    layers = [{"mark": {"type": "bar"}, "encoding": {"x": x, "xOffset": offset, "y": y,
                                                     "color": colour, **tip()}}]
    if show_values:
        layers.append({"mark": {"type": "text", "dy": -6, "fontSize": 11, "color": "#222222",
                                "aria": False},
                       "encoding": {"x": x, "xOffset": offset, "y": y, "text": field("label")}})
    return layered(layers, datasets={"bars": _records(data)}, data={"name": "bars"},
                   title=title, width=width, height=height)


# --- maps ----------------------------------------------------------------------------------------
@cache
def _geojson(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def features(path: str | Path) -> list[dict]:
    """The features of a GeoJSON file, rings wound as d3 wants them (outer rings clockwise:
    a counter-clockwise ring would fill the whole globe around the map). Read and wound
    once per file; the features are shared, so treat them as read-only."""
    return list(_features(str(path)))


@cache
def _features(path: str) -> tuple[dict, ...]:
    return tuple(_oriented(f) for f in _geojson(path).get("features", []))


def _oriented(feature: dict) -> dict:
    geom = feature.get("geometry") or {}
    polys = {"Polygon": [geom.get("coordinates", [])],
             "MultiPolygon": geom.get("coordinates", [])}.get(geom.get("type"), [])
    fixed = [[_wind(ring, clockwise=(i == 0)) for i, ring in enumerate(poly)] for poly in polys]
    out = dict(feature)
    out["properties"] = dict(feature.get("properties") or {})
    out["geometry"] = ({"type": "Polygon", "coordinates": fixed[0]} if geom.get("type") ==
                       "Polygon" else {"type": "MultiPolygon", "coordinates": fixed})
    return out


def _wind(ring: list, clockwise: bool) -> list:
    pts = np.asarray(ring, dtype=float)
    area = float((pts[:-1, 0] * pts[1:, 1] - pts[1:, 0] * pts[:-1, 1]).sum()) / 2
    return ring if (area < 0) == clockwise else ring[::-1]


def _largest_ring(feature: dict) -> np.ndarray:
    geom = feature["geometry"]
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return max((np.asarray(p[0], dtype=float) for p in polys), key=lambda r: abs(_area(r)))


def _area(r: np.ndarray) -> float:
    return float((r[:-1, 0] * r[1:, 1] - r[1:, 0] * r[:-1, 1]).sum()) / 2


def label_point(feature: dict) -> tuple[float, float]:
    """Where a label goes: the area centroid (lon, lat) of the feature's largest ring."""
    r = _largest_ring(feature)
    x, y = r[:, 0], r[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    a = cross.sum() / 2
    if abs(a) < 1e-12:
        return float(x.mean()), float(y.mean())
    return (float(((x[:-1] + x[1:]) * cross).sum() / (6 * a)),
            float(((y[:-1] + y[1:]) * cross).sum() / (6 * a)))


def frame_of(feats: Sequence[dict], pad: float = 0.07) -> dict:
    """A rectangle around `feats` with a margin of `pad` on each side: the map frame (the
    neighbours are clipped to it, so the city fills the map)."""
    pts = np.concatenate([np.asarray(ring, dtype=float).reshape(-1, 2)
                          for f in feats for ring in _rings(f)])
    (w, s), (e, n) = pts.min(0), pts.max(0)
    dx, dy = (e - w) * pad, (n - s) * pad
    w, e, s, n = w - dx, e + dx, s - dy, n + dy
    ring = [[w, s], [w, n], [e, n], [e, s], [w, s]]  # clockwise
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
                                                             "coordinates": [ring]}}


def _rings(feature: dict) -> list:
    geom = feature["geometry"]
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return [ring for p in polys for ring in p]


def choropleth(areas: Sequence[dict], values: pd.DataFrame, *, title: str,
               legend: Sequence[tuple[str, str, str]], context: Sequence[dict] = (),
               context_labels: pd.DataFrame | None = None, width: int = 400,
               name: str = "areas") -> Chart:
    """A map of `areas` (GeoJSON features with a `code` property) coloured per area.

    `values` has one row per area: `code`, `colour` (a key of `legend`), `tip` (hover text)
    and optionally `label` (printed in the area). `legend` lists (key, colour, text) in
    order: the colour scale is categorical, so classes and the 21-51% band keep their colour
    between runs and years. `context` features (the neighbours)
    are drawn in light grey under the map and named by `context_labels` (lon, lat, text).
    The marks of the areas are named `name` (the SVG group `<name>_marks`).

    The shapes and the values are separate data sets, joined in the chart (a lookup by
    code): a new year changes only the values, so the app sends the shapes once.
    """
    frame = frame_of(areas)
    lon = [c for ring in _rings(frame) for c, _ in ring]
    lat = [c for ring in _rings(frame) for _, c in ring]
    aspect = (max(lat) - min(lat)) / ((max(lon) - min(lon)) * math.cos(math.radians(
        (max(lat) + min(lat)) / 2)))
    height = round(width * aspect)
    table = values.set_index("code")
    shapes = []
    for f in areas:
        code = str(f["properties"].get("code", f.get("id", "")))
        if code in table.index:
            shapes.append({"type": "Feature", "geometry": f["geometry"], "properties": {
                "code": code, "name": f["properties"].get("name", "")}})
    keys = [k for k, _, _ in legend]
    colours = [c for _, c, _ in legend]
    texts = [t for _, _, t in legend]
    datasets = {name: shapes, f"{name}_values": _records(
        table.loc[[s["properties"]["code"] for s in shapes], ["colour", "tip"]].astype(str)
        .reset_index())}
    layers = []
    if context:
        datasets["context"] = list(context)
        layers.append({"data": {"name": "context"}, "name": "context", "mark": {
            "type": "geoshape", "fill": CONTEXT_FILL, "stroke": CONTEXT_STROKE,
            "strokeWidth": 0.8, "clip": True}, "encoding": tip("properties.tip")})
    if context_labels is not None and len(context_labels):
        datasets["context_labels"] = _records(context_labels)
        layers.append({"data": {"name": "context_labels"}, "mark": {
            "type": "text", "fontSize": 11, "color": "#9a9a9a", "clip": True, "aria": False},
            "encoding": {"longitude": field("lon", "quantitative"),
                         "latitude": field("lat", "quantitative"), "text": field("text")}})
    layers.append({
        "data": {"name": name}, "name": name,
        "transform": [{"lookup": "properties.code", "from": {
            "data": {"name": f"{name}_values"}, "key": "code", "fields": ["colour", "tip"]}}],
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 1.2},
        "encoding": {"color": field("colour", scale={"domain": keys, "range": colours},
                                    legend={"title": None, "orient": "bottom",
                                            "direction": "vertical", "symbolType": "square",
                                            "labelExpr": _label_expr(keys, texts)}),
                     **tip()}})
    if "label" in values.columns:
        labels = [{"lon": p[0], "lat": p[1], "label": str(table.loc[s["properties"]["code"],
                                                                     "label"])}
                  for s in shapes for p in [label_point(s)]]
        labels = [x for x in labels if x["label"]]
        if labels:
            datasets["labels"] = labels
            where = {"longitude": field("lon", "quantitative"),
                     "latitude": field("lat", "quantitative"), "text": field("label")}
            text = {"type": "text", "fontSize": 10.5, "fontWeight": "bold", "color": "#222222",
                    "aria": False}
            layers.append({"data": {"name": "labels"}, "encoding": where, "mark": {
                **text, "stroke": "#ffffff", "strokeWidth": 3, "strokeOpacity": 0.85,
                "strokeJoin": "round"}})
            layers.append({"data": {"name": "labels"}, "encoding": where, "mark": text})
    # the title names the year: a parameter, so a new year does not make a new chart
    return layered(layers, datasets=datasets, params={"map_title": title},
                   projection={"type": "mercator", "fit": frame},
                   title={"text": {"expr": "map_title"}}, width=width, height=height,
                   config={"view": {"stroke": "#cfd4da", "fill": "#fbfbfb"}})


def _label_expr(keys: Sequence[str], texts: Sequence[str]) -> str:
    """A Vega expression that shows each legend key as its text."""
    pairs = ", ".join(f"{json.dumps(k)}: {json.dumps(t)}" for k, t in zip(keys, texts,
                                                                            strict=True))
    return f"({{{pairs}}})[datum.label] || datum.label"


def group_labels(context: Sequence[dict], groups: dict[str, str], avoid: Sequence[dict],
                 width_px: float = 400, font_px: float = 11) -> pd.DataFrame:
    """Names of the neighbouring municipalities and where to print them (lon, lat, text),
    so a reader can find their way ('Kerkrade is to the south-east'). Each name goes where
    its land is visible in the map frame and its text stays clear of the city (`avoid`); a
    name with no such place is left out. `groups`: context code -> group name."""
    frame = _rings(frame_of(avoid))[0]
    lon0, lat0 = min(p[0] for p in frame), max(p[1] for p in frame)
    k = math.cos(math.radians(sum(p[1] for p in frame) / len(frame)))
    span_x = (max(p[0] for p in frame) - lon0) * k
    px = width_px / span_x  # pixels per (cos-scaled) degree

    def to_px(ring):
        r = np.asarray(ring, dtype=float)
        return np.column_stack([(r[:, 0] - lon0) * k * px, (lat0 - r[:, 1]) * px])

    map_w = width_px
    map_h = (lat0 - min(p[1] for p in frame)) * px
    city = [to_px(r) for f in avoid for r in _rings(f)]
    gx, gy = np.meshgrid(np.arange(8, map_w - 8, 12.0), np.arange(20, map_h - 8, 12.0))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    by_name: dict[str, list[np.ndarray]] = {}
    for f in context:
        name = groups.get(str(f["properties"].get("code", "")))
        if name:
            by_name.setdefault(name, []).extend(to_px(r) for r in _rings(f))
    out = []
    for name, own in by_name.items():
        half = len(name) * (font_px * 0.72 + 1) / 2 + 4  # capitals, letter-spaced
        ok = np.zeros(len(grid), dtype=bool)
        for r in own:
            ok |= _inside(grid, r)
        ok &= (grid[:, 0] > half) & (grid[:, 0] < map_w - half)
        cand = grid[ok]
        if cand.size == 0:
            continue
        offsets = np.array([(dx * half, dy) for dx in (-1, -0.5, 0, 0.5, 1) for dy in (-4, 4)])
        samples = (cand[:, None, :] + offsets[None]).reshape(-1, 2)
        hit = np.zeros(len(samples), dtype=bool)
        for r in city:
            hit |= _inside(samples, r)
        cand = cand[~hit.reshape(len(cand), -1).any(axis=1)]
        if cand.size == 0:
            continue
        samples = (cand[:, None, :] + offsets[None]).reshape(-1, 2)
        gap = _distance_to_edges(samples, city).reshape(len(cand), -1).min(axis=1)
        if gap.max() < 6:
            continue
        centre = cand.mean(axis=0)
        score = np.minimum(gap, 30) - 0.02 * np.sqrt(((cand - centre) ** 2).sum(1))
        x, y = cand[int(np.argmax(score))]
        out.append({"lon": lon0 + x / px / k, "lat": lat0 - y / px, "text": name.upper()})
    return pd.DataFrame(out, columns=["lon", "lat", "text"])


def _inside(points: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Which points lie inside a closed ring (even-odd ray casting, vectorised)."""
    x, y = points[:, 0:1], points[:, 1:2]
    x1, y1 = ring[:-1, 0], ring[:-1, 1]
    x2, y2 = ring[1:, 0], ring[1:, 1]
    crosses = (y1 > y) != (y2 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
    return (crosses & (x < x_at)).sum(axis=1) % 2 == 1


def _distance_to_edges(points: np.ndarray, rings: list[np.ndarray]) -> np.ndarray:
    """Distance of each point to the nearest edge of any ring."""
    a = np.concatenate([r[:-1] for r in rings])
    b = np.concatenate([r[1:] for r in rings])
    ab = b - a
    length2 = np.maximum((ab ** 2).sum(1), 1e-12)
    t = np.clip(((points[:, None, :] - a[None]) * ab[None]).sum(-1) / length2, 0, 1)
    nearest = a[None] + t[..., None] * ab[None]
    return np.sqrt(((points[:, None, :] - nearest) ** 2).sum(-1)).min(axis=1)
