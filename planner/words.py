"""How the planner writes a day and a figure for people: one format each, everywhere.

A day is "Mon 7 Dec 2026" on the page, in notes, flags and sheets: the weekday a person
plans by, and no order of day and month to guess (12/07 is July in one country and
December in another). Files for machines (CSV, calendars, file names) keep ISO dates.
A figure has thousands separated and no ".0" on a whole number.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd


def day_text(day: date | datetime | pd.Timestamp | str) -> str:
    """``day`` as people read it here: "Mon 7 Dec 2026"."""
    d = pd.Timestamp(day)
    return f"{d:%a} {d.day} {d:%b %Y}"


def number_text(x: float, decimals: int = 1) -> str:
    """``x`` rounded to ``decimals``, thousands separated, no ".0" on a whole number:
    5985.0 -> "5,985", 2.5 -> "2.5", 1234.56 -> "1,234.6"."""
    v = round(float(x), decimals)
    return f"{v:,.0f}" if v == int(v) else f"{v:,.{decimals}f}".rstrip("0").rstrip(".")


def period_text(since, until) -> str:
    """A period in a figure's label: "5 Jan–27 Apr 2026", "28 Dec 2025–27 Apr 2026", or one
    day ("27 Apr 2026"); day before month, as :func:`day_text` writes it."""
    a, b = pd.Timestamp(since), pd.Timestamp(until)
    end = f"{b.day} {b:%b %Y}"
    if a.normalize() == b.normalize():
        return end
    return f"{a.day} {a:%b}–{end}" if a.year == b.year else f"{a.day} {a:%b %Y}–{end}"
