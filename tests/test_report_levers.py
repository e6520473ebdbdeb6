"""The report's policy parts: the levers that are on and their settings, vacancy and
displacement in the headline, and `run --baseline` with its section of differences."""

import re

import pytest

from experiments.results import RunResults
from experiments.single import resolve, run
from sorteermachine.cli import main
from viz.report import build_report

SCALE = 0.05


def results(policy: str, until: int = 2050, seed: int = 3) -> RunResults:
    setup = resolve("base", policy, {"scale": SCALE})
    return RunResults.from_model(run(setup.params, seed, until), "base", seed,
                                 policy=setup.policy)


@pytest.fixture(scope="module")
def pair():
    return results("woonfundament"), results("no-policy")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_levers_that_are_on_are_named_with_their_settings(pair):
    html = build_report(pair[0])
    section = _text(html.split('id="levers"')[1].split("</section>")[0])
    assert "No policy levers" not in html
    for label in ("Corporation-share band", "Bandbreedte corporatiebezit",
                  "Capacity test", "City marriages", "Construction programme"):
        assert label in section, label
    assert "2025–2050" in section  # the band's schedule
    assert "Vacancy cap = 5%" in section


def test_a_run_without_levers_says_so(pair):
    html = build_report(pair[1])
    assert "No policy levers are on in this run" in html


def test_headline_shows_vacancy_and_displacement(pair):
    head = _text(build_report(pair[0]).split('id="headline"')[1].split("</section>")[0])
    assert "Vacancy" in head and "Displaced" in head
    displaced = int(pair[0].city["displaced"].sum())
    assert f"{displaced:,}" in head


def test_baseline_section_compares_2030_2040_2050_with_maps(pair):
    html = build_report(pair[0], baseline=pair[1])
    section = html.split('id="baseline"')[1].split("</section>")[0]
    text = _text(section)
    assert "9. Differences against the baseline" in text
    for year in ("2030", "2040", "2050"):
        assert year in text
    assert text.count("Segregation D (wijken)") == 1
    assert section.count('class="map"') == 2 or section.count("<svg") == 2
    d = pair[0].city.set_index("year")["dissimilarity"][2050] - pair[1].city.set_index(
        "year")["dissimilarity"][2050]
    assert f"{abs(d):.3f}" in text


def test_run_with_baseline_writes_both_runs(tmp_path, capsys):
    out = tmp_path / "wf"
    code = main(["run", "--policy", "woonfundament", "--baseline", "no-policy", "--scale",
                 str(SCALE), "--until", "2027", "--seed", "2", "--no-report", "--out",
                 str(out)])
    assert code == 0, capsys.readouterr().err
    assert (out / "baseline" / "city.csv").is_file()
    again = RunResults.load(out / "baseline")
    assert again.policy == "no-policy" and again.seed == 2
    assert RunResults.load(out).policy == "woonfundament"
    assert "baseline no-policy:" in capsys.readouterr().out
