"""The log normaliser's checks: ranges, overflow, units, body-weight sets, deadlift
variants and aliases, line numbers, encodings, time zones, and the row-count rule.

Each test is named after the behaviour it pins down; the expected values are
worked out by hand from the few rows each test writes.
"""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from planner import PlanConfig, generate
from planner.cli import app
from planner.logs import Log, LogFormatError, parse_log, read_log, write_log_template
from planner.units import KG_PER_LB
from tests.conftest import examples
from tests.paths import DATA, ROOT

STRONG_HEAD = "Date,Workout Name,Exercise Name,Set Order,Weight (kg),Reps,Seconds\n"
UNIT_HEAD = ("Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;"
             "Distance;Distance Unit;Seconds;Notes;Workout Notes\n")
DAY = "2026-01-05 10:00:00"


def strong(*rows: str, head: str = STRONG_HEAD) -> bytes:
    return (head + "".join(r + "\n" for r in rows)).encode()


def report_at(log: Log, line: int) -> pd.Series:
    r = log.report[log.report["line"] == line]
    assert len(r) == 1, r
    return r.iloc[0]


def accounted(log: Log) -> None:
    """Rows read = imported + rejected + skipped; each report row's action is its rule's."""
    assert log.rows_read == log.rows_imported + log.rows_rejected + log.rows_skipped
    if "rule" in log.report:  # (test_report_rows_carry_a_stable_rule_code requires it)
        from planner.logs import RULES

        assert [RULES[r][0] for r in log.report["rule"]] == list(log.report["action"])


# --- 1. flagged values never drive results --------------------------------------------------

def test_flagged_load_is_rejected_not_flagged():
    # One repetition each: 500 kg x 10 would be an e1RM beyond the world record.
    log = parse_log(strong(f"{DAY},A,Deadlift,1,9000,1,0", f"{DAY},A,Deadlift,2,500,1,0",
                           f"{DAY},A,Deadlift,3,500.5,1,0"))
    accounted(log)
    assert list(log.table["load_kg"]) == [500.0]  # 500 kg is the top of the range
    for line, value in ((2, "9000"), (4, "500.5")):
        r = report_at(log, line)
        assert (r["column"], r["value"], r["action"], r["rule"]) == (
            "Weight (kg)", value, "rejected", "load-range")
    assert "flagged" not in set(log.report["action"])


def test_flagged_date_reps_and_hold_are_rejected_not_flagged():
    tomorrow = date.today() + timedelta(days=1)
    after = date.today() + timedelta(days=2)
    log = parse_log(strong(
        "2099-01-01 10:00:00,A,Deadlift,1,60,10,0",      # 2: the future
        f"{tomorrow} 23:00:00,A,Deadlift,1,60,10,0",     # 3: tomorrow: in range (time zones)
        f"{after} 00:00:00,A,Deadlift,1,60,10,0",        # 4: the day after: rejected
        "1970-01-01 00:00:00,A,Deadlift,1,60,10,0",      # 5: the first day in range
        "1969-12-31 23:59:59,A,Deadlift,1,60,10,0",      # 6: before it
        f"{DAY},A,Deadlift,2,60,101,0",                  # 7: 101 reps
        f"{DAY},A,Deadlift,3,60,100,0",                  # 8: 100 reps: in range
        f"{DAY},A,Lying Spinal Twist,1,0,0,601",         # 9: a 601 s hold
        f"{DAY},A,Lying Spinal Twist,2,0,0,600"))        # 10: 600 s: in range
    accounted(log)
    assert sorted(log.table["source_line"]) == [3, 5, 8, 10]
    rules = log.report.set_index("line")["rule"].to_dict()
    assert rules == {2: "date-range", 4: "date-range", 6: "date-range", 7: "reps-range",
                     9: "hold-range"}


def test_a_long_stretch_is_still_rejected_but_a_long_run_is_kept():
    log = parse_log(strong(
        f"{DAY},A,Lying Spinal Twist,1,0,0,601",         # 2: the stretch: not a 10-min hold
        f"{DAY},A,Running (Treadmill),1,0,0,1800",       # 3: a run: kept, duration dropped
        f"{DAY},A,Plank,1,0,0,90"))                      # 4: a short timed set: kept as is
    accounted(log)
    assert sorted(log.table["source_line"]) == [3, 4]
    assert log.report.set_index("line")["rule"].to_dict() == {2: "hold-range",
                                                              3: "timed-not-hold"}
    hold = log.table.set_index("source_line")["hold_s"]
    assert pd.isna(hold[3]) and hold[4] == 90


def test_flagged_last_deadlift_never_reaches_next_block(tmp_path):
    from planner.nextblock import next_block

    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=2, deadlift_start_load=60))
    path = write_log_template(plan.table, tmp_path / "log.csv")
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    dl = t.index[t["exercise"] == "deadlift"]
    t.loc[dl, "done_reps"] = "10"
    t.loc[dl[-1], "done_load_kg"] = "9000"
    t.to_csv(path, index=False)
    log = read_log(path)
    new = next_block(plan, log)
    assert new.table["load_kg"].max() <= 70  # 60 kg done, one step up at most
    assert report_at(log, dl[-1] + 2)["rule"] == "load-range"


def test_flagged_session_minutes_and_odd_set_numbers_never_drive_results(tmp_path):
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=1, deadlift_start_load=60))
    path = write_log_template(plan.table, tmp_path / "log.csv")
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    dl = t.index[t["exercise"] == "deadlift"]
    t.loc[dl, "done_reps"] = "10"
    t.loc[dl, "session_min"] = "30"
    t.loc[dl[0], "session_min"] = "inf"
    t.loc[dl[1], "session_min"] = "-5"
    t.loc[dl[2], "set"] = "1.5"
    t.to_csv(path, index=False)
    log = read_log(path)
    accounted(log)
    table = log.table.set_index("source_line")
    assert pd.isna(table.loc[dl[0] + 2, "session_min"])
    assert pd.isna(table.loc[dl[1] + 2, "session_min"])
    assert table.loc[dl[3] + 2, "session_min"] == 30
    assert pd.isna(table.loc[dl[2] + 2, "set"])  # not a set number: not guessed
    dropped = log.report[log.report["column"] == "session_min"]
    assert list(dropped["line"]) == [dl[0] + 2, dl[1] + 2]
    assert set(dropped["action"]) == {"coerced"}


@settings(max_examples=examples(60))
@given(load=st.floats(-1e6, 1e6, allow_nan=False), reps=st.integers(-5, 10**6),
       hold=st.floats(-10, 1e5, allow_nan=False))
def test_imported_values_are_exactly_the_values_in_range(load, reps, hold):
    log = parse_log(strong(f"{DAY},A,Deadlift,1,{load!r},{reps},{hold!r}"))
    accounted(log)
    ok = load >= 0 and round(load, 6) <= 500 and 0 <= reps <= 100 and 0 <= hold <= 600
    assert log.rows_imported == int(ok)
    if ok and round(load, 6):
        assert log.table["load_kg"].iloc[0] == pytest.approx(round(load, 6))


# --- 2. overflow --------------------------------------------------------------------------

@pytest.mark.parametrize("reps", ["inf", "1e20", "99999999999999999999", "-inf", "1e400"])
def test_overflow_reps_are_rejected_with_a_report_row(reps, tmp_path):
    log = parse_log(strong(f"{DAY},A,Deadlift,1,60,{reps},0", f"{DAY},A,Deadlift,2,60,10,0"))
    accounted(log)
    assert list(log.table["reps"]) == [10]
    r = report_at(log, 2)
    assert (r["column"], r["value"], r["action"]) == ("Reps", reps, "rejected")
    assert r["rule"] == ("negative" if reps.startswith("-") else "reps-range")
    # the same in our template
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=1, deadlift_start_load=60))
    path = write_log_template(plan.table, tmp_path / "log.csv")
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    dl = t.index[t["exercise"] == "deadlift"]
    t.loc[dl, "done_reps"] = "10"
    t.loc[dl[0], "done_reps"] = reps
    t.to_csv(path, index=False)
    log = read_log(path)
    accounted(log)
    assert log.table["reps"].min() == 10 and report_at(log, dl[0] + 2)["action"] == "rejected"


# --- 3. cost bounded by the input's size ----------------------------------------------------

@pytest.mark.parametrize("day", ["0001-01-01 00:00:00", "9999-12-31 23:59:59", "0001-01-01"])
def test_far_dates_are_rejected_before_any_work(day, tmp_path):
    from planner.analysis import analyse

    # (their cost is measured by benchmarks/bench_logs.py: no timed unit tests)
    log = parse_log(strong(f"{day},A,Deadlift,1,60,10,0", f"{DAY},A,Deadlift,2,60,10,0"))
    analyse(log)
    assert report_at(log, 2)["rule"] == "date-range"
    assert log.rows_imported == 1


def test_ragged_rows_are_handled_in_one_pass():
    good = f"{DAY},A,Deadlift,1,60,10,0"
    rows = [good] + [f"{DAY},A,Deadlift,{i},60"[: 30 + i % 5] for i in range(20_000)]
    data = strong(*rows)
    assert len(data) > 500_000
    log = parse_log(data)
    accounted(log)
    assert log.rows_imported == 1 and log.rows_rejected == 20_000
    assert set(log.report["rule"]) == {"ragged-short"}


def _read_log_growth_mb(tmp_path, rows: int) -> float:
    """Resident memory that read_log adds over the imports, in a fresh process (MB).

    VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec from the process that
    started the child (here pytest, often larger than the child), which hid the growth."""
    big = tmp_path / f"big{rows}.csv"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_big_log.py"), str(big),
                    str(rows)], check=True, capture_output=True)
    hwm = "int(next(x for x in open('/proc/self/status') if x.startswith('VmHWM')).split()[1])"
    code = ("import sys\nfrom planner.logs import read_log\nimport planner.analysis\n"
            f"base = {hwm}\n"
            "log = read_log(sys.argv[1])\n"
            f"print({hwm} - base, log.rows_read)")
    out = subprocess.run([sys.executable, "-c", code, str(big)], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""}).stdout.split()
    assert int(out[1]) == rows
    return int(out[0]) / 1024


def test_read_log_memory_stays_within_budget(tmp_path):
    """1.5 GB per million sets: each further 100,000 sets may add 150 MB of resident
    memory, over a fixed part (Arrow's memory pool, the second core's buffers) of at most
    100 MB. Measured here: about 75 MB fixed and 1.0 KB a set."""
    small, large = (_read_log_growth_mb(tmp_path, n) for n in (100_000, 200_000))
    per_100k = large - small
    assert per_100k < 150, f"100,000 more sets grew resident memory by {per_100k:.0f} MB"
    assert small - per_100k < 100, f"fixed part {small - per_100k:.0f} MB (at 100,000: {small:.0f})"


# --- 7. body-weight sets --------------------------------------------------------------------

def test_body_weight_sets_in_strong_unit_column_files():
    log = parse_log(strong(f"{DAY};A;Glute Bridge;1;;;15;;;;0;;",
                           f"{DAY};A;Deadlift (Barbell);1;60;kg;10;;;;0;;",
                           f"{DAY};A;Lying Spinal Twist;1;;;0;;;;8;;",
                           f"{DAY};A;Deadlift (Barbell);2;60;;10;;;;0;;", head=UNIT_HEAD))
    accounted(log)
    t = log.table.set_index("source_line")
    assert t.loc[2, "exercise"] == "glute_bridge" and pd.isna(t.loc[2, "load_kg"])
    assert t.loc[2, "reps"] == 15
    assert t.loc[4, "hold_s"] == 8 and pd.isna(t.loc[4, "load_kg"])
    assert t.loc[3, "load_kg"] == 60
    # a weight with no unit and none given: the one reject
    r = report_at(log, 5)
    assert (r["rule"], r["column"], r["value"]) == ("unit-missing", "Weight Unit", "60")


# --- 8. units -------------------------------------------------------------------------------

def test_units_stated_unit_wins_over_the_option_and_the_report_says_so():
    log = parse_log(strong(f"{DAY},A,Deadlift,1,100,10,0"), unit="lb")
    assert log.table["load_kg"].iloc[0] == 100  # the header says kg
    r = report_at(log, 1)
    assert (r["action"], r["rule"], r["column"], r["value"]) == (
        "note", "unit-stated", "Weight (kg)", "kg")
    assert "the unit given (lb) was not used" in r["problem"]
    same = parse_log(strong(f"{DAY},A,Deadlift,1,100,10,0"), unit="kg")
    assert same.report.empty  # nothing to say when they agree


def test_units_per_row_units_win_and_an_unknown_unit_is_reported():
    rows = (f"{DAY};A;Deadlift;1;100;lbs;10;;;;0;;", f"{DAY};A;Deadlift;2;6;stone;10;;;;0;;",
            f"{DAY};A;Deadlift;3;100;;10;;;;0;;")
    log = parse_log(strong(*rows, head=UNIT_HEAD), unit="kg")
    accounted(log)
    t = log.table.set_index("source_line")
    assert t.loc[2, "load_kg"] == pytest.approx(100 * KG_PER_LB, abs=1e-12)  # lbs wins
    assert t.loc[4, "load_kg"] == 100  # blank unit: the one given
    assert report_at(log, 3)["rule"] == "unit-unknown"  # stone: never read as kg
    assert set(log.report.loc[log.report["line"] == 2, "rule"]) == {"unit-stated"}
    assert set(log.report.loc[log.report["line"] == 4, "rule"]) == {"unit-given"}


def test_units_hevy_plain_weight_column_asks_then_keeps_every_weight():
    head = "title,start_time,end_time,exercise_title,set_index,set_type,weight,reps\n"
    row = "B,\"8 Apr 2026, 16:50\",\"8 Apr 2026, 17:43\",Deadlift (Barbell),{},normal,{},10\n"
    data = (head + row.format(0, 100) + row.format(1, 110)).encode()
    with pytest.raises(LogFormatError, match=r"line 1, column 'weight'.*unit=\"kg\""):
        parse_log(data)
    log = parse_log(data, unit="lb")
    assert list(log.table["load_kg"]) == pytest.approx([100 * KG_PER_LB, 110 * KG_PER_LB])


# --- 9. deadlift variants and aliases -------------------------------------------------------

VARIANTS = ["Romanian Deadlift (Barbell)", "Sumo Deadlift", "Trap Bar Deadlift",
            "Deadlift (Dumbbell)", "Deficit Deadlift", "Paused Deadlift", "Block Deadlift",
            "Smith Machine Deadlift", "Deadlift Old Data"]


def test_deadlift_variants_are_listed_and_aliases_map_a_name(tmp_path):
    rows = [f"{DAY},A,{name},1,60,10,0" for name in ["Deadlift (Barbell)", *VARIANTS]]
    rows.append(f"{DAY},A,Sumo Deadlift,2,60,10,0")  # listed once
    log = parse_log(strong(*rows))
    notes = log.report[log.report["action"] == "note"]
    assert list(notes["value"]) == VARIANTS and set(notes["rule"]) == {"deadlift-variant"}
    assert list(notes["line"]) == list(range(3, 3 + len(VARIANTS)))
    assert (log.table["exercise"] == "deadlift").sum() == 1
    mapped = parse_log(strong(*rows), aliases={"deadlift old data": "deadlift"})
    assert (mapped.table["exercise"] == "deadlift").sum() == 2
    assert "Deadlift Old Data" not in set(mapped.report["value"])
    with pytest.raises(ValueError, match="expected one of"):
        parse_log(strong(*rows), aliases={"Deadlift Old Data": "squat"})
    # the CLI's repeatable --alias on the commands that read logs
    path = tmp_path / "strong.csv"
    path.write_bytes(strong(f"{DAY},A,Deadlift Old Data,1,60,10,0"))
    runner = CliRunner()
    r = runner.invoke(app, ["analyse", str(path), "--out", str(tmp_path / "a")])
    assert r.exit_code == 0 and "no barbell deadlift" in r.output
    r = runner.invoke(app, ["analyse", str(path), "--out", str(tmp_path / "b"), "--alias",
                            "Deadlift Old Data=deadlift", "--alias", "Bridge X=glute_bridge"])
    assert r.exit_code == 0, r.output
    assert "best deadlift e1RM: 80.0 kg" in r.output  # 60 x (1 + 10/30)
    r = runner.invoke(app, ["analyse", str(path), "--out", str(tmp_path / "c"), "--alias", "x"])
    assert r.exit_code == 2 and "--alias" in r.output and "Traceback" not in r.output


def test_deadlift_variants_alias_option_on_next_block(tmp_path):
    """60 kg x 15 on every set, logged under the user's own name: with the alias the next
    block goes up the smallest step (62.5 kg x 10, double progression); without it the log
    holds no deadlift and the plan's 40 kg stays."""
    plan = tmp_path / "plan.csv"
    generate(PlanConfig(start_date=date(2026, 1, 5), weeks=2, deadlift_start_load=40)).to_csv(
        plan)
    log = tmp_path / "log.csv"
    log.write_bytes(strong(*(f"2026-01-0{d} 10:00:00,A,Deadlift Old Data,{i},60,15,0"
                             for d in (5, 7) for i in (1, 2, 3))))
    runner = CliRunner()
    loads = {}
    for name, extra in (("plain", []), ("alias", ["--alias", "Deadlift Old Data=deadlift"])):
        out = tmp_path / f"{name}.csv"
        r = runner.invoke(app, ["next-block", str(plan), str(log), "-o", str(out),
                                "--today", "2026-01-01", *extra])
        assert r.exit_code == 0, r.output
        t = pd.read_csv(out)
        first = t[t["exercise"] == "deadlift"].iloc[0]
        loads[name] = (first["target_reps"], first["load_kg"])
    assert loads == {"plain": (10, 40.0), "alias": (10, 62.5)}


# --- 10. one spec-driven pipeline -----------------------------------------------------------

def test_one_spec_driven_normaliser_owns_every_check():
    from planner.logs import normalise
    from planner.logs.apps import STRONG

    header = ["Date", "Workout Name", "Exercise Name", "Set Order", "Weight (kg)", "Reps",
              "Seconds"]
    cells = [[DAY, "A", "Deadlift", "1", "60", "10", "0"],
             [DAY, "A", "Deadlift", "2", "-5", "10", "0"],
             [DAY, "A", "", "3", "60", "10", "0"],
             [DAY, "A", "Deadlift", "Rest Timer", "", "", ""]]
    raw = pd.DataFrame(cells, columns=[f"f{i}" for i in range(7)], dtype="str")
    raw["_line"] = np.array([2, 5, 6, 9])
    log = normalise(raw, STRONG, header=header, name="mem.csv")
    assert list(log.report["rule"]) == ["negative", "exercise-empty", "rest-timer"]
    assert list(log.report["line"]) == [5, 6, 9]
    assert log.table["source_line"].tolist() == [2] and log.rows_read == 4


SAME_SETS = {
    "strong": "Date,Workout Name,Exercise Name,Set Order,Weight (kg),Reps\n"
              "2026-01-05 10:00:00,A,Deadlift (Barbell),1,60,10\n"
              "2026-01-05 10:00:00,A,Deadlift (Barbell),2,1e20,10\n",
    "hevy": "title,start_time,end_time,exercise_title,set_index,set_type,weight_kg,reps\n"
            "A,\"5 Jan 2026, 10:00\",\"5 Jan 2026, 11:00\",Deadlift (Barbell),0,normal,60,10\n"
            "A,\"5 Jan 2026, 10:00\",\"5 Jan 2026, 11:00\",Deadlift (Barbell),1,normal,1e20,10\n",
    "fitnotes": "Date,Exercise,Category,Weight (kgs),Reps,Distance,Distance Unit,Time\n"
                "2026-01-05,Deadlift,Back,60,10,,,\n"
                "2026-01-05,Deadlift,Back,1e20,10,,,\n",
}


def test_one_spec_driven_normaliser_same_sets_same_result_in_every_format():
    logs = {fmt: parse_log(text.encode()) for fmt, text in SAME_SETS.items()}
    for fmt, log in logs.items():
        assert log.source_format == fmt
        assert log.table[["exercise", "reps", "load_kg"]].values.tolist() == [
            ["deadlift", 10, 60.0]]
        assert list(log.report["rule"]) == ["load-range"]
        assert list(log.report["line"]) == [3]


# --- 11. the smaller reader items -----------------------------------------------------------

def test_template_line_numbers_are_physical_lines(tmp_path):
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=1, deadlift_start_load=60))
    path = write_log_template(plan.table, tmp_path / "log.csv")
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    dl = t.index[t["exercise"] == "deadlift"]
    t.loc[dl, "done_reps"] = "10"
    t.loc[dl[0], "note"] = "two\nlines"
    t.loc[dl[2], "done_reps"] = "ten"
    text = t.to_csv(index=False, lineterminator="\n")
    lines = text.split("\n")
    lines.insert(dl[1] + 1, "")  # a blank line before the second deadlift set
    path.write_text("\n".join(lines))
    log = read_log(path)
    accounted(log)
    physical = path.read_text().split("\n")
    bad = report_at(log, next(i + 1 for i, ln in enumerate(physical) if ",ten," in ln))
    assert bad["rule"] == "number" and bad["value"] == "ten"
    for _, row in log.table.iterrows():
        assert physical[row["source_line"] - 1].startswith(row["key"])


def test_utf16_logs_are_read(tmp_path):
    text = STRONG_HEAD + f"{DAY},Rücken,Deadlift,1,60,10,0\n"
    for codec in ("utf-16", "utf-16-be"):
        path = tmp_path / f"{codec}.csv"
        data = text.encode(codec)
        path.write_bytes(data if codec == "utf-16" else b"\xfe\xff" + data)
        log = read_log(path)
        assert log.table["workout"].tolist() == ["Rücken"]
        assert log.table["load_kg"].tolist() == [60]


def test_ragged_and_duplicate_report_rows_name_a_column():
    log = parse_log(strong(f"{DAY},A,Deadlift,1,60,10,0", f"{DAY},A,Deadlift,1,60,10,0",
                           f"{DAY},A,Deadlift,2,60", f"{DAY},A,Deadlift,3,60,10,0,7,8"))
    accounted(log)
    assert (report_at(log, 3)["column"], report_at(log, 3)["rule"]) == (
        "Set Order", "duplicate-row")
    short = report_at(log, 4)
    assert (short["column"], short["rule"]) == ("Reps", "ragged-short")
    assert "expected 7 fields like the header, found 5" in short["problem"]
    long = report_at(log, 5)
    assert (long["column"], long["rule"]) == ("Seconds", "ragged-long")
    assert "found 9" in long["problem"]


def test_row_count_rule_raises_not_asserts():
    """A real check, not an ``assert``: it still raises under ``python -O``."""
    code = ("import pandas as pd\n"
            "from planner.logs import Log, common\n"
            "log = Log(pd.DataFrame({'x': [1]}), pd.DataFrame({'action': [], 'line': []}),\n"
            "          'strong', 'kg', rows_read=2, path='f.csv')\n"
            "try:\n"
            "    log.check_accounting()\n"
            "except common.LogAccountingError as exc:\n"
            "    print(exc)\n")
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.stdout.strip() == ("f.csv: 2 rows read but 1 imported + 0 rejected + 0 skipped "
                                  "= 1"), out.stderr[-300:]


@pytest.mark.parametrize("stamps", [
    ["2024-03-04T18:00:00Z", "2024-03-04T18:00:00Z"],
    ["2024-03-04T18:00:00+05:00", "2024-03-04 18:00:00"],
    ["2024-03-04T18:00:00Z", "2024-03-04T18:00:00-0300"],
])
def test_dates_with_a_time_zone_give_report_rows(stamps):
    log = parse_log(strong(*(f"{s},A,Deadlift,{i},60,10,0" for i, s in enumerate(stamps, 1))))
    accounted(log)
    assert (log.table["performed_at"] == pd.Timestamp("2024-03-04 18:00")).all()
    tz = log.report[log.report["rule"] == "date-timezone"]
    assert list(tz["line"]) == [i + 2 for i, s in enumerate(stamps) if "T" in s]
    assert set(tz["column"]) == {"Date"}


def test_duplicated_header_column_is_a_clear_error():
    data = strong(f"{DAY},A,Deadlift,1,60,10,10",
                  head="Date,Workout Name,Exercise Name,Set Order,Weight (kg),Reps,Reps\n")
    with pytest.raises(LogFormatError) as info:
        parse_log(data, name="dup.csv")
    message = str(info.value)
    assert message.startswith("dup.csv: line 1, column 7: the column 'Reps' appears twice")
    assert "\n" not in message
    # a repeated column that no check reads is no obstacle
    ok = parse_log(strong(f"{DAY},A,Deadlift,1,60,10,0,1,2",
                          head=STRONG_HEAD.strip() + ",Distance,Distance\n"))
    assert ok.rows_imported == 1


def test_template_side_must_be_both_left_or_right(tmp_path):
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=1, deadlift_start_load=60))
    path = write_log_template(plan.table, tmp_path / "log.csv")
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    dl = t.index[t["exercise"] == "deadlift"]
    t.loc[dl, "done_reps"] = "10"
    t.loc[dl[0], "side"] = "sideways"
    t.loc[dl[1], "side"] = "Left"
    t.to_csv(path, index=False)
    log = read_log(path)
    accounted(log)
    assert report_at(log, dl[0] + 2)["rule"] == "side"
    assert log.table.set_index("source_line").loc[dl[1] + 2, "side"] == "left"


def test_report_rows_carry_a_stable_rule_code():
    log = parse_log(io.BytesIO(strong(f"{DAY},A,Deadlift,1,sixty,10,0")).read())
    assert list(log.report.columns) == ["file", "line", "column", "value", "problem", "action",
                                        "rule"]
    assert log.report["rule"].tolist() == ["number"]


def test_session_stamps_written_by_numpy_match_strftime():
    from planner.logs.normalise import _stamps

    times = np.array(["1980-01-01T06:41:59", "NaT", "1900-02-03T01:02:03", "2026-11-26T23:59:00",
                      "1970-01-01T00:00:00", "9999-12-31T23:59:59"], dtype="datetime64[s]")
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d", "%d.%m.%Y"):
        expected = pd.DatetimeIndex(times).strftime(fmt).to_numpy(dtype=object)
        got = _stamps(times, fmt)
        assert pd.isna(got[1]) and pd.isna(expected[1])
        assert np.delete(got, 1).tolist() == np.delete(expected, 1).tolist()


def test_repeated_rows_found_when_the_codes_overflow_one_integer():
    from planner.logs.normalise import _repeats

    rng = np.random.default_rng(3)
    n = 5000
    # five columns of a million values each cannot be packed into 62 bits at once
    wide = [rng.integers(0, 4, n) for _ in range(5)] + [rng.integers(0, 2, n)]
    columns = [pd.Series(pd.Categorical.from_codes(
        codes, categories=pd.RangeIndex(1_000_000 if i < 5 else 2))) for i, codes in
        enumerate(wide)]
    at = np.sort(rng.choice(n, 4000, replace=False))
    expected = pd.DataFrame({i: c[at] for i, c in enumerate(wide)}).duplicated()
    got = _repeats(columns, at)
    assert got.sum() > 0 and got.tolist() == expected.tolist()
    # rows equal in the wide columns but not in the last one are no repeats
    assert not _repeats([columns[0], columns[5]], np.array([0]))[0]


# A Hevy log with every kind of problem the checks report: a rolled-over date, a bad set
# type, text and a negative number for reps, a short and a long row, a row twice, a
# blank line, a note on two lines and an unnamed exercise; sessions newest first.
HEVY_HEAD = ('"title","start_time","end_time","description","exercise_title","superset_id",'
             '"exercise_notes","set_index","set_type","weight_kg","reps","distance_km",'
             '"duration_seconds","rpe"\n')


def messy_hevy(sessions: int = 40) -> bytes:
    rows = []
    for s in range(sessions, 0, -1):
        day = date(2025, 1, 1) + timedelta(days=s)
        at = f'"Back","{day:%d %b %Y}, 1{s % 10}:05","{day:%d %b %Y}, 1{s % 10}:55","",'
        sets = [f'{at}"Deadlift (Barbell)",,"",0,"warmup",60,5,,,',
                f'{at}"Deadlift (Barbell)",,"",1,"normal",100,5,,,8',
                f'{at}"Romanian Deadlift (Barbell)",,"",2,"normal",80,8,,,',
                f'{at}"Glute Bridge",,"",3,"failure",,12,,,',
                f'{at}"Plank",,"",4,"normal",,,,30,']
        if s % 4 == 0:
            sets += [sets[-1],  # a repeated row
                     '"Back","30 Feb 2025, 10:05","30 Feb 2025, 10:55","","Plank",,"",5,'
                     '"normal",,,,30,',
                     f'{at}"Plank",,"",6,"stretching",,,,30,',
                     f'{at}"Glute Bridge",,"",7,"normal",,twelve,,,',
                     f'{at}"Glute Bridge",,"",8,"normal",,-12,,,',
                     f'{at}"Glute Bridge",,"",9,"normal"',
                     f'{at}"Glute Bridge",,"",10,"normal",,12,,,,7',
                     "",
                     f'{at}"Glute Bridge",,"on\ntwo lines",11,"normal",,12,,,',
                     f'{at}"",,"",12,"normal",,12,,,']
        rows += sets
    return (HEVY_HEAD + "\n".join(rows) + "\n").encode()


def _same_logs(a: Log, b: Log) -> None:
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
    pd.testing.assert_frame_equal(a.report, b.report, check_exact=True)
    assert (a.source_format, a.unit, a.rows_read, a.path, a.notes) == (
        b.source_format, b.unit, b.rows_read, b.path, b.notes)


def test_threaded_checks_give_the_serial_log(monkeypatch):
    from planner.logs import parallel

    data = DATA / "logs"
    logs = [(messy_hevy(), None), (messy_hevy(), "lb")]
    logs += [(p.read_bytes(), u) for p in sorted(data.glob("*.csv")) for u in ("kg", "lb")]
    for content, unit in logs:
        monkeypatch.setattr(parallel, "PARALLEL_ROWS", 10 ** 9)  # serial: the plain path
        serial = parse_log(content, unit=unit, name="x.csv")
        monkeypatch.setattr(parallel, "PARALLEL_ROWS", 0)  # every log on two threads
        threaded = parse_log(content, unit=unit, name="x.csv")
        _same_logs(serial, threaded)
    rules = set(parse_log(messy_hevy(), name="x.csv").report["rule"])
    assert {"date", "set-type", "number", "negative", "ragged-short", "ragged-long",
            "duplicate-row", "exercise-empty"} <= rules


def test_an_error_in_a_threaded_check_surfaces_unchanged(monkeypatch):
    from planner.logs import parallel

    normalise_module = sys.modules["planner.logs.normalise"]

    def broken(*args):
        raise LogFormatError("x.csv: line 2, column 'start_time': a broken date parser")

    monkeypatch.setattr(parallel, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(normalise_module, "parse_times", broken)
    with pytest.raises(LogFormatError, match=r"^x\.csv: line 2, column 'start_time': a "
                                             r"broken date parser$"):
        parse_log(messy_hevy(), name="x.csv")
    # the same through a Later on the worker thread, and computed in place
    for background in (True, False):
        later = parallel.Later(background, int, "twelve")
        with pytest.raises(ValueError, match=r"^invalid literal for int\(\) with base 10: "
                                             r"'twelve'$"):
            later.result()


def test_one_core_or_a_small_log_stays_on_one_thread(monkeypatch):
    import os

    from planner.logs import parallel

    assert not parallel.parallel(parallel.PARALLEL_ROWS - 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert parallel.parallel(parallel.PARALLEL_ROWS)
    for cores in (1, None):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        assert not parallel.parallel(10 ** 7)
    # computed where its result is asked for, once
    calls = []
    later = parallel.Later(False, lambda: calls.append(1) or len(calls))
    assert calls == [] and later.result() == 1 and later.result() == 1 and calls == [1]
