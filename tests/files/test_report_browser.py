"""The HTML report in a real browser, offline: opened from disk with every request that is
not a file blocked, it unpacks its plotly.js and draws each chart of the analysis.

Debian's chromium (/usr/bin/chromium) is driven with Python playwright, as in
tests/app/test_browser.py. The screenshot goes to build/screenshots/, or to the folder
PLANNER_SCREENSHOTS names.
"""

from __future__ import annotations

import base64
import lzma
import random
from pathlib import Path

import pytest

from planner import analyse, read_log, read_plan
from planner.charts.analysis import analysis_figures
from planner.files.report import NO_PLOTLY, NO_SCRIPT, write_report
from tests.app import test_browser
from tests.paths import EXPORTS, ROOT

pytestmark = pytest.mark.browser
UNPACK = ROOT / "planner" / "files" / "unpack.js"
SHOTS = test_browser.SHOTS
browser = test_browser.browser  # the browser tests' Chromium (a fixture)

# Each chart as drawn: its SVG layers, its traces and the points of each trace.
DRAWN = """() => [...document.querySelectorAll('.plotly-graph-div')].map(gd => ({
    svg: gd.querySelectorAll('.main-svg').length,
    traces: gd.querySelectorAll('g.trace').length,
    points: (gd.data || []).map(t => Array.from(t.y || []).length)}))"""
ALL_DRAWN = """() => [...document.querySelectorAll('.plotly-graph-div')].every(
    gd => gd.querySelector('.main-svg') && gd.querySelector('g.trace'))"""


def open_offline(browser, path: Path, *, javascript: bool = True):
    """The page at ``path`` in an offline context that blocks (and records) every request
    that is not for a file; returns the page, its console errors and the blocked requests."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, offline=True,
                              java_script_enabled=javascript)
    external: list[str] = []

    def guard(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(path.as_uri())
    return page, problems, external


def largest_export():
    path = max(EXPORTS.glob("*.csv"), key=lambda p: p.stat().st_size)
    return analyse(read_log(path, unit="kg"))


def sample_with_plan():
    return analyse(read_log(ROOT / "data" / "sample_log.csv"),
                   read_plan(ROOT / "data" / "sample_plan.csv"))


@pytest.mark.parametrize("name, make", [
    pytest.param("largest-export", largest_export, id="largest-export",
                 marks=pytest.mark.skipif(not EXPORTS.is_dir(),
                                          reason="the shared real exports are absent")),
    pytest.param("sample", sample_with_plan, id="sample-with-plan")])
def test_the_written_report_draws_every_chart_offline(browser, tmp_path, name, make):
    """The largest real export's report (the heaviest page) and the sample's (every kind of
    chart, compliance and pain too): each chart drawn with all its traces and points, no
    request leaving the file, no error in the console."""
    a = make()
    write_report(a, tmp_path / "report")
    figs = list(analysis_figures(a, "kg", headed=True).values())
    page, problems, external = open_offline(browser, tmp_path / "report" / "report.html")
    page.wait_for_function(ALL_DRAWN, timeout=60_000)
    drawn = page.evaluate(DRAWN)
    assert len(drawn) == len(figs)
    for chart, fig in zip(drawn, figs, strict=True):
        assert chart["svg"] > 0
        assert chart["traces"] == len(fig.data)
        assert chart["points"] == [len(t.y) for t in fig.data]
    assert not page.locator("#plotly-failed").is_visible()
    assert external == [] and problems == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"report-{name}-1366.png"), full_page=True)
    page.context.close()


def test_a_browser_that_cannot_unpack_says_so(browser, tmp_path):
    """A packed plotly.js that does not unpack leaves a notice where the charts go; the
    facts and tables are still there."""
    a = sample_with_plan()
    write_report(a, tmp_path / "report")
    path = tmp_path / "report" / "report.html"
    page = path.read_text(encoding="utf-8")
    start = page.index("runPacked('") + len("runPacked('")
    path.write_text(page[:start] + page[start + 4000:], encoding="utf-8")  # cut short
    page, problems, _ = open_offline(browser, path)
    page.wait_for_load_state("load")
    assert page.get_by_text(NO_PLOTLY).is_visible()
    assert problems  # the reason, for whoever opens the console
    assert page.locator("table.t").first.is_visible()
    page.context.close()


def test_without_javascript_the_report_says_why_there_are_no_charts(browser, tmp_path):
    write_report(sample_with_plan(), tmp_path / "report")
    page, _, _ = open_offline(browser, tmp_path / "report" / "report.html", javascript=False)
    shown = page.inner_text("body")  # what is rendered (playwright's text search skips noscript)
    assert NO_SCRIPT in shown and NO_PLOTLY not in shown
    assert page.locator("table.t").first.is_visible()
    page.context.close()


def _payloads() -> list[tuple[str, bytes, dict]]:
    """Streams the decoder must read beyond the one plotly.js it meets in the tests: every
    literal-context and position setting, long and short matches, incompressible data."""
    rnd = random.Random(7)
    words = [b"scatter", b"bar", b"trace", b"layout", b"\x00" * 9, b"\xff\xfe", b"{", b"}"]
    mixed = b"".join(rnd.choice(words) + rnd.randbytes(rnd.randint(0, 5)) for _ in range(6000))
    data = {"empty": b"", "one byte": b"x", "random": rnd.randbytes(20_000),
            "repeats": b"abc" * 20_000, "mixed": mixed}
    settings = {"default": {}, "lc0 lp4 pb4": {"lc": 0, "lp": 4, "pb": 4},
                "lc4 pb0": {"lc": 4, "lp": 0, "pb": 0}, "lc1 lp3 pb1": {"lc": 1, "lp": 3, "pb": 1},
                "small dictionary": {"dict_size": 4096},
                "extreme": {"preset": 9 | lzma.PRESET_EXTREME}}
    return [(f"{d}, {s}", raw, opts) for d, raw in data.items() for s, opts in settings.items()]


def test_the_decoder_reads_what_python_lzma_writes(browser):
    page = browser.new_page()
    page.add_script_tag(content=UNPACK.read_text(encoding="utf-8"))
    decode = """([text, size]) => Array.from(lzmaDecode(
        Uint8Array.from(atob(text), c => c.charCodeAt(0)), size))"""
    for name, raw, opts in _payloads():
        filters = [{"id": lzma.FILTER_LZMA1, "preset": 6, **opts}]
        packed = base64.b64encode(lzma.compress(raw, format=lzma.FORMAT_ALONE, filters=filters))
        assert bytes(page.evaluate(decode, [packed.decode(), len(raw)])) == raw, name
    cut = base64.b64encode(lzma.compress(b"abc" * 20_000 + bytes(range(256)) * 50,
                                         format=lzma.FORMAT_ALONE)[:40]).decode()
    with pytest.raises(Exception, match="LZMA"):
        page.evaluate(decode, [cut, 72_800])
    page.close()
