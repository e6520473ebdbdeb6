"""The housing market: households looking for a dwelling choose among the vacant ones.

A capacity-constrained discrete choice, cleared in rounds:

1. Each searching household draws a choice set: `choice_set_size` vacant dwellings at random.
2. It scores every dwelling in the set with a random utility (multinomial logit: Gumbel
   noise), after closing what the Dutch rules forbid it (passend toewijzen: the lowest
   incomes only below the aftoppingsgrens; corporation middle rent only for the middle-income
   band; private landlords' income test; owner-occupied homes only up to what a mortgage
   reaches; social rent only within the DAEB limit when there is no free share).
3. It bids for its best dwelling if that beats its *reservation*: the better of staying put
   (voluntary movers) and leaving the city (every resident, including a new household formed
   in the city); newcomers have none, they take what they can get. A household whose
   reservation beats what it saw has decided: it stays, or leaves the city when leaving is its
   reservation. A newcomer who saw nothing admissible looks again in the next round.
4. Several households may bid for one dwelling; the one with the highest priority gets it.
   Corporations let social housing by urgency (vulnerable residents and households that must
   move) and then waiting time (each year in the current dwelling adds 0.05 to a uniform
   draw); sellers and private landlords take the highest bid (log income plus a uniform
   draw), so mostly the highest income. At most `daeb_free_share` of social lettings may go
   to households above the DAEB limit: those lettings are capped after priority.
5. Winners move; the dwellings they leave become vacant for the next round (vacancy chains),
   where the losers of this round search again.

After the last round, voluntary movers who found nothing stay; residents who must move and
found nothing leave the city; newcomers who found nothing do not come.

Households a lever displaced this year (`model/stock.py`) search first in line: they must
move, and corporations give them priority above other urgent households. The rules of levers
(capacity test, target groups, ...) plug in through one hook, `model/allocation.py`; changes
of the stock that wait for the next letting take effect when a dwelling is offered vacant.
"""

from dataclasses import dataclass

import numpy as np

from model import allocation, rules, stock
from model.categories import IncomeClass, Owner
from model.categories import Segment as S
from model.fit import FIT
from model.jit import jit
from model.state import VACANT

N_SEGMENTS = len(S)
TOP_CHOICES = 3  # dwellings a chooser ranks per round (its fall-backs if outbid)
DISPLACED_PRIORITY = 10.0  # displaced households' urgency in corporation lettings, on top
# of the urgency every household that must move has (stadsvernieuwingsurgentie)


@dataclass
class Choosers:
    """Households entering the market this year, and what they may fall back on."""

    rows: np.ndarray  # household rows
    reason: np.ndarray  # ledger reason code of each
    origin_dwelling: np.ndarray  # where they search from (their home or parents'), or -1
    can_stay: np.ndarray  # voluntary movers keep their dwelling if nothing better comes up
    newcomer: np.ndarray  # from outside the city: arrive, or count as unmet demand
    priority: np.ndarray | None = None  # extra priority in corporation lettings (displaced)

    def __post_init__(self):
        if self.priority is None:
            self.priority = np.zeros(self.rows.size)

    FIELDS = ("rows", "reason", "origin_dwelling", "can_stay", "newcomer", "priority")

    @staticmethod
    def concat(*parts: "Choosers") -> "Choosers":
        return Choosers(*(np.concatenate([getattr(p, f) for p in parts])
                          for f in Choosers.FIELDS))

    def subset(self, keep: np.ndarray) -> "Choosers":
        return Choosers(*(getattr(self, f)[keep] for f in Choosers.FIELDS))


def run(model) -> None:
    """This year's market: movers with an intention, new households from demography and
    candidate newcomers from migration all search at once."""
    model.buurt_status = buurt_status(model)
    model.flows.newcomers_unplaced = clear(
        model, Choosers.concat(stock.displaced_choosers(model), model.intent, model.formed,
                               model.newcomers))


def buurt_status(model) -> np.ndarray:
    """Each buurt's income status as movers see it: last year's census share of households in
    the two high classes minus the share in the lowest class, half of the buurt itself and
    half of its wijk (a neighbourhood's reputation works at both scales)."""
    city, counts = model.city, model.census.households
    net = counts[:, IncomeClass.HIGH_AFFORD:].sum(axis=1) - counts[:, IncomeClass.LOW_PT]
    total = counts.sum(axis=1)
    wijk_net = np.bincount(city.buurt_wijk, weights=net, minlength=city.n_wijken)
    wijk_total = np.bincount(city.buurt_wijk, weights=total, minlength=city.n_wijken)
    own = net / np.maximum(total, 1)
    wijk = (wijk_net / np.maximum(wijk_total, 1))[city.buurt_wijk]
    return 0.5 * own + 0.5 * wijk


class _Context:
    """Per-chooser attributes and per-buurt scores used in every round (computed once)."""

    def __init__(self, model, ch: Choosers):
        p, h, d = model.params, model.households, model.dwellings
        rows = ch.rows
        self.cls = h.cls[rows].astype(np.int64)
        self.income = h.income[rows]
        self.size = h.size[rows].astype(np.int64)
        self.max_size = int(self.size.max(initial=0))
        self.children = (h.size[rows] - h.adults[rows]) > 0
        own_dw = h.dwelling[rows]
        owner_now = (own_dw >= 0) & (d.owner[np.maximum(own_dw, 0)] == Owner.OWNER_OCCUPIER)
        equity = np.where(owner_now, p.owner_equity_share * d.woz[np.maximum(own_dw, 0)], 0.0)
        self.max_price = p.mortgage_income_multiple * self.income + equity
        self.daeb = rules.daeb_eligible(self.income, self.size)
        self.passend = rules.passend_toewijzen(self.income, self.size)
        self.aftopping = rules.aftopping_limit(self.size)
        self.middle_ok = rules.middle_rent_eligible(self.income, self.size)
        self.from_buurt = np.where(ch.origin_dwelling >= 0,
                                   d.buurt[np.maximum(ch.origin_dwelling, 0)], -1)
        self.urgent = (h.vulnerable[rows] | ~ch.can_stay) & ~ch.newcomer
        self.extra_priority = ch.priority
        self.waiting = np.where(ch.newcomer, 0.0, h.years[rows])
        self.young = h.age[rows] < 30
        self.senior = h.age[rows] >= 65  # values zero-step dwellings (beta_zero_step)
        # A landlord's ranking of bidders (_resolve_bids), per chooser once: urgency and
        # waiting time for social rent, the bid (log income) for sellers and private landlords.
        self.social_priority = 10.0 * self.urgent + 0.05 * self.waiting
        self.log_income = np.log(self.income)
        n_b = model.city.n_buurten
        # float32 copies for the hot loop (_pair_utilities).
        self.income32 = self.income.astype(np.float32)
        self.max_price32 = self.max_price.astype(np.float32)
        # The lending and letting rules that test a chooser's own income (see _Offer.rule):
        # per chooser, the limit a dwelling's requirement must not exceed, by rule.
        self.limits = np.empty((rows.size, N_RULES), dtype=np.float32)
        self.limits[:, NO_RULE] = np.inf
        self.limits[:, LANDLORD_INCOME_TEST] = self.income32
        self.limits[:, MORTGAGE] = self.max_price32
        self.limits[:, MIDDLE_RENT_BAND] = np.where(self.middle_ok, np.inf, -np.inf)
        self.liveability32 = (p.beta_liveability * model.liveability).astype(np.float32)
        self.status32 = (p.beta_status * model.buurt_status).astype(np.float32)
        self.type = chooser_types(self.cls, self.children, self.size)
        # Offers describe only the types present: type_row indexes their rows.
        present = np.bincount(self.type, minlength=N_TYPES) > 0
        self.present_types = np.flatnonzero(present)
        self.type_row = (np.cumsum(present) - 1)[self.type]
        # The disutility of distance, beta_distance x km, from each home buurt (rows) to each
        # buurt (columns), with an extra row of zeros for choosers without a home buurt
        # (newcomers): a chooser's row is distance_row.
        dist = np.vstack([model.city.buurt_distance_km, np.zeros((1, n_b))]).astype(np.float32)
        self.distance_cost = np.float32(p.beta_distance) * dist
        self.distance_row = np.where(self.from_buurt >= 0, self.from_buurt, n_b).astype(np.intp)


class _Offer:
    """Dwellings on offer in a round (the vacancies, or the homes of voluntary movers), with
    everything about them that utility needs, computed once per round.

    Most of the utility depends on the dwelling and only a chooser's *type* (income class,
    children, 3+ persons): `base[type, dwelling]` holds that part, including the rules that
    depend on the type alone (passend toewijzen; DAEB when there is no free share). What
    depends on the chooser's own income, size and home buurt is added per pair in `choose`.
    For the homes of voluntary movers (`home_types` given), `base` is one row: per home, the
    value for its own household's type, and no letting rule applies: sitting tenants are not
    re-tested.
    """

    def __init__(self, model, ctx: "_Context", rows: np.ndarray,
                 home_types: np.ndarray | None = None):
        p, d = model.params, model.dwellings
        n = rows.size
        self.rows = rows
        self.allocation = home_types is None
        self.buurt = np.empty(n, dtype=np.intp)
        self.yearly_cost = np.empty(n, dtype=np.float32)
        self.crowding = np.empty((ctx.max_size + 1, n), dtype=np.float32)
        self.rule = np.empty(n, dtype=np.intp)
        self.requirement = np.empty(n, dtype=np.float32)
        self.zero_step_bonus = np.empty(n, dtype=np.float32)
        segment = np.empty(n, dtype=np.intp)
        rent = np.empty(n, dtype=np.float32)
        self.has_zero_step = _offer_tables(
            rows, d.segment, d.rent, d.woz, d.cost, d.buurt, d.rooms, d.zero_step,
            self.allocation, np.float32(p.owner_cost_rate), np.float32(p.beta_crowding),
            np.float32(12.0 * p.landlord_income_multiple), np.float32(p.beta_zero_step),
            segment, rent, self.buurt, self.yearly_cost, self.crowding, self.rule,
            self.requirement, self.zero_step_bonus)
        types = ctx.present_types if self.allocation else home_types
        self.base = _type_utility(p, ctx, types, segment, rent, self.buurt,
                                  d.single_family[rows], self.allocation)


@jit
def _offer_tables(rows, d_segment, d_rent, d_woz, d_cost, d_buurt, d_rooms, d_zero_step,
                  allocation, owner_cost_rate, beta_crowding, landlord_multiple,
                  beta_zero_step, segment, rent, buurt, yearly_cost, crowding, rule,
                  requirement, zero_step_bonus):
    """`_Offer`'s tables, one offered dwelling at a time (float32). Returns whether any
    offered dwelling is zero-step."""
    any_zero_step = False
    for k in range(rows.size):
        row = rows[k]
        seg = d_segment[row]
        segment[k] = seg
        rent[k] = np.float32(d_rent[row])
        woz = np.float32(d_woz[row])
        buurt[k] = d_buurt[row]
        owned = seg >= OWN_1
        private = seg == PRIVATE_CHEAP or seg == PRIVATE_FREE
        # Crowding, beta_crowding x the persons above the rooms, per household size (rows).
        rooms = np.float32(d_rooms[row])
        for size in range(crowding.shape[0]):
            crowding[size, k] = beta_crowding * max(np.float32(size) - rooms, np.float32(0.0))
        # A vacancy asks today's price (as Dwellings.asking_cost); a sitting household pays
        # what it agreed on moving in.
        if not allocation:
            yearly_cost[k] = np.float32(d_cost[row])
        elif owned:
            yearly_cost[k] = woz * owner_cost_rate
        else:
            yearly_cost[k] = rent[k] * np.float32(12.0)
        # The rule that tests a chooser's own income for this dwelling (at most one applies)
        # and what the dwelling requires under it, compared with _Context.limits: a private
        # landlord's lowest accepted income (rent x 12 x landlord_income_multiple); an
        # owner-occupied home's price, against what a mortgage reaches; corporation middle
        # rent only to the middle-income band (a requirement of 0 against a limit of -inf).
        rule[k], requirement[k] = NO_RULE, np.float32(0.0)
        if private:
            rule[k], requirement[k] = LANDLORD_INCOME_TEST, rent[k] * landlord_multiple
        elif owned:
            rule[k], requirement[k] = MORTGAGE, woz
        elif seg == CORP_MIDDLE:
            rule[k] = MIDDLE_RENT_BAND
        zero_step_bonus[k] = beta_zero_step * np.float32(d_zero_step[row])  # for heads 65+
        any_zero_step |= d_zero_step[row]
    return any_zero_step


N_TYPES = 5 * 2 * 2  # income class x (children at home) x (3+ persons)
# Rules that test a chooser's own income against a dwelling (_Offer.rule, _Context.limits).
NO_RULE, LANDLORD_INCOME_TEST, MORTGAGE, MIDDLE_RENT_BAND = range(4)
N_RULES = 4


def chooser_types(cls: np.ndarray, children: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Type index used by _Offer.base: class, children at home, 3+ persons."""
    return (cls * 4 + children * 2 + (size >= 3)).astype(np.intp)


def _type_utility(p, ctx, types, segment, rent, buurt, single_family, allocation) -> np.ndarray:
    """The part of utility that depends on the dwelling and the chooser's type only: per
    type (rows) and dwelling (columns) when `types` lists the types; one row, each dwelling
    for its own type, when `types` gives one type per dwelling (the homes of voluntary
    movers). For an allocation, the rules that depend on the type alone give -inf."""
    per_home = not allocation
    base = np.empty((1 if per_home else types.size, segment.size), dtype=np.float32)
    _type_utilities(FIT32, np.float32(p.beta_fit), np.float32(p.beta_family_house),
                    ctx.liveability32, ctx.status32, types, per_home, segment, rent, buurt,
                    single_family, allocation, p.daeb_free_share <= 0, base)
    return base


@jit
def _type_utilities(fit, beta_fit, beta_family_house, liveability, status, types, per_home,
                    segment, rent, buurt, single_family, allocation, no_free_share, base):
    """The loop of `_type_utility`, one (type, dwelling) at a time, in float32."""
    minus_inf = np.float32(-np.inf)
    for row in range(base.shape[0]):
        for d in range(base.shape[1]):
            t = types[d] if per_home else types[row]
            cls = TYPE_CLASS[t]
            u = fit[cls, segment[d]] * beta_fit
            u += TYPE_LIVEABILITY_WEIGHT[t] * liveability[buurt[d]]
            u += TYPE_STATUS_WEIGHT[t] * status[buurt[d]]
            u += beta_family_house * np.float32(TYPE_CHILDREN[t] and single_family[d])
            if allocation and segment[d] == CORP_SOCIAL:
                # Passend toewijzen: the lowest class only below the aftoppingsgrens for
                # its size; without a free share, social rent only within the DAEB limit.
                if cls == LOW_PT and rent[d] > TYPE_AFTOPPING[t]:
                    u = minus_inf
                if no_free_share and cls > LOW_DAEB:
                    u = minus_inf
            base[row, d] = u


# Per chooser type: its class, whether it has children, its aftoppingsgrens (by size), and how
# much liveability (half for the low classes) and buurt status (0, 0, 1/3, 2/3, 1 by class)
# weigh in its choice.
TYPE_CLASS = np.arange(N_TYPES) // 4
TYPE_CHILDREN = (np.arange(N_TYPES) // 2) % 2 == 1
TYPE_AFTOPPING = np.where(np.arange(N_TYPES) % 2 == 1, rules.AFTOPPING_HIGH,
                          rules.AFTOPPING_LOW).astype(np.float32)
TYPE_LIVEABILITY_WEIGHT = np.where(TYPE_CLASS >= IncomeClass.MIDDLE, 1.0, 0.5).astype(np.float32)
TYPE_STATUS_WEIGHT = np.clip((TYPE_CLASS - 1) / 3.0, 0.0, 1.0).astype(np.float32)
FIT32 = FIT.astype(np.float32)
# Plain ints for the compiled loops.
CORP_SOCIAL, CORP_MIDDLE, PRIVATE_CHEAP, PRIVATE_FREE, OWN_1 = (
    int(S.CORP_SOCIAL), int(S.CORP_MIDDLE), int(S.PRIVATE_CHEAP), int(S.PRIVATE_FREE), int(S.OWN_1))
LOW_PT, LOW_DAEB = int(IncomeClass.LOW_PT), int(IncomeClass.LOW_DAEB)
CORPORATION = int(Owner.CORPORATION)


def choose(model, ctx: "_Context", idx: np.ndarray, offer: _Offer, j: np.ndarray,
           noise: np.ndarray, bonus: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The random utility of offered dwellings `j` (indices into `offer`, a choice set per
    chooser: choosers x k) for choosers `idx`: systematic utility, plus `bonus`, plus the
    random `noise`; and each chooser's best pick (the first of equals). Utility is -inf where
    a letting or lending rule forbids the dwelling to the chooser (unless the offer is the
    chooser's own home: sitting tenants and owners are not re-tested)."""
    util = np.empty(j.shape, dtype=np.float32)
    best = np.empty(idx.size, dtype=np.intp)
    _pair_utilities(offer.base, not offer.allocation, offer.yearly_cost, offer.crowding,
                    offer.buurt, offer.has_zero_step, offer.zero_step_bonus, offer.rule,
                    offer.requirement, ctx.type_row, ctx.income32, ctx.size, ctx.distance_cost,
                    ctx.distance_row, ctx.senior, ctx.limits, np.float32(model.params.beta_cost),
                    np.float32(bonus), offer.allocation, idx, j, noise, util, best)
    return util, best


@jit
def _pair_utilities(base, per_home, yearly_cost, crowding, buurt, has_zero_step,
                    zero_step_bonus, rule, requirement, type_row, income, size, distance_cost,
                    distance_row, senior, limits, beta_cost, bonus, test_rules, idx, j, noise,
                    util, best):
    """The loop of `choose`, one chooser and one offered dwelling at a time.

    This is the model's hottest loop (about 220,000 pairs a year). What does not depend on
    the chooser's own income, size or home buurt was computed once per offer (`_Offer`:
    `base` per chooser type, or per home for the homes of voluntary movers, `crowding` per
    household size). Everything is float32 and the terms are added in a fixed order, so the
    result is the same to the bit on every run."""
    quarter, zero, minus_inf = np.float32(0.25), np.float32(0.0), np.float32(-np.inf)
    for r in range(idx.size):
        i = idx[r]  # the chooser's attributes, read once:
        base_row = 0 if per_home else type_row[i]
        own_income, home_row, persons = income[i], distance_row[i], size[i]
        values_zero_step = has_zero_step and senior[i]  # only seniors value zero-step
        best_c, best_u = 0, minus_inf
        for c in range(j.shape[1]):
            d = j[r, c]
            u = base[base_row, d]
            # Cost: beta_cost x the share of income above 25% spent on housing.
            cost = yearly_cost[d] / own_income - quarter
            if cost < zero:
                cost = zero
            u -= cost * beta_cost
            u -= crowding[persons, d]
            u -= distance_cost[home_row, buurt[d]]
            if values_zero_step:
                u += zero_step_bonus[d]
            # The lending and letting rules that test the chooser's own income.
            if test_rules and requirement[d] > limits[i, rule[d]]:
                u = minus_inf
            u += bonus
            u += noise[r, c]
            util[r, c] = u
            if c == 0 or u > best_u:
                best_c, best_u = c, u
        best[r] = best_c


def _vacancies(model) -> np.ndarray:
    """This round's vacant dwellings, with the changes that waited for their next letting
    applied."""
    d = model.dwellings
    vacant = _vacant_rows(d.occupant, d.alive, d.withheld, d.n_rows)
    stock.apply_pending(model, vacant)
    return vacant


def _vacant_rows(occupant, alive, withheld, n):
    """Rows below `n` of dwellings that stand, are empty and are not withheld from letting.
    (numpy's masks beat a compiled loop here: its comparisons run on whole vectors, where a
    loop's branch on a vacancy among occupied rows is hard to predict.)"""
    return np.flatnonzero((occupant[:n] == VACANT) & alive[:n] & ~withheld[:n])


def _gumbel(rng, shape) -> np.ndarray:
    """Standard Gumbel noise (the logit's random utility), in float32: minus the log of a
    standard exponential draw (computed in place: this is a quarter of the market's draws)."""
    draw = rng.standard_exponential(shape, dtype=np.float32)
    np.maximum(draw, np.float32(1e-30), out=draw)  # a draw of exactly 0 would give inf
    np.log(draw, out=draw)
    return np.negative(draw, out=draw)


@jit
def _choice_sets(draw, n):
    """Choice sets from uniform draws in [0, 1): dwelling indices below `n` (float32, as
    numpy would: the draw times n, truncated)."""
    j = np.empty(draw.shape, dtype=np.intp)
    nf = np.float32(n)
    for r in range(draw.shape[0]):
        for c in range(draw.shape[1]):
            j[r, c] = min(int(draw[r, c] * nf), n - 1)
    return j


@jit
def _drawn_only(j, n):
    """The dwellings drawn in choice sets `j` (indices below `n`), ascending, and `j`
    re-pointed at them: what `np.unique(j, return_inverse=True)` gives, without its sort."""
    seen = np.zeros(n, dtype=np.bool_)
    for r in range(j.shape[0]):
        for c in range(j.shape[1]):
            seen[j[r, c]] = True
    position = np.empty(n, dtype=np.intp)
    drawn = np.empty(n, dtype=np.intp)
    k = 0
    for i in range(n):
        if seen[i]:
            position[i] = k
            drawn[k] = i
            k += 1
    out = np.empty_like(j)
    for r in range(j.shape[0]):
        for c in range(j.shape[1]):
            out[r, c] = position[j[r, c]]
    return drawn[:k], out


@jit
def _next_best(util, rows, best):
    """For choosers `rows` who were outbid on their best pick: close it (-inf) and take
    the best of the rest (the first of equals)."""
    for r in rows:
        util[r, best[r]] = -np.inf
        b = 0
        for c in range(1, util.shape[1]):
            if util[r, c] > util[r, b]:
                b = c
        best[r] = b


def _bid_slots(model) -> np.ndarray:
    """`_highest_bids`' scratch: one slot per dwelling row, all -1 between calls. Made once
    per model (and again if the stock outgrows it), not per market: filling it costs more
    than a small market's bids."""
    slots = getattr(model, "bid_slots", None)
    if slots is None or slots.size < model.dwellings.n_rows:
        slots = model.bid_slots = np.full(model.dwellings.occupant.size, -1, dtype=np.intp)
    return slots


@jit
def _highest_bids(targets, priority, slots):
    """Per dwelling bid on, the bid with the highest priority (the first of equals); as
    positions in `targets`, ordered by dwelling. `slots` is scratch (one per dwelling, all
    -1, and left so). Priorities are compared as the key target x 1024 - priority, as a
    stable sort by that key would (priority < 1024)."""
    dwellings = np.empty(targets.size, dtype=targets.dtype)  # each dwelling bid on, once
    n_win = 0
    for b in range(targets.size):
        t = targets[b]
        s = slots[t]
        if s < 0:
            slots[t] = b
            dwellings[n_win] = t
            n_win += 1
        elif t * 1024.0 - priority[b] < t * 1024.0 - priority[s]:
            slots[t] = b
    dwellings = np.sort(dwellings[:n_win])
    win = np.empty(n_win, dtype=np.intp)
    for k in range(n_win):
        win[k] = slots[dwellings[k]]
        slots[dwellings[k]] = -1
    return win


def clear(model, ch: Choosers) -> int:
    """Run the market rounds for the choosers `ch`; moves, arrivals, departures and unmet
    demand are applied to the state and written to the ledger. Returns the number of
    newcomers who found no dwelling."""
    if ch.rows.size == 0:
        return 0
    p, h, d, rng = model.params, model.households, model.dwellings, model.rng
    lever_rules = allocation.active_rules(model)
    if lever_rules:
        refused = allocation.screen(model, lever_rules, allocation.Market(ch, None))
        if refused.any():
            ch = ch.subset(~refused)
            if ch.rows.size == 0:
                return 0
    ctx = _Context(model, ch)
    market = allocation.Market(ch, ctx)
    n = ch.rows.size

    # Reservations: staying (voluntary movers) and leaving the city (residents).
    stay_u = np.full(n, -np.inf, dtype=np.float32)
    home = h.dwelling[ch.rows]
    stayer = np.flatnonzero(ch.can_stay & (home >= 0))
    if stayer.size:
        homes = _Offer(model, ctx, home[stayer], home_types=ctx.type[stayer])
        own_home = np.arange(stayer.size)[:, None]  # each stayer's choice set: its home
        util, _ = choose(model, ctx, stayer, homes, own_home, _gumbel(rng, own_home.shape),
                         p.stay_bonus)
        stay_u[stayer] = util[:, 0]
    out_u = np.where(ch.newcomer, -np.inf,
                     np.asarray(p.outside_option)[ctx.cls]
                     + p.outside_option_young_bonus * ctx.young
                     + _gumbel(rng, n)).astype(np.float32)
    reservation = np.maximum(stay_u, out_u)
    active = np.ones(n, dtype=bool)
    moved: list[tuple[np.ndarray, np.ndarray]] = []  # (chooser indices, new homes)

    for _ in range(p.market_rounds):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        vac = _vacancies(model)
        if vac.size == 0:
            break
        # Choice sets: k vacancies per chooser, drawn uniformly (with replacement); the ones
        # a rule closes to the chooser get utility -inf.
        j = _choice_sets(rng.random((idx.size, p.choice_set_size), dtype=np.float32),
                         vac.size)
        if j.size < vac.size:  # a late, small round: describe only the dwellings drawn
            drawn, j = _drawn_only(j, vac.size)
            vac = vac[drawn]
        offer = _Offer(model, ctx, vac)
        util, best = choose(model, ctx, idx, offer, j, _gumbel(rng, j.shape))
        if lever_rules:
            allocation.forbid(model, lever_rules, market, idx, offer.rows, j, util, best)
        # Each chooser bids for its best dwelling; who is outbid by a household with higher
        # priority tries its next best, up to TOP_CHOICES dwellings in one round.
        pos = np.arange(idx.size)
        best_u = util[pos, best]
        bidding = best_u > reservation[idx]
        leaving = ~bidding & (out_u[idx] >= stay_u[idx]) & np.isfinite(out_u[idx])
        _leave(model, ch, idx[leaving])
        # A household that saw what the market offers and preferred its reservation has
        # decided (stay or leave); a newcomer who found nothing admissible tries again.
        settled = ~bidding & (np.isfinite(best_u) | np.isfinite(reservation[idx]))
        active[idx[settled]] = False

        cand = pos[bidding]
        for choice in range(TOP_CHOICES):
            if choice > 0:  # the outbid fall back on their next best dwelling
                cand = cand[active[idx[cand]]]
                _next_best(util, cand, best)
                cand = cand[util[cand, best[cand]] > reservation[idx[cand]]]
            targets = offer.rows[j[cand, best[cand]]]
            free = d.occupant[targets] == VACANT
            winners, homes = _resolve_bids(model, ctx, idx[cand[free]], targets[free],
                                           lever_rules, market)
            model.flows.bid_dwellings.append(targets[free])  # demand, read by the prices
            model.flows.let_dwellings.append(homes)
            _move_in(model, ch, winners, homes)
            moved.append((winners, homes))
            active[winners] = False

    if moved:
        winners = np.concatenate([m[0] for m in moved])
        homes = np.concatenate([m[1] for m in moved])
        _record_moves(model, ch, winners, homes)
        if lever_rules:
            allocation.let(model, lever_rules, market, winners, homes)
    rest = np.flatnonzero(active)
    must_go = rest[~ch.can_stay[rest] & ~ch.newcomer[rest]]
    _leave(model, ch, must_go)
    unmet = rest[ch.newcomer[rest]]
    model.ledger.record(model, "unplaced", ch.reason[unmet], ch.rows[unmet])
    model.flows.unmet_by_class += np.bincount(model.households.cls[ch.rows[unmet]],
                                              minlength=model.flows.unmet_by_class.size)
    model.drop_households(ch.rows[unmet])
    return int(unmet.size)


def _resolve_bids(model, ctx: _Context, bidders: np.ndarray, targets: np.ndarray,
                  lever_rules: list = (), market=None) -> tuple[np.ndarray, np.ndarray]:
    """One winner per dwelling by priority; cap lettings above the DAEB limit."""
    if bidders.size == 0:
        return bidders, targets
    p, d, flows = model.params, model.dwellings, model.flows
    priority = model.rng.random(bidders.size)
    social = _landlord_priority(priority, bidders, targets, d.segment, d.owner,
                                ctx.social_priority, ctx.extra_priority, ctx.log_income)
    if lever_rules:
        priority += allocation.priority(model, lever_rules, market, bidders, targets)
    win = _highest_bids(targets, priority, _bid_slots(model))
    winners, homes, social = bidders[win], targets[win], social[win]
    ok, let_social, kept_above, passend, passend_ok = _daeb_cap(
        social, winners, homes, ctx.daeb, ctx.passend, ctx.aftopping, d.rent,
        p.daeb_free_share, flows.corp_lettings, flows.corp_lettings_above_daeb)
    flows.corp_lettings += let_social
    flows.corp_lettings_above_daeb += kept_above
    flows.corp_lettings_passend += passend
    flows.corp_lettings_passend_ok += passend_ok
    return winners[ok], homes[ok]


@jit
def _landlord_priority(priority, bidders, targets, segment, owner, social_priority,
                       extra_priority, log_income):
    """Add each landlord's ranking of its bidders to their random draws (`priority`, in
    place): corporations let social rent by urgency, then waiting time (plus the priority of
    the displaced); sellers and private landlords take the highest bid (log income), so a
    higher income usually wins. Returns which bids are for social rent."""
    social = np.empty(bidders.size, dtype=np.bool_)
    for k in range(bidders.size):
        b, t = bidders[k], targets[k]
        social[k] = segment[t] == CORP_SOCIAL
        priority[k] += social_priority[b] if social[k] else 0.0
        priority[k] += extra_priority[b] if owner[t] == CORPORATION else log_income[b]
    return social


@jit
def _daeb_cap(social, winners, homes, daeb, passend, aftopping, rent, free_share, lettings,
              lettings_above):
    """The DAEB rule: at most `free_share` of a year's social lettings to households above
    the DAEB limit (`lettings` and `lettings_above` so far this year); the first winners
    above the limit keep their dwelling while there is room, the others lose it. Returns
    which winners keep their dwelling, and this batch's social lettings, lettings above the
    limit, passend-toewijzen lettings and those of them within the aftoppingsgrens."""
    n = social.size
    eligible = 0
    for k in range(n):
        if social[k] and daeb[winners[k]]:
            eligible += 1
    # Largest n with (above + n) <= free_share * (lettings + eligible + n):
    room = (free_share * (lettings + eligible) - lettings_above) / (1 - free_share)
    allowed = max(int(np.floor(room + 1e-9)), 0)
    ok = np.ones(n, dtype=np.bool_)
    let_social = kept_above = n_passend = n_passend_ok = 0
    for k in range(n):
        if not social[k]:
            continue
        w = winners[k]
        if not daeb[w]:  # above the limit
            ok[k] = kept_above < allowed
            kept_above += ok[k]
        if ok[k]:
            let_social += 1
            if passend[w]:
                n_passend += 1
                n_passend_ok += rent[homes[k]] <= aftopping[w]
    return ok, let_social, kept_above, n_passend, n_passend_ok


def _move_in(model, ch: Choosers, idx: np.ndarray, homes: np.ndarray) -> None:
    """Winners take their new dwellings at today's asking cost; their old dwellings become
    vacant."""
    if idx.size == 0:
        return
    h, d = model.households, model.dwellings
    rows = ch.rows[idx]
    old = h.dwelling[rows]
    d.occupant[old[old >= 0]] = VACANT
    d.occupant[homes] = rows
    d.set_costs(homes, model.params.owner_cost_rate)
    h.dwelling[rows] = homes
    h.years[rows] = 0
    h.moved[rows] = model.year


def _record_moves(model, ch: Choosers, idx: np.ndarray, homes: np.ndarray) -> None:
    """Write this market's arrivals and moves (choosers `idx` into `homes`) to the ledger,
    in one batch each."""
    new = ch.newcomer[idx]
    model.ledger.record(model, "arrive", ch.reason[idx[new]], ch.rows[idx[new]], None,
                        homes[new])
    model.ledger.record(model, "move", ch.reason[idx[~new]], ch.rows[idx[~new]],
                        ch.origin_dwelling[idx[~new]], homes[~new])


def _leave(model, ch: Choosers, idx: np.ndarray) -> None:
    """Residents leave the city; their dwellings become vacant."""
    if idx.size == 0:
        return
    model.ledger.record(model, "leave", ch.reason[idx], ch.rows[idx], ch.origin_dwelling[idx],
                        None)
    model.flows.departures += int(idx.size)
    model.drop_households(ch.rows[idx])

