"""The census: count tables per buurt, taken once a year after the market.

Liveability, the indicators and next year's market (the status of a buurt as movers see it)
all read these tables instead of counting households again. Wijk and city figures are sums
of buurt rows (`to_wijken`), so every scale adds up.
"""

from dataclasses import dataclass

import numpy as np

from model import rules
from model.categories import INCOME_CLASSES, SEGMENTS, IncomeClass
from model.fit import FIT_FLAT
from model.jit import jit

N_CLASSES = len(INCOME_CLASSES)
N_SEGMENTS = len(SEGMENTS)


@dataclass
class Census:
    """Counts per buurt (rows in City.buurten order)."""

    households: np.ndarray  # buurt x income class
    persons: np.ndarray  # buurt
    vulnerable: np.ndarray  # buurt
    recent_movers: np.ndarray  # buurt: households that moved in during the last two years
    fitting: np.ndarray  # buurt x income class: households in a dwelling that fits them
    dwellings: np.ndarray  # buurt x segment
    vacant: np.ndarray  # buurt x segment
    woz_total: np.ndarray  # buurt: WOZ value of all dwellings (the stock's value)
    woz_total_existing: np.ndarray  # buurt: ... of the dwellings that stood at the start

    @property
    def household_total(self) -> np.ndarray:
        return self.households.sum(axis=1)

    @property
    def dwelling_total(self) -> np.ndarray:
        return self.dwellings.sum(axis=1)


def take(model) -> Census:
    """Count households and dwellings per buurt: one compiled pass over each table (this
    runs over every household and dwelling each year)."""
    h, d = model.households, model.dwellings
    n_b = model.city.n_buurten
    households, persons, vulnerable, recent_movers, fitting = _count_households(
        h.n_rows, h.alive, h.dwelling, h.cls, h.size, h.vulnerable, h.moved, model.year - 1,
        d.buurt, d.segment, d.rent, n_b)
    dwellings, vacant, woz_total, woz_total_existing = _count_dwellings(
        d.n_rows, d.alive, d.buurt, d.segment, d.occupant, d.woz, d.built, n_b)
    return Census(households=households, persons=persons, vulnerable=vulnerable,
                  recent_movers=recent_movers, fitting=fitting, dwellings=dwellings,
                  vacant=vacant, woz_total=woz_total, woz_total_existing=woz_total_existing)


@jit
def _count_households(n, alive, dwelling, cls, size, vulnerable, moved, recent_since, buurt,
                      segment, rent, n_b):
    """The household tables of the census, in row order. After the market every living
    household has a dwelling; one without would not be counted. Whether the dwelling fits
    follows `model.fit.fits`."""
    households = np.zeros((n_b, N_CLASSES), np.int64)
    persons = np.zeros(n_b)
    vulnerable_n = np.zeros(n_b)
    recent = np.zeros(n_b)
    fitting = np.zeros((n_b, N_CLASSES))
    for r in range(n):
        dw = dwelling[r]
        if not alive[r] or dw < 0:
            continue
        b, c = buurt[dw], cls[r]
        households[b, c] += 1
        persons[b] += size[r]
        vulnerable_n[b] += vulnerable[r]  # adding 0 or 1: no branch on the data
        recent[b] += moved[r] >= recent_since
        # passend toewijzen: the lowest class fits only up to the aftoppingsgrens
        limit = rules.AFTOPPING_HIGH if size[r] >= 3 else rules.AFTOPPING_LOW
        squeezed = (c == IncomeClass.LOW_PT) & (rent[dw] > limit)
        fitting[b, c] += FIT_FLAT[c * N_SEGMENTS + segment[dw]] & (not squeezed)
    return households, persons, vulnerable_n, recent, fitting


@jit
def _count_dwellings(n, alive, buurt, segment, occupant, woz, built, n_b):
    """The dwelling tables of the census, in row order (so the WOZ sums add up in the same
    order every run)."""
    dwellings = np.zeros((n_b, N_SEGMENTS), np.int64)
    vacant = np.zeros((n_b, N_SEGMENTS))
    woz_total = np.zeros(n_b)
    woz_total_existing = np.zeros(n_b)
    for r in range(n):
        if not alive[r]:
            continue
        b, s = buurt[r], segment[r]
        dwellings[b, s] += 1
        vacant[b, s] += occupant[r] < 0
        woz_total[b] += woz[r]
        woz_total_existing[b] += woz[r] * (built[r] == 0)
    return dwellings, vacant, woz_total, woz_total_existing


def to_wijken(city, per_buurt: np.ndarray) -> np.ndarray:
    """Sum a per-buurt array (1-D or buurt x k) to wijken."""
    out = np.zeros((city.n_wijken, *per_buurt.shape[1:]))
    np.add.at(out, city.buurt_wijk, per_buurt)
    return out


def run(model) -> None:
    """Take this year's census (model.census)."""
    model.census = take(model)
