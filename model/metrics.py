"""Segregation and housing metrics as pure functions over count tables.

Every function here takes plain numbers (numpy arrays or anything ``np.asarray`` accepts)
and returns a number or an array. Nothing reads the model, so the same functions serve the
simulation (once per simulated year), the experiments and the tests.

Conventions
-----------
* A *count table* has one row per areal unit (a buurt or a wijk) and one column per group.
  For the income classes the column order is ``low_pt, low_daeb, middle, high_afford, high``.
* Counts are non-negative numbers (households or dwellings); they need not be integers.
  Negative counts raise ``ValueError``.
* ``n`` is the number of units, ``t_i`` the total of unit ``i`` and ``T`` the city total.
* An index that is undefined for its input (for example dissimilarity when one of the two
  groups is absent from the whole city) returns ``nan`` instead of raising, so that a
  simulated year with an empty group still yields a row of results.
* A unit with no one in it (``t_i = 0``) never changes a segregation index: it is skipped.
* No function emits numpy divide-by-zero warnings: every division by a possible zero is
  guarded.

The formulas follow Massey & Denton (1988, "The dimensions of residential segregation") and
Reardon & Firebaugh (2002, "Measures of multigroup segregation"), as implemented by PySAL's
``segregation`` package, and Moran (1950) as implemented by PySAL's ``esda``; the tests check
these functions against those packages.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np

__all__ = [
    "adjacency_matrix",
    "count_in_band",
    "dissimilarity",
    "isolation",
    "morans_i",
    "segregation_indices",
    "share",
    "theil_h",
]

NAN = float("nan")


def _counts(x, ndim: int, name: str) -> np.ndarray:
    """Return ``x`` as a float array of the given dimension, refusing negative counts."""
    arr = np.asarray(x, dtype=float)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if (arr < 0).any():
        raise ValueError(f"{name} must not contain negative counts")
    return arr


def _same_length(a: np.ndarray, b: np.ndarray, names: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{names} must have the same shape, got {a.shape} and {b.shape}")


def dissimilarity(group_a, group_b) -> float:
    """Two-group index of dissimilarity D.

    Formula::

        D = 1/2 * sum_i | a_i / A  -  b_i / B |

    with ``a_i``, ``b_i`` the counts of groups a and b in unit i and ``A``, ``B`` their city
    totals. D is the share of either group that would have to move to another unit for both
    groups to be spread over the units in the same proportions. D = 0: identical spread;
    D = 1: complete separation (no unit holds both groups).

    In this model it compares the low incomes (low_pt + low_daeb) with the high incomes
    (high_afford + high); the middle class does not enter.

    Edge cases: units where both counts are 0 add 0. Returns ``nan`` if ``A == 0`` or
    ``B == 0`` (one of the groups is absent from the whole city).
    """
    a = _counts(group_a, 1, "group_a")
    b = _counts(group_b, 1, "group_b")
    _same_length(a, b, "group_a and group_b")
    total_a = a.sum()
    total_b = b.sum()
    if total_a == 0 or total_b == 0:
        return NAN
    return float(0.5 * np.abs(a / total_a - b / total_b).sum())


def _entropy(p: np.ndarray) -> np.ndarray | float:
    """Shannon entropy sum_m p_m ln(1/p_m) along the last axis, with 0 ln 0 = 0."""
    safe = np.where(p > 0, p, 1.0)  # ln(1) = 0, so zero proportions contribute nothing
    return -(p * np.log(safe)).sum(axis=-1)


def theil_h(counts) -> float:
    """Multigroup information theory index H (Theil's H) of a units x groups table.

    Formula (natural logarithms)::

        pi_m = N_m / T                       city-wide share of group m
        E    = sum_m pi_m ln(1 / pi_m)       city-wide entropy (diversity)
        pi_im = n_im / t_i                   share of group m in unit i
        E_i  = sum_m pi_im ln(1 / pi_im)     entropy of unit i
        H    = sum_i t_i (E - E_i) / (T E)

    H is the average shortfall of a unit's diversity from the city's diversity, as a
    fraction of the city's diversity, weighted by unit size. H = 0: every unit has the
    city's mix; H = 1: every unit holds a single group. Unlike D it uses all groups at once.

    Edge cases: ``0 ln 0 = 0``, so a group absent from a unit (or from the whole city) adds
    nothing; a group absent city-wide gives the same H as dropping its column. Units with
    ``t_i = 0`` contribute nothing. Returns ``nan`` if ``E == 0``: an empty table, or only one
    group present in the city, where there is nothing to segregate.
    """
    n = _counts(counts, 2, "counts")
    unit_totals = n.sum(axis=1)
    city_total = unit_totals.sum()
    if city_total == 0:
        return NAN
    city_entropy = float(_entropy(n.sum(axis=0) / city_total))
    if city_entropy <= 0:
        return NAN
    # Empty units get proportions 0 (not 0/0); their weight t_i = 0 removes them anyway.
    safe_totals = np.where(unit_totals > 0, unit_totals, 1.0)
    unit_entropy = _entropy(n / safe_totals[:, None])
    return float((unit_totals * (city_entropy - unit_entropy)).sum() / (city_total * city_entropy))


def isolation(group, total) -> float:
    """Isolation index xPx of one group.

    Formula::

        xPx = sum_i (x_i / X) * (x_i / t_i)

    with ``x_i`` the group's count in unit i, ``X`` its city total and ``t_i`` the total of
    unit i (all groups). xPx is the share of the group in the unit of an average member of
    the group: the chance that a random neighbour of a group member is in the same group.
    xPx = 1 when the group lives alone in its units; when the group is spread evenly it
    equals the group's city-wide share X / T (so compare it with that share).

    Edge cases: units with ``t_i = 0`` are skipped (they hold no group member either).
    Returns ``nan`` if ``X == 0``. Raises ``ValueError`` if some ``x_i > t_i``.
    """
    x = _counts(group, 1, "group")
    t = _counts(total, 1, "total")
    _same_length(x, t, "group and total")
    if (x > t).any():
        raise ValueError("group counts must not exceed the unit totals")
    group_total = x.sum()
    if group_total == 0:
        return NAN
    occupied = t > 0
    x = x[occupied]
    return float((x / group_total * (x / t[occupied])).sum())


def adjacency_matrix(graph, nodes: Sequence[Hashable]) -> np.ndarray:
    """Binary adjacency matrix of ``graph`` restricted to ``nodes``, in that order.

    ``A[i, j] = 1`` if ``nodes[i]`` and ``nodes[j]`` share an edge, else 0. Edges to nodes
    not listed in ``nodes`` (for example neighbouring municipalities) are ignored, edges are
    taken as undirected (a directed edge either way counts for both), and self-loops are
    dropped so the diagonal is 0. ``graph`` is a networkx graph; only ``graph.edges()`` and
    ``node in graph`` are used.

    Raises ``ValueError`` if ``nodes`` has duplicates or names a node not in ``graph``.
    """
    position = {node: i for i, node in enumerate(nodes)}
    if len(position) != len(nodes):
        raise ValueError("nodes must not contain duplicates")
    missing = [node for node in position if node not in graph]
    if missing:
        raise ValueError(f"nodes not in graph: {missing!r}")
    matrix = np.zeros((len(position), len(position)))
    for u, v in graph.edges():
        i = position.get(u)
        j = position.get(v)
        if i is not None and j is not None and i != j:
            matrix[i, j] = matrix[j, i] = 1.0
    return matrix


def morans_i(values, weights) -> float:
    """Global Moran's I of a unit-level variable: do similar values sit next to each other?

    Formula, with row-standardised weights ``w_ij`` (each row of ``weights`` divided by its
    sum, the ``"r"`` transform that PySAL's ``esda.Moran`` uses by default)::

        z_i = x_i - mean(x)
        S0  = sum_ij w_ij                  (= number of units that have neighbours)
        I   = (n / S0) * sum_ij w_ij z_i z_j / sum_i z_i^2

    I > 0: neighbours tend to have similar values (clustering, e.g. poor buurten next to
    poor buurten); I < 0: neighbours tend to differ (a checkerboard); I near the expected
    value -1/(n-1) under random placement: no spatial pattern.

    ``weights`` is a dense n x n array of non-negative weights, usually the binary adjacency
    from :func:`adjacency_matrix`; its diagonal should be 0 (a unit is not its own
    neighbour). Passing weights that are already row-standardised gives the same result.

    Edge cases: a unit without neighbours (an island, an all-zero row) keeps zero weight
    but still counts in n, the mean and sum z_i^2, as in esda. Returns ``nan`` if n < 2, if
    all values are equal (sum z_i^2 = 0) or if no unit has a neighbour (S0 = 0). A ``nan``
    among ``values`` gives ``nan``: drop such units (their rows and columns) first.
    """
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"values must be 1-dimensional, got shape {x.shape}")
    n = x.shape[0]
    if w.shape != (n, n):
        raise ValueError(f"weights must have shape {(n, n)}, got {w.shape}")
    if n < 2:
        return NAN
    row_sums = w.sum(axis=1)
    has_neighbours = row_sums > 0
    w_row = w / np.where(has_neighbours, row_sums, 1.0)[:, None]
    s0 = w_row.sum()
    z = x - x.mean()
    sum_sq = z @ z
    if s0 == 0 or sum_sq == 0:
        return NAN
    return float(n / s0 * (z @ w_row @ z) / sum_sq)


def spearman(a, b) -> float:
    """Spearman's rank correlation of two equally long sequences: the Pearson correlation
    of their ranks, tied values sharing their average rank (as pandas' and scipy's do).
    Used to compare the model's ordering of areas with the statistics' (vacancy, low
    incomes, WOZ change). ``nan`` if fewer than 2 values or one side is constant."""
    x, y = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    _same_length(x, y, "a and b")
    if x.size < 2:
        return NAN
    rx, ry = _average_ranks(x), _average_ranks(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    scale = np.sqrt((rx @ rx) * (ry @ ry))
    return float(rx @ ry / scale) if scale > 0 else NAN


def _average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n of x; tied values get the mean of the ranks they span."""
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    last = np.cumsum(counts)  # the highest rank of each distinct value
    return (last - (counts - 1) / 2.0)[inverse]


def share(part, whole) -> np.ndarray:
    """Elementwise share ``part / whole``, with ``nan`` where ``whole == 0``.

    Used for the corporation share of the housing stock and the low-income share of the
    households per unit. An empty unit has no share, hence ``nan`` rather than 0; ``nan``
    never counts as inside a band (see :func:`count_in_band`) and makes ``np.nanmean`` skip
    the unit. Returns a float array of the broadcast shape of the inputs.
    """
    p = np.asarray(part, dtype=float)
    w = np.asarray(whole, dtype=float)
    shape = np.broadcast_shapes(p.shape, w.shape)
    out = np.full(shape, np.nan)
    np.divide(p, w, out=out, where=w != 0)
    return out


def count_in_band(
    shares,
    sizes,
    low: float = 0.21,
    high: float = 0.51,
    min_size: float = 100,
) -> int:
    """Number of units of at least ``min_size`` whose share lies in ``[low, high]``.

    The housing vision aims for every wijk's corporation share within 21-51% by 2050, and
    does not count wijken of fewer than 100 dwellings. Both bounds and ``min_size`` are
    inclusive: a share of exactly 0.21 or 0.51 counts, a unit of exactly 100 dwellings
    counts. A ``nan`` share (an empty unit) never counts. A share computed as 21/100 is
    exactly the float 0.21, so the boundary cases behave as written.
    """
    s = np.asarray(shares, dtype=float)
    n = np.asarray(sizes, dtype=float)
    if s.shape != n.shape:
        raise ValueError(f"shares and sizes must have the same shape, got {s.shape} and {n.shape}")
    in_band = (n >= min_size) & (s >= low) & (s <= high)
    return int(np.count_nonzero(in_band))


def segregation_indices(
    counts,
    low_cols: Iterable[int] = (0, 1),
    high_cols: Iterable[int] = (3, 4),
    lowest_col: int = 0,
) -> dict[str, float]:
    """The model's three segregation indices from one units x income-classes table.

    ``counts`` has one row per unit and the income classes as columns, by default in the
    order ``low_pt, low_daeb, middle, high_afford, high``. Returns::

        {"dissimilarity": D of low (low_cols summed) vs high (high_cols summed),
         "theil_h":       H over all columns,
         "isolation_low": xPx of column lowest_col against the unit totals (all columns)}

    Edge cases are those of :func:`dissimilarity`, :func:`theil_h` and :func:`isolation`.
    """
    n = _counts(counts, 2, "counts")
    low = n[:, list(low_cols)].sum(axis=1)
    high = n[:, list(high_cols)].sum(axis=1)
    return {
        "dissimilarity": dissimilarity(low, high),
        "theil_h": theil_h(n),
        "isolation_low": isolation(n[:, lowest_col], n.sum(axis=1)),
    }
