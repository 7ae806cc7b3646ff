"""The next block of every athlete who is due, packed in one zip for the coach.

Per athlete: the plan CSV, the calendar and the printable sheet of the block that
:func:`planner.nextblock.next_block` builds from the athlete's stored plan and log, and
the same block for the training apps: a Liftosaur program, Hevy routines and a folder of
Garmin workout files.

The athletes due are read ``BATCH_ATHLETES`` at a time (:class:`planner.clinic.athlete.
AthleteRows`: one query for their sets, one for their plans, all from one snapshot of
the store, each plan file read once); the blocks are then those of :func:`athlete_log`
and :func:`athlete_plan` read one athlete at a time. No
file in the zip carries a script: the sheet is plain HTML and CSS, so nothing (no
plotly.js) is copied per athlete.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

import pandas as pd

from planner.clinic.athlete import AthleteRows, athlete_log, athlete_plan, athlete_plan_notes
from planner.files.bundle import plan_files
from planner.files.garmin import garmin_files
from planner.files.hevy import hevy_json, hevy_routines
from planner.nextblock import next_block
from planner.words import day_text

#: Athletes whose sets and plans are read at once: memory holds one batch's rows.
BATCH_ATHLETES = 100
#: Weeks of each block in the zip's Hevy routines and Garmin folder: the next month in the
#: app and on the watch (the folder's README and the zip's say how to make the rest).
APP_WEEKS = 4


@dataclass
class NextBlocks:
    """What ``next_blocks_zip`` made: the zip's name and bytes, the athletes whose block was
    built (athlete -> first day) and those whose was not (athlete -> reason)."""

    name: str
    data: bytes
    built: dict[str, pd.Timestamp] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def next_blocks_zip(store, flags: pd.DataFrame, as_of, start_time: str = "18:00"
                    ) -> NextBlocks:
    """The next block of every athlete due (``flags["due_next_block"]``), in one zip.

    Per athlete, a folder ``<athlete>/`` with ``next-block-<first day>.csv`` (the plan),
    ``.ics`` (a calendar event per training day and one repeating event for the
    stretch-only days, at ``start_time``), ``-sheet.html`` (the printable sheet),
    ``-liftosaur.txt``, ``-hevy-routines.json`` and a ``-garmin/`` folder
    (a FIT workout per session, and its README), the last two of the block's first
    ``APP_WEEKS`` weeks;
    ``README.txt`` at the top lists each block,
    and says why for an athlete whose block could not be built. Blocks start no earlier
    than ``as_of``.
    """
    as_of = pd.Timestamp(as_of).normalize()
    due = flags.loc[flags["due_next_block"].astype(bool), "athlete"].astype(str).tolist()
    out = NextBlocks(f"next-blocks-{as_of:%Y-%m-%d}.zip", b"")
    lines = [f"Next blocks made on {day_text(as_of)} for the {len(due)} athletes due.", "",
             "Each athlete's folder holds the block as a spreadsheet (.csv), a calendar (.ics),",
             "a sheet to print (-sheet.html) and a Liftosaur program (-liftosaur.txt); Hevy",
             f"routines (-hevy-routines.json) and Garmin workouts (-garmin/) of its first "
             f"{APP_WEEKS} weeks.",
             "For the later weeks: planner export BLOCK.csv --to hevy|garmin (the README's",
             "\"Train with your app\").", ""]
    try:  # one snapshot of the store for every batch
        files = {name: store.files(name) for name in ("sets", "plans")}
    except Exception:
        files = None
    plan_files: dict = {}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(0, len(due), BATCH_ATHLETES):
            batch = due[i:i + BATCH_ATHLETES]
            try:
                if files is None:
                    raise ValueError("no snapshot of the store")
                rows = AthleteRows(store, batch, files, plan_files)
                plan_of, log_of, notes_of = rows.current_plan, rows.log, rows.notes
            except Exception:  # read one at a time: each athlete's problem is theirs alone
                def plan_of(a):
                    return athlete_plan(store, a)[1]

                def log_of(a):
                    return athlete_log(store, a)

                def notes_of(a):
                    return athlete_plan_notes(store, a)
            for a in batch:
                _add(z, out, lines, a, plan_of, log_of, as_of, start_time)
                # A plan changed since ingest is named, the block built or not.
                lines.extend(f"  ! {n}" for n in notes_of(a))
        z.writestr("README.txt", "\n".join(lines) + "\n")
    out.data = buf.getvalue()
    return out


def _add(z: zipfile.ZipFile, out: NextBlocks, lines: list[str], a: str, plan_of, log_of,
         as_of: pd.Timestamp, start_time: str) -> None:
    """Athlete ``a``'s next block in the zip (their folder) and the README's lines."""
    try:
        plan = plan_of(a)
        log = log_of(a)
        block = next_block(plan, log, today=as_of.date())
    except Exception as exc:  # one athlete's problem is reported, not fatal
        out.failed[a] = str(exc)
        lines.append(f"{a}: not built: {exc}")
        return
    start = block.table["date"].min()
    stem = f"next-block-{start:%Y-%m-%d}"
    for kind in ("csv", "ics", "sheet", "liftosaur"):
        name, data = plan_files(block, kind, stem, start_time=start_time)
        z.writestr(f"{a}/{name}", data)
    # Hevy's routines and the watch's workouts (unpacked in a folder of their own: a zip in a
    # zip helps no one) of the block's first weeks: a routine or workout a session, so a
    # year's block would be 364 of each (and a watch file costs 5 ms to encode)
    first = int(block.table["week"].min())
    z.writestr(f"{a}/{stem}-hevy-routines.json", hevy_json(hevy_routines(
        block, weeks=range(first, first + APP_WEEKS))))
    made = datetime.combine(as_of.date(), time(), tzinfo=UTC)  # the same zip for the same day
    for name, data in garmin_files(block, now=made, weeks=APP_WEEKS).items():
        z.writestr(f"{a}/{stem}-garmin/{name}", data)
    out.built[a] = start
    weeks = block.table["week"].nunique()
    lines.append(f"{a}: {weeks} weeks from {day_text(start)}"
                 + "".join(f"\n  - {n}" for n in block.notes))
