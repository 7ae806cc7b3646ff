"""What a value in a plan or a log may be at all: the project's plausibility limits.

One home for the absolute limits that the log readers (:mod:`planner.logs.normalise`),
the plan reader (:mod:`planner.files.plan_csv`) and the table schemas
(:mod:`planner.schemas`) check against. A value outside them is never used: the readers
report it with its rule code, and the schemas refuse a table that holds one.

These are absolute nets, far from any real set. Whether a value is plausible for one
athlete (a load far above what they lifted around it) is judged against their own
history (docs/science.md, "Plausibility against the athlete's own history").

This module imports nothing from planner, so that every module can import it.
"""

from __future__ import annotations

import pandas as pd

#: The earliest date a plan or a log may hold (an app's zero date is no workout).
MIN_DATE = pd.Timestamp("1970-01-01")
#: The most repetitions in one set. [reps]
MAX_REPS = 100
#: The heaviest external load of one set; the deadlift world record is about 500 kg. [kg]
MAX_LOAD_KG = 500.0
#: The longest hold of one set. [s]
MAX_HOLD_S = 600.0
#: The columns scored from 0 to 10: RPE, pain (during, after, next morning), session RPE.
SCALE_0_10 = ("rpe", "pain_during", "pain_after", "pain_next_morning", "session_rpe")
#: The lowest and highest value of a 0-10 score.
SCALE_RANGE = (0.0, 10.0)
#: The kinds of a logged set.
SET_TYPES = ("working", "warmup", "failure", "drop")
#: The side a set is done on (one-sided exercises have a set per side).
SIDES = ("both", "left", "right")

#: Column name -> pandas dtype of a Log's table (one row per performed set, loads in kg):
#: the log row's one column table (planner.schemas checks tables against it; it lives here,
#: without pandera, so that reading a log does not import the schema library).
LOG_COLUMNS: dict[str, str] = {
    "performed_at": "datetime64[s]",
    "date": "datetime64[s]",
    "session_id": "str",
    "workout": "str",
    "exercise": "str",
    "source_exercise": "str",
    "set": "Int64",
    "set_type": "str",
    "reps": "Int64",
    "hold_s": "Float64",
    "side": "str",
    "load_kg": "Float64",
    "rpe": "Float64",
    "pain_during": "Float64",
    "pain_after": "Float64",
    "pain_next_morning": "Float64",
    "session_rpe": "Float64",
    "session_min": "Float64",
    "note": "str",
    "key": "str",
    "source_file": "str",
    "source_line": "Int64",
}
