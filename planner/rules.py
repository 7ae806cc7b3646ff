"""Rules about days and time away, each defined once, next to its source.

The rest of the project reads these names; labels and notes are built from them
(docs/science.md gives the sources).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: A session logged after midnight and before this hour belongs to the evening before:
#: the day a person trains is their waking day, not the calendar's (the project's own
#: choice; 04:00 is where most "night owl" logging apps end their day, e.g. the
#: "day starts at" setting of habit trackers).
DAY_STARTS_AT_HOUR = 4


def training_day(performed_at: pd.Series) -> pd.Series:
    """The training day of each time: its date, or the day before for a time after
    midnight and before ``DAY_STARTS_AT_HOUR``. A time of exactly 00:00:00 is a date
    written without a time, and stays on its date."""
    # whole seconds as integers: a million times in milliseconds (NaT stays NaT)
    t = performed_at.to_numpy("datetime64[s]")
    s = t.astype("int64")
    into_day = s % 86400
    late = (into_day > 0) & (into_day < DAY_STARTS_AT_HOUR * 3600)
    day = (s - into_day - late * 86400).astype("datetime64[s]")
    return pd.Series(np.where(np.isnat(t), t, day), index=performed_at.index)


__all__ = ["DAY_STARTS_AT_HOUR", "training_day"]
