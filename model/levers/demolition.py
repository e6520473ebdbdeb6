"""Demolition and replacement: the least wanted stock is demolished where vacancy is high,
and part of it replaced.

Each year of the schedule, the lever computes how many dwellings the city can have for the
households the scenario's path expects at the end of the year (the path of
`model/phases/migration.py`) with vacancy at
`demolition_vacancy_cap` (less a safety margin of `SAFETY`), and demolishes the excess,
corrected for the replacement it builds: D = excess / (1 - `demolition_replacement_ratio`),
at most `demolition_max_per_year`.
It runs after the levers that add dwellings (the band's additions, which it sees the next
year, excepted). Candidates lie in buurten whose vacancy exceeds `demolition_buurt_vacancy`
(in all buurten, if none does): every vacant dwelling (private ones are bought up for it)
and the occupied corporation dwellings; vacant ones are `VACANT_ODDS` times likelier, and
those in buurten of low liveability likelier, so corporations demolish occupied stock (and
displace its tenants, reason `demolition`) only where too few dwellings stand empty. Replacement:
round(D x ratio) dwellings in the segment mix `demolition_replacement_mix`, in the buurten
where the demolished ones stood.
"""

import numpy as np

from model import stock
from model.categories import Owner
from model.jit import jit
from model.phases.migration import target_households
from model.state import NO_CHANGE
from model.synthesis import largest_remainder

NAME = "demolition"
SAFETY = 0.006  # aim this far under the cap: the year's households are an expectation
VACANT_ODDS = 20.0
CORPORATION = int(Owner.CORPORATION)  # (a plain number for the compiled loop)


def is_on(params) -> bool:
    return bool(params.demolition)


def excess(model) -> float:
    """Dwellings above what keeps the expected year-end vacancy at the cap."""
    p = model.params
    households = target_households(model, model.year)
    allowed = households / (1.0 - max(p.demolition_vacancy_cap - SAFETY, 0.0))
    return model.dwellings.count() - allowed


def apply(model) -> None:
    from model.levers import scheduled

    p, d = model.params, model.dwellings
    if not (is_on(p) and scheduled(model, NAME)):
        return
    over = excess(model)
    if over <= 0:
        return
    ratio = p.demolition_replacement_ratio
    n = min(int(np.ceil(over / (1.0 - ratio))), int(round(p.demolition_max_per_year * p.scale)))
    pool, odds_class, vacant, dwellings = survey(model)
    high = vacant / np.maximum(dwellings, 1) > p.demolition_buurt_vacancy
    in_high = _keep_in_buurten(pool, odds_class, high)  # (in place; none: all are kept)
    if in_high:
        pool, odds_class = pool[:in_high], odds_class[:in_high]
    gone = stock.pick(model, pool, n, log_odds=log_odds(model)[odds_class])
    buurten = d.buurt[gone].copy()
    stock.remove(model, gone, NAME)
    replace = int(round(gone.size * ratio))
    if replace:
        segments = np.repeat(np.arange(8), largest_remainder(
            np.asarray(p.demolition_replacement_mix), replace))
        where = model.rng.permutation(buurten)[:replace]
        stock.build(model, model.rng.permutation(segments), where)


def log_odds(model) -> np.ndarray:
    """log(odds) of a dwelling by its class 2 x buurt + vacant: likelier where liveability is
    low, `VACANT_ODDS` times likelier when vacant (taken per class: the same numbers as per
    dwelling, for a hundred classes instead of thousands of dwellings)."""
    odds = np.array([1.0, VACANT_ODDS]) * np.exp(-model.liveability)[:, None]
    return np.log(np.maximum(odds, 1e-300)).ravel()


def survey(model) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows that may be demolished: vacant dwellings and occupied corporation ones,
    without a change waiting for their letting, with their classes for `log_odds`; and per
    buurt the vacant and all living dwellings. One compiled pass over the columns."""
    d, n_b = model.dwellings, model.city.n_buurten
    n_rows = d.n_rows
    rows, odds_class = np.empty(n_rows, dtype=np.int64), np.empty(n_rows, dtype=np.int64)
    vacant, dwellings = np.zeros(n_b), np.zeros(n_b)
    n = _survey(d.alive[:n_rows], d.buurt[:n_rows], d.occupant[:n_rows], d.owner[:n_rows],
                d.pending_segment[:n_rows], rows, odds_class, vacant, dwellings)
    return rows[:n], odds_class[:n], vacant, dwellings


@jit
def _survey(live, buurt, occupant, owner, pending_segment, rows, odds_class, vacant,
            dwellings):
    n = 0
    for i in range(live.size):
        if not live[i]:
            continue
        empty = occupant[i] < 0
        dwellings[buurt[i]] += 1.0
        if empty:
            vacant[buurt[i]] += 1.0
        if pending_segment[i] == NO_CHANGE and (empty or owner[i] == CORPORATION):
            rows[n] = i
            odds_class[n] = 2 * buurt[i] + empty
            n += 1
    return n


@jit
def _keep_in_buurten(rows, odds_class, buurten):
    """Keep the candidates in the buurten where `buurten` holds at the front of `rows` and
    `odds_class`, in order; return how many (none kept: nothing moved)."""
    n = 0
    for j in range(rows.size):
        if buurten[odds_class[j] // 2]:
            rows[n], odds_class[n] = rows[j], odds_class[j]
            n += 1
    return n


def rules(params, city) -> list:
    return []
