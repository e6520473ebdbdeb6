"""The top-up after the market (model/phases/migration.py): more newcomers search while the
city is more than its tolerance below the household path; in the path's last year it closes
the gap exactly; what newcomers cannot find when they stop finding homes is unmet demand.

The market is replaced by a stub that houses a set share of each pass's candidates, so each
test follows the rule alone."""

from types import SimpleNamespace

import numpy as np
import pytest

from model.phases import migration


class Path:
    end_year = 2050

    def __init__(self, target):
        self.value = target

    def target(self, year):
        return self.value


class Count:
    def __init__(self, n):
        self.n = n

    def count(self):
        return self.n


def run_top_up(monkeypatch, *, households, target, year=2030, housed_share=0.6):
    """Run `top_up` with a market that houses `housed_share` of each pass's candidates;
    returns (passes' candidate counts, households after, unmet demand)."""
    model = SimpleNamespace(year=year, household_path=Path(target),
                            households=Count(households), flows=SimpleNamespace(unmet_demand=0))
    passes = []

    def draw(model, n):
        return np.arange(n)

    def market(model, choosers):
        passes.append(choosers.rows.size)
        model.households.n += int(np.floor(housed_share * choosers.rows.size))

    monkeypatch.setattr(migration, "draw_newcomers", draw)
    monkeypatch.setattr(migration, "clear", market)
    migration.top_up(model)
    return passes, model.households.n, model.flows.unmet_demand


def test_a_gap_within_the_tolerance_is_left_to_next_year(monkeypatch):
    # 0.5% of 40,000 households is 200: a gap of 150 draws nobody and is no unmet demand.
    passes, after, unmet = run_top_up(monkeypatch, households=40_000, target=40_150)
    assert passes == [] and after == 40_000 and unmet == 0


def test_the_passes_stop_once_within_the_tolerance(monkeypatch):
    # Gap 1,000: the first pass houses 600 (gap 400 > 200), the second 240 (gap 160 <= 202).
    passes, after, unmet = run_top_up(monkeypatch, households=40_000, target=41_000)
    assert passes == [1_000, 400]
    assert after == 40_840 and unmet == 0


def test_the_last_year_closes_the_gap_exactly(monkeypatch):
    # Tolerance 0 in 2050: passes go on until nobody is missing (a pass of one houses one).
    passes, after, unmet = run_top_up(monkeypatch, households=40_000, target=40_150,
                                      year=2050, housed_share=1.0)
    assert passes == [150] and after == 40_150 and unmet == 0
    # Each pass houses 60% of its candidates: 150, 60, 24, 10, 4 and 2 candidates; then the
    # passes (6) run out one household short, which is the year's unmet demand.
    passes, after, unmet = run_top_up(monkeypatch, households=40_000, target=40_150,
                                      year=2050)
    assert passes == [150, 60, 24, 10, 4, 2] and len(passes) == migration.TOP_UP_PASSES
    assert after == 40_149 and unmet == 1


@pytest.mark.parametrize("year", [2030, 2050])
def test_what_newcomers_cannot_find_is_unmet_demand(monkeypatch, year):
    # A pass that houses under 20% of its candidates is the last: the stock has (almost)
    # nothing left they may take, and the gap is the year's unmet demand.
    passes, after, unmet = run_top_up(monkeypatch, households=40_000, target=41_000,
                                      year=year, housed_share=0.1)
    assert passes == [1_000]
    assert after == 40_100 and unmet == 900
