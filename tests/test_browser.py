"""End to end in a real browser: the Voila dashboard and notebook 01 in JupyterLab.

Debian's chromium (/usr/bin/chromium) is driven with Python playwright; the
servers listen on free ports of 127.0.0.1 and are stopped afterwards. The
screenshot docs/dashboard.png (shown in the README) is taken here.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from planner import PlanConfig, generate, read_plan
from planner.config import next_monday

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Messages from the page that are not the planner's: fonts from a CDN the sandbox cannot
# reach, and version notices of the widget manager.
HARMLESS = re.compile(r"fonts\.googleapis|cdn\.jsdelivr|unpkg\.com|ERR_NAME_NOT_RESOLVED|"
                      r"ERR_INTERNET_DISCONNECTED|favicon|version|Failed to load resource",
                      re.IGNORECASE)

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed at /usr/bin/chromium "
                "(make test installs it with apt-get)", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("exports")


@pytest.fixture(scope="module")
def voila(export_dir):
    port = free_port()
    env = dict(os.environ, PLANNER_EXPORT_DIR=str(export_dir))
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", str(ROOT / "notebooks" / "dashboard.ipynb"),
         f"--port={port}", "--no-browser", "--Voila.ip=127.0.0.1",
         "--MappingKernelManager.cull_idle_timeout=60",
         "--MappingKernelManager.cull_interval=30"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def bars_drawn(page) -> int:
    """Bars in the weekly-load chart (the first plotly chart of the page)."""
    return page.locator(".js-plotly-plot").first.locator("g.trace.bars g.point").count()


def wait_for(predicate, timeout: float = 30, what: str = "condition") -> None:
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_dashboard_end_to_end(voila, browser, export_dir):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(voila, timeout=120_000)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
    wait_for(lambda: bars_drawn(page) == 12, what="12 weekly bars")

    # Weeks slider: focus the handle and step it down with the keyboard.
    handle = page.locator(".widget-slider").first.locator(".noUi-handle")
    handle.click()
    for _ in range(4):
        page.keyboard.press("ArrowLeft")
    wait_for(lambda: bars_drawn(page) == 8, what="8 weekly bars after the slider moved")

    # An invalid start load shows the message, in words a person understands.
    page.get_by_text("Deadlift", exact=True).first.click()
    box = page.locator(".widget-text", has_text="Start load").locator("input")
    box.fill("10")
    box.press("Enter")
    msg = page.locator(".planner-msg-error")
    msg.wait_for(timeout=30_000)
    assert "lighter than the 20 kg bar" in msg.inner_text()
    box.fill("40")
    box.press("Enter")
    page.locator(".planner-msg-ok").first.wait_for(timeout=30_000)

    # Export the CSV: the file re-reads as the plan shown (8 weeks, 40 kg start).
    page.locator(".planner-export-csv").click()
    done = page.locator(".planner-export-done")
    done.wait_for(timeout=30_000)
    path = Path(done.locator("code").inner_text())
    assert path.parent == export_dir
    shown = generate(PlanConfig(weeks=8, start_date=next_monday(date.today()),
                                deadlift_start_load=40))
    pd.testing.assert_frame_equal(read_plan(path).table, shown.table)

    page.get_by_text("Your weeks", exact=True).first.click()
    time.sleep(1)
    (ROOT / "docs").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "docs" / "dashboard.png"), full_page=True)
    ours = [p for p in problems if not HARMLESS.search(p)]
    assert not ours, ours
    page.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    # Run a copy: JupyterLab autosaves, and the repository's notebooks stay clean.
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", "--allow-root", "--ServerApp.token=", "--ServerApp.password=",
         "--ServerApp.disable_check_xsrf=True", "--LabApp.expose_app_in_browser=True",
         f"--ServerApp.root_dir={root}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=root,
        env=dict(os.environ, PLANNER_EXPORT_DIR=str(root / "exports")))
    try:
        wait_http(f"http://127.0.0.1:{port}/lab", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def test_notebook_01_runs_in_jupyterlab(lab, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{lab}/lab/tree/notebooks/01_plan_your_programme.ipynb?reset", timeout=120_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_function("window.jupyterapp !== undefined", timeout=60_000)
    # Wait until the notebook has a kernel that is connected and idle, then run everything.
    page.wait_for_function("""() => {
        const w = window.jupyterapp.shell.currentWidget;
        const k = w && w.sessionContext && w.sessionContext.session
                  && w.sessionContext.session.kernel;
        return k && k.connectionStatus === 'connected' && k.status === 'idle';
    }""", timeout=120_000)
    page.evaluate("window.jupyterapp.commands.execute('runmenu:run-all')")

    # Read the notebook's model: JupyterLab only renders the cells in view.
    state_js = """() => {
        const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
        const out = [];
        for (let i = 0; i < cells.length; i++) {
            const c = cells.get(i);
            if (c.type !== 'code') continue;
            out.push({count: c.sharedModel.execution_count,
                      outputs: c.outputs.toJSON()});
        }
        return out;
    }"""

    def finished() -> bool:
        cells = page.evaluate(state_js)
        return bool(cells) and all(c["count"] for c in cells)

    try:
        wait_for(finished, timeout=180, what="every cell of notebook 01 to run")
    except AssertionError:
        page.screenshot(path=str(Path(os.environ.get("TMPDIR", "/tmp")) / "lab-failure.png"))
        raise
    cells = page.evaluate(state_js)
    bad = [o for c in cells for o in c["outputs"]
           if o["output_type"] == "error" or (o["output_type"] == "stream"
                                              and o["name"] == "stderr")]
    assert not bad, bad
    kinds = {k for c in cells for o in c["outputs"] for k in o.get("data", {})}
    assert "application/vnd.plotly.v1+json" in kinds  # the plotly chart
    assert "application/vnd.jupyter.widget-view+json" in kinds  # the planner app
    page.wait_for_selector(".planner-app", timeout=60_000, state="attached")
    page.close()
