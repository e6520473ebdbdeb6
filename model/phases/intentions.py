"""Move intentions: which households want to move this year, and why.

Each household has a yearly probability of wanting to move: a base rate by the head's age
(CBS moving rates), raised for private tenants and lowered for owners, and multiplied when
the dwelling no longer fits:
- *income_rise*: the household's income class lies above what its segment fits (a middle or
  high income in social or cheap rent), the start of the vision's "sorting machine";
- *unaffordable*: housing costs above 40% of income;
- *crowded*: more persons than rooms;
- *neighbourhood*: the buurt's liveability below the city mean (for all but the lowest class).
The reason recorded is the strongest of these, or *life_stage* when none applies. Whether the
household actually moves, stays or leaves the city is decided in the market.
"""

import numpy as np

from model.categories import IncomeClass, Owner
from model.categories import Segment as S
from model.fit import below
from model.ledger import REASON
from model.phases.market import Choosers
from model.synthesis import AGE_BANDS

UNAFFORDABLE_SHARE = 0.40  # housing cost share of income above which a household is squeezed


def move_probabilities(model, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probability of wanting to move and the reason code, per household row."""
    p, h, d = model.params, model.households, model.dwellings
    dw = h.dwelling[rows]
    band = np.clip(np.searchsorted(AGE_BANDS, h.age[rows], side="right") - 1, 0, 6)
    prob = np.asarray(p.move_hazard_by_age)[band]
    owner = d.owner[dw]
    prob = prob * np.where(owner == Owner.PRIVATE_LANDLORD, p.move_multiplier_private_rent, 1.0)
    prob = prob * np.where(owner == Owner.OWNER_OCCUPIER, p.move_multiplier_owner, 1.0)

    seg = d.segment[dw]
    income = np.maximum(h.income[rows], 1.0)
    cost = np.where(seg >= S.OWN_1, d.woz[dw] * p.owner_cost_rate, d.rent[dw] * 12.0) / income
    liveability_gap = np.maximum(-model.liveability[d.buurt[dw]], 0.0)
    not_lowest = h.cls[rows] != IncomeClass.LOW_PT
    factors = np.stack([
        np.where(below(h.cls[rows], seg), p.move_multiplier_misfit_up, 1.0),
        np.where(cost > UNAFFORDABLE_SHARE, p.move_multiplier_unaffordable, 1.0),
        np.where(h.size[rows] > d.rooms[dw], p.move_multiplier_crowded, 1.0),
        np.where(not_lowest, 1.0 + p.move_multiplier_liveability * liveability_gap, 1.0),
    ])
    codes = np.array([REASON["income_rise"], REASON["unaffordable"], REASON["crowded"],
                      REASON["neighbourhood"]], dtype=np.int8)
    strongest = np.argmax(factors, axis=0)
    reason = np.where(factors.max(axis=0) > 1.0, codes[strongest], REASON["life_stage"])
    return np.minimum(prob * factors.prod(axis=0), 0.9), reason.astype(np.int8)


def run(model) -> None:
    """Draw this year's voluntary movers into model.intent."""
    h = model.households
    rows = h.rows()
    rows = rows[h.dwelling[rows] >= 0]
    prob, reason = move_probabilities(model, rows)
    wants = model.rng.random(rows.size) < prob
    movers = rows[wants]
    model.intent = Choosers(
        rows=movers,
        reason=reason[wants],
        origin_dwelling=h.dwelling[movers].copy(),
        can_stay=np.ones(movers.size, dtype=bool),
        newcomer=np.zeros(movers.size, dtype=bool),
    )
