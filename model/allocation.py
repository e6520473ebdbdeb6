"""The allocation-rule hook: how the letting and sale rules of levers plug into the market.

The national rules (DAEB, passend toewijzen, the middle-rent income band, the landlord's
income test, the mortgage limit) apply in every run and are built into the market's utility
(`model/phases/market.py`). The rules of levers (capacity test, target-group regulation,
local binding, selective allocation, fair share) are `AllocationRule` objects, one class per
rule in its lever's module. The market calls every active rule at four points, and nowhere
else does a lever touch the market:

- `screen(model, market)`: newcomers kept out of this year's market altogether (fair share);
  they are written to the ledger as 'refuse' with the lever as reason and do not come;
- `barred(model, market)` and `closed(model, market, offered)`: which (chooser, offered
  dwelling) pairs the rule forbids. A rule closes some kinds of dwelling to some choosers:
  `barred` gives, once per market, the kinds closed to each chooser (a mask over the
  choosers, or for a rule with several kinds, `kinds` bits per chooser), and `closed`, each
  round, the kind of each offered dwelling (`offered`: dwelling rows), in the same bits. A
  pair is forbidden where they share a bit, and gets utility -inf. A chooser whose best
  dwelling in a round was forbidden counts as *refused* by the rule (once per year).
  (The hook packs every rule's bits into one word per chooser and per dwelling and closes
  the pairs in one compiled pass, `_close_pairs`: a rule's own code only looks at choosers
  and at dwellings, never at the many pairs.)
- `priority(model, market, bidders, homes)`: extra priority of each bidder for the dwelling
  it bids on (added to the landlord's ranking), or None;
- `let(model, market, winners, homes)`: told of the market's lettings, once at its end
  (for counters; `winners` are chooser indices, `homes` dwelling rows).

A rule is active in the years its lever's schedule says (`active(model)`).
"""

from dataclasses import dataclass, field

import numpy as np

from model.jit import jit
from model.ledger import REASON


@dataclass
class Market:
    """What a rule may read of the market it is called from: the choosers (`ch`, a
    `Choosers`) and their per-chooser attributes (`ctx`, the market's `_Context`: cls,
    income, size, ...). Household rows of chooser indices `idx` are `ch.rows[idx]`."""

    ch: object
    ctx: object
    cache: dict = field(default_factory=dict)  # what the hook computes once per market


class AllocationRule:
    """Base class: a rule that does nothing. Subclasses override what they need and set
    `lever` (the lever's name, which is also the ledger reason of its refusals) and, for a
    rule that closes several kinds of dwelling, `kinds` (the bits `barred` and `closed`
    use)."""

    lever = ""
    kinds = 1

    def active(self, model) -> bool:
        return True

    def screen(self, model, market: Market) -> np.ndarray | None:
        return None

    def barred(self, model, market: Market) -> np.ndarray | None:
        return None

    def closed(self, model, market: Market, offered: np.ndarray) -> np.ndarray | None:
        return None

    def priority(self, model, market: Market, bidders: np.ndarray,
                 homes: np.ndarray) -> np.ndarray | None:
        return None

    def let(self, model, market: Market, winners: np.ndarray, homes: np.ndarray) -> None:
        return None


def active_rules(model) -> list[AllocationRule]:
    """The rules that apply this year, in the model's fixed order."""
    return [r for r in getattr(model, "allocation_rules", ()) if r.active(model)]


def _refuse(model, rule: AllocationRule, rows: np.ndarray) -> None:
    if rows.size:
        model.flows.refused.setdefault(rule.lever, []).append(
            (rows.copy(), model.households.uid[rows].copy()))


def screen(model, rules: list, market: Market) -> np.ndarray:
    """Mask of the choosers the rules keep out of the market (newcomers only); they are
    written to the ledger, counted as refused and removed from the model."""
    ch = market.ch
    out = np.zeros(ch.rows.size, dtype=bool)
    for rule in rules:
        mask = rule.screen(model, market)
        if mask is None:
            continue
        mask = mask & ch.newcomer & ~out
        rows = ch.rows[mask]
        _refuse(model, rule, rows)
        model.ledger.record(model, "refuse", rule.lever, rows)
        out |= mask
    if out.any():
        model.drop_households(ch.rows[out])
    return out


def _barred_words(model, rules: list, market: Market) -> tuple[np.ndarray, list]:
    """Once per market: every rule's `barred` bits packed into one word per chooser, and
    the rules that bar anyone, each with its shift and mask in the word."""
    if "barred" not in market.cache:
        word = np.zeros(market.ch.rows.size, dtype=np.uint32)
        layout, shift = [], 0
        for rule in rules:
            bits = rule.barred(model, market)
            if bits is None or not bits.any():
                continue
            word |= bits.astype(np.uint32) << np.uint32(shift)
            layout.append((rule, shift, (1 << rule.kinds) - 1))
            shift += rule.kinds
        if shift > 32:
            raise ValueError("allocation rules: more than 32 kinds of closed dwelling")
        market.cache["barred"] = word, layout
    return market.cache["barred"]


def forbid(model, rules: list, market: Market, idx: np.ndarray, offered: np.ndarray,
           j: np.ndarray, util: np.ndarray, best: np.ndarray) -> None:
    """Set utility -inf where a rule forbids the pair; count choosers whose best pick a rule
    forbade as refused by it. `best` is each chooser's best pick in `util` (its argmax, as
    the market found it); it is updated in place for the choosers whose best pick was
    forbidden (for the others it stays the argmax: only lower values were closed)."""
    barred, layout = _barred_words(model, rules, market)
    if not layout:
        return
    word = np.zeros(offered.size, dtype=np.uint32)
    for rule, shift, _ in layout:
        kind = rule.closed(model, market, offered)
        if kind is not None:
            word |= kind.astype(np.uint32) << np.uint32(shift)
    if not word.any():
        return
    refused = np.zeros(idx.size, dtype=np.uint32)
    _close_pairs(barred, word, idx, j, util, best, refused)
    rows = np.flatnonzero(refused)
    if rows.size == 0:
        return
    bits = refused[rows]
    hit = int(np.bitwise_or.reduce(bits))  # every bit that refused someone this round
    for rule, shift, mask in layout:
        if hit >> shift & mask:
            by_rule = rows[(bits >> np.uint32(shift)) & np.uint32(mask) != 0]
            _refuse(model, rule, market.ch.rows[idx[by_rule]])


@jit
def _close_pairs(barred, word, idx, j, util, best, refused):
    """The pairs of choosers `idx` and their choice sets `j` (indices into the offered
    dwellings) whose bits meet (`barred` per chooser, `word` per offered dwelling) get
    utility -inf. Where that closes a chooser's best pick, `refused` gets the bits that
    closed it (if it was not -inf already) and `best` becomes the argmax of what is left
    (as numpy's argmax: the first of equals; a NaN counts as the largest)."""
    minus_inf = np.float32(-np.inf)
    k = j.shape[1]
    for r in range(idx.size):
        bits = barred[idx[r]]
        if bits == 0:
            continue
        hit = np.uint32(0)
        for c in range(k):
            meet = bits & word[j[r, c]]
            if meet != 0:
                if c == best[r]:
                    hit = meet
                    if np.isfinite(util[r, c]):
                        refused[r] = meet
                util[r, c] = minus_inf
        if hit != 0:
            b = 0
            top = util[r, 0]
            if not np.isnan(top):
                for c in range(1, k):
                    u = util[r, c]
                    if np.isnan(u):
                        b = c
                        break
                    if u > top:
                        top = u
                        b = c
            best[r] = b


def priority(model, rules: list, market: Market, bidders: np.ndarray,
             homes: np.ndarray) -> np.ndarray | float:
    """The rules' extra priority of each bidder (0 if none has any)."""
    total = 0.0
    for rule in rules:
        extra = rule.priority(model, market, bidders, homes)
        if extra is not None:
            total = total + extra
    return total


def let(model, rules: list, market: Market, winners: np.ndarray, homes: np.ndarray) -> None:
    for rule in rules:
        rule.let(model, market, winners, homes)


def refusal_outcomes(model) -> dict[str, dict[str, int]]:
    """Per lever, this year's refused households (each counted once) and how many of them
    ended in a dwelling in the city ('elsewhere') or outside it ('region': left, or never
    came). Observes only."""
    h = model.households
    out = {}
    for lever, parts in model.flows.refused.items():
        rows = np.concatenate([p[0] for p in parts])
        uid = np.concatenate([p[1] for p in parts])
        uid, first = np.unique(uid, return_index=True)
        rows = rows[first]
        housed = h.alive[rows] & (h.uid[rows] == uid) & (h.dwelling[rows] >= 0)
        out[lever] = {"refused": int(uid.size), "elsewhere": int(housed.sum()),
                      "region": int((~housed).sum())}
    return out


LEVER_REASONS = {name: REASON[name] for name in (
    "capacity_test", "fair_share", "local_binding", "selective_allocation", "target_group")}
