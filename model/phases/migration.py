"""Migration: households leaving the region, and households from outside the city, steered by
the scenario's household path.

Departures have two causes. Some households leave the region for reasons outside the
housing market (a job, study or a partner elsewhere): `leave_region_rate`, by the head's age,
decided here before the market. Others leave because the market offers them nothing better
than leaving (decided in the market: residents who find the outside option better, or who
must move and find nothing). Arrivals follow the model's household path
(`model.household_path`): by default the scenario's, where the vision's Table 3 gives the
change in households from 2024 to 2050 (or a scenario gives it as a share of the start, for
any city), read as a straight path (`StraightPath`); a hindcast steers toward the observed
households instead. Each year this phase draws
as many candidate households as it takes to stay on that path: the gap between the path and
the households left after demography, plus the departures expected in this year's market
(last year's number). The next year's draw corrects any difference. Their mix (income class,
vulnerability, origin) is the scenario's inflow profile: more low incomes and more vulnerable
households than among residents in the base scenario (Heerlen-Noord 2021).

Candidates search in the same market as the residents (model.newcomers). If the year still
falls short of the path afterwards (more departures than expected, or candidates who found
nothing), `top_up` lets further candidates search what is left. What is still missing is the
year's unmet demand: with too few dwellings, growth is capped by the stock.
"""

import numpy as np

from model import rules
from model.categories import IncomeClass, Origin
from model.jit import jit
from model.ledger import REASON
from model.params import ParameterError
from model.phases.market import Choosers, clear
from model.synthesis import draw_incomes

NEWCOMER_SIZE_PROBS = np.array([
    [0.62, 0.18, 0.12, 0.06, 0.02],  # low_pt: 1..5 persons
    [0.45, 0.27, 0.14, 0.10, 0.04],
    [0.38, 0.32, 0.14, 0.12, 0.04],
    [0.30, 0.35, 0.15, 0.15, 0.05],
    [0.25, 0.38, 0.15, 0.16, 0.06],  # high
])
NEWCOMER_SIZE_CUMULATIVE = np.cumsum(NEWCOMER_SIZE_PROBS, axis=1)
NEWCOMER_AGE_RANGE = (19, 55)
NEWCOMER_AGE_MODE = 28
TOP_UP_PASSES = 6  # extra searches by newcomers after the main market, to reach the path
TOP_UP_MIN_PLACED = 0.2  # a pass that places fewer of its candidates than this is the last
MAX_UNPLACED_SHARE = 0.5  # the main draw adds at most as many candidates as it needs
LAST_YEAR = 2050  # the end of the scenarios' paths (vision Table 3)
TOP_UP_TOLERANCE = 0.005  # share of households the path may be missed by before its end


class StraightPath:
    """The scenario's household path: a straight line from the start to `household_change_2050`
    more households in 2050 (the vision's Table 3), whatever the start year."""

    end_year = LAST_YEAR

    def __init__(self, params, start_households: float):
        self.params, self.start_households = params, start_households

    def target(self, year: int) -> float:
        p = self.params
        share = min(max((year - p.start_year) / (self.end_year - p.start_year), 0.0), 1.0)
        return self.start_households + share * household_change(p, self.start_households)


def household_change(params, start_households: float) -> float:
    """The scenario's change in households from the start to 2050, in the simulated city:
    a number of households in the real city scaled with `scale` (Table 3), or a share of the
    start's households (`household_change_basis`)."""
    if params.household_change_basis == "share":
        return params.household_change_2050_share * start_households
    return params.household_change_2050 * params.scale


def check_household_path(params, city) -> None:
    """Refuse a path that ends with no households (an absolute change meant for a larger
    city, say), before anything is built."""
    start = float(city.buurten["households"].sum()) * params.scale
    end = start + household_change(params, start)
    if end < 1:
        if params.household_change_basis == "share":
            given = f"household_change_2050_share = {params.household_change_2050_share:g}"
        else:
            given = f"household_change_2050 = {params.household_change_2050:g} households"
        raise ParameterError(
            f"{given} would leave {end:,.0f} households in {city.name} in {LAST_YEAR} "
            f"({start:,.0f} at the start at this scale); for another city give the change "
            "as a share of the start: household_change_basis = 'share' and "
            "household_change_2050_share")


def target_households(model, year: int) -> float:
    """The household count the model's path asks for in `year`."""
    return model.household_path.target(year)


def last_year(model) -> bool:
    """Whether this is the path's last year, where it must be met exactly."""
    return model.year >= model.household_path.end_year


def draw_newcomers(model, n: int) -> np.ndarray:
    """Create `n` candidate households with the scenario's inflow profile."""
    p, h, rng = model.params, model.households, model.rng
    rows = model.new_households(n)
    cls = rng.choice(5, size=n, p=np.asarray(p.inflow_class_shares))
    size = 1 + (rng.random((n, 1)) > NEWCOMER_SIZE_CUMULATIVE[cls]).sum(axis=1)
    adults = np.where(size == 1, 1, np.where(rng.random(n) < 0.25, 1, 2))
    h.size[rows] = size
    h.adults[rows] = np.minimum(adults, size)
    h.income[rows] = draw_incomes(cls, size, rng)
    h.cls[rows] = rules.income_class(h.income[rows], size)
    lo, hi = NEWCOMER_AGE_RANGE
    h.age[rows] = np.rint(rng.triangular(lo, NEWCOMER_AGE_MODE, hi, n)).astype(np.int16)
    low = h.cls[rows] == IncomeClass.LOW_PT
    share_low = max(float(low.mean()), 1e-9)
    h.vulnerable[rows] = low & (rng.random(n) < min(p.inflow_vulnerable_share / share_low, 1.0))
    origins = np.array([Origin.PARKSTAD, Origin.NETHERLANDS, Origin.ABROAD])
    h.origin[rows] = origins[rng.choice(3, size=n, p=np.asarray(p.inflow_origin_shares))]
    h.arrived[rows] = model.year
    return rows


# Leaving the region by the head's age, relative to heads aged 25-34 (age bands of
# move_hazard_by_age: <25, 25-34, 35-44, 45-54, 55-64, 65-74, 75+). Shape after CBS moves
# between municipalities by age: young adults move away most, for study and first jobs.
LEAVE_REGION_BY_AGE = np.array([1.6, 1.0, 0.55, 0.35, 0.25, 0.2, 0.15])


def leave_region(model) -> None:
    """Households that leave the region for work, study or family this year; their
    dwellings fall vacant before the market. Runs before the intentions phase, so nobody who
    has left is also a mover."""
    from model.phases.intentions import AGE_BAND

    h, rng = model.households, model.rng
    n = h.n_rows
    draw = rng.random(np.count_nonzero(h.alive[:n] & (h.dwelling[:n] >= 0)))
    by_age = model.params.leave_region_rate * LEAVE_REGION_BY_AGE[AGE_BAND]
    leavers = _drawn(n, h.alive, h.dwelling, h.age, by_age, draw)
    model.ledger.record(model, "leave", "leave_region", leavers, h.dwelling[leavers], None)
    model.flows.left_region += int(leavers.size)
    model.drop_households(leavers)


@jit
def _drawn(n, alive, dwelling, age, by_age, draw):
    """The living households with a dwelling whose draw (one each, in row order) lies
    below the probability `by_age` gives at their age."""
    drawn = np.empty(draw.size, np.int64)
    k = n_drawn = 0
    for r in range(n):
        if alive[r] and dwelling[r] >= 0:
            drawn[n_drawn] = r
            n_drawn += int(draw[k] < by_age[age[r]])
            k += 1
    return drawn[:n_drawn]


def expected_departures(model) -> int:
    """Residents expected to leave in this year's market: last year's count (or 3% of
    households in the first year)."""
    if model.previous_flows is not None:
        return model.previous_flows.departures
    return int(round(0.03 * model.households.count()))


def _as_choosers(rows: np.ndarray) -> Choosers:
    n = rows.size
    return Choosers(
        rows=rows,
        reason=np.full(n, REASON["in_migration"], dtype=np.int8),
        origin_dwelling=np.full(n, -1, dtype=np.int64),
        can_stay=np.zeros(n, dtype=bool),
        newcomer=np.ones(n, dtype=bool),
    )


def run(model) -> None:
    """Draw this year's candidate newcomers into model.newcomers for the market."""
    departures = expected_departures(model)
    if last_year(model):  # draw a little short: the top-up then closes the gap exactly
        departures = int(0.9 * departures)
    gap = target_households(model, model.year) - model.households.count() + departures
    # As many more candidates as last year's market left without a dwelling (rules closed
    # the stock to them), so the main market, not the top-up passes, carries the path.
    # (Not in the path's last year, which must end on the path, not above it.)
    share = 0.0 if last_year(model) else expected_unplaced_share(model)
    n = max(int(round(gap / (1.0 - share))), 0)
    model.newcomers = _as_choosers(draw_newcomers(model, n))
    model.flows.newcomers_drawn = n


def expected_unplaced_share(model) -> float:
    """Share of last year's candidate newcomers that found no dwelling in the main market
    (0 in the first year; at most MAX_UNPLACED_SHARE)."""
    last = model.previous_flows
    if last is None or last.newcomers_drawn == 0:
        return 0.0
    return min(last.newcomers_unplaced / last.newcomers_drawn, MAX_UNPLACED_SHARE)


def top_up(model) -> None:
    """After the market: if the city fell short of the path by more than a small tolerance
    (more departures than expected, or newcomers who found nothing), further candidates search
    what is left, until the city is within the tolerance of the path or nobody finds a home.
    Gaps within the tolerance are closed by next year's draw, except in the path's last year
    (2050), where the tolerance is 0. What the path still misses when newcomers stop finding
    homes is the year's unmet demand: households that found no dwelling."""
    target = target_households(model, model.year)
    tolerance = 0 if last_year(model) else TOP_UP_TOLERANCE * model.households.count()
    gap = int(round(target - model.households.count()))
    if gap <= tolerance:
        return
    for _ in range(TOP_UP_PASSES):
        candidates = gap
        clear(model, _as_choosers(draw_newcomers(model, candidates)))
        gap = int(round(target - model.households.count()))
        if gap <= tolerance:
            return  # within the tolerance, as above: no unmet demand
        if candidates - gap < TOP_UP_MIN_PLACED * candidates:
            break  # the stock has (almost) nothing left these newcomers may take
    model.flows.unmet_demand = max(gap, 0)
