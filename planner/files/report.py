"""The report of a log analysis: every table as CSV and one HTML page with the charts.

``report_html(analysis, unit=...)`` is one self-contained page whose charts are the app's
own (:func:`planner.charts.analysis.analysis_figures`), in the user's unit;
``write_report(analysis, folder)`` writes it with every table as CSV, all or nothing.

The page carries plotly.js once, so it opens offline, and packed, so it stays under
:data:`MAX_REPORT_BYTES`: the full plotly.min.js of the installed plotly (the very version
whose figure JSON the page holds: nothing vendored, every trace type drawn) is compressed
with Python's ``lzma`` (4.8 MB -> 1.1 MB, 1.5 MB as base64) and unpacked in the browser by
``unpack.js`` (a port of the LZMA SDK's public-domain reference decoder) before the
charts are drawn. The browser's own ``DecompressionStream`` knows only gzip, which leaves
plotly.js at 1.96 MB in base64: a long log's charts would then pass 2 MB. The figures' data
stay as plain JSON in the page.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import lzma
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pandas as pd
import plotly.offline

from planner.analysis import Analysis, headline_facts
from planner.charts.analysis import CAPTIONS, TITLES, analysis_figures
from planner.files.cells import neutralise_frame
from planner.files.safewrite import write_folder
from planner.words import number_text


def _number(x: float) -> str:
    """A table's number for people: no decimals from 100 up, else at most 2; NaN blank."""
    return "" if x != x else number_text(x, 0 if abs(x) >= 100 else 2)


def _table_html(df: pd.DataFrame, max_rows: int = 60) -> str:
    """A table in a box that scrolls sideways when it is wider than the page."""
    table = df.head(max_rows).to_html(index=False, border=0, classes="t", na_rep="",
                                      float_format=_number)
    return f"<div class='wide'>{table}</div>"


#: What a report may weigh (bytes) and still go by e-mail or a messenger; a test holds the
#: largest real export's report to it.
MAX_REPORT_BYTES = 2_000_000

#: Shown where the charts go when the browser does not draw them; the facts and tables remain.
NO_SCRIPT = "The charts need JavaScript, which is off here; the facts and tables read without it."
NO_PLOTLY = ("The charts could not be drawn: this browser cannot run plotly.js (an up-to-date "
             "one can). The facts and tables read without it.")


@functools.cache
def plotlyjs_packed() -> str:
    """The HTML that brings plotly.js into the page, packed: plotly's licence notice, then
    the LZMA-compressed, base64 plotly.min.js of the installed plotly, unpacked and run by
    ``unpack.js`` at once (so each chart's own script below finds ``Plotly``), and a notice
    for a browser that cannot run it.

    Compressing takes about a second, once a process; the result is kept.
    """
    js = plotly.offline.get_plotlyjs().encode("utf-8")
    notice = re.match(r"/\*.*?\*/", js.decode("utf-8"), re.S)
    notice = (notice.group(0) if notice else
              f"/* plotly.js v{plotly.offline.get_plotlyjs_version()}, Plotly, Inc., MIT */")
    packed = base64.b64encode(lzma.compress(js, format=lzma.FORMAT_ALONE)).decode("ascii")
    unpack = resources.files(__package__).joinpath("unpack.js").read_text("utf-8")
    return (f"<noscript><p class='nojs'>{html.escape(NO_SCRIPT)}</p></noscript>"
            f"<p class='nojs' id='plotly-failed' hidden>{html.escape(NO_PLOTLY)}</p>"
            "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
            f"<script>{notice}\n{unpack}\n"
            f"try {{ runPacked('{packed}', {len(js)}); }} finally {{\n"
            "  if (!window.Plotly) document.getElementById('plotly-failed').hidden = false;\n"
            "}\n</script>\n")


def report_html(a: Analysis, title: str = "Training log report", unit: str = "kg") -> str:
    """The report as one HTML page: the facts, the app's charts with their captions, and
    the pain and compliance tables (plotly.js packed in once, see :func:`plotlyjs_packed`).
    Loads in ``unit``."""
    parts = [f"<h1>{html.escape(title)}</h1>", "<table class='t'>"]
    parts += [f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
              for k, v in headline_facts(a, unit)]
    parts.append("</table>")
    first = True
    for name, fig in analysis_figures(a, unit, headed=True).items():
        parts.append(f"<h2>{html.escape(TITLES[name])}</h2>"
                     f"<p class='caption'>{html.escape(CAPTIONS[name])}</p>")
        if first:
            parts.append(plotlyjs_packed())
            first = False
        parts.append(fig.to_html(full_html=False, include_plotlyjs=False))
    if len(a.pain_weeks):
        parts.append("<h2>Pain-monitoring status per week</h2>")
        parts.append(_table_html(a.pain_weeks[["week_start", "status", "reasons"]]))
    if a.weeks is not None:
        parts.append("<h2>Compliance per week</h2>" + _table_html(a.weeks))
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;"
             "color:#222}table.t{border-collapse:collapse;margin:1em 0}"
             ".t th,.t td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}"
             ".caption{color:#555;margin:0}.wide{max-width:100%;overflow-x:auto}"
             ".nojs{background:#fff3cd;padding:.5em 1em}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{style}</style></head><body>{''.join(parts)}</body></html>")


# Files an analysis writes; a folder holding only these (and the marker) may be replaced.
REPORT_TABLES = ("sets", "sessions", "weeks", "deadlift", "holds", "bridge", "daily_load",
                 "weekly_load", "acwr", "fitness", "pain_daily", "pain_weeks")
IMPORT_REPORT = "import_report.csv"
MARKER = ".planner-analysis"


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def report_files(a: Analysis, import_report: pd.DataFrame | None = None,
                 unit: str = "kg") -> dict[str, bytes]:
    """Every file of the report by name: the tables as CSV (text cells that a spreadsheet
    would run as formulas neutralised), ``report.html`` and the log's import report."""
    files = {f"{name}.csv": _csv_bytes(table) for name, table in a.tables().items()}
    if import_report is not None and len(import_report):
        files[IMPORT_REPORT] = _csv_bytes(import_report)
    files["report.html"] = report_html(a, unit=unit).encode("utf-8")
    files[MARKER] = ("files written by planner analyse:\n" + "\n".join(files) + "\n").encode()
    return files


def _ours(folder: Path) -> Callable[[str], bool]:
    listed: set[str] = set()
    with contextlib.suppress(OSError, UnicodeDecodeError):
        listed = set((folder / MARKER).read_text(encoding="utf-8").splitlines()[1:])
    known = {f"{n}.csv" for n in REPORT_TABLES} | {IMPORT_REPORT, "report.html", MARKER}
    return lambda name: name in known or name in listed


def write_report(a: Analysis, folder: str | Path, *, overwrite: bool = False,
                 import_report: pd.DataFrame | None = None, unit: str = "kg") -> list[Path]:
    """Write every table as CSV, ``report.html`` (loads in ``unit``) and ``import_report``
    into ``folder``.

    All files are written or none (:func:`planner.files.safewrite.write_folder`): a
    folder that already holds files is refused unless ``overwrite``, and then
    replaced as a whole only if it holds nothing but an earlier analysis.
    Returns the paths written (without the hidden marker file).
    """
    folder = Path(folder)
    paths = write_folder(folder, report_files(a, import_report, unit), overwrite=overwrite,
                         replaceable=_ours(folder))
    return [p for p in paths if p.name != MARKER]
