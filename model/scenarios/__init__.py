"""Scenarios and policy packages: named sets of parameter values, stored as TOML files.

A *scenario* says how the city's population develops (the vision's Table 3: household change,
who moves in); a *policy package* says which levers are pulled and how hard. Any scenario
combines with any package: the scenario's values come first, the package's levers on top.

A scenario file has a `[scenario]` table (name, description, source) and a `[params]` table
whose keys must be parameters of the register (`model/register.py`); a policy file has a
`[policy]` table and a `[params]` table of levers only. One file can hold both: a scenario
file with a `[policy]` table too, given as the scenario; its `[params]` set the demography and
the levers, and the run is named after both. The built-in ones are the files in
`model/scenarios/` and `model/policies/`; a user's own file is loaded the same way, so a run
is reproducible from its seed and its files alone.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from model.params import ParameterError, Params, make_params

BUILTIN_DIRS = {"scenario": Path(__file__).parent,
                "policy": Path(__file__).parent.parent / "policies"}
BUILTIN_DIR = BUILTIN_DIRS["scenario"]
DEFAULT_SCENARIO, DEFAULT_POLICY = "base", "no-policy"


class ScenarioError(ValueError):
    """A scenario or policy name or file that cannot be used."""


@dataclass(frozen=True)
class Scenario:
    """A scenario or policy package (`kind`), with the parameters it sets."""

    name: str
    description: str = ""
    source: str = ""
    params: dict = field(default_factory=dict)
    path: Path | None = None
    kind: str = "scenario"
    policy: str = ""  # a scenario file that also holds a policy package: the package's name


def builtin_names(kind: str = "scenario") -> list[str]:
    """Names of the scenarios (or, with kind='policy', policy packages) that ship with the
    model."""
    return sorted(p.stem for p in BUILTIN_DIRS[kind].glob("*.toml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by name, or a scenario TOML file by path; validated."""
    return _load(name_or_path, "scenario")


def load_policy(name_or_path: str | Path) -> Scenario:
    """A built-in policy package by name, or a policy TOML file by path; validated (a
    package sets levers only)."""
    return _load(name_or_path, "policy")


def _load(name_or_path: str | Path, kind: str) -> Scenario:
    path = Path(name_or_path)
    names = builtin_names(kind)
    if path.suffix != ".toml":
        if str(name_or_path) not in names:
            plural = "scenarios" if kind == "scenario" else "policy packages"
            raise ScenarioError(f"unknown {kind} '{name_or_path}'; built-in {plural} are "
                                f"{', '.join(names)}, or give a path to a .toml file")
        path = BUILTIN_DIRS[kind] / f"{name_or_path}.toml"
    if not path.is_file():
        raise ScenarioError(f"{path}: {kind} file not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc})") from None
    for table in (kind, "params"):
        if not isinstance(data.get(table, {}), dict):
            raise ScenarioError(f"{path}: '{table}' must be a table ([{table}] with "
                                "key = value lines below it)")
    both = kind == "scenario" and isinstance(data.get("policy"), dict)
    if kind == "policy" and "scenario" in data:
        raise ScenarioError(f"{path}: holds a scenario and a policy package; give it with "
                            "--scenario (its levers then come with it)")
    unknown = set(data) - {kind, "params"} - ({"policy"} if both else set())
    if unknown:
        raise ScenarioError(f"{path}: unknown table(s) {sorted(unknown)}; a {kind} file has "
                            f"a [{kind}] table (name, description, source) and a [params] "
                            "table")
    meta = data.get(kind, {})
    for table, fields in ((kind, meta), ("policy", data.get("policy", {}) if both else {})):
        extra = set(fields) - {"name", "description", "source"}
        if extra:
            raise ScenarioError(f"{path}: unknown field(s) {sorted(extra)} in [{table}]; "
                                "allowed: name, description, source")
    params = data.get("params", {})
    try:
        make_params(params, where=str(path))
    except ParameterError as exc:
        raise ScenarioError(str(exc)) from None
    if kind == "policy":
        from model.register import REGISTER

        not_levers = [k for k in params if not REGISTER[k].lever]
        if not_levers:
            raise ScenarioError(f"{path}: {', '.join(repr(k) for k in not_levers)} "
                                f"{'is not a lever' if len(not_levers) == 1 else 'are not levers'}"
                                "; a policy package sets levers only ('sorteermachine params "
                                "--levers' lists them); put other parameters in a scenario")
    return Scenario(name=str(meta.get("name", path.stem)),
                    description=str(meta.get("description", "")),
                    source=str(meta.get("source", "")), params=dict(params), path=path,
                    kind=kind, policy=str(data["policy"].get("name", f"{path.stem} levers"))
                    if both else "")


@dataclass(frozen=True)
class RunSetup:
    """What a run is: a demographic scenario, a policy package and the parameters they give
    together (with any overrides)."""

    scenario: str
    policy: str
    params: Params


def combine(scenario: str | Path | None = None, policy: str | Path | None = None,
            overrides: dict | None = None, where: str = "--set") -> RunSetup:
    """The scenario's parameters, the policy package's levers on top, then `overrides`
    (all validated; a bad override is reported as coming from `where`)."""
    from model import levers

    loaded = load_scenario(scenario or DEFAULT_SCENARIO)
    if policy is None and loaded.policy:  # one file holding both: its levers came with it
        package = Scenario(name=loaded.policy, path=loaded.path, kind="policy")
    else:
        package = load_policy(policy or DEFAULT_POLICY)
    # Lever schedules are checked after each layer, so a message names the file (or the
    # option) that made them inconsistent.
    levers.check(make_params(loaded.params), where=str(loaded.path))
    params = make_params({**loaded.params, **package.params}, where=str(loaded.path))
    levers.check(params, where=str(package.path))
    if overrides:
        make_params(overrides, where=where)
        params = params.replace(**overrides)
        levers.check(params, where=where)
    return RunSetup(loaded.name, package.name, params)
