"""The app's front-end files, all from installed packages, so the page works with no internet.

Solara's page asks its CDN proxy (`/_solara/cdn/...`) for its JavaScript; a file found in the
proxy's cache folder is served without going online. Two packages fill that folder:
* `solara-assets` (PyPI) ships Solara's own Vue app, requirejs and font-awesome there;
* the app's charts (`app/vega.py`, loaded the way Solara's Altair widget loads them) ask for
  `vega@5`, `vega-lite@5` and `vega-embed@6`, which we take from `vl-convert-python` (the
  renderer of the static reports): its bundle of Vega, Vega-Lite and vega-embed is the very
  version that draws the report's SVG, so app and report agree.
  `install()` writes the three small AMD modules requirejs expects over that one bundle.
"""

from __future__ import annotations

import os
from pathlib import Path

# The app's charts load these paths through requirejs (app/vega_view.vue, as solara/widgets/vue).
VEGA_PATHS = {
    "vega": "vega@5/build/vega.min.js",
    "vega-lite": "vega-lite@5/build/vega-lite.min.js",
    "vega-embed": "vega-embed@6/build/vega-embed.min.js",
}
MARKER = "/* sorteermachine offline vega bundle: vl-convert {version} */\n"
REQUIRED = ("@widgetti/solara-vuetify-app@10.1.1", "requirejs@2.3.6", "font-awesome@4.5.0")


def offline_settings() -> None:
    """Settings that keep Solara from reaching out: no telemetry."""
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")


def cache_dir() -> Path:
    import solara.server.settings as settings

    return Path(settings.assets.proxy_cache_dir)


def install(folder: Path | None = None) -> list[str]:
    """Make sure every front-end file the app needs is in Solara's CDN cache; return what
    is missing (empty when the page will load offline)."""
    import vl_convert

    folder = folder or cache_dir()
    marker = MARKER.format(version=_version())
    main = folder / VEGA_PATHS["vega"]
    if not main.is_file() or not main.read_text(encoding="utf-8", errors="replace"
                                                ).startswith(marker):
        bundle = vl_convert.javascript_bundle(
            "window.__sorteermachineVega = {vega: vega, vegaLite: vegaLite, "
            "vegaEmbed: vegaEmbed};")
        # The bundle declares top-level names: wrap it so loading it twice cannot clash.
        _write(main, marker + "(function () {\n" + bundle + "\n})();\n"
               "define(function () { return window.__sorteermachineVega.vega; });\n")
        _write(folder / VEGA_PATHS["vega-lite"], marker + "define(['vega'], function () "
               "{ return window.__sorteermachineVega.vegaLite; });\n")
        _write(folder / VEGA_PATHS["vega-embed"], marker + "define(['vega'], function () "
               "{ return window.__sorteermachineVega.vegaEmbed; });\n")
    return [name for name in REQUIRED if not (folder / name).is_dir()]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _version() -> str:
    from importlib.metadata import version

    return version("vl-convert-python")
