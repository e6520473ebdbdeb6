"""Bandwidth (bandbreedte): every wijk's corporation share into 21-51% by the last year,
while the city's share stays at 36%.

Each year of the schedule, for every wijk of at least 100 dwellings (as the indicator
counts them), the lever computes the change that brings its corporation share to the band
(aimed `MARGIN` inside it) by `bandwidth_end - LEAD_YEARS`, spread evenly over the years
left, and does this year's part:
- a wijk above the band loses corporation dwellings: a share `bandwidth_demolish_share` is
  demolished (drawn at random, vacant ones `VACANT_ODDS` times likelier and those in buurten
  of low liveability likelier; tenants displaced, reason `bandwidth`); the rest is sold:
  vacant dwellings to owner-occupiers, let ones to private landlords at the same rent
  (mostly cheap private rent) with the tenant staying (koop breekt geen huur), so nobody
  moves for a sale;
- a wijk below the band gains them: at least a share `bandwidth_build_share` built new (in
  buurten drawn in proportion to their dwellings corporations do not own), the rest bought
  from private landlords (cheap rentals three times likelier; the tenant stays); what cannot
  be bought is built;
- the city share is then brought back to `bandwidth_city_share` each year (whatever other
  levers changed) by adding or removing more in any wijk of 100+ dwellings, as far as it
  stays `MARGIN` inside the band (the yearly cap can leave the city share short).
Every change takes effect at once, so the shares the lever plans with are the ones the
census counts. At most `bandwidth_max_per_year` dwellings leave wijken in a year.
"""

import numpy as np

from model import stock
from model.categories import Owner
from model.categories import Segment as S
from model.jit import jit
from model.phases.indicators import MIN_WIJK_DWELLINGS
from model.rules import LIBERALISATION_LIMIT
from model.state import NO_CHANGE

NAME = "bandwidth"
MARGIN = 0.015  # aim this far inside the band, so sampling noise does not push a wijk out
LEAD_YEARS = 1  # reach the band a year before the last one (a margin for chance)
VACANT_ODDS = 5.0
# Plain numbers for the compiled loop:
CORPORATION, PRIVATE_LANDLORD = int(Owner.CORPORATION), int(Owner.PRIVATE_LANDLORD)
CORP_MIDDLE = int(S.CORP_MIDDLE)


def is_on(params) -> bool:
    return bool(params.bandwidth)


def plan(model, total: np.ndarray, corp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Corporation dwellings to take out of and to add to each wijk this year (floats), for
    `total` dwellings per wijk of which `corp` are the corporation's."""
    p = model.params
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

    p, d, city = model.params, model.dwellings, model.city
    if not (is_on(p) and scheduled(model, NAME)):
        return
    n_rows = d.n_rows
    total, corp = np.zeros(city.n_wijken), np.zeros(city.n_wijken)
    other = np.zeros(city.n_buurten)  # dwellings corporations do not own: where new ones go
    corp_rows, private_rows = np.empty(n_rows, dtype=np.int64), np.empty(n_rows, dtype=np.int64)
    n_corp, n_private = _tally(d.alive[:n_rows], d.wijk[:n_rows], d.buurt[:n_rows],
                               d.owner[:n_rows], d.pending_segment[:n_rows], total, corp, other,
                               corp_rows, private_rows)
    take, add = plan(model, total, corp)
    take, add = _whole(model, take), _whole(model, add)
    _take_out(model, corp_rows[:n_corp], take)
    _add_in(model, private_rows[:n_private], add, other)


@jit
def _tally(live, wijk, buurt, owner, pending_segment, total, corp, other, corp_rows,
           private_rows):
    """One pass over the stock (columns read whole): per wijk the living dwellings (`total`)
    and the corporation's (`corp`, a sale waiting for its letting counted as done); per buurt
    the dwellings corporations do not own (`other`); the rows of corporation and private
    rentals without a change waiting, in row order. Returns how many of each."""
    n_corp = n_private = 0
    for i in range(live.size):
        if not live[i]:
            continue
        total[wijk[i]] += 1.0
        if owner[i] == CORPORATION:
            if pending_segment[i] <= CORP_MIDDLE:  # a change past the corporation's: a sale
                corp[wijk[i]] += 1.0
            if pending_segment[i] == NO_CHANGE:
                corp_rows[n_corp] = i
                n_corp += 1
        else:
            other[buurt[i]] += 1.0
            if owner[i] == PRIVATE_LANDLORD and pending_segment[i] == NO_CHANGE:
                private_rows[n_private] = i
                n_private += 1
    return n_corp, n_private


def _take_out(model, corp: np.ndarray, take: np.ndarray) -> None:
    """Demolish and sell `take[w]` corporation dwellings in each wijk w."""
    p, d = model.params, model.dwellings
    wijk = d.wijk[corp]
    demolish = np.minimum(_whole(model, take * p.bandwidth_demolish_share), take)

    def demolition_odds(rows):  # (a function: asked only for the wijken that demolish)
        return (np.where(d.occupant[rows] < 0, VACANT_ODDS, 1.0)
                * np.exp(-model.liveability[d.buurt[rows]]))

    def sale_odds(rows):
        return np.where(d.occupant[rows] < 0, VACANT_ODDS, 1.0) * (1.0 + d.single_family[rows])

    gone = stock.pick_per_group(model, corp, wijk, demolish, demolition_odds)
    stock.remove(model, gone, NAME)
    left = np.ones(corp.size, dtype=bool)  # (gone is a sorted subset of the sorted corp)
    left[np.searchsorted(corp, gone)] = False
    corp, wijk = corp[left], wijk[left]
    done = np.bincount(d.wijk[gone], minlength=take.size)
    sold = stock.pick_per_group(model, corp, wijk, take - done, sale_odds)
    vacant = d.occupant[sold] < 0
    stock.sell(model, sold[vacant], Owner.OWNER_OCCUPIER, NAME)
    stock.sell(model, sold[~vacant], Owner.PRIVATE_LANDLORD, NAME)


def _add_in(model, private: np.ndarray, add: np.ndarray, other: np.ndarray) -> None:
    """Buy and build `add[w]` corporation dwellings in each wijk w."""
    p, d = model.params, model.dwellings
    build = _whole(model, add * p.bandwidth_build_share)

    def purchase_odds(rows):
        return np.where(d.segment[rows] == S.PRIVATE_CHEAP, 3.0, 1.0)

    bought = stock.pick_per_group(model, private, d.wijk[private], np.maximum(add - build, 0),
                                  purchase_odds)
    segment = np.where(d.rent[bought] > LIBERALISATION_LIMIT, S.CORP_MIDDLE, S.CORP_SOCIAL)
    stock.relabel(model, bought, segment, acquisition=True)
    build = add - np.bincount(d.wijk[bought], minlength=add.size)
    where = _buurten(model, np.maximum(build, 0), other + 1e-9)
    if where.size:
        stock.build(model, np.full(where.size, S.CORP_SOCIAL), where)


def _buurten(model, n: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """`n[w]` buurten of each wijk w (wijk by wijk), drawn with replacement with odds
    `weight` (per buurt). The same numbers as `rng.choice(n_buurten, n[w], p=...)` per wijk,
    but with one uniform draw for all: choice draws `rng.random(n[w])` and looks each up in
    the cumulated p, and so does this, without choice's per-call checks."""
    city = model.city
    wijken = np.flatnonzero(n > 0)
    if wijken.size == 0:
        return np.zeros(0, dtype=np.int64)
    uniform = model.rng.random(int(n[wijken].sum()))
    # One row per wijk: numpy sums and cumulates each row as it would the row alone.
    p = np.where(city.buurt_wijk == wijken[:, None], weight, 0.0)
    cdf = (p / p.sum(axis=1, keepdims=True)).cumsum(axis=1)
    cdf /= cdf[:, -1:]
    where = np.empty(uniform.size, dtype=np.int64)
    _look_up(cdf, np.repeat(np.arange(wijken.size), n[wijken]), uniform, where)
    return where


@jit
def _look_up(cdf, row, uniform, where):
    """where[i]: the buurt uniform[i] falls in, in row row[i] of `cdf`: the number of its
    entries up to uniform[i], found by halving (as numpy's searchsorted(side='right'))."""
    for i in range(uniform.size):
        low, high = 0, cdf.shape[1]
        while low < high:
            middle = (low + high) // 2
            if cdf[row[i], middle] <= uniform[i]:
                low = middle + 1
            else:
                high = middle
        where[i] = low


def rules(params, city) -> list:
    return []
