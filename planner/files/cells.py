"""Text cells that a spreadsheet would run as a formula, made safe and read back.

A cell starting with = + - @, a tab or a carriage return is written with a
leading apostrophe (the OWASP advice on CSV injection); the readers of our own
files take it off again. Every writer of CSV for people (plan, report, roster
tables) and every reader of our own CSV uses these three functions.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(series: pd.Series) -> pd.Series:
    """Prefix an apostrophe to text cells that a spreadsheet would treat as a formula."""
    text = series.astype("str")
    risky = text.str.startswith(FORMULA_STARTS, na=False)
    return text.mask(risky, "'" + text)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text column neutralised (see :func:`neutralise`)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("str", "string", "category"):
            out[col] = neutralise(out[col].astype(object).where(out[col].notna(), None))
    return out


def unneutralise(series: pd.Series) -> pd.Series:
    """Undo :func:`neutralise`."""
    text = series.astype("str")
    if not text.str.startswith("'", na=False).any():
        return text
    guarded = text.str.startswith(tuple("'" + s for s in FORMULA_STARTS), na=False)
    return text.mask(guarded, text.str.slice(1))
