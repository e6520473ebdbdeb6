"""The allocation-rule hook: how the letting and sale rules of levers plug into the market.

The national rules (DAEB, passend toewijzen, the middle-rent income band, the landlord's
income test, the mortgage limit) apply in every run and are built into the market's utility
(`model/phases/market.py`). The rules of levers (capacity test, target-group regulation,
local binding, selective allocation, fair share) are `AllocationRule` objects, one class per
rule in its lever's module. The market calls every active rule at four points, and nowhere
else does a lever touch the market:

- `screen(model, market)`: newcomers kept out of this year's market altogether (fair share);
  they are written to the ledger as 'refuse' with the lever as reason and do not come;
- `forbid(model, market, idx, offered, j)`: which (chooser, offered dwelling) pairs the rule
  forbids. `idx` are chooser indices (rows of `market`); `offered` the dwelling rows on
  offer in this round, `j` the choice set of each chooser as indices into `offered`
  (`idx.size` x k): a rule can judge each offered dwelling once and gather by `j`. It returns
  the forbidden pairs as ascending flat indices into `j` (`np.flatnonzero` of a mask shaped
  like `j`), or None. Forbidden pairs are few (a rule bars some choosers from some
  dwellings), so a list of them is cheaper to build and apply than a mask of every pair.
  A forbidden pair gets utility -inf. A chooser whose best dwelling in a round was forbidden
  counts as *refused* by the rule (once per year);
- `priority(model, market, bidders, homes)`: extra priority of each bidder for the dwelling
  it bids on (added to the landlord's ranking), or None;
- `let(model, market, winners, homes)`: told of each batch of lettings (for counters).

A rule is active in the years its lever's schedule says (`active(model)`).
"""

from dataclasses import dataclass, field

import numpy as np

from model.ledger import REASON


@dataclass
class Market:
    """What a rule may read of the market it is called from: the choosers (`ch`, a
    `Choosers`) and their per-chooser attributes (`ctx`, the market's `_Context`: cls,
    income, size, ...). Household rows of chooser indices `idx` are `ch.rows[idx]`."""

    ch: object
    ctx: object
    cache: dict = field(default_factory=dict)  # what a rule computes once per market

    def per_chooser(self, key: str, compute) -> np.ndarray:
        """An array over all choosers, computed once per market by `compute()`."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


class AllocationRule:
    """Base class: a rule that does nothing. Subclasses override what they need and set
    `lever` (the lever's name, which is also the ledger reason of its refusals)."""

    lever = ""

    def active(self, model) -> bool:
        return True

    def screen(self, model, market: Market) -> np.ndarray | None:
        return None

    def forbid(self, model, market: Market, idx: np.ndarray, offered: np.ndarray,
               j: np.ndarray) -> np.ndarray | None:
        return None

    def priority(self, model, market: Market, bidders: np.ndarray,
                 homes: np.ndarray) -> np.ndarray | None:
        return None

    def let(self, model, market: Market, winners: np.ndarray, homes: np.ndarray) -> None:
        return None


def for_choosers(subject: np.ndarray, offered: np.ndarray, j: np.ndarray,
                 closed) -> np.ndarray | None:
    """The forbidden pairs (flat indices into `j`) of a rule that applies to some choosers
    only (`subject`, a mask over the rows of `j`) and closes some offered dwellings to them:
    `closed(offered)` says which (called only if the rule applies to anyone). None if it
    applies to nobody. Only the subjects' choice sets are looked at."""
    rows = np.flatnonzero(subject)
    if rows.size == 0:
        return None
    shut = closed(offered)
    if not shut.any():
        return None
    k = j.shape[1]
    row, col = np.divmod(np.flatnonzero(shut[j[rows]]), k)
    return rows[row] * k + col


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


def forbid(model, rules: list, market: Market, idx: np.ndarray, offered: np.ndarray,
           j: np.ndarray, util: np.ndarray, best: np.ndarray) -> None:
    """Set utility -inf where a rule forbids the pair; count choosers whose best pick a rule
    forbade as refused by it. `best` is each chooser's best pick in `util` (its argmax, as
    the market found it); it is updated in place for the choosers whose best pick was
    forbidden (for the others it stays the argmax: only lower values were closed)."""
    best_pair = finite = lost = None  # found once a rule forbids any pair
    for rule in rules:
        pairs = rule.forbid(model, market, idx, offered, j)
        if pairs is None or pairs.size == 0:
            continue
        if best_pair is None:  # each chooser's best pick as a flat index, before any closing
            best_pair = np.arange(idx.size) * j.shape[1] + best
            finite = np.isfinite(np.take(util, best_pair))
            lost = np.zeros(idx.size, dtype=bool)
        forbidden = np.zeros(j.size, dtype=bool)
        forbidden[pairs] = True
        closed_best = forbidden[best_pair]
        _refuse(model, rule, market.ch.rows[idx[closed_best & finite]])
        lost |= closed_best
        np.put(util, pairs, np.float32(-np.inf))
    if lost is not None:
        rows = np.flatnonzero(lost)
        best[rows] = util[rows].argmax(axis=1)


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
