"""The allocation-rule hook's compiled pass (model/allocation.py `_close_pairs`), checked
against numpy on random choice sets, compiled and as plain Python."""

import numpy as np
import pytest

from model.allocation import _close_pairs


def expected(barred, word, idx, j, util, best):
    """The same with numpy: -inf where the bits meet; the bits that closed each finite best
    pick; the argmax of what is left where the best pick was closed."""
    meet = barred[idx][:, None] & word[j]
    rows = np.arange(idx.size)
    at_best = meet[rows, best]
    refused = np.where(np.isfinite(util[rows, best]), at_best, 0).astype(np.uint32)
    util = util.copy()
    util[meet != 0] = -np.inf
    best = best.copy()
    lost = at_best != 0
    best[lost] = util[lost].argmax(axis=1)
    return util, best, refused


@pytest.mark.parametrize("compiled", [True, False])
def test_close_pairs_matches_numpy(compiled):
    rng = np.random.default_rng(11)
    n_choosers, n_offer, k = 300, 50, 8
    barred = (rng.integers(0, 16, n_choosers) * (rng.random(n_choosers) < 0.6)).astype(np.uint32)
    word = (rng.integers(0, 16, n_offer) * (rng.random(n_offer) < 0.4)).astype(np.uint32)
    idx = np.sort(rng.choice(n_choosers, 200, replace=False))
    j = rng.integers(0, n_offer, (idx.size, k)).astype(np.intp)
    util = rng.normal(size=j.shape).astype(np.float32)
    util[rng.random(j.shape) < 0.2] = -np.inf  # pairs the national rules closed
    util[:5] = -np.inf  # choosers with nothing admissible (not counted as refused)
    util[5:8, 3] = np.nan
    best = util.argmax(axis=1)
    want_util, want_best, want_refused = expected(barred, word, idx, j, util, best)
    refused = np.zeros(idx.size, dtype=np.uint32)
    fn = _close_pairs if compiled else _close_pairs.py_func
    fn(barred, word, idx, j, util, best, refused)
    np.testing.assert_array_equal(util, want_util)
    np.testing.assert_array_equal(best, want_best)
    np.testing.assert_array_equal(refused, want_refused)
    assert refused.any() and (want_best != util.argmax(axis=1)).sum() == 0
