"""The exports of logging apps (Strong, Hevy, FitNotes), each as a column spec.

Variants handled (see the project's fixture notes): Strong with comma or
semicolon, with a unit in the header, a unit column or none (then the caller
must say), with no header row, with Rest Timer rows (rejected: not sets),
W/WARM_UP/F/FAILURE/D set orders, reps like "10.0", durations like "1h 6m" or in
seconds; Hevy kg and lb accounts (and a plain ``weight`` column, in the unit the
caller gives), "8 Apr 2026, 16:50" and "Jun 11, 2026, 1:01 PM" dates,
newest-first rows, 0-based set indexes and set types; FitNotes with the unit in
the header or a column, times as H:MM:SS, and exercise names whose commas split
the row (re-joined and reported). Every check is in planner.logs.normalise.

Loads are rounded to 6 decimals in the file's unit before the exact conversion
to kg: float noise such as 149.99999999999997 is not reported.
"""

from __future__ import annotations

from planner.logs.normalise import Spec

STRONG_HEADERLESS = ["Date", "Workout Name", "Exercise Name", "Set Order", "Weight",
                     "Weight Unit", "Reps", "RPE", "Distance", "Distance Unit", "Seconds",
                     "Notes", "Workout Notes"]
STRONG_SET_TYPES = {"w": "warmup", "warm_up": "warmup", "warmup": "warmup", "f": "failure",
                    "failure": "failure", "d": "drop", "drop": "drop", "dropset": "drop"}
HEVY_SET_TYPES = {"normal": "working", "warmup": "warmup", "dropset": "drop",
                  "failure": "failure"}
ISO_TIMES = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")

STRONG = Spec(
    fmt="strong",
    columns={"date": ("Date",), "workout": ("Workout Name",), "exercise": ("Exercise Name",),
             "set": ("Set Order",),
             "load": ("Weight (kg)", "Weight (kgs)", "Weight (lbs)", "Weight (lb)", "Weight"),
             "unit": ("Weight Unit",), "reps": ("Reps",), "rpe": ("RPE",),
             "hold": ("Seconds",), "duration": ("Duration",), "duration_s": ("Duration (sec)",),
             "note": ("Notes",), "workout_note": ("Workout Notes",)},
    date_formats=ISO_TIMES,
    date_example="2024-03-28 15:24:28",
    header_units={"weight (kg)": "kg", "weight (kgs)": "kg", "weight (lbs)": "lb",
                  "weight (lb)": "lb"},
    set_types=STRONG_SET_TYPES,
    set_types_expected="a set number or W, F, D, WARM_UP, FAILURE",
    numbered_sets=True,
)

HEVY = Spec(
    fmt="hevy",
    columns={"date": ("start_time",), "end": ("end_time",), "workout": ("title",),
             "exercise": ("exercise_title",), "set_type": ("set_type",),
             "load": ("weight_kg", "weight_lbs", "weight_lb", "weight"), "reps": ("reps",),
             "rpe": ("rpe",), "hold": ("duration_seconds",), "note": ("exercise_notes",),
             # the workout's description: where people write how the session went (and a
             # symptom); a set's own exercise note wins over it
             "workout_note": ("description",)},
    date_formats=("%d %b %Y, %H:%M", "%b %d, %Y, %I:%M %p", *ISO_TIMES),
    date_example="8 Apr 2026, 16:50 or Jun 11, 2026, 1:01 PM",
    header_units={"weight_kg": "kg", "weight_lbs": "lb", "weight_lb": "lb"},
    set_types=HEVY_SET_TYPES,
    set_types_expected="normal, warmup, dropset or failure",
    # Hevy has no lying rotational stretch: the planner's routines use its built-in
    # "Stretching" exercise (planner.files.hevy), which Hevy's export names so.
    names={"stretching": "rotational_stretch"},
    per_side=("stretching",),
)

FITNOTES = Spec(
    fmt="fitnotes",
    columns={"date": ("Date",), "exercise": ("Exercise",),
             "load": ("Weight (kgs)", "Weight (kg)", "Weight (lbs)", "Weight (lb)", "Weight"),
             "unit": ("Weight Unit",), "reps": ("Reps",), "rpe": ("RPE",), "hold": ("Time",),
             "note": ("Comment",)},
    date_formats=("%Y-%m-%d", "%Y-%m-%d %H:%M:%S"),
    date_example="2019-12-12",
    header_units=STRONG.header_units,
    session="date",
    rejoin="exercise",
    duplicates="none",  # FitNotes does not number its sets: equal sets are normal
    hold_clock=True,
)

# Liftosaur's "Export history to CSV file" (History_exportAsCSV in src/models/history.ts of
# astashov/liftosaur): one row per set, warm-ups flagged "1" in "Is Warmup Set?"; the
# workout's start as ISO time in UTC ("2026-12-07T18:03:12.000Z": the zone is dropped, so an
# evening workout west of Greenwich falls on the next day); exercise names as the app shows
# them (built-ins with their equipment unless it is the default: "Deadlift"; custom ones as
# the user named them); the exercise's notes on each of its rows; no set numbers, sides or
# hold times (a timed set is one rep).
LIFTOSAUR = Spec(
    fmt="liftosaur",
    columns={"date": ("Workout DateTime",), "workout": ("Day Name",),
             "exercise": ("Exercise",), "set_type": ("Is Warmup Set?",),
             "load": ("Completed Weight Value",), "unit": ("Completed Weight Unit",),
             "reps": ("Completed Reps",), "rpe": ("Completed RPE",), "note": ("Notes",)},
    date_formats=ISO_TIMES,
    date_example="2026-12-07T18:03:12.000Z",
    set_types={"0": "working", "1": "warmup"},
    set_types_expected="0 (a working set) or 1 (a warm-up set)",
    duplicates="none",  # no set numbers: equal sets of one exercise are normal
    per_side=("lying rotational stretch",),  # the custom exercise of planner.files.liftosaur
)
