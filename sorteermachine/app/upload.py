"""Loading a scenario file into the app: a drop zone that is also a button to choose a file.

Solara's FileDrop takes only files dragged onto it; in a workshop people also want to pick a
file, and a test wants a file input it can fill. The file is read in the browser and sent
whole (a scenario file is a few kilobytes; more than `MAX_BYTES` is refused there).
"""

from __future__ import annotations

import base64
from pathlib import Path

import ipyvuetify
import traitlets

MAX_BYTES = 1_000_000


class ScenarioUpload(ipyvuetify.VuetifyTemplate):
    template_file = str(Path(__file__).with_name("upload.vue"))
    label = traitlets.Unicode("").tag(sync=True)
    button = traitlets.Unicode("").tag(sync=True)
    max_bytes = traitlets.Int(MAX_BYTES).tag(sync=True)
    on_file = traitlets.Callable(None, allow_none=True)

    def vue_upload(self, info=None):
        """`info` from the browser: name, size and the content in base64 (none if the file
        was too large to send)."""
        if self.on_file is None or not isinstance(info, dict):
            return
        raw = info.get("data")
        self.on_file({"name": str(info.get("name") or ""), "size": int(info.get("size") or 0),
                      "data": base64.b64decode(raw) if raw is not None else None})
