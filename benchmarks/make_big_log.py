"""Write a log of about 1,000,000 sets (for the log benchmark), in one of four formats.

Run: .venv/bin/python benchmarks/make_big_log.py OUT.csv [SETS] [FORMAT]

FORMAT is ``template`` (a filled-in log template, the default), ``strong``, ``hevy`` or
``fitnotes``. The app exports copy the layout of real exports (the shared fixtures
strong_s1_kg.csv, hevy_felipe.csv, fitnotes_f1.csv): the same header, quoting, date and
duration styles. Each session holds the stretch (timed holds), deadlift warm-ups and
working sets, a deadlift variant, glute bridges (body weight), other lifts, a plank and
a treadmill run (a cardio duration, not a hold); some sets carry notes with commas and
quotes. Sessions run from 1980 to yesterday, about two a day (time and workout name
differ), so that every row is in the readers' date range.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

import numpy as np
import pandas as pd

from planner import PlanConfig, generate
from planner.files.plan_csv import plan_to_frame
from planner.logs.template import template_columns
from planner.plan import Plan

FORMATS = ("template", "strong", "hevy", "fitnotes")


def big_plan(sets: int) -> Plan:
    """104-week blocks until ``sets`` rows, all between 1978 and yesterday (the readers
    reject dates before 1970): past 24 blocks, later blocks repeat earlier dates."""
    start = date.today() - timedelta(weeks=104, days=7)
    start -= timedelta(days=start.weekday())
    block = generate(PlanConfig(weeks=104, start_date=start, deadlift_start_load=60))
    n = -(-sets // len(block.table))
    parts = []
    for i in range(n):
        t = block.table.copy()
        t["date"] = t["date"] - pd.Timedelta(weeks=104 * ((n - 1 - i) % 24))
        t["week"] = t["week"] + 104 * i
        sid = "W" + t["week"].astype(str).str.zfill(5) + "D" + t["day"].astype(str)
        t["session_id"] = sid
        t["key"] = sid + "-" + t["exercise"] + "-" + t["set"].astype(str) + "-" + t["side"]
        parts.append(t)
    table = pd.concat(parts, ignore_index=True).iloc[:sets]
    return Plan(table.reset_index(drop=True), unit="kg")


def fill(plan: Plan, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = plan_to_frame(plan)
    n = len(f)
    done = rng.random(n) < 0.9
    reps = plan.table["target_reps"].astype("Float64")
    delta = rng.integers(-2, 2, n)
    f["done_reps"] = (reps + delta).clip(lower=0).astype("Int64").astype(str).where(
        done & reps.notna().to_numpy(), "")
    f["done_hold_s"] = plan.table["target_hold_s"].astype(str).where(
        done & plan.table["target_hold_s"].notna().to_numpy(), "")
    f["done_load_kg"] = ""
    f["rpe"] = np.where(done & (plan.table["exercise"] == "deadlift"),
                        rng.integers(5, 9, n).astype(str), "")
    for col in ("pain_during", "pain_after", "pain_next_morning"):
        f[col] = np.where(done, rng.integers(0, 5, n).astype(str), "")
    f["session_rpe"] = np.where(done, rng.integers(3, 7, n).astype(str), "")
    f["session_min"] = np.where(done, "20", "")
    f["note"] = ""
    return f[template_columns("kg")]


# --- the app exports -----------------------------------------------------------------------

# One session: (Strong name, Hevy name, FitNotes name, kind, sets, reps, load share, seconds)
# kind: hold (the stretch), warmup, work, bw (body weight), timed (a plank), cardio
SESSION = [
    ("Lying Spinal Twist", "Lying Spinal Twist", "Lying Spinal Twist", "hold", 6, 0, 0, 30),
    ("Deadlift (Barbell)", "Deadlift (Barbell)", "Deadlift", "warmup", 2, 5, 0.5, 0),
    ("Deadlift (Barbell)", "Deadlift (Barbell)", "Deadlift", "work", 3, 10, 1.0, 0),
    ("Romanian Deadlift (Barbell)", "Romanian Deadlift (Barbell)", "Romanian Deadlift",
     "work", 3, 10, 0.7, 0),
    ("Glute Bridge", "Glute Bridge", "Glute Bridge", "bw", 3, 15, 0, 0),
    ("Squat (Barbell)", "Squat (Barbell)", "Barbell Squat", "work", 3, 8, 0.9, 0),
    ("Pull Up", "Pull Up", "Pull Up", "bw", 3, 8, 0, 0),
    ("Plank", "Plank", "Plank", "timed", 2, 0, 0, 60),
    ("Running (Treadmill)", "Treadmill", "Running (Treadmill)", "cardio", 1, 0, 0, 1800),
]
WORKOUTS = np.array(["Lower back A", "Lower back B", " Evening pull", "Ben"])
NOTES = np.array(["felt good, back fine", 'grip went; "hook" next time', "easy",
                  "slight pull, left side"])


def _slots() -> pd.DataFrame:
    rows = []
    for strong, hevy, fitnotes, kind, n, reps, share, secs in SESSION:
        first = True
        for s in range(n):
            rows.append((strong, hevy, fitnotes, kind, s, reps, share, secs, first))
            first = False
    return pd.DataFrame(rows, columns=["strong", "hevy", "fitnotes", "kind", "set", "reps",
                                       "share", "secs", "first"])


def sessions_frame(sets: int, seed: int = 2) -> pd.DataFrame:
    """The sets of the sessions, one row each (first ``sets`` rows), in time order."""
    rng = np.random.default_rng(seed)
    slots = _slots()
    n_sessions = -(-sets // len(slots))
    first, last = pd.Timestamp("1980-01-01"), pd.Timestamp(date.today() - timedelta(days=1))
    days = (last - first).days
    i = np.arange(n_sessions)
    day = first + pd.to_timedelta(i * days // n_sessions, unit="D")
    per_day = pd.Series(day).groupby(day).cumcount().to_numpy()
    start = (day + pd.to_timedelta(6 * 60 + per_day * 300 + rng.integers(0, 50, n_sessions),
                                   unit="min"))
    minutes = rng.integers(35, 95, n_sessions)
    sess = pd.DataFrame({
        "start": start, "minutes": minutes,
        "workout": WORKOUTS[i % len(WORKOUTS)],
        "top": 60 + (i % 400) * 0.25,  # the deadlift load of the session [kg]
        "session_note": np.where(rng.random(n_sessions) < 0.2, NOTES[i % len(NOTES)], ""),
    })
    s = np.repeat(i, len(slots))[:sets]
    k = np.tile(np.arange(len(slots)), n_sessions)[:sets]
    f = pd.concat([sess.iloc[s].reset_index(drop=True),
                   slots.iloc[k].reset_index(drop=True)], axis=1)
    n = len(f)
    f["session"] = s
    jitter = rng.integers(-2, 3, n)
    f["reps_done"] = np.where(f["reps"] > 0, f["reps"] + jitter, 0)
    f["load"] = (np.round(f["top"] * f["share"] / 2.5) * 2.5).astype(float)
    f.loc[f["kind"] == "warmup", "load"] = np.round(f["top"] * 0.5 / 2.5) * 2.5
    f["seconds"] = np.where(f["kind"].isin(["hold", "timed", "cardio"]),
                            f["secs"] + rng.integers(-10, 11, n) * (f["kind"] != "cardio")
                            + rng.integers(0, 900, n) * (f["kind"] == "cardio"), 0)
    f["rpe"] = np.where((f["kind"] == "work") & (rng.random(n) < 0.5),
                        rng.integers(14, 20, n) / 2, np.nan)
    f["note"] = np.where(f["first"] & (rng.random(n) < 0.1), NOTES[rng.integers(0, 4, n)], "")
    return f


def _q(s: pd.Series) -> pd.Series:
    """CSV quoting as the apps write text: always quoted, quotes doubled."""
    return '"' + s.str.replace('"', '""', regex=False) + '"'


def _num(x: pd.Series, blank_zero: bool = False) -> pd.Series:
    text = pd.Series(np.char.mod("%g", x.to_numpy(dtype=float)), index=x.index)
    text = text.where(x.notna(), "")
    return text.where(~(blank_zero & (x == 0)), "")


def _duration(minutes: pd.Series) -> pd.Series:
    h, m = minutes // 60, minutes % 60
    return (h.astype(str) + "h " + m.astype(str) + "m").where(h > 0, m.astype(str) + "m")


def strong(sets: int) -> pd.Series:
    """Lines of a Strong export like strong_s1_kg.csv (kg, no unit column)."""
    f = sessions_frame(sets)
    order = (f["set"] + 1).astype(str)
    warm = f["kind"] == "warmup"
    work_no = f.groupby(["session", "strong"]).cumcount() - warm.groupby(
        [f["session"], f["strong"]]).transform("sum") + 1
    order = order.where(warm, work_no.astype(str)).where(~warm, "W")
    first_of_session = ~f["session"].duplicated()
    weight = f["load"].map("{:.1f}".format)
    notes = _q(f["note"]).where(f["first"], "")
    wnotes = _q(f["session_note"]).where(first_of_session, "")
    dist = np.where(f["kind"] == "cardio", "3.2", "0")
    lines = (f["start"].dt.strftime("%Y-%m-%d %H:%M:%S") + "," + _q(f["workout"]) + ","
             + _duration(f["minutes"]) + "," + _q(f["strong"]) + "," + order + "," + weight
             + "," + f["reps_done"].astype(str) + "," + dist + "," + f["seconds"].astype(str)
             + "," + notes + "," + wnotes + "," + _num(f["rpe"]))
    header = ("Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,"
              "Seconds,Notes,Workout Notes,RPE")
    return pd.concat([pd.Series([header]), lines], ignore_index=True)


def hevy(sets: int) -> pd.Series:
    """Lines of a Hevy export like hevy_felipe.csv (weight_kg), newest session first."""
    f = sessions_frame(sets)
    kind = f["kind"]
    set_index = f.groupby(["session", "hevy"]).cumcount().astype(str)
    set_type = np.select([kind == "warmup", (kind == "work") & (f["set"] == 2)
                          & (f["session"] % 7 == 0)], ["warmup", "failure"], "normal")
    timed = kind.isin(["hold", "timed", "cardio"])
    weight = _num(f["load"], blank_zero=True)
    reps = f["reps_done"].astype(str).where(~timed, "")
    secs = f["seconds"].astype(str).where(timed, "")
    dist = pd.Series(np.where(kind == "cardio", "3.2", ""))
    end = f["start"] + pd.to_timedelta(f["minutes"], unit="min")
    when = f["start"].dt.strftime("%-d %b %Y, %H:%M")
    lines = (_q(f["workout"].str.strip()) + "," + _q(when) + ","
             + _q(end.dt.strftime("%-d %b %Y, %H:%M")) + "," + _q(f["session_note"]) + ","
             + _q(f["hevy"]) + ",," + _q(f["note"]) + "," + set_index + ',"' + set_type
             + '",' + weight + "," + reps + "," + dist + "," + secs + "," + _num(f["rpe"]))
    # newest first: sessions reversed, each session's sets in their order
    order = np.lexsort((np.arange(len(f)), -f["session"].to_numpy()))
    header = ('"title","start_time","end_time","description","exercise_title","superset_id",'
              '"exercise_notes","set_index","set_type","weight_kg","reps","distance_km",'
              '"duration_seconds","rpe"')
    return pd.concat([pd.Series([header]), lines.iloc[order]], ignore_index=True)


def fitnotes(sets: int) -> pd.Series:
    """Lines of a FitNotes export like fitnotes_f1.csv (Weight (lbs), Time as H:MM:SS)."""
    f = sessions_frame(sets)
    kind = f["kind"]
    timed = kind.isin(["hold", "timed", "cardio"])
    lbs = (f["load"] / 0.45359237).round(1)
    secs = f["seconds"]
    clock = ((secs // 3600).astype(str) + ":" + (secs // 60 % 60).astype(str).str.zfill(2)
             + ":" + (secs % 60).astype(str).str.zfill(2)).where(timed, "")
    category = np.where(kind == "cardio", "Cardio", np.where(timed, "Core", "Legs"))
    lines = (f["start"].dt.strftime("%Y-%m-%d") + "," + f["fitnotes"] + "," + category + ","
             + lbs.map("{:.1f}".format).where(~timed, "") + ","
             + f["reps_done"].astype(str).where(~timed, "") + ","
             + pd.Series(np.where(kind == "cardio", "2.0", "")) + ","
             + pd.Series(np.where(kind == "cardio", "mi", "")) + "," + clock)
    header = "Date,Exercise,Category,Weight (lbs),Reps,Distance,Distance Unit,Time"
    return pd.concat([pd.Series([header]), lines], ignore_index=True)


def write(out: str, sets: int, fmt: str = "template") -> None:
    if fmt == "template":
        fill(big_plan(sets)).to_csv(out, index=False)
        return
    lines = {"strong": strong, "hevy": hevy, "fitnotes": fitnotes}[fmt](sets)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        fh.write("\n".join(lines.tolist()))
        fh.write("\n")


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "big_log.csv"
    sets = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    fmt = sys.argv[3] if len(sys.argv) > 3 else "template"
    if fmt not in FORMATS:
        raise SystemExit(f"format: expected one of {', '.join(FORMATS)}; got {fmt!r}")
    write(out, sets, fmt)
    print(f"wrote {out}: {sets} sets as {fmt}, ending {date.today() - timedelta(days=1)} "
          "or earlier")


if __name__ == "__main__":
    main()
