"""The run report: one offline HTML page with the sections, maps and figures it promises.

Fast: a model at scale 0.1 stepped three years, and one that holds only its start year.
"""

import math
import re
from html.parser import HTMLParser

import pytest

from experiments.results import RunResults, model_version
from model import SortingModel
from viz import report

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
SECTIONS = ["1. Headline", "2. Segregation over time", "3. Maps of the wijken",
            "4. Income distribution against the Netherlands", "5. Moving in and out",
            "6. Population"]


class Page(HTMLParser):
    """Parses the report and keeps what the tests look at: structure errors, headings, the
    map areas with their tooltips, and the rows of the wijk table."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: dict[str, int] = {}
        self.h2: list[str] = []
        self.maps: list[dict[str, dict]] = []  # per map: area name -> {"fill", "title"}
        self.context: list[int] = []  # per map: number of neighbouring areas drawn
        self.table_rows: list[list[str]] = []
        self._area = None
        self._group = None  # the marks group (<g class="... areas_marks">) we are in
        self._in_title = False
        self._in_h2 = False
        self._row = None
        self._cell = None
        self._in_wijk_table = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "svg" and a.get("class") == "map":
            self.maps.append({})
            self.context.append(0)
        if tag == "g" and "role-mark" in (a.get("class") or ""):
            self._group = a["class"].split()[-1]
        if tag == "path" and self._group == "areas_marks":
            self._area = {"fill": a.get("fill"), "title": ""}
        if tag == "path" and self._group == "context_marks":
            self.context[-1] += 1
        if tag == "title":
            self._in_title = True
        if tag == "h2":
            self._in_h2, self._h2_text = True, ""
        if tag == "table" and a.get("class") == "wijken":
            self._in_wijk_table = True
        if self._in_wijk_table and tag == "tr":
            self._row = []
        if self._row is not None and tag == "td":
            self._cell = ""

    def handle_startendtag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "title":
            self._in_title = False
        if tag == "path" and self._area is not None:
            self.maps[-1][self._area["title"].split(":")[0]] = self._area
            self._area = None
        if tag == "g":
            self._group = None
        if tag == "h2":
            self._in_h2 = False
            self.h2.append(self._h2_text)
        if tag == "td" and self._row is not None:
            self._row.append(self._cell)
            self._cell = None
        if tag == "tr" and self._row is not None:
            if self._row:
                self.table_rows.append(self._row)
            self._row = None
        if tag == "table":
            self._in_wijk_table = False

    def handle_data(self, data):
        if self._in_title and self._area is not None:
            self._area["title"] += data
        if self._in_h2:
            self._h2_text += data
        if self._cell is not None:
            self._cell += data


@pytest.fixture(scope="module")
def model():
    m = SortingModel(rng=1, scale=0.1)
    for _ in range(3):
        m.step()
    return m


@pytest.fixture(scope="module")
def start_model():
    return SortingModel(rng=1, scale=0.1)


@pytest.fixture(scope="module")
def html(model):
    return report.build_report(RunResults.from_model(model, "base", 7))


@pytest.fixture(scope="module")
def page(html):
    return Page(html)


@pytest.fixture(scope="module")
def start_html(start_model):
    return report.build_report(RunResults.from_model(start_model, "base", 1))


# --- structure ------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["html", "start_html"])
def test_html_is_complete_and_balanced(which, request):
    text = request.getfixturevalue(which)
    p = Page(text)
    assert text.startswith("<!DOCTYPE html>")
    assert p.errors == []
    assert p.stack == [], f"unclosed elements: {p.stack}"
    for tag in ("html", "head", "body", "main", "style", "title"):
        assert p.tags.get(tag, 0) >= 1, tag
    assert p.tags["html"] == p.tags["head"] == p.tags["body"] == 1
    assert text.rstrip().endswith("</html>")


@pytest.mark.parametrize("which", ["html", "start_html"])
def test_page_is_offline_and_self_contained(which, request):
    text = request.getfixturevalue(which).lower()
    assert "http://" not in text and "https://" not in text
    for needle in ("<script", "<link", "<img", "<iframe", "@import", " src=", "//cdn",
                   "@font-face"):
        assert needle not in text, needle
    # the only url(...) references are to patterns/clip paths inside the page
    assert set(re.findall(r"url\((.)", text)) <= {"#"}


def test_section_headings_in_order(page):
    assert page.h2[0] == "Policy levers"  # unnumbered, under the header
    assert page.h2[1:7] == SECTIONS
    assert re.fullmatch(r"7\. The wijken in 2027", page.h2[7])


def test_run_facts_source_and_changed_parameters(html, model):
    assert "Bron: CBS (CC BY 4.0)" in html
    assert f"sorteermachine {model_version()}" in html
    assert "<dt>Scenario</dt><dd>base</dd>" in html
    assert "<dt>Seed</dt><dd>7</dd>" in html
    assert "<dt>Years</dt><dd>2024–2027</dd>" in html
    assert "0.1 (10% of the city)" in html
    assert model.params.changed() == {"scale": 0.1}
    assert "<code>scale</code>" in html and "multiply by 10" in html


def test_text_from_outside_is_escaped(model):
    text = report.build_report(RunResults.from_model(model, '<script>alert("x")</script>', 1))
    assert "<script>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert Page(text).errors == []


def test_write_report_writes_the_page(model, tmp_path):
    path = tmp_path / "report.html"
    report.write_report(RunResults.from_model(model, "base", 7), path)
    results = RunResults.from_model(model, "base", 7)
    assert path.read_text(encoding="utf-8") == report.build_report(results)


# --- headline -------------------------------------------------------------------------------
def test_headline_numbers_match_the_city_rows(html, model):
    cf = model.city_frame()
    first, last = cf.iloc[0], cf.iloc[-1]
    assert (f"{int(first['households']):,} <span class=\"arrow\">→</span> "
            f"{int(last['households']):,}") in html
    assert f"{first['dissimilarity']:.3f} <span class=\"arrow\">→</span> " \
           f"{last['dissimilarity']:.3f}" in html
    assert f">{cf['unmet_demand'].sum():,}<" in html
    net = int(cf["in_low_pt"].sum() - cf["out_low_pt"].sum())
    sign = "+" if net > 0 else "\u2212" if net < 0 else "±"
    assert (f"<td>Low, to the passend-toewijzen limit</td><td>{cf['in_low_pt'].sum():,}</td>"
            f"<td>{cf['out_low_pt'].sum():,}</td><td class=") in html
    assert f">{sign}{abs(net):,}</td>" in html


# --- maps -----------------------------------------------------------------------------------
def test_each_map_has_one_area_per_wijk_named_in_its_tooltip(page, model):
    city = model.city
    assert len(page.maps) == 3  # corporation share, low-income share, WOZ change
    for areas in page.maps:  # keyed by the name that starts each area's tooltip
        assert len(areas) == city.n_wijken == 23
        assert set(areas) == set(city.wijk_names)
        for area in areas.values():
            assert re.search(r": .*[\d,]+ dwellings, [\d,]+ households$", area["title"])


def test_band_map_agrees_with_the_headline_count(page, model):
    cf, wf = model.city_frame(), model.wijk_frame()
    corp = page.maps[0]
    in_band = [c for c, a in corp.items() if a["fill"] == report.BAND_COLOURS["in"]]
    assert len(in_band) == cf["wijken_in_band"].iloc[-1]
    last = wf[wf["year"] == wf["year"].max()].set_index("wijk_name")
    seen = set()
    for name, area in corp.items():
        share = last.loc[name, "corp_share"]
        dwellings = last.loc[name, "dwellings"] / model.params.scale  # the real city's size
        if dwellings < 100:
            seen.add("small")
            assert area["fill"] == report.BAND_COLOURS["small"]
            assert "not counted" in area["title"]
        elif share > 0.51:
            seen.add("above")
            assert area["fill"] == report.BAND_COLOURS["above"]
            assert "above the band" in area["title"]
    assert seen == {"small", "above"}  # the run has both kinds: the rules were exercised


def test_neighbouring_municipalities_are_drawn_as_context(page, html):
    assert page.context == [26, 26, 26]
    assert "KERKRADE" in html or "LANDGRAAF" in html


@pytest.mark.parametrize(("share", "dwellings", "status"), [
    (0.21, 100, "in"), (0.51, 100, "in"), (0.2099, 500, "below"), (0.5101, 500, "above"),
    (0.30, 99, "small"), (math.nan, 500, "small"), (0.0, 0, "small")])
def test_band_status_follows_count_in_band(share, dwellings, status):
    from model.metrics import count_in_band

    assert report.band_status(share, dwellings) == status
    assert count_in_band([share], [dwellings]) == (status == "in")


def test_band_labels_never_contradict_the_colour():
    assert report._band_pct(0.2061) == "20.6%"  # not '21%' on a 'below' wijk
    assert report._band_pct(0.5104) == "51.0%"
    assert report._band_pct(0.35) == "35%"


# --- income distribution --------------------------------------------------------------------
def test_national_shares_of_table_1(html):
    shares = report.NATIONAL_SHARES
    assert list(shares) == ["low_pt", "low_daeb", "middle", "high_afford", "high"]
    assert [shares[c] for c in shares] == [0.37, 0.15, 0.11, 0.10, 0.27]
    assert math.isclose(sum(shares.values()), 1.0)
    assert report.NATIONAL_SOURCE in html
    for c, value in shares.items():
        label = " ".join(report.CLASS_LABELS[c].split())
        assert f"<title>Netherlands (Table 1), {label}: {value:.0%}</title>" in html


def test_income_bars_are_heerlens_class_shares(html, model):
    last = model.city_frame().iloc[-1]
    total = sum(last[f"hh_{c}"] for c in report.NATIONAL_SHARES)
    share = last["hh_high"] / total
    assert f"<title>Heerlen 2027, High: {share:.0%}</title>" in html


# --- flows, population, table ---------------------------------------------------------------
def test_flow_bars_sum_the_run(html, model):
    cf = model.city_frame()
    n_in = cf["in_middle"].sum()
    assert f"<title>moved into Heerlen, Middle: {n_in:,.0f}</title>" in html
    assert "Moves per year" in html


def test_wijk_table_lists_every_wijk_by_low_income_share(page, model):
    rows = page.table_rows
    assert len(rows) == model.city.n_wijken
    shares = [float(r[5].rstrip("%")) for r in rows]
    assert shares == sorted(shares, reverse=True)
    assert {r[1] for r in rows} == set(model.city.wijk_names)


def test_start_year_only_run_renders_sensibly(start_html, start_model):
    p = Page(start_html)
    assert p.errors == [] and p.stack == []
    assert "Only 2024 was simulated: no trend to show yet." in start_html
    assert 'aria-roledescription="point"' in start_html  # a one-year line is a visible point
    assert "no flows to show" in start_html
    assert "Net migration by income class" not in start_html
    assert "<dt>Years</dt><dd>2024 (start year only)</dd>" in start_html
    assert [len(m) for m in p.maps] == [23, 23]
    assert p.h2[1:7] == SECTIONS


# --- real-estate value ----------------------------------------------------------------------
def test_real_estate_section_gives_the_value_change_and_the_visions_direction(html, page,
                                                                            model):
    assert page.h2[8] == "8. Real-estate value"
    cf = model.city_frame()
    scale = model.params.scale
    first, last = cf.iloc[0], cf.iloc[-1]
    change = (last["stock_value"] / first["stock_value"] - 1) * 100
    assert (f"€{first['stock_value'] / scale / 1e9:,.2f} billion in {int(first['year'])} to "
            f"€{last['stock_value'] / scale / 1e9:,.2f} billion in {int(last['year'])}") in html
    sign = "+" if change > 0 else "\u2212"
    assert f"({sign}{abs(change):.1f}%)" in html
    assert "base lags the growth scenarios" in html
    assert '<tr class="this"><td>Base: nothing is done</td><td>13.44</td></tr>' in html
    woz_map = page.maps[2]
    assert all("change in mean real woz value" in a["title"] for a in woz_map.values())


def test_real_estate_section_of_a_start_year_only_run(start_html):
    assert "Only 2024 was simulated: no change yet." in start_html
