"""How quickly the workshop app answers, in headless Chromium (figures, not a test).

    .venv/bin/python benchmarks/bench_app.py [--steps 5] [--scale full|reduced] [--no-run]

Starts `sorteermachine ui` on a free port and opens it in Debian's Chromium (Playwright), then
1. presses 'One year' `--steps` times. The clock runs in the page: a MutationObserver notes
   when the progress text first names the new year ('page says so'), when the map first
   shows it, and when each chart's drawing last changed; a step is over when all have
   changed and the page has been still for half a second. (Timing from Python with
   Playwright's waits would round up to its polling steps of up to 0.5 s.)
2. presses 'Run to 2050' and, until the run (and its baseline) is done, every 0.25 s times a
   round trip into the page (a frozen page would answer late) and notes the progress text.
Prints seconds: each step and the medians; for the run its length, the slowest round trip,
and how many different progress messages the page showed. Also prints the load average.
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

# Notes, in page time, the last change inside each figure and when the progress text and the
# map first show the year asked for (window.__want).
OBSERVER = """() => {
  window.__t = {}; window.__last = performance.now();
  const figureOf = (el) => {
    const fig = el.closest('.sm-figure');
    return fig && [...fig.classList].find(c => c.startsWith('sm-') && c !== 'sm-figure');
  };
  new MutationObserver((mutations) => {
    const now = performance.now();
    window.__last = now;
    for (const m of mutations) {
      const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      const name = el && figureOf(el);
      if (name) window.__t[name] = now;
    }
    const want = window.__want;
    if (want && !window.__told) {
      const p = document.querySelector('.sm-progress');
      if (p && p.textContent.includes('\u2013' + want)) window.__told = now;
    }
    if (want && !window.__map) {
      const m = document.querySelector('.sm-map svg');
      if (m && m.textContent.includes(', ' + want)) window.__map = now;
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true,
                             attributes: true});
}"""

STEP = """(year) => {
  window.__want = String(year); window.__told = 0; window.__map = 0; window.__t = {};
  window.__figures = [...document.querySelectorAll('.sm-figure')].map(
      f => [...f.classList].find(c => c.startsWith('sm-') && c !== 'sm-figure'));
  window.__t0 = performance.now();
  document.querySelector('.sm-step').click();
}"""

DONE = """() => window.__told && window.__map
  && window.__figures.every(n => window.__t[n] > window.__t0)
  && performance.now() - window.__last > 500"""

RESULT = """() => ({told: window.__told - window.__t0, map: window.__map - window.__t0,
  figures: Object.fromEntries(window.__figures.map(n => [n, window.__t[n] - window.__t0]))})"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--scale", choices=["full", "reduced"], default="full")
    ap.add_argument("--no-run", action="store_true", help="skip the run to 2050")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
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
            page.locator(".sm-vacancy svg").first.wait_for()
            print(f"page with map and charts: {time.perf_counter() - t0:.1f} s after opening")
            if args.scale == "reduced":
                page.get_by_role("button", name="reduced (10%)").click()
            page.evaluate(OBSERVER)
            told, maps, alls = [], [], []
            for i in range(args.steps):
                year = 2025 + i
                page.evaluate(STEP, year)
                page.wait_for_function(DONE)
                r = page.evaluate(RESULT)
                told.append(r["told"] / 1000)
                maps.append(r["map"] / 1000)
                alls.append(max(r["figures"].values()) / 1000)
                slowest = max(r["figures"], key=r["figures"].get)
                print(f"one year to {year}: page says so after {told[-1]:.2f} s, map shows "
                      f"{year} after {maps[-1]:.2f} s, every figure redrawn after "
                      f"{alls[-1]:.2f} s (last: {slowest}) "
                      f"({page.locator('.sm-progress').inner_text()})")
            print(f"one-year step ({args.scale} scale), median (max): page says so "
                  f"{statistics.median(told):.2f} ({max(told):.2f}) s, map "
                  f"{statistics.median(maps):.2f} ({max(maps):.2f}) s, every figure "
                  f"{statistics.median(alls):.2f} ({max(alls):.2f}) s")
            if not args.no_run:
                t = time.perf_counter()
                page.locator(".sm-run").click()
                page.wait_for_function("() => document.querySelector('.sm-run').disabled")
                texts, slowest_trip = set(), 0.0
                while True:
                    r = time.perf_counter()
                    page.evaluate("() => performance.now()")
                    slowest_trip = max(slowest_trip, time.perf_counter() - r)
                    texts.add(page.locator(".sm-progress").inner_text())
                    if not page.locator(".sm-run").is_disabled():
                        break
                    time.sleep(0.25)
                print(f"run to 2050 ({args.scale} scale) with baseline: "
                      f"{time.perf_counter() - t:.1f} s; slowest round trip into the page "
                      f"{slowest_trip * 1000:.0f} ms; {len(texts)} progress messages, e.g. "
                      f"{sorted(texts)[:3]}")
            ctx.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
