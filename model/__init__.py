"""sorteermachine's simulation core: the Heerlen housing market as a Mesa model.

`SortingModel(rng=seed)` builds the 2024 start state; every `model.step()` is one year.
"""

from model.sortingmodel import SortingModel

__all__ = ["SortingModel"]
