"""Start the workshop app: `sorteermachine ui` runs Solara's server on this machine."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

LOCKS_ENV = "SORTEERMACHINE_UI_LOCKS"


class UIError(ValueError):
    """The app cannot start (a missing extra, a busy port, a bad --lock)."""


def check_installed() -> None:
    """Refuse early, with the fix, when the `ui` extra is not installed."""
    missing = []
    for module in ("solara", "ipyvuetify"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise UIError(f"the app needs {', '.join(missing)}: install the ui extra, "
                      "pip install -e \".[ui]\"")


def check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise UIError(f"--host {host} --port {port}: cannot listen there ({exc.strerror}); "
                          "give another --port, or stop what uses it (a just-stopped app "
                          "frees its port after a few seconds)") from None


def serve(host: str = "127.0.0.1", port: int = 8765, locks: dict | None = None,
          quiet: bool = False) -> int:
    """Run the app until interrupted; returns the server's exit code."""
    check_installed()
    check_port(host, port)
    from sorteermachine.app import assets

    assets.offline_settings()
    missing = assets.install()
    if missing:
        raise UIError(f"front-end files missing from Solara's cache ({', '.join(missing)}): "
                      "install the ui extra, pip install -e \".[ui]\" (it brings "
                      "solara-assets)")
    env = {**os.environ, LOCKS_ENV: json.dumps(locks or {}),
           "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    cmd = [sys.executable, "-m", "solara", "run", "sorteermachine.app.page", "--host", host,
           "--port", str(port), "--production", "--no-open", "--log-level",
           "warning", "--no-access-log"]
    if not quiet:
        print(f"sorteermachine: the workshop app is at http://{host}:{port}/ (Ctrl-C stops it)",
              flush=True)
    return subprocess.call(cmd, env=env)
