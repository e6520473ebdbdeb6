"""Demography: a year older, incomes change, households form and end.

In order: deaths and moves to care homes end households; everyone ages a year and incomes
move (career growth when young, random shocks, job loss, retirement at 67), so households
climb and fall between income classes; couples have children, separate (two households, both
poorer), children leave home (a new young household), and singles move in with a partner.

New households (leaving home, separation) must find a dwelling: they enter the market with
no stay option and leave the city if they find nothing (model.formed). Every household that
ends or forms is written to the ledger.
"""

import numpy as np

from model import rules
from model.categories import IncomeClass, Origin
from model.jit import jit
from model.ledger import REASON
from model.phases.market import Choosers
from model.stock import home_dwelling

SURVIVOR_INCOME = 0.65  # income kept when one of two adults dies (survivor pension)
JOB_LOSS_INCOME = 0.6  # income kept after job loss or illness
SEPARATION_SHARES = (0.55, 0.45)  # income of the partner who stays / who leaves
INCOME_FLOOR = (15_000.0, 21_000.0)  # social minimum, single / multi-person
YOUNG_INCOME_MEDIAN = 21_000.0  # a young adult leaving home
VULNERABLE_AFTER_SEPARATION = 0.15  # share of low-income separations that end vulnerable


def _some(rng, rows: np.ndarray, probability: float) -> np.ndarray:
    """The rows for which an event with this yearly probability happens."""
    return rows[rng.random(rows.size, dtype=np.float32) < probability]


def death_probability_by_age(scale: float) -> np.ndarray:
    """Yearly death probability for each age 0..120: a Gompertz curve through Dutch life
    tables, times `mortality_scale` (at most 0.6)."""
    return np.minimum(GOMPERTZ * scale, 0.6)


GOMPERTZ = np.exp(-11.0 + 0.097 * np.arange(121))  # by age 0..120, before mortality_scale


def _end_households(model, rows: np.ndarray, reason: str) -> None:
    model.ledger.record(model, "dissolve", reason, rows, model.households.dwelling[rows])
    model.drop_households(rows)


def deaths_and_care(model) -> None:
    """Adults die; a household whose last adult dies ends, as does a single aged 80+ who
    moves to a care home. A surviving partner carries on with a lower income."""
    h, p, rng = model.households, model.params, model.rng
    n_living = h.count()
    first, second = rng.random(n_living), rng.random(n_living)  # one draw per adult
    ends, alone_80 = _deaths(h.n_rows, h.alive, h.age, h.adults, h.size, h.income, first,
                             second, death_probability_by_age(p.mortality_scale))
    _end_households(model, ends, "death")
    _end_households(model, _some(rng, alone_80, p.to_care_rate_80plus), "care_home")


@jit
def _deaths(n, alive, age, adults, size, income, first, second, q_by_age):
    """Deaths among the adults of the living households (`first`/`second`: a uniform draw
    per living household, in row order, for each adult), in one pass: a survivor's
    household shrinks and gets poorer. Returns the rows that end and the surviving singles
    aged 80+ (who may move to a care home). (Written without branches where the data would
    make them unpredictable: a row is written to `alone_80` always, and kept by counting
    it.)"""
    ends = np.empty(first.size, np.int64)
    alone_80 = np.empty(first.size, np.int64)
    n_ends = n_alone = i = 0
    oldest = q_by_age.size - 1
    for r in range(n):
        if not alive[r]:
            continue
        q = q_by_age[min(age[r], oldest)]
        deaths = int(first[i] < q) + int((adults[r] == 2) & (second[i] < q))
        i += 1
        if deaths > 0:
            if deaths >= adults[r]:
                ends[n_ends] = r
                n_ends += 1
                continue
            adults[r] -= 1
            size[r] -= 1
            income[r] *= SURVIVOR_INCOME
        alone_80[n_alone] = r
        n_alone += int((size[r] == 1) & (age[r] >= 80))
    return ends[:n_ends], alone_80[:n_alone]


def ageing_and_income(model) -> None:
    """Everyone ages; incomes drift with age, take random shocks, job losses and retirement."""
    h, p, rng = model.households, model.params, model.rng
    n_living = h.count()
    # Yearly factor by age: career drift, and the drop at retirement (67).
    by_age = np.ones(121)
    by_age[:35] = np.exp(p.income_drift_young)
    by_age[35:50] = np.exp(p.income_drift_mid)
    by_age[67] = p.retirement_income_ratio
    sd = p.income_shock_sd
    shock = rng.standard_normal(n_living, dtype=np.float32)  # made lognormal in place
    shock *= sd
    shock -= sd**2 / 2
    np.exp(shock, out=shock)
    lost = rng.random(n_living, dtype=np.float32)  # job loss where below job_loss_rate
    _age_and_earn(h.n_rows, h.alive, h.age, h.years, h.income, h.size, by_age, shock, lost,
                  np.float32(p.job_loss_rate))


@jit
def _age_and_earn(n, alive, age, years, income, size, by_age, shock, lost, job_loss_rate):
    """A year older and the new income of each living household, in one pass (`shock` and
    `lost` hold a draw per living household, in row order): the age factor, the shock, job
    loss (draw in `lost` below `job_loss_rate`, before 67) and the social minimum, in this
    order."""
    i = -1
    for r in range(n):
        if not alive[r]:
            continue
        i += 1
        age[r] += 1
        years[r] += 1
        a = min(age[r], by_age.size - 1)
        new = income[r] * by_age[a]
        new *= shock[i]
        if lost[i] < job_loss_rate and a < 67:
            new *= JOB_LOSS_INCOME
        floor = INCOME_FLOOR[1] if size[r] > 1 else INCOME_FLOOR[0]
        income[r] = floor if new < floor else new


def births(model) -> None:
    """Couples with a head aged 22-42 may have a child."""
    h, p, rng = model.households, model.params, model.rng
    n = h.n_rows
    age = h.age[:n]
    fertile = h.alive[:n] & (h.adults[:n] == 2) & (age >= 22) & (age <= 42)
    candidates = np.flatnonzero(fertile & (h.size[:n] < 7))
    born = _some(rng, candidates, p.birth_rate)
    h.size[born] += 1


def _new_households(model, n: int, age: np.ndarray, income: np.ndarray) -> np.ndarray:
    """Rows for `n` single-adult households formed in the city."""
    h = model.households
    rows = model.new_households(n)
    h.adults[rows] = 1
    h.size[rows] = 1
    h.age[rows] = age
    h.income[rows] = income
    h.cls[rows] = rules.income_class(income, h.size[rows])
    h.origin[rows] = Origin.FORMED
    h.arrived[rows] = model.year
    return rows


def separations(model) -> Choosers:
    """Couples split: the partner who leaves forms a new household that needs a dwelling."""
    h, p, rng = model.households, model.params, model.rng
    n = h.n_rows
    split = _some(rng, np.flatnonzero(h.alive[:n] & (h.adults[:n] == 2)), p.separation_rate)
    income = h.income[split].copy()
    h.adults[split] = 1
    h.size[split] -= 1
    h.income[split] = income * SEPARATION_SHARES[0]
    new = _new_households(model, split.size, h.age[split],
                          np.maximum(income * SEPARATION_SHARES[1], INCOME_FLOOR[0]))
    low = h.cls[new] == IncomeClass.LOW_PT
    h.vulnerable[new] = low & (rng.random(new.size) < VULNERABLE_AFTER_SEPARATION)
    return _formed(model, new, home_dwelling(model, split), "separation")


def children_leaving_home(model) -> Choosers:
    """In households with older children, one may leave home to start a household."""
    h, p, rng = model.households, model.params, model.rng
    n = h.n_rows
    has_adult_child = h.alive[:n] & (h.size[:n] > h.adults[:n]) & (h.age[:n] >= 42)
    parents = _some(rng, np.flatnonzero(has_adult_child), p.leave_home_rate)
    h.size[parents] -= 1
    n = parents.size
    age = rng.integers(18, 26, n)
    income = np.maximum(YOUNG_INCOME_MEDIAN * np.exp(0.4 * rng.standard_normal(n)),
                        INCOME_FLOOR[0])
    new = _new_households(model, n, age, income)
    return _formed(model, new, home_dwelling(model, parents), "leaving_home")


def _formed(model, rows: np.ndarray, origin_dwelling: np.ndarray, reason: str) -> Choosers:
    model.ledger.record(model, "form", reason, rows, origin_dwelling)
    return Choosers(rows=rows, reason=np.full(rows.size, REASON[reason], dtype=np.int8),
                    origin_dwelling=origin_dwelling.copy(),
                    can_stay=np.zeros(rows.size, dtype=bool),
                    newcomer=np.zeros(rows.size, dtype=bool))


def partnering(model) -> None:
    """Singles aged 20-49 pair up at random; one moves in with the other, whose household
    grows, and the mover's own household ends (its dwelling falls vacant)."""
    h, p, rng = model.households, model.params, model.rng
    n = h.n_rows
    age = h.age[:n]
    single = h.alive[:n] & (h.size[:n] == 1) & (age >= 20) & (age < 50)
    seeking = rng.permutation(_some(rng, np.flatnonzero(single & (h.dwelling[:n] >= 0)),
                                    p.partnering_rate))
    pairs = seeking.size // 2
    hosts, movers = seeking[:pairs], seeking[pairs: 2 * pairs]
    h.adults[hosts] = 2
    h.size[hosts] = 2
    h.income[hosts] += h.income[movers]
    h.age[hosts] = (h.age[hosts].astype(np.int32) + h.age[movers]) // 2
    h.vulnerable[hosts] &= h.vulnerable[movers]
    _end_households(model, movers, "partnering")


def run(model) -> None:
    """One year of demography; new households are left in model.formed for the market."""
    h = model.households
    deaths_and_care(model)
    ageing_and_income(model)
    births(model)
    formed = [separations(model), children_leaving_home(model)]
    partnering(model)
    _reclassify(h.n_rows, h.alive, h.income, h.size, h.cls, h.vulnerable)
    model.formed = Choosers.concat(*formed)


@jit
def _reclassify(n, alive, income, size, cls, vulnerable):
    """Each living household's income class from its income and size (the comparisons of
    `rules.income_class`); a household that left the lowest class is no longer vulnerable."""
    for r in range(n):
        if not alive[r]:
            continue
        multi = size[r] >= 2
        c = 0
        if income[r] > (rules.PASSEND_LIMIT_MULTI if multi else rules.PASSEND_LIMIT_SINGLE):
            c += 1
        if income[r] > (rules.DAEB_LIMIT_MULTI if multi else rules.DAEB_LIMIT_SINGLE):
            c += 1
        if income[r] > rules.MIDDLE_LIMIT:
            c += 1
        if income[r] > rules.AFFORDABLE_PURCHASE_INCOME:
            c += 1
        cls[r] = c
        if c != IncomeClass.LOW_PT:
            vulnerable[r] = False
