"""The plan as Garmin FIT workout files: one ``.fit`` a session, for a watch's strength workouts.

A FIT workout file holds a ``file_id`` message (type workout), a ``workout`` message (its
name, sport and number of steps) and the ``workout_step`` messages (Garmin's FIT profile
21; see ``shared/APP-FORMATS.md`` section 2). Each planned set is one step, in plan order:

* a set of repetitions is a step whose duration is its reps (``duration_type`` reps), with
  the exercise's FIT category and name and, for the deadlift, its load in kg;
* a hold of the stretch is a timed step (milliseconds) per hold and side, so that the
  watch times every hold: 3 holds a side are 6 steps;
* a rest step (intensity rest, timed) follows each set whose plan has a rest, except the
  session's last set.

One step per set rather than repeat blocks: a watch then shows "set 2 of 3" with its own
reps and load, a set that differs from the others (a back-off set, a deload) needs no
special case, and a reader of the file sees the plan's rows one to one. The files are
small either way (a few hundred bytes).

The encoder is ``fit-tool`` (BSD-3-Clause): it writes the header, the definition messages
and the CRC; this module only fills in the messages' fields.

Weights in FIT are kg (0.01 kg steps) also for a plan in lb; ``weight_display_unit`` tells
the watch to show pounds. FIT strings are at most 255 bytes with their terminating zero:
names are cut (at a character) to fit.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.workout_message import WorkoutMessage
from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage
from fit_tool.profile.profile_type import (
    FileType,
    FitBaseUnit,
    Intensity,
    Manufacturer,
    Sport,
    SubSport,
    WorkoutStepDuration,
    WorkoutStepTarget,
)

from planner.files.app_sessions import (
    PAIN_INSTRUCTION,
    AppExercise,
    AppSession,
    AppSet,
    app_sessions,
    load_text,
    rounding_notes,
    session_dose,
)
from planner.files.safewrite import write_files
from planner.plan import Plan

#: Each exercise's FIT ``exercise_category`` and ``exercise_name`` (profile 21.218:
#: deadlift 8 / barbell_deadlift 0; hip_raise 10 / hip_raise 11, the body-weight glute
#: bridge; warm_up 31 / stretch_lying_spinal_twist 54: profile 21 has no stretch category).
FIT_EXERCISES: dict[str, tuple[int, int]] = {
    "deadlift": (8, 0),
    "glute_bridge": (10, 11),
    "rotational_stretch": (31, 54),
}
UNKNOWN_CATEGORY = 65534  # exercise_category "unknown"
PRODUCT = 1  # our product number under manufacturer "development" (255)
MAX_STRING_BYTES = 254  # a FIT field is at most 255 bytes, the terminating zero included
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fit_string(text: str, limit: int = MAX_STRING_BYTES) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, at a character boundary."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", errors="ignore")


def workout_name(session: AppSession, unit: str) -> str:
    """The workout's name on the watch, e.g. "W01D1 Mon 7 Dec: Deadlift 3x10 @ 20 kg +
    bridge + stretch" (the calendar's title, with x for ×, which a watch may not show)."""
    title = session_dose(session, unit)
    d = session.date
    return fit_string(f"{session.session_id} {session.weekday} {d.day} {_MONTHS[d.month - 1]}: "
                      + title.replace("×", "x"))


def _set_step(e: AppExercise, s: AppSet, unit: str) -> WorkoutStepMessage:
    """The step of one set: reps (with the load) or a timed hold."""
    step = WorkoutStepMessage()
    category, name = FIT_EXERCISES.get(e.exercise, (UNKNOWN_CATEGORY, None))
    step.exercise_category = category
    if name is not None:
        step.exercise_name = name
    step.intensity = Intensity.ACTIVE
    step.target_type = WorkoutStepTarget.OPEN
    step.target_value = 0
    if s.hold_s is not None:
        per_side = sum(x.side == s.side for x in e.sets)
        side = "" if s.side == "both" else f"{s.side} side, "
        step.workout_step_name = fit_string(
            f"{e.name}{', ' + s.side if s.side != 'both' else ''} {s.number}/{per_side}")
        step.duration_type = WorkoutStepDuration.TIME
        step.duration_time = float(s.hold_s)  # seconds; stored in ms (scale 1000)
        step.notes = fit_string(f"{side}hold {s.hold_s} s")
    else:
        step.workout_step_name = fit_string(f"{e.name} {s.number}/{len(e.sets)}")
        step.duration_type = WorkoutStepDuration.REPS
        step.duration_reps = int(s.reps or 0)
        if s.load_kg is not None:
            step.exercise_weight = round(float(s.load_kg), 2)  # kg, scale 100
            step.notes = fit_string(f"{s.reps} reps at {load_text(s.load_kg, unit)}")
        else:
            step.notes = fit_string(f"{s.reps} reps, body weight")
    step.weight_display_unit = (FitBaseUnit.POUND if unit == "lb" else FitBaseUnit.KILOGRAM).value
    return step


def _rest_step(seconds: int) -> WorkoutStepMessage:
    step = WorkoutStepMessage()
    step.workout_step_name = "Rest"
    step.intensity = Intensity.REST
    step.duration_type = WorkoutStepDuration.TIME
    step.duration_time = float(seconds)  # seconds; stored in ms (scale 1000)
    step.target_type = WorkoutStepTarget.OPEN
    step.target_value = 0
    step.notes = f"rest {seconds} s"
    return step


def workout_steps(session: AppSession, unit: str) -> list[WorkoutStepMessage]:
    """The session's steps in plan order: a step per set, a rest step after each set with a
    rest (not after the last); numbered by ``message_index`` 0, 1, 2 ..."""
    return list(_steps(session.exercises, unit))


@lru_cache(maxsize=256)
def _steps(exercises: tuple[AppExercise, ...], unit: str) -> tuple[WorkoutStepMessage, ...]:
    """The steps of a session's exercises, made once for each distinct session content (a
    year's plan has a few dozen: every stretch day is the same), and only read after."""
    pairs = [(e, s) for e in exercises for s in e.sets]
    steps = []
    for i, (e, s) in enumerate(pairs):
        steps.append(_set_step(e, s, unit))
        if s.rest_s > 0 and i < len(pairs) - 1:
            steps.append(_rest_step(s.rest_s))
    for i, step in enumerate(steps):
        step.message_index = i
    return tuple(steps)


def serial_number(session: AppSession) -> int:
    """A serial number (uint32z, never 0) from the session's date, id and content: the
    same session gives the same number, another session or a changed one another."""
    n = zlib.crc32(f"{session.date.isoformat()}|{session.session_id}|{session.exercises!r}"
                   .encode())
    return n or 1


def fit_workout(session: AppSession, unit: str, *, now: datetime | None = None) -> bytes:
    """The FIT workout file of one session (see the module's notes).

    unit : "kg" or "lb", the plan's unit: how the watch shows the loads (FIT stores kg)
    now : the file's ``time_created`` (default: the current time)
    """
    if unit not in ("kg", "lb"):
        raise ValueError(f'unit must be "kg" or "lb"; got {unit!r}')
    steps = workout_steps(session, unit)
    file_id = FileIdMessage()
    file_id.type = FileType.WORKOUT
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = PRODUCT
    file_id.serial_number = serial_number(session)
    file_id.time_created = round((now or datetime.now(UTC)).timestamp() * 1000)  # ms, Unix
    workout = WorkoutMessage()
    workout.sport = Sport.TRAINING
    workout.sub_sport = SubSport.STRENGTH_TRAINING
    workout.num_valid_steps = len(steps)
    workout.workout_name = workout_name(session, unit)
    workout.workout_description = fit_string(PAIN_INSTRUCTION)  # 131 of FIT's 254 bytes
    builder = FitFileBuilder(auto_define=True)
    builder.add(file_id)
    builder.add(workout)
    builder.add_all(steps)
    return builder.build_bytes()  # the CRC computed as the bytes are written, in one pass


def file_name(session: AppSession) -> str:
    """A session's file name: its date and id, e.g. ``2026-12-07_W01D1.fit``."""
    return f"{session.date.isoformat()}_{session.session_id}.fit"


def readme(plan: Plan, weeks: int | None = None) -> str:
    """How to put the files on a watch, log pain, and where holds were rounded; with
    ``weeks``, that the files hold the plan's first ``weeks`` weeks and where the rest are."""
    notes = rounding_notes(app_sessions(plan))
    first = int(plan.table["week"].min())
    last = int(plan.table["week"].max())
    span = ("" if weeks is None or first + weeks > last else
            f"\nThese files hold weeks {first} to {first + weeks - 1} of weeks {first} to "
            f"{last}: copy them to the watch now and the next weeks later, made from the "
            f"block's CSV with: planner export PLAN.csv --to garmin -o FOLDER\n")
    rounding = ("\n".join(f"- {n}" for n in notes) if notes
                else "- no hold needed rounding: every hold is a whole number of seconds")
    return f"""Lower-back programme: Garmin workouts
=====================================

One workout file (.fit) per session, named by date and session: 2026-12-07_W01D1.fit is
the session W01D1 of Monday 7 December 2026. Each set is one step of the workout with its
repetitions (and the deadlift's load); each hold of the stretch is a timed step, per side;
rests are timed steps between sets.
{span}
Copy them to a watch
--------------------
1. Plug the watch into a computer with its USB cable. It shows up as a drive (on a Mac,
   watches that use MTP need Garmin Express or an MTP app such as OpenMTP).
2. Copy the .fit files into the folder GARMIN/NewFiles on the watch.
3. Eject the watch and unplug it. The watch moves the files into its workouts; you find
   them under the Strength activity's Training > Workouts (the menu names vary by model).

Which watches: those whose Strength activity follows workouts, for example recent
Forerunner, fenix, epix, Venu, vivoactive and Instinct models. Check your watch's manual
for "strength workouts"; a watch without them may refuse or ignore the files.

Phone only? Garmin Connect's "Import Data" page imports recorded activities, and users
report that it refuses workout .fit files; the Garmin Connect app has no import. So these
files need a computer and a USB cable. Without one, build the sessions as
workouts in Garmin Connect by hand from the printable sheet, or use another export of
the planner.

Pain
----
{PAIN_INSTRUCTION}
The .fit file a watch records holds no notes, so write your pain where the planner reads
it (the log template's pain columns, or the notes of an app whose export the planner
reads); notes written in Garmin Connect stay in Garmin Connect.

Whole seconds
-------------
A watch times steps in whole seconds:
{rounding}
"""


def garmin_files(plan: Plan, *, now: datetime | None = None,
                 weeks: int | None = None) -> dict[str, bytes]:
    """Every session's workout file by name, then ``README.txt`` (see :func:`readme`); with
    ``weeks``, only the sessions of the plan's first ``weeks`` weeks."""
    sessions = app_sessions(plan)
    if weeks is not None:
        first = min((s.week for s in sessions), default=0)
        sessions = [s for s in sessions if s.week < first + weeks]
    files = {file_name(s): fit_workout(s, plan.unit, now=now) for s in sessions}
    files["README.txt"] = readme(plan, weeks).encode("utf-8")
    return files


def write_garmin(plan: Plan, folder: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Write every session's ``.fit`` and ``README.txt`` into ``folder``, all or nothing.

    Raises
    ------
    OutputExistsError : one of the files exists and ``overwrite`` is False (nothing is
        written then)
    OutputError : the folder cannot be written
    """
    folder = Path(folder)
    return write_files([(folder / n, d) for n, d in garmin_files(plan).items()],
                       overwrite=overwrite)


def garmin_zip(plan: Plan) -> bytes:
    """The files of :func:`garmin_files` as one zip (a single download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in garmin_files(plan).items():
            z.writestr(name, data)
    return buffer.getvalue()

