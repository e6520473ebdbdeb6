"""The batch report (DIR/report.html) and the sensitivity page (DIR/sensitivity.html).

A batch is read from its store (`experiments.store.BatchStore`), never from live models. Its
runs are grouped by scenario, policy package and design point; each group is shown as the
median over its replications with the 90% band (5th to 95th percentile), because a policy is
judged by its distribution over seeds, not by one run:

  1. the key indicators through time, all groups in one chart per indicator;
  2. a table of 2030, 2040 and 2050 with the median and the 90% interval;
  3. differences against a chosen baseline group, paired by replication (replication r has
     the same seed in every group, so the difference is the policy's effect on the same
     random draws), with how often the group is above the baseline;
  4. maps per wijk of each group's median in the last year.

Charts come from `viz.figures` (the one chart layer), rendered to static SVG: one offline
file, like the run report.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.results import OutputError
from experiments.store import BatchStore
from viz import charts, figures
from viz.report import CSS, _figure, _section, esc

BAND = "median (5th–95th percentile)"
KEY_YEARS = (2030, 2040, 2050)


def _indicators(city: pd.DataFrame) -> dict[str, dict]:
    """The key indicators: column -> how to show it (only those the batch recorded)."""
    out = {
        "dissimilarity": dict(title="Segregation: dissimilarity D, low vs high incomes",
                              y="index D (0–1)", fmt=".3f", axis=".2f", span=0.05),
        "theil_h": dict(title="Segregation: Theil's H over the five income classes",
                        y="index H (0–1)", fmt=".3f", axis=".2f", span=0.03),
        "wijken_in_band": dict(title="Wijken in the 21–51% corporation band", y="wijken",
                               fmt=",.0f", axis=",.0f", zero=True),
        "households": dict(title="Households", y="households", fmt=",.0f", axis=",.0f"),
        "out_middle_high": dict(title="Middle and high incomes leaving the city, per year",
                                y="households per year", fmt=",.0f", axis=",.0f", zero=True),
        "unmet_demand": dict(title="Unmet demand (households that found no dwelling)",
                             y="households per year", fmt=",.0f", axis=",.0f", zero=True),
        "vacancy": dict(title="Vacant dwellings", y="share of dwellings", fmt=".1%",
                        axis=".1%", zero=True),
        "displaced": dict(title="Households that had to move (displaced), per year",
                          y="households per year", fmt=",.0f", axis=",.0f", zero=True),
    }
    return {k: v for k, v in out.items() if k in city.columns}


def _derived(city: pd.DataFrame) -> pd.DataFrame:
    city = city.copy()
    city["out_middle_high"] = city[["out_middle", "out_high_afford", "out_high"]].sum(axis=1)
    city["vacancy"] = city["vacant_dwellings"] / city["dwellings"]
    first = city["year"] == city.groupby("run")["year"].transform("min")
    for flow in ("out_middle_high", "unmet_demand", "displaced"):
        if flow in city.columns:  # the start year has no flows
            city.loc[first, flow] = np.nan
    return city


class Batch:
    """A batch's saved runs, grouped: `groups` maps a label to its runs table rows."""

    def __init__(self, folder: str | Path):
        self.store = BatchStore(folder)
        if not (self.store.folder / "batch.json").is_file():
            raise OutputError(f"{folder}: not a batch folder (no batch.json); batch folders "
                              "are written by 'sorteermachine batch SPEC --out DIR'")
        self.info = json.loads((self.store.folder / "batch.json").read_text())
        runs = self.store.runs()
        self.failed = runs[runs["status"] != "ok"]
        self.runs = runs[runs["status"] == "ok"].copy()
        if self.runs.empty:
            raise OutputError(f"{folder}: the batch has no finished runs yet")
        self.city = _derived(self.store.city())
        self.runs["group"] = self._labels(self.runs)
        self.groups = list(dict.fromkeys(self.runs["group"]))
        self.first = self.store.results(int(self.runs["run"].iloc[0]))

    @staticmethod
    def _labels(runs: pd.DataFrame) -> list[str]:
        known = {"run", "scenario", "policy", "point", "replication", "seed", "until",
                 "scenario_hash", "params", "version", "status", "error", "meta", "seconds",
                 "worker", "chunk", "finished"}
        varied = [c for c in runs.columns if c not in known]
        labels = []
        for _, r in runs.iterrows():
            label = f"{r['scenario']} / {r['policy'].removesuffix('.toml').split('/')[-1]}"
            if varied and runs["point"].nunique() > 1:
                label += " / " + ", ".join(f"{c}={_short(r[c])}" for c in varied)
            labels.append(label)
        return labels

    def frames(self, group: str, table: pd.DataFrame | None = None) -> list[pd.DataFrame]:
        """One frame per run of the group (sorted by replication)."""
        table = self.city if table is None else table
        rows = self.runs[self.runs["group"] == group].sort_values("replication")
        by_run = dict(tuple(table.groupby("run")))
        return [by_run[r].drop(columns="run").reset_index(drop=True) for r in rows["run"]]

    def values(self, group: str, column: str, year: int) -> pd.Series:
        """The column in `year` per replication of the group."""
        rows = self.runs[self.runs["group"] == group][["run", "replication"]]
        city = self.city[self.city["year"] == year][["run", column]]
        return rows.merge(city, on="run").set_index("replication")[column].sort_index()


def _short(v) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def _interval(values: pd.Series, fmt: str) -> str:
    v = values.dropna().to_numpy(float)
    if v.size == 0:
        return "–"
    med, lo, hi = np.median(v), np.quantile(v, 0.05), np.quantile(v, 0.95)
    return (f"{charts._fmt(med, fmt)}<br><span class=\"ci\">{charts._fmt(lo, fmt)} to "
            f"{charts._fmt(hi, fmt)}</span>")


def _years(batch: Batch) -> list[int]:
    years = sorted(batch.city["year"].unique())
    keep = [y for y in KEY_YEARS if y in years]
    return keep or [int(years[-1])]


def _header(batch: Batch) -> str:
    n = batch.runs.groupby("group").size()
    reps = f"{n.min()}" if n.min() == n.max() else f"{n.min()}–{n.max()}"
    seeds = sorted(batch.runs["seed"].unique())
    facts = [("Runs", f"{len(batch.runs):,} finished" + (f", {len(batch.failed)} failed"
                                                         if len(batch.failed) else "")),
             ("Groups", str(len(batch.groups))), ("Replications per group", reps),
             ("Seeds", f"{seeds[0]}–{seeds[-1]}" if len(seeds) > 1 else str(seeds[0])),
             ("Scale", f"{batch.first.params.scale:g}"),
             ("Version", str(batch.runs["version"].iloc[0]))]
    dl = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in facts)
    name = batch.info.get("name") or batch.store.folder.name
    return (f"<header><h1>Batch {esc(name)}: {len(batch.groups)} scenario and policy "
            f"combination(s)</h1><p class=\"sub\">Every figure is the {BAND} over the "
            f"replications of each combination: half of the runs lie above the line, 90% "
            "inside the band. Replication r has the same seed in every combination, so "
            "differences between combinations are not differences of luck.</p>"
            f'<dl class="facts">{dl}</dl></header>')


def _over_time(batch: Batch, indicators: dict[str, dict]) -> str:
    groups = {g: batch.frames(g) for g in batch.groups}
    figs = []
    for column, how in indicators.items():
        if all(f[column].isna().all() for fs in groups.values() for f in fs):
            continue
        chart = figures.group_chart(
            groups, column, title=how["title"], y_title=how["y"], y_format=how["axis"],
            tip_format=how["fmt"], zero=how.get("zero", False),
            min_span=how.get("span", 0.0), width=430, height=210)
        figs.append(_figure(charts.to_svg(chart), f"{esc(how['title'])}: the line is the "
                            "median over the replications, the shaded band the 5th to 95th "
                            "percentile."))
    return _section("time", "1. Key indicators over time",
                    "One line per scenario and policy combination.",
                    f'<div class="grid">{"".join(figs)}</div>')


def _table(batch: Batch, indicators: dict[str, dict], years: list[int]) -> str:
    head = "<tr><th>indicator</th><th>combination</th>" + "".join(
        f"<th>{y}</th>" for y in years) + "</tr>"
    rows = []
    for column, how in indicators.items():
        for i, group in enumerate(batch.groups):
            cells = "".join(f"<td>{_interval(batch.values(group, column, y), how['fmt'])}</td>"
                            for y in years)
            first = esc(how["title"]) if i == 0 else ""
            rows.append(f"<tr><td>{first}</td><td>{esc(group)}</td>{cells}</tr>")
    return _section("years", f"2. {', '.join(map(str, years))}",
                    "Each cell: the median over the replications, and below it the 90% "
                    "interval (5th to 95th percentile).",
                    f'<table class="batch"><thead>{head}</thead><tbody>{"".join(rows)}'
                    "</tbody></table>")


def _differences(batch: Batch, indicators: dict[str, dict], years: list[int],
                 baselines: dict[str, str], described: str) -> str:
    """Each group minus its baseline group (`baselines`), replication by replication."""
    if not baselines:
        return ""
    head = "<tr><th>indicator</th><th>combination</th><th>baseline</th>" + "".join(
        f"<th>{y}</th>" for y in years) + "<th>above baseline</th></tr>"
    rows = []
    for column, how in indicators.items():
        fmt = "+" + how["fmt"].lstrip("+")
        for i, (group, base) in enumerate(baselines.items()):
            cells, above = [], ""
            for y in years:
                diff = (batch.values(group, column, y) - batch.values(base, column, y)
                        ).dropna()
                cells.append(f"<td>{_interval(diff, fmt)}</td>")
                if y == years[-1] and len(diff):
                    above = f"{(diff > 0).mean():.0%} of {len(diff)}"
            first = esc(how["title"]) if i == 0 else ""
            rows.append(f"<tr><td>{first}</td><td>{esc(group)}</td><td>{esc(base)}</td>"
                        f"{''.join(cells)}<td>{above}</td></tr>")
    intro = (f"Each combination minus {described}, replication by replication (same seed): "
             f"the {BAND} of those differences, and in how many replications the combination "
             f"is above the baseline in {years[-1]}.")
    return _section("differences", "3. Differences against the baseline", intro,
                    f'<table class="batch"><thead>{head}</thead><tbody>{"".join(rows)}'
                    "</tbody></table>")


def _policy_of(group: str) -> str:
    return group.split(" / ")[1]


def _baselines(batch: Batch, baseline: str | None) -> tuple[dict[str, str], str]:
    """Which group each other group is compared with, and the words that say so.

    `baseline` is a combination ('base / no-policy', or 'base/no-policy'; a scenario alone
    takes its first combination), or a policy package alone ('no-policy'): then every group
    is compared with the same scenario (and design point) under that package. None: the
    batch's first combination."""
    groups = batch.groups
    if baseline is None:
        baseline = groups[0]
    wanted = " / ".join(part.strip() for part in baseline.split("/"))
    if any(_policy_of(g) == wanted for g in groups):
        pairs = {}
        for g in groups:
            parts = g.split(" / ")
            base = " / ".join([parts[0], wanted, *parts[2:]])
            if _policy_of(g) != wanted and base in groups:
                pairs[g] = base
        return pairs, f"the same scenario under <b>{esc(wanted)}</b>"
    matches = [g for g in groups if g == wanted or g.startswith(wanted + " /")]
    if not matches:
        policies = sorted({_policy_of(g) for g in groups})
        raise OutputError(f"--baseline {baseline!r}: no such combination or policy package; "
                          "the batch has the combinations "
                          + "; ".join(repr(g) for g in groups)
                          + " and the policy packages " + ", ".join(map(repr, policies)))
    return ({g: matches[0] for g in groups if g != matches[0]},
            f"the baseline <b>{esc(matches[0])}</b>")


def _median_areas(frames: list[pd.DataFrame], code: str) -> pd.DataFrame:
    both = pd.concat(frames, ignore_index=True)
    keys = ["year", code]
    names = both.groupby(keys, sort=True).first().select_dtypes(exclude="number")
    numbers = both.groupby(keys, sort=True).median(numeric_only=True)
    return pd.concat([names, numbers], axis=1).reset_index()


def _maps(batch: Batch, lang: str) -> str:
    wijken = batch.store.wijken()
    city, scale = batch.first.geography, float(batch.first.params.scale)
    year = int(wijken["year"].max())
    figs = []
    for group in batch.groups:
        median = _median_areas(batch.frames(group, wijken), "wijk_code")
        for indicator in ("low_income_share", "corp_share"):
            title = (f"{figures.text(lang)['map'][indicator]}, {year}: {group}")
            chart = figures.map_chart(median, city, indicator, year, scale=scale, lang=lang,
                                      title=title)
            figs.append(_figure(charts.to_svg(chart, css_class="map"),
                                f"{esc(group)}: each wijk's median over the replications."))
    return _section("maps", f"4. Maps per wijk, {year}",
                    "The median over the replications of each wijk's value; hover a wijk for "
                    "its numbers.", f'<div class="grid">{"".join(figs)}</div>')


def build_batch_report(folder: str | Path, baseline: str | None = None,
                       lang: str = "en") -> str:
    batch = Batch(folder)
    baselines, described = _baselines(batch, baseline)
    indicators = _indicators(batch.city)
    years = _years(batch)
    body = [_header(batch), _over_time(batch, indicators), _table(batch, indicators, years),
            _differences(batch, indicators, years, baselines, described), _maps(batch, lang),
            "<footer>Generated by sorteermachine from the batch tables in "
            f"{esc(batch.store.folder.name)}/ (runs, city, wijken). Simulated futures, not "
            "forecasts. Bron: CBS (CC BY 4.0).</footer>"]
    return _page(f"sorteermachine batch {batch.info.get('name', '')}", body)


def _page(title: str, body: list[str]) -> str:
    extra = ("table.batch { width: 100%; font-size: 13.5px; margin-top: 8px; }"
             " table.batch td { vertical-align: top; }"
             " table.batch td:nth-child(2), table.batch th:nth-child(2) { text-align: left; }"
             " .ci { color: var(--muted); font-size: 12px; white-space: nowrap; }")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}{extra}</style></head><body><main>"
            + "\n".join(b for b in body if b) + "</main></body></html>\n")


def write_batch_report(folder: str | Path, baseline: str | None = None,
                       lang: str = "en") -> Path:
    """Write DIR/report.html (atomically) and return its path."""
    html = build_batch_report(folder, baseline, lang)
    path = Path(folder) / "report.html"
    tmp = path.with_name(".report.html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path


def write_sensitivity_report(indices: pd.DataFrame, method: str, problem: dict,
                             path: Path) -> None:
    """DIR/sensitivity.html: one chart of the indices per scenario, policy and output."""
    from experiments.sensitivity import OUTPUTS, ranking, summary_lines

    figs = []
    for (scenario, policy, output), g in ranking(indices, method).groupby(
            ["scenario", "policy", "output"], sort=False):
        chart = figures.sensitivity_chart(
            g, method, title=f"{OUTPUTS[output][0]} ({scenario} / {policy})")
        figs.append(_figure(charts.to_svg(chart), "Longer bar: the output moves more with "
                            "that parameter over its range; the line is the 95% interval."))
    what = ("Morris elementary effects: mu* is the mean absolute change of the output when "
            "one parameter steps through its range, sigma how much that effect depends on "
            "the other parameters." if method == "morris" else
            "Sobol' indices: ST is the share of the output's variance due to the parameter, "
            "its interactions included; S1 without them.")
    rows = "".join(f"<li>{esc(line)}</li>" for line in summary_lines(indices, method))
    params = ", ".join(f"{n} [{lo:g}, {hi:g}]" for n, (lo, hi) in zip(
        problem["names"], problem["bounds"], strict=True))
    body = [f"<header><h1>Sensitivity analysis ({esc(method)})</h1><p class=\"sub\">"
            f"{esc(what)} Parameters and ranges (from the register): {esc(params)}.</p>"
            f"<ul>{rows}</ul></header>",
            f'<div class="grid">{"".join(figs)}</div>']
    path.write_text(_page(f"sorteermachine sensitivity ({method})", body), encoding="utf-8")
