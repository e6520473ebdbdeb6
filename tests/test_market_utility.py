"""The market's compiled loops (model/phases/market.py): the pair utility checked term by
term against numpy on random tables, compiled and as plain Python; the others each against
the numpy they replaced."""

import numpy as np
import pytest

from model.categories import Segment as S
from model.phases.market import (
    N_RULES,
    _choice_sets,
    _daeb_cap,
    _drawn_only,
    _highest_bids,
    _next_best,
    _pair_utilities,
    _vacant_rows,
)


def tables(rng, n_choosers=40, n_offer=30, n_types=6, n_buurten=7, k=5):
    f32 = np.float32
    t = dict(
        base=rng.normal(size=(n_types, n_offer)).astype(f32),
        yearly_cost=rng.uniform(3000, 30000, n_offer).astype(f32),
        crowding=rng.uniform(0, 2, (6, n_offer)).astype(f32),
        buurt=rng.integers(0, n_buurten, n_offer).astype(np.intp),
        zero_step_bonus=(rng.random(n_offer) < 0.3).astype(f32) * f32(0.7),
        rule=rng.integers(0, N_RULES, n_offer),
        requirement=rng.uniform(0, 60000, n_offer).astype(f32),
        type_row=rng.integers(0, n_types, n_choosers).astype(np.intp),
        income=rng.uniform(10000, 90000, n_choosers).astype(f32),
        size=rng.integers(1, 6, n_choosers),
        distance_cost=rng.uniform(0, 1, (n_buurten + 1, n_buurten)).astype(f32),
        distance_row=rng.integers(0, n_buurten + 1, n_choosers).astype(np.intp),
        senior=rng.random(n_choosers) < 0.4,
        limits=rng.uniform(0, 80000, (n_choosers, N_RULES)).astype(f32),
    )
    t["limits"][:, 0] = np.inf
    idx = np.sort(rng.choice(n_choosers, n_choosers // 2, replace=False))
    j = rng.integers(0, n_offer, (idx.size, k)).astype(np.intp)
    noise = rng.gumbel(size=j.shape).astype(f32)
    return t, idx, j, noise


def expected(t, idx, j, noise, beta_cost, bonus):
    """The same utility, one numpy pass per term, in the same order."""
    i = idx[:, None]
    u = t["base"][t["type_row"][i], j]
    cost = t["yearly_cost"][j] / t["income"][i] - np.float32(0.25)
    u -= np.maximum(cost, np.float32(0)) * beta_cost
    u -= t["crowding"][t["size"][i], j]
    u -= t["distance_cost"][t["distance_row"][i], t["buurt"][j]]
    u += np.where(t["senior"][i], t["zero_step_bonus"][j], np.float32(0))
    u[t["requirement"][j] > t["limits"][i, t["rule"][j]]] = -np.inf
    return u + bonus + noise


@pytest.mark.parametrize("compiled", [True, False])
def test_pair_utilities_follow_the_rule_term_by_term(compiled):
    rng = np.random.default_rng(7)
    t, idx, j, noise = tables(rng)
    beta_cost, bonus = np.float32(2.5), np.float32(0.0)
    util = np.empty(j.shape, np.float32)
    best = np.empty(idx.size, np.intp)
    fn = _pair_utilities if compiled else _pair_utilities.py_func
    fn(t["base"], False, t["yearly_cost"], t["crowding"], t["buurt"], True,
       t["zero_step_bonus"], t["rule"], t["requirement"], t["type_row"], t["income"],
       t["size"], t["distance_cost"], t["distance_row"], t["senior"], t["limits"], beta_cost,
       bonus, True, idx, j, noise, util, best)
    want = expected(t, idx, j, noise, beta_cost, bonus)
    np.testing.assert_array_equal(util, want)  # to the bit: same terms, same order
    assert np.isneginf(util).any() and np.isfinite(util).any()  # the rules closed some pairs
    np.testing.assert_array_equal(best, util.argmax(axis=1))  # the first of the best


def test_homes_are_not_retested_and_take_the_bonus():
    """Voluntary movers' own homes: one base row, no letting rule, the stay bonus added."""
    rng = np.random.default_rng(3)
    t, idx, j, noise = tables(rng)
    home = np.arange(idx.size)[:, None]
    base = t["base"][:1, : idx.size]
    t["requirement"][:] = np.inf  # every rule would forbid every dwelling

    def homes(bonus):
        util = np.empty(home.shape, np.float32)
        _pair_utilities(base, True, t["yearly_cost"], t["crowding"], t["buurt"], False,
                        t["zero_step_bonus"], t["rule"], t["requirement"], t["type_row"],
                        t["income"], t["size"], t["distance_cost"], t["distance_row"],
                        t["senior"], t["limits"], np.float32(1.0), np.float32(bonus), False,
                        idx, home, noise[:, :1], util, np.empty(idx.size, np.intp))
        return util

    util, util0 = homes(0.5), homes(0.0)
    assert np.isfinite(util).all()
    np.testing.assert_allclose(util - util0, 0.5, rtol=1e-5)


# --- The market's other compiled loops, each against the numpy it replaced ---------------
def test_choice_sets_are_the_draws_times_n_truncated():
    draw = np.random.default_rng(1).random((50, 20), dtype=np.float32)
    draw[0, 0] = np.nextafter(np.float32(1), np.float32(0))  # the largest draw below 1
    want = np.minimum((draw * np.float32(7)).astype(np.intp), 6)
    np.testing.assert_array_equal(_choice_sets(draw, 7), want)


def test_next_best_closes_the_best_and_takes_the_first_of_the_rest():
    util = np.array([[1.0, 3.0, 2.0, 2.0], [5.0, 1.0, 1.0, 0.0]], dtype=np.float32)
    best = np.array([1, 0])
    _next_best(util, np.array([0, 1]), best)
    np.testing.assert_array_equal(best, [2, 1])  # ties: the first of equals, as argmax
    assert util[0, 1] == -np.inf and util[1, 0] == -np.inf


def test_highest_bids_match_a_stable_sort_by_dwelling_and_priority():
    rng = np.random.default_rng(5)
    targets = rng.integers(0, 40, 300)
    priority = np.round(rng.random(300) * 4, 1)  # many ties
    slots = np.full(50, -1, dtype=np.intp)
    win = _highest_bids(targets, priority, slots)
    order = np.argsort(targets * 1024.0 - priority, kind="stable")
    first = np.r_[True, targets[order][1:] != targets[order][:-1]]
    np.testing.assert_array_equal(win, order[first])
    assert (slots == -1).all()  # the scratch is left as it was found


def test_daeb_cap_keeps_the_first_above_the_limit_while_there_is_room():
    social = np.array([True, True, True, True, False, True])
    winners = np.arange(6)
    daeb = np.array([True, False, False, True, False, False])  # 1, 2, 5 above the limit
    passend = np.array([True, False, False, True, True, False])
    aftopping = np.full(6, 650.0)
    rent = np.array([600.0, 700.0, 700.0, 700.0, 900.0, 700.0])
    # 10% free share, 18 lettings so far of which 1 above: room for (0.1 x 20 - 1) / 0.9
    ok, let, kept, n_passend, n_passend_ok = _daeb_cap(
        social, winners, winners, daeb, passend, aftopping, rent, 0.1, 18, 1)
    np.testing.assert_array_equal(ok, [True, True, False, True, True, False])
    assert (let, kept, n_passend, n_passend_ok) == (3, 1, 2, 1)


def test_vacant_rows_are_empty_standing_and_not_withheld():
    occupant = np.array([-1, 3, -1, -1, -1, -1])
    alive = np.array([True, True, False, True, True, True])
    withheld = np.array([False, False, False, True, False, False])
    np.testing.assert_array_equal(_vacant_rows(occupant, alive, withheld, 5), [0, 4])


@pytest.mark.parametrize("compiled", [True, False])
def test_drawn_only_gives_what_numpy_unique_gives(compiled):
    rng = np.random.default_rng(8)
    drawn_only = _drawn_only if compiled else _drawn_only.py_func
    for n, shape in ((50, (3, 4)), (7, (10, 6)), (1, (2, 2))):
        j = rng.integers(0, n, shape).astype(np.intp)
        drawn, again = drawn_only(j, n)
        want, inverse = np.unique(j, return_inverse=True)
        np.testing.assert_array_equal(drawn, want)
        np.testing.assert_array_equal(again, inverse.reshape(shape))


def test_offered_dwellings_ask_what_the_dwellings_ask():
    """The market's compiled offer tables price a vacancy by the one rule of the asking cost
    (`Dwellings.asking_cost`: rent x 12, or WOZ x the user cost of owning), in float32; a
    sitting household's own home at what it pays."""
    from model import SortingModel
    from model.phases.market import _Context, _Offer, _vacancies
    from model.phases.migration import _as_choosers, draw_newcomers

    model = SortingModel(rng=1, scale=0.1)
    model.run_for(1)
    d = model.dwellings
    ctx = _Context(model, _as_choosers(draw_newcomers(model, 20)))
    vacant = _vacancies(model)
    offer = _Offer(model, ctx, vacant)
    want = d.asking_cost(vacant, model.params.owner_cost_rate).astype(np.float32)
    np.testing.assert_allclose(offer.yearly_cost, want, rtol=1e-6)
    assert (d.segment[vacant] >= S.OWN_1).any() and (d.segment[vacant] < S.OWN_1).any()
    homes = d.rows()[d.occupant[d.rows()] >= 0][:50]
    own = _Offer(model, ctx, homes, home_types=ctx.type[:1].repeat(homes.size))
    np.testing.assert_array_equal(own.yearly_cost, d.cost[homes].astype(np.float32))
