"""The draws of the stock operations (model/stock.py: pick, pick_per_group) choose the same
dwellings, to the bit, as the plain Gumbel top-k code they replaced (`rng.gumbel` keys and a
sort), and move the random stream on exactly as far; their compiled loops are checked
against numpy, compiled and as plain Python."""

import types

import numpy as np
import pytest

from model import stock


def variants(kernel):
    return pytest.mark.parametrize("fn", [kernel, kernel.py_func], ids=["compiled", "python"])


def numpy_pick(rng, candidates, n, weight=None):
    """stock.pick as it was: every key from rng.gumbel, the n highest by argpartition."""
    n = int(max(n, 0))
    if n >= candidates.size:
        return candidates
    w = np.ones(candidates.size) if weight is None else np.asarray(weight, dtype=float)
    key = np.log(np.maximum(w, 1e-300)) + rng.gumbel(size=candidates.size)
    return np.sort(candidates[np.argpartition(-key, n - 1)[:n]]) if n else candidates[:0]


def numpy_pick_per_group(rng, candidates, group, k, weight=None):
    """stock.pick_per_group as it was: one argsort of a key that orders by group, then key."""
    k = np.asarray(k)
    wanted = k[np.asarray(group, dtype=np.int64)] > 0
    candidates = candidates[wanted]
    if candidates.size == 0:
        return candidates
    group = np.asarray(group, dtype=np.int64)[wanted]
    w = np.ones(candidates.size) if weight is None else np.asarray(weight, dtype=float)[wanted]
    key = np.log(np.maximum(w, 1e-300)) + rng.gumbel(size=candidates.size)
    order = np.argsort(group * 4096.0 - np.clip(key, -1000.0, 1000.0))
    ordered = group[order]
    rank = np.arange(order.size) - np.searchsorted(ordered, ordered, side="left")
    return np.sort(candidates[order[rank < k[ordered]]])


def cases(rng, n_cases):
    """Candidate sets of many sizes, with equal, spread, zero and far apart weights (no
    infinite ones: their keys would tie, where either code may take any)."""
    for case in range(n_cases):
        m = int(rng.integers(0, 2500))
        candidates = np.sort(rng.choice(100_000, m, replace=False))
        kind = case % 4
        weight = (None if kind == 0 else np.exp(rng.normal(size=m) * 3) if kind == 1
                  else np.where(rng.random(m) < 0.1, 0.0, rng.integers(1, 4, m)) if kind == 2
                  else np.exp(rng.normal(size=m) * 30))  # odds from 1e-50 to 1e50
        yield candidates, weight, int(rng.integers(1 << 30))


def test_pick_chooses_as_the_gumbel_sort_and_draws_as_many():
    rng = np.random.default_rng(1)
    for candidates, weight, seed in cases(rng, 600):
        m = candidates.size
        for n in (0, 1, int(rng.integers(0, m + 2)), m - 1, m + 3, -2):
            old = np.random.default_rng(seed)
            new = types.SimpleNamespace(rng=np.random.default_rng(seed))
            want = numpy_pick(old, candidates, n, weight)
            got = stock.pick(new, candidates, n, weight)
            assert np.array_equal(got, want)
            assert new.rng.random() == old.random()  # the stream moved on as far


def test_pick_per_group_chooses_as_the_sort_by_group():
    rng = np.random.default_rng(2)
    for candidates, weight, seed in cases(rng, 600):
        n_groups = int(rng.integers(1, 25))
        group = rng.integers(0, n_groups, candidates.size).astype(np.int16)
        k = np.where(rng.random(n_groups) < 0.6, rng.integers(-1, 60, n_groups), 0)
        old = np.random.default_rng(seed)
        new = types.SimpleNamespace(rng=np.random.default_rng(seed))
        want = numpy_pick_per_group(old, candidates, group, k, weight)
        got = stock.pick_per_group(new, candidates, group, k, weight)
        assert np.array_equal(got, want)
        assert new.rng.random() == old.random()


def test_a_weight_function_is_asked_only_for_what_is_drawn():
    model = types.SimpleNamespace(rng=np.random.default_rng(3))
    asked = []

    def odds(rows):
        asked.append(rows.copy())
        return np.ones(rows.size)

    rows = np.arange(100)
    assert stock.pick(model, rows, 0, odds).size == 0 and not asked
    group, k = rows % 4, np.array([0, 2, 0, 0])
    chosen = stock.pick_per_group(model, rows, group, k, odds)
    assert np.array_equal(asked[0], rows[group == 1]) and chosen.size == 2


class ZeroThenRng:
    """A stand-in rng whose uniforms hold exact zeros (numpy's gumbel cannot use them)."""

    def __init__(self, batches):
        self.batches = [np.asarray(b, dtype=float) for b in batches]
        self.sizes = []

    def random(self, m):
        self.sizes.append(m)
        batch, self.batches = self.batches[0], self.batches[1:]
        assert batch.size == m
        return batch


def test_uniforms_replace_a_zero_by_the_next_draw_as_gumbel_does():
    rng = ZeroThenRng([[0.5, 0.0, 0.25, 0.0], [0.0, 0.75], [0.125]])
    got = stock._uniforms(types.SimpleNamespace(rng=rng), 4)
    assert got.tolist() == [0.5, 0.25, 0.75, 0.125]
    assert rng.sizes == [4, 2, 1]


def test_uniforms_draw_exactly_what_gumbel_draws():
    a, b = np.random.default_rng(4), np.random.default_rng(4)
    stock._uniforms(types.SimpleNamespace(rng=a), 10_000)
    b.gumbel(size=10_000)
    assert a.random() == b.random()


@variants(stock._contenders)
def test_exact_keys_are_numpy_gumbel_keys_to_the_bit(fn):
    """The C library's log, as numpy's gumbel uses it (numpy's np.log may differ)."""
    m = 200_000
    log_weight = np.random.default_rng(5).normal(size=m)
    uniform = stock._uniforms(types.SimpleNamespace(rng=np.random.default_rng(6)), m)
    want = log_weight + np.random.default_rng(6).gumbel(size=m)
    contenders, key = np.empty(m, dtype=np.int64), np.empty(m)
    group, g_high = np.zeros(m, dtype=np.int64), stock._gumbel_bounds()[1]
    n = fn(log_weight, uniform, uniform.view(np.int64), g_high, group, np.array([-np.inf]),
           contenders, key)
    assert n == m and np.array_equal(contenders, np.arange(m))
    assert np.array_equal(key.view(np.int64), want.view(np.int64))


@variants(stock._lowest_keys)
def test_the_table_bounds_every_gumbel_number(fn):
    bins = (np.arange(stock._N_BINS, dtype=np.int64) + stock._FIRST_BIN) << stock._BIN_SHIFT
    edges = bins.view(np.float64)
    uniform = np.concatenate([edges, np.nextafter(edges[1:], 0.0), [stock._LARGEST_UNIFORM],
                              np.random.default_rng(7).random(100_000)])
    g = 0.0 - 1.0 * np.log(-np.log(1.0 - uniform))  # (to ~1e-15 of the C library's)
    g_low, g_high = stock._gumbel_bounds()
    lowest = np.empty(uniform.size)
    fn(np.zeros(uniform.size), uniform.view(np.int64), g_low, lowest)
    b = (uniform.view(np.int64) >> stock._BIN_SHIFT) - stock._FIRST_BIN
    assert (lowest <= g).all() and (g <= g_high[b]).all()
    assert np.isfinite(g_low).all() and np.isfinite(g_high).all()


@variants(stock._sort_by_group)
def test_sort_by_group_is_a_stable_sort_by_group(fn):
    rng = np.random.default_rng(8)
    group = rng.integers(0, 9, 5000)
    values = rng.normal(size=5000)
    by_group, start = np.empty(5000), np.zeros(10, dtype=np.int64)
    fn(values, group, by_group, start)
    assert np.array_equal(by_group, values[np.argsort(group, kind="stable")])
    assert np.array_equal(start, np.r_[0, np.cumsum(np.bincount(group, minlength=9))])


@variants(stock._kth_highest_of_runs)
def test_kth_highest_of_each_group_as_a_sort_finds_it(fn):
    rng = np.random.default_rng(9)
    for _ in range(300):
        n_groups = int(rng.integers(1, 12))
        sizes = rng.integers(0, 80, n_groups)
        values = np.round(rng.normal(size=sizes.sum()), int(rng.integers(1, 4)))  # with ties
        start = np.r_[0, np.cumsum(sizes)]
        k = rng.integers(-1, 90, n_groups)
        bar = np.empty(n_groups)
        fn(values.copy(), start, k, bar)
        for g in range(n_groups):
            run = np.sort(values[start[g]:start[g + 1]])[::-1]
            want = np.inf if k[g] <= 0 else -np.inf if k[g] >= run.size else run[k[g] - 1]
            assert bar[g] == want


@variants(stock._take_highest)
def test_take_highest_takes_k_per_group_the_first_of_ties(fn):
    key = np.array([3.0, 1.0, 2.0, 2.0, 5.0, 2.0, 0.0])
    group = np.array([0, 0, 0, 0, 1, 1, 1])
    k = np.array([2, 5])
    bar = np.array([2.0, -np.inf])
    chosen = np.zeros(key.size, dtype=bool)
    fn(key, group, bar, k, chosen)
    assert chosen.tolist() == [True, False, True, False, True, True, True]


@variants(stock._in_giving_groups)
def test_candidates_of_giving_groups_as_numpy_finds_them(fn):
    rng = np.random.default_rng(10)
    group = rng.integers(0, 20, 4000).astype(np.int16)
    k = np.where(rng.random(20) < 0.4, rng.integers(1, 5, 20), 0)
    wanted = np.empty(4000, dtype=np.int64)
    n = fn(group, k, wanted)
    assert np.array_equal(wanted[:n], np.flatnonzero(k[group] > 0))
