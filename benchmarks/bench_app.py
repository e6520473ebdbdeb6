"""How quickly the workshop app answers, in headless Chromium (figures, not a test).

    .venv/bin/python benchmarks/bench_app.py [--steps 5] [--scale full|reduced]

Starts `sorteermachine ui` on a free port and opens it in Debian's Chromium (Playwright), then
1. presses 'One year' `--steps` times and times each press until the page says the year is
   simulated, until the map shows it, and until every chart does (the page's refresh:
   simulate one year, rebuild the figures, redraw them in the browser);
2. presses 'Run to 2050' and, until the run (and its baseline) is done, every 0.25 s times a
   round trip into the page (a frozen page would answer late) and notes the progress text.
Prints seconds: each step and their median; for the run its length, the slowest round trip,
and how many different progress messages the page showed.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--scale", choices=["full", "reduced"], default="full")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "sorteermachine.cli", "ui", "--port",
                               str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                time.sleep(1)
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                tempfile.mkdtemp(), executable_path="/usr/bin/chromium", headless=True,
                args=ARGS, viewport={"width": 1400, "height": 1000})
            page = ctx.new_page()
            page.set_default_timeout(180_000)
            t0 = time.perf_counter()
            page.goto(url, wait_until="domcontentloaded")
            page.locator(".sm-map .areas_marks path").first.wait_for()
            print(f"page with map: {time.perf_counter() - t0:.1f} s after opening")
            if args.scale == "reduced":
                page.get_by_role("button", name="reduced (10%)").click()
            steps = []
            for i in range(args.steps):
                year = 2025 + i
                page.evaluate("() => { window.__before = [...document.querySelectorAll("
                              "'.sm-figure svg.marks')].map(s => s.innerHTML); }")
                t = time.perf_counter()
                page.locator(".sm-step").click()
                page.locator(".sm-progress").get_by_text(f"–{year}").wait_for()
                told = time.perf_counter() - t
                page.locator(".sm-map svg").get_by_text(f", {year}").first.wait_for()
                charts = time.perf_counter() - t
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.sm-figure svg.marks')].every("
                    "(s, i) => s.innerHTML !== window.__before[i])")
                steps.append(time.perf_counter() - t)
                print(f"one year to {year}: page says so after {told:.2f} s, map redrawn after "
                      f"{charts:.2f} s, every chart after {steps[-1]:.2f} s "
                      f"({page.locator('.sm-progress').inner_text()})")
            print(f"one-year step ({args.scale} scale): median {statistics.median(steps):.2f} s,"
                  f" max {max(steps):.2f} s")
            t = time.perf_counter()
            page.locator(".sm-run").click()
            page.wait_for_function("() => document.querySelector('.sm-run').disabled")
            texts, slowest = set(), 0.0
            while True:
                r = time.perf_counter()
                page.evaluate("() => performance.now()")
                slowest = max(slowest, time.perf_counter() - r)
                texts.add(page.locator(".sm-progress").inner_text())
                if not page.locator(".sm-run").is_disabled():
                    break
                time.sleep(0.25)
            print(f"run to 2050 ({args.scale} scale) with baseline: {time.perf_counter() - t:.1f}"
                  f" s; slowest round trip into the page {slowest * 1000:.0f} ms; "
                  f"{len(texts)} progress messages, e.g. {sorted(texts)[:3]}")
            ctx.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
