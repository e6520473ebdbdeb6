"""The census: count tables per buurt, taken once a year after the market.

Liveability, the indicators and next year's market (the status of a buurt as movers see it)
all read these tables instead of counting households again. Wijk and city figures are sums
of buurt rows (`to_wijken`), so every scale adds up.
"""

from dataclasses import dataclass

import numpy as np

from model.categories import INCOME_CLASSES, SEGMENTS
from model.fit import fits

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
    """Count households and dwellings per buurt (each column gathered once, by `np.take`:
    this runs over every household and dwelling each year)."""
    h, d = model.households, model.dwellings
    n_b = model.city.n_buurten
    rows = h.rows()
    dw = np.take(h.dwelling, rows)
    buurt = np.take(d.buurt, dw).astype(np.intp)
    cls = np.take(h.cls, rows).astype(np.intp)
    cell = buurt * N_CLASSES + cls
    size = np.take(h.size, rows)
    fit = fits(cls, size, np.take(d.segment, dw), np.take(d.rent, dw))
    drows = d.rows()
    dbuurt = np.take(d.buurt, drows).astype(np.intp)
    dcell = dbuurt * N_SEGMENTS + np.take(d.segment, drows)
    vacant = np.take(d.occupant, drows) < 0
    woz = np.take(d.woz, drows)
    return Census(
        households=np.bincount(cell, minlength=n_b * N_CLASSES).reshape(n_b, N_CLASSES),
        persons=np.bincount(buurt, weights=size, minlength=n_b),
        vulnerable=np.bincount(buurt, weights=np.take(h.vulnerable, rows), minlength=n_b),
        recent_movers=np.bincount(buurt, weights=np.take(h.moved, rows) >= model.year - 1,
                                  minlength=n_b),
        fitting=np.bincount(cell, weights=fit, minlength=n_b * N_CLASSES).reshape(
            n_b, N_CLASSES),
        dwellings=np.bincount(dcell, minlength=n_b * N_SEGMENTS).reshape(n_b, N_SEGMENTS),
        vacant=np.bincount(dcell, weights=vacant, minlength=n_b * N_SEGMENTS).reshape(
            n_b, N_SEGMENTS),
        woz_total=np.bincount(dbuurt, weights=woz, minlength=n_b),
        woz_total_existing=np.bincount(dbuurt, weights=woz * (np.take(d.built, drows) == 0),
                                       minlength=n_b),
    )


def to_wijken(city, per_buurt: np.ndarray) -> np.ndarray:
    """Sum a per-buurt array (1-D or buurt x k) to wijken."""
    out = np.zeros((city.n_wijken, *per_buurt.shape[1:]))
    np.add.at(out, city.buurt_wijk, per_buurt)
    return out


def run(model) -> None:
    """Take this year's census (model.census)."""
    model.census = take(model)
