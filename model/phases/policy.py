"""Policy: this year's lever actions on the dwelling stock, before anyone moves.

For now one lever acts here, construction: in 'demand' mode the city builds, each year, the
dwellings last year's unmet demand asked for (in the segment that fits each unplaced
household's income class), plus enough to keep 2% of the stock vacant so the market can work
(in the segments that fit the scenario's in-movers), capped by `construction_max_per_year`.
Each new dwelling's buurt is drawn with odds proportional to the buurt's stock.
"""

import numpy as np

from model.categories import SEGMENT_OWNER, Owner
from model.categories import Segment as S
from model.synthesis import largest_remainder

# The segment built for an unplaced household of each income class.
SEGMENT_FOR_CLASS = np.array([S.CORP_SOCIAL, S.CORP_SOCIAL, S.OWN_2, S.OWN_3, S.OWN_4])
# Rent (monthly) and WOZ of a new dwelling per segment, 2024 euros (assumptions, see ODD).
NEW_RENT = np.array([650.0, 1_000.0, 800.0, 1_050.0, 0.0, 0.0, 0.0, 0.0])
NEW_WOZ = np.array([200e3, 220e3, 190e3, 240e3, 180e3, 260e3, 350e3, 460e3])
MIN_VACANCY = 0.02


def build(model, segments: np.ndarray, buurten: np.ndarray) -> np.ndarray:
    """Add one new dwelling per (segment, buurt) pair; returns their rows."""
    d = model.dwellings
    rows = d.allocate(segments.size)
    d.segment[rows] = segments
    d.owner[rows] = np.asarray(SEGMENT_OWNER)[segments]
    d.buurt[rows] = buurten
    d.wijk[rows] = model.city.buurt_wijk[buurten]
    d.rent[rows] = NEW_RENT[segments]
    d.woz[rows] = NEW_WOZ[segments]
    owned = d.owner[rows] == Owner.OWNER_OCCUPIER
    d.single_family[rows] = owned
    d.rooms[rows] = np.where(owned, 4, 3)
    d.built[rows] = model.year
    d.set_costs(rows, model.params.owner_cost_rate)
    model.flows.built += int(rows.size)
    return rows


def construction_to_demand(model) -> None:
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
    shortfall = max(int(MIN_VACANCY * drows.size - (d.occupant[drows] < 0).sum()), 0)
    inflow = largest_remainder(np.asarray(p.inflow_class_shares), shortfall)
    classes = np.concatenate([np.asarray(classes, dtype=np.int64),
                              np.repeat(np.arange(inflow.size), inflow)])
    wanted = SEGMENT_FOR_CLASS[classes]
    wanted = model.rng.permutation(wanted)[: p.construction_max_per_year]
    if wanted.size == 0:
        return
    stock = np.bincount(d.buurt[drows], minlength=model.city.n_buurten).astype(float)
    buurten = model.rng.choice(stock.size, size=wanted.size, p=stock / stock.sum())
    build(model, wanted.astype(np.int8), buurten)


def apply(model) -> None:
    """Run this year's lever actions."""
    if model.params.construction == "demand":
        construction_to_demand(model)
