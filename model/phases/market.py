"""The housing market: households looking for a dwelling choose among the vacant ones.

A capacity-constrained discrete choice, cleared in rounds:

1. Each searching household draws a choice set of vacant dwellings from the segments it may
   enter (its *eligibility*: DAEB income limit for corporation social rent, the middle-income
   band for corporation middle rent, a mortgage for owner-occupied homes).
2. It scores every dwelling in the set with a random utility (multinomial logit: Gumbel
   noise), after masking what the Dutch rules forbid for that dwelling (passend toewijzen:
   the lowest incomes only below the aftoppingsgrens; private landlords' income test; the
   price a mortgage reaches).
3. It bids for its best dwelling if that beats its *reservation*: staying put (voluntary
   movers), leaving the city (residents), or nothing (newcomers and new households must move).
   A resident whose reservation is leaving, and who found nothing better, leaves.
4. Several households may bid for one dwelling: the one with the highest priority gets it
   (corporations let social housing to urgent cases first, then by years of waiting; other
   landlords and sellers pick at random). At most `daeb_free_share` of social lettings may go
   to households above the DAEB limit.
5. Winners move; the dwellings they leave become vacant for the next round (vacancy chains).

After the last round, voluntary movers who found nothing stay; residents who must move and
found nothing leave the city; newcomers who found nothing are unmet demand.
"""

from dataclasses import dataclass

import numpy as np

from model import rules
from model.categories import IncomeClass, Owner
from model.categories import Segment as S
from model.fit import FIT
from model.state import VACANT

N_SEGMENTS = len(S)
OWN_SEGMENT_FLOOR = np.array([0.0, *rules.WOZ_CLASS_BOUNDS])  # lowest WOZ of own_1..own_4


@dataclass
class Choosers:
    """Households entering the market this year, and what they may fall back on."""

    rows: np.ndarray  # household rows
    reason: np.ndarray  # ledger reason code of each
    origin_dwelling: np.ndarray  # where they search from (their home or parents'), or -1
    can_stay: np.ndarray  # voluntary movers keep their dwelling if nothing better comes up
    newcomer: np.ndarray  # from outside the city: arrive, or count as unmet demand

    @staticmethod
    def concat(*parts: "Choosers") -> "Choosers":
        return Choosers(*(np.concatenate([getattr(p, f) for p in parts])
                          for f in ("rows", "reason", "origin_dwelling", "can_stay", "newcomer")))

    @staticmethod
    def empty() -> "Choosers":
        z = np.empty(0, dtype=np.int64)
        return Choosers(z, z.astype(np.int8), z, z.astype(bool), z.astype(bool))


def run(model) -> None:
    """The residents' market: movers with an intention and new households (from demography)."""
    clear(model, Choosers.concat(model.intent, model.formed))


class _Context:
    """Per-chooser attributes and per-buurt scores used in every round (computed once)."""

    def __init__(self, model, ch: Choosers):
        p, h, d = model.params, model.households, model.dwellings
        rows = ch.rows
        self.cls = h.cls[rows].astype(np.int64)
        self.income = h.income[rows]
        self.size = h.size[rows].astype(np.int64)
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
        self.waiting = np.where(ch.newcomer, 0.0, h.years[rows])
        self.status_pref = np.clip((self.cls - 1) / 3.0, 0.0, 1.0)
        self.liv_weight = np.where(self.cls >= IncomeClass.MIDDLE, 1.0, 0.5)
        self.young = h.age[rows] < 30
        # Buurt scores, frozen for the year's market: liveability and income status.
        hrows = h.rows()
        buurt = d.buurt[h.dwelling[hrows]].astype(np.int64)
        n_b = model.city.n_buurten
        counts = np.maximum(np.bincount(buurt, minlength=n_b), 1)
        hc = h.cls[hrows]
        high = np.bincount(buurt, weights=hc >= IncomeClass.HIGH_AFFORD, minlength=n_b)
        low = np.bincount(buurt, weights=hc == IncomeClass.LOW_PT, minlength=n_b)
        self.status = (high - low) / counts
        self.liveability = model.liveability
        self.distance = model.city.buurt_distance_km

    def allowed_segments(self) -> np.ndarray:
        """Choosers x segments: which segments each chooser may search in."""
        n = self.cls.size
        allowed = np.ones((n, N_SEGMENTS), dtype=bool)
        allowed[:, S.CORP_MIDDLE] = self.middle_ok
        for k, seg in enumerate((S.OWN_1, S.OWN_2, S.OWN_3, S.OWN_4)):
            allowed[:, seg] = self.max_price > OWN_SEGMENT_FLOOR[k]
        return allowed


def dwelling_utility(model, ctx: _Context, idx: np.ndarray, dw: np.ndarray) -> np.ndarray:
    """Systematic utility of dwellings `dw` for choosers `idx` (dw may be 2-D: a choice set per
    chooser), with -inf where a rule forbids the dwelling to the chooser."""
    p, d = model.params, model.dwellings
    col = (lambda a: a[idx][:, None]) if dw.ndim == 2 else (lambda a: a[idx])
    seg = d.segment[dw].astype(np.int64)
    rent = d.rent[dw]
    woz = d.woz[dw]
    buurt = d.buurt[dw].astype(np.int64)
    owned = seg >= S.OWN_1
    income = col(ctx.income)
    cost_share = np.where(owned, woz * p.owner_cost_rate, rent * 12.0) / income
    size = col(ctx.size)
    u = p.beta_fit * FIT[col(ctx.cls), seg]
    u -= p.beta_cost * np.maximum(cost_share - 0.25, 0.0)
    u -= p.beta_crowding * np.maximum(size - d.rooms[dw], 0)
    u += p.beta_family_house * (col(ctx.children) & d.single_family[dw])
    u += p.beta_liveability * col(ctx.liv_weight) * ctx.liveability[buurt]
    u += p.beta_status * col(ctx.status_pref) * ctx.status[buurt]
    from_b = col(ctx.from_buurt)
    u -= p.beta_distance * np.where(from_b >= 0, ctx.distance[np.maximum(from_b, 0), buurt], 0.0)
    # Rules that forbid a dwelling to a household.
    forbidden = (seg == S.CORP_SOCIAL) & col(ctx.passend) & (rent > col(ctx.aftopping))
    forbidden |= (seg == S.CORP_SOCIAL) & ~col(ctx.daeb) & (p.daeb_free_share <= 0)
    forbidden |= (seg == S.CORP_MIDDLE) & ~col(ctx.middle_ok)
    private = (seg == S.PRIVATE_CHEAP) | (seg == S.PRIVATE_FREE)
    forbidden |= private & (income / 12.0 < p.landlord_income_multiple * rent)
    forbidden |= owned & (woz > col(ctx.max_price))
    return np.where(forbidden, -np.inf, u)


def _vacancies(d) -> tuple[np.ndarray, np.ndarray]:
    """Vacant dwellings sorted by segment, and the offset of each segment in that list."""
    rows = d.rows()
    vac = rows[d.occupant[rows] == VACANT]
    vac = vac[np.argsort(d.segment[vac], kind="stable")]
    counts = np.bincount(d.segment[vac], minlength=N_SEGMENTS)
    return vac, counts


def _draw_choice_sets(rng, vac: np.ndarray, counts: np.ndarray, allowed: np.ndarray,
                      k: int) -> tuple[np.ndarray, np.ndarray]:
    """k vacancies per chooser, uniformly from the vacancies in its allowed segments.

    Returns the dwellings (choosers x k) and a mask of choosers with any allowed vacancy."""
    avail = allowed * counts[None, :]
    cum = np.cumsum(avail, axis=1)
    total = cum[:, -1]
    has = total > 0
    draw = np.floor(rng.random((allowed.shape[0], k)) * total[:, None]).astype(np.int64)
    seg = (draw[:, :, None] >= cum[:, None, :]).sum(axis=2)
    seg = np.minimum(seg, N_SEGMENTS - 1)
    start_in_avail = np.take_along_axis(cum - avail, seg, axis=1)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    index = offsets[seg] + (draw - start_in_avail)
    index = np.clip(index, 0, max(vac.size - 1, 0))
    dw = vac[index] if vac.size else np.zeros_like(index)
    return dw, has


def clear(model, ch: Choosers) -> None:
    """Run the market rounds for the choosers `ch`; moves, arrivals, departures and unmet
    demand are applied to the state and written to the ledger."""
    if ch.rows.size == 0:
        return
    p, h, d, rng = model.params, model.households, model.dwellings, model.rng
    ctx = _Context(model, ch)
    n = ch.rows.size
    idx_all = np.arange(n)

    # Reservations: staying (voluntary movers) and leaving the city (residents).
    stay_u = np.full(n, -np.inf)
    home = h.dwelling[ch.rows]
    stayer = ch.can_stay & (home >= 0)
    if stayer.any():
        stay_u[stayer] = (dwelling_utility(model, ctx, idx_all[stayer], home[stayer])
                          + p.stay_bonus + rng.gumbel(size=int(stayer.sum())))
    out_u = np.where(ch.newcomer, -np.inf,
                     np.asarray(p.outside_option)[ctx.cls]
                     + p.outside_option_young_bonus * ctx.young + rng.gumbel(size=n))
    reservation = np.maximum(stay_u, out_u)
    active = np.ones(n, dtype=bool)
    allowed = ctx.allowed_segments()

    for _ in range(p.market_rounds):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        vac, counts = _vacancies(d)
        dw, has = _draw_choice_sets(rng, vac, counts, allowed[idx], p.choice_set_size)
        util = dwelling_utility(model, ctx, idx, dw) + rng.gumbel(size=dw.shape)
        util[~has] = -np.inf
        best = np.argmax(util, axis=1)
        best_u = util[np.arange(idx.size), best]
        best_dw = dw[np.arange(idx.size), best]

        bidding = best_u > reservation[idx]
        leaving = ~bidding & (out_u[idx] >= stay_u[idx]) & np.isfinite(out_u[idx])
        _leave(model, ch, idx[leaving])
        active[idx[leaving]] = False

        bidders, targets = idx[bidding], best_dw[bidding]
        winners, homes = _resolve_bids(model, ctx, bidders, targets)
        _move_in(model, ch, winners, homes)
        active[winners] = False

    rest = np.flatnonzero(active)
    must_go = rest[~ch.can_stay[rest] & ~ch.newcomer[rest]]
    _leave(model, ch, must_go)
    unmet = rest[ch.newcomer[rest]]
    model.ledger.record(model, "unplaced", ch.reason[unmet], ch.rows[unmet])
    model.drop_households(ch.rows[unmet])


def _resolve_bids(model, ctx: _Context, bidders: np.ndarray, targets: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """One winner per dwelling by priority; cap lettings above the DAEB limit."""
    if bidders.size == 0:
        return bidders, targets
    p, d, rng = model.params, model.dwellings, model.rng
    social = d.segment[targets] == S.CORP_SOCIAL
    corporation = d.owner[targets] == Owner.CORPORATION
    priority = rng.random(bidders.size)
    # Corporations let by urgency, then waiting time; sellers and private landlords take the
    # highest bid, so a higher income usually wins.
    priority += np.where(social, 10.0 * ctx.urgent[bidders] + 0.05 * ctx.waiting[bidders], 0.0)
    priority += np.where(corporation, 0.0, np.log(ctx.income[bidders]))
    order = np.lexsort((-priority, targets))
    first = np.ones(order.size, dtype=bool)
    first[1:] = targets[order][1:] != targets[order][:-1]
    win = order[first]
    winners, homes = bidders[win], targets[win]

    # DAEB rule: at most the free share of social lettings to households above the limit.
    social = d.segment[homes] == S.CORP_SOCIAL
    above = social & ~ctx.daeb[winners]
    flows = model.flows
    eligible_lettings = int((social & ~above).sum())
    # Largest n with (above + n) <= free_share * (lettings + eligible + n):
    room = (p.daeb_free_share * (flows.corp_lettings + eligible_lettings)
            - flows.corp_lettings_above_daeb) / (1 - p.daeb_free_share)
    keep_above = np.flatnonzero(above)[: max(int(np.floor(room + 1e-9)), 0)]
    ok = ~above
    ok[keep_above] = True
    flows.corp_lettings += int((social & ok).sum())
    flows.corp_lettings_above_daeb += int(keep_above.size)
    flows.corp_lettings_passend += int((social & ok & ctx.passend[winners]).sum())
    flows.corp_lettings_passend_ok += int((social & ok & ctx.passend[winners]
                                           & (d.rent[homes] <= ctx.aftopping[winners])).sum())
    return winners[ok], homes[ok]


def _move_in(model, ch: Choosers, idx: np.ndarray, homes: np.ndarray) -> None:
    """Winners take their new dwellings; their old dwellings become vacant."""
    if idx.size == 0:
        return
    h, d = model.households, model.dwellings
    rows = ch.rows[idx]
    old = h.dwelling[rows]
    d.occupant[old[old >= 0]] = VACANT
    d.occupant[homes] = rows
    h.dwelling[rows] = homes
    h.years[rows] = 0
    h.moved[rows] = model.year
    new = ch.newcomer[idx]
    model.ledger.record(model, "arrive", ch.reason[idx[new]], rows[new], None, homes[new])
    model.ledger.record(model, "move", ch.reason[idx[~new]], rows[~new],
                        ch.origin_dwelling[idx[~new]], homes[~new])


def _leave(model, ch: Choosers, idx: np.ndarray) -> None:
    """Residents leave the city; their dwellings become vacant."""
    if idx.size == 0:
        return
    model.ledger.record(model, "leave", ch.reason[idx], ch.rows[idx], ch.origin_dwelling[idx],
                        None)
    model.drop_households(ch.rows[idx])

