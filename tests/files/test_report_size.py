"""The HTML report stays small enough to send and still carries all it needs to open offline.

The largest shared real export (FitNotes, 11,500 sets over three years) gives the largest
report: plotly.js packed (1.49 MB) and the charts' data (about 0.15 MB).
"""

import base64
import json
import lzma
import re

import plotly.offline
import pytest

from planner import analyse, read_log
from planner.charts.analysis import analysis_figures
from planner.files.report import MAX_REPORT_BYTES, report_html
from tests.paths import EXPORTS

pytestmark = pytest.mark.skipif(not EXPORTS.is_dir(), reason="the shared real exports are absent")
NEW_PLOT = re.compile(r'Plotly\.newPlot\(\s*"[^"]+",\s*')
PACKED = re.compile(r"runPacked\('([A-Za-z0-9+/=]*)', (\d+)\)")


@pytest.fixture(scope="module")
def largest():
    path = max(EXPORTS.glob("*.csv"), key=lambda p: p.stat().st_size)
    return analyse(read_log(path, unit="kg"))


@pytest.fixture(scope="module")
def page(largest) -> str:
    return report_html(largest)


def plotted(page: str) -> list[list[dict]]:
    """The traces of each chart, as the page hands them to Plotly.newPlot."""
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(page, m.end())[0] for m in NEW_PLOT.finditer(page)]


def test_the_largest_real_report_weighs_at_most_2_mb(page):
    assert len(page.encode("utf-8")) <= MAX_REPORT_BYTES


def test_the_report_asks_the_network_for_nothing(page):
    """No script, style, image or frame from elsewhere: plotly.js travels in the page."""
    assert not re.search(r"<script[^>]*\ssrc\s*=", page, re.I)
    assert not re.search(r"<(?:link|img|iframe|source|embed|object)\b[^>]*"
                         r"\s(?:src|href|data)\s*=\s*['\"]?(?:https?:)?//", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//|@import", page, re.I)


def test_the_report_holds_each_charts_data(largest, page):
    figs = analysis_figures(largest, "kg", headed=True)
    assert len(figs) >= 4
    assert plotted(page) == [json.loads(fig.to_json())["data"] for fig in figs.values()]


def test_the_page_carries_the_installed_plotly_js_once(page):
    """Packed, it is byte for byte the plotly.js of the installed plotly (the version its
    figure JSON is written for), under plotly's licence notice, which stays readable."""
    packed = PACKED.findall(page)
    assert len(packed) == 1
    text, size = packed[0]
    js = plotly.offline.get_plotlyjs().encode("utf-8")
    assert lzma.decompress(base64.b64decode(text)) == js and int(size) == len(js)
    version = plotly.offline.get_plotlyjs_version()
    assert page.count(f"plotly.js v{version}") == 1 and "Licensed under the MIT license" in page
    assert "<noscript>" in page
