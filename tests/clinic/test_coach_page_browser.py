"""The coach page in a real browser: a 50-athlete roster built from the shared exports,
served by Voilà as ``make dashboard`` serves it (see tests/app/test_browser.py for the servers,
the offline guard and the layout checks, reused here)."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

import planner
from tests.app.test_browser import (  # noqa: F401  (browser and voila are fixtures)
    ROOT,
    SHOTS,
    axe_violations,
    browser,
    chart_data,
    download,
    layout_problems,
    offline_context,
    ours,
    settled_layout,
    truncated,
    voila,
    wait_for,
    watch_console,
)

pytestmark = pytest.mark.browser
EXPORTS = ROOT.parent / "shared" / "fixtures" / "exports"
FILES = sorted(EXPORTS.glob("*.csv")) if EXPORTS.exists() else []
N = 50


@pytest.fixture(scope="module")
def roster(tmp_path_factory) -> tuple[Path, set[str]]:
    """50 athletes, each sent one of the shared exports (cut at a different line, so their
    last sessions differ); 30 follow a 12-week plan that started two weeks ago (not due),
    20 have no plan (due). Returns the roster folder and the athletes due."""
    root = tmp_path_factory.mktemp("roster50") / "clinic"
    start = date.today() - timedelta(days=14)
    plan = planner.generate(planner.PlanConfig(weeks=12, start_date=start))
    due = set()
    for i in range(N):
        a = f"athlete-{i + 1:02d}"
        folder = root / a
        folder.mkdir(parents=True)
        src = FILES[i % len(FILES)]
        lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
        keep = max(3, len(lines) - (i // len(FILES)) * max(1, len(lines) // 12))
        (folder / src.name).write_text("".join(lines[:keep]), encoding="utf-8")
        if i % 5 in (0, 2, 4) and i < 50:  # 30 athletes with a plan
            plan.to_csv(folder / "plan.csv")
        else:
            due.add(a)
    return root, due


def _order(page) -> list[str]:
    return page.eval_on_selector_all(".planner-roster tbody tr",
                                     "rows => rows.map(r => r.dataset.athlete)")


def _column(page, name: str) -> list[str]:
    return page.eval_on_selector_all(f".planner-roster tbody td[data-column='{name}']",
                                     "cells => cells.map(c => c.textContent)")


def _sort(page, heading: str, direction: str) -> None:
    page.locator(".planner-roster thead button", has_text=heading).click()
    th = page.locator(".planner-roster thead th", has_text=heading)
    wait_for(lambda: th.get_attribute("aria-sort") == direction,
             what=f"the table sorted by {heading} ({direction})")


def _opened(page, name: str) -> None:
    """Wait until the Athlete tab shows ``name``'s analysis with its charts drawn."""
    athlete = page.locator(".planner-coach-athlete")
    wait_for(lambda: athlete.locator("h2").count() >= 2
             and athlete.locator("h2").nth(1).inner_text() == f"What {name} did, and how it went"
             and athlete.locator(".js-plotly-plot .main-svg").count() >= 2, timeout=180,
             what=f"{name}'s analysis and charts")


def _roster_fits(page) -> bool:
    """The roster table fits its box: no column cut off or scrolled out of view."""
    return page.evaluate("""() => [...document.querySelectorAll('.planner-roster')]
        .filter(e => e.offsetParent !== null)
        .every(e => e.scrollWidth <= e.clientWidth + 1)""")


def _axe(page) -> list[dict]:
    """axe-core's serious and critical violations on the coach page (the planner page beside
    it is hidden; tests/app/test_browser.py checks that one)."""
    axe_violations(page)  # fetches axe-core when missing and puts it in the page
    found = page.evaluate("""async () => {
        const r = await axe.run(document.querySelector('.planner-coach'),
                                {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def _days(text: str) -> float:
    if text.startswith("⚑ no log at all"):
        return float("inf")
    m = re.search(r"([\d,]+) days?", text)
    return float(m.group(1).replace(",", "")) if m else 0.0


@pytest.mark.skipif(len(FILES) < 5, reason="the shared exports are not beside the repo")
def test_coach_page_with_50_athletes(voila, browser, roster):  # noqa: F811
    folder, due = roster
    external: list[str] = []
    ctx = offline_context(browser, 1366, 800, external)
    page = ctx.new_page()
    problems = watch_console(page)
    page.goto(voila, timeout=180_000)
    page.locator(".planner-page-choice button", has_text="Coach").click(timeout=180_000)
    coach = page.locator(".planner-coach")
    coach.wait_for(timeout=120_000)
    coach.locator(".widget-text", has_text="Roster or store").locator("input").fill(
        str(folder))
    coach.locator(".widget-toggle-buttons button", has_text="kg").click()
    coach.get_by_role("button", name="Open").click()
    wait_for(lambda: page.locator(".planner-roster tbody tr").count() == N, timeout=300,
             what="50 rows in the roster table")
    assert "50 athletes" in coach.locator(".planner-coach-roster").inner_text()
    page.evaluate("document.querySelector('.planner-coach .planner-head').scrollIntoView()")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "coach-1366.png"))
    assert not truncated(page) and not settled_layout(page), (truncated(page),
                                                               layout_problems(page))
    assert _roster_fits(page)
    roster_axe = _axe(page)

    # Sorting: by name, then the other way round, then by days without a log.
    first = _order(page)
    _sort(page, "Athlete", "ascending")
    assert _order(page) == sorted(first)
    _sort(page, "Athlete", "descending")
    assert _order(page) == sorted(first, reverse=True)
    _sort(page, "No log for 10 days", "descending")
    days = [_days(t) for t in _column(page, "no_recent_log")]
    assert days == sorted(days, reverse=True) and _order(page) != sorted(first, reverse=True)
    # Every flag says why in words; missing pain data is said as such.
    pain = _column(page, "no_pain_data")
    shared = "None of these athletes has a pain score" in page.locator(
        ".planner-coach").inner_text()
    assert all(t.startswith("no pain data" if shared else "⚑ no pain data")
               or t == "pain scored this week" for t in pain)
    assert not any(re.search(r"\b0 problems\b", t) for t in pain)

    # A click on a name: that athlete's analysis, with its plotly charts drawn.
    name = _order(page)[0]
    page.locator(".planner-roster tbody button.planner-athlete", has_text=name).click()
    athlete = page.locator(".planner-coach-athlete")
    athlete.wait_for(state="visible", timeout=60_000)
    _opened(page, name)
    drawn = chart_data(page, ".planner-coach-athlete")
    assert drawn and all(any(t["x"] for t in chart) for chart in drawn)
    # A chart drawn before its tab is laid out is fitted to its box just after.
    assert not settled_layout(page), layout_problems(page)
    athlete.locator("h2").nth(1).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(SHOTS / "coach-athlete-1366.png"))
    athlete_axe = _axe(page)

    # The zip: every athlete due, with plan CSV, calendar, sheet and the apps' files; no one
    # else.
    athlete.get_by_role("button", name="Back to the roster").click()
    button = page.locator(".planner-coach-roster .planner-download")
    assert f"{len(due)} athletes due" in button.inner_text()
    with page.expect_download(timeout=600_000) as info:
        button.click()
    path = Path(str(info.value.path()))
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
        names = z.namelist()
    folders = {n.split("/")[0] for n in names if "/" in n}
    assert folders == due
    for a in due:
        top = sorted(n.split("/", 1)[1] for n in names
                     if n.startswith(a + "/") and n.count("/") == 1)
        # the planner's three files and the apps' (the watch's in a folder of its own)
        assert sorted(t.rsplit(".", 1)[1] for t in top) == ["csv", "html", "ics", "json",
                                                            "txt"], (a, top)
        watch = [n for n in names if n.startswith(a + "/") and n.count("/") == 2]
        assert any(n.endswith("/README.txt") for n in watch)
        assert any(n.endswith(".fit") for n in watch)

    # 800 px wide: nothing cut, nothing off screen.
    page.set_viewport_size({"width": 800, "height": 900})
    page.wait_for_timeout(1500)
    assert not truncated(page) and not settled_layout(page), (truncated(page),
                                                               layout_problems(page))
    page.evaluate("document.querySelector('.planner-coach .planner-head').scrollIntoView()")
    page.screenshot(path=str(SHOTS / "coach-800.png"))
    assert _roster_fits(page)
    second = _order(page)[1]
    page.locator(".planner-roster tbody button.planner-athlete", has_text=second).click()
    _opened(page, second)
    page.wait_for_timeout(1000)
    assert not truncated(page) and not settled_layout(page), (truncated(page),
                                                               layout_problems(page))
    athlete.locator("h2").nth(1).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(SHOTS / "coach-athlete-800.png"))

    assert not roster_axe, roster_axe
    assert not athlete_axe, athlete_axe
    assert not external, external
    # anywidget gives each model 2 s to set itself up and logs this when the page's main
    # thread is busy longer (50 rows and five charts being drawn on a loaded machine). It
    # came once in about five runs; everything above (rows, sorting, charts with data, the
    # zip) is checked on the page itself, so it is told apart from the planner's own errors
    # here, and listed as a known intermittent in the project's notes.
    slow_setup = [p for p in problems if p == "[anywidget] Failed to initialize model."]
    assert len(slow_setup) <= 1, slow_setup
    assert not ours([p for p in problems if p not in slow_setup]), ours(problems)
    ctx.close()
    shutil.rmtree(folder, ignore_errors=True)
