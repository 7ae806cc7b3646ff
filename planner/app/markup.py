"""What the app's panels share: the page style, message boxes and tables for people."""

from __future__ import annotations

import html

import pandas as pd

from planner.words import day_text

STYLE = """
<style>
.planner-app { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d1d1d;
               max-width: 1400px; min-width: 0; }
.planner-app, .planner-app .widget-box { min-width: 0; }
.planner-app .widget-box { overflow: visible; }
.planner-head h1 { font-size: 1.5em; margin: 4px 0; }
.planner-head p { margin: 2px 0 8px; max-width: 60em; }
.planner-app h2 { font-size: 1.2em; margin: 10px 0 4px; }
.planner-app h3.planner-group { font-size: 1.05em; margin: 12px 0 4px; }
.planner-help, .planner-caption { font-size: 0.9em; color: #4a4a4a; margin: 2px 0 6px; }
.planner-cols { display: flex; flex-flow: row wrap; gap: 4px 20px; align-items: flex-start;
                width: 100%; }
.planner-left { flex: 1 1 340px; max-width: 30em; }
.planner-right { flex: 999 1 540px; min-width: 0; }
.planner-msg-error { background: #fdecea; border: 1px solid #e0a19a; color: #611a15;
                     padding: 8px 12px; border-radius: 6px; }
.planner-msg-ok { background: #edf7ed; border: 1px solid #a5d6a7; color: #1e4620;
                  padding: 8px 12px; border-radius: 6px; }
.planner-msg-note { background: #f3f3f3; border: 1px solid #cfcfcf; color: #333;
                    padding: 8px 12px; border-radius: 6px; }
.planner-msg-error ul { margin: 4px 0 0; padding-left: 1.2em; }
.planner-table { max-width: 100%; overflow-x: auto; }
.planner-table table { border-collapse: collapse; font-size: 13px; }
.planner-table th, .planner-table td { border-bottom: 1px solid #ddd; padding: 4px 8px;
                                       text-align: left; vertical-align: top; }
.planner-table td.num, .planner-table th.num { text-align: right; }
.planner-table th { background: #f3f3f3; }
.planner-facts { display: flex; flex-flow: row wrap; gap: 8px 24px; margin: 6px 0; }
.planner-facts div { min-width: 9em; }
.planner-facts b { display: block; font-size: 1.4em; }
.planner-control-help { color: #4a4a4a; font-size: 12px; line-height: 1.3;
                        margin: -2px 0 6px 9.5em; padding-left: 8px; }
@media (max-width: 700px) { .planner-control-help { margin-left: 0; padding-left: 0; } }
.planner-zone-help .planner-control-help { margin-left: 0; padding-left: 0; }
/* The skip link: out of sight until it has the focus (the page's first Tab stop). */
.planner-skip { position: absolute; left: -10000px; top: auto; width: 1px; height: 1px;
                overflow: hidden; }
.planner-skip:focus { position: static; width: auto; height: auto; display: inline-block;
                      margin: 4px 0; padding: 4px 10px; background: #1f5f99; color: #fff;
                      border-radius: 4px; outline: 3px solid #f2b134; }
.planner-files:focus { outline: 2px dashed #1f5f99; outline-offset: 4px; }
/* Steps (``Steps``): a row of tab-like buttons that wraps on narrow screens. */
.planner-stepbar { width: 100%; }
.planner-stepbar > div { display: flex; flex-flow: row wrap; gap: 2px; width: 100%;
                         border-bottom: 2px solid #1f5f99; }
.planner-stepbar .widget-toggle-button { flex: 0 0 auto; width: auto; margin: 0;
    padding: 0 14px; border-radius: 6px 6px 0 0; background: #ececec; color: #262626;
    overflow: visible; text-overflow: clip; }
.planner-stepbar .widget-toggle-button.mod-active { background: #1f5f99; color: #fff; }
.planner-steps > .planner-stepbar .widget-toggle-button { font-size: 1.05em;
                                                          font-weight: 600; }
.planner-step-panel { padding-top: 6px; }
/* Chosen toggle buttons (page, training days, unit) in the charts' blue, readable. */
.planner-app .jupyter-button.mod-active,
.planner-page-choice .jupyter-button.mod-active { background: #1f5f99; color: #fff; }
.planner-app .planner-download { width: auto; min-width: 9em; padding: 0 0.9em; }
.planner-app details.planner-report-group { margin: 0.3em 0; }
.planner-app details.planner-report-group > summary { cursor: pointer; padding: 0.2em 0; }
.planner-app .planner-count { color: #4a4a4a; }
.planner-app .jupyter-button:focus-visible, .planner-app input:focus-visible,
.planner-app select:focus-visible, .planner-app .noUi-handle:focus-visible {
    outline: 3px solid #1f5f99; outline-offset: 1px; }
.planner-app .widget-label { overflow: visible; }
.planner-app .widget-html-content { line-height: 1.45; }
.planner-app .widget-html-content p, .planner-app .widget-html-content ul { margin-top: 2px; }
.planner-app .js-plotly-plot, .planner-app .plotly-graph-div { width: 100% !important; }
</style>
"""


def ok_box(text: str) -> str:
    """A green box with ``text`` (escaped)."""
    return f"<div class='planner-msg-ok' role='status'>{html.escape(text)}</div>"


def note_box(text: str) -> str:
    """A grey box with ``text`` (escaped): something to do next, not a problem."""
    return f"<div class='planner-msg-note'>{html.escape(text)}</div>"


def error_box(text: str, raw: bool = False) -> str:
    """A red box with ``text`` (escaped unless ``raw``: the caller escaped it)."""
    body = text if raw else html.escape(text)
    return f"<div class='planner-msg-error' role='alert'>{body}</div>"


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return day_text(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return str(value)


def table_html(df: pd.DataFrame, max_rows: int | None = None, caption: str = "") -> str:
    """``df`` as an HTML table for people: no index, numbers rounded, text escaped."""
    shown = df if max_rows is None else df.head(max_rows)
    nums = {c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c])
            and not pd.api.types.is_bool_dtype(shown[c])}
    head = "".join(f"<th scope='col'{' class=num' if c in nums else ''}>"
                   f"{html.escape(str(c))}</th>" for c in shown.columns)
    rows = []
    for rec in shown.itertuples(index=False):
        cells = "".join(f"<td{' class=num' if c in nums else ''}>{html.escape(_cell(v))}</td>"
                        for c, v in zip(shown.columns, rec, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def readable(df: pd.DataFrame, precision: int = 1):
    """``df`` for a notebook: no index column, numbers rounded with thousands separators,
    dates as dates, missing values blank (a pandas Styler)."""
    dates = [c for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])]
    floats = [c for c in df.columns if pd.api.types.is_float_dtype(df[c])]
    style = df.style.hide(axis="index").format(na_rep="")
    for c in floats:  # whole columns without ".0" (1,260 kg, not 1,260.0)
        whole = bool(((df[c].dropna() - df[c].dropna().round()).abs() < 1e-9).all())
        style = style.format(precision=0 if whole else precision, thousands=",", na_rep="",
                             subset=[c])
    if dates:
        style = style.format(day_text, subset=dates, na_rep="")
    return style
