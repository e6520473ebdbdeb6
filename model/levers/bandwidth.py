"""Bandwidth (bandbreedte): every wijk's corporation share into 21-51% by the last year,
while the city's share stays at 36%.

Each year of the schedule, for every wijk of at least 100 dwellings (as the indicator
counts them), the lever computes the change that brings its corporation share to the band
(aimed `MARGIN` inside it) by `bandwidth_end - LEAD_YEARS`, spread evenly over the years
left, and does this year's part:
- a wijk above the band loses corporation dwellings: a share `bandwidth_demolish_share` is
  demolished (vacant ones and those in the buurten with the lowest liveability first;
  tenants displaced, reason `bandwidth`), the rest sold to owner-occupiers at their next
  letting (vacant ones at once), so nobody moves for a sale;
- a wijk below the band gains them: a share `bandwidth_build_share` built new (in its
  buurten with the fewest corporation dwellings), the rest bought from private landlords
  (cheap rentals first; the tenant stays);
- the city share is then brought back to `bandwidth_city_share` each year (whatever other
  levers changed) by adding or removing more in wijken inside the band, where that keeps
  them inside it.
Sales that wait for a letting count as done when the lever plans. `LEAD_YEARS` leaves time
for them to happen before the last year. At most `bandwidth_max_per_year` dwellings leave
wijken in a year.
"""

import numpy as np

from model import stock
from model.categories import SEGMENT_OWNER, Owner
from model.categories import Segment as S
from model.phases.indicators import MIN_WIJK_DWELLINGS
from model.rules import LIBERALISATION_LIMIT

NAME = "bandwidth"
MARGIN = 0.015  # aim this far inside the band, so sampling noise does not push a wijk out
LEAD_YEARS = 3  # reach the band this many years before the last year (sales wait for lettings)
VACANT_ODDS = 5.0
SEGMENT_OWNER_ARRAY = np.asarray(SEGMENT_OWNER)


def is_on(params) -> bool:
    return bool(params.bandwidth)


def corporation(model, rows: np.ndarray) -> np.ndarray:
    """Corporation dwellings among `rows`, counting a sale that waits for a letting as
    done."""
    d = model.dwellings
    leaving = stock.pending(model, rows) & (
        SEGMENT_OWNER_ARRAY[np.maximum(d.pending_segment[rows], 0)] != Owner.CORPORATION)
    return (d.owner[rows] == Owner.CORPORATION) & ~leaving


def plan(model) -> tuple[np.ndarray, np.ndarray]:
    """Corporation dwellings to take out of and to add to each wijk this year (floats)."""
    p, d, city = model.params, model.dwellings, model.city
    rows = d.rows()
    wijk = d.wijk[rows]
    total = np.bincount(wijk, minlength=city.n_wijken).astype(float)
    corp = np.bincount(wijk, weights=corporation(model, rows), minlength=city.n_wijken)
    years_left = max(p.bandwidth_end - LEAD_YEARS - model.year + 1, 1)
    lo, hi = p.bandwidth_low + MARGIN, p.bandwidth_high - MARGIN
    big = total >= MIN_WIJK_DWELLINGS * p.scale
    share = corp / np.maximum(total, 1)
    step = np.where(big, (np.clip(share, lo, hi) * total - corp) / years_left, 0.0)
    take, add = np.maximum(-step, 0.0), np.maximum(step, 0.0)
    # Hold the city share every year: add or take more where a wijk stays inside the band.
    net = p.bandwidth_city_share * total.sum() - corp.sum()
    extra = net - (add.sum() - take.sum())
    if extra > 0:
        room = np.where(big, np.maximum(hi * total - corp - add, 0.0), 0.0)
        add += room * min(extra / max(room.sum(), 1e-9), 1.0)
    elif extra < 0:
        room = np.where(big, np.maximum(corp - take - lo * total, 0.0), 0.0)
        take += room * min(-extra / max(room.sum(), 1e-9), 1.0)
    cap = p.bandwidth_max_per_year * p.scale
    if take.sum() > cap:
        take *= cap / take.sum()
    return take, add


def _whole(model, x: np.ndarray) -> np.ndarray:
    """Whole numbers whose expectation is x (stochastic rounding)."""
    floor = np.floor(x)
    return (floor + (model.rng.random(x.shape) < x - floor)).astype(np.int64)


def apply(model) -> None:
    from model.levers import scheduled

    p, d = model.params, model.dwellings
    if not (is_on(p) and scheduled(model, NAME)):
        return
    take, add = plan(model)
    take, add = _whole(model, take), _whole(model, add)
    rows = d.rows()
    corp = rows[corporation(model, rows) & ~stock.pending(model, rows)]
    private = rows[(d.owner[rows] == Owner.PRIVATE_LANDLORD) & ~stock.pending(model, rows)]
    for w in np.flatnonzero(take):
        _take_out(model, corp[d.wijk[corp] == w], int(take[w]))
    for w in np.flatnonzero(add):
        _add_in(model, w, private[d.wijk[private] == w], int(add[w]))


def _take_out(model, corp: np.ndarray, n: int) -> None:
    p, d = model.params, model.dwellings
    vacant = d.occupant[corp] < 0
    demolish = int(_whole(model, np.array([n * p.bandwidth_demolish_share]))[0])
    weight = np.where(vacant, VACANT_ODDS, 1.0) * np.exp(-model.liveability[d.buurt[corp]])
    gone = stock.pick(model, corp, demolish, weight)
    stock.remove(model, gone, NAME)
    left = corp[~np.isin(corp, gone)]
    weight = np.where(d.occupant[left] < 0, VACANT_ODDS, 1.0) * (1.0 + d.single_family[left])
    stock.sell(model, stock.pick(model, left, n - gone.size, weight), Owner.OWNER_OCCUPIER,
               NAME)


def _add_in(model, wijk: int, private: np.ndarray, n: int) -> None:
    p, d, city = model.params, model.dwellings, model.city
    build = int(_whole(model, np.array([n * p.bandwidth_build_share]))[0])
    weight = np.where(d.segment[private] == S.PRIVATE_CHEAP, 3.0, 1.0)
    bought = stock.pick(model, private, n - build, weight)
    segment = np.where(d.rent[bought] > LIBERALISATION_LIMIT, S.CORP_MIDDLE, S.CORP_SOCIAL)
    stock.relabel(model, bought, segment, acquisition=True)
    build = n - bought.size
    if build <= 0:
        return
    rows = d.rows()
    other = np.bincount(d.buurt[rows], weights=d.owner[rows] != Owner.CORPORATION,
                        minlength=city.n_buurten)
    weight = np.where(city.buurt_wijk == wijk, other + 1e-9, 0.0)
    buurten = model.rng.choice(city.n_buurten, size=build, p=weight / weight.sum())
    stock.build(model, np.full(build, S.CORP_SOCIAL), buurten)


def rules(params, city) -> list:
    return []
