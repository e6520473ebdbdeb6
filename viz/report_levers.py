"""The report's policy parts: which levers are on and how, what they did to the stock and to
the households they displaced, and how the run differs from a baseline run.

Kept apart from `viz/report.py` so that the page's general sections and these change
independently; `build_report` calls them:
  - `levers_section`: the active levers with their schedule and settings (or, only when
    none is on, a line saying so);
  - `headline_cards`: vacancy and displacement beside the other headline figures;
  - `baseline_section`: with `run --baseline`, the key indicators at 2030, 2040 and 2050 in
    both runs and their difference, and maps of the differences per wijk in the last year.
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

DIFF_YEARS = (2030, 2040, 2050)


def esc(text) -> str:
    return escape(str(text), quote=True)


def _r():
    from viz import report

    return report


# --- the levers -----------------------------------------------------------------------------
def levers_section(results) -> str:
    """The levers that are on in this run, each with its label, schedule and settings."""
    from model import levers
    from model.register import REGISTER

    r, p = _r(), results.params
    on = levers.active(p)
    if not on:
        body = ('<p class="note">No policy levers are on in this run: the housing market '
                "sorts households on its own (the national allocation rules apply as "
                "always).</p>")
        return r._section("levers", "Policy levers", "", body)  # unnumbered, under the header
    rows = []
    for lever in on:
        settings = levers.settings(p, lever)
        start, end = settings.pop(f"{lever}_start", None), settings.pop(f"{lever}_end", None)
        when = f"{start}–{end}" if start is not None else "every year"
        shown = "; ".join(f"{REGISTER[k].label('en')} = {_value(v, REGISTER[k].unit)}"
                          for k, v in settings.items())
        rows.append(f"<tr><td><b>{esc(levers.label(lever))}</b><br><span class=\"nl\">"
                    f"{esc(levers.label(lever, 'nl'))}</span></td><td>{esc(when)}</td>"
                    f"<td>{esc(shown)}</td></tr>")
    table = ('<table class="levers"><thead><tr><th>lever</th><th>years</th><th>settings</th>'
             "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    intro = (f"Policy package <b>{esc(results.policy)}</b>: the levers that are on, in the "
             "order the model applies them each year, with the years they act and every "
             "setting (docs/LEVERS.md explains each lever and what it does in the model).")
    return r._section("levers", "Policy levers", intro, table)


def _value(v, unit: str) -> str:
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, tuple):
        return "[" + ", ".join(f"{x:,g}" for x in v) + "]"
    if isinstance(v, float) and unit.startswith("share"):
        return f"{v:.0%}" if v * 100 == round(v * 100) else f"{v:.1%}"
    if isinstance(v, int | float):
        return f"{v:,g}"
    return str(v) or "(none)"


# --- headline -------------------------------------------------------------------------------
def headline_cards(cf: pd.DataFrame) -> list[str]:
    """Vacancy (start and end) and the households displaced over the run: by levers, and by
    private landlords splitting dwellings (which they do without policy too)."""
    r = _r()
    if "vacancy" not in cf.columns:  # results written before these columns existed
        return []
    first, last = cf.iloc[0], cf.iloc[-1]
    single = len(cf) == 1
    cards = [r._card("Vacancy", r._from_to(r._pct(first["vacancy"], 1),
                                           r._pct(last["vacancy"], 1), single),
                     "share of dwellings standing empty at the end of the year")]
    displaced = int(cf["displaced"].sum())
    if displaced:
        out, up = int(cf["displaced_out_of_city"].sum()), int(cf["displaced_cost_up"].sum())
        detail = (f"households that had to move (demolition, sale, splitting, city "
                  f"marriages); {r._pct(out / displaced)} left the city, "
                  f"{r._pct(up / displaced)} pay more")
    else:
        detail = "households that had to move: none in this run"
    cards.append(r._card("Displaced", r._int(displaced), esc(detail)))
    return cards


# --- differences against a baseline ---------------------------------------------------------
INDICATORS = (  # column (or derived key), label, kind
    ("households", "Households", "int"),
    ("inhabitants", "Inhabitants", "int"),
    ("dissimilarity", "Segregation D (wijken)", "dec"),
    ("theil_h", "Segregation H (wijken)", "dec"),
    ("wijken_in_band", "Wijken in the corporation band", "int"),
    ("corp_share", "Corporation share of the city", "pct"),
    ("vacancy", "Vacancy", "pct"),
    ("max_buurt_vulnerable_share", "Highest vulnerable share of a buurt", "pct"),
    ("fit_middle", "Middle incomes in a fitting dwelling", "pct"),
    ("fit_high", "High incomes in a fitting dwelling", "pct"),
    ("cum:out_middle+out_high_afford+out_high", "Middle and high incomes left (since start)",
     "int"),
    ("cum:displaced", "Displaced (since start)", "int"),
    ("cum:displaced_out_of_city", "... of whom left the city", "int"),
)


def _value_at(cf: pd.DataFrame, key: str, year: int) -> float:
    rows = cf[cf["year"] <= year]
    if key.startswith("cum:"):
        cols = key[4:].split("+")
        if not all(c in cf.columns for c in cols):
            return math.nan
        return float(rows[cols].sum().sum())
    if key not in cf.columns or rows.empty:
        return math.nan
    return float(rows[key].iloc[-1])


def _show(value: float, kind: str, signed: bool = False) -> str:
    r = _r()
    if not math.isfinite(value):
        return "–"
    if kind == "pct":
        return (r._signed(value * 100, "{:.1f}") + " pt") if signed else r._pct(value, 1)
    if kind == "dec":
        return r._signed(value, "{:.3f}") if signed else r._dec(value)
    return r._signed(value) if signed else r._int(value)


def baseline_section(results, baseline, wf: pd.DataFrame) -> str:
    """Key indicators of this run and the baseline at 2030, 2040 and 2050, their
    differences, and maps of the differences per wijk in the last year."""
    r = _r()
    cf, bf = results.city, baseline.city
    years = [y for y in DIFF_YEARS if y in set(cf["year"]) and y in set(bf["year"])]
    if not years:
        years = [int(min(cf["year"].max(), bf["year"].max()))]
    head = "".join(f'<th colspan="3">{y}</th>' for y in years)
    sub = "".join("<th>this run</th><th>baseline</th><th>difference</th>" for _ in years)
    rows = []
    for key, label, kind in INDICATORS:
        cells = []
        for y in years:
            a, b = _value_at(cf, key, y), _value_at(bf, key, y)
            cells.append(f"<td>{_show(a, kind)}</td><td>{_show(b, kind)}</td>"
                         f"<td><b>{_show(a - b, kind, signed=True)}</b></td>")
        rows.append(f"<tr><td>{esc(label)}</td>{''.join(cells)}</tr>")
    table = (f'<table class="diff"><thead><tr><th rowspan="2">indicator</th>{head}</tr>'
             f"<tr>{sub}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    intro = (f"This run (policy <b>{esc(results.policy)}</b>) against the baseline "
             f"(policy <b>{esc(baseline.policy)}</b>): the same scenario, seed and settings, "
             "without this run's levers. A difference is this run minus the baseline. One "
             "seed: differences of a few households or a few thousandths of an index can be "
             "chance; compare several seeds before drawing conclusions.")
    maps = _difference_maps(results, baseline, wf)
    return r._section("baseline", "9. Differences against the baseline", intro,
                      table + maps)


def _difference_maps(results, baseline, wf: pd.DataFrame) -> str:
    from viz import charts, figures

    r = _r()
    city = results.geography
    if not city.geojson_path("wijken").is_file():
        return ""
    year = int(min(wf["year"].max(), baseline.wijken["year"].max()))
    figs = []
    for column, caption in (
        ("corp_share", "How much the corporation share of each wijk differs from the "
         "baseline, in percentage points: <b>blue wijken have fewer corporation dwellings than "
         "without the levers, red more</b>."),
        ("low_income_share", "How much the share of lowest-income households of each wijk "
         "differs from the baseline, in percentage points: <b>blue wijken have fewer "
         "low-income households than without the levers, red more</b>."),
    ):
        chart = figures.difference_map(wf, baseline.wijken, city, column, year,
                                       scale=float(results.params.scale), width=400)
        figs.append(r._figure(charts.to_svg(chart, css_class="map"),
                              caption + " Labels give the difference in points."))
    return '<div class="grid maps">' + "".join(figs) + "</div>"


CSS = """
table.levers { width: 100%; font-size: 14px; }
table.levers td, table.levers th { text-align: left; vertical-align: top; }
table.levers span.nl { color: var(--muted); font-size: 12.5px; }
table.diff { font-size: 13.5px; margin-bottom: 18px; }
table.diff th { text-align: center; }
"""
