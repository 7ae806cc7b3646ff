"""End to end in a real browser: the Voilà dashboard and the app in JupyterLab.

Debian's chromium (/usr/bin/chromium) is driven with Python playwright; the
servers listen on free ports of 127.0.0.1 and are stopped afterwards (the dashboard asks
for its token, as under `make dashboard`; tests/app/test_door.py checks that door). Every
request that would leave 127.0.0.1 is blocked and fails the test. The screenshots
are written to build/screenshots/, or to the folder PLANNER_SCREENSHOTS names: set it
to docs to renew the README's (a test run leaves the tracked files alone).
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest
from icalendar import Calendar

from planner import PlanConfig, generate, read_plan
from planner.config import next_monday
from tests.paths import ROOT

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STRONG = ROOT.parent / "shared" / "fixtures" / "exports" / "strong_s1_kg.csv"
AXE_DIR = ROOT / ".cache"
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("PLANNER_SCREENSHOTS") or ROOT / "build" / "screenshots")
# Console messages that are not the planner's: version notices of the widget manager.
HARMLESS = re.compile(r"version|favicon|DevTools", re.IGNORECASE)

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed at /usr/bin/chromium "
                "(make test installs it with apt-get)", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
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
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


def server_env() -> dict[str, str]:
    """This checkout first on the path (the kernels inherit it) and its Voilà template."""
    path = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(path),
                JUPYTER_PATH=str(ROOT / "share" / "jupyter"))


def voila_command(port: int) -> list[str]:
    """Voilà as `make dashboard` runs it (voila.json in ROOT: template, preheated kernels,
    websocket limit, token, Host and Origin checks), with kernels culled soon after the test
    leaves them."""
    return [sys.executable, "-m", "voila", "notebooks/dashboard.ipynb", f"--port={port}",
            "--no-browser", "--Voila.ip=127.0.0.1",
            "--MappingKernelManager.cull_idle_timeout=60",
            "--MappingKernelManager.cull_interval=30"]


def voila_env(token: str) -> dict[str, str]:
    """``server_env`` with the dashboard's token set (JUPYTER_TOKEN, as a person may set it),
    so the test knows the URL without reading the server's log."""
    return dict(server_env(), JUPYTER_TOKEN=token)


@pytest.fixture(scope="module")
def voila():
    """The dashboard's URL with its token (``?token=``: the page sets its login cookie)."""
    port = free_port()
    token = secrets.token_hex(24)
    proc = subprocess.Popen(voila_command(port), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=voila_env(token), cwd=ROOT)
    try:
        # The login page: the server is up, and no page is rendered (each page load takes
        # the preheated kernel).
        wait_http(f"http://127.0.0.1:{port}/login", proc)
        yield f"http://127.0.0.1:{port}/?token={token}"
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def offline_context(browser, width: int, height: int, external: list[str],
                    timezone: str | None = None):
    """A browser context that blocks (and records) every request leaving 127.0.0.1; in
    the IANA ``timezone`` when given (the machine's otherwise)."""
    ctx = browser.new_context(viewport={"width": width, "height": height},
                              accept_downloads=True, timezone_id=timezone)

    def guard(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    return ctx


# Voila's page asks for its kernel to be shut down when it unloads (our reload); the server
# refuses with 403 and culls the kernel later. That one request is Voila's, not ours.
VOILA_SHUTDOWN = re.compile(r"/voila/api/shutdown/")


def ours(problems: list[str]) -> list[str]:
    """The page's problems that are the planner's (see HARMLESS and VOILA_SHUTDOWN)."""
    refused = sum(1 for p in problems if p.startswith("403 ") and VOILA_SHUTDOWN.search(p))
    out = []
    for p in problems:
        if HARMLESS.search(p) or (p.startswith("403 ") and VOILA_SHUTDOWN.search(p)):
            continue
        if refused and p.startswith("Failed to load resource") and "403" in p:
            refused -= 1
            continue
        out.append(p)
    return out


def watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 else None)
    return problems


def wait_for(predicate, timeout: float = 60, what: str = "condition") -> None:
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


CHART_DATA = """(sel) => [...document.querySelectorAll(sel)].map(gd => (gd.data || []).map(t => ({
    name: t.name || '', x: Array.from(t.x || []), y: Array.from(t.y || [])})))"""


def chart_data(page, scope: str) -> list[list[dict]]:
    """Each plotly chart's traces (x, y) as drawn in the page, in document order."""
    return page.evaluate(CHART_DATA, f"{scope} .js-plotly-plot")


def plan_numbers(plan) -> dict:
    """What each plan chart must show, computed here from the plan table."""
    t = plan.table
    weeks = sorted(t["week"].unique())
    dl = t[t["exercise"] == "deadlift"]
    vl = (dl["target_reps"].astype(float) * dl["load_kg"].astype(float)).groupby(dl["week"]).sum()
    sessions = dl.groupby("session_id", sort=False)["load_kg"].first()
    bridge = t[t["exercise"] == "glute_bridge"].groupby("week")["target_reps"].sum()
    return {"load": [round(vl.get(w, 0.0)) for w in weeks],
            "deadlift": [float(x) for x in sessions],
            "bodyweight": [int(bridge.get(w, 0)) for w in weeks],
            "calendar_days": t["date"].nunique(), "weeks": len(weeks)}


def check_plan_tabs(page, plan) -> None:
    """Click each chart tab and compare the drawn numbers with the plan's."""
    expected = plan_numbers(plan)
    tabs = page.locator(".planner-charts > .planner-stepbar button")
    for i in range(4):
        tabs.nth(i).click()
        page.wait_for_timeout(300)

    def matches() -> bool:
        load, dl, bw, cal = chart_data(page, ".planner-charts")
        return ([round(y) for y in load[0]["y"]] == expected["load"]
                and dl[0]["y"] == pytest.approx(expected["deadlift"])
                and bw[0]["y"] == expected["bodyweight"]
                and sum(len(t["x"]) for t in cal) == expected["calendar_days"]
                and len({y for t in cal for y in t["y"]}) == expected["weeks"])

    wait_for(matches, what="every plan chart to show the plan's numbers")
    tabs.nth(0).click()


def move_weeks(page, steps: int) -> None:
    """Move the weeks slider with the keyboard (negative: shorter)."""
    handle = page.locator(".planner-left .widget-slider").first.locator(".noUi-handle")
    handle.focus()
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowLeft" if steps < 0 else "ArrowRight")


def bars(page) -> int:
    return page.locator(".planner-charts .js-plotly-plot").first.locator(
        "g.trace.bars g.point").count()


def truncated(page) -> list[str]:
    """Visible labels and tab titles whose text is cut."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '.planner-app .widget-label, .planner-app button,'
        + ' .planner-app .widget-toggle-button')]
        .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
        .map(e => e.textContent.trim())""")


def layout_problems(page) -> list[str]:
    """Charts wider than their container or a page wider than the window."""
    return page.evaluate("""() => {
        const out = [];
        if (document.documentElement.scrollWidth > window.innerWidth + 1)
            out.push('page scrolls sideways: ' + document.documentElement.scrollWidth);
        for (const gd of document.querySelectorAll('.planner-app .js-plotly-plot')) {
            if (gd.offsetParent === null) continue;
            const box = gd.parentElement.getBoundingClientRect();
            const svg = gd.querySelector('.main-svg');
            const w = svg ? svg.getBoundingClientRect().width : 0;
            if (w > box.width + 2 || w < 0.9 * box.width)
                out.push(`chart ${w.toFixed(0)} px in a ${box.width.toFixed(0)} px box`);
        }
        return out;
    }""")


def settled_layout(page, timeout: float = 10) -> list[str]:
    """``layout_problems`` once the charts had up to ``timeout`` s to fit their boxes.

    A chart drawn before its box is laid out, or before a resize has reached it, is
    fitted again within a fraction of a second; what is still wrong after that is a
    defect."""
    end = time.time() + timeout
    while True:
        found = layout_problems(page)
        if not found or time.time() > end:
            return found
        time.sleep(0.25)


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands."""
    if not AXE.exists():
        AXE_DIR.mkdir(exist_ok=True)
        npm = shutil.which("npm")
        assert npm, "npm is needed to fetch axe-core for the accessibility check"
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR),
                        "axe-core@4"], check=True, capture_output=True, timeout=300)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const r = await axe.run(document.querySelector('.planner-dashboard')
                                || document.querySelector('.planner-app') || document,
                                {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def download(page, click) -> Path:
    with page.expect_download(timeout=60_000) as info:
        click()
    d = info.value
    target = Path(os.environ.get("TMPDIR", "/tmp")) / f"planner-test-{d.suggested_filename}"
    d.save_as(target)
    return target


def step_tab(page, title: str) -> None:
    """Open one of the app's steps and wait until it is the one shown.

    A click that lands while JupyterLab is still laying the notebook out can miss the
    tab; a person would click again, and so does this, once the app has stopped moving.
    If five clicks miss, the failure says what was under the pointer."""
    tab = page.locator(".planner-steps > .planner-stepbar button", has_text=title)

    def shown() -> bool:
        return "mod-active" in (tab.get_attribute("class") or "")

    for _ in range(5):
        settle(page, ".planner-steps")
        tab.scroll_into_view_if_needed()
        tab.click()
        try:
            wait_for(shown, timeout=5, what=f"the {title!r} step to open")
            return
        except AssertionError:
            continue
    seen = page.evaluate("""(title) => {
        const tabs = [...document.querySelectorAll('.planner-steps > .planner-stepbar button')];
        const t = tabs.find(e => e.textContent.includes(title));
        if (!t) return 'no such tab';
        const r = t.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return {tabs: tabs.map(e => e.className), rect: [r.x, r.y, r.width, r.height],
                hit: hit ? hit.className : null, inside: !!(hit && t.contains(hit))};
    }""", title)
    raise AssertionError(f"the {title!r} step did not open after 5 clicks: {seen}")


def settle(page, selector: str, timeout: float = 10) -> None:
    """Wait until the box of ``selector`` has kept its place and size for half a second."""
    last = None
    end = time.time() + timeout
    while time.time() < end:
        box = page.locator(selector).first.bounding_box()
        if box is not None and box == last:
            return
        last = box
        time.sleep(0.5)


def upload_strong(page) -> None:
    # ipywidgets' FileUpload keeps its <input type=file> out of the document: the file
    # goes in through the chooser its button opens, as a person's would.
    with page.expect_file_chooser(timeout=30_000) as chooser:
        page.locator(".planner-upload").click()
    chooser.value.set_files(str(STRONG))
    page.get_by_text("does not say whether its weights are in kg or lb").wait_for(
        timeout=60_000)
    page.locator(".planner-log .widget-toggle-buttons button", has_text="kg").click()
    page.get_by_text("507 sets imported").wait_for(timeout=60_000)


def upload_big_file(page, tmp: Path) -> None:
    """A 12 MB file (above the Jupyter server's default 10 MB websocket message) reaches
    the kernel: the app answers that it is not a log, instead of the page going silent."""
    big = tmp / "big-notes.csv"
    big.write_bytes(b"note,text\n" + b"0123456789abcdef,hello\n" * 550_000)
    with page.expect_file_chooser(timeout=30_000) as chooser:
        page.locator(".planner-upload").click()
    chooser.value.set_files(str(big))
    page.get_by_text("not a workout log").wait_for(timeout=120_000)


def expected_strong_volume() -> dict[str, float]:
    """Weekly volume (kg) of the Strong export, from the raw file: weight x reps a week."""
    raw = pd.read_csv(STRONG)
    day = pd.to_datetime(raw["Date"]).dt.normalize()
    monday = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    vl = (raw["Weight"] * raw["Reps"]).groupby(monday).sum()
    return {f"{k:%Y-%m-%d}": round(v) for k, v in vl.items() if v > 0}


def open_dashboard(browser, voila: str, timezone: str | None = None):
    """The dashboard in an offline 1366 x 768 context (in ``timezone``), its first chart
    drawn: (context, page, requests blocked, console problems)."""
    external: list[str] = []
    ctx = offline_context(browser, 1366, 768, external, timezone)
    page = ctx.new_page()
    problems = watch_console(page)
    page.goto(voila, timeout=180_000)
    page.wait_for_selector(".planner-charts .js-plotly-plot .main-svg", timeout=180_000)
    return ctx, page, external, problems


@pytest.mark.skipif(not STRONG.exists(), reason="the shared Strong export is not beside the repo")
def test_dashboard_whole_loop(voila, browser, tmp_path):
    # a browser in another zone than the server's: the calendar is in the browser's
    ctx, page, external, problems = open_dashboard(browser, voila, "America/Los_Angeles")
    wait_for(lambda: bars(page) == 12, what="12 weekly bars")

    # A reload, then a control: every tab's chart shows the plan of the controls.
    page.reload(timeout=180_000)
    page.wait_for_selector(".planner-charts .js-plotly-plot .main-svg", timeout=180_000)
    wait_for(lambda: bars(page) == 12, what="12 weekly bars after the reload")
    move_weeks(page, -4)
    wait_for(lambda: bars(page) == 8, what="8 weekly bars after the slider moved")
    check_plan_tabs(page, generate(PlanConfig(weeks=8, start_date=next_monday(date.today()))))
    assert not truncated(page) and not settled_layout(page), (truncated(page),
                                                               layout_problems(page))

    # A bad start load is a message in words that names the control and where it is.
    box = page.locator(".widget-text", has_text="Start load").locator("input")
    box.fill("10")
    box.press("Enter")
    msg = page.locator(".planner-plan .planner-msg-error")
    msg.wait_for(timeout=30_000)
    assert "Start load" in msg.inner_text() and "lighter than the 20 kg bar" in msg.inner_text()
    box.fill("40")
    box.press("Enter")
    page.get_by_text("deadlift from 40 to").wait_for(timeout=30_000)

    # Downloads reach the disk and are the plan shown.
    shown = generate(PlanConfig(weeks=8, start_date=next_monday(date.today()),
                                deadlift_start_load=40))
    csv = download(page, lambda: page.get_by_role("button", name=re.compile("spreadsheet"))
                   .first.click())
    pd.testing.assert_frame_equal(read_plan(csv).table, shown.table)
    sheet = download(page, lambda: page.locator(".planner-plan .planner-download",
                                                has_text="Printable sheet").click())
    assert sheet.read_text().count("<section class='week'>") == 8
    # The calendar: named by the plan's start and length; one event per training day (the
    # stretch inside it), the stretch-only days as one repeating event, in a time zone.
    ics = download(page, lambda: page.locator(".planner-plan .planner-download",
                                              has_text="Calendar").click())
    assert ics.name == f"planner-test-plan-{shown.config.start_date:%Y-%m-%d}-8w.ics"
    cal = Calendar.from_ical(ics.read_bytes())
    events = cal.walk("VEVENT")
    training = [e for e in events if "RRULE" not in e and "RDATE" not in e]
    t = shown.table
    assert len(training) == t.loc[t["exercise"] != "rotational_stretch", "date"].nunique() == 24
    assert len(events) - len(training) == 1
    assert {e["DTSTART"].params["TZID"] for e in events} == {"America/Los_Angeles"}
    assert {e.decoded("DTSTART").hour for e in events} == {18}  # 18:00 there
    # The apps' files beside them: a zip of watch workouts, a Liftosaur program, Hevy routines
    def app_file(label: str) -> Path:
        return download(page, lambda: page.locator(".planner-plan .planner-download",
                                                   has_text=label).click())

    sessions = shown.table["session_id"].nunique()
    with zipfile.ZipFile(app_file("Garmin workouts")) as z:
        fits = [n for n in z.namelist() if n.endswith(".fit")]
        assert len(fits) == sessions and "README.txt" in z.namelist()
        assert all(z.read(n)[8:12] == b".FIT" for n in fits)
    program = app_file("Liftosaur program")
    assert program.name.endswith("-liftosaur.txt")
    assert program.read_text().count("# Week ") == 8
    routines = json.loads(app_file("Hevy routines").read_text())
    assert len(routines) == sessions
    page.evaluate("document.querySelector('.planner-head').scrollIntoView()")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-1366.png"))
    plan_axe = axe_violations(page)

    # Log: the Strong export through the page, the unit asked for, the report as a table.
    step_tab(page, "2 · Log")
    upload_big_file(page, tmp_path)
    upload_strong(page)
    assert page.locator(".planner-log table").count() == 0 or "/work/" not in \
        page.locator(".planner-log").inner_text()

    # Analysis: the charts, with the file's own weekly volume.
    step_tab(page, "3 · Analysis")
    wait_for(lambda: page.locator(".planner-analysis .js-plotly-plot .main-svg").count() >= 4,
             what="the analysis charts")
    titles = page.locator(".planner-analysis h3").all_inner_texts()
    assert {"Deadlift progression", "Weekly training load", "Fitness, fatigue and form",
            "Acute:chronic workload ratio"} <= set(titles)
    charts = dict(zip(titles, chart_data(page, ".planner-analysis"), strict=False))
    vol = charts["Weekly training load"][0]
    drawn = {x[:10]: round(y) for x, y in zip(vol["x"], vol["y"], strict=True) if y}
    assert drawn == expected_strong_volume()
    # the progression's lines break at the export's layoff (a None in every trace's data)
    assert all(None in trace["y"] for trace in charts["Deadlift progression"])
    # no RPE in a Strong export: fitness runs on the volume load and says so, never a 0 line
    fitness = [t for t in charts["Fitness, fatigue and form"] if t.get("y")]
    assert any(y and y > 0 for t in fitness for y in t["y"]), fitness
    ranges = page.evaluate("""() => [...document.querySelectorAll(
        '.planner-analysis .js-plotly-plot')].map(gd => JSON.stringify(
        (gd.layout.xaxis || {}).range))""")
    assert len(set(ranges)) == 1 and ranges[0] != "undefined", ranges  # one date range
    axis = page.evaluate("""() => [...document.querySelectorAll(
        '.planner-analysis .js-plotly-plot')].map(gd => (gd.layout.yaxis.title || {}).text)""")
    assert any("no RPE or duration logged" in (t or "") for t in axis), axis
    report = download(page, lambda: page.locator(".planner-download",
                                                 has_text="Report (HTML)").click())
    assert "<html" in report.read_text()[:300] and "Deadlift" in report.read_text()
    # named by the file and the day; small enough to mail (plotly.js packed inside)
    assert re.fullmatch(r"planner-test-training-report-strong_s1_kg-\d{4}-\d{2}-\d{2}\.html",
                        report.name), report.name
    assert report.stat().st_size <= 2_000_000, report.stat().st_size
    assert not settled_layout(page), layout_problems(page)
    page.evaluate("document.querySelector('.planner-head').scrollIntoView()")
    page.screenshot(path=str(SHOTS / "analysis-1366.png"))
    analysis_axe = axe_violations(page)

    # Next block: from the log against the plan on the Plan tab.
    step_tab(page, "2 · Log")
    page.locator(".planner-log .widget-radio-box label", has_text="the plan on the Plan tab"
                 ).click()
    step_tab(page, "4 · Next block")
    page.locator(".planner-next .planner-msg-ok").wait_for(timeout=60_000)
    nxt = download(page, lambda: page.locator(".planner-download",
                                              has_text="Next block (CSV)").click())
    assert read_plan(nxt).table["week"].min() == 9

    # A second upload that stops at the unit question: Analysis and Next block no longer
    # show the first file's figures or offer its files.
    step_tab(page, "2 · Log")
    with page.expect_file_chooser(timeout=30_000) as chooser:
        page.locator(".planner-upload").click()
    chooser.value.set_files(str(STRONG))
    page.get_by_text("does not say whether its weights are in kg or lb").wait_for(
        timeout=60_000)
    step_tab(page, "3 · Analysis")
    page.locator(".planner-analysis", has_text="Reading strong_s1_kg.csv").wait_for(
        timeout=30_000)
    assert page.locator(".planner-analysis .js-plotly-plot").count() == 0
    assert page.locator(".planner-analysis .planner-download").is_disabled()
    step_tab(page, "4 · Next block")
    assert all(b.is_disabled() for b in page.locator(".planner-next .planner-download").all())
    step_tab(page, "2 · Log")
    page.locator(".planner-log .widget-toggle-buttons button", has_text="kg").click()
    page.get_by_text("507 sets imported").wait_for(timeout=60_000)

    # 800 px wide: one column, nothing cut, nothing off screen.
    step_tab(page, "1 · Plan")
    page.set_viewport_size({"width": 800, "height": 900})
    page.wait_for_timeout(1500)
    left = page.locator(".planner-left").bounding_box()
    right = page.locator(".planner-right").bounding_box()
    assert right["y"] >= left["y"] + left["height"] - 1, (left, right)
    assert not truncated(page) and not settled_layout(page), (truncated(page),
                                                               layout_problems(page))
    page.evaluate("document.querySelector('.planner-head').scrollIntoView()")
    page.screenshot(path=str(SHOTS / "dashboard-800.png"))

    # Every control is reachable with the Tab key.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.evaluate("document.activeElement && document.activeElement.blur()")
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("""() => { const e = document.activeElement;
            return (e.className || '') + '|' + (e.getAttribute('aria-label') || e.textContent
                    || e.value || '').trim().slice(0, 30); }"""))
    text = "\n".join(seen)
    # (a tab list is one stop, its chosen tab; the arrow keys move within it)
    assert "2 · Log" not in text
    for needle in ("noUi-handle", "Tue", "Calendar (.ics)", "1 · Plan"):
        assert needle in text, (needle, seen)
    assert sum("noUi-handle" in s for s in seen) >= 5  # weeks, reps, bridge, stretch, volume
    # ... and operable: a day toggled with the space bar, a step chosen with Enter.
    tue = page.locator(".planner-left button", has_text="Tue")
    tue.focus()
    page.keyboard.press("Space")
    page.get_by_text("training on Mon, Tue, Wed, Fri").wait_for(timeout=30_000)
    page.locator(".planner-steps > .planner-stepbar button", has_text="2 · Log").focus()
    page.keyboard.press("Enter")
    page.locator(".planner-log").wait_for(state="visible", timeout=30_000)

    assert not plan_axe, plan_axe
    assert not analysis_axe, analysis_axe
    assert not external, external
    assert not ours(problems), ours(problems)
    ctx.close()

FOCUSED = """() => { const e = document.activeElement;
    return {text: (e.textContent || '').trim(), cls: e.className || '',
            download: !!e.closest('.planner-download')}; }"""
GROUPS = """() => [...document.querySelectorAll('[role=tablist], [role=radiogroup]')]
    .filter(g => g.offsetParent !== null).map(g => ({role: g.getAttribute('role'),
        name: g.getAttribute('aria-label'),
        items: [...g.children].map(c => ({role: c.getAttribute('role'), text: c.textContent,
            on: c.getAttribute('aria-selected') || c.getAttribute('aria-checked'),
            tabindex: c.tabIndex, controls: c.getAttribute('aria-controls'),
            active: c.classList.contains('mod-active')}))}))"""


def test_steps_are_tabs_and_the_downloads_are_near(voila, browser):
    """Item 5 of the page's issue: the page switch, the steps and the chart tabs are tab
    lists whose selected state a screen reader hears and the arrow keys move; the training
    days say whether they are pressed; the first download is a few Tab presses from the
    top (the skip link); a chart's mode bar is two Tab stops, without "Share chart"."""
    ctx, page, external, problems = open_dashboard(browser, voila)
    wait_for(lambda: len(page.evaluate(GROUPS)) >= 3, what="the tab lists' roles")

    groups = {g["name"]: g for g in page.evaluate(GROUPS)}
    assert {"Page", "Steps", "Charts"} <= set(groups), groups
    for name in ("Page", "Steps", "Charts"):
        g = groups[name]
        assert g["role"] == "tablist"
        assert [i["role"] for i in g["items"]] == ["tab"] * len(g["items"])
        # aria-selected follows the chosen button, and only it is a Tab stop.
        assert [i["on"] for i in g["items"]] == [str(i["active"]).lower() for i in g["items"]]
        assert [i["tabindex"] for i in g["items"]] == [0 if i["active"] else -1
                                                       for i in g["items"]]
    assert all(i["controls"] for i in groups["Steps"]["items"]), groups["Steps"]
    days = page.evaluate("""() => [...document.querySelectorAll('.planner-plan button')]
        .filter(b => /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)$/.test(b.textContent))
        .map(b => [b.textContent, b.getAttribute('aria-pressed'),
                   b.classList.contains('mod-active')])""")
    assert len(days) == 7 and all(p == str(a).lower() for _, p, a in days), days
    # every control's one-line help is its description for a screen reader
    described = page.evaluate("""() => [...document.querySelectorAll(
        '.planner-plan input, .planner-plan select, .planner-plan .noUi-handle')]
        .filter(e => e.getAttribute('aria-describedby')).map(e => {
            const help = document.getElementById(e.getAttribute('aria-describedby'));
            return help ? help.textContent : null; })""")
    assert any(t and "smallest step your plates allow" in t for t in described), described
    assert len([t for t in described if t]) >= 12, described
    sat = page.locator(".planner-plan button", has_text="Sat")
    sat.click()
    wait_for(lambda: sat.get_attribute("aria-pressed") == "true", what="Sat pressed")

    # The first download: Tab presses from the top of the page, counted.
    page.mouse.click(2, 2)
    presses = 0
    while presses < 25:
        page.keyboard.press("Tab")
        presses += 1
        now = page.evaluate(FOCUSED)
        if now["download"]:
            break
        if "planner-skip" in now["cls"]:
            page.keyboard.press("Enter")
    assert now["download"] and now["text"] == "Plan (CSV)", (presses, now)
    assert presses <= 25

    # The arrow keys move the step, and the screen reader hears the new one.
    steps = page.locator(".planner-steps > .planner-stepbar button")
    steps.first.focus()
    page.keyboard.press("ArrowRight")
    wait_for(lambda: steps.nth(1).get_attribute("aria-selected") == "true",
             what="the Log step chosen by the arrow key")
    assert page.evaluate(FOCUSED)["text"] == "2 · Log"
    wait_for(lambda: page.locator(".planner-log").is_visible(), what="the Log step shown")
    page.keyboard.press("End")
    wait_for(lambda: steps.nth(3).get_attribute("aria-selected") == "true", what="End")
    page.keyboard.press("ArrowRight")  # round to the first
    wait_for(lambda: steps.nth(0).get_attribute("aria-selected") == "true", what="wrap")

    wait_for(lambda: page.locator(".planner-charts").is_visible(), what="the Plan step shown")
    titles = page.evaluate("""() => [...document.querySelectorAll(
        '.planner-charts .js-plotly-plot')].filter(gd => gd.offsetParent !== null)
        .map(gd => [...gd.querySelectorAll('.modebar-btn')]
        .map(b => b.getAttribute('data-title')).join(' | '))""")
    assert titles == ["Download plot as a PNG | Reset axes"], titles
    assert axe_violations(page) == []
    assert not external and not ours(problems), (external, problems)
    ctx.close()


def test_printable_sheet_pages(browser):
    """Chromium's print to PDF: one A4 page a week up to 4 training days at volume 1.5;
    the biggest week the settings allow (7 days, 5 sets, 3 deadlift days) prints with a
    heading at the top of every page."""
    from pypdf import PdfReader

    from planner.files.sheet import sheet_html

    page = browser.new_page()
    start = date(2026, 1, 5)
    fits = [PlanConfig(start_date=start, weeks=4),
            PlanConfig(start_date=start, weeks=4, training_days=("mon", "tue", "thu", "sat"),
                       volume=1.5),
            PlanConfig(start_date=start, weeks=4, training_days=("mon", "wed", "fri", "sat"),
                       volume=1.5, deadlift_sessions_per_week=3)]
    for cfg in fits:
        page.set_content(sheet_html(generate(cfg)))
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
        assert len(pdf.pages) == 4, cfg
    big = generate(PlanConfig(start_date=start, weeks=2, training_days=(
        "mon", "tue", "wed", "thu", "fri", "sat", "sun"), volume=3,
        deadlift_sessions_per_week=3))
    page.set_content(sheet_html(big))
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    texts = [p.extract_text() for p in pdf.pages]
    assert len(texts) >= 2
    weekdays = ("Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun ")  # "Sat 10 Jan 2026"
    for text in texts:
        first = text.strip().splitlines()[0]
        assert first.startswith("Lower-back programme: week") or first.startswith(weekdays), \
            first
        assert "reps" in text and "done" in text  # the column heads are on every page
    page.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    # Run a copy: JupyterLab autosaves, and the repository's notebooks stay clean.
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copy(ROOT / "jupyter_server_config.json", root)  # the websocket limit, as make run
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", "--allow-root", "--ServerApp.token=", "--ServerApp.password=",
         "--ServerApp.disable_check_xsrf=True", "--LabApp.expose_app_in_browser=True",
         f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=root,
        env=dict(server_env(), JUPYTER_CONFIG_PATH=str(root)))
    try:
        wait_http(f"http://127.0.0.1:{port}/lab", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


KERNEL_IDLE = """() => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session
              && w.sessionContext.session.kernel;
    return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""
CELLS = """() => {
    const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
    const out = [];
    for (let i = 0; i < cells.length; i++) {
        const c = cells.get(i);
        if (c.type !== 'code') continue;
        out.push({count: c.sharedModel.execution_count, outputs: c.outputs.toJSON()});
    }
    return out;
}"""


def open_notebook(page, url: str) -> None:
    page.goto(url, timeout=180_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=180_000)
    page.wait_for_function("window.jupyterapp !== undefined", timeout=120_000)
    page.wait_for_function(KERNEL_IDLE, timeout=180_000)


@pytest.mark.skipif(not STRONG.exists(), reason="the shared Strong export is not beside the repo")
def test_jupyterlab_notebook_01_whole_loop_and_reload(lab, browser, tmp_path):
    external: list[str] = []
    ctx = offline_context(browser, 1366, 768, external)
    page = ctx.new_page()
    url = f"{lab}/lab/tree/notebooks/01_plan_your_programme.ipynb"
    open_notebook(page, url + "?reset")
    page.evaluate("window.jupyterapp.commands.execute('runmenu:run-all')")

    def finished() -> bool:
        cells = page.evaluate(CELLS)
        return bool(cells) and all(c["count"] for c in cells)

    wait_for(finished, timeout=240, what="every cell of notebook 01 to run")
    cells = page.evaluate(CELLS)
    bad = [o for c in cells for o in c["outputs"]
           if o["output_type"] == "error" or (o["output_type"] == "stream"
                                              and o["name"] == "stderr")]
    assert not bad, bad
    page.locator(".planner-charts .js-plotly-plot .main-svg").first.wait_for(timeout=120_000)
    page.locator(".planner-app").scroll_into_view_if_needed()
    move_weeks(page, -4)
    wait_for(lambda: bars(page) == 8, what="8 weekly bars after the slider moved")

    # The reload that used to bring back the 12 weeks the figure was built with.
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_timeout(1500)
    open_notebook(page, url)
    page.locator(".planner-charts .js-plotly-plot .main-svg").first.wait_for(timeout=180_000)
    page.locator(".planner-app").scroll_into_view_if_needed()
    wait_for(lambda: bars(page) == 8, what="the reloaded chart to show the slider's 8 weeks")
    move_weeks(page, -2)
    wait_for(lambda: bars(page) == 6, what="6 weekly bars after the reload and a change")
    check_plan_tabs(page, generate(PlanConfig(weeks=6, start_date=next_monday(date.today()))))

    # The loop in JupyterLab: the Strong export in, the analysis, a download.
    step_tab(page, "2 · Log")
    upload_big_file(page, tmp_path)
    upload_strong(page)
    step_tab(page, "3 · Analysis")
    wait_for(lambda: page.locator(".planner-analysis .js-plotly-plot .main-svg").count() >= 4,
             what="the analysis charts")
    report = download(page, lambda: page.locator(".planner-download",
                                                 has_text="Report (HTML)").click())
    assert "<html" in report.read_text()[:300]

    # The plan fits the notebook's width, and the steps still answer after the resizes
    # (ipywidgets' Tab, which the steps were before, could go deaf after a relayout).
    step_tab(page, "1 · Plan")
    for width in (1366, 800, 1366):
        page.set_viewport_size({"width": width, "height": 768})
        page.wait_for_timeout(1500)
        assert not truncated(page) and not settled_layout(page), (width, truncated(page),
                                                                   layout_problems(page))
    step_tab(page, "2 · Log")
    page.locator(".planner-log").wait_for(state="visible", timeout=30_000)
    assert not external, external
    ctx.close()


def test_make_run_shows_the_plan_with_no_click(browser):
    """`make run` (the README's main command) opens JupyterLab on an executed working copy
    of notebook 01: the default programme's overview and chart are there when the page
    opens, nothing clicked, and no news prompt covers it. The committed notebook stays
    clean; a second run opens the copy as it was (never overwritten)."""
    import signal
    import uuid

    rel = f"build/test-run-{uuid.uuid4().hex[:8]}/01_plan_your_programme.ipynb"
    before = (ROOT / "notebooks" / "01_plan_your_programme.ipynb").read_bytes()
    port = free_port()
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"RUN_COPY={rel}",
         f"LAB_ARGS=--no-browser --port={port} --ServerApp.port_retries=0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True, env=server_env())
    try:
        url, lines = None, []
        end = time.time() + 240
        while url is None and time.time() < end:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            lines.append(line)
            m = re.search(r"(http://127\.0\.0\.1:\d+/lab/tree/\S+\?token=\w+)", line)
            url = m and m.group(1)
        assert url and rel in url, "".join(lines[-20:])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(url + "&reset", timeout=120_000)  # no old workspace's tabs
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        wait_for(lambda: panel.locator(".jp-OutputArea-output").count() >= 3, timeout=120,
                 what="the executed notebook's outputs")
        text = panel.inner_text()
        assert "prescribed sets, starting" in text and "deload" in text
        wait_for(lambda: panel.locator(".js-plotly-plot").count() >= 1,
                 timeout=90, what="the plan's chart, drawn from the saved output")
        assert "Jupyter news" not in page.locator("body").inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "make-run-1366.png"))
        page.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree((ROOT / rel).parent, ignore_errors=True)
    assert (ROOT / "notebooks" / "01_plan_your_programme.ipynb").read_bytes() == before
