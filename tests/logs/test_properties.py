"""Fuzzing the log readers: generated files in every format, and mutated real exports.

Hypothesis generates the files (fixed seeds under the ``ci`` profile: derandomized);
each batch is read by one fresh Python process, which reports per file the outcome,
the row counts and the time, and at the end its peak resident memory (``VmHWM``;
address-space limits would trip pyarrow, which reserves virtual memory it never uses).

Properties checked for every file:
- no exception but LogFormatError (a one-line message naming the file);
- rows read = imported + rejected + skipped, and rows read = the data rows written
  (for generated files, where that number is known);
- every imported row's line is a distinct line of the file;
- under 2 s per file (each is under 1 MB), and a bounded peak memory per batch.
"""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import examples
from tests.paths import EXPORTS as SHARED
from tests.paths import ROOT

PER_FORMAT = examples(115)  # x 4 formats, plus 5 x 12 mutations: over 500 files
MUTATIONS = examples(12)  # per shared export
MAX_SECONDS = 2.0
MAX_PEAK_MB = 700  # a batch's resident peak: the imports (~200 MB) and small files

WORKER = r"""
import json, sys, time
from pathlib import Path
from planner.logs import LogFormatError, parse_log

for line in sys.stdin:
    case = json.loads(line)
    data = Path(case["path"]).read_bytes()
    start = time.perf_counter()
    out = {"path": case["path"]}
    try:
        log = parse_log(data, unit=case.get("unit"), name=case["path"])
        out.update(read=log.rows_read, imported=log.rows_imported,
                   rejected=log.rows_rejected, skipped=log.rows_skipped,
                   lines=[int(x) for x in log.table["source_line"]],
                   report_lines=[int(x) for x in log.report["line"]])
    except LogFormatError as exc:
        out.update(error="LogFormatError", message=str(exc))
    except Exception as exc:  # noqa: BLE001 - the test reports it
        import traceback
        out.update(error=type(exc).__name__, message=traceback.format_exc()[-800:])
    out["seconds"] = time.perf_counter() - start
    print(json.dumps(out), flush=True)
peak = next(x for x in open("/proc/self/status") if x.startswith("VmHWM")).split()[1]
print(json.dumps({"peak_mb": int(peak) / 1024}))
"""


# --- generating rows --------------------------------------------------------------------

NAMES = ["Deadlift (Barbell)", "Deadlift", "Romanian Deadlift (Barbell)", "Glute Bridge",
         "Lying Spinal Twist", "Sumo Deadlift", "Hip Thrust (Barbell)", "Stretch, Lying Twist",
         'Row "heavy"', "Rücken", "Knee\nRolls", " Squat ", "=HYPERLINK(\"x\")", ""]
NUMBERS = st.one_of(
    st.integers(-5, 600).map(str),
    st.floats(-10, 1e4, allow_nan=False).map(lambda x: f"{x:.2f}"),
    st.sampled_from(["", "", "inf", "-inf", "nan", "1e20", "99999999999999999999", "ten",
                     "62,5", "10.0", " 8 ", "0", "1e-300", "0x10", "１０"]),
)
DATES = st.one_of(
    st.dates(date(1965, 1, 1), date(2026, 6, 1)).map(str),
    st.sampled_from(["0001-01-01", "9999-12-31", "2099-01-01", "2024-02-30", "", "yesterday",
                     "2024-03-04T18:00:00Z", "2024-03-04T18:00:00+05:00", "05/01/2026",
                     "2024-03-04 18:00:00.123"]),
)
TIMES = st.sampled_from([" 10:00:00", " 18:01", "", " 25:00:00", "T07:00:00Z"])
SET_ORDERS = st.one_of(st.integers(0, 12).map(str),
                       st.sampled_from(["W", "F", "D", "WARM_UP", "FAILURE", "Rest Timer", "",
                                        "x", "3.0"]))
UNITS = st.sampled_from(["kg", "lbs", "", "", "stone", "KG", "kgs"])
# Lone carriage returns are left out: Python's csv writer does not quote them (with "\n"
# line ends), which would make the file itself ambiguous. NUL makes a "binary file".
NOTES = st.one_of(st.just(""), st.text(st.characters(blacklist_categories=["Cs"],
                                                     blacklist_characters="\r\x00"),
                                       max_size=20))


@st.composite
def set_rows(draw, n_max: int = 12) -> list[dict]:
    n = draw(st.integers(1, n_max))
    return [{"date": draw(DATES), "time": draw(TIMES), "name": draw(st.sampled_from(NAMES)),
             "order": draw(SET_ORDERS), "weight": draw(NUMBERS), "unit": draw(UNITS),
             "reps": draw(NUMBERS), "rpe": draw(NUMBERS), "seconds": draw(NUMBERS),
             "note": draw(NOTES), "set_type": draw(st.sampled_from(
                 ["normal", "warmup", "dropset", "failure", "", "superset"]))}
            for _ in range(n)]


STRONG_HEADS = {
    "plain": ["Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight",
              "Reps", "Distance", "Seconds", "Notes", "Workout Notes", "RPE"],
    "kg": ["Workout #", "Date", "Workout Name", "Duration (sec)", "Exercise Name", "Set Order",
           "Weight (kg)", "Reps", "RPE", "Distance (meters)", "Seconds", "Notes",
           "Workout Notes"],
    "units": ["Date", "Workout Name", "Exercise Name", "Set Order", "Weight", "Weight Unit",
              "Reps", "RPE", "Distance", "Distance Unit", "Seconds", "Notes", "Workout Notes"],
}


def strong_cells(head: list[str], r: dict) -> list[str]:
    value = {"Date": r["date"] + r["time"], "Workout Name": " Back", "Duration": "1h 6m",
             "Exercise Name": r["name"], "Set Order": r["order"], "Weight": r["weight"],
             "Weight (kg)": r["weight"], "Weight Unit": r["unit"], "Reps": r["reps"],
             "RPE": r["rpe"], "Seconds": r["seconds"], "Notes": r["note"],
             "Duration (sec)": "1800", "Workout #": "1"}
    return [value.get(h, "") for h in head]


def hevy_cells(r: dict) -> list[str]:
    when = "8 Apr 2026, 16:50" if r["time"] == " 10:00:00" else r["date"] + r["time"]
    return ["Back", when, "8 Apr 2026, 17:43", "", r["name"], "", r["note"], r["order"],
            r["set_type"], r["weight"], r["reps"], "", r["seconds"], r["rpe"]]


HEVY_HEAD = ["title", "start_time", "end_time", "description", "exercise_title", "superset_id",
             "exercise_notes", "set_index", "set_type", "weight_kg", "reps", "distance_km",
             "duration_seconds", "rpe"]
FITNOTES_HEAD = ["Date", "Exercise", "Category", "Weight (kgs)", "Reps", "Distance",
                 "Distance Unit", "Time"]


def fitnotes_cells(r: dict) -> list[str]:
    return [r["date"], r["name"], "Back", r["weight"], r["reps"], "", "",
            f"0:{int(r['seconds']) % 60:02d}:00" if r["seconds"].isdigit() else r["seconds"]]


def render(head: list[str] | None, rows: list[list[str]], style: dict) -> tuple[bytes, int]:
    """CSV bytes in the given style; the number of data rows written (blank ones excepted)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=style["delim"], lineterminator=style["eol"],
                        quoting=csv.QUOTE_ALL if style["quote_all"] else csv.QUOTE_MINIMAL)
    if head is not None:
        writer.writerow(head)
    counted = 0
    for i, cells in enumerate(rows):
        if style["blank_every"] and i % style["blank_every"] == 0:
            buf.write(style["eol"])
        cells = list(cells)
        if style["ragged_every"] and i % style["ragged_every"] == 1:
            cells = cells[:-2] if i % 2 else [*cells, "extra"]
        if any(c.strip() for c in cells):
            counted += 1
        writer.writerow(cells)
    text = buf.getvalue()
    data = text.encode(style["encoding"], errors="replace")
    if style["bom"] and style["encoding"] == "utf-8":
        data = b"\xef\xbb\xbf" + data
    return data, counted


STYLES = st.fixed_dictionaries({
    "delim": st.sampled_from([",", ";"]), "eol": st.sampled_from(["\n", "\r\n"]),
    "quote_all": st.booleans(), "blank_every": st.sampled_from([0, 0, 3]),
    "ragged_every": st.sampled_from([0, 0, 0, 4]), "bom": st.booleans(),
    "encoding": st.sampled_from(["utf-8", "utf-8", "utf-16", "cp1252"]),
})


@st.composite
def strong_files(draw):
    rows = draw(set_rows())
    kind = draw(st.sampled_from(["plain", "kg", "units", "headerless"]))
    head = STRONG_HEADS["units" if kind == "headerless" else kind]
    style = draw(STYLES)
    data, n = render(None if kind == "headerless" else head,
                     [strong_cells(head, r) for r in rows], style)
    return data, n, draw(st.sampled_from([None, "kg", "lb"]))


@st.composite
def hevy_files(draw):
    rows = draw(set_rows())
    head = list(HEVY_HEAD)
    head[9] = draw(st.sampled_from(["weight_kg", "weight_lbs", "weight"]))
    data, n = render(head, [hevy_cells(r) for r in rows], draw(STYLES))
    return data, n, draw(st.sampled_from([None, "kg", "lb"]))


@st.composite
def fitnotes_files(draw):
    rows = draw(set_rows())
    style = draw(STYLES)
    if style["delim"] == ",":  # FitNotes writes names with commas unquoted
        style = {**style, "quote_all": False}
    data, n = render(FITNOTES_HEAD, [fitnotes_cells(r) for r in rows], style)
    if style["delim"] == ",":
        data = data.replace(b'"Stretch, Lying Twist"', b"Stretch, Lying Twist")
    return data, n, None


def _template_frame() -> pd.DataFrame:
    from planner import PlanConfig, generate
    from planner.files.plan_csv import plan_to_frame
    from planner.logs.template import template_columns
    from planner.plan import Plan

    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=1, deadlift_start_load=60))
    frame = plan_to_frame(Plan(plan.table, unit="kg"))
    for col in template_columns("kg")[len(frame.columns):]:
        frame[col] = ""
    return frame.astype(str)


TEMPLATE = _template_frame()


@st.composite
def template_files(draw):
    """A filled-in template: most rows done as planned, a few with drawn values."""
    head = list(TEMPLATE.columns)
    at = {c: head.index(c) for c in head}
    rows = TEMPLATE.to_numpy().tolist()
    for row in rows:
        for done, target in (("done_reps", "target_reps"), ("done_hold_s", "target_hold_s")):
            row[at[done]] = "" if row[at[target]] == "nan" else row[at[target]]
    chosen = draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=8))
    for i in chosen:
        for col in ("done_reps", "done_hold_s", "done_load_kg", "rpe", "pain_during",
                    "session_min", "set", "date"):
            rows[i][at[col]] = draw(DATES if col == "date" else NUMBERS)
        rows[i][at["note"]] = draw(NOTES)
    rows[chosen[0]][at["key"]] = rows[draw(st.integers(0, len(rows) - 1))][at["key"]]
    data, n = render(head, rows, draw(STYLES))
    return data, n, None


def draw_files(strategy, n: int) -> list[tuple[bytes, int | None, str | None]]:
    """``n`` examples of ``strategy``, collected (checked later, in batches)."""
    out: list = []

    @settings(max_examples=n, database=None, phases=[Phase.generate])
    @given(strategy)
    def collect(case):
        out.append(case)

    collect()
    return out


# --- mutations of the shared exports ----------------------------------------------------

def mutate(data: bytes, seed: int) -> bytes:
    """A real export with a few lines broken (fixed seed): fields dropped or added, cells
    replaced with junk or extreme values, lines duplicated, blank lines, stray quotes."""
    rng = random.Random(seed)
    lines = data.split(b"\n")
    junk = [b"inf", b"1e20", b"99999999999999999999", b"-1", b"0001-01-01", b"9999-12-31",
            b'"', b"stone", b"=1+1", b"2024-03-04T18:00:00Z", "\u00fc".encode(), b"\xff\xfe",
            b""]
    for _ in range(rng.randint(1, 12)):
        i = rng.randrange(len(lines))
        delim = b";" if lines[0].count(b";") > lines[0].count(b",") else b","
        cells = lines[i].split(delim)
        op = rng.choice(["drop", "add", "junk", "dup", "blank", "cut"])
        if op == "drop" and len(cells) > 1:
            cells.pop(rng.randrange(len(cells)))
        elif op == "add":
            cells.insert(rng.randrange(len(cells) + 1), rng.choice(junk))
        elif op == "junk":
            cells[rng.randrange(len(cells))] = rng.choice(junk)
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "blank":
            lines.insert(i, b"")
        elif op == "cut":
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
            continue
        lines[i] = delim.join(cells)
    return b"\n".join(lines)


SHARED_UNITS = {"strong_s1_kg.csv": "kg", "strong_s0_alt.csv": "kg"}


# --- running a batch ------------------------------------------------------------------

def run_batch(cases: list[tuple[bytes, int | None, str | None]], folder: Path) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    lines, expected = [], {}
    for i, (data, n, unit) in enumerate(cases):
        path = folder / f"case{i:04d}.csv"
        path.write_bytes(data)
        assert len(data) < 1_000_000
        lines.append(json.dumps({"path": str(path), "unit": unit}))
        expected[str(path)] = (n, data)
    proc = subprocess.run([sys.executable, "-c", WORKER], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
    peak = out.pop()["peak_mb"]
    assert len(out) == len(cases)
    problems = []
    for r in out:
        n, data = expected[r["path"]]
        if r["seconds"] >= MAX_SECONDS:
            problems.append(f"{r['path']}: {r['seconds']:.1f} s")
        if "error" in r:
            if r["error"] != "LogFormatError" or "\n" in r["message"] or \
                    not r["message"].startswith(r["path"]):
                problems.append(f"{r['path']}: {r['error']}: {r['message']} for {data[:300]!r}")
            continue
        if r["read"] != r["imported"] + r["rejected"] + r["skipped"]:
            problems.append(f"{r['path']}: {r} do not add up for {data[:300]!r}")
        if n is not None and r["read"] != n:
            problems.append(f"{r['path']}: {r['read']} rows read, {n} written: {data[:300]!r}")
        if len(set(r["lines"])) != len(r["lines"]) or min(r["lines"] or [1]) < 1:
            problems.append(f"{r['path']}: imported rows share a line: {r['lines']}")
    assert not problems, "\n".join(problems[:10])
    assert peak < MAX_PEAK_MB, f"peak resident memory {peak:.0f} MB"
    return out


FORMATS = {"strong": strong_files(), "hevy": hevy_files(), "fitnotes": fitnotes_files(),
           "template": template_files()}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_fuzz_generated_files(fmt, tmp_path):
    cases = draw_files(FORMATS[fmt], PER_FORMAT)
    assert len(cases) >= min(PER_FORMAT, 100)
    out = run_batch(cases, tmp_path / fmt)
    read = [r for r in out if "error" not in r]
    # the generator mostly writes readable files: the fuzz reaches the normaliser
    assert len(read) >= len(out) // 2
    assert sum(r["imported"] for r in read) > 0 and sum(r["rejected"] for r in read) > 0


def test_fuzz_mutated_shared_exports(tmp_path):
    if not SHARED.is_dir():
        pytest.skip(f"the shared exports folder {SHARED} is absent (the real-export "
                    "mutations need it)")
    cases = []
    for path in sorted(SHARED.glob("*.csv")):
        data = path.read_bytes()
        unit = SHARED_UNITS.get(path.name)
        cases += [(mutate(data, seed), None, unit) for seed in range(MUTATIONS)]
    out = run_batch(cases, tmp_path / "shared")
    assert sum("error" not in r for r in out) >= len(out) // 2
