"""First paint in the browser: the dashboard against a bare Voilà page, and Run All in JupyterLab.

Run: .venv/bin/python benchmarks/bench_browser.py [rounds]     (goal: ratio <= 1.3)

In the same run, on free 127.0.0.1 ports:

- the dashboard as ``make dashboard`` serves it (voila.json: the planner
  template, a preheated kernel), and
- a bare Voilà page (default settings) holding one plotly FigureWidget,

are opened in turn in Debian's chromium; each figure is the time from the
navigation until the first chart has drawn its trace. Between two visits the
dashboard's pool gets its kernel back (a preheated kernel serves one visitor).
Then notebook 01 is opened in JupyterLab and timed from Run All to its last
chart drawn. The slider round trip (a key press to the redrawn chart) follows.
"""

from __future__ import annotations

import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.app.test_browser import (  # noqa: E402
    ARGS,
    CELLS,
    CHROMIUM,
    KERNEL_IDLE,
    free_port,
    server_env,
    stop,
    voila_command,
    voila_env,
    wait_http,
)

BARE = """{"cells": [{"cell_type": "code", "execution_count": null, "id": "a1", "metadata": {},
 "outputs": [], "source": ["import plotly.graph_objects as go\\n",
 "go.FigureWidget(go.Bar(x=[1, 2, 3], y=[3, 1, 2]))"]}],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
 "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}"""
DRAWN = ".js-plotly-plot .main-svg g.trace"
ARM = """() => {
  const plot = document.querySelector('.planner-charts .js-plotly-plot');
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


def offline(ctx) -> None:
    ctx.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())


def first_paint(browser, url: str) -> float:
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    offline(ctx)
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url, timeout=300_000, wait_until="commit")
    page.wait_for_selector(DRAWN, timeout=300_000)
    elapsed = time.perf_counter() - t0
    ctx.close()
    return elapsed


def pool_ready(log: Path, visits: int, timeout: float = 180) -> None:
    """Wait until Voilà says the pool is filled again after ``visits`` visits."""
    end = time.time() + timeout
    while time.time() < end:
        if log.read_text().count("is filled with") >= visits + 1:
            time.sleep(2)  # the notebook has run in the new kernel; let it settle
            return
        time.sleep(0.5)


def run_all_in_lab(browser) -> float:
    root = Path(tempfile.mkdtemp())
    subprocess.run(["cp", "-r", str(ROOT / "notebooks"), str(root)], check=True)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", "--allow-root", "--ServerApp.token=", "--ServerApp.password=",
         "--ServerApp.disable_check_xsrf=True", "--LabApp.expose_app_in_browser=True",
         f"--ServerApp.root_dir={root}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        env=dict(server_env(), JUPYTER_CONFIG_PATH=str(ROOT)), cwd=root)
    try:
        wait_http(f"http://127.0.0.1:{port}/lab", proc)
        ctx = browser.new_context(viewport={"width": 1366, "height": 768})
        offline(ctx)
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{port}/lab/tree/notebooks/01_plan_your_programme.ipynb"
                  "?reset", timeout=300_000)
        page.wait_for_function("window.jupyterapp !== undefined", timeout=300_000)
        page.wait_for_function(KERNEL_IDLE, timeout=300_000)
        t0 = time.perf_counter()
        page.evaluate("window.jupyterapp.commands.execute('runmenu:run-all')")
        page.wait_for_function(f"() => ({CELLS})().every(c => c.count)", timeout=300_000)
        page.locator(".planner-charts " + DRAWN).first.wait_for(timeout=300_000)
        elapsed = time.perf_counter() - t0
        ctx.close()
        return elapsed
    finally:
        stop(proc)


def main(rounds: int = 3) -> None:
    from playwright.sync_api import sync_playwright

    bare_dir = Path(tempfile.mkdtemp())
    (bare_dir / "bare.ipynb").write_text(BARE)
    log = bare_dir / "dashboard.log"
    d_port, b_port = free_port(), free_port()
    token = secrets.token_hex(24)
    dashboard = f"http://127.0.0.1:{d_port}/?token={token}"
    dash = subprocess.Popen(voila_command(d_port), stdout=log.open("w"),
                            stderr=subprocess.STDOUT, env=voila_env(token), cwd=ROOT)
    bare = subprocess.Popen([sys.executable, "-m", "voila", "bare.ipynb", f"--port={b_port}",
                             "--no-browser", "--Voila.ip=127.0.0.1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            env=server_env(), cwd=bare_dir)
    try:
        # The login page: the server is up, and no visit is taken from the pool (pool_ready
        # counts the visits).
        wait_http(f"http://127.0.0.1:{d_port}/login", dash, timeout=300)
        wait_http(f"http://127.0.0.1:{b_port}/", bare, timeout=300)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            first_paint(browser, f"http://127.0.0.1:{b_port}/")  # warm both caches once
            pool_ready(log, 0)
            first_paint(browser, dashboard)
            dash_t, bare_t = [], []
            for i in range(rounds):
                pool_ready(log, i + 1)
                dash_t.append(first_paint(browser, dashboard))
                bare_t.append(first_paint(browser, f"http://127.0.0.1:{b_port}/"))
            # Slider round trip on the dashboard.
            pool_ready(log, rounds + 1)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(dashboard, timeout=300_000)
            page.wait_for_selector(".planner-charts g.trace.bars", timeout=300_000)
            page.locator(".planner-left .widget-slider").first.locator(".noUi-handle").focus()
            presses = []
            for i in range(16):
                page.evaluate(ARM)
                page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                presses.append(page.evaluate("() => window.__done"))
            page.close()
            lab = run_all_in_lab(browser)
            browser.close()
    finally:
        stop(dash)
        stop(bare)
    d, b = statistics.median(dash_t), statistics.median(bare_t)
    presses = sorted(presses[4:])
    print(f"first chart drawn, Voila dashboard (preheated kernel): median {d:.1f} s "
          f"{[round(x, 1) for x in dash_t]}")
    print(f"first chart drawn, bare Voila page with one FigureWidget: median {b:.1f} s "
          f"{[round(x, 1) for x in bare_t]}")
    print(f"ratio dashboard / bare: {d / b:.2f} (goal: <= 1.3)")
    print(f"JupyterLab, notebook 01: Run All to the last chart drawn: {lab:.1f} s")
    print(f"slider key press -> redrawn chart: median {statistics.median(presses):.0f} ms "
          f"over {len(presses)} presses")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
