"""The hindcast: start in an earlier year, impose what is known, and compare the rest with
what really happened.

    sorteermachine hindcast --from 2016 --to 2019 --seeds 5 --out runs/hindcast

For each seed the model is built for the start year from that year's history rows (the same
synthesis as the 2024 start, `model.history.city_for_year`). Each later year it is given
what the hindcast treats as known:

- the stock: dwellings and tenure per buurt as the KWB edition of that year counted them
  (`model/phases/observed_stock.py`, through the stock operations of `model/stock.py`);
- the household total: migration steers toward the start's households times the observed
  relative change of CBS's private households (`model.history.ObservedPath`).

Everything else is the model's: where households move, who leaves, who comes. The changes
from the start year to the end year are then compared per wijk and per buurt with the KWB
editions, against persistence (no change) as the reference forecast:

- households: relative change;
- corporation share: change in percentage points (largely imposed through the stock, so it
  mainly checks that imposing works);
- low-income share: change in percentage points of the CBS indicator "huishoudens met een
  laag inkomen", over the years that have it (KWB 2016-2018). The model's class low_pt is a
  different, wider definition (41% against CBS's 12.5% in Heerlen), so its share is put on
  the CBS indicator's scale: multiplied by the CBS city share over the model's city share in
  the start year.

Areas count if CBS gives them at least `MIN_HOUSEHOLDS` households in the start year and
publishes the indicator (no fallback value) in both years. The skill table is computed on
the mean over the seeds of the modelled change (the model's forecast); `skill_by_seed.csv`
gives each seed's own.

Files written (atomically, into --out): skill.csv, skill_by_seed.csv, areas.csv (per seed,
indicator and area: observed and modelled values and changes), city.csv (per seed and year:
the model's city row, with the observed stock and household targets) and run.json.
"""

import json
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.results import check_out_dir, model_version, write_folder
from model import SortingModel
from model import history as hist
from model.city import City, DataError, load_city
from model.params import ParameterError, Params
from model.phases import policy
from model.phases.observed_stock import ObservedStock, targets
from model.sortingmodel import PHASES

MIN_HOUSEHOLDS = 100
LEVELS = ("wijk", "buurt")
SKILL_COLUMNS = ["indicator", "level", "n_areas", "mae_model", "mae_persistence", "corr_model"]
INDICATORS = {
    # name: (history column, model output column, kind)
    "households": ("households", "households", "relative"),
    "corporation_share": ("pct_corporation", "corp_share", "points"),
    "low_income_share": ("pct_low_income", "low_income_share", "points"),
}


@dataclass(frozen=True)
class Request:
    """A checked hindcast request."""

    city: City
    first: int
    last: int
    seeds: int
    params: Params
    out: Path


def check_request(first: int, last: int, seeds: int, params: Params, out, data_dir=None
                  ) -> Request:
    """Refuse a request the data cannot answer, before any simulation: a data folder without
    history, a start year without a complete start state, an end year the history lacks."""
    city = load_city(data_dir)
    if not hist.has_history(city):
        raise DataError(f"{city.data_dir}: this city's data folder has no history "
                        f"({hist.HISTORY_FILE}), so it has no hindcast; scripts/"
                        "derive_city_data.py makes one from earlier KWB editions")
    starts, known = hist.start_years(city), hist.years(city)
    if first not in starts:
        raise ParameterError(f"--from {first}: allowed is a year this city's history can start "
                             f"from: {', '.join(map(str, starts))}")
    later = [y for y in known if y > first]
    if last not in later:
        raise ParameterError(f"--to {last}: allowed is a later year of this city's history: "
                             f"{', '.join(map(str, later)) or 'none'}")
    if seeds < 1:
        raise ParameterError(f"--seeds {seeds}: allowed is a whole number of at least 1")
    if params.start_year != hist.REGISTER_START_YEAR:
        raise ParameterError("--set start_year: a hindcast starts in --from; leave "
                             "start_year out")
    return Request(city, first, last, seeds, params.replace(start_year=first),
                   check_out_dir(out))


def hindcast_model(req: Request, seed: int) -> SortingModel:
    """The model of one seed, built for the start year, with the observed stock and household
    path of the years after it."""
    model = SortingModel(rng=seed, params=req.params, data_dir=req.city.data_dir)
    model.household_path = hist.ObservedPath(req.city, req.first, req.last,
                                             model.start_households)
    observed = ObservedStock(targets(req.city, range(req.first + 1, req.last + 1),
                                     req.params.scale))
    phases = list(PHASES)
    phases.insert(phases.index(policy.apply) + 1, observed)
    model.phases = tuple(phases)
    return model


def income_last_year(city: City, first: int, last: int) -> int | None:
    """The last year up to `last` whose history has the low-income indicator."""
    h = hist.load_history(city)
    has = h[h["level"] == "gemeente"].set_index("year")["pct_low_income"].notna()
    years = [y for y in has.index if first < y <= last and has[y]]
    return max(years) if years else None


def observed_changes(city: City, first: int, last: int) -> pd.DataFrame:
    """Per indicator, level and area: the observed start and end values and the change,
    for the areas that count (see the module docstring)."""
    parts = []
    for indicator, (column, _, kind) in INDICATORS.items():
        end = income_last_year(city, first, last) if indicator == "low_income_share" else last
        if end is None:
            continue
        for level in LEVELS:
            a = hist.area_rows(city, first, level)
            b = hist.area_rows(city, end, level)
            ok = (a["households"] >= MIN_HOUSEHOLDS) & a[column].notna() & b[column].notna()
            if level == "buurt":
                ok &= ~a["imputed"].str.contains(column) & ~b["imputed"].str.contains(column)
            start, stop = a.loc[ok, column].astype(float), b.loc[ok, column].astype(float)
            change = stop / start - 1 if kind == "relative" else stop - start
            parts.append(pd.DataFrame({
                "indicator": indicator, "level": level, "code": start.index,
                "start_year": first, "end_year": end, "observed_start": start.to_numpy(),
                "observed_end": stop.to_numpy(), "observed_change": change.to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def modelled_changes(model: SortingModel, observed: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The model's values and changes for the areas and years of `observed`."""
    frames = {"wijk": (model.wijk_frame(), "wijk_code"),
              "buurt": (model.buurt_frame(), "buurt_code")}
    city_frame = model.city_frame().set_index("year")
    out = []
    for (indicator, level), obs in observed.groupby(["indicator", "level"], sort=False):
        column, kind = INDICATORS[indicator][1], INDICATORS[indicator][2]
        frame, key = frames[level]
        first, end = int(obs["start_year"].iloc[0]), int(obs["end_year"].iloc[0])
        start = frame[frame["year"] == first].set_index(key).loc[obs["code"], column]
        stop = frame[frame["year"] == end].set_index(key).loc[obs["code"], column]
        start, stop = start.to_numpy(float), stop.to_numpy(float)
        if indicator == "corporation_share":
            start, stop = 100 * start, 100 * stop
        if indicator == "low_income_share":  # onto the CBS indicator's scale
            g = hist.area_rows(model.city, first, "gemeente")["pct_low_income"].iloc[0]
            share = city_frame.loc[first, "hh_low_pt"] / city_frame.loc[first, "households"]
            start, stop = start * g / share, stop * g / share
        change = stop / start - 1 if kind == "relative" else stop - start
        out.append(obs.assign(seed=seed, model_start=start, model_end=stop,
                              model_change=change))
    return pd.concat(out, ignore_index=True)


def skill(areas: pd.DataFrame) -> pd.DataFrame:
    """The skill table of `areas` (one seed, or the mean over seeds): per indicator and
    level, the mean absolute error of the modelled and of the persistence (zero) change, and
    the correlation of modelled with observed change."""
    rows = []
    for (indicator, level), a in areas.groupby(["indicator", "level"], sort=False):
        obs, mod = a["observed_change"].to_numpy(float), a["model_change"].to_numpy(float)
        corr = (float(np.corrcoef(mod, obs)[0, 1])
                if len(a) > 2 and mod.std() > 0 and obs.std() > 0 else float("nan"))
        rows.append({"indicator": indicator, "level": level, "n_areas": len(a),
                     "mae_model": float(np.abs(mod - obs).mean()),
                     "mae_persistence": float(np.abs(obs).mean()), "corr_model": corr})
    return pd.DataFrame(rows, columns=SKILL_COLUMNS)


def run(req: Request, on_seed=None) -> dict[str, pd.DataFrame]:
    """Run every seed; return the tables the hindcast writes."""
    observed = observed_changes(req.city, req.first, req.last)
    names = {**dict(zip(req.city.wijk_codes, req.city.wijk_names, strict=True)),
             **dict(zip(req.city.buurt_codes, req.city.buurt_names, strict=True))}
    areas, cities = [], []
    for seed in range(1, req.seeds + 1):
        model = hindcast_model(req, seed)
        model.run_until_year(req.last)
        areas.append(modelled_changes(model, observed, seed))
        c = model.city_frame()
        c.insert(0, "seed", seed)
        c["household_target"] = [model.household_path.target(y) for y in c["year"]]
        cities.append(c)
        if on_seed:
            on_seed(seed)
    areas = pd.concat(areas, ignore_index=True)
    areas.insert(areas.columns.get_loc("code") + 1, "name", areas["code"].map(names))
    mean = (areas.groupby(["indicator", "level", "code"], sort=False)
            .agg(observed_change=("observed_change", "first"),
                 model_change=("model_change", "mean")).reset_index())
    by_seed = pd.concat([skill(a).assign(seed=s) for s, a in areas.groupby("seed")],
                        ignore_index=True)
    return {"skill": skill(mean), "skill_by_seed": by_seed[["seed", *SKILL_COLUMNS]],
            "areas": areas[["seed", *[c for c in areas.columns if c != "seed"]]],
            "city": pd.concat(cities, ignore_index=True)}


def save(req: Request, tables: dict[str, pd.DataFrame]) -> Path:
    """Write the tables and run.json into req.out, atomically."""
    meta = {
        "kind": "hindcast", "from": req.first, "to": req.last, "seeds": req.seeds,
        "scale": req.params.scale, "data_dir": str(req.city.data_dir),
        "changed_parameters": req.params.changed(),
        "model_version": model_version(), "python": platform.python_version(),
    }

    def write(folder: Path) -> None:
        for name, table in tables.items():
            table.to_csv(folder / f"{name}.csv", index=False, float_format="%.6g")
        (folder / "run.json").write_text(json.dumps(meta, indent=2) + "\n")

    return write_folder(req.out, write)


def summary(req: Request, table: pd.DataFrame) -> str:
    """The skill table as a Markdown table (docs/ODD.md quotes it), with a heading line."""
    lines = [f"hindcast {req.first}-{req.last}, {req.seeds} seed(s), scale "
             f"{req.params.scale:g}: change per area, model (mean over seeds) against "
             "persistence (no change); households: relative change, shares: percentage points",
             "",
             "| indicator | level | areas | MAE model | MAE persistence | correlation | "
             "beats persistence |",
             "|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        beats = "yes" if r.mae_model < r.mae_persistence else "**no**"
        lines.append(f"| {r.indicator} | {r.level} | {r.n_areas} | {r.mae_model:.4f} | "
                     f"{r.mae_persistence:.4f} | {r.corr_model:.2f} | {beats} |")
    return "\n".join(lines)


# --- the tables docs/ODD.md 1.4 quotes -------------------------------------------------------
DOC_VARIANTS = (  # (label, overrides): the defaults, and what the calibration changed
    ("default parameters", {}),
    ("every vacant dwelling on the market (frictional_vacancy = 1)",
     {"frictional_vacancy": 1.0}),
    ("liveability weighted as before the hindcast (beta_liveability = 1)",
     {"beta_liveability": 1.0}),
)


def doc_tables(first: int = 2016, last: int = 2019, seeds: int = 5) -> str:
    """The skill tables of the defaults and of the settings the calibration moved away from
    (Markdown), for docs/ODD.md section 1.4."""
    import tempfile

    from model.params import make_params

    parts = []
    for label, overrides in DOC_VARIANTS:
        with tempfile.TemporaryDirectory() as tmp:
            req = check_request(first, last, seeds, make_params(overrides), Path(tmp) / "h")
            table = run(req)["skill"]
        command = " ".join(["sorteermachine hindcast", f"--from {first} --to {last}",
                            f"--seeds {seeds}", *(f"--set {k}={v:g}"
                                                  for k, v in overrides.items()), "--out DIR"])
        parts.append(f"**{label.capitalize()}** (`{command}`):\n\n"
                     + summary(req, table).split("\n", 2)[2] + "\n")
    return "\n".join(parts)


def main(argv=None) -> None:
    """python -m experiments.hindcast [--seeds 5] [--write docs/ODD.md]: the doc tables."""
    import argparse

    from experiments.docsections import replace_section

    parser = argparse.ArgumentParser(description="The hindcast tables of docs/ODD.md 1.4")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--write", type=Path,
                        help="put the tables between the 'hindcast' markers of this file")
    args = parser.parse_args(argv)
    text = doc_tables(seeds=args.seeds)
    print(text)
    if args.write:
        replace_section(args.write, "hindcast", text)


if __name__ == "__main__":
    main()
