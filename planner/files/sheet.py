"""The printable sheet: one A4 page per week, to tick and to write on.

Each day is a small table headed by its date, with room for the next-morning
pain (and, on training days, the session's effort and minutes). The deadlift
has a row per set with the target reps and load and empty cells for the reps
and load achieved (double progression goes on from them); the bridge and the
stretch have a tick box per set or hold; every row has cells for pain during
and after (0-10). Printed, it is also a paper log.

A week of up to 4 training days at volume 1.5 fits one A4 page; a bigger week
flows onto a second page, and a day split by the page break repeats its
heading there (a table's head repeats on every printed page). Week 1 opens with
the three exercises drawn (start and end position) and their cues
(``planner.drawings``), once, in a strip that keeps such a week on its page.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from planner.analysis import STOP_PAIN, PainRules
from planner.catalogue import catalogue
from planner.drawings import CARDS_CSS, exercise_cards_html
from planner.files.safewrite import write_atomic
from planner.plan import Plan
from planner.units import from_kg
from planner.words import day_text

BOX = "<span class='box'></span>"

CSS = """
@page { size: A4; margin: 10mm 11mm; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #222;
       font-size: 8.5pt; margin: 0; }
.week { break-after: page; page-break-after: always; }
.week:last-child { break-after: auto; page-break-after: auto; }
h1 { font-size: 14pt; margin: 0 0 1mm; }
p.note { font-size: 8pt; color: #444; margin: 0 0 2mm; }
table.day { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 0 0 1.6mm;
            break-inside: avoid; page-break-inside: avoid; }
table.day thead { display: table-header-group; }
th, td { border: 0.8px solid #999; padding: 1mm 1.2mm; text-align: left;
         vertical-align: middle; line-height: 1.2; overflow: hidden; white-space: nowrap; }
thead th { background: #eee; font-weight: 600; font-size: 8pt; }
thead th.date { font-size: 9pt; }
thead th .blank { font-weight: 400; font-size: 7.5pt; }
td.write { background: #fff; }
.box { display: inline-block; width: 3.4mm; height: 3.4mm; border: 1px solid #333;
       margin: 0 0.8mm 0 0; vertical-align: middle; }
.plates { color: #555; font-size: 7.5pt; }
.deload { color: #8a5a00; font-weight: 600; }
""" + CARDS_CSS + """
.how { margin: 0 0 1.6mm; }
.how .ex-cards-row { grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 2mm; }
.how .ex-card { padding: 0.8mm 1.2mm; border-radius: 1.5mm; border-color: #aaa; }
.how .ex-card svg { max-width: none; max-height: 22mm; width: auto; }
.how .ex-card figcaption { margin: 0.4mm 0 0; }
.how .ex-card .ex-name { font-size: 7pt; margin: 0; }
.how .ex-card .ex-cues { font-size: 6.3pt; line-height: 1.15; padding-left: 3.2mm; }
.how .ex-card .ex-cues li { margin: 0; }
"""

# Column widths (%): exercise, set, target, load, done, reps done, load done, pain d, pain a
WIDTHS = (15, 4, 16, 23, 12, 8, 8, 7, 7)
SHORT = {"glute_bridge": "Glute bridge", "rotational_stretch": "Rotational stretch",
         "deadlift": "Deadlift"}
HEADS = ("done", "reps done", "load done", "pain during", "pain after")

_RULES = PainRules()
PAIN_ADVICE = (f"Pain during and after may reach {_RULES.during_max:g} out of 10 and should "
               "settle by the next morning; if it does not, or it grows week to week, hold or "
               f"lower the load. Pain of {STOP_PAIN:g} or more, or pain, numbness or weakness "
               "spreading into a leg: stop and see a clinician.")


def _esc(x) -> str:
    return html.escape(str(x))


def _load(plan: Plan, row) -> str:
    if pd.isna(row["load_kg"]):
        return "body weight"
    amount = round(float(from_kg(float(row["load_kg"]), plan.unit)), 2)
    return (f"{amount:g} {plan.unit} <span class='plates'>{_esc(row['plates'])}</span>")


#: The plan columns the sheet reads.
_COLUMNS = ("week", "session_id", "exercise", "set", "side", "target_reps",
            "target_hold_s", "load_kg", "plates", "phase")
_BLANK = "<td class='write'></td>"
_COLS = "".join(f"<col style='width:{w}%'>" for w in WIDTHS)
_HEADS = "".join(f"<th>{h.replace(' ', '<br>')}</th>" for h in HEADS)


def _is(x, value: str) -> bool:
    """``x == value`` as pandas compares a cell: a missing cell is never equal."""
    return x is not pd.NA and x == value


def _groups(keys: list, rows) -> dict:
    """``rows`` grouped by ``keys[row]`` in order of first appearance, each group's rows in
    their order; missing keys left out (as pandas' ``groupby(sort=False)`` does)."""
    out: dict = {}
    for i in rows:
        k = keys[i]
        if k is None or k is pd.NA or k != k:
            continue
        out.setdefault(k, []).append(i)
    return out


def _rows(plan: Plan, c: dict, s: list[int], names: dict[str, str]) -> list[str]:
    """The table rows of one session (``s``: its rows' positions in the columns ``c``)."""
    rows = []
    blank = _BLANK
    for ex, e in _groups(c["exercise"], s).items():
        name = _esc(SHORT.get(ex, names.get(ex, ex)))
        if ex == "rotational_stretch":
            side = c["side"]
            holds = sum(1 for i in e if _is(side[i], "left"))
            ticks = "left " + BOX * holds + "&nbsp; right " + BOX * holds
            rows.append(f"<tr><td>{name}</td><td></td><td>{holds} × "
                        f"{c['target_hold_s'][e[0]]:g} s each side</td><td>body weight</td>"
                        f"<td colspan='3'>{ticks}</td>{blank}{blank}</tr>")
        elif ex == "deadlift":
            for k, i in enumerate(e):
                first = f"<td rowspan='{len(e)}'>{name}</td>" if k == 0 else ""
                pain = (f"<td rowspan='{len(e)}' class='write'></td>" * 2) if k == 0 else ""
                row = {"load_kg": c["load_kg"][i], "plates": c["plates"][i]}
                rows.append(f"<tr>{first}<td>{int(c['set'][i])}</td><td>"
                            f"{int(c['target_reps'][i])} reps</td><td>{_load(plan, row)}</td>"
                            f"<td>{BOX}</td>{blank}{blank}{pain}</tr>")
        else:
            i = e[0]
            row = {"load_kg": c["load_kg"][i], "plates": c["plates"][i]}
            rows.append(f"<tr><td>{name}</td><td>{len(e)}</td><td>{len(e)} × "
                        f"{int(c['target_reps'][i])} reps</td><td>{_load(plan, row)}</td>"
                        f"<td>{BOX * len(e)}</td>{blank}<td></td>{blank}{blank}</tr>")
    return rows


def _day_html(plan: Plan, c: dict, s: list[int], names: dict[str, str]) -> str:
    """One session's table (``s``: its rows' positions in the columns ``c``)."""
    i = s[0]
    training = not all(_is(c["exercise"][j], "rotational_stretch") for j in s)
    extra = (" · effort (0-10): ___ · minutes: ___" if training else "")
    head = (f"<tr><th colspan='4' class='date'>{day_text(c['date'][i])} "
            f"<span class='plates'>({_esc(c['session_id'][i])})</span><br><span "
            f"class='blank'>next-morning pain (0-10): ___{extra}</span></th>{_HEADS}</tr>")
    return (f"<table class='day'><colgroup>{_COLS}</colgroup><thead>{head}</thead><tbody>"
            + "".join(_rows(plan, c, s, names)) + "</tbody></table>")


def sheet_html(plan: Plan, title: str = "Lower-back programme") -> str:
    """The whole plan as a printable HTML document: one A4 page per week.

    Weeks in order, each week's sessions (days) in plan order, each session's exercises
    in plan order. Built from the table's columns as plain lists, one pass (a year-long
    plan in milliseconds: the coach's zip holds a sheet per athlete due)."""
    names = {k: v.name for k, v in catalogue().items()}
    t = plan.table
    c: dict = {col: t[col].tolist() for col in _COLUMNS}
    c["date"] = t["date"].to_numpy()  # a Timestamp made for each day only
    weeks = _groups(c["week"], range(len(t)))
    pages = []
    for week in sorted(weeks):
        wk = weeks[week]
        deload = any(_is(c["phase"][i], "deload") for i in wk)
        parts = [f"<section class='week'><h1>{_esc(title)}: week {week}"
                 + (" <span class='deload'>(deload: a lighter week)</span>" if deload else "")
                 + "</h1><p class='note'>Tick a box for each set or hold; write the reps and "
                 f"load you did. {PAIN_ADVICE}</p>"]
        if week == min(weeks):  # the exercises drawn, once, before the first week's days
            parts.append(f"<div class='how'>{exercise_cards_html(css=False)}</div>")
        for s in _groups(c["session_id"], wk).values():
            parts.append(_day_html(plan, c, s, names))
        parts.append("</section>")
        pages.append("".join(parts))
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_esc(title)}"
            f"</title><style>{CSS}</style></head><body>{''.join(pages)}</body></html>")


def write_sheet(plan: Plan, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the printable sheet (HTML) atomically; never replaces a file unless asked."""
    page = sheet_html(plan)
    return write_atomic(path, lambda fh: fh.write(page), overwrite=overwrite)
