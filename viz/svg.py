"""Inline-SVG chart primitives for the run report: line chart, bar chart, choropleth map.

Why hand-made SVG: the report must be one offline HTML file that opens anywhere, on a
municipal laptop without internet, in ten years' time. So there is no JavaScript and no
chart library; each function here returns a string with one `<svg>` element, drawn in
pixel coordinates of its `viewBox` (the page scales it to the column width).

Conventions shared by all charts:
* every text that comes from data goes through `esc()` (html.escape), never raw;
* every mark (point, bar, area) carries a `<title>` child, which browsers show as a tooltip
  on hover, so the exact value is always one mouse move away;
* colours are given by the caller; `PALETTE` is a colour-blind-safe default (Okabe-Ito);
* a missing value (NaN) leaves a gap in a line and no bar, it is never drawn as zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

# Okabe & Ito (2008): distinguishable for the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
TEXT = "#222222"
MUTED = "#666666"
GRID = "#e3e3e3"
AXIS = "#888888"
FONT_SIZE = 12
TITLE_SIZE = 14
CHAR_WIDTH = 0.58  # average glyph width / font size for a sans-serif, to estimate text width


def esc(text) -> str:
    """Text made safe for HTML and SVG (element content and quoted attributes)."""
    return escape(str(text), quote=True)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Rough width of `text` in pixels: there is no font metrics without a browser, and an
    estimate is enough to lay out legends and margins."""
    return len(str(text)) * size * CHAR_WIDTH


def _num(v: float) -> str:
    """A coordinate with one decimal: enough for the screen, keeps the file small."""
    return f"{v:.1f}".rstrip("0").rstrip(".") if math.isfinite(v) else "0"


def _text(x: float, y: float, content: str, *, size: float = FONT_SIZE, anchor: str = "start",
          fill: str = TEXT, weight: str = "normal", extra: str = "") -> str:
    """One `<text>` element; lines separated by '\\n' become stacked `<tspan>`s."""
    lines = str(content).split("\n")
    attrs = (f'x="{_num(x)}" y="{_num(y)}" font-size="{size:g}" text-anchor="{anchor}" '
             f'fill="{fill}"' + (f' font-weight="{weight}"' if weight != "normal" else "")
             + (f" {extra}" if extra else ""))
    if len(lines) == 1:
        return f"<text {attrs}>{esc(lines[0])}</text>"
    spans = "".join(f'<tspan x="{_num(x)}" dy="{0 if i == 0 else size * 1.15:g}">{esc(line)}'
                    "</tspan>" for i, line in enumerate(lines))
    return f"<text {attrs}>{spans}</text>"


def _svg(width: float, height: float, label: str, body: list[str], css_class: str = "chart"
         ) -> str:
    """Wrap chart parts in an `<svg>` that scales with the page (viewBox, width 100%).
    No xmlns attribute: inline SVG in HTML5 does not need one, and the page stays free of
    any URL."""
    return (f'<svg class="{css_class}" '
            f'viewBox="0 0 {_num(width)} {_num(height)}" role="img" aria-label="{esc(label)}" '
            f'font-family="inherit">' + "".join(body) + "</svg>")


# --- axes -----------------------------------------------------------------------------------
def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) covering [lo, hi].

    Why: axis labels such as 0.35, 0.40, 0.45 are read at a glance; 0.3512, 0.4017 are not.
    The first tick is at or below `lo` and the last at or above `hi`. (No steps of 2.5:
    they would need one more digit than their neighbours, 42.5% next to 45%.)
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    first = math.floor(lo / step + 1e-9)
    last = math.ceil(hi / step - 1e-9)
    # round() removes float noise (0.30000000000000004); + 0.0 turns -0.0 into 0.0
    return [round(i * step, 12) + 0.0 for i in range(first, last + 1)]


def year_ticks(years: Sequence[int], max_labels: int = 8) -> list[int]:
    """Years to label on a time axis: every 1, 2, 5 or 10 years, at most `max_labels`."""
    years = [int(y) for y in years]
    if not years:
        return []
    lo, hi = min(years), max(years)
    for step in (1, 2, 5, 10, 20, 50):
        first = -(-lo // step) * step  # first multiple of step at or after lo
        ticks = list(range(first, hi + 1, step))
        if len(ticks) <= max_labels:
            return ticks or [lo]
    return [lo, hi]


def _value_range(values: list[np.ndarray], include_zero: bool, min_span: float
                 ) -> tuple[float, float]:
    """Smallest and largest finite value, widened to `min_span` around their middle (so
    sampling noise does not fill the whole chart height) and to zero if asked."""
    finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.empty(0)
    if finite.size == 0:
        lo, hi = 0.0, 1.0
    else:
        lo, hi = float(finite.min()), float(finite.max())
    if hi - lo < min_span:
        mid = (hi + lo) / 2
        lo, hi = mid - min_span / 2, mid + min_span / 2
        if finite.size and finite.min() >= 0 and lo < 0:  # do not invent negative values
            lo, hi = 0.0, hi - lo
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    return lo, hi


@dataclass
class Series:
    """One line (or one set of bars): a name for the legend, values, a colour, a style."""

    name: str
    values: Sequence[float]
    color: str
    dashed: bool = False
    dotted: bool = False


def _dash(s: Series) -> str:
    if s.dashed:
        return ' stroke-dasharray="7 4"'
    if s.dotted:
        return ' stroke-dasharray="2 3"'
    return ""


def legend(items: Sequence[tuple[str, str, str]], x: float, y: float, max_width: float
           ) -> tuple[list[str], float]:
    """Legend entries (name, colour, kind 'line'|'dashed'|'dotted'|'box') laid out in rows
    from (x, y); returns the SVG parts and the height used. Why rows: the legend sits
    above the plot, where the reader looks first, and wraps instead of overflowing."""
    parts, cx, cy, row_h = [], x, y, FONT_SIZE * 1.6
    for name, color, kind in items:
        w = 26 + text_width(name) + 16
        if cx > x and cx + w > x + max_width:
            cx, cy = x, cy + row_h
        mid = cy + row_h / 2
        if kind == "box":
            parts.append(f'<rect x="{_num(cx)}" y="{_num(mid - 6)}" width="18" height="12" '
                         f'fill="{color}" stroke="#ffffff"/>')
        else:
            dash = {"dashed": ' stroke-dasharray="7 4"', "dotted": ' stroke-dasharray="2 3"'
                    }.get(kind, "")
            parts.append(f'<line x1="{_num(cx)}" y1="{_num(mid)}" x2="{_num(cx + 20)}" '
                         f'y2="{_num(mid)}" stroke="{color}" stroke-width="2.5"{dash}/>')
        parts.append(_text(cx + 26, mid + FONT_SIZE * 0.35, name))
        cx += w
    return parts, (cy - y) + row_h if items else 0.0


def _legend_height(names: Sequence[str], max_width: float) -> float:
    """Height the legend will need, computed before drawing so the plot can start below."""
    _, h = legend([(n, "#000", "line") for n in names], 0, 0, max_width)
    return h


def _y_axis(ticks: list[float], ypix: Callable[[float], float], left: float, right: float,
            fmt: Callable[[float], str]) -> list[str]:
    """Horizontal grid lines with their labels on the left."""
    parts = []
    for t in ticks:
        y = ypix(t)
        parts.append(f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(right)}" y2="{_num(y)}" '
                     f'stroke="{GRID}"/>')
        parts.append(_text(left - 6, y + FONT_SIZE * 0.35, fmt(t), anchor="end", fill=MUTED))
    return parts


def _left_margin(ticks: list[float], fmt: Callable[[float], str], y_label: str) -> float:
    """Room for the widest tick label plus the rotated axis label, so they never touch."""
    widest = max((text_width(fmt(t)) for t in ticks), default=0.0)
    return widest + (34 if y_label else 14)


def _axis_labels(width: float, height: float, top: float, bottom_y: float, left: float,
                 x_label: str, y_label: str) -> list[str]:
    """The x-axis label centred under the plot and the y-axis label rotated on the left."""
    parts = []
    if x_label:
        parts.append(_text((left + width) / 2, height - 8, x_label, anchor="middle", fill=MUTED))
    if y_label:
        cy = (top + bottom_y) / 2
        parts.append(_text(14, cy, y_label, anchor="middle", fill=MUTED,
                           extra=f'transform="rotate(-90 14 {_num(cy)})"'))
    return parts


def _fmt(fmt: str | Callable[[float], str]) -> Callable[[float], str]:
    """A format string ('{:.0%}') or a function, as a function."""
    return fmt if callable(fmt) else (lambda v: fmt.format(v))


# --- line chart -----------------------------------------------------------------------------
def line_chart(x: Sequence[float], series: Sequence[Series], *, title: str, x_label: str = "",
               y_label: str = "", y_format: str | Callable = "{:.2f}",
               tick_format: str | Callable | None = None, width: float = 520,
               height: float = 300, include_zero: bool = False, min_span: float = 0.0,
               note: str = "") -> str:
    """Several series over a common x (years), with a legend above the plot.

    Every point is a circle with a tooltip ('2031, Wijk level: 0.412'). Points are hidden
    until hovered (CSS class `pt`) when there is a line to follow; a series with a single
    point, or a point between gaps, is drawn as a visible marker so it is never lost.
    `min_span` keeps the y-axis from zooming into noise; `note` is printed in the plot,
    e.g. to say that a one-year run has no trend.
    """
    xs = np.asarray(x, dtype=float)
    fmt, tfmt = _fmt(y_format), _fmt(tick_format or y_format)
    vals = [np.asarray(s.values, dtype=float) for s in series]
    lo, hi = _value_range(vals, include_zero, min_span)
    ticks = nice_ticks(lo, hi)
    y0, y1 = ticks[0], ticks[-1]
    left, right = _left_margin(ticks, tfmt, y_label), 18.0
    plot_w = width - left - right
    names = [s.name for s in series] if len(series) > 1 else []
    top = (30 if names else 36) + _legend_height(names, plot_w)
    bottom = 44 if x_label else 28
    bottom_y = height - bottom

    def ypix(v):
        return bottom_y - (v - y0) / (y1 - y0) * (bottom_y - top)

    x_lo, x_hi = (float(xs.min()), float(xs.max())) if xs.size else (0.0, 1.0)

    def xpix(v):
        if x_hi == x_lo:
            return left + plot_w / 2
        return left + 8 + (v - x_lo) / (x_hi - x_lo) * (plot_w - 16)

    parts = [_text(0, 16, title, size=TITLE_SIZE, weight="bold")]
    if names:  # one series needs no legend: the title names it
        leg, _ = legend([(s.name, s.color, "dashed" if s.dashed else "dotted" if s.dotted
                          else "line") for s in series], left, 24, plot_w)
        parts += leg
    parts += _y_axis(ticks, ypix, left, width - right, tfmt)
    parts.append(f'<line x1="{_num(left)}" y1="{_num(bottom_y)}" x2="{_num(width - right)}" '
                 f'y2="{_num(bottom_y)}" stroke="{AXIS}"/>')
    for t in year_ticks(xs.tolist()) if xs.size else []:
        px = xpix(t)
        parts.append(f'<line x1="{_num(px)}" y1="{_num(bottom_y)}" x2="{_num(px)}" '
                     f'y2="{_num(bottom_y + 4)}" stroke="{AXIS}"/>')
        parts.append(_text(px, bottom_y + 17, f"{t}", anchor="middle", fill=MUTED))
    parts += _axis_labels(width, height, top, bottom_y, left, x_label, y_label)
    for s, v in zip(series, vals, strict=True):
        parts += _line(xs, v, s, xpix, ypix, fmt)
    if note:
        parts.append(_text(left + plot_w / 2, top + 16, note, anchor="middle", fill=MUTED,
                           extra='font-style="italic"'))
    return _svg(width, height, title, parts)


def _line(xs: np.ndarray, v: np.ndarray, s: Series, xpix, ypix, fmt) -> list[str]:
    """The path of one series (broken at NaN) and its hoverable points."""
    parts, path, pen_down = [], [], False
    finite = np.isfinite(v)
    for i, (xv, yv) in enumerate(zip(xs, v, strict=True)):
        if not finite[i]:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{_num(xpix(xv))} {_num(ypix(yv))}")
        pen_down = True
    if path:
        parts.append(f'<path d="{"".join(path)}" fill="none" stroke="{s.color}" '
                     f'stroke-width="2.2" stroke-linejoin="round"{_dash(s)}/>')
    for i, (xv, yv) in enumerate(zip(xs, v, strict=True)):
        if not finite[i]:
            continue
        alone = not ((i > 0 and finite[i - 1]) or (i + 1 < v.size and finite[i + 1]))
        cls = "pt solo" if alone else "pt"
        parts.append(f'<circle class="{cls}" cx="{_num(xpix(xv))}" cy="{_num(ypix(yv))}" '
                     f'r="{4.5 if alone else 4}" fill="{s.color}"><title>'
                     f'{esc(f"{xv:g}, {s.name}: {fmt(yv)}")}</title></circle>')
    return parts


# --- bar chart ------------------------------------------------------------------------------
def bar_chart(categories: Sequence[str], series: Sequence[Series], *, title: str,
              y_label: str = "", x_label: str = "", y_format: str | Callable = "{:,.0f}",
              tick_format: str | Callable | None = None, stacked: bool = False,
              show_values: bool = False, width: float = 520, height: float = 300) -> str:
    """Bars per category, one bar per series side by side (grouped) or on top of each
    other (stacked). Category labels may contain '\\n' to wrap. Negative values hang below
    the zero line. With `show_values`, each bar is labelled with its value, useful where
    the numbers themselves are the message (shares of a distribution)."""
    fmt, tfmt = _fmt(y_format), _fmt(tick_format or y_format)
    vals = np.array([np.asarray(s.values, dtype=float) for s in series]).reshape(
        len(series), len(categories))
    if stacked:
        clean = np.nan_to_num(vals)
        extent = [np.where(clean > 0, clean, 0).sum(0), np.where(clean < 0, clean, 0).sum(0)]
    else:
        extent = list(vals)
    lo, hi = _value_range(extent, True, 0.0)
    ticks = nice_ticks(lo, hi)
    y0, y1 = ticks[0], ticks[-1]
    left, right = _left_margin(ticks, tfmt, y_label), 12.0
    plot_w = width - left - right
    top = 30 + _legend_height([s.name for s in series], plot_w) + (12 if show_values else 0)
    label_lines = max((str(c).count("\n") + 1 for c in categories), default=1)
    bottom = 14 + label_lines * FONT_SIZE * 1.15 + (22 if x_label else 0)
    bottom_y = height - bottom

    def ypix(v):
        return bottom_y - (v - y0) / (y1 - y0) * (bottom_y - top)

    parts = [_text(0, 16, title, size=TITLE_SIZE, weight="bold")]
    leg, _ = legend([(s.name, s.color, "box") for s in series], left, 24, plot_w)
    parts += leg
    parts += _y_axis(ticks, ypix, left, width - right, tfmt)
    group_w = plot_w / max(len(categories), 1)
    inner = group_w * 0.78
    bar_w = inner if stacked else inner / max(len(series), 1)
    for c, cat in enumerate(categories):
        gx = left + c * group_w + (group_w - inner) / 2
        up = down = 0.0
        for k, s in enumerate(series):
            v = vals[k, c]
            if not math.isfinite(v):
                continue
            if stacked:
                base = up if v >= 0 else down
                a, b = base, base + v
                if v >= 0:
                    up = b
                else:
                    down = b
                bx = gx
            else:
                a, b, bx = 0.0, v, gx + k * bar_w
            y_top, y_bot = ypix(max(a, b)), ypix(min(a, b))
            tip = esc(f"{s.name}, {' '.join(str(cat).split())}: {fmt(v)}")
            parts.append(f'<rect class="bar" x="{_num(bx + 0.5)}" y="{_num(y_top)}" '
                         f'width="{_num(max(bar_w - 1, 1))}" height="{_num(max(y_bot - y_top, 0))}'
                         f'" fill="{s.color}"><title>{tip}</title></rect>')
            if show_values and not stacked:
                ty = y_top - 4 if v >= 0 else y_bot + FONT_SIZE
                parts.append(_text(bx + bar_w / 2, ty, fmt(v), size=FONT_SIZE - 1,
                                   anchor="middle", fill=TEXT))
        parts.append(_text(left + (c + 0.5) * group_w, bottom_y + 16, cat, anchor="middle"))
    parts.append(f'<line x1="{_num(left)}" y1="{_num(ypix(0))}" x2="{_num(width - right)}" '
                 f'y2="{_num(ypix(0))}" stroke="{AXIS}"/>')
    parts += _axis_labels(width, height, top, bottom_y, left, x_label, y_label)
    return _svg(width, height, title, parts)


# --- choropleth map -------------------------------------------------------------------------
@dataclass
class Shape:
    """One area to draw: its code, its name and its rings of (lon, lat) points."""

    code: str
    name: str
    rings: list[list[tuple[float, float]]]


def shapes_from_geojson(geojson: dict) -> list[Shape]:
    """Polygons and multipolygons of a GeoJSON FeatureCollection as `Shape`s (properties
    `code` and `name`); holes are kept as extra rings and drawn with the even-odd rule."""
    shapes = []
    for feature in geojson.get("features", []):
        geom = feature.get("geometry") or {}
        props = feature.get("properties") or {}
        if geom.get("type") == "Polygon":
            polygons = [geom["coordinates"]]
        elif geom.get("type") == "MultiPolygon":
            polygons = geom["coordinates"]
        else:
            continue
        rings = [[(float(p[0]), float(p[1])) for p in ring] for poly in polygons for ring in poly]
        shapes.append(Shape(str(props.get("code", feature.get("id", ""))),
                            str(props.get("name", "")), rings))
    return shapes


class Projection:
    """Equirectangular projection scaled by cos(latitude), fitted to a bounding box.

    Why this one: over a city of 10 km the earth is flat enough; stretching longitude by
    cos(mean latitude) keeps distances east-west and north-south in proportion (at 51 N a
    degree of longitude is only 0.63 of a degree of latitude). North is up.
    """

    def __init__(self, shapes: Sequence[Shape], width: float, height: float, pad: float = 6):
        pts = np.array([p for s in shapes for ring in s.rings for p in ring], dtype=float)
        self.lon0, self.lat0 = pts[:, 0].min(), pts[:, 1].max()
        self.k_lon = math.cos(math.radians(float(pts[:, 1].mean())))
        w = (pts[:, 0].max() - self.lon0) * self.k_lon
        h = self.lat0 - pts[:, 1].min()
        self.scale = min((width - 2 * pad) / w, (height - 2 * pad) / h)
        self.dx = pad + ((width - 2 * pad) - w * self.scale) / 2
        self.dy = pad + ((height - 2 * pad) - h * self.scale) / 2

    @staticmethod
    def aspect(shapes: Sequence[Shape]) -> float:
        """Height / width of the shapes' bounding box once projected."""
        pts = np.array([p for s in shapes for ring in s.rings for p in ring], dtype=float)
        k = math.cos(math.radians(float(pts[:, 1].mean())))
        return (np.ptp(pts[:, 1])) / (np.ptp(pts[:, 0]) * k)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.dx + (lon - self.lon0) * self.k_lon * self.scale,
                self.dy + (self.lat0 - lat) * self.scale)

    def path(self, shape: Shape) -> str:
        """SVG path data of all rings of a shape."""
        out = []
        for ring in shape.rings:
            pts = [self(lon, lat) for lon, lat in ring]
            out.append("M" + "L".join(f"{_num(x)} {_num(y)}" for x, y in pts) + "Z")
        return "".join(out)

    def label_point(self, shape: Shape) -> tuple[float, float]:
        """Where to put a label: the area centroid of the shape's largest ring."""
        best, best_area = (0.0, 0.0), -1.0
        for ring in shape.rings:
            p = np.array([self(lon, lat) for lon, lat in ring])
            x, y = p[:, 0], p[:, 1]
            cross = x[:-1] * y[1:] - x[1:] * y[:-1]
            area = cross.sum() / 2
            if abs(area) < 1e-9:
                c = (float(x.mean()), float(y.mean()))
            else:
                c = (float(((x[:-1] + x[1:]) * cross).sum() / (6 * area)),
                     float(((y[:-1] + y[1:]) * cross).sum() / (6 * area)))
            if abs(area) > best_area:
                best, best_area = c, abs(area)
        return best


_LABEL_CACHE: dict[tuple, list[str]] = {}
HATCH = "hatch"  # a fill value that draws grey diagonal hatching (areas that do not count)


def choropleth(shapes: Sequence[Shape], fills: dict[str, str], tooltips: dict[str, str], *,
               title: str, legend_items: Sequence[tuple[str, str]], ident: str,
               labels: dict[str, str] | None = None, context: Sequence[Shape] = (),
               context_tooltip: Callable[[Shape], str] | None = None,
               context_groups: dict[str, str] | None = None, width: float = 440,
               css_class: str = "area") -> str:
    """A map of `shapes` coloured by `fills[code]` (a colour or `HATCH`), each with a
    tooltip and an optional label, over light grey `context` shapes (the neighbours,
    clipped to the map frame) named per group (`context_groups`: code -> group name).

    `ident` must be unique in the page: it names the clip path and the hatch pattern.
    The legend (colour, text) is drawn under the map, one entry per row.
    """
    map_w = width
    pad = map_w * 0.07  # a margin of neighbouring land around the city, for orientation
    map_h = round((map_w - 2 * pad) * Projection.aspect(shapes) + 2 * pad)
    proj = Projection(shapes, map_w, map_h, pad=pad)
    legend_h = 10 + len(legend_items) * 20
    top = 28
    height = top + map_h + legend_h
    clip, hatch = f"clip-{ident}", f"hatch-{ident}"

    def paint(fill: str) -> str:
        return f"url(#{esc(hatch)})" if fill == HATCH else fill

    parts = [_text(0, 16, title, size=TITLE_SIZE, weight="bold"),
             f'<defs><clipPath id="{esc(clip)}"><rect x="0" y="0" width="{_num(map_w)}" '
             f'height="{_num(map_h)}"/></clipPath><pattern id="{esc(hatch)}" width="6" '
             'height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
             '<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" '
             'stroke="#b0b0b0" stroke-width="2"/></pattern></defs>',
             f'<g transform="translate(0 {top})"><g clip-path="url(#{esc(clip)})">',
             f'<rect x="0" y="0" width="{_num(map_w)}" height="{_num(map_h)}" fill="#fbfbfb"/>']
    for s in context:
        tip = context_tooltip(s) if context_tooltip else s.name
        parts.append(f'<path class="context" d="{proj.path(s)}" fill="#ededed" stroke="#fbfbfb" '
                     f'stroke-width="0.8" fill-rule="evenodd"><title>{esc(tip)}</title></path>')
    key = (tuple((s.code, tuple(map(tuple, s.rings))) for s in (*shapes, *context)),
           tuple(sorted((context_groups or {}).items())), map_w, map_h)
    if key not in _LABEL_CACHE:  # the same frame twice on a page (two maps): place once
        _LABEL_CACHE[key] = _group_labels(context, context_groups or {}, proj, map_w, map_h,
                                          shapes)
    parts += _LABEL_CACHE[key]
    for s in shapes:
        parts.append(f'<path class="{esc(css_class)}" data-code="{esc(s.code)}" '
                     f'd="{proj.path(s)}" fill="{paint(fills.get(s.code, HATCH))}" '
                     'stroke="#ffffff" stroke-width="1.2" fill-rule="evenodd"><title>'
                     f'{esc(tooltips.get(s.code, s.name))}</title></path>')
    for s in shapes:
        if labels and labels.get(s.code):
            x, y = proj.label_point(s)
            parts.append(_text(x, y + 4, labels[s.code], size=10.5, anchor="middle",
                               weight="bold", extra='class="maplabel" pointer-events="none"'))
    parts.append(f'</g><rect x="0.5" y="0.5" width="{_num(map_w - 1)}" height="{_num(map_h - 1)}"'
                 f' fill="none" stroke="#cfd4da"/></g>')
    y = top + map_h + 12
    for color, text in legend_items:
        parts.append(f'<rect x="2" y="{_num(y)}" width="16" height="12" fill="{paint(color)}" '
                     f'stroke="#999999" stroke-width="0.5"/>')
        parts.append(_text(24, y + 10, text))
        y += 20
    return _svg(width, height, title, parts, css_class="map")


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


def _group_labels(context: Sequence[Shape], groups: dict[str, str], proj: Projection,
                  map_w: float, map_h: float, avoid: Sequence[Shape]) -> list[str]:
    """Names of the neighbouring municipalities, so a reader can find their way ('Kerkrade
    is to the south-east'). Each name goes where its land is visible in the frame and its
    text stays clear of the city (`avoid`); a name with no such place is left out."""
    def rings(shape):
        return [np.array([proj(lon, lat) for lon, lat in ring]) for ring in shape.rings]

    city = [r for s in avoid for r in rings(s)]
    gx, gy = np.meshgrid(np.arange(8, map_w - 8, 12.0), np.arange(20, map_h - 8, 12.0))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    by_name: dict[str, list[np.ndarray]] = {}
    for s in context:
        if groups.get(s.code):
            by_name.setdefault(groups[s.code], []).extend(rings(s))
    parts = []
    for name, own in by_name.items():
        half = len(name) * (11 * 0.72 + 1) / 2 + 4  # capitals, letter-spaced: wide glyphs
        ok = np.zeros(len(grid), dtype=bool)
        for r in own:
            ok |= _inside(grid, r)
        ok &= (grid[:, 0] > half) & (grid[:, 0] < map_w - half)
        cand = grid[ok]
        if cand.size == 0:
            continue
        # five points along the text's baseline and its middle must stay off the city
        offsets = np.array([(dx * half, dy) for dx in (-1, -0.5, 0, 0.5, 1) for dy in (-4, 0)])
        samples = (cand[:, None, :] + offsets[None]).reshape(-1, 2)
        hit = np.zeros(len(samples), dtype=bool)
        for r in city:
            hit |= _inside(samples, r)
        cand = cand[~hit.reshape(len(cand), -1).any(axis=1)]  # text would cover the city
        if cand.size == 0:
            continue
        samples = (cand[:, None, :] + offsets[None]).reshape(-1, 2)
        gap = _distance_to_edges(samples, city).reshape(len(cand), -1).min(axis=1)
        if gap.max() < 6:
            continue
        centre = cand.mean(axis=0)
        score = np.minimum(gap, 30) - 0.02 * np.sqrt(((cand - centre) ** 2).sum(1))
        x, y = cand[int(np.argmax(score))]
        parts.append(_text(x, y, name.upper(), size=11, anchor="middle", fill="#9a9a9a",
                           extra='letter-spacing="1" pointer-events="none"'))
    return parts
