"""One run: build the model for a scenario and seed and step it to a year.

Saving and reading the results is the results layer's job (`experiments/results.py`).
"""

from collections.abc import Callable
from pathlib import Path

from model import SortingModel
from model.params import Params
from model.phases.migration import LAST_YEAR
from model.scenarios import DEFAULT_POLICY, DEFAULT_SCENARIO, RunSetup, combine

__all__ = ["DEFAULT_POLICY", "DEFAULT_SCENARIO", "LAST_YEAR", "RunSetup", "resolve", "run"]


def resolve(scenario: str | Path | None = None, policy: str | Path | None = None,
            overrides: dict | None = None) -> RunSetup:
    """The scenario's parameters, the policy package's levers on top, then `overrides`
    (all validated; a bad override is reported as the user's own, '--set')."""
    return combine(scenario, policy, overrides, where="--set")


def run(params: Params, seed: int, until: int = LAST_YEAR, data_dir=None,
        on_year: Callable[[int], None] | None = None) -> SortingModel:
    """Build the model and step it to `until`; `on_year(year)` is called after each year."""
    model = SortingModel(rng=seed, params=params, data_dir=data_dir)
    while model.year < until:
        model.step()
        if on_year:
            on_year(model.year)
    return model
