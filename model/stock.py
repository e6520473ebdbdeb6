"""Stock operations: the only way the dwelling stock changes during a run.

Levers (`model/levers/`) and the hindcast change the stock through these functions, so the
invariants hold whoever changes it:
- one household per dwelling and one dwelling per household, except for the households a
  change has just *displaced*: they have no dwelling until this year's market, where they
  search with priority (`displaced_choosers`), and either find one or leave the city;
- the census counts (dwellings per buurt and segment, owners) follow from the arrays alone;
- a removed dwelling's row is not reused within the year, so the households it displaced
  can still be traced to its buurt.

Call them before the market phase (the policy phase does). Each takes the `reason` the ledger
records for the households it displaces: a lever's name ('demolition', 'bandwidth', ...) or
'stock_change' for a change without a lever (the hindcast).

    build(model, segments, buurten, ...)           new dwellings; returns their rows
    remove(model, rows, reason)                    demolish / withdraw; occupants displaced
    sell(model, rows, to_owner, reason, vacate=)   corporation -> owner-occupier or landlord
    relabel(model, rows, segments, ..., at_next_letting=)   segment (and owner) change
    split(model, rows, units, reason, ...)         one dwelling becomes `units` dwellings
    pick(model, candidates, n, weight=)            n of the candidates, at random by weight
    check(model)                                   the invariants; raises StockError

A sale or relabel of an occupied dwelling can wait for the next letting (`at_next_letting`,
`vacate=False`): the sitting household stays and keeps its rent, and the change takes effect
when the dwelling is next vacant (`apply_pending`, called by the market on its vacancies).
"""

import numpy as np

from model import rules
from model import weighted_draws as draws
from model.categories import SEGMENT_OWNER, Owner
from model.categories import Segment as S
from model.jit import jit
from model.ledger import REASON
from model.state import NO_CHANGE, NO_DWELLING, VACANT

SEGMENT_OWNER_ARRAY = np.asarray(SEGMENT_OWNER, dtype=np.int8)
OWNER_OCCUPIER = int(Owner.OWNER_OCCUPIER)  # (a plain number for the compiled loops)
# What a change waiting for the next letting is (Dwellings.pending_kind).
RELABEL, SALE, ACQUISITION, ZERO_STEP = 0, 1, 2, 3  # ZERO_STEP: relabel into a zero-step flat
_COUNTER = {RELABEL: "relabelled", SALE: "sold", ACQUISITION: "acquired",
            ZERO_STEP: "relabelled"}


class StockError(AssertionError):
    """The stock and the households disagree (a broken invariant)."""


# --- helpers --------------------------------------------------------------------------------
def _rows(rows) -> np.ndarray:
    return np.asarray(rows, dtype=np.int64).ravel()


def _each(value, dtype, n: int) -> np.ndarray:
    """`value` per row: an array of n values as it is, one value repeated n times (quicker
    than np.broadcast_to for the few rows of a stock change)."""
    value = np.asarray(value, dtype=dtype)
    return value if value.shape == (n,) else np.full(n, value, dtype=dtype)


def _segment_for(d, rows: np.ndarray, owner: int, rent: np.ndarray) -> np.ndarray:
    """The segment a dwelling gets under `owner`: owner-occupied by WOZ class, rented by
    rent against the liberalisation limit."""
    if owner == Owner.OWNER_OCCUPIER:
        return (S.OWN_1 + rules.woz_class(d.woz[rows])).astype(np.int8)
    above = rent > rules.LIBERALISATION_LIMIT
    if owner == Owner.CORPORATION:
        return np.where(above, S.CORP_MIDDLE, S.CORP_SOCIAL).astype(np.int8)
    return np.where(above, S.PRIVATE_FREE, S.PRIVATE_CHEAP).astype(np.int8)


def _set_segment(model, rows: np.ndarray, segments: np.ndarray, rent: np.ndarray) -> None:
    """Give `rows` their new segments (owners follow) and rents now, with the yearly cost
    a household moving in would pay (`Dwellings.set_costs`); any waiting change is off."""
    d = model.dwellings
    if rows.size:
        _change_segments(rows, segments, rent, d.segment, d.owner, d.rent, d.pending_segment)
        d.set_costs(rows, model.params.owner_cost_rate)


@jit
def _change_segments(rows, segments, rent, segment, owner, rents, pending_segment):
    """One row at a time what numpy did a column at a time (rows are distinct): the
    segment, its owner, rent 0 for an owner-occupied home; no change waits any more."""
    for j in range(rows.size):
        r = rows[j]
        segment[r] = segments[j]
        owner[r] = SEGMENT_OWNER_ARRAY[segments[j]]
        rents[r] = 0.0 if owner[r] == OWNER_OCCUPIER else rent[j]
        pending_segment[r] = NO_CHANGE


# --- the year ------------------------------------------------------------------------------
def begin_year(model) -> None:
    """Rows of dwellings removed last year may be reused from now on."""
    model.dwellings.recycle()


# --- displacement ---------------------------------------------------------------------------
def displace(model, dwellings: np.ndarray, reason: str) -> np.ndarray:
    """Put the occupants of `dwellings` out of them (their dwellings become vacant); they
    enter this year's market as displaced choosers. Returns their household rows."""
    h, d = model.households, model.dwellings
    dwellings = _rows(dwellings)
    occupied = dwellings[d.occupant[dwellings] >= 0]
    rows = d.occupant[occupied]  # (indexing by an array copies: these are kept as they are)
    if rows.size == 0:
        return rows
    model.flows.displaced.add(rows, h.uid[rows],
                              np.full(rows.size, REASON[reason], dtype=np.int8), occupied,
                              d.buurt[occupied], d.wijk[occupied], d.cost[occupied])
    model.ledger.record(model, "displace", reason, rows, occupied, None)
    d.occupant[occupied] = VACANT
    h.dwelling[rows] = NO_DWELLING
    return rows


def home_dwelling(model, rows: np.ndarray) -> np.ndarray:
    """Each household's dwelling, or for a household displaced this year (no dwelling until
    the market) the dwelling it was displaced from: where a child leaving home or a
    separating partner searches from, and what the ledger records as where they came from."""
    h = model.households
    rows = _rows(rows)
    home = h.dwelling[rows].copy()
    lost = home == NO_DWELLING
    if lost.any():
        a = model.flows.displaced.arrays()
        by_uid = dict(zip(a["uid"].tolist(), a["dwelling"].tolist(), strict=True))
        home[lost] = [by_uid.get(u, NO_DWELLING) for u in h.uid[rows[lost]].tolist()]
    return home


def displaced_choosers(model):
    """This year's displaced households that still need a dwelling, as market choosers: they
    must move (no stay option), search from their old dwelling's buurt and have priority in
    corporation lettings (`DISPLACED_PRIORITY`). A household that dissolved since (death)
    is left out."""
    from model.phases.market import DISPLACED_PRIORITY, Choosers

    h = model.households
    a = model.flows.displaced.arrays()
    rows = a["row"].astype(np.int64)
    here = h.alive[rows] & (h.uid[rows] == a["uid"]) & (h.dwelling[rows] == NO_DWELLING)
    n = int(here.sum())
    return Choosers(rows=rows[here], reason=a["reason"][here].astype(np.int8),
                    origin_dwelling=a["dwelling"][here].astype(np.int64),
                    can_stay=np.zeros(n, dtype=bool), newcomer=np.zeros(n, dtype=bool),
                    priority=np.full(n, DISPLACED_PRIORITY))


def displacement_outcomes(model) -> dict[str, np.ndarray]:
    """Where this year's displaced households ended, read from the state after the market:
    per displaced household its reason code, and whether it lives in the same buurt, the same
    wijk (another buurt), elsewhere in the city, or left the city (or dissolved), and whether
    its yearly housing cost rose. Observes only; changes nothing."""
    h, d = model.households, model.dwellings
    a = model.flows.displaced.arrays()
    rows = a["row"].astype(np.int64)
    housed = (h.alive[rows] & (h.uid[rows] == a["uid"]) & (h.dwelling[rows] >= 0)
              if rows.size else np.zeros(0, dtype=bool))
    dw = np.where(housed, h.dwelling[rows] if rows.size else rows, 0)
    same_buurt = housed & (d.buurt[dw] == a["buurt"])
    same_wijk = housed & ~same_buurt & (d.wijk[dw] == a["wijk"])
    return {
        "reason": a["reason"],
        "same_buurt": same_buurt,
        "same_wijk": same_wijk,
        "elsewhere_city": housed & ~same_buurt & ~same_wijk,
        "out_of_city": ~housed,
        "cost_up": housed & (d.cost[dw] > a["cost"] * (1 + 1e-9)),
    }


# --- operations -----------------------------------------------------------------------------
def build(model, segments, buurten, *, rent=None, woz=None, rooms=None, single_family=None,
          zero_step=False) -> np.ndarray:
    """Add one vacant dwelling per (segment, buurt) pair; returns their rows.

    Rent and WOZ default to the register's new-build figures per segment (`new_rent`,
    `new_woz`); owner-occupied homes are single-family houses of 4 rooms, the rest flats of
    3 rooms, unless `rooms`/`single_family` say otherwise."""
    p, d = model.params, model.dwellings
    segments = np.asarray(segments, dtype=np.int8).ravel()
    buurten = np.asarray(buurten, dtype=np.int64).ravel()
    if segments.size != buurten.size:
        raise ValueError("build: one buurt per segment is needed")
    rows = d.allocate(segments.size)
    d.buurt[rows] = buurten
    d.wijk[rows] = model.city.buurt_wijk[buurten]
    d.woz[rows] = np.asarray(p.new_woz)[segments] if woz is None else woz
    if single_family is None:
        single_family = SEGMENT_OWNER_ARRAY[segments] == Owner.OWNER_OCCUPIER
    d.single_family[rows] = single_family
    d.rooms[rows] = np.where(d.single_family[rows], 4, 3) if rooms is None else rooms
    d.zero_step[rows] = zero_step
    d.built[rows] = model.year
    rent = (np.asarray(p.new_rent, dtype=float)[segments] if rent is None
            else _each(rent, float, rows.size))
    _set_segment(model, rows, segments, rent)  # (its owner, rent and cost: after the WOZ)
    model.flows.built += int(rows.size)
    return rows


def remove(model, rows, reason: str) -> np.ndarray:
    """Demolish (or withdraw from housing) `rows`; their occupants are displaced. Returns
    the displaced household rows."""
    d = model.dwellings
    rows = _rows(rows)
    if rows.size == 0:
        return rows
    displaced = displace(model, rows, reason)
    d.retire(rows)
    d.pending_segment[rows] = NO_CHANGE
    model.flows.demolished += int(rows.size)
    return displaced


def sell(model, rows, to_owner: int, reason: str, *, vacate: bool = False) -> np.ndarray:
    """Corporation dwellings sold to owner-occupiers or private landlords.

    To a private landlord a sitting tenant stays with its rent (koop breekt geen huur). To an
    owner-occupier a vacant dwelling goes now; an occupied one at its next letting, or now
    with its tenant displaced if `vacate`. Returns the displaced household rows."""
    d = model.dwellings
    rows = _rows(rows)
    if to_owner not in (Owner.OWNER_OCCUPIER, Owner.PRIVATE_LANDLORD):
        raise ValueError("sell: to_owner must be Owner.OWNER_OCCUPIER or PRIVATE_LANDLORD")
    displaced = np.empty(0, dtype=np.int64)
    if to_owner == Owner.OWNER_OCCUPIER:
        if vacate:
            displaced = displace(model, rows, reason)
        later = rows[d.occupant[rows] >= 0]
        now = rows[d.occupant[rows] < 0]
        _wait(d, later, _segment_for(d, later, to_owner, d.rent[later]), 0.0, SALE)
    else:
        now = rows
    _set_segment(model, now, _segment_for(model.dwellings, now, to_owner, d.rent[now]),
                 d.rent[now])
    model.flows.sold += int(now.size)
    return displaced


def relabel(model, rows, segments, *, rent=None, at_next_letting: bool = False,
            acquisition: bool = False, zero_step: bool = False) -> None:
    """Give `rows` new segments (and with them owners): liberalisation, renovation into
    middle rent, a private rental bought by a corporation (`acquisition`), a tenure change
    in the hindcast; with `zero_step`, the dwelling is made a zero-step flat too. `rent`
    defaults to the current rent (owner-occupied: 0). With
    `at_next_letting`, occupied dwellings change only when next vacant (the sitting household
    is never moved by a relabel); vacant ones change now."""
    d = model.dwellings
    rows = _rows(rows)
    segments = _each(segments, np.int8, rows.size)
    rent = d.rent[rows] if rent is None else _each(rent, float, rows.size)
    kind = ACQUISITION if acquisition else ZERO_STEP if zero_step else RELABEL
    if at_next_letting:
        later = d.occupant[rows] >= 0
        _wait(d, rows[later], segments[later], rent[later], kind)
        rows, segments, rent = rows[~later], segments[~later], rent[~later]
    _set_segment(model, rows, segments, rent)
    if zero_step:
        d.zero_step[rows] = True
    setattr(model.flows, _COUNTER[kind],
            getattr(model.flows, _COUNTER[kind]) + int(rows.size))


def _wait(d, rows: np.ndarray, segments, rent, kind: int) -> None:
    d.pending_segment[rows] = segments
    d.pending_rent[rows] = rent
    d.pending_kind[rows] = kind


def apply_pending(model, vacant: np.ndarray) -> None:
    """Changes waiting for the next letting take effect on these vacant dwellings (called by
    the market on its vacancies before each round)."""
    d, f = model.dwellings, model.flows
    rows = np.empty(vacant.size, dtype=np.int64)
    done = np.zeros(len(_COUNTER), dtype=np.int64)  # per kind of change
    rows = rows[:_waiting(vacant, d.pending_segment, d.pending_kind, rows, done)]
    if rows.size == 0:
        return
    zero_step = rows[d.pending_kind[rows] == ZERO_STEP]
    _set_segment(model, rows, d.pending_segment[rows], d.pending_rent[rows])
    d.zero_step[zero_step] = True
    for kind, counter in _COUNTER.items():
        setattr(f, counter, getattr(f, counter) + int(done[kind]))


@jit
def _waiting(vacant, pending_segment, pending_kind, rows, done):
    """Put the vacant rows where a change waits in `rows` and return how many; done[kind]
    counts them per kind of change (one pass instead of numpy's gather, mask and counts)."""
    n = 0
    for r in vacant:
        if pending_segment[r] != NO_CHANGE:
            rows[n] = r
            done[pending_kind[r]] += 1
            n += 1
    return n


def pending(model, rows: np.ndarray | slice) -> np.ndarray:
    """Whether a change waits for the next letting of each of `rows` (rows, or a slice
    such as `slice(d.n_rows)` for every row at once)."""
    return model.dwellings.pending_segment[rows] != NO_CHANGE


def split(model, rows, units: int, reason: str, *, rent: float = 480.0) -> np.ndarray:
    """Each of `rows` becomes `units` one-room private rental units in the same buurt (a
    landlord's woningsplitsing or kamerverhuur); its occupant is displaced. Returns the rows
    of the new units."""
    d = model.dwellings
    rows = _rows(rows)
    if rows.size == 0:
        return rows
    if units < 2:
        raise ValueError("split: a dwelling is split into at least 2 units")
    buurt, woz, built = d.buurt[rows].copy(), d.woz[rows].copy(), d.built[rows].copy()
    displace(model, rows, reason)
    d.retire(rows)
    d.pending_segment[rows] = NO_CHANGE
    segment = S.PRIVATE_CHEAP if rent <= rules.LIBERALISATION_LIMIT else S.PRIVATE_FREE
    built_before = model.flows.built
    new = build(model, np.full(rows.size * units, segment), np.repeat(buurt, units),
                rent=rent, woz=np.repeat(woz / units, units), rooms=1, single_family=False)
    model.flows.built = built_before  # units made by splitting are not new construction
    d.built[new] = np.repeat(built, units)  # ... and stand in a building as old as before
    model.flows.split += int(rows.size)
    model.flows.split_units += int(new.size)
    return new


# --- drawing at random by weight ----------------------------------------------------------
def pick(model, candidates, n: int, weight=None, *, log_odds=None) -> np.ndarray:
    """`n` of the `candidates` (dwelling rows), at random with odds proportional to
    `weight` (default equal), without replacement; all of them if there are fewer. `weight`
    is an array per candidate, or a function of the candidates' rows giving it (called only
    when there is a draw to make); or give `log_odds`, log(max(weight, 1e-300)), when it is
    cheaper to take per class of candidates. A draw of none still draws every candidate's
    key: how far the random stream moves does not depend on n. (How: model/weighted_draws.py.)"""
    candidates = _rows(candidates)
    n = int(max(n, 0))
    if n >= candidates.size:
        return candidates
    uniform = draws.uniforms(model.rng, candidates.size)
    if n == 0:
        return candidates[:0]
    log_weight = draws.log_odds(weight, candidates) if log_odds is None else log_odds
    one_group = np.zeros(candidates.size, dtype=np.int64)
    return np.sort(candidates[draws.highest_keys(log_weight, uniform, one_group,
                                                 np.array([n]))])


def pick_per_group(model, candidates, group, k, weight=None) -> np.ndarray:
    """`k[g]` (whole numbers) of the candidates of each group g (e.g. a wijk), at random with
    odds proportional to `weight` (an array per candidate, or a function of the rows of the
    candidates of groups that give any), without replacement; all of a group's candidates if
    it has fewer. One draw for all groups."""
    k = np.asarray(k, dtype=np.int64)
    group = np.asarray(group)
    wanted = draws.in_giving_groups(group, k)  # only groups that give any draw keys
    candidates = _rows(candidates)[wanted]
    if candidates.size == 0:
        return candidates
    if weight is not None and not callable(weight):
        weight = np.asarray(weight, dtype=float)[wanted]
    log_weight = draws.log_odds(weight, candidates)
    uniform = draws.uniforms(model.rng, candidates.size)
    group = group[wanted].astype(np.int64)
    return np.sort(candidates[draws.highest_keys(log_weight, uniform, group, k)])


# --- invariants -----------------------------------------------------------------------------
def check(model, *, displaced_allowed: bool = False) -> None:
    """Raise StockError if the stock and the households disagree: a living household without
    a dwelling (unless displaced this year and `displaced_allowed`), two households in one
    dwelling, a household in a removed dwelling, an occupant that is not a living household,
    a dwelling whose owner does not match its segment."""
    h, d = model.households, model.dwellings
    rows = h.rows()
    dw = h.dwelling[rows]
    homeless = rows[dw < 0]
    if homeless.size:
        listed = set(model.flows.displaced.arrays()["row"].tolist()) if (
            displaced_allowed and model.flows is not None) else set()
        if not set(homeless.tolist()) <= listed:
            raise StockError(f"{homeless.size} living household(s) without a dwelling")
    rows, dw = rows[dw >= 0], dw[dw >= 0]
    if np.unique(dw).size != dw.size:
        raise StockError("a dwelling holds two households")
    if not d.alive[dw].all():
        raise StockError("a household lives in a removed dwelling")
    if not (d.occupant[dw] == rows).all():
        raise StockError("a dwelling and its household disagree")
    drows = d.rows()
    occupied = drows[d.occupant[drows] >= 0]
    if occupied.size != rows.size:
        raise StockError("an occupant that is not a living household")
    dead = np.flatnonzero(~d.alive[: d.n_rows])
    if (d.occupant[dead] != VACANT).any():
        raise StockError("a removed dwelling still has an occupant")
    if (SEGMENT_OWNER_ARRAY[d.segment[drows]] != d.owner[drows]).any():
        raise StockError("a dwelling's owner does not match its segment")
