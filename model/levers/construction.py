"""Construction to demand: the city builds what last year's unmet demand asked for.

In 'demand' mode (`construction`), each year the city builds the dwellings last year's
unmet demand asked for (in the segment that fits each unplaced household's income class),
plus enough to keep `construction_min_vacancy` of the stock vacant so the market can work
(in the segments that fit the scenario's in-movers), capped by `construction_max_per_year`.
Each new dwelling's buurt is drawn with odds proportional to the buurt's stock. It has no
schedule: it acts every year while on.
"""

import numpy as np

from model import stock
from model.categories import Segment as S
from model.synthesis import largest_remainder

NAME = "construction"
# The segment built for an unplaced household of each income class.
SEGMENT_FOR_CLASS = np.array([S.CORP_SOCIAL, S.CORP_SOCIAL, S.OWN_2, S.OWN_3, S.OWN_4])


def is_on(params) -> bool:
    return params.construction != "none"


def apply(model) -> None:
    if model.params.construction == "demand":
        to_demand(model)


def to_demand(model) -> None:
    """Build for last year's unmet demand and to keep a minimum vacancy."""
    p, d = model.params, model.dwellings
    last = model.previous_flows
    if last is None:
        return
    # Build for last year's unmet demand, in the income mix of who found nothing.
    mix = last.unmet_by_class
    unmet = last.unmet_demand
    classes = np.repeat(np.arange(mix.size), largest_remainder(mix, unmet)) if mix.sum() else []
    drows = d.rows()
    on_market = (d.occupant[drows] < 0) & ~d.withheld[drows]  # structural vacancy is not
    shortfall = max(int(p.construction_min_vacancy * drows.size - on_market.sum()), 0)
    inflow = largest_remainder(np.asarray(p.inflow_class_shares), shortfall)
    classes = np.concatenate([np.asarray(classes, dtype=np.int64),
                              np.repeat(np.arange(inflow.size), inflow)])
    wanted = SEGMENT_FOR_CLASS[classes]
    most = int(round(p.construction_max_per_year * p.scale))  # (for the real city)
    wanted = model.rng.permutation(wanted)[:most]
    if wanted.size == 0:
        return
    per_buurt = np.bincount(d.buurt[drows], minlength=model.city.n_buurten).astype(float)
    buurten = model.rng.choice(per_buurt.size, size=wanted.size, p=per_buurt / per_buurt.sum())
    stock.build(model, wanted.astype(np.int8), buurten)


def rules(params, city) -> list:
    return []
