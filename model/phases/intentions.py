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

from model.categories import SEGMENTS, IncomeClass
from model.fit import BELOW_FLAT
from model.jit import jit
from model.ledger import REASON
from model.phases.market import Choosers
from model.synthesis import AGE_BANDS

# Age band (index into move_hazard_by_age) of every age from 0 to 150.
AGE_BAND = np.clip(np.searchsorted(AGE_BANDS, np.arange(151), side="right") - 1, 0, 6)

UNAFFORDABLE_SHARE = 0.40  # housing cost share of income above which a household is squeezed
N_SEGMENTS = len(SEGMENTS)
REASON_NEIGHBOURHOOD, REASON_LIFE_STAGE = REASON["neighbourhood"], REASON["life_stage"]


def run(model) -> None:
    """Draw this year's voluntary movers into model.intent: one uniform draw per household
    with a dwelling, in row order; a household wants to move when its draw lies below its
    probability (`_movers`)."""
    p, h, d = model.params, model.households, model.dwellings
    n = h.n_rows
    draw = model.rng.random(np.count_nonzero(h.alive[:n] & (h.dwelling[:n] >= 0)))
    # Tables by age, tenure and buurt, made first; the loop reads them per household.
    f32 = np.float32
    hazard = np.asarray(p.move_hazard_by_age, dtype=f32)[AGE_BAND]
    tenure = np.array([1.0, p.move_multiplier_private_rent, p.move_multiplier_owner],
                      dtype=f32)
    # The neighbourhood factor grows with how far the buurt's liveability lies below the
    # mean; the lowest class does not move for it (the factor 1 after the last buurt).
    gap = np.maximum(-model.liveability, 0.0).astype(f32)  # per buurt
    neighbourhood = np.append(f32(1.0) + f32(p.move_multiplier_liveability) * gap, f32(1.0))
    # Each further reason's factor, where it does not apply (1) and where it does.
    factors = np.array([[1.0, p.move_multiplier_crowded],
                        [1.0, p.move_multiplier_unaffordable],
                        [1.0, p.move_multiplier_misfit_up]], dtype=f32)
    movers, reason = _movers(n, h.alive, h.dwelling, h.age, h.cls, h.size, h.income,
                             d.owner, d.buurt, d.rooms, d.cost, d.segment, hazard, tenure,
                             neighbourhood, factors, BELOW_FLAT, draw)
    model.intent = Choosers(
        rows=movers,
        reason=reason,
        origin_dwelling=h.dwelling[movers].copy(),
        can_stay=np.ones(movers.size, dtype=bool),
        newcomer=np.zeros(movers.size, dtype=bool),
    )


# Reasons that multiply the probability, in the order `_movers` tests them (the rows of
# `factors`); the first of equally strong ones is recorded.
MULTIPLIED = np.array([REASON["crowded"], REASON["unaffordable"], REASON["income_rise"]],
                      dtype=np.int8)


@jit
def _movers(n, alive, dwelling, age, cls, size, income, owner, buurt, rooms, cost, segment,
            hazard, tenure, neighbourhood, factors, below, draw):
    """The households that want to move (in row order) and their reasons. For each living
    household with a dwelling: the base rate by age and tenure, times the neighbourhood
    factor, times the factor of each further reason (1 where it does not apply: the same
    float32 number), at most 0.9; the strongest factor gives the reason. It moves when its
    draw (the next of `draw`) lies below that probability. Written with table reads and
    selections instead of branches on the data, which would be unpredictable."""
    movers = np.empty(draw.size, np.int64)
    reasons = np.empty(draw.size, np.int8)
    one, cap = np.float32(1.0), np.float32(0.9)
    lowest = neighbourhood.size - 1  # the factor 1 of the lowest class
    k = n_movers = 0
    for r in range(n):
        dw = dwelling[r]
        if not alive[r] or dw < 0:
            continue
        c = cls[r]
        prob = hazard[age[r]] * tenure[owner[dw]]
        strongest = neighbourhood[buurt[dw] if c != IncomeClass.LOW_PT else lowest]
        prob *= strongest
        why = REASON_NEIGHBOURHOOD if strongest > one else REASON_LIFE_STAGE
        applies = (size[r] > rooms[dw],
                   cost[dw] > UNAFFORDABLE_SHARE * income[r],
                   below[c * N_SEGMENTS + segment[dw]])
        for j in range(3):
            prob *= factors[j, int(applies[j])]
            stronger = applies[j] & (factors[j, 1] > strongest)
            why = MULTIPLIED[j] if stronger else why
            strongest = factors[j, 1] if stronger else strongest
        prob = cap if prob > cap else prob  # np.minimum (a NaN would stay NaN)
        movers[n_movers] = r
        reasons[n_movers] = why
        n_movers += int(draw[k] < prob)  # compared as float64, as numpy compares them
        k += 1
    return movers[:n_movers], reasons[:n_movers]
