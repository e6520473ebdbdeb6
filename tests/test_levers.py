"""Every lever: the direction of its effect over several seeds (against the same scenario
without it), the invariants it keeps, and the messages bad settings get.

Small runs (scale 0.2, short schedules) keep this file to about a minute; docs/LEVERS.md
(`python -m experiments.levers`) gives the full-scale, 10-seed figures."""

from functools import cache

import numpy as np
import pytest

from model import SortingModel, levers, stock
from model.categories import Origin
from model.categories import Segment as S
from model.ledger import EVENT, REASON
from model.params import ParameterError, make_params
from model.register import REGISTER
from model.rules import WORK, income_source
from sorteermachine.cli import main

SCALE = 0.2
SEEDS = (1, 2, 3)


@cache
def _run(seed: int, until: int, overrides: tuple) -> SortingModel:
    model = SortingModel(rng=seed, scale=SCALE, **dict(overrides))
    while model.year < until:
        model.step()
        stock.check(model)
    return model


def run(seed: int, until: int, **overrides) -> SortingModel:
    """A checked run (invariants every year), cached across tests."""
    return _run(seed, until, tuple(sorted(overrides.items())))


def frames(until: int, **overrides):
    return [run(seed, until, **overrides).city_frame() for seed in SEEDS]


# --- bandwidth ------------------------------------------------------------------------------
def test_bandwidth_brings_the_wijken_into_the_band_and_holds_the_city_share():
    for seed in SEEDS[:2]:
        model = run(seed, 2033, bandwidth=True, bandwidth_start=2025, bandwidth_end=2033)
        c, w = model.city_frame(), model.wijk_frame()
        assert c["corp_share"].between(0.35, 0.37).all()
        last = w[(w["year"] == 2033) & (w["dwellings"] >= 500 * SCALE)]
        inside = last["corp_share"].between(0.21, 0.51)
        assert inside.mean() >= 0.9, last.loc[~inside, ["wijk_name", "corp_share"]]
        start = w[(w["year"] == 2024) & (w["dwellings"] >= 500 * SCALE)]
        assert inside.sum() > start["corp_share"].between(0.21, 0.51).sum()
        assert c["sold"].sum() > 0 and c["acquired"].sum() > 0
        assert c["displaced_bandwidth"].sum() == c["displaced"].sum() - c[
            "displaced_splitting"].sum()


# --- construction programme -----------------------------------------------------------------
# The vision's 7,000 dwellings in ten years, mainly middle and high; in the shrinking base
# scenario with demolition holding vacancy (without it the city would stand a tenth empty).
PROGRAMME = dict(programme_per_year=(105.0, 35.0, 0.0, 105.0, 0.0, 175.0, 175.0, 105.0),
                 programme_start=2025, programme_end=2034, demolition=True)


def _mean_last(fs, column):
    return np.mean([f[column].iloc[-1] for f in fs])


def test_programme_raises_fit_and_where_it_builds_decides_mixing_or_keeping():
    """Missing segments first: middle and high incomes fit better and segregation falls;
    market-led building keeps more middle and high incomes in the city instead (docs/LEVERS.md
    discusses why the model finds this trade-off)."""
    missing = frames(2034, **PROGRAMME)
    market = frames(2034, **PROGRAMME, programme_location="market")
    without = frames(2034, demolition=True)
    for c in ("middle", "high"):
        assert _mean_last(missing, f"fit_{c}") > _mean_last(without, f"fit_{c}"), c
    assert _mean_last(missing, "dissimilarity") < _mean_last(market, "dissimilarity")
    assert _mean_last(missing, "dissimilarity") < _mean_last(without, "dissimilarity")

    def left(fs):
        return sum(f[["out_middle", "out_high_afford", "out_high"]].sum().sum() for f in fs)

    assert left(market) < left(without)


# Prices that never move: new owner-occupied homes keep the price class they were built in
# (with moving prices a revaluation may move them to the next class, model/phases/prices.py).
STATIC_PRICES = {"price_vacancy_effect": 0.0, "price_status_effect": 0.0,
                 "price_liveability_effect": 0.0, "price_pressure_effect": 0.0}


def test_programme_builds_exactly_as_configured_where_segments_are_missing():
    model = run(1, 2030, **{**PROGRAMME, "programme_end": 2030, "demolition": False,
                            **STATIC_PRICES})
    d = model.dwellings
    rows = d.rows()
    new = rows[d.built[rows] > 0]
    per_segment = np.bincount(d.segment[new], minlength=8)
    expected = np.floor(np.asarray(PROGRAMME["programme_per_year"]) * SCALE * 6 + 0.5)
    assert (per_segment == expected).all()
    # Missing segments first: own_3 goes mostly to buurten with less own_3 than the city.
    start = SortingModel(rng=1, scale=SCALE)
    d0 = start.dwellings
    r0 = d0.rows()
    n_b = start.city.n_buurten
    share = (np.bincount(d0.buurt[r0], weights=d0.segment[r0] == S.OWN_3, minlength=n_b)
             / np.maximum(np.bincount(d0.buurt[r0], minlength=n_b), 1))
    city = (d0.segment[r0] == S.OWN_3).mean()
    placed = d.buurt[new[d.segment[new] == S.OWN_3]]
    assert (share[placed] < city).mean() > 0.8


def test_zero_step_flats_draw_older_households():
    """Among the programme's new flats, the zero-step half houses more heads aged 65+."""
    shares = []
    for seed in SEEDS:
        model = run(seed, 2032, **{**PROGRAMME, "programme_end": 2032, "demolition": False,
                                   "programme_zero_step_share": 0.5})
        h, d = model.households, model.dwellings
        rows = h.rows()
        dw = h.dwelling[rows]
        new_flat = (d.built[dw] > 0) & ~d.single_family[dw]
        senior = h.age[rows] >= 65
        shares.append((senior[new_flat & d.zero_step[dw]].mean(),
                       senior[new_flat & ~d.zero_step[dw]].mean()))
    assert np.mean([a for a, _ in shares]) > np.mean([b for _, b in shares])


# --- target-group regulation ----------------------------------------------------------------
def test_target_groups_get_the_regulated_lettings():
    for seed in SEEDS:
        c = run(seed, 2030, **PROGRAMME, target_group=True).city_frame()
        regulated = c["regulated_lettings"].sum()
        ok = (c["regulated_lettings"] * c["regulated_lettings_target_share"]).sum()
        assert regulated > 0 and ok / regulated >= 0.9
        assert c["refused_target_group"].sum() > 0
    free = frames(2030, **PROGRAMME)
    shares = [(f["new_lettings"] * f["new_lettings_target_share"]).sum()
              / f["new_lettings"].sum() for f in free]
    assert np.mean(shares) < 0.9  # without the regulation, others take part of them


# --- capacity test --------------------------------------------------------------------------
def test_capacity_test_keeps_vulnerable_households_out_of_failing_buurten():
    maxima = []
    for seed in SEEDS:
        c = run(seed, 2035, capacity_test=True, capacity_test_start=2025).city_frame()
        assert (c.loc[c["year"] >= 2025, "vulnerable_placed_failing"] == 0).all()
        assert c["refused_capacity_test"].sum() > 0
        assert (c["refused_capacity_test_to_region"] <= c["refused_capacity_test"]).all()
        base = run(seed, 2035).city_frame()
        assert base["vulnerable_placed_failing"].iloc[1:].sum() > 0
        maxima.append((c["max_buurt_vulnerable_share"].iloc[-1],
                       base["max_buurt_vulnerable_share"].iloc[-1]))
    assert np.mean([m[0] for m in maxima]) < np.mean([m[1] for m in maxima])


# --- fair share -----------------------------------------------------------------------------
def test_fair_share_cuts_the_vulnerable_inflow_by_the_set_fraction():
    cut = 0.5
    with_it = sum(f["in_vulnerable"].sum() for f in frames(2032, fair_share_cut=cut))
    without = sum(f["in_vulnerable"].sum() for f in frames(2032))
    # From 2025 on, half are refused: within sampling noise of a 50% cut (2024 has no flows).
    assert abs(with_it / without - (1 - cut)) < 0.05
    refused = sum(f["refused_fair_share"].sum() for f in frames(2032, fair_share_cut=cut))
    assert refused > 0


# --- demolition -----------------------------------------------------------------------------
def test_demolition_keeps_vacancy_at_or_under_the_cap_in_base():
    for seed in SEEDS:
        c = run(seed, 2040, demolition=True, demolition_vacancy_cap=0.045).city_frame()
        acting = c["year"] >= 2025  # the start state is CBS's, before any lever
        assert (c.loc[acting, "vacancy"] <= 0.045 + 1e-9).all(), c[["year", "vacancy"]]
        assert c["demolished"].sum() > 0
        base = run(seed, 2040).city_frame()
        assert base["vacancy"].iloc[-1] > 0.05  # without it, vacancy climbs


# --- city marriages and renovation: the stock changes exactly as configured -----------------
MARRIAGE = dict(city_marriages="WK091740>WK091736; Heerlerheide-Passart>Voerendaal",
                city_marriage_per_year=20, city_marriage_start=2025, city_marriage_end=2030)


def test_city_marriages_change_the_stock_exactly_and_lose_nobody():
    model = run(1, 2030, **MARRIAGE, splitting_rate=0.0)
    c = model.city_frame()
    per_pair = round(20 * SCALE * 6)
    assert c["demolished"].sum() == 2 * per_pair
    assert c["built"].sum() == per_pair  # in Welten-Benzenrade
    assert c["built_outside"].sum() == per_pair  # in Voerendaal
    w = model.wijk_frame().set_index(["year", "wijk_code"])
    assert (w.loc[(2030, "WK091736"), "dwellings"] - w.loc[(2024, "WK091736"), "dwellings"]
            == per_pair)
    assert c["displaced_city_marriage"].sum() == c["displaced"].sum() > 0
    assert (c["displaced_to_partner"] <= c["displaced_out_of_city"]).all()
    _nobody_lost(model, "city_marriage")


def _nobody_lost(model, reason: str) -> None:
    """Every displaced household moved, left (with the lever as reason) or dissolved in the
    year it was displaced."""
    a = model.ledger.arrays()
    for year in np.unique(a["year"][a["event"] == EVENT["displace"]]):
        y = a["year"] == year
        displaced = set(a["household"][y & (a["event"] == EVENT["displace"])].tolist())
        ended = set(a["household"][y & np.isin(a["event"], [EVENT["move"], EVENT["leave"]])
                                   & (a["reason"] == REASON[reason])].tolist())
        ended |= set(a["household"][y & (a["event"] == EVENT["dissolve"])].tolist())
        assert displaced <= ended


def test_renovation_renovates_exactly_and_relets_a_share_as_middle_rent():
    model = run(2, 2029, renovation_per_year=500, renovation_middle_share=0.2,
                renovation_start=2025, renovation_end=2028)
    c, d = model.city_frame(), model.dwellings
    total = round(500 * SCALE * 4)
    assert c["renovated"].sum() == total
    rows = d.rows()
    renovated = rows[d.renovated[rows] > 0]
    assert renovated.size == total
    marked = (d.segment[renovated] == S.CORP_MIDDLE) | (d.pending_segment[renovated]
                                                          == S.CORP_MIDDLE)
    assert marked.sum() == round(0.2 * total)
    assert c["displaced"].sum() == c["displaced_splitting"].sum()  # nobody moved for it


def test_corporation_middle_rent_rises_toward_its_target():
    """The target is reached in dwellings marked for middle rent; the share let as middle
    rent follows as they are re-let (never by moving a tenant)."""
    model = run(1, 2032, corp_middle_target=0.10, corp_middle_start=2025, corp_middle_end=2032)
    c, d = model.city_frame(), model.dwellings
    share = c["dwellings_corp_middle"] / (c["dwellings_corp_social"] + c["dwellings_corp_middle"])
    assert share.iloc[-1] > share.iloc[0] + 0.01
    assert share.diff().iloc[2:].min() >= -0.002
    rows = d.rows()
    corp = rows[d.segment[rows] <= S.CORP_MIDDLE]
    marked = (d.segment[corp] == S.CORP_MIDDLE) | (d.pending_segment[corp] == S.CORP_MIDDLE)
    assert marked.mean() == pytest.approx(0.10, abs=0.005)
    assert c["displaced"].sum() == c["displaced_splitting"].sum()


# --- vulnerable private renting -------------------------------------------------------------
def test_landlords_split_without_policy_and_the_ban_stops_them():
    for seed in SEEDS[:2]:
        free = run(seed, 2030).city_frame()
        banned = run(seed, 2030, splitting_ban=True).city_frame()
        assert free["split"].sum() > 0 and free["displaced_splitting"].sum() > 0
        assert banned["split"].sum() == 0


def test_private_upgrades_and_local_binding():
    model = run(1, 2030, private_upgrade_share=0.02, local_binding=True)
    c = model.city_frame()
    assert c["relabelled"].sum() > 0
    assert c["refused_local_binding"].sum() > 0
    h, d = model.households, model.dwellings
    rows = h.rows()
    dw = h.dwelling[rows]
    unbound = (np.isin(h.origin[rows], (Origin.NETHERLANDS, Origin.ABROAD))
               & (h.arrived[rows] == h.moved[rows]) & (h.arrived[rows] >= 2024)
               & (income_source(h.age[rows], h.vulnerable[rows]) != WORK))
    bound_dwelling = (d.segment[dw] == S.PRIVATE_CHEAP) & (d.rent[dw] <= 700.0)
    # in-movers without binding who arrived into cheap private rent under the limit: none
    # (arrival = first dwelling; the rule binds searches from outside)
    assert not (unbound & bound_dwelling & (h.moved[rows] >= 2025)).any()


# --- selective allocation -------------------------------------------------------------------
def test_selective_allocation_closes_designated_social_rent_to_recent_benefit_in_movers():
    areas = "WK091720, WK091721, WK091712"
    model = run(1, 2030, selective_allocation=True, selective_allocation_areas=areas,
                selective_allocation_start=2025)
    c = model.city_frame()
    assert c["refused_selective_allocation"].sum() > 0
    h, d = model.households, model.dwellings
    rows = h.rows()
    dw = h.dwelling[rows]
    codes = model.city.wijk_codes[d.wijk[dw]]
    designated = np.isin(codes, [a.strip() for a in areas.split(",")])
    cheap = np.isin(d.segment[dw], (S.CORP_SOCIAL, S.PRIVATE_CHEAP))
    subject = (np.isin(h.origin[rows], (Origin.NETHERLANDS, Origin.ABROAD))
               & (model.year - h.arrived[rows] < 6) & h.vulnerable[rows]
               & (h.moved[rows] >= 2025))
    # a vulnerable recent in-mover moved in there since the start: only if it was not yet
    # vulnerable when it moved (the flag follows income); so compare with no lever
    free = run(1, 2030)
    hf, df = free.households, free.dwellings
    rf = hf.rows()
    dwf = hf.dwelling[rf]
    subject_f = (np.isin(hf.origin[rf], (Origin.NETHERLANDS, Origin.ABROAD))
                 & (free.year - hf.arrived[rf] < 6) & hf.vulnerable[rf] & (hf.moved[rf] >= 2025))
    in_f = subject_f & np.isin(free.city.wijk_codes[df.wijk[dwf]],
                               [a.strip() for a in areas.split(",")]) & np.isin(
        df.segment[dwf], (S.CORP_SOCIAL, S.PRIVATE_CHEAP))
    assert (subject & designated & cheap).sum() < in_f.sum()


# --- levers together ------------------------------------------------------------------------
def test_the_woonfundament_package_runs_and_keeps_the_invariants():
    model = SortingModel(rng=4, scale=0.1, policy_name="woonfundament")
    while model.year < 2030:
        model.step()
        stock.check(model)
    c = model.city_frame()
    assert c["displaced"].sum() > 0 and c["built"].sum() > 0
    parts = ("displaced_same_buurt", "displaced_same_wijk", "displaced_elsewhere_city",
             "displaced_out_of_city")
    assert (c[list(parts)].sum(axis=1) == c["displaced"]).all()
    assert (c["vulnerable_placed_failing"].iloc[1:] == 0).all()


# --- bad input ------------------------------------------------------------------------------
def _policy(tmp_path, body: str):
    path = tmp_path / "p.toml"
    path.write_text('[policy]\nname = "p"\n[params]\n' + body)
    return str(path)


@pytest.mark.parametrize(("body", "message"), [
    ("bandwith = true\n", "unknown parameter 'bandwith'. Did you mean 'bandwidth'"),
    ("bandwidth_low = 1.5\n", "parameter 'bandwidth_low' = 1.5 is not allowed; expected a "
                              "number from 0 to 1"),
    ("bandwidth = true\nbandwidth_start = 2040\nbandwidth_end = 2030\n",
     "the schedule of lever 'bandwidth' ends before it starts: bandwidth_end = 2030 is "
     "before bandwidth_start = 2040"),
    ('city_marriages = "WK091740>Maastricht"\n',
     "city_marriages: pair 'WK091740>Maastricht': 'Maastricht' is neither a wijk of Heerlen "
     "nor a neighbouring municipality (Landgraaf (GM0882)"),
    ('city_marriages = "Nowhere>WK091736"\n',
     "'Nowhere' is not a wijk of Heerlen; the first area of a pair is the wijk"),
    ('city_marriages = "WK091740"\n', "'WK091740' is not a pair; write 'A>B'"),
    ('selective_allocation = true\nselective_allocation_areas = "WK091720, Atlantis"\n',
     "selective_allocation_areas: 'Atlantis' is not a wijk or buurt of Heerlen"),
    ("fair_share_cut = -0.1\n", "parameter 'fair_share_cut' = -0.1 is not allowed"),
    ("renovation_per_year = 10.5\n", "expected a whole number from 0 to 5000"),
    ("programme_per_year = [100, 0, 0]\n", "'programme_per_year' = [100, 0, 0] is not "
                                           "allowed; expected a list of 8 numbers"),
    ('programme_location = "everywhere"\n', "expected one of 'missing_segments', 'market'"),
    ("demolition_vacancy_cap = 0.5\n", "'demolition_vacancy_cap' = 0.5 is not allowed"),
    ("target_group_lock_years = 0\n", "'target_group_lock_years' = 0 is not allowed"),
    ('capacity_test_combine = "and"\n', "expected one of 'either', 'both'"),
    ('splitting_ban = "yes"\n', "'splitting_ban' = 'yes' is not allowed; expected true or "
                                "false"),
    ("corp_middle_target = 0.9\n", "'corp_middle_target' = 0.9 is not allowed"),
    ('construction = "lots"\n', "expected one of 'none', 'demand'"),
    ("daeb_free_share = 0.2\n", "'daeb_free_share' = 0.2 is not allowed"),
    ("city_marriage_per_year = -5\n", "'city_marriage_per_year' = -5 is not allowed"),
    ("beta_status = 1.0\n", "'beta_status' is not a lever"),
])
def test_bad_lever_settings_stop_with_a_clear_message(tmp_path, capsys, body, message):
    out = tmp_path / "out"
    code = main(["run", "--policy", _policy(tmp_path, body), "--scale", "0.05", "--until",
                 "2025", "--quiet", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err, err
    assert not out.exists()  # nothing half-written


@pytest.mark.parametrize("lever", sorted(m for m in levers.MODULES if f"{m}_start" in REGISTER))
def test_every_schedule_must_not_end_before_it_starts(lever):
    bad = make_params({f"{lever}_start": 2040, f"{lever}_end": 2030})
    with pytest.raises(ParameterError, match=f"mine.toml: the schedule of lever '{lever}' "
                                             f"ends before it starts: {lever}_end = 2030"):
        levers.check(bad, where="mine.toml")


def test_bad_schedule_on_the_command_line_names_the_option(tmp_path, capsys):
    code = main(["run", "--set", "demolition_end=2025", "--set", "demolition_start=2030",
                 "--scale", "0.05", "--quiet", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "--set: the schedule of lever 'demolition' ends before it starts" in err


def test_bad_areas_are_refused_when_the_model_is_built():
    with pytest.raises(ParameterError, match="'Atlantis' is neither a wijk"):
        SortingModel(rng=1, scale=0.05, city_marriages="WK091740>Atlantis")


def test_params_levers_lists_only_levers(capsys):
    assert main(["params", "--levers"]) == 0
    out = capsys.readouterr().out
    assert "[bandwidth]" in out and "bandwidth_low = 0.21" in out
    assert "Corporation-share band / Bandbreedte corporatiebezit" in out
    assert "beta_status" not in out and "household_change_2050" not in out
