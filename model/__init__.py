"""sorteermachine's simulation core: the Heerlen housing market as a Mesa model.

`SortingModel(rng=seed)` builds the 2024 start state; every `model.step()` is one year.
`SortingScenario` holds a run's parameters as a Mesa scenario.
"""

from model.sortingmodel import SortingModel
from model.sortingscenario import SortingScenario

__all__ = ["SortingModel", "SortingScenario"]
