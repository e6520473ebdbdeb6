"""Drawing n of m candidates at random by weight, without replacement, cheaply and exactly.

The Gumbel top-k trick: give each candidate the key log(weight) + g, with g a Gumbel number,
and take the n highest keys; that is a draw of n without replacement with odds by weight.
numpy's `rng.gumbel(size=m)` makes each g from a uniform u as g = -log(-log(1 - u)): two
calls of the C library's log per candidate, most of the cost of a draw when m is large and n
small (a lever picking 40 of 48,000 dwellings).

The draws here take the same uniforms from the random stream (`uniforms`), so the stream
moves on exactly as with `rng.gumbel(size=m)`, but compute g only for the candidates that can
be among the n highest:
- a table (`_gumbel_bounds`) gives, per narrow range ("bin") of u, the least and the greatest
  g of a u in it, widened by 1e-9 for the rounding of the logs;
- each candidate's lowest possible key is log(weight) + the least g of its bin. The n-th
  highest of these lowest keys is a bar that n candidates surely reach;
- a candidate whose highest possible key is below the bar cannot be among the n: it is out.
  The few others (the contenders) get their exact key, computed as numpy's gumbel computes
  it (`0.0 - 1.0 * log(-log(1.0 - u))`, the C library's log), and the n highest are taken.
So the chosen candidates are those of the plain code (keys from `rng.gumbel`, then a sort),
to the bit; tests/test_stock_picks.py checks it against that code.

Used by `model.stock.pick` and `pick_per_group`; groups (e.g. wijken, k[g] of each) draw in
one pass.
"""

import functools
import math

import numpy as np

from model.jit import jit


def uniforms(rng, m: int) -> np.ndarray:
    """The m uniforms `rng.gumbel(size=m)` turns into Gumbel numbers, drawn as it draws them:
    one each, and a uniform of exactly 0 (which it cannot use) replaced by the next one."""
    uniform = rng.random(m)
    while not uniform.all():  # a 0 turns up once in 2**53 draws
        kept = uniform[uniform != 0.0]
        uniform = np.concatenate([kept, rng.random(m - kept.size)])
    return uniform


def log_odds(weight, candidates: np.ndarray) -> np.ndarray:
    """log(weight) of each candidate (equal odds: 0), as the keys need it. `weight` is None,
    an array per candidate, or a function of the candidates giving that array."""
    if weight is None:
        return np.zeros(candidates.size)
    odds = weight(candidates) if callable(weight) else weight
    return np.log(np.maximum(np.asarray(odds, dtype=float), 1e-300))


def highest_keys(log_weight, uniform, group, k) -> np.ndarray:
    """Indices (ascending) of the `k[g]` highest keys log_weight + g(uniform) of each group
    g (`group` an int64 array, one group: all zeros): a bar per group that k of its keys
    surely reach, from the table's lowest possible keys; then the exact keys of the
    contenders, those whose highest possible key reaches their group's bar."""
    g_low, g_high = _gumbel_bounds()
    bits = uniform.view(np.int64)
    lowest = np.empty(log_weight.size)
    _lowest_keys(log_weight, bits, g_low, lowest)
    bar = _kth_highest(lowest, group, k)
    contenders, key = np.empty(log_weight.size, dtype=np.int64), np.empty(log_weight.size)
    n = _contenders(log_weight, uniform, bits, g_high, group, bar, contenders, key)
    contenders, key, group = contenders[:n], key[:n], group[contenders[:n]]
    chosen = np.zeros(n, dtype=bool)
    _take_highest(key, group, _kth_highest(key, group, k), k, chosen)
    return contenders[chosen]


def in_giving_groups(group, k) -> np.ndarray:
    """Indices of the candidates whose group gives any (k[group] > 0): only they draw."""
    wanted = np.empty(group.size, dtype=np.int64)
    return wanted[:_in_giving_groups(group, k, wanted)]


@jit
def _in_giving_groups(group, k, wanted):
    """Put the indices of the candidates whose group gives any (k > 0) in `wanted`; return
    how many (one pass instead of numpy's gather, compare and mask)."""
    n = 0
    for i in range(group.size):
        if k[group[i]] > 0:
            wanted[n] = i
            n += 1
    return n


_BIN_SHIFT = 44  # a bin of uniforms: the sign, exponent and first 8 mantissa bits of u
_FIRST_BIN = int(np.float64(2.0**-53).view(np.int64)) >> _BIN_SHIFT  # bin of the least u > 0
_N_BINS = (int(np.float64(1.0).view(np.int64)) >> _BIN_SHIFT) - _FIRST_BIN
_LARGEST_UNIFORM = 1.0 - 2.0**-53


@functools.cache
def _gumbel_bounds() -> tuple[np.ndarray, np.ndarray]:
    """Per bin of uniforms, the least and the greatest Gumbel number g(u) = -log(-log(1 - u))
    of a u in it (g falls as u rises; a positive double's bits rise with it, so a bin is a
    range of u), widened by 1e-9 for the rounding of the logs."""
    first = (np.arange(_N_BINS, dtype=np.int64) + _FIRST_BIN) << _BIN_SHIFT
    low = first.view(np.float64)
    high = np.minimum((first + (1 << _BIN_SHIFT)).view(np.float64), _LARGEST_UNIFORM)
    return -np.log(-np.log(1.0 - high)) - 1e-9, -np.log(-np.log(1.0 - low)) + 1e-9


@jit
def _lowest_keys(log_weight, uniform_bits, g_low, lowest):
    for i in range(log_weight.size):
        lowest[i] = log_weight[i] + g_low[(uniform_bits[i] >> _BIN_SHIFT) - _FIRST_BIN]


@jit
def _contenders(log_weight, uniform, uniform_bits, g_high, group, bar, contenders, key):
    """Put the candidates whose highest possible key reaches their group's bar in
    `contenders`, with their exact keys, and return how many. The keys are those of
    `log_weight + rng.gumbel()`: numpy's gumbel computes 0.0 - 1.0 * log(-log(1.0 - u))
    with the C library's log, and so does this (numpy's own np.log is another, vectorised
    log that can differ in the last bit)."""
    n = 0
    for i in range(log_weight.size):
        if log_weight[i] + g_high[(uniform_bits[i] >> _BIN_SHIFT) - _FIRST_BIN] >= bar[group[i]]:
            contenders[n] = i
            key[n] = log_weight[i] + (0.0 - 1.0 * math.log(-math.log(1.0 - uniform[i])))
            n += 1
    return n


def _kth_highest(values: np.ndarray, group: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Per group g the k[g]-th highest of its values: -inf when the group has no more than
    k[g] values (all are among the highest), +inf when k[g] <= 0 (none is). One group (a
    plain pick): numpy's partition, vectorised, is quicker than the loop."""
    below = values.size - k[0]  # values under the bar
    if k.size == 1 and k[0] > 0 and below > 0:
        return np.partition(values, below)[below:below + 1]
    by_group, start = np.empty(values.size), np.zeros(k.size + 1, dtype=np.int64)
    _sort_by_group(values, group, by_group, start)
    bar = np.empty(k.size)
    _kth_highest_of_runs(by_group, start, k, bar)
    return bar


@jit
def _sort_by_group(values, group, by_group, start):
    """Put the values in `by_group` group after group (a counting sort, one pass to count
    and one to place); group g's run from start[g] to start[g + 1]."""
    for i in range(values.size):
        start[group[i] + 1] += 1
    for g in range(start.size - 1):
        start[g + 1] += start[g]
    filled = start[:-1].copy()
    for i in range(values.size):
        by_group[filled[group[i]]] = values[i]
        filled[group[i]] += 1


@jit
def _kth_highest_of_runs(by_group, start, k, bar):
    """bar[g]: the k[g]-th highest value of run g of `by_group` (reordered in place), found
    by quickselect: split the run around a middle value and go on in the part holding it."""
    for g in range(k.size):
        first, last = start[g], start[g + 1] - 1
        below = last - first + 1 - k[g]  # values of the run under the bar
        if k[g] <= 0:
            bar[g] = np.inf
            continue
        if below <= 0:
            bar[g] = -np.inf
            continue
        kth = first + below  # where the bar stands once the run is sorted
        a = by_group
        while first < last:
            pivot = a[(first + last) // 2]
            i, j = first, last
            while i <= j:
                while a[i] < pivot:
                    i += 1
                while a[j] > pivot:
                    j -= 1
                if i <= j:
                    a[i], a[j] = a[j], a[i]
                    i += 1
                    j -= 1
            if kth <= j:
                last = j
            elif kth >= i:
                first = i
            else:
                break
        bar[g] = a[kth]


@jit
def _take_highest(key, group, bar, k, chosen):
    """chosen[i]: whether key i is among the k[g] highest of its group g (bar[g] the k-th
    highest); of keys equal to the bar, the first ones."""
    taken = np.zeros(k.size, dtype=np.int64)
    for i in range(key.size):
        if key[i] > bar[group[i]]:
            chosen[i] = True
            taken[group[i]] += 1
    for i in range(key.size):
        g = group[i]
        if key[i] == bar[g] and taken[g] < k[g]:
            chosen[i] = True
            taken[g] += 1
