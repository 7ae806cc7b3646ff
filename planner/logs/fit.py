"""Garmin FIT activity files of a strength workout, read as a workout log.

A watch records a strength activity as a FIT activity file (``file_id`` type activity = 4)
whose ``set`` messages (number 225, FIT profile 21) are the sets: ``set_type`` active or
rest, ``repetitions``, ``weight`` (kg, scale 16: 1/16 kg steps), ``duration`` (s, scale
1000), ``category`` and ``category_subtype`` (arrays of the exercise category and of the
exercise name within it), ``weight_display_unit``, ``start_time`` and ``wkt_step_index``
(the step of the workout followed). :func:`parse_fit` turns the active sets into text rows
and runs them through :func:`planner.logs.normalise.normalise` with :data:`FIT`, so every
check and the import report apply as to the CSV exports:

* the exercise: (deadlift 8, barbell_deadlift 0) is "Deadlift", (hip_raise 10, hip_raise
  11) "Glute Bridge", (warm_up 31, stretch_lying_spinal_twist 54) "Lying Spinal Twist",
  names the alias table maps; any other is named from the profile ("Barbell straight leg
  deadlift"), or "FIT category C name N" where the profile has no name for it;
* a set without repetitions is a timed hold of its ``duration``;
* the load: kg as stored; where the watch shows pounds, read back in lb to the nearest
  quarter pound (a load in lb stored in 1/16 kg is up to 0.07 lb off);
* the side: "left" or "right" where the set's workout step says so in its name or notes
  (the files :mod:`planner.files.garmin` writes do), else "both";
* the sets' session: the activity's start (local time, where the file gives its offset)
  and the workout's name; rest sets are not sets and are left out.

The report's "line" of a set is its number among the file's ``set`` messages.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fitdecode
import pandas as pd
from fitdecode import profile as fit_profile

from planner.logs.common import Log, LogFormatError, check_aliases
from planner.logs.normalise import Spec, normalise
from planner.logs.source import Source, open_source
from planner.units import KG_PER_LB

HEADER = ["Start Time", "Workout", "Exercise", "Set Type", "Reps", "Weight", "Weight Unit",
          "Hold (s)", "Side", "Duration (s)"]

FIT = Spec(
    fmt="fit",
    columns={"date": ("Start Time",), "workout": ("Workout",), "exercise": ("Exercise",),
             "set_type": ("Set Type",), "reps": ("Reps",), "load": ("Weight",),
             "unit": ("Weight Unit",), "hold": ("Hold (s)",), "side": ("Side",),
             "duration_s": ("Duration (s)",)},
    date_formats=("%Y-%m-%d %H:%M:%S",),
    date_example="2026-12-07 18:00:00",
    set_types={"active": "working"},
    set_types_expected="an active set",
    duplicates="none",  # equal sets are normal, and the messages are distinct anyway
    per_side=("lying spinal twist",),  # a hold a step and side, as planner.files.garmin writes
)

#: (exercise category, exercise name) -> a name the alias table maps to the planner's own.
KNOWN_EXERCISES = {(8, 0): "Deadlift", (10, 11): "Glute Bridge", (31, 54): "Lying Spinal Twist"}
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
_INVALID = (None, 0xFFFF, 0xFFFE)  # uint16 invalid, and exercise_category "unknown"
_SIDE = re.compile(r"\b(left|right)\b", re.IGNORECASE)


def read_fit(path: str | Path, unit: str | None = None,
             aliases: dict[str, str] | None = None) -> Log:
    """Read a FIT activity file of a strength workout (see the module's notes)."""
    return parse_fit(open_source(Path(path), str(path)), unit, "fit", check_aliases(aliases))


def parse_fit(src: Source, unit: str | None, expect: str | None,
              aliases: dict[str, str]) -> Log:
    """The Log of a FIT activity file's bytes (``src.data``).

    Raises LogFormatError for a file that is damaged (bad CRC, cut short), a workout
    (planned, not done) or any other FIT file that is not an activity with sets."""
    if expect not in (None, "fit"):
        raise LogFormatError(f"{src.name}: expected a {expect} log, found a FIT file")
    messages = _messages(src.data, src.name)
    kind = next((m.get_raw_value("type") for m in messages if m.name == "file_id"), None)
    if kind == 5:
        raise LogFormatError(f"{src.name}: this FIT file is a planned workout, not a log; "
                             "copy it to the watch, and read the activity the watch records")
    if kind != 4:
        raise LogFormatError(f"{src.name}: this FIT file is not an activity (file type "
                             f"{kind}); expected the FIT activity file a watch records")
    raw = _set_rows(messages)
    if raw.empty:
        raise LogFormatError(f"{src.name}: the FIT activity has no sets; expected a strength "
                             "activity with its sets")
    src.data = b""
    return normalise(raw, FIT, header=HEADER, name=src.name, unit=unit, aliases=aliases)


def _messages(data: bytes, name: str) -> list[fitdecode.FitDataMessage]:
    """The data messages of a FIT file, its CRCs checked."""
    try:
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE,
                                 error_handling=fitdecode.ErrorHandling.IGNORE) as reader:
            return [f for f in reader if isinstance(f, fitdecode.FitDataMessage)]
    except fitdecode.FitCRCError:
        raise LogFormatError(f"{name}: a damaged FIT file: its checksum (CRC) does not match; "
                             "copy the file from the watch again") from None
    except fitdecode.FitEOFError:
        raise LogFormatError(f"{name}: a damaged FIT file: it ends before its last message "
                             "(cut short); copy the file from the watch again") from None
    except (fitdecode.FitError, ValueError, KeyError, IndexError) as exc:
        raise LogFormatError(f"{name}: a damaged FIT file ({exc}); expected the FIT "
                             "activity file a watch records") from None


def _raw(m: fitdecode.FitDataMessage, field: str):
    return m.get_raw_value(field, fallback=None)


def _first(value):
    """The first valid element of an array field (or the value itself)."""
    for v in value if isinstance(value, tuple | list) else (value,):
        if v not in _INVALID:
            return v
    return None


def exercise_name(category: int | None, name: int | None) -> str:
    """A readable exercise name for a FIT category and exercise name (see the module)."""
    if category is None:
        return ""
    if (category, name) in KNOWN_EXERCISES:
        return KNOWN_EXERCISES[(category, name)]
    cat = fit_profile.FIELD_TYPES["exercise_category"].enum.get(category)
    names = fit_profile.FIELD_TYPES.get(f"{cat}_exercise_name")
    if cat and names is not None and name in names.enum:
        return names.enum[name].replace("_", " ").capitalize()
    return f"FIT category {category}" + ("" if name is None else f" name {name}")


def _step_sides(messages: list) -> dict[int, str]:
    """The side ("left"/"right") of each workout step that names one."""
    out = {}
    for m in messages:
        if m.name == "workout_step":
            text = f"{m.get_value('wkt_step_name', fallback='') or ''} " \
                   f"{m.get_value('notes', fallback='') or ''}"
            found = {s.lower() for s in _SIDE.findall(text)}
            if len(found) == 1:
                out[_raw(m, "message_index")] = found.pop()
    return out


def _local_offset(messages: list) -> timedelta:
    """The activity's local time minus UTC (zero where the file does not say)."""
    for m in messages:
        if m.name == "activity":
            utc, local = _raw(m, "timestamp"), _raw(m, "local_timestamp")
            if utc is not None and local is not None:
                return timedelta(seconds=int(local) - int(utc))
    return timedelta(0)


def _text(v) -> str:
    return "" if v is None else f"{v:g}" if isinstance(v, float) else str(v)


def _set_rows(messages: list) -> pd.DataFrame:
    """One text row per active set (HEADER's columns, and ``_line``)."""
    workout = next((m.get_value("wkt_name", fallback=None) for m in messages
                    if m.name == "workout"), None) or "Garmin strength training"
    session = next((m for m in messages if m.name == "session"), None)
    sets = [m for m in messages if m.name == "set"]
    start = None if session is None else _raw(session, "start_time")
    if start is None:
        start = next((_raw(m, "start_time") for m in sets if _raw(m, "start_time")), None)
    if start is None:
        start = next((_raw(m, "time_created") for m in messages if m.name == "file_id"), None)
    when = "" if start is None else (FIT_EPOCH + timedelta(seconds=int(start))
                                     + _local_offset(messages)).strftime("%Y-%m-%d %H:%M:%S")
    elapsed = None if session is None else session.get_value("total_elapsed_time",
                                                              fallback=None)
    sides = _step_sides(messages)
    rows, lines = [], []
    for number, m in enumerate(sets, start=1):
        kind = m.get_value("set_type", fallback=None)
        if kind == "rest":
            continue
        reps = _raw(m, "repetitions")
        reps = None if reps in (None, 0xFFFF) else int(reps)
        duration = m.get_value("duration", fallback=None)
        weight, unit = _load(m)
        rows.append([when, workout,
                     exercise_name(_first(_raw(m, "category")),
                                   _first(_raw(m, "category_subtype"))),
                     _text(kind), _text(reps), _text(weight), unit,
                     _text(float(duration)) if not reps and duration is not None else "",
                     sides.get(_raw(m, "wkt_step_index"), ""), _text(elapsed)])
        lines.append(number)
    raw = pd.DataFrame(rows, columns=[f"f{i}" for i in range(len(HEADER))], dtype="str")
    raw["_line"] = pd.Series(lines, dtype="int64")
    return raw


def _load(m: fitdecode.FitDataMessage) -> tuple[float | None, str]:
    """The set's load and its unit: kg as stored (1/16 kg), or lb to a quarter pound where
    the watch shows pounds."""
    raw = _raw(m, "weight")
    if raw in (None, 0xFFFF):
        return None, ""
    kg = int(raw) / 16
    if _raw(m, "weight_display_unit") == 2:  # pound
        return round(kg / KG_PER_LB * 4) / 4, "lb"
    return kg, "kg"
