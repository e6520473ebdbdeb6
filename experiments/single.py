"""One run: build the model for a scenario and seed and step it to a year.

Saving and reading the results is the results layer's job (`experiments/results.py`).
"""

from collections.abc import Callable
from pathlib import Path

from model import SortingModel
from model.params import Params, make_params
from model.scenarios import load_scenario

LAST_YEAR = 2050


def resolve_params(scenario: str | Path | None, overrides: dict | None = None
                   ) -> tuple[str, Params]:
    """The scenario's name and its parameters with `overrides` applied (all validated)."""
    loaded = load_scenario(scenario or "base")
    params = make_params(loaded.params, where=str(loaded.path))
    if overrides:
        make_params(overrides, where="--set")  # report a bad override as the user's own
        params = params.replace(**overrides)
    return loaded.name, params


def run(params: Params, seed: int, until: int = LAST_YEAR, data_dir=None,
        on_year: Callable[[int], None] | None = None) -> SortingModel:
    """Build the model and step it to `until`; `on_year(year)` is called after each year."""
    model = SortingModel(rng=seed, params=params, data_dir=data_dir)
    while model.year < until:
        model.step()
        if on_year:
            on_year(model.year)
    return model
