"""One run: build the model for a scenario and seed and step it to a year.

Saving and reading the results is the results layer's job (`experiments/results.py`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from model import SortingModel
from model.params import Params, make_params
from model.scenarios import load_policy, load_scenario

LAST_YEAR = 2050
DEFAULT_SCENARIO, DEFAULT_POLICY = "base", "no-policy"


@dataclass(frozen=True)
class RunSetup:
    """What a run is: a demographic scenario, a policy package and the parameters they give
    together (with any overrides)."""

    scenario: str
    policy: str
    params: Params


def resolve(scenario: str | Path | None = None, policy: str | Path | None = None,
            overrides: dict | None = None) -> RunSetup:
    """The scenario's parameters, the policy package's levers on top, then `overrides`
    (all validated; a bad override is reported as the user's own)."""
    loaded = load_scenario(scenario or DEFAULT_SCENARIO)
    package = load_policy(policy or DEFAULT_POLICY)
    params = make_params({**loaded.params, **package.params}, where=str(loaded.path))
    if overrides:
        make_params(overrides, where="--set")
        params = params.replace(**overrides)
    return RunSetup(loaded.name, package.name, params)


def run(params: Params, seed: int, until: int = LAST_YEAR, data_dir=None,
        on_year: Callable[[int], None] | None = None) -> SortingModel:
    """Build the model and step it to `until`; `on_year(year)` is called after each year."""
    model = SortingModel(rng=seed, params=params, data_dir=data_dir)
    while model.year < until:
        model.step()
        if on_year:
            on_year(model.year)
    return model
