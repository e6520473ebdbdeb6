"""Observed stock: each year the dwellings and tenure per buurt become what CBS counted.

Not part of the default pipeline: the hindcast (`experiments/hindcast.py`) runs it right
after `policy`, so the stock of a hindcast follows the KWB editions of its years. The target
for a year is that year's dwellings per buurt split over owners exactly as the start state
splits them (`model.synthesis.owner_counts`: buurt tenure raked to the wijk's shares), at the
run's scale. Per buurt the difference with the model's stock is closed through the stock
operations (`model/stock.py`), in this order:

1. fewer dwellings: remove dwellings of the owners with too many (in proportion to their
   surplus); their occupants are displaced and search with priority this year;
2. more dwellings: build new ones for the owners with too few, each a copy of a random
   dwelling of that owner in the buurt (its segment, rent, WOZ, rooms, type), or in the city
   if the buurt has none;
3. the rest is a change of tenure: dwellings pass from owners with too many to owners with
   too few (relabelled now; a sitting household stays, as when a tenant buys the home).

Removed and relabelled dwellings are drawn at random, vacant ones `VACANT_WEIGHT` times as
likely as occupied ones (a landlord sells or demolishes what stands empty first).
"""

import numpy as np

from model import rules, stock
from model.categories import Owner
from model.categories import Segment as S
from model.history import year_tables
from model.synthesis import largest_remainder, owner_counts, scaled_counts

VACANT_WEIGHT = 4.0
N_OWNERS = len(Owner)


def targets(city, years, scale: float) -> dict[int, np.ndarray]:
    """Dwellings per (buurt, owner) in each of `years` at `scale`, from the city's history."""
    out = {}
    for year in years:
        then = year_tables(city, year)
        dwellings, _ = scaled_counts(then, scale)
        out[year] = owner_counts(then, dwellings)
    return out


class ObservedStock:
    """The phase: impose `targets[year]` (buurt x owner counts) in the years it names."""

    def __init__(self, targets: dict[int, np.ndarray]):
        self.targets = targets

    def __call__(self, model) -> None:
        if model.year in self.targets:
            impose(model, self.targets[model.year])


def stock_counts(model) -> np.ndarray:
    """The model's dwellings per (buurt, owner)."""
    d = model.dwellings
    rows = d.rows()
    n_b = model.city.n_buurten
    cell = d.buurt[rows].astype(np.int64) * N_OWNERS + d.owner[rows]
    return np.bincount(cell, minlength=n_b * N_OWNERS).reshape(n_b, N_OWNERS)


def impose(model, target: np.ndarray) -> None:
    """Close the difference between the stock and `target`, buurt by buurt."""
    diff = target - stock_counts(model)
    for b in np.flatnonzero((diff != 0).any(axis=1)):
        surplus, deficit = np.maximum(-diff[b], 0), np.maximum(diff[b], 0)
        net = int(diff[b].sum())
        if net < 0:
            cut = largest_remainder(surplus, -net)
            for owner in np.flatnonzero(cut):
                stock.remove(model, _pick(model, b, owner, cut[owner]), "stock_change")
            surplus -= cut
        elif net > 0:
            add = largest_remainder(deficit, net)
            for owner in np.flatnonzero(add):
                _build_like(model, b, owner, int(add[owner]))
            deficit -= add
        for src in np.flatnonzero(surplus):
            for dst in np.flatnonzero(deficit):
                k = int(min(surplus[src], deficit[dst]))
                if k:
                    _transfer(model, _pick(model, b, src, k), dst)
                    surplus[src] -= k
                    deficit[dst] -= k


def _of(model, buurt: int | None, owner: int) -> np.ndarray:
    d = model.dwellings
    rows = d.rows()
    keep = d.owner[rows] == owner
    if buurt is not None:
        keep &= d.buurt[rows] == buurt
    return rows[keep]


def _pick(model, buurt: int, owner: int, n: int) -> np.ndarray:
    candidates = _of(model, buurt, owner)
    vacant = model.dwellings.occupant[candidates] < 0
    return stock.pick(model, candidates, int(n), weight=np.where(vacant, VACANT_WEIGHT, 1.0))


def _build_like(model, buurt: int, owner: int, n: int) -> None:
    d = model.dwellings
    like = _of(model, buurt, owner)
    if like.size == 0:
        like = _of(model, None, owner)
    src = like[model.rng.integers(like.size, size=n)]
    stock.build(model, d.segment[src], np.full(n, buurt), rent=d.rent[src], woz=d.woz[src],
                rooms=d.rooms[src], single_family=d.single_family[src])


def _transfer(model, rows: np.ndarray, owner: int) -> None:
    """Give `rows` to `owner`: a rent for rented tenure (the current one, else the register's
    median for the sector), the segment that rent or the WOZ value implies."""
    p, d = model.params, model.dwellings
    rent = d.rent[rows]
    if owner == Owner.OWNER_OCCUPIER:
        segments = S.OWN_1 + rules.woz_class(d.woz[rows])
        rent = np.zeros(rows.size)
    elif owner == Owner.CORPORATION:
        rent = np.minimum(np.where(rent > 0, rent, p.corp_rent_median), rules.MIDDLE_RENT_CEILING)
        segments = np.where(rent <= rules.LIBERALISATION_LIMIT, S.CORP_SOCIAL, S.CORP_MIDDLE)
    else:
        rent = np.where(rent > 0, rent, p.private_rent_median)
        segments = np.where(rent <= rules.LIBERALISATION_LIMIT, S.PRIVATE_CHEAP, S.PRIVATE_FREE)
    stock.relabel(model, rows, np.asarray(segments, dtype=np.int8), rent=rent)
