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


def move_probabilities(model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The households with a dwelling, each one's probability of wanting to move and the
    reason code.

    It runs over every household each year, so tables by age, tenure and buurt are made
    first, and one compiled loop (`_probabilities`) reads them per household. The
    probability is float32, as the tables are."""
    p, h, d = model.params, model.households, model.dwellings
    f32 = np.float32
    hazard = np.asarray(p.move_hazard_by_age, dtype=f32)[AGE_BAND]
    tenure = np.array([1.0, p.move_multiplier_private_rent, p.move_multiplier_owner],
                      dtype=f32)
    # The neighbourhood factor grows with how far the buurt's liveability lies below the mean.
    gap = np.maximum(-model.liveability, 0.0).astype(f32)  # per buurt
    neighbourhood = f32(1.0) + f32(p.move_multiplier_liveability) * gap
    multipliers = np.array([p.move_multiplier_crowded, p.move_multiplier_unaffordable,
                            p.move_multiplier_misfit_up], dtype=f32)
    return _probabilities(h.n_rows, h.alive, h.dwelling, h.age, h.cls, h.size, h.income,
                          d.owner, d.buurt, d.rooms, d.cost, d.segment, hazard, tenure,
                          neighbourhood, multipliers, BELOW_FLAT)


# Reasons that multiply the probability, in the order `_probabilities` tests them (the
# order of `multipliers`); the first of equally strong ones is recorded.
MULTIPLIED = np.array([REASON["crowded"], REASON["unaffordable"], REASON["income_rise"]],
                      dtype=np.int8)


@jit
def _probabilities(n, alive, dwelling, age, cls, size, income, owner, buurt, rooms, cost,
                   segment, hazard, tenure, neighbourhood, multipliers, below):
    """For each living household with a dwelling (in row order): the base rate by age and
    tenure, times the neighbourhood factor (not for the lowest class), times the multiplier
    of each reason that applies (times 1 where it does not: the same float32 number); the
    strongest factor gives the reason. Choices are made by selecting values, not by
    branching, as the data make branches unpredictable."""
    rows = np.empty(n, np.int64)
    prob = np.empty(n, np.float32)
    reason = np.empty(n, np.int8)
    applies = np.empty(multipliers.size, np.bool_)
    one, cap = np.float32(1.0), np.float32(0.9)
    k = 0
    for r in range(n):
        dw = dwelling[r]
        if not alive[r] or dw < 0:
            continue
        pr = hazard[age[r]] * tenure[owner[dw]]
        strongest = neighbourhood[buurt[dw]] if cls[r] != IncomeClass.LOW_PT else one
        pr *= strongest
        why = REASON_NEIGHBOURHOOD if strongest > one else REASON_LIFE_STAGE
        applies[0] = size[r] > rooms[dw]
        applies[1] = cost[dw] > UNAFFORDABLE_SHARE * income[r]
        applies[2] = below[cls[r] * N_SEGMENTS + segment[dw]]
        for j in range(multipliers.size):
            m = multipliers[j]
            pr *= m if applies[j] else one
            stronger = applies[j] & (m > strongest)
            why = MULTIPLIED[j] if stronger else why
            strongest = m if stronger else strongest
        rows[k] = r
        prob[k] = cap if pr > cap else pr  # np.minimum (a NaN would stay NaN)
        reason[k] = why
        k += 1
    return rows[:k], prob[:k], reason[:k]


def run(model) -> None:
    """Draw this year's voluntary movers into model.intent."""
    h = model.households
    rows, prob, reason = move_probabilities(model)
    wants = model.rng.random(rows.size) < prob
    movers = rows[wants]
    model.intent = Choosers(
        rows=movers,
        reason=reason[wants],
        origin_dwelling=h.dwelling[movers].copy(),
        can_stay=np.ones(movers.size, dtype=bool),
        newcomer=np.zeros(movers.size, dtype=bool),
    )
