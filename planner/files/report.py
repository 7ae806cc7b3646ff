"""Charts and an HTML report of a log analysis (plotly; not part of the core).

``analysis_figures(analysis)`` turns an :class:`planner.analysis.Analysis` into
plotly figures; ``write_report(analysis, folder)`` writes every table as CSV
and one self-contained HTML page with the charts (plotly.js embedded once, so
the page works offline), all or nothing.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from planner.analysis import Analysis
from planner.files.cells import neutralise_frame
from planner.files.safewrite import write_folder

BAND_COLOURS = {"done": "#2e7d32", "over": "#1565c0", "partial": "#f9a825",
                "missed": "#c62828", "unplanned": "#8e8e8e"}


def _layout(fig: go.Figure, title: str, y: str) -> go.Figure:
    fig.update_layout(title=title, yaxis_title=y, template="plotly_white", height=360,
                      margin=dict(l=60, r=20, t=60, b=40), legend=dict(orientation="h", y=-0.2))
    return fig


def compliance_figure(a: Analysis) -> go.Figure | None:
    if a.sets is None or a.sets.empty:
        return None
    planned = a.sets[a.sets["band"] != "unplanned"]
    counts = pd.crosstab(planned["week"], planned["band"])
    fig = go.Figure([go.Bar(x=counts.index, y=counts[b], name=b, marker_color=BAND_COLOURS[b])
                     for b in ("done", "over", "partial", "missed") if b in counts])
    fig.update_layout(barmode="stack", xaxis_title="programme week")
    return _layout(fig, "Planned sets: done, over, partial, missed", "sets")


def progression_figure(a: Analysis) -> go.Figure | None:
    d = a.deadlift
    if d.empty:
        return None
    fig = go.Figure()
    fig.add_scatter(x=d["date"], y=d["top_load_kg"], name="top load (kg)", mode="lines+markers")
    fig.add_scatter(x=d["date"], y=d["best_e1rm_kg"], name="best e1RM (kg, Epley)",
                    mode="lines+markers",
                    marker=dict(symbol=["circle" if r else "circle-open"
                                        for r in d["e1rm_reliable"]]))
    prs = d[d["e1rm_pr"]]
    fig.add_scatter(x=prs["date"], y=prs["best_e1rm_kg"], mode="markers", name="e1RM PR",
                    marker=dict(symbol="star", size=12, color="#f9a825"))
    return _layout(fig, "Deadlift: load and estimated 1RM (open circles: from more than "
                        "12 reps, less reliable)", "kg")


def load_figure(a: Analysis) -> go.Figure | None:
    if a.acwr is None or a.acwr.empty:
        return None
    from planner.metrics import ACWR_ZONES

    fig = go.Figure()
    lo, hi = ACWR_ZONES["sweet spot"]
    danger = ACWR_ZONES["danger"][0]
    fig.add_hrect(y0=lo, y1=hi, fillcolor="#2e7d32", opacity=0.12, line_width=0,
                  annotation_text=f"{lo:g}-{hi:g}", annotation_position="top left")
    fig.add_hrect(y0=danger, y1=2 * danger, fillcolor="#c62828", opacity=0.10, line_width=0,
                  annotation_text=f">= {danger:g}", annotation_position="top left")
    for col, name in (("rolling_coupled", "rolling, coupled"),
                      ("rolling_uncoupled", "rolling, uncoupled"), ("ewma", "EWMA")):
        fig.add_scatter(x=a.acwr["date"], y=a.acwr[col], name=name, mode="lines")
    from planner.analysis import LOAD_BASES

    basis = LOAD_BASES.get(a.load_basis, a.load_basis)
    return _layout(fig, f"Acute:chronic workload ratio of the {basis} (context only: its value "
                        "for predicting injury is disputed)", "ratio")


def pain_figure(a: Analysis) -> go.Figure | None:
    p = a.pain_daily
    if p.empty:
        return None
    fig = go.Figure()
    for col, name in (("pain_during", "during"), ("pain_after", "after"),
                      ("pain_next_morning", "next morning")):
        fig.add_scatter(x=p["date"], y=p[col], name=name, mode="lines+markers")
    from planner.analysis import STOP_PAIN, PainRules

    limit = PainRules().during_max
    fig.add_hline(y=limit, line_dash="dash", line_color="#c62828",
                  annotation_text=f"limit during/after: {limit:g}")
    fig.add_hline(y=STOP_PAIN, line_dash="dot", line_color="#7f0000",
                  annotation_text=f"stop rule: {STOP_PAIN:g} or more")
    fig.update_yaxes(range=[0, 10])
    return _layout(fig, "Pain (0-10)", "pain")


def analysis_figures(a: Analysis) -> dict[str, go.Figure]:
    """Every chart the analysis can draw, by name."""
    figs = {"compliance": compliance_figure(a), "progression": progression_figure(a),
            "load": load_figure(a), "pain": pain_figure(a)}
    return {k: v for k, v in figs.items() if v is not None}


def _number(x: float) -> str:
    """A number for people: thousands separated, at most 2 decimals, no exponent."""
    if x != x:
        return ""
    return f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.2f}".rstrip(
        "0").rstrip(".")


def _table_html(df: pd.DataFrame, max_rows: int = 60) -> str:
    return df.head(max_rows).to_html(index=False, border=0, classes="t", na_rep="",
                                     float_format=_number)


def report_html(a: Analysis, title: str = "Training log report") -> str:
    """The report as one HTML page (plotly.js embedded once)."""
    s = a.summary

    def day(x) -> str:
        return f"{x:%Y-%m-%d}" if x is not None and pd.notna(x) else "-"

    facts = [("sets logged", s.get("sets_logged")), ("days", s.get("days_logged")),
             ("from", day(s.get("first_day"))), ("to", day(s.get("last_day"))),
             ("best e1RM (kg)", (f"{s['best_e1rm_kg']:.1f}" if s.get("best_e1rm_kg") is not None
                                else "no deadlift data")),
             ("e1RM trend (kg/week)", "-" if s.get("e1rm_trend_kg_per_week") is None
              else f"{s['e1rm_trend_kg_per_week']:.2f}"),
             ("weeks outside the pain rules", "no pain data" if not s.get("pain_data")
              else s.get("weeks_outside_pain_rules"))]
    if s.get("completion") is not None:
        facts.insert(0, ("planned sets done to date", f"{100 * s['completion']:.0f} %"))
    if s.get("compliance_sessions") is not None:
        facts.insert(1, ("sessions done in full", f"{100 * s['compliance_sessions']:.0f} % of "
                                                  f"{s['sessions_due']}"))
    parts = [f"<h1>{html.escape(title)}</h1>", "<table class='t'>"]
    parts += [f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
              for k, v in facts]
    parts.append("</table>")
    first = True
    for name, fig in analysis_figures(a).items():
        parts.append(f"<h2>{html.escape(name.capitalize())}</h2>")
        parts.append(fig.to_html(full_html=False, include_plotlyjs=first))
        first = False
    if len(a.pain_weeks):
        parts.append("<h2>Pain-monitoring status per week</h2>")
        parts.append(_table_html(a.pain_weeks[["week_start", "status", "reasons"]]))
    if a.weeks is not None:
        parts.append("<h2>Compliance per week</h2>" + _table_html(a.weeks))
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;"
             "color:#222}table.t{border-collapse:collapse;margin:1em 0}"
             ".t th,.t td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{style}</style></head><body>{''.join(parts)}</body></html>")


# Files an analysis writes; a folder holding only these (and the marker) may be replaced.
REPORT_TABLES = ("sets", "sessions", "weeks", "deadlift", "holds", "bridge", "daily_load",
                 "weekly_load", "acwr", "fitness", "pain_daily", "pain_weeks")
IMPORT_REPORT = "import_report.csv"
MARKER = ".planner-analysis"


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def report_files(a: Analysis, import_report: pd.DataFrame | None = None) -> dict[str, bytes]:
    """Every file of the report by name: the tables as CSV (text cells that a spreadsheet
    would run as formulas neutralised), ``report.html`` and the log's import report."""
    files = {f"{name}.csv": _csv_bytes(table) for name, table in a.tables().items()}
    if import_report is not None and len(import_report):
        files[IMPORT_REPORT] = _csv_bytes(import_report)
    files["report.html"] = report_html(a).encode("utf-8")
    files[MARKER] = ("files written by planner analyse:\n" + "\n".join(files) + "\n").encode()
    return files


def _ours(folder: Path) -> Callable[[str], bool]:
    listed: set[str] = set()
    with contextlib.suppress(OSError, UnicodeDecodeError):
        listed = set((folder / MARKER).read_text(encoding="utf-8").splitlines()[1:])
    known = {f"{n}.csv" for n in REPORT_TABLES} | {IMPORT_REPORT, "report.html", MARKER}
    return lambda name: name in known or name in listed


def write_report(a: Analysis, folder: str | Path, *, overwrite: bool = False,
                 import_report: pd.DataFrame | None = None) -> list[Path]:
    """Write every table as CSV, ``report.html`` and ``import_report`` into ``folder``.

    All files are written or none (:func:`planner.files.safewrite.write_folder`): a
    folder that already holds files is refused unless ``overwrite``, and then
    replaced as a whole only if it holds nothing but an earlier analysis.
    Returns the paths written (without the hidden marker file).
    """
    folder = Path(folder)
    paths = write_folder(folder, report_files(a, import_report), overwrite=overwrite,
                         replaceable=_ours(folder))
    return [p for p in paths if p.name != MARKER]
