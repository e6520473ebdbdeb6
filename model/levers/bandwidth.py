"""Bandwidth (bandbreedte): every wijk's corporation share into 21-51% by the last year,
while the city's share stays at 36%.

Each year of the schedule, for every wijk of at least 100 dwellings (as the indicator
counts them), the lever computes the change that brings its corporation share to the band
(aimed `MARGIN` inside it) by `bandwidth_end - LEAD_YEARS`, spread evenly over the years
left, and does this year's part:
- a wijk above the band loses corporation dwellings: a share `bandwidth_demolish_share` is
  demolished (vacant ones and those in the buurten with the lowest liveability first;
  tenants displaced, reason `bandwidth`); the rest is sold: vacant dwellings to
  owner-occupiers, let ones to private landlords with the tenant staying (liberalisation;
  koop breekt geen huur), so nobody moves for a sale;
- a wijk below the band gains them: a share `bandwidth_build_share` built new (in its
  buurten with the fewest corporation dwellings), the rest bought from private landlords
  (cheap rentals first; the tenant stays);
- the city share is then brought back to `bandwidth_city_share` each year (whatever other
  levers changed) by adding or removing more in wijken inside the band, where that keeps
  them inside it.
Every change takes effect at once, so the shares the lever plans with are the ones the
census counts. At most `bandwidth_max_per_year` dwellings leave wijken in a year.
"""

import numpy as np

from model import stock
from model.categories import Owner
from model.categories import Segment as S
from model.phases.indicators import MIN_WIJK_DWELLINGS
from model.rules import LIBERALISATION_LIMIT

NAME = "bandwidth"
MARGIN = 0.015  # aim this far inside the band, so sampling noise does not push a wijk out
LEAD_YEARS = 1  # reach the band a year before the last one (a margin for chance)
VACANT_ODDS = 5.0


def is_on(params) -> bool:
    return bool(params.bandwidth)


def corporation(model, owner: np.ndarray) -> np.ndarray:
    """Per dwelling row (up to `n_rows`; `owner` their owners): whether it is the
    corporation's, counting a sale that waits for a letting as done."""
    # A pending change into a segment past the corporation's ones (S.CORP_MIDDLE) is a sale;
    # NO_CHANGE (-1) is none.
    leaving = model.dwellings.pending_segment[:owner.size] > S.CORP_MIDDLE
    return (owner == Owner.CORPORATION) & ~leaving


def plan(model, live: np.ndarray, is_corp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Corporation dwellings to take out of and to add to each wijk this year (floats), for
    the living dwellings (`live`, a mask over the rows) of which `is_corp` are the
    corporation's."""
    from model.levers import count_by

    p, d, city = model.params, model.dwellings, model.city
    wijk = d.wijk[: d.n_rows]
    total = count_by(wijk, live, city.n_wijken)
    corp = count_by(wijk, is_corp & live, city.n_wijken)
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
    from model.levers import count_by, scheduled

    p, d = model.params, model.dwellings
    if not (is_on(p) and scheduled(model, NAME)):
        return
    # Columns read whole (as slices) and masked by `live`: cheaper than gathering rows.
    n_rows = d.n_rows
    live, owner = d.alive[:n_rows], d.owner[:n_rows]
    pending = stock.pending(model, slice(n_rows))
    is_corp = corporation(model, owner)
    take, add = plan(model, live, is_corp)
    take, add = _whole(model, take), _whole(model, add)
    corp = d.living(is_corp & ~pending)
    private = d.living((owner == Owner.PRIVATE_LANDLORD) & ~pending)
    # Dwellings per buurt that corporations do not own: where new corporation homes go.
    other = count_by(d.buurt[:n_rows], live & (owner != Owner.CORPORATION), model.city.n_buurten)
    _take_out(model, corp, take)
    _add_in(model, private, add, other)


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
    ends = np.cumsum(n[wijken])
    where = []
    for w, end in zip(wijken, ends, strict=True):
        p = np.where(city.buurt_wijk == w, weight, 0.0)
        cdf = (p / p.sum()).cumsum()
        cdf /= cdf[-1]
        where.append(cdf.searchsorted(uniform[end - n[w]:end], side="right"))
    return np.concatenate(where)


def rules(params, city) -> list:
    return []
