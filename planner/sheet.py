"""The printable sheet: one page per week with tick boxes and pain columns.

Each session lists its exercises with the dose, the load and the plates, an
empty box to tick for every set and for every stretch hold on each side, and
room to note pain (0-10) during and after, and the next morning. Printed, it
is also a paper log.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from planner.catalogue import catalogue
from planner.export import write_atomic
from planner.programme import Plan
from planner.units import from_kg

BOX = "<span class='box'></span>"

CSS = """
@page { size: A4; margin: 12mm; }
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #222; }
.week { page-break-after: always; break-after: page; }
.week:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 5mm 0 1mm; border-bottom: 1px solid #999; }
p.note { font-size: 9pt; color: #555; margin: 0 0 3mm; }
table { width: 100%; border-collapse: collapse; font-size: 10pt; table-layout: fixed; }
th, td { border: 1px solid #bbb; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
th { background: #f1f1f1; }
.box { display: inline-block; width: 4mm; height: 4mm; border: 1.2px solid #333;
       margin: 0 1.2mm 0 0; vertical-align: middle; }
.pain { width: 16mm; }
.deload { color: #8a5a00; font-weight: 600; }
"""


def _esc(x) -> str:
    return html.escape(str(x))


def _session_html(plan: Plan, s: pd.DataFrame, names: dict[str, str]) -> str:
    first = s.iloc[0]
    rows = []
    for ex, e in s.groupby("exercise", sort=False):
        e0 = e.iloc[0]
        if ex == "rotational_stretch":
            holds = int((e["side"] == "left").sum())
            dose = f"{holds} holds of {e0['target_hold_s']:g} s on each side"
            ticks = ("left " + BOX * holds + "&nbsp;&nbsp; right " + BOX * holds)
            load = ""
        else:
            dose = f"{len(e)} sets of {e0['target_reps']}"
            ticks = BOX * len(e)
            if pd.notna(e0["load_kg"]):
                amount = from_kg(float(e0["load_kg"]), plan.unit)
                load = f"{amount:.4g} {plan.unit}<br><small>{_esc(e0['plates'])}</small>"
            else:
                load = "body weight"
        rows.append(f"<tr><td>{_esc(names.get(ex, ex))}</td><td>{_esc(dose)}</td>"
                    f"<td>{load}</td><td>{ticks}</td><td class='pain'></td>"
                    f"<td class='pain'></td></tr>")
    head = (f"<h2>{first['date']:%A %d %B %Y} <small>({_esc(first['session_id'])})</small>"
            "</h2>")
    cols = "".join(f"<col style='width:{w}%'>" for w in (24, 18, 15, 23, 10, 10))
    table = (f"<table><colgroup>{cols}</colgroup><tr><th>exercise</th><th>dose</th>"
             "<th>load</th><th>tick when done</th>"
             "<th>pain during (0-10)</th><th>pain after (0-10)</th></tr>" + "".join(rows)
             + "</table><p class='note'>Next-morning pain (0-10): ______ &nbsp; Session effort "
             "(0-10): ______ &nbsp; Minutes: ______ &nbsp; Note: "
             "____________________________</p>")
    return head + table


def sheet_html(plan: Plan, title: str = "Lower-back programme") -> str:
    """The whole plan as a printable HTML document: one page per week."""
    names = {k: v.name for k, v in catalogue().items()}
    pages = []
    for week, w in plan.table.groupby("week", sort=True):
        deload = (w["phase"] == "deload").any()
        parts = [f"<section class='week'><h1>{_esc(title)}: week {week}"
                 + (" <span class='deload'>(deload: lighter week)</span>" if deload else "")
                 + "</h1><p class='note'>Tick a box for each set or hold you do. Pain during "
                 "and after may reach 5 out of 10 and should settle by the next morning; if "
                 "it does not, or it grows from week to week, hold or lower the load.</p>"]
        for _, s in w.groupby("session_id", sort=False):
            parts.append(_session_html(plan, s, names))
        parts.append("</section>")
        pages.append("".join(parts))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{_esc(title)}</title>"
            f"<style>{CSS}</style></head><body>{''.join(pages)}</body></html>")


def write_sheet(plan: Plan, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the printable sheet (HTML) atomically; never replaces a file unless asked."""
    page = sheet_html(plan)
    return write_atomic(path, lambda fh: fh.write(page), overwrite=overwrite)
