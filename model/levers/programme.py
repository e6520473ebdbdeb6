"""Construction programme: dwellings per year per segment, located by a rule.

Each year of the schedule, `programme_per_year[s]` dwellings of each segment s are added
(exact over the run, see `model.levers.yearly_amount`), whatever the demand:
- a share `programme_transformation_share` of the rented ones is made by transforming
  vacant private rentals ("transformation and use of vacant buildings"), drawn at random and
  likelier in buurten of high vacancy, structural vacancy included, which the transformation
  brings back onto the market; the rest is built new;
- new rented flats are zero-step (nultredenwoningen) with probability
  `programme_zero_step_share`; heads aged 65+ value them (`beta_zero_step`);
- location: 'missing_segments' puts each segment where its share of the buurt's stock is
  lowest, filling the gap to the city share (buurten of at least 50 dwellings);
  'market' puts it where the segment already is (developers follow existing demand).
Dwellings the programme builds (not those it transforms) fall under target-group
regulation when that lever is on.
"""

import numpy as np

from model import stock
from model.categories import SEGMENTS, Owner
from model.categories import Segment as S
from model.jit import jit
from model.synthesis import largest_remainder

NAME = "programme"
MIN_BUURT_DWELLINGS = 50  # real dwellings; smaller buurten get no programme
RENTED = (S.CORP_SOCIAL, S.CORP_MIDDLE, S.PRIVATE_CHEAP, S.PRIVATE_FREE)


def is_on(params) -> bool:
    return sum(params.programme_per_year) > 0


def apply(model) -> None:
    from model.levers import scheduled, yearly_amount

    p = model.params
    if not (is_on(p) and scheduled(model, NAME)):
        return
    per_buurt = _stock_per_buurt(model)
    for s, per_year in enumerate(p.programme_per_year):
        n = yearly_amount(model, f"programme_{SEGMENTS[s]}", per_year, p.programme_start)
        if n == 0:
            continue
        if s in RENTED and p.programme_transformation_share > 0:
            n -= transform(model, s, int(round(n * p.programme_transformation_share)),
                           per_buurt)
        buurten = locate(model, s, n, per_buurt)
        per_buurt[:, s] += np.bincount(buurten, minlength=per_buurt.shape[0])
        flats = s in RENTED
        zero_step = flats & (model.rng.random(n) < p.programme_zero_step_share)
        stock.build(model, np.full(n, s), buurten, zero_step=zero_step)


def transform(model, segment: int, n: int, per_buurt: np.ndarray) -> int:
    """Turn up to `n` vacant private rentals into `segment`; returns how many. The
    dwellings per buurt and segment (`per_buurt`) are updated to match."""
    from model.levers import rows_of

    d, p = model.dwellings, model.params
    vacant = rows_of(model, Owner.PRIVATE_LANDLORD, vacant_only=True)
    c = model.census
    vacancy = c.vacant.sum(axis=1) / np.maximum(c.dwelling_total, 1)
    chosen = stock.pick(model, vacant, n, vacancy[d.buurt[vacant]] + 1e-3)
    corporation = segment in (S.CORP_SOCIAL, S.CORP_MIDDLE)
    buurt, was = d.buurt[chosen], d.segment[chosen]
    stock.relabel(model, chosen, segment, rent=p.new_rent[segment], acquisition=corporation)
    d.withheld[chosen] = False  # a transformed building is back in use: on the market
    np.subtract.at(per_buurt, (buurt, was), 1.0)
    np.add.at(per_buurt, (buurt, segment), 1.0)
    return int(chosen.size)


def _stock_per_buurt(model) -> np.ndarray:
    """Dwellings per buurt and segment."""
    d = model.dwellings
    n_rows = d.n_rows
    per_buurt = np.zeros((model.city.n_buurten, 8))
    _count_per_buurt(d.alive[:n_rows], d.buurt[:n_rows], d.segment[:n_rows], per_buurt)
    return per_buurt


@jit
def _count_per_buurt(live, buurt, segment, per_buurt):
    """One pass over the stock (a count per buurt and segment, as floats)."""
    for i in range(live.size):
        if live[i]:
            per_buurt[buurt[i], segment[i]] += 1.0


def locate(model, segment: int, n: int, per_buurt: np.ndarray) -> np.ndarray:
    """The buurt of each of `n` new dwellings of `segment`, by the location rule
    (`per_buurt`: dwellings per buurt and segment now)."""
    p, city = model.params, model.city
    total = per_buurt.sum(axis=1)
    have = per_buurt[:, segment]
    eligible = total >= MIN_BUURT_DWELLINGS * p.scale
    if p.programme_location == "missing_segments":
        city_share = (have.sum() + n) / total.sum()
        weight = np.where(eligible, np.maximum(city_share * total - have, 0.0), 0.0)
        if weight.sum() <= 0:
            weight = np.where(eligible, total, 0.0)
        counts = largest_remainder(weight, n)
    else:
        weight = np.where(eligible, have + 0.05 * total, 0.0)
        counts = model.rng.multinomial(n, weight / weight.sum())
    return np.repeat(np.arange(city.n_buurten), counts)


def rules(params, city) -> list:
    return []
