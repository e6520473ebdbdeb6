"""Move intentions: which households want to move this year, and why.

Each household has a yearly probability of wanting to move: a base rate by the head's age
(CBS moving rates), raised for private tenants and lowered for owners, and multiplied when
the dwelling no longer fits:
- *income_rise*: the household's income class lies above what its segment fits (a middle or
  high income in social or cheap rent), the start of the vision's "sorting machine";
- *unaffordable*: housing costs above 40% of income;
- *crowded*: more persons than rooms;
- *neighbourhood*: the buurt's liveability below the index's reference (0, about the city
  mean), for all but the lowest class.
The reason recorded is the strongest of these, or *life_stage* when none applies. Whether the
household actually moves, stays or leaves the city is decided in the market.
"""

import numpy as np

from model.categories import IncomeClass
from model.fit import below
from model.ledger import REASON
from model.phases.market import Choosers
from model.synthesis import AGE_BANDS

# Age band (index into move_hazard_by_age) of every age from 0 to 150.
AGE_BAND = np.clip(np.searchsorted(AGE_BANDS, np.arange(151), side="right") - 1, 0, 6)

UNAFFORDABLE_SHARE = 0.40  # housing cost share of income above which a household is squeezed


def move_probabilities(model, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probability of wanting to move and the reason code, per household row.

    It runs over every household each year, so tables by age, tenure and buurt are made
    first and read with one gather each (`np.take`), and the multipliers apply in place."""
    p, h, d = model.params, model.households, model.dwellings
    dw = h.dwelling[rows]
    cls = h.cls[rows]
    hazard = np.asarray(p.move_hazard_by_age, dtype=np.float32)[AGE_BAND]
    tenure = np.array([1.0, p.move_multiplier_private_rent, p.move_multiplier_owner],
                      dtype=np.float32)
    prob = np.take(hazard, h.age[rows]) * np.take(tenure, d.owner[dw])

    # Each reason multiplies the probability; the strongest one is recorded. The
    # neighbourhood factor grows with how far the buurt's liveability lies below the mean.
    gap = np.maximum(-model.liveability, 0.0).astype(np.float32)  # per buurt
    neighbourhood = np.float32(1.0) + np.float32(p.move_multiplier_liveability) * gap
    strongest = np.where(cls != IncomeClass.LOW_PT, np.take(neighbourhood, d.buurt[dw]),
                         np.float32(1.0))
    prob *= strongest
    reason = np.where(strongest > 1.0, REASON["neighbourhood"], REASON["life_stage"]).astype(
        np.int8)
    for name, applies, multiplier in (
        ("crowded", h.size[rows] > d.rooms[dw], p.move_multiplier_crowded),
        ("unaffordable", d.cost[dw] > UNAFFORDABLE_SHARE * h.income[rows],
         p.move_multiplier_unaffordable),
        ("income_rise", below(cls, d.segment[dw]), p.move_multiplier_misfit_up),
    ):
        np.multiply(prob, multiplier, out=prob, where=applies)
        stronger = applies & (multiplier > strongest)
        np.putmask(reason, stronger, REASON[name])
        np.putmask(strongest, stronger, multiplier)
    return np.minimum(prob, 0.9), reason


def run(model) -> None:
    """Draw this year's voluntary movers into model.intent."""
    h = model.households
    n = h.n_rows
    rows = np.flatnonzero(h.alive[:n] & (h.dwelling[:n] >= 0))
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
