"""Tests for model/metrics.py.

The segregation indices are checked against PySAL's ``segregation`` package (the oracle) on
seeded random tables, and against values worked out by hand. PySAL takes all-zero rows
(empty units) without trouble: its D gives them a group share of 0 and its isolation and
Theil's H skip the 0/0 terms with ``nansum``, so tables with empty units are compared with
the oracle directly. Where PySAL and these functions differ on purpose (a group absent from
the whole city: PySAL's H is nan, ours treats 0 ln 0 = 0), the test uses hand values.

Moran's I is checked against ``esda.Moran`` when esda is installed, and always against an
independent double-loop formula on libpysal's row-standardised weights, on values with a
known sign or value, and on its expectation -1/(n-1) under random permutation.
"""


import networkx as nx
import numpy as np
import pandas as pd
import pytest
from segregation.multigroup import MultiInfoTheory
from segregation.singlegroup import Dissim, Isolation

from model.metrics import (
    adjacency_matrix,
    count_in_band,
    dissimilarity,
    isolation,
    morans_i,
    segregation_indices,
    share,
    spearman,
    theil_h,
)

# Importing segregation switches numpy's divide/invalid warnings off process-wide
# (np.seterr in segregation.multigroup); put numpy's defaults back for the other tests.
np.seterr(divide="warn", over="warn", under="ignore", invalid="warn")

TOL = 1e-9
CLASSES = ["low_pt", "low_daeb", "middle", "high_afford", "high"]


# --------------------------------------------------------------------------- tables


def _poisson_57() -> np.ndarray:
    """57 buurten of varied size, each with its own class mix."""
    rng = np.random.default_rng(20240101)
    sizes = rng.gamma(2.0, 150.0, size=57)
    mix = rng.dirichlet(np.ones(5), size=57)
    return rng.poisson(sizes[:, None] * mix)


def _negbin_23() -> np.ndarray:
    """23 wijken, over-dispersed counts."""
    rng = np.random.default_rng(7)
    return rng.negative_binomial(3, 0.01, size=(23, 5))


def _sparse_57_with_empty_units() -> np.ndarray:
    """57 buurten, some entirely empty and many zero cells."""
    rng = np.random.default_rng(42)
    table = rng.integers(0, 60, size=(57, 5))
    table[rng.random((57, 5)) < 0.35] = 0
    table[[0, 11, 30, 56]] = 0
    return table


def _clustered_57() -> np.ndarray:
    """Strongly segregated: most buurten dominated by one or two classes."""
    rng = np.random.default_rng(3)
    mix = rng.dirichlet(np.full(5, 0.15), size=57)
    return rng.multinomial(400, mix)


def _uniform_23() -> np.ndarray:
    rng = np.random.default_rng(11)
    return rng.integers(0, 1000, size=(23, 5))


def _lognormal_float_57() -> np.ndarray:
    """Non-integer counts (e.g. weighted households)."""
    rng = np.random.default_rng(99)
    return rng.lognormal(3.0, 1.2, size=(57, 5))


TABLES = {
    "poisson_57": _poisson_57(),
    "negbin_23": _negbin_23(),
    "sparse_57_with_empty_units": _sparse_57_with_empty_units(),
    "clustered_57": _clustered_57(),
    "uniform_23": _uniform_23(),
    "lognormal_float_57": _lognormal_float_57(),
}


def _frame(table: np.ndarray) -> pd.DataFrame:
    df = pd.DataFrame(table, columns=CLASSES)
    df["low"] = df["low_pt"] + df["low_daeb"]
    df["high_all"] = df["high_afford"] + df["high"]
    df["low_high"] = df["low"] + df["high_all"]
    df["total"] = df[CLASSES].sum(axis=1)
    return df


def _pysal(table: np.ndarray) -> dict[str, float]:
    df = _frame(table)
    with np.errstate(divide="ignore", invalid="ignore"):  # PySAL divides 0/0 for empty units
        return {
            "dissimilarity": Dissim(df, "low", "low_high").statistic,
            "theil_h": MultiInfoTheory(df, CLASSES).statistic,
            "isolation_low": Isolation(df, "low_pt", "total").statistic,
        }


# ----------------------------------------------------------------- against PySAL


def test_tables_are_what_they_claim():
    sparse = TABLES["sparse_57_with_empty_units"]
    assert (sparse.sum(axis=1) == 0).sum() >= 4
    assert (sparse == 0).mean() > 0.35
    assert TABLES["poisson_57"].shape == (57, 5) and TABLES["negbin_23"].shape == (23, 5)
    for table in TABLES.values():
        assert (table.sum(axis=0) > 0).all()  # every class present city-wide


@pytest.mark.parametrize("name", list(TABLES))
def test_indices_match_pysal(name):
    table = TABLES[name]
    expected = _pysal(table)
    df = _frame(table)
    got = {
        "dissimilarity": dissimilarity(df["low"], df["high_all"]),
        "theil_h": theil_h(table),
        "isolation_low": isolation(table[:, 0], table.sum(axis=1)),
    }
    for key, value in expected.items():
        assert 0 < value < 1, (key, value)  # a real comparison, not 0 == 0 or nan
        assert abs(got[key] - value) <= TOL, (key, got[key], value)


@pytest.mark.parametrize("name", list(TABLES))
def test_segregation_indices_matches_pysal(name):
    table = TABLES[name]
    got = segregation_indices(table)
    expected = _pysal(table)
    assert set(got) == {"dissimilarity", "theil_h", "isolation_low"}
    for key, value in expected.items():
        assert abs(got[key] - value) <= TOL, (key, got[key], value)
        assert isinstance(got[key], float)


def test_segregation_indices_column_arguments():
    table = TABLES["poisson_57"]
    got = segregation_indices(table, low_cols=(0,), high_cols=(2, 3, 4), lowest_col=1)
    assert got["dissimilarity"] == pytest.approx(
        dissimilarity(table[:, 0], table[:, 2:].sum(axis=1)), abs=1e-15
    )
    assert got["isolation_low"] == pytest.approx(
        isolation(table[:, 1], table.sum(axis=1)), abs=1e-15
    )
    assert got["dissimilarity"] != segregation_indices(table)["dissimilarity"]


# ------------------------------------------------------------------ hand values


def test_complete_segregation():
    # Every unit holds one class only.
    table = np.array(
        [
            [50, 0, 0, 0, 0],
            [0, 30, 0, 0, 0],
            [0, 0, 80, 0, 0],
            [0, 0, 0, 20, 0],
            [0, 0, 0, 0, 70],
            [10, 0, 0, 0, 0],
        ]
    )
    got = segregation_indices(table)
    assert got["dissimilarity"] == pytest.approx(1.0, abs=1e-12)
    assert got["theil_h"] == pytest.approx(1.0, abs=1e-12)
    assert got["isolation_low"] == pytest.approx(1.0, abs=1e-12)


def test_identical_distributions():
    # Every unit has the same mix, in different sizes.
    mix = np.array([1, 2, 3, 2, 1])
    table = np.outer([1, 5, 20, 3, 7], mix)
    got = segregation_indices(table)
    assert got["dissimilarity"] == pytest.approx(0.0, abs=1e-12)
    assert got["theil_h"] == pytest.approx(0.0, abs=1e-12)
    # Even spread: isolation equals the group's city-wide share, 1/9.
    assert got["isolation_low"] == pytest.approx(1 / 9, abs=1e-12)


def test_small_hand_examples():
    # a = (3, 1), b = (1, 3): D = 1/2 (|3/4 - 1/4| + |1/4 - 3/4|) = 1/2.
    assert dissimilarity([3, 1], [1, 3]) == pytest.approx(0.5, abs=1e-15)
    # a = (3, 0, 1, 5), b = (1, 0, 3, 0): D = 1/2 (1/12 + 0 + 23/36 + 5/9) = 23/36.
    assert dissimilarity([3, 0, 1, 5], [1, 0, 3, 0]) == pytest.approx(23 / 36, abs=1e-15)
    # Two units of (3, 1) and (1, 3): E = ln 2, E_i = binary entropy of 1/4 for both,
    # H = 1 - h(1/4) / ln 2 = 1 - 0.8112781244591328 bits.
    assert theil_h([[3, 1], [1, 3]]) == pytest.approx(0.1887218755408672, abs=1e-14)
    # x = (2, 1, 0), t = (4, 4, 5): xPx = 2/3 * 2/4 + 1/3 * 1/4 = 5/12.
    assert isolation([2, 1, 0], [4, 4, 5]) == pytest.approx(5 / 12, abs=1e-15)


def test_isolation_of_group_alone_in_its_units():
    assert isolation([5, 0, 12, 0], [5, 40, 12, 3]) == pytest.approx(1.0, abs=1e-15)


def test_empty_units_change_nothing():
    table = TABLES["poisson_57"]
    padded = np.vstack([np.zeros((3, 5)), table[:20], np.zeros((2, 5)), table[20:]])
    assert segregation_indices(padded) == pytest.approx(segregation_indices(table), abs=1e-15)


def test_group_absent_citywide_is_ignored_by_theil_h():
    # PySAL returns nan here (ln(1/0) in its city entropy); with 0 ln 0 = 0 an absent
    # class must give the same H as the table without that column.
    table = TABLES["negbin_23"].astype(float)
    with_absent = table.copy()
    with_absent[:, 2] = 0
    assert theil_h(with_absent) == pytest.approx(theil_h(np.delete(table, 2, axis=1)), abs=1e-15)


def test_undefined_cases_give_nan():
    assert np.isnan(dissimilarity([0, 0, 0], [1, 2, 3]))
    assert np.isnan(dissimilarity([1, 2, 3], [0, 0, 0]))
    assert np.isnan(theil_h(np.zeros((4, 5))))
    assert np.isnan(theil_h([[3, 0], [5, 0]]))  # one group only: E = 0
    assert np.isnan(isolation([0, 0], [4, 5]))
    assert np.all(np.isnan(list(segregation_indices(np.zeros((3, 5))).values())))


def test_no_floating_point_errors_on_empty_units():
    table = TABLES["sparse_57_with_empty_units"]
    with np.errstate(all="raise"):
        segregation_indices(table)
        share(table[:, 0], table.sum(axis=1))
        theil_h(np.zeros((3, 5)))
        isolation([0, 0], [0, 5])
        morans_i(np.ones(4), np.zeros((4, 4)))


def test_invalid_input_raises():
    with pytest.raises(ValueError):
        dissimilarity([1, 2], [1, 2, 3])
    with pytest.raises(ValueError):
        dissimilarity([1, -2], [1, 2])
    with pytest.raises(ValueError):
        theil_h([1, 2, 3])
    with pytest.raises(ValueError):
        theil_h([[1, 2], [3, -1]])
    with pytest.raises(ValueError):
        isolation([3, 1], [2, 5])  # group larger than its unit
    with pytest.raises(ValueError):
        morans_i([1, 2, 3], np.zeros((2, 2)))


# -------------------------------------------------------------------- share, band


def test_share():
    got = share([1, 0, 3, 0], [4, 0, 3, 5])
    np.testing.assert_array_equal(got[[0, 2, 3]], [0.25, 1.0, 0.0])
    assert np.isnan(got[1])
    assert got.dtype == float
    table = TABLES["sparse_57_with_empty_units"]
    low = share(table[:, :2].sum(axis=1), table.sum(axis=1))
    empty = table.sum(axis=1) == 0
    assert np.isnan(low[empty]).all() and not np.isnan(low[~empty]).any()


def test_count_in_band_boundaries_inclusive():
    shares = share([21, 51, 20, 52, 35], [100, 100, 100, 100, 100])
    assert list(shares) == [0.21, 0.51, 0.20, 0.52, 0.35]
    assert count_in_band(shares, [100] * 5) == 3
    assert count_in_band([0.2099999, 0.5100001], [500, 500]) == 0


def test_count_in_band_excludes_small_units_and_nan():
    shares = [0.30, 0.30, 0.30, np.nan, 0.40]
    sizes = [99, 100, 2500, 300, 0]
    assert count_in_band(shares, sizes) == 2
    assert count_in_band(shares, sizes, min_size=0) == 4
    assert count_in_band(shares, sizes, low=0.35, high=0.45, min_size=0) == 1
    assert isinstance(count_in_band(shares, sizes), int)


# ------------------------------------------------------------------ adjacency, Moran


def _buurt_like_graph() -> tuple[nx.Graph, list]:
    """57 units in a random geometric graph, one island, plus outside-municipality nodes."""
    graph = nx.random_geometric_graph(57, 0.22, seed=5)
    graph.remove_edges_from(list(graph.edges(56)))  # unit 56 becomes an island
    graph.add_edges_from([("outside_a", 0), ("outside_a", 3), ("outside_b", 7), (3, 3)])
    nodes = list(np.random.default_rng(1).permutation(57).tolist())
    return graph, nodes


def test_adjacency_matrix():
    graph = nx.Graph([("a", "b"), ("b", "c"), ("c", "x"), ("a", "a")])
    got = adjacency_matrix(graph, ["c", "a", "b"])
    np.testing.assert_array_equal(got, [[0, 0, 1], [0, 0, 1], [1, 1, 0]])
    with pytest.raises(ValueError):
        adjacency_matrix(graph, ["a", "zz"])
    with pytest.raises(ValueError):
        adjacency_matrix(graph, ["a", "a"])


def test_adjacency_matrix_of_buurt_like_graph():
    graph, nodes = _buurt_like_graph()
    w = adjacency_matrix(graph, nodes)
    assert w.shape == (57, 57)
    assert (w == w.T).all() and (np.diag(w) == 0).all()
    assert w.sum() == 2 * nx.subgraph(graph, range(57)).number_of_edges() - 2  # minus loop
    assert w[nodes.index(56)].sum() == 0


def _moran_by_hand(values: np.ndarray, w: np.ndarray) -> float:
    """Cliff-Ord formula written out with loops, on already transformed weights."""
    n = len(values)
    mean = sum(values) / n
    z = [v - mean for v in values]
    numerator = sum(w[i][j] * z[i] * z[j] for i in range(n) for j in range(n))
    s0 = sum(w[i][j] for i in range(n) for j in range(n))
    return n / s0 * numerator / sum(zi * zi for zi in z)


def _libpysal_w(graph: nx.Graph, nodes: list):
    libpysal = pytest.importorskip("libpysal")
    inside = set(nodes)
    neighbours = {
        node: sorted({v for v in graph.neighbors(node) if v in inside and v != node})
        for node in nodes
    }
    w = libpysal.weights.W(neighbours, id_order=nodes, silence_warnings=True)
    w.transform = "r"
    return w


def test_morans_i_matches_hand_formula_on_libpysal_weights():
    graph, nodes = _buurt_like_graph()
    w_lib = _libpysal_w(graph, nodes)
    dense_r = w_lib.full()[0]
    rng = np.random.default_rng(8)
    positions = nx.get_node_attributes(graph, "pos")
    for values in (
        rng.normal(size=57),
        np.array([positions[node][0] for node in nodes]),  # east-west gradient: I > 0
    ):
        expected = _moran_by_hand(values, dense_r)
        got = morans_i(values, adjacency_matrix(graph, nodes))
        assert abs(got - expected) <= 1e-12
        assert morans_i(values, dense_r) == pytest.approx(got, abs=1e-12)  # idempotent
    assert got > 0.5


def test_morans_i_matches_esda():
    esda = pytest.importorskip("esda")
    graph, nodes = _buurt_like_graph()
    w_lib = _libpysal_w(graph, nodes)
    w = adjacency_matrix(graph, nodes)
    rng = np.random.default_rng(21)
    for values in (rng.normal(size=57), rng.poisson(4, size=57).astype(float)):
        expected = esda.Moran(values, w_lib, transformation="r", permutations=0).I
        assert abs(morans_i(values, w) - expected) <= 1e-12


def test_morans_i_signs_and_known_values_on_path_and_grid():
    path = nx.path_graph(10)
    w = adjacency_matrix(path, list(range(10)))
    # Gradient 0..9: sum z_i lag_i = 82.5 - 2 * 4.5^2 + 2 * 4.5 * 3.5 = 73.5, sum z^2 = 82.5.
    assert morans_i(np.arange(10.0), w) == pytest.approx(49 / 55, abs=1e-14)
    # Alternating +1/-1: every neighbour has the opposite value, I = -1.
    assert morans_i(np.tile([1.0, -1.0], 5), w) == pytest.approx(-1.0, abs=1e-14)
    grid = nx.grid_2d_graph(6, 6)
    cells = sorted(grid.nodes)
    w = adjacency_matrix(grid, cells)
    checkerboard = np.array([(-1.0) ** (r + c) for r, c in cells])
    assert morans_i(checkerboard, w) == pytest.approx(-1.0, abs=1e-14)
    smooth = np.array([r + c for r, c in cells], dtype=float)
    assert morans_i(smooth, w) > 0.5


def test_morans_i_expectation_under_random_permutation():
    graph, nodes = _buurt_like_graph()
    w = adjacency_matrix(graph, nodes)
    rng = np.random.default_rng(2050)
    values = rng.gamma(2.0, 1.0, size=57)
    draws = np.array([morans_i(rng.permutation(values), w) for _ in range(4000)])
    expected = -1 / (57 - 1)
    standard_error = draws.std() / np.sqrt(len(draws))
    assert 4 * standard_error < abs(expected) / 2  # precise enough to tell -1/56 from 0
    assert abs(draws.mean() - expected) < 4 * standard_error


def test_morans_i_undefined_cases():
    w = adjacency_matrix(nx.path_graph(4), [0, 1, 2, 3])
    assert np.isnan(morans_i(np.full(4, 3.0), w))  # no variation
    assert np.isnan(morans_i([1.0, 2.0, 3.0, 4.0], np.zeros((4, 4))))  # no neighbours
    assert np.isnan(morans_i([1.0], np.zeros((1, 1))))
    assert np.isnan(morans_i([1.0, np.nan, 3.0, 4.0], w))


def test_spearman_equals_pandas_rank_correlation_with_ties():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 6, 40).astype(float)  # many ties
    b = a + rng.normal(0, 2, 40)
    expected = pd.Series(a).rank().corr(pd.Series(b).rank())
    assert spearman(a, b) == pytest.approx(expected, abs=1e-12)
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert np.isnan(spearman([1, 1, 1], [1, 2, 3]))  # one side constant
    with pytest.raises(ValueError, match="same shape"):
        spearman([1, 2, 3], [1, 2])
