"""The reader quirks of the shared real exports, on small made-up files in the repository.

The shared exports (``tests.paths.EXPORTS``, beside the repository) are not in a clone, and
the tests that read them skip there. Each quirk they show has a synthetic stand-in in
``tests/data/logs`` (``TWINS`` pairs every export with its stand-in), tested here against
values computed by hand, so that a clone alone runs the same reader paths. Two more files
hold quirks the app formats have that the shared exports happen not to show (a BOM, CRLF
line ends, notes over several lines, 12-hour times around midnight and noon, drop sets,
ragged and empty rows). The last tests, when the shared exports are there, check that each
export and its stand-in still read alike (format, unit, report rules, ...).
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
from pathlib import Path

import pandas as pd
import pytest

from planner.catalogue import EXERCISE_IDS
from planner.logs import RULES, SPECS, Log, LogFormatError, detect_format, read_log
from planner.logs.normalise import resolve
from planner.logs.source import open_source
from planner.logs.stream import iter_log
from tests.paths import DATA, EXPORTS

LOGS = DATA / "logs"
LB = 0.45359237  # kg in a pound, exactly

# shared export -> (the synthetic file that stands in for it, the unit the tests pass)
TWINS = {
    "fitnotes_f1.csv": "fitnotes_lbs_distance_time.csv",
    "hevy_felipe.csv": "hevy_kg_newest_first_cardio.csv",
    "strong_s0_alt.csv": "strong_unitless_lb_floats_no_duration.csv",
    "strong_s1_kg.csv": "strong_unitless_duration_bodyweight.csv",
    "strong_s3_example.csv": "strong_semicolon_quoted_sets_from_2.csv",
}
# quirks the shared exports do not show
EXTRAS = ("strong_bom_crlf_lbs_drop_sets.csv", "hevy_multiline_notes_12h_dates_ragged.csv")
# the files that do not say their unit: read with unit="kg"
UNITLESS = ("strong_unitless_lb_floats_no_duration.csv",
            "strong_unitless_duration_bodyweight.csv")


@functools.cache
def read(name: str, unit: str | None = None) -> Log:
    """The file's Log, read once (the tests only look at it)."""
    return read_log(LOGS / name, unit=unit)


def accounted(log: Log, read: int, imported: int, rejected: int = 0, skipped: int = 0
              ) -> None:
    """The counts, and every row either imported or reported (never both)."""
    assert (log.rows_read, log.rows_imported, log.rows_rejected, log.rows_skipped) == (
        read, imported, rejected, skipped)
    assert log.rows_read == log.rows_imported + log.rows_rejected + log.rows_skipped
    r = log.report
    dropped = set(r.loc[r["action"].isin(["rejected", "skipped"]), "line"])
    assert not dropped & set(log.table["source_line"])
    assert [RULES[rule][0] for rule in r["rule"]] == list(r["action"])
    assert (r["file"] == log.path).all()


def reported(log: Log) -> list[tuple]:
    return [(r.line, r.column, r.value, r.rule) for r in log.report.itertuples()]


def row(log: Log, line: int) -> pd.Series:
    return log.table.set_index("source_line").loc[line]


def loads(log: Log, lines: list[int]) -> list:
    """The loads (kg) of ``lines``, None where there is none, to 12 significant digits."""
    return [None if pd.isna(v) else float(f"{v:.12g}") for v in row(log, lines)["load_kg"]]


def kg(*values: float | None) -> list:
    """Loads worked out by hand, to 12 significant digits (as :func:`loads`)."""
    return [None if v is None else float(f"{v:.12g}") for v in values]


# --- FitNotes (as fitnotes_f1.csv) ----------------------------------------------------------

def test_fitnotes_pounds_in_the_header_cardio_distance_and_clock_times():
    name = "fitnotes_lbs_distance_time.csv"
    log = read(name)
    accounted(log, read=14, imported=14)
    assert (log.source_format, log.unit) == ("fitnotes", "lb")
    # a deadlift variant is noted once, at its first row; a run's 24 minutes are no hold
    assert reported(log) == [
        (7, "Exercise", "Romanian Deadlift", "deadlift-variant"),
        (9, "Time", "0:24:10", "timed-not-hold"),
        (11, "Exercise", "Single Leg Deadlift", "deadlift-variant"),
        (13, "Exercise", "Kettlebell Deadlift", "deadlift-variant"),
        (14, "Time", "1:02:00", "timed-not-hold"),
    ]
    t = log.table
    assert list(t["source_line"]) == list(range(2, 16))
    # Weight (lbs): every load converted; 0.0 (body weight) and blanks are no load
    assert loads(log, [2, 4, 6, 7, 8, 11, 15]) == kg(
        None, 135 * LB, 155 * LB, 95 * LB, None, 25 * LB, 185 * LB)
    assert list(t["exercise"][:6]) == ["glute_bridge"] * 2 + ["deadlift"] * 3 + [
        "Romanian Deadlift"]  # Conventional Deadlift is ours, the Romanian its own lift
    assert row(log, 4)["source_exercise"] == "Conventional Deadlift"
    # FitNotes repeats equal sets to the letter: numbered, not flagged as duplicates
    assert list(row(log, [2, 3, 4, 5, 6])["set"]) == [1, 2, 1, 2, 3]
    assert row(log, 15)["set"] == 1  # another day: a new session (the last line, unended)
    # Time H:MM:SS: 8:30 rowing is kept (<= 600 s), 0:00:00 is none, a run's is dropped
    assert row(log, 8)["hold_s"] == 510 and pd.isna(row(log, 8)["reps"])
    assert pd.isna(row(log, 9)["hold_s"]) and pd.isna(row(log, 10)["hold_s"])
    assert row(log, 11)["reps"] == 0
    assert row(log, 9)["performed_at"] == pd.Timestamp("2025-05-08")
    assert row(log, 9)["session_id"] == "2025-05-08"
    assert set(t["set_type"]) == {"working"}
    assert t[["rpe", "session_min", "note", "workout"]].isna().all().all()
    # Distance and Distance Unit (even "kg") are not read
    assert "Distance" not in set(log.report["column"])


def test_fitnotes_a_unit_in_the_header_wins_over_the_one_passed():
    log = read("fitnotes_lbs_distance_time.csv", unit="kg")
    accounted(log, read=14, imported=14)
    assert log.unit == "lb"
    first = log.report.iloc[0]
    assert (first["line"], first["column"], first["value"], first["rule"]) == (
        1, "Weight (lbs)", "lb", "unit-stated")
    assert "the unit given (kg) was not used" in first["problem"]
    pd.testing.assert_frame_equal(log.table, read("fitnotes_lbs_distance_time.csv").table)


# --- Hevy (as hevy_felipe.csv) --------------------------------------------------------------

def test_hevy_kg_newest_first_across_midnight_with_cardio_and_variants():
    log = read("hevy_kg_newest_first_cardio.csv")
    accounted(log, read=11, imported=11)
    assert (log.source_format, log.unit) == ("hevy", "kg")
    # the Romanian deadlift (barbell) is noted at its earliest set in time (line 11, the
    # file's last workout), not at its first line in the file (line 8)
    assert reported(log) == [
        (4, "exercise_title", "Romanian Deadlift (Dumbbell)", "deadlift-variant"),
        (10, "duration_seconds", "1800", "timed-not-hold"),
        (11, "exercise_title", "Romanian Deadlift (Barbell)", "deadlift-variant"),
    ]
    t = log.table
    assert list(t["source_line"]) == [11, 12, 8, 9, 10, 2, 3, 4, 5, 6, 7]  # oldest first
    assert list(row(log, [2, 3, 4, 5, 6, 7, 8, 9])["set_type"]) == [
        "warmup", "working", "working", "failure", "working", "drop", "warmup", "working"]
    assert list(row(log, [2, 3, 4, 5])["set"]) == [1, 2, 1, 2]  # set_index 0, 1 -> 1, 2
    late = row(log, 8)
    assert late["performed_at"] == pd.Timestamp("2025-10-02 23:20")  # "2 Oct 2025, 23:20"
    assert late["date"] == pd.Timestamp("2025-10-02")
    assert late["session_min"] == 75  # ends at 00:35 the next day
    assert late["session_id"] == "2025-10-02T23:20|Late legs 🌙"
    assert row(log, 11)["session_min"] == 48 and row(log, 2)["session_min"] == 57
    assert row(log, 11)["workout"] == "What’s next"
    assert loads(log, [2, 4, 6, 7, 10]) == [None, 22.5, 20.41, 13.61, None]
    # a comma inside quotes; the workout's description is read too
    assert row(log, 4)["note"] == "grip gave out, use straps | slept badly, still ok"
    run = row(log, 10)
    assert run["exercise"] == "Treadmill" and run["note"] == "walked it off, ~5 km/h"
    assert pd.isna(run["reps"]) and pd.isna(run["hold_s"])  # 1800 s kept out of holds
    assert not set(t["exercise"]) & set(EXERCISE_IDS)  # no lift of ours: names as written
    assert t["rpe"].isna().all() and t["hold_s"].isna().all()
    pd.testing.assert_frame_equal(read("hevy_kg_newest_first_cardio.csv", unit="kg").table, t)


# --- Strong (as strong_s0_alt.csv, strong_s1_kg.csv, strong_s3_example.csv) ---------------

@pytest.mark.parametrize("name", UNITLESS)
def test_strong_without_a_unit_asks_for_it(name):
    with pytest.raises(LogFormatError) as info:
        read(name)
    message = str(info.value)
    assert message.startswith(f"{LOGS / name}: line 1, column 'Weight': the file does not "
                              "say whether weights are in kg or lb")
    assert 'pass unit="kg" or unit="lb"' in message


def test_strong_unitless_with_durations_body_weight_and_two_workouts_a_day():
    name = "strong_unitless_duration_bodyweight.csv"
    log = read(name, unit="kg")
    accounted(log, read=10, imported=10)
    assert (log.source_format, log.unit) == ("strong", "kg")
    assert reported(log) == [
        (9, "Exercise Name", "Romanian Deadlift (Barbell)", "deadlift-variant")]
    # Duration "1h", "6m", "2h 32m"
    assert list(row(log, [2, 6, 7])["session_min"]) == [60, 6, 152]
    assert loads(log, [2, 3, 4, 6, 7, 8, 11]) == [60, 62.5, None, None, 100, 110, 42]
    assert list(row(log, [7, 8, 9])["exercise"]) == ["deadlift", "deadlift",
                                                    "Romanian Deadlift (Barbell)"]
    assert row(log, 2)["workout"] == "Bröst och Rygg"
    assert row(log, 6)["workout"] == "Upper - C"  # "Upper - C ": trailing space trimmed
    assert list(log.table["session_id"].unique()) == [
        "2025-03-03T17:05|Bröst och Rygg", "2025-03-03T18:20|Upper - C",
        "2025-03-05T16:45|Lower- A"]
    assert list(row(log, [4, 5])["set"]) == [1, 2] and row(log, 4)["reps"] == 12
    t = log.table
    assert t[["hold_s", "rpe", "note"]].isna().all().all()  # Seconds 0, notes ""
    assert set(t["set_type"]) == {"working"}
    lb = read(name, unit="lb")  # the caller's answer decides
    assert lb.unit == "lb" and row(lb, 7)["load_kg"] == pytest.approx(100 * LB, rel=1e-12)


def test_strong_unitless_pound_floats_without_a_duration_column():
    log = read("strong_unitless_lb_floats_no_duration.csv", unit="kg")
    accounted(log, read=5, imported=5)
    assert (log.source_format, log.unit) == ("strong", "kg")
    assert reported(log) == [(4, "Exercise Name", "Deadlift (Dumbbell)", "deadlift-variant")]
    # 20, 30, 25 lb as the app wrote them in kg; read to 6 decimals
    assert loads(log, [2, 4, 6]) == kg(9.071847, 13.607771, 11.339809)
    assert row(log, 4)["exercise"] == "Deadlift (Dumbbell)"
    assert list(row(log, [4, 5])["set"]) == [1, 2]
    assert row(log, 6)["reps"] == 8  # the last line, without a line end
    assert log.table["session_min"].isna().all()  # no Duration column
    assert log.table["performed_at"].iloc[0] == pd.Timestamp("2024-11-20 06:45:10")


@pytest.mark.parametrize("unit", [None, "kg"])
def test_strong_semicolons_all_quoted_set_orders_from_two(unit):
    log = read("strong_semicolon_quoted_sets_from_2.csv", unit=unit)
    accounted(log, read=5, imported=5)
    assert (log.source_format, log.unit) == ("strong", "kg")  # Weight (kg)
    assert reported(log) == []  # kg passed and stated agree: no note
    assert list(row(log, [2, 5])["session_min"]) == pytest.approx([2710 / 60, 905 / 60])
    assert loads(log, [2, 3, 4, 5]) == [80, 90, 140, 12.5]
    assert list(row(log, [2, 3, 4])["exercise"]) == ["deadlift", "deadlift", "Leg Press"]
    # the reader numbers each exercise's sets 1, 2, ... itself: Strong's "2", "3" (set 1
    # deleted in the app) become 1, 2
    assert list(row(log, [2, 3, 5, 6])["set"]) == [1, 2, 1, 2]
    assert row(log, 6)["reps"] == 8  # the last line ends at a quote, without a line end
    assert row(log, 2)["session_id"] == "2025-06-02T07:15|Legs"
    assert log.table[["hold_s", "rpe", "note"]].isna().all().all()  # "" everywhere


# --- quirks the shared exports do not show ------------------------------------------------

def test_strong_bom_crlf_pounds_set_orders_rest_timer_duplicate_and_multiline_note():
    log = read("strong_bom_crlf_lbs_drop_sets.csv")
    # line 7 is empty (not a row); the note of line 3 runs on to line 4
    accounted(log, read=9, imported=8, skipped=1)  # the rest timer: not a set, skipped
    assert (log.source_format, log.unit) == ("strong", "lb")
    assert reported(log) == [(6, "Set Order", "Rest Timer", "rest-timer"),
                             (9, "Set Order", "1", "duplicate-row")]
    lines = [2, 3, 5, 8, 9, 10, 11, 12]
    assert list(log.table["source_line"]) == lines
    assert list(log.table["set_type"]) == ["warmup", "working", "drop", "working", "working",
                                           "working", "failure", "warmup"]  # W 1 D .. F WARM_UP
    assert loads(log, lines) == kg(95 * LB, 185 * LB, 135 * LB, None, None, None, 185 * LB,
                                   45 * LB)
    assert row(log, 2)["performed_at"] == pd.Timestamp("2025-04-07 07:02")  # BOM not in Date
    assert row(log, 3)["note"] == "bar path\nstayed close"  # a line end is a line end
    assert list(row(log, [3, 5, 11])["rpe"]) == [8, 9, 10]
    assert list(row(log, [2, 3, 5, 11, 12])["set"]) == [1, 2, 3, 4, 5]
    assert list(row(log, [8, 9])["set"]) == [1, 2]  # the repeated row is kept
    twist = row(log, 10)
    assert (twist["exercise"], twist["hold_s"], twist["note"]) == (
        "rotational_stretch", 30, "easy day")  # Workout Notes where Notes is empty
    assert (log.table["session_min"] == 48).all()
    given = read("strong_bom_crlf_lbs_drop_sets.csv", unit="kg")
    assert given.unit == "lb" and reported(given)[0] == (
        1, "Weight (lbs)", "lb", "unit-stated")


def test_hevy_multiline_notes_12_hour_times_ragged_and_empty_rows():
    log = read("hevy_multiline_notes_12h_dates_ragged.csv")
    # lines 7 (empty) and 12 (only commas) are not rows
    accounted(log, read=7, imported=5, rejected=2)
    assert (log.source_format, log.unit) == ("hevy", "kg")
    r = log.report
    assert list(zip(r["line"], r["column"], r["rule"], strict=True)) == [
        (9, "rpe", "ragged-long"), (10, "reps", "ragged-short")]
    assert list(r["problem"]) == [
        "expected 14 fields like the header, found 15: extra fields after this column",
        "expected 14 fields like the header, found 10: no value from this column on"]
    assert r["value"].str.startswith('"Lunch lift","Jan 12, 2026, 12:05 PM"').all()
    assert list(log.table["source_line"]) == [2, 3, 5, 8, 11]
    assert list(log.table["performed_at"]) == [pd.Timestamp(s) for s in (
        "2026-01-09 23:50", "2026-01-09 23:50", "2026-01-09 23:50",  # 11:50 PM
        "2026-01-12 12:05",  # 12:05 PM: noon
        "2026-01-14 00:30")]  # 12:30 AM: after midnight
    assert list(log.table["session_min"]) == [35, 35, 35, 45, 45]  # 11:50 PM -> 12:25 AM
    assert row(log, 3)["note"] == "cue: push the floor\naway, ribs down"
    assert (row(log, 5)["set_type"], row(log, 5)["set"], row(log, 5)["rpe"]) == (
        "working", 2, 7.5)
    twist = row(log, 2)
    assert (twist["exercise"], twist["hold_s"]) == ("rotational_stretch", 45)
    assert pd.isna(twist["reps"])
    assert (row(log, 11)["set_type"], row(log, 11)["load_kg"]) == ("failure", 85)
    assert row(log, 8)["exercise"] == "glute_bridge" and pd.isna(row(log, 8)["load_kg"])


# --- read in chunks (planner.logs.stream), as the clinic's store reads the exports ---------

@pytest.mark.parametrize("name", sorted(TWINS.values()) + list(EXTRAS))
def test_chunks_read_like_the_whole_file(name):
    unit = "kg" if name in UNITLESS else None
    whole = read(name, unit=unit)
    logs = list(iter_log(LOGS / name, unit=unit, chunk_bytes=64))
    if name in TWINS.values():
        assert len(logs) > 1  # really cut between workouts
    table = pd.concat([lg.table for lg in logs]).sort_values(
        ["performed_at", "source_line"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(table, whole.table.reset_index(drop=True))
    order = ["line", "rule", "column"]
    report = pd.concat([lg.report for lg in logs]).sort_values(order).reset_index(drop=True)
    pd.testing.assert_frame_equal(report,
                                  whole.report.sort_values(order).reset_index(drop=True))
    assert sum(lg.rows_read for lg in logs) == whole.rows_read


# --- each shared export and its stand-in read alike -----------------------------------------

def signature(path: Path, unit: str | None) -> dict:
    """What the reader makes of a file, in the terms the quirks above are tested in."""
    data = path.read_bytes()
    src = open_source(path)
    header = src.first_record()
    fmt = detect_format(header)
    text = data.decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=src.delimiter))
    out = {
        "bom": data.startswith(codecs.BOM_UTF8), "crlf": b"\r\n" in data,
        "ends with a line end": data.endswith((b"\n", b"\r")), "delimiter": src.delimiter,
        "fields read": sorted(resolve(header, SPECS[fmt], path.name, 1)) if fmt else None,
        "multi-line values": any("\n" in c or "\r" in c for rec in records for c in rec),
        "empty rows": any(not "".join(rec).strip() for rec in records[1:]),
        "ragged rows": any(len(rec) != len(header) for rec in records[1:] if rec),
    }
    try:
        log = read_log(path, unit=unit)
    except LogFormatError as exc:
        return out | {"error": str(exc).replace(str(path), "<file>")}
    t = log.table
    return out | {
        "format": log.source_format, "unit": log.unit,
        "rules": sorted(set(log.report["rule"])),
        "set types": sorted(set(t["set_type"])),
        "our exercises": sorted(set(t["exercise"]) & set(EXERCISE_IDS)),
        "filled": [c for c in ("hold_s", "rpe", "note", "session_min", "workout")
                   if t[c].notna().any()],
        "loads missing": bool(t["load_kg"].isna().any()),
        "file order is time order": bool(t["source_line"].is_monotonic_increasing),
        "all imported": log.rows_imported == log.rows_read,
    }


def test_every_shared_export_has_a_stand_in():
    if not EXPORTS.is_dir():
        pytest.skip(f"the shared exports folder {EXPORTS} is absent")
    unmapped = sorted(p.name for p in EXPORTS.glob("*.csv") if p.name not in TWINS)
    assert unmapped == [], (
        f"shared exports without a stand-in: {unmapped}; add a small synthetic file with "
        "the same quirks to tests/data/logs/ and map it in TWINS, so that a clone alone "
        "runs every reader path")


@pytest.mark.parametrize("export", sorted(TWINS))
def test_shared_export_and_its_stand_in_read_alike(export):
    path = EXPORTS / export
    if not path.exists():
        pytest.skip(f"the shared export {path} is absent")
    for unit in (None, "kg"):  # the shared-export tests read with each
        assert signature(path, unit) == signature(LOGS / TWINS[export], unit), (
            f"{export} and {TWINS[export]} no longer read alike (unit={unit!r})")
