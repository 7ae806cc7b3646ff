"""Log readers: our fixtures for every format and variant, the shared real exports,
a corpus of broken files, and fuzzing. Every row is imported or reported."""

from __future__ import annotations

import contextlib
import csv
from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import PlanConfig, generate
from planner.logs import RULES, Log, LogFormatError, parse_log, read_log, write_log_template
from planner.logs.common import ACTIONS
from planner.units import KG_PER_LB
from tests.paths import DATA, EXPORTS

LOGS = DATA / "logs"
SHARED = EXPORTS


def conserved(log: Log) -> None:
    assert log.rows_read == log.rows_imported + log.rows_rejected + log.rows_skipped
    if len(log.report):
        assert set(log.report["action"]) <= set(ACTIONS)
        assert (log.report["file"] == log.path).all()
        # every report row carries its rule's stable code, and the rule's action
        assert [RULES[r][0] for r in log.report["rule"]] == list(log.report["action"])


def rows(log: Log, line: int) -> pd.Series:
    return log.table.set_index("source_line").loc[line]


# --- Strong ---------------------------------------------------------------------------------

def test_strong_comma_needs_the_unit():
    with pytest.raises(LogFormatError, match='pass unit="kg" or unit="lb"'):
        read_log(LOGS / "strong_comma.csv")


def test_strong_comma_variants():
    log = read_log(LOGS / "strong_comma.csv", unit="kg")
    conserved(log)
    assert log.source_format == "strong" and log.rows_read == 9
    skipped = log.report[log.report["action"] == "skipped"]  # not a set: not "rejected"
    assert list(skipped["line"]) == [5] and "rest timer" in skipped["problem"].iloc[0]
    assert (log.report["action"] != "rejected").all()
    assert rows(log, 2)["set_type"] == "warmup"
    assert rows(log, 9)["set_type"] == "failure"
    assert rows(log, 4)["reps"] == 10  # written 10.0
    assert rows(log, 8)["load_kg"] == 150.0  # 149.99999999999997
    assert rows(log, 8)["workout"] == "Morning"  # leading space trimmed
    assert rows(log, 8)["session_min"] == 66  # 1h 6m
    assert rows(log, 2)["session_min"] == 52
    assert rows(log, 6)["exercise"] == "Romanian Deadlift (Barbell)"  # a different lift
    assert rows(log, 7)["exercise"] == "glute_bridge" and pd.isna(rows(log, 7)["load_kg"])
    assert rows(log, 10)["exercise"] == "rotational_stretch" and rows(log, 10)["hold_s"] == 8
    assert rows(log, 3)["note"] == "felt good" and rows(log, 4)["rpe"] == 7.5


def test_strong_semicolon_with_unit_in_header_and_decimal_commas():
    log = read_log(LOGS / "strong_semicolon_kg.csv")
    conserved(log)
    assert log.unit == "kg" and list(log.table["load_kg"][:2]) == [62.5, 62.5]
    assert (log.report["problem"] == "decimal comma read as a decimal point").sum() == 2
    assert log.table["session_min"].iloc[0] == 30  # Duration (sec) 1800
    assert "Hip Thrust (Barbell)" in set(log.table["exercise"])


def test_strong_headerless_with_a_unit_per_row():
    log = read_log(LOGS / "strong_headerless_units.csv")
    conserved(log)
    assert log.rows_read == 4 and log.rows_imported == 3
    assert rows(log, 1)["load_kg"] == pytest.approx(135 * KG_PER_LB, abs=1e-12)
    assert rows(log, 2)["load_kg"] == 60
    bad = log.report.iloc[0]
    assert (bad["line"], bad["column"], bad["value"], bad["action"]) == (
        4, "Weight Unit", "stone", "rejected")


def test_strong_unit_column_without_notes_and_text_in_reps():
    log = read_log(LOGS / "strong_unit_column_no_notes.csv")
    conserved(log)
    bad = log.report.iloc[0]
    assert (bad["line"], bad["column"], bad["value"]) == (3, "Reps", "ten")
    assert "expected a number" in bad["problem"]


# --- Hevy -----------------------------------------------------------------------------------

def test_hevy_pound_account_us_dates_newest_first():
    log = read_log(LOGS / "hevy_lb.csv")
    conserved(log)
    assert log.unit == "lb"
    t = log.table
    assert t["performed_at"].is_monotonic_increasing
    assert t["performed_at"].iloc[0] == pd.Timestamp("2026-06-08 18:15")
    assert list(t["set_type"]) == ["working", "drop", "warmup", "working", "working"]
    assert t["load_kg"].iloc[0] == pytest.approx(135 * KG_PER_LB)
    assert t["session_min"].iloc[0] == 35
    assert pd.isna(t.loc[t["exercise"] == "glute_bridge", "load_kg"]).all()
    assert t["rpe"].iloc[3] == 8.5


def test_hevy_semicolon_without_superset_column():
    log = read_log(LOGS / "hevy_semicolon_kg.csv")
    conserved(log)
    assert list(log.table["set_type"]) == ["working", "working", "failure"]
    assert log.table.loc[log.table["exercise"] == "rotational_stretch", "hold_s"].iloc[0] == 8


# --- FitNotes -------------------------------------------------------------------------------

def test_fitnotes_ragged_row_rejoined_and_reported():
    log = read_log(LOGS / "fitnotes_kgs_ragged.csv")
    conserved(log)
    assert log.rows_imported == 4
    fixed = log.report[log.report["action"] == "coerced"].iloc[0]
    assert fixed["line"] == 4 and fixed["value"] == "Stretch, Lying Twist"
    assert rows(log, 4)["hold_s"] == 8  # 0:00:08
    assert list(log.table["set"][:2]) == [1, 2]  # equal sets are normal in FitNotes


def test_fitnotes_unit_column():
    log = read_log(LOGS / "fitnotes_unit_column.csv")
    assert rows(log, 2)["load_kg"] == pytest.approx(135 * KG_PER_LB)
    assert rows(log, 2)["exercise"] == "deadlift"  # Conventional Deadlift
    assert rows(log, 3)["exercise"] == "Sumo Deadlift"


# --- our template ---------------------------------------------------------------------------

@pytest.fixture
def plan():
    return generate(PlanConfig(start_date=date(2026, 1, 5), weeks=2, deadlift_start_load=60))


def test_template_round_trip_and_skipped_rows(plan, tmp_path):
    path = write_log_template(plan.table, tmp_path / "log.csv")
    with pytest.raises(FileExistsError):
        write_log_template(plan.table, path)
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    dl = t["exercise"] == "deadlift"
    t.loc[dl, "done_reps"] = "10"
    t.loc[dl.idxmax(), "pain_during"] = "12"
    t.loc[dl.idxmax(), "note"] = "=cmd|' /C calc'!A0"
    t.to_csv(path, index=False)
    log = read_log(path)
    conserved(log)
    assert log.source_format == "template"
    assert log.rows_imported == dl.sum() and log.rows_skipped == len(t) - dl.sum()
    first = log.table.iloc[0]
    assert first["load_kg"] == 60 and first["key"] == "W01D1-deadlift-1-both"
    assert pd.isna(first["pain_during"])  # 12 is off the 0-10 scale: dropped and reported
    assert first["note"] == "=cmd|' /C calc'!A0"
    assert ((log.report["column"] == "pain_during") & (log.report["action"] == "coerced")).any()


def test_template_in_pounds(tmp_path):
    plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=1, unit="lb",
                               deadlift_start_load=135))
    path = write_log_template(plan.table, tmp_path / "log.csv", unit="lb")
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert "done_load_lb" in t.columns
    t.loc[t["exercise"] == "deadlift", "done_reps"] = "10"
    t.to_csv(path, index=False)
    log = read_log(path)
    assert log.unit == "lb"
    assert log.table["load_kg"].iloc[0] == pytest.approx(135 * KG_PER_LB, abs=1e-12)


# --- the shared real exports ---------------------------------------------------------------

SHARED_FILES = {"strong_s1_kg.csv": "kg", "strong_s0_alt.csv": "kg",
                "strong_s3_example.csv": None, "hevy_felipe.csv": None,
                "fitnotes_f1.csv": None}


def _seconds(text: str) -> float:
    """A timed set's seconds as the app writes them (FitNotes H:MM:SS), computed by hand."""
    text = text.strip()
    if not text:
        return 0.0
    if ":" in text:
        h, m, sec = ([0] + [int(x) for x in text.split(":")])[-3:]
        return h * 3600 + m * 60 + sec
    return float(text)


def _shared_records(name: str) -> tuple[list[str], list[list[str]]]:
    """The header (folded) and the data records of a shared export, read by the csv module."""
    delim = ";" if "s3" in name else ","
    with (SHARED / name).open(newline="", encoding="utf-8-sig") as fh:
        records = [r for r in csv.reader(fh, delimiter=delim) if any(c.strip() for c in r)]
    return [h.strip().lower() for h in records[0]], records[1:]


@pytest.mark.parametrize("name", sorted(SHARED_FILES))
def test_shared_real_exports(name):
    """Every shared export reads with the row count rule holding and nothing rejected
    (their long timed sets are cardio, not holds), and deadlift variants are listed."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"the shared fixtures folder {SHARED} is absent")
    head, data = _shared_records(name)
    name_col = next(i for i, h in enumerate(head)
                    if h in ("exercise name", "exercise_title", "exercise"))
    barbell = {"deadlift (barbell)", "conventional deadlift", "deadlift", "barbell deadlift"}
    expected_dl = sum(r[name_col].strip().lower() in barbell for r in data)
    log = read_log(path, unit=SHARED_FILES[name])
    conserved(log)
    assert log.rows_read == len(data)
    assert log.rows_rejected == 0 and log.rows_imported == len(data)
    assert (log.table["exercise"] == "deadlift").sum() == expected_dl
    # Other lifts keep their own names: nothing is dropped or merged into ours.
    others = sum(r[name_col].strip().lower() not in barbell for r in data)
    assert (log.table["exercise"] != "deadlift").sum() == others
    variants = {r[name_col].strip() for r in data if "deadlift" in r[name_col].lower()
                and r[name_col].strip().lower() not in barbell}
    notes = log.report[log.report["rule"] == "deadlift-variant"]
    assert set(notes["value"]) == variants and len(notes) == len(variants)


@pytest.mark.parametrize(("name", "cardio"), [("fitnotes_f1.csv", 77), ("hevy_felipe.csv", 1)])
def test_shared_cardio_sets_are_imported_not_rejected(name, cardio):
    """A cardio set's duration (a 30-minute run) is not a hold: the hold range (0-600 s)
    applies to the stretch only. The set is imported, its duration dropped with a note."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"the shared fixtures folder {SHARED} is absent")
    head, data = _shared_records(name)
    time_col = next(i for i, h in enumerate(head) if h in ("duration_seconds", "time"))
    long = [i + 2 for i, r in enumerate(data) if _seconds(r[time_col]) > 600]
    assert len(long) == cardio
    log = read_log(path)
    conserved(log)
    assert log.rows_rejected == 0 and log.rows_imported == len(data)
    imported = log.table.set_index("source_line")
    assert imported.loc[long, "hold_s"].isna().all()  # never a 30-minute "hold"
    assert (log.table["hold_s"].dropna() <= 600).all()
    noted = log.report[log.report["rule"] == "timed-not-hold"]
    assert sorted(noted["line"]) == long
    assert set(noted["action"]) == {"coerced"}



# --- broken files: a clear error, never a traceback ----------------------------------------

BROKEN = {
    "empty.csv": (b"", "the file is empty"),
    "blank_lines.csv": (b"\n\n  \n", "the file is empty"),
    "binary.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    "pipes.csv": (b"Date|Exercise Name|Set Order|Weight|Reps\n2026-01-01|Deadlift|1|60|10\n",
                  "not a workout log"),
    "missing_columns.csv": (b"Date,Reps\n2026-01-01,10\n", "not a workout log"),
    "header_only.csv": (b"Date,Workout Name,Exercise Name,Set Order,Weight (kg),Reps\n"
, "header but no rows"),
    "plan.csv": (b"key,week,day,date,session_id,exercise,set,target_reps\n", "plan, not a log"),
    "junk_text.csv": (b"hello world\nthis is not a log\n", "not a workout log"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_give_clear_errors(tmp_path, name):
    content, message = BROKEN[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LogFormatError, match=message) as info:
        read_log(path)
    assert str(path) in str(info.value)


def test_bom_latin1_and_unterminated_quote_import_with_report(tmp_path):
    head = "Date,Workout Name,Exercise Name,Set Order,Weight (kg),Reps\n"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + (head + "2026-01-05 10:00:00,A,Deadlift,1,60,10\n").encode())
    assert read_log(bom).rows_imported == 1
    latin = tmp_path / "latin.csv"
    latin.write_bytes((head + "2026-01-05 10:00:00,Rücken,Deadlift,1,60,10\n").encode("cp1252"))
    log = read_log(latin)
    assert log.table["workout"].iloc[0] == "Rücken"
    assert "Windows-1252" in log.report["problem"].iloc[0]
    quote = tmp_path / "quote.csv"
    quote.write_text(head + '2026-01-05 10:00:00,"A,Deadlift,1,60,10\n')
    try:
        conserved(read_log(quote))
    except LogFormatError as exc:
        assert str(quote) in str(exc)


def test_text_duplicates_and_future_dates_are_reported(tmp_path):
    head = "Date,Workout Name,Exercise Name,Set Order,Weight (kg),Reps,RPE\n"
    row = "2026-01-05 10:00:00,A,Deadlift,1,60,10,8\n"
    path = tmp_path / "x.csv"
    path.write_text(head + row + row + "2999-01-01 10:00:00,A,Deadlift,2,90,10,14\n"
                    + "2026-01-05 10:00:00,A,Deadlift,3,sixty,10,\n"
                    + "2026-01-05 10:00:00,A,Deadlift,4,60,10,14\n")
    log = read_log(path)
    conserved(log)
    r = log.report.set_index(["line", "column"])
    assert r.loc[(3, "Set Order"), "rule"] == "duplicate-row"  # the repeated row, kept
    assert r.loc[(4, "Date"), "rule"] == "date-range"  # in the future: rejected
    assert r.loc[(5, "Weight (kg)"), "rule"] == "number"
    assert r.loc[(6, "RPE"), "rule"] == "scale-range"  # RPE 14: off the scale, dropped
    assert log.rows_imported == 3 and log.rows_rejected == 2


# --- fuzzing --------------------------------------------------------------------------------

VALID = (LOGS / "strong_comma.csv").read_bytes()
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_only_raise_log_format_error(data):
    with contextlib.suppress(LogFormatError):
        conserved(parse_log(data, unit="kg"))


@FUZZ
@given(st.data())
def test_mutated_valid_files(data):
    lines = VALID.decode().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        action = data.draw(st.sampled_from(["keep", "drop", "dup", "junk", "cut"]))
        if action == "drop" and len(cells) > 1:
            cells.pop(data.draw(st.integers(0, len(cells) - 1)))
        elif action == "dup":
            cells.insert(0, cells[0])
        elif action == "junk":
            i = data.draw(st.integers(0, len(cells) - 1))
            cells[i] = data.draw(st.text(max_size=12))
        elif action == "cut":
            cells = cells[: data.draw(st.integers(0, len(cells)))]
        out.append(",".join(cells))
    text = "\n".join(out) + "\n"
    with contextlib.suppress(LogFormatError):
        conserved(parse_log(text, unit=data.draw(st.sampled_from(["kg", "lb"]))))


def test_template_bad_date_and_text_reps_rejected_with_line_and_column(plan, tmp_path):
    path = write_log_template(plan.table, tmp_path / "log.csv")
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    dl = t.index[t["exercise"] == "deadlift"]
    t.loc[dl, "done_reps"] = "10"
    t.loc[dl[0], "date"] = "05/01/2026"
    t.loc[dl[1], "done_reps"] = "ten"
    t.loc[dl[2], "key"] = t.loc[dl[3], "key"]  # the same planned set logged twice
    t.to_csv(path, index=False)
    log = read_log(path)
    conserved(log)
    r = log.report.set_index("line")
    assert (r.loc[dl[0] + 2, "column"], r.loc[dl[0] + 2, "action"]) == ("date", "rejected")
    assert (r.loc[dl[1] + 2, "column"], r.loc[dl[1] + 2, "value"]) == ("done_reps", "ten")
    assert r.loc[dl[3] + 2, "problem"] == "this planned set is logged twice; both kept"
    assert log.rows_imported == len(dl) - 2


def test_log_template_from_a_plan_keeps_its_unit(tmp_path):
    from planner import PlanConfig, generate, write_log_template

    plan = generate(PlanConfig(unit="lb", start_date="2026-01-05", weeks=1))
    path = write_log_template(plan, tmp_path / "log.csv")
    header = path.read_text().splitlines()[0].split(",")
    assert "load_lb" in header and "done_load_lb" in header and "load_kg" not in header


@pytest.mark.parametrize("block", [97, 256, 1000, 1 << 24])
@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize("ragged", [False, True])
def test_blocks_cut_at_any_line_end_read_like_the_careful_reader(monkeypatch, block,
                                                                 multiline, ragged):
    # the fast read (blocks cut at any line end) is kept only when it is right; a quoted
    # note over several lines, wherever a block ends, sends the file to the careful read
    # (which numbers the lines: a record after the note keeps its own line number)
    from planner.logs import source

    head = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Seconds,Notes\n"
    rows = []
    for i in range(120):
        end = "\n" if i % 2 else "\r"  # a value may hold either line end
        note = f'"line one{end}line ""two"", {i}"' if multiline and i % 17 == 5 else f"n{i % 3}"
        rows.append(f"2024-03-{1 + i // 10:02d} 10:00:00,A,1h,Deadlift,{i % 10 + 1},"
                    f"{60 + i % 7},5,,{note}")
    if ragged:
        rows[40] += ",extra"
    text = head + "\r\n".join(rows[:60]) + "\n\n" + "\n".join(rows[60:]) + "\n"

    def read():
        log = parse_log(text.encode(), unit="kg", name="s.csv")
        return log.table, log.report

    monkeypatch.setattr(source, "BLOCK_BYTES", block)
    fast = read()
    monkeypatch.setattr(source, "_quick_read", lambda *args: None)
    careful = read()
    pd.testing.assert_frame_equal(fast[0], careful[0])
    pd.testing.assert_frame_equal(fast[1], careful[1])
    assert len(fast[0]) == 120 - ragged
    # line numbers by hand: header 1, rows 2-61, an empty line 62, rows 63-122, each
    # note over two lines pushing the rows after it one line on
    extra = [sum(1 for j in range(i) if multiline and j % 17 == 5) for i in range(120)]
    expected = [2 + i + (i >= 60) + extra[i] for i in range(120) if not (ragged and i == 40)]
    assert fast[0]["source_line"].tolist() == expected
