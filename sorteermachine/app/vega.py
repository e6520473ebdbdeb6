"""A chart in the page that is drawn once and then only fed new data.

Solara's own Altair widget hands the browser a whole new chart at every change, which Vega
then builds and draws from scratch (and the server sends the map's shapes again). After a
one-year step only the data have changed: the years of a time chart, the colours and labels
of a map. `VegaView` gets the compiled Vega spec once (`spec`) and afterwards a `patch`:
the data sets and parameter values that differ from those in `spec`; the browser puts them
into the chart it already has (`view.data(...)`, `view.signal(...)`), which redraws only
what changed. `Figure` in page.py decides which of the two a change needs (`split`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import ipyvuetify
import traitlets

from viz import charts


class VegaView(ipyvuetify.VuetifyTemplate):
    template_file = str(Path(__file__).with_name("vega_view.vue"))
    # JSON texts, not dicts: the page framework would walk every vertex of a dict prop on
    # each redraw (looking for widgets inside), and the browser would watch every one
    spec = traitlets.Unicode("{}").tag(sync=True)
    patch = traitlets.Unicode("{}").tag(sync=True)
    listen_to_click = traitlets.Bool(False).tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    on_click = traitlets.Callable(None, allow_none=True)

    @traitlets.default("cdn")
    def _cdn(self):
        import solara.settings

        return None if solara.settings.assets.proxy else solara.settings.assets.cdn

    def vue_vega_click(self, datum=None):
        if self.on_click is not None:
            self.on_click(datum)


def digest(rows) -> str:
    return hashlib.sha1(json.dumps(rows, sort_keys=True).encode()).hexdigest()


class Drawn:
    """What the browser was given as a whole chart: its shape, data and parameters."""

    def __init__(self, chart: charts.Chart):
        self.key = chart.key()
        self.spec = json.dumps(charts.vega_spec(chart))
        self.digests = {name: digest(rows) for name, rows in chart.datasets.items()}
        self.params = dict(chart.params)


def split(chart: charts.Chart, drawn: Drawn | None) -> tuple[Drawn, str]:
    """(`Drawn`, patch as JSON): the spec the browser should hold and what to change in it to show
    `chart`. A chart of another shape (other texts, another indicator, another language)
    is a new spec and an empty patch; else the old spec is kept and the patch holds the
    data sets and parameters that differ from it (the map's shapes never do)."""
    if drawn is None or drawn.key != chart.key():
        return Drawn(chart), "{}"
    data = {name: rows for name, rows in chart.datasets.items()
            if digest(rows) != drawn.digests.get(name)}
    signals = {name: v for name, v in chart.params.items() if drawn.params.get(name) != v}
    return drawn, json.dumps({"data": data, "signals": signals} if data or signals else {})
