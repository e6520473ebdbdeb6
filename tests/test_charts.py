"""The chart layer: one Vega-Lite definition per figure, rendered to static SVG for the reports.

Small synthetic frames; each test renders with vl-convert, as the report does."""

import math
import re

import numpy as np
import pandas as pd
import pytest

from model.city import load_city
from viz import charts, figures


def _years(values, name="a"):
    return pd.DataFrame({"year": range(2024, 2024 + len(values)), "series": name,
                         "value": values})


def test_svg_is_offline_names_its_class_and_titles_every_point():
    chart = charts.time_chart(_years([0.1, 0.2, math.nan, 0.3]), title="t", y_title="y",
                              colours={"a": "#000000"}, y_format=".2f")
    svg = charts.to_svg(chart, css_class="chart")
    assert svg.startswith("<svg") and 'class="chart"' in svg
    assert "http" not in svg and "<script" not in svg
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert titles == ["2024, a: 0.10", "2025, a: 0.20", "2027, a: 0.30"]  # NaN: no point


def test_same_chart_same_svg_even_with_clip_paths():
    city = load_city()
    wf = pd.DataFrame({"year": 2024, "wijk_code": city.wijk_codes, "wijk_name": city.wijk_names,
                       "dwellings": 500, "households": 480, "vacant_dwellings": 20,
                       "corp_share": np.linspace(0.0, 0.8, city.n_wijken),
                       "low_income_share": 0.3, "vulnerable_share": 0.1, "liveability": 0.0})
    chart = figures.map_chart(wf, city, "corp_share", 2024)
    first, second = charts.to_svg(chart), charts.to_svg(chart)
    assert first == second
    assert re.search(r'id="clip-[0-9a-f]{8}-0"', first)


def test_summarise_runs_gives_median_and_90_percent_band():
    runs = [pd.DataFrame({"year": [2024, 2025], "x": [float(s), float(2 * s)]})
            for s in range(1, 22)]  # 1..21
    out = charts.summarise_runs(runs, ["x"]).set_index("year")
    assert out.loc[2024, "value"] == 11 and out.loc[2025, "value"] == 22
    assert out.loc[2024, "low"] == pytest.approx(2.0) and out.loc[2024, "high"] == \
        pytest.approx(20.0)
    assert (out["runs"] == 21).all()


def test_band_chart_tip_gives_the_band():
    long = charts.summarise_runs([pd.DataFrame({"year": [2024], "x": [v]}) for v in
                                  (1.0, 2.0, 3.0)], ["x"])
    svg = charts.to_svg(charts.time_chart(long, title="t", y_title="y", colours={"x": "#000"},
                                          y_format=".1f"))
    assert "<title>2024, x: 2.0 (90% of runs 1.1 to 2.9)</title>" in svg


def test_bar_chart_one_bar_per_value_nan_is_no_bar():
    data = pd.DataFrame({"category": ["x", "y", "x", "y"], "series": ["s1", "s1", "s2", "s2"],
                         "value": [1.0, -2.0, 3.0, math.nan]})
    svg = charts.to_svg(charts.bar_chart(data, title="b", y_title="n", categories=["x", "y"],
                                         colours={"s1": "#111111", "s2": "#222222"}))
    assert svg.count('aria-roledescription="bar"') == 3
    assert "<title>s1, y: -2</title>" in svg


def test_features_are_wound_clockwise_and_labels_fall_inside():
    city = load_city()
    for f in charts.features(city.geojson_path("wijken")):
        ring = np.asarray(f["geometry"]["coordinates"][0] if f["geometry"]["type"] ==
                          "Polygon" else f["geometry"]["coordinates"][0][0])
        assert charts._area(ring) < 0  # clockwise with north up
    square = {"type": "Feature", "properties": {"code": "a"}, "geometry": {
        "type": "Polygon", "coordinates": [[[6, 51], [6.1, 51], [6.1, 51.1], [6, 51.1],
                                            [6, 51]]]}}
    assert charts._area(np.asarray(charts._oriented(square)["geometry"]["coordinates"][0])) < 0
    assert charts.label_point(square) == pytest.approx((6.05, 51.05))


@pytest.mark.parametrize("indicator", figures.MAP_INDICATORS)
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_map_indicator_colours_every_wijk_from_its_legend(indicator, lang):
    city = load_city()
    n = city.n_wijken
    rows = pd.DataFrame({"wijk_code": city.wijk_codes, "wijk_name": city.wijk_names,
                         "dwellings": [50] + [500] * (n - 1), "households": 400,
                         "vacant_dwellings": np.arange(n), "corp_share": np.linspace(0, 0.9, n),
                         "low_income_share": np.linspace(0.1, 0.6, n),
                         "vulnerable_share": 0.12, "liveability": np.linspace(-2, 2, n),
                         "mean_woz": 200_000.0})
    wf = pd.concat([rows.assign(year=2024), rows.assign(
        year=2025, low_income_share=0.35, mean_woz=np.linspace(150_000, 260_000, n))])
    values = figures.area_values(wf, indicator, 2025, lang=lang)
    keys = [k for k, _, _ in figures.legend(indicator, lang)]
    assert len(values) == n and set(values["colour"]) <= set(keys)
    assert values["colour"].iloc[0] == "small"  # 50 dwellings: not counted, grey
    assert all(t.startswith(name + ":") for t, name in zip(values["tip"], city.wijk_names,
                                                           strict=True))


def test_png_export_is_a_png():
    png = charts.to_png(charts.time_chart(_years([1.0, 2.0]), title="t", y_title="y",
                                          colours={"a": "#000000"}))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def _wijken(city, years=(2024, 2025)):
    n = city.n_wijken
    rows = pd.DataFrame({"wijk_code": city.wijk_codes, "wijk_name": city.wijk_names,
                         "dwellings": 500, "households": 480, "vacant_dwellings": 20,
                         "low_income_share": 0.3, "vulnerable_share": 0.1, "liveability": 0.0})
    return pd.concat([rows.assign(year=y, corp_share=np.linspace(0.0, 0.8, n) + 0.1 * i)
                      for i, y in enumerate(years)], ignore_index=True)


def test_a_new_year_changes_a_charts_data_not_its_shape():
    city = load_city()
    wf = _wijken(city)
    a, b = (figures.map_chart(wf, city, "corp_share", y) for y in (2024, 2025))
    assert a.key() == b.key()  # the app keeps the chart and sends the new data only
    assert a.datasets["areas"] == b.datasets["areas"]  # the shapes stay
    assert a.datasets["areas_values"] != b.datasets["areas_values"]
    assert a.params["map_title"].endswith("2024") and b.params["map_title"].endswith("2025")
    one, two = (charts.time_chart(_years(v), title="t", y_title="y", colours={"a": "#000"})
                for v in ([0.1, 0.2], [0.1, 0.2, 0.5]))
    assert one.key() == two.key() and one.params != two.params
    nl = figures.map_chart(wf, city, "corp_share", 2025, lang="nl")
    assert nl.key() != b.key()  # other texts: another chart


def test_compiled_charts_are_kept_on_disk_and_give_the_same_picture(tmp_path, monkeypatch):
    import vl_convert

    chart = charts.time_chart(_years([0.1, 0.3]), title="kept", y_title="y",
                              colours={"a": "#000000"})
    monkeypatch.setenv(charts.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(charts, "_COMPILED", {})
    charts.cache_dir.cache_clear()
    try:
        first = charts.to_svg(chart)
        assert len(list(tmp_path.rglob("*.json"))) == 1
        monkeypatch.setattr(charts, "_COMPILED", {})  # a new process: only the disk has it

        def no_compiler(spec):
            raise AssertionError("compiled again")

        monkeypatch.setattr(vl_convert, "vegalite_to_vega", no_compiler)
        assert charts.to_svg(chart) == first
        (next(tmp_path.rglob("*.json"))).write_text("{broken")  # unreadable: compiled again
        monkeypatch.undo()
        monkeypatch.setenv(charts.CACHE_ENV, str(tmp_path))
        monkeypatch.setattr(charts, "_COMPILED", {})
        assert charts.to_svg(chart) == first
    finally:
        charts.cache_dir.cache_clear()
