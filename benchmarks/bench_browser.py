"""Browser round trip in the Voila dashboard: a slider key press to the redrawn chart.

Run: .venv/bin/python benchmarks/bench_browser.py     (goal: median <= 150 ms)

Starts Voila on a free 127.0.0.1 port, opens the dashboard in Debian's
chromium, moves the weeks slider with the keyboard and times, inside the page,
from just before the key press until the weekly-load chart shows a different
number of bars. The server's helpers come from the browser tests.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_browser import ARGS, CHROMIUM, free_port, stop, wait_http  # noqa: E402

ARM = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  const count = () => plot.querySelectorAll('g.trace.bars g.point').length;
  const before = count();
  window.__t0 = performance.now();
  window.__done = new Promise(resolve => {
    const obs = new MutationObserver(() => {
      if (count() !== before) { obs.disconnect(); resolve(performance.now() - window.__t0); }
    });
    obs.observe(plot, {subtree: true, childList: true, attributes: true});
  });
}"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", str(ROOT / "notebooks" / "dashboard.ipynb"),
         f"--port={port}", "--no-browser", "--Voila.ip=127.0.0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
            page.wait_for_selector(".js-plotly-plot g.trace.bars", timeout=120_000)
            page.locator(".widget-slider").first.locator(".noUi-handle").click()
            times = []
            for i in range(24):
                page.evaluate(ARM)
                page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                times.append(page.evaluate("() => window.__done"))
            browser.close()
    finally:
        stop(proc)
    times = sorted(times[4:])  # the first presses warm the kernel up
    print(f"slider key press -> redrawn chart in Voila: median {statistics.median(times):.0f} "
          f"ms, p90 {times[int(0.9 * len(times))]:.0f} ms over {len(times)} presses "
          "(goal: median <= 150 ms)")


if __name__ == "__main__":
    main()
