"""The next block of every athlete who is due, packed in one zip for the coach.

Per athlete: the plan CSV, the calendar and the printable sheet of the block that
:func:`planner.nextblock.next_block` builds from the athlete's stored plan and log.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from planner.clinic.athlete import athlete_log, athlete_plan
from planner.files.bundle import plan_files
from planner.nextblock import next_block


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
    ``.ics`` (one calendar event per session at ``start_time``) and ``-sheet.html`` (the
    printable sheet); ``README.txt`` at the top lists each block, and says why for an
    athlete whose block could not be built. Blocks start no earlier than ``as_of``.
    """
    as_of = pd.Timestamp(as_of).normalize()
    due = flags.loc[flags["due_next_block"].astype(bool), "athlete"].astype(str).tolist()
    out = NextBlocks(f"next-blocks-{as_of:%Y-%m-%d}.zip", b"")
    lines = [f"Next blocks made on {as_of:%A %d %B %Y} for the {len(due)} athletes due.", ""]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for a in due:
            try:
                _, plan = athlete_plan(store, a)
                log = athlete_log(store, a)
                block = next_block(plan, log, today=as_of.date())
            except Exception as exc:  # one athlete's problem is reported, not fatal
                out.failed[a] = str(exc)
                lines.append(f"{a}: not built: {exc}")
                continue
            start = block.table["date"].min()
            for kind in ("csv", "ics", "sheet"):
                name, data = plan_files(block, kind, f"next-block-{start:%Y-%m-%d}",
                                        start_time=start_time)
                z.writestr(f"{a}/{name}", data)
            out.built[a] = start
            weeks = block.table["week"].nunique()
            lines.append(f"{a}: {weeks} weeks from {start:%a %d %b %Y}"
                         + "".join(f"\n  - {n}" for n in block.notes))
        z.writestr("README.txt", "\n".join(lines) + "\n")
    out.data = buf.getvalue()
    return out
