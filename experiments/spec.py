"""Batch specs: which runs a batch makes, read from a TOML file and checked before any run.

A spec names scenarios and policy packages, parameters fixed for every run, a grid and/or a
sample of parameters from the register, the years to keep and the number of replications:

    [batch]
    name = "smoke"
    description = "what the batch is for"
    scenarios = ["base", "economic-asml"]    # built-in names or .toml files (next to the spec)
    policies = ["no-policy"]                 # idem
    replications = 2                         # runs per combination, seeds first_seed, +1, ...
    first_seed = 1
    until = 2050                             # last year simulated
    years = "all"                            # or a list: the years kept in the tables

    [params]                                 # the same in every run
    scale = 0.1

    [grid]                                   # every combination of these values
    beta_status = [2.0, 4.0]

    [sample]                                 # n points in these ranges (Latin hypercube)
    n = 8
    seed = 1
    daeb_free_share = [0.0, 0.15]            # inside the register's range
    beta_cost = "register"                   # the register's whole range

    [sensitivity]                            # read by `sorteermachine sensitivity` only
    parameters = ["daeb_free_share", "construction_max_per_year"]   # a table of ranges, or
                                             # "levers": every lever with a numeric range
    outputs = ["dissimilarity_2050", "net_out_middle_high", "wijken_in_band_2050"]
    trajectories = 10                        # Morris
    levels = 4                               # Morris
    samples = 64                             # Sobol (base sample size, a power of 2)

Every combination of scenario x policy x grid point x sample point is run `replications`
times. Replication r has seed `first_seed + r` in every combination (common random numbers:
differences between policies are then not blurred by different random draws).

Everything is checked when the spec is read (unknown scenario, policy, parameter or table,
an empty grid, a value or range outside the register's), so a bad spec fails before any run
starts, with a message naming the field.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model.params import ParameterError, Params, make_params
from model.phases.migration import LAST_YEAR
from model.register import REGISTER
from model.scenarios import ScenarioError, builtin_names, combine

SPEC_DIR = Path(__file__).parent / "specs"
TABLES = ("batch", "params", "grid", "sample", "sensitivity")
BATCH_KEYS = ("name", "description", "scenarios", "policies", "replications", "first_seed",
              "until", "years")
SENSITIVITY_KEYS = ("parameters", "outputs", "trajectories", "levels", "samples",
                    "second_order", "seed")


class SpecError(ValueError):
    """A batch spec that cannot be run; the message names the field."""


@dataclass(frozen=True)
class RunTask:
    """One run of a batch: everything a worker needs, nothing it must look up."""

    run: int  # position in the batch (the runs table's key)
    scenario: str
    policy: str
    point: int  # design point (grid x sample combination)
    replication: int
    seed: int
    params: Params
    until: int
    years: tuple[int, ...] | None  # None = every year
    varied: dict = field(default_factory=dict)  # the design point's parameter values


@dataclass
class BatchSpec:
    """A checked spec; `tasks()` lists its runs in a fixed order."""

    name: str
    path: Path | None
    description: str
    scenarios: list[str]
    policies: list[str]
    replications: int
    first_seed: int
    until: int
    years: tuple[int, ...] | None
    fixed: dict
    points: list[dict]
    sensitivity: dict = field(default_factory=dict)
    text: str = ""

    @property
    def n_runs(self) -> int:
        return len(self.scenarios) * len(self.policies) * len(self.points) * self.replications

    def with_points(self, points: list[dict]) -> BatchSpec:
        """The same batch over other design points (the sensitivity design)."""
        for i, point in enumerate(points):
            _check_values(point, f"design point {i}")
        return BatchSpec(**{**self.__dict__, "points": points})

    def tasks(self) -> list[RunTask]:
        """Every run: scenario, then policy, then design point, then replication."""
        tasks = []
        for scenario, policy in itertools.product(self.scenarios, self.policies):
            base = combine(scenario, policy, self.fixed, where=self._where("params"))
            for p, point in enumerate(self.points):
                params = base.params.replace(**point) if point else base.params
                for r in range(self.replications):
                    tasks.append(RunTask(len(tasks), base.scenario, base.policy, p, r,
                                         self.first_seed + r, params, self.until, self.years,
                                         dict(point)))
        return tasks

    def fingerprint(self) -> str:
        return fingerprint(self.tasks())

    def _where(self, table: str) -> str:
        return f"{self.path or self.name} [{table}]"


def fingerprint(tasks: list[RunTask]) -> str:
    """A hash of what a batch runs (its tasks), to tell whether a store belongs to it."""
    digest = hashlib.sha256()
    for t in tasks:
        digest.update(json.dumps([t.run, t.scenario, t.policy, t.seed, t.until, t.years,
                                  params_hash(t.params)]).encode())
    return digest.hexdigest()[:16]


def params_hash(params: Params) -> str:
    """A short hash of a complete parameter set (the runs table's scenario hash)."""
    text = json.dumps({k: params[k] for k in sorted(params)}, default=list)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def find_spec(name_or_path: str | Path) -> Path:
    """A spec file by path, or by name from experiments/specs/."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    builtin = SPEC_DIR / (path.name if path.suffix == ".toml" else f"{path.name}.toml")
    if path.parent == Path(".") and builtin.is_file():
        return builtin
    names = ", ".join(sorted(p.stem for p in SPEC_DIR.glob("*.toml")))
    raise SpecError(f"{name_or_path}: spec file not found (the built-in specs are {names})")


def load_spec(name_or_path: str | Path) -> BatchSpec:
    """Read and check a spec file (see the module docstring)."""
    path = find_spec(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot be read ({exc})") from None
    return parse_spec(data, path, text)


def parse_spec(data: dict, path: Path | None = None, text: str = "") -> BatchSpec:
    where = str(path) if path else "spec"
    unknown = sorted(set(data) - set(TABLES))
    if unknown:
        raise SpecError(f"{where}: unknown table(s) {unknown}; a spec has the tables "
                        f"{', '.join('[' + t + ']' for t in TABLES)}")
    for table in TABLES:
        if not isinstance(data.get(table, {}), dict):
            raise SpecError(f"{where}: '{table}' must be a table ([{table}])")
    batch = data.get("batch", {})
    extra = sorted(set(batch) - set(BATCH_KEYS))
    if extra:
        raise SpecError(f"{where} [batch]: unknown field(s) {extra}; allowed: "
                        f"{', '.join(BATCH_KEYS)}")
    base_dir = path.parent if path else Path.cwd()
    scenarios = _names(batch, "scenarios", "scenario", base_dir, where, default=["base"])
    policies = _names(batch, "policies", "policy", base_dir, where, default=["no-policy"])
    replications = _int(batch, "replications", 1, where, low=1)
    first_seed = _int(batch, "first_seed", 1, where, low=0)
    fixed = dict(data.get("params", {}))
    _check_values(fixed, f"{where} [params]")
    start = make_params(fixed).start_year
    until = _int(batch, "until", LAST_YEAR, where, low=start, high=LAST_YEAR)
    years = _years(batch.get("years", "all"), start, until, where)
    grid = _grid(data.get("grid", {}), f"{where} [grid]")
    sample = _sample(data.get("sample", {}), f"{where} [sample]")
    grid_keys, sample_keys = set(grid[0]), set(sample[0])
    clash = sorted((set(fixed) & grid_keys) | (set(fixed) & sample_keys)
                   | (grid_keys & sample_keys))
    if clash:
        raise SpecError(f"{where}: {', '.join(clash)} set in more than one of [params], [grid] "
                        "and [sample]; give each parameter in one place")
    points = [{**g, **s} for g in grid for s in sample]
    spec = BatchSpec(name=str(batch.get("name", path.stem if path else "batch")), path=path,
                     description=str(batch.get("description", "")), scenarios=scenarios,
                     policies=policies, replications=replications, first_seed=first_seed,
                     until=until, years=years, fixed=fixed, points=points,
                     sensitivity=_sensitivity(data.get("sensitivity", {}),
                                              f"{where} [sensitivity]", fixed),
                     text=text)
    spec.tasks()  # every scenario x policy x point combination valid (checked here, once)
    return spec


# --- checks of single fields ----------------------------------------------------------------
def _names(batch: dict, key: str, kind: str, base_dir: Path, where: str,
           default: list[str]) -> list[str]:
    values = batch.get(key, default)
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not values or not all(isinstance(v, str)
                                                             for v in values):
        raise SpecError(f"{where} [batch]: '{key}' must be a non-empty list of {kind} names "
                        f"or .toml files; built-in: {', '.join(builtin_names(kind))}")
    if len(set(values)) != len(values):
        raise SpecError(f"{where} [batch]: '{key}' names a {kind} twice")
    out = []
    for value in values:
        if value.endswith(".toml") and not Path(value).is_absolute():
            value = str(base_dir / value)
        try:
            combine(value if kind == "scenario" else None,
                    value if kind == "policy" else None)
        except (ScenarioError, ParameterError) as exc:
            raise SpecError(f"{where} [batch] {key}: {exc}") from None
        out.append(value)
    return out


def _int(batch: dict, key: str, default: int, where: str, low: int,
         high: int | None = None) -> int:
    value = batch.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (
            high is not None and value > high):
        allowed = f"a whole number from {low}" + (f" to {high}" if high is not None else " up")
        raise SpecError(f"{where} [batch]: '{key}' = {value!r}; allowed: {allowed}")
    return value


def _years(value, start: int, until: int, where: str) -> tuple[int, ...] | None:
    if value == "all":
        return None
    if (not isinstance(value, list) or not value
            or not all(isinstance(y, int) and not isinstance(y, bool) for y in value)):
        raise SpecError(f"{where} [batch]: 'years' must be \"all\" or a list of years")
    bad = [y for y in value if not start <= y <= until]
    if bad:
        raise SpecError(f"{where} [batch]: years {bad} outside the simulated years "
                        f"{start}-{until}")
    return tuple(sorted(set(value)))


def _check_values(values: dict, where: str) -> None:
    try:
        make_params(values, where=where)
    except ParameterError as exc:
        raise SpecError(str(exc)) from None


def _grid(grid: dict, where: str) -> list[dict]:
    axes = []
    for name, values in grid.items():
        if not isinstance(values, list):
            raise SpecError(f"{where}: '{name}' must be a list of values, e.g. {name} = "
                            f"[{REGISTER[name].default!r}]" if name in REGISTER else
                            f"{where}: '{name}' must be a list of values")
        if not values:
            raise SpecError(f"{where}: '{name}' is an empty list; a grid needs at least one "
                            "value per parameter (remove the line to keep the default)")
        for value in values:
            _check_values({name: value}, where)
        axes.append([(name, make_params({name: v})[name]) for v in values])
    return [dict(combo) for combo in itertools.product(*axes)]


def numeric_range(name: str, value, where: str) -> tuple[float, float]:
    """A (low, high) range of a number parameter: "register" for the register's own, or
    [low, high] inside it."""
    if name not in REGISTER:
        _check_values({name: None}, where)  # raises the register's unknown-parameter message
    p = REGISTER[name]
    if p.kind not in (int, float) or p.low is None or p.high is None:
        raise SpecError(f"{where}: '{name}' is {p.allowed()}; only number parameters with a "
                        "range in the register can be sampled (put others in [grid])")
    if value == "register":
        return float(p.low), float(p.high)
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)):
        raise SpecError(f"{where}: '{name}' must be \"register\" or [low, high]")
    low, high = float(value[0]), float(value[1])
    if not low < high:
        raise SpecError(f"{where}: '{name}' = [{value[0]}, {value[1]}]: low must be below high")
    if low < p.low or high > p.high:
        raise SpecError(f"{where}: '{name}' = [{value[0]}, {value[1]}] is outside the "
                        f"register's range {p.low:g} to {p.high:g} ({p.unit})")
    return low, high


def _sample(sample: dict, where: str) -> list[dict]:
    if not sample:
        return [{}]
    n = sample.get("n")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise SpecError(f"{where}: 'n' = {n!r}; allowed: a whole number from 1 up (the "
                        "number of points to draw)")
    seed = sample.get("seed", 1)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SpecError(f"{where}: 'seed' = {seed!r}; allowed: a whole number from 0 up")
    ranges = {k: numeric_range(k, v, where) for k, v in sample.items() if k not in ("n", "seed")}
    if not ranges:
        raise SpecError(f"{where}: no parameter to sample; add lines such as "
                        "beta_status = [2.0, 6.0]")
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(ranges), rng=np.random.default_rng(seed)).random(n)
    return [scale_point(ranges, row) for row in unit]


def scale_point(ranges: dict[str, tuple[float, float]], unit_row) -> dict:
    """Map a point of the unit cube onto the parameters' ranges (whole numbers rounded)."""
    point = {}
    for (name, (low, high)), u in zip(ranges.items(), unit_row, strict=True):
        value = low + float(u) * (high - low)
        point[name] = round(value) if REGISTER[name].kind is int else value
    return point


def _sensitivity(table: dict, where: str, fixed: dict) -> dict:
    if not table:
        return {}
    extra = sorted(set(table) - set(SENSITIVITY_KEYS))
    if extra:
        raise SpecError(f"{where}: unknown field(s) {extra}; allowed: "
                        f"{', '.join(SENSITIVITY_KEYS)}")
    raw = table.get("parameters")
    if raw == "levers":  # every lever with a numeric range, as the register has them now
        raw = {name: "register" for name, p in REGISTER.items()
               if p.lever and p.kind in (int, float) and p.low is not None
               and p.high is not None and name not in fixed}
    if isinstance(raw, list):
        raw = dict.fromkeys(raw, "register")
    if not isinstance(raw, dict) or len(raw) < 2:
        raise SpecError(f"{where}: 'parameters' must list at least two parameters (names, "
                        "a table of name = [low, high], or \"levers\" for every lever)")
    ranges = {k: numeric_range(k, v, where) for k, v in raw.items()}
    both = sorted(set(ranges) & set(fixed))
    if both:
        raise SpecError(f"{where}: {', '.join(both)} also fixed in [params]")
    out = {"ranges": ranges}
    for key, default, low in (("trajectories", 10, 2), ("levels", 4, 2), ("samples", 64, 2),
                              ("seed", 1, 0)):
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise SpecError(f"{where}: '{key}' = {value!r}; allowed: a whole number from "
                            f"{low} up")
        out[key] = value
    out["second_order"] = bool(table.get("second_order", False))
    out["outputs"] = table.get("outputs")
    return out
