"""Text to values, in bulk: numbers, clock times, durations and dates.

Log files repeat the same few texts (a date per workout, a handful of rep counts),
so each function here works on the *distinct* texts of a column (``by_unique``
applies one to a whole column): the cost follows the number of different values,
not the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def by_unique(s: pd.Series, fn: Callable[[pd.Series], object]) -> pd.Series:
    """``fn`` applied to each distinct value of ``s`` once (files repeat dates and numbers)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    done = np.asarray(fn(pd.Series(uniques, dtype="str")))
    if len(done) == 0:
        return pd.Series(np.full(len(s), np.nan), index=s.index)
    out = done[np.where(codes >= 0, codes, 0)]
    if out.dtype.kind == "M":
        out = np.where(codes >= 0, out, np.datetime64("NaT"))
    elif out.dtype.kind == "f":
        out = np.where(codes >= 0, out, np.nan)
    elif out.dtype == bool:
        out = np.where(codes >= 0, out, False)
    return pd.Series(out, index=s.index)


def to_float(u: pd.Series) -> np.ndarray:
    """Numbers of texts ("10", "10.0", "1e20", "inf"); NaN where a text is not one."""
    return pd.to_numeric(u, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def parse_times(u: pd.Series, formats: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Parsed times (datetime64[s]) and whether a time zone was dropped, for unique texts."""
    text = u.str.strip().str.replace(r"^(\d{4}-\d{2}-\d{2})T", r"\1 ", regex=True)
    tz = text.str.contains(r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})$",
                           regex=True, na=False)
    text = text.str.replace(r"(\d:\d{2}(?::\d{2})?)(?:\.\d+)?\s*(?:Z|[+-]\d{2}:?\d{2})?$",
                            r"\1", regex=True)
    arr = pa.array(text.fillna("").to_numpy(dtype=object), pa.string())
    written = _fold_numbers(arr)
    out = pa.nulls(len(arr), pa.timestamp("s"))
    for fmt in formats:
        parsed = pc.strptime(arr, format=fmt, unit="s", error_is_null=True)
        # strptime rolls 2024-02-30 over to 2024-03-01: keep a time only if it reads back
        # as written (leading zeros and letter case aside)
        same = pc.equal(_fold_numbers(pc.strftime(parsed, format=fmt)), written)
        out = pc.coalesce(out, pc.if_else(pc.fill_null(same, False), parsed, None))
    return out.to_numpy(zero_copy_only=False).astype("datetime64[s]"), tz.to_numpy(dtype=bool)


def _fold_numbers(text):
    return pc.replace_substring_regex(pc.utf8_lower(text), r"(^|[^0-9])0+([0-9])", r"\1\2")


def duration_minutes(u: pd.Series) -> np.ndarray:
    """Durations written like "1h 6m", "52m", "264h 1m", "45s" or "1:06:00", in minutes."""
    s = u.str.strip()
    parts = s.str.extract(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$")
    parts = parts.astype("float64")
    mins = parts[0].fillna(0) * 60 + parts[1].fillna(0) + parts[2].fillna(0) / 60
    mins = mins.where(parts.notna().any(axis=1))
    return mins.fillna(clock_seconds(s) / 60).to_numpy(dtype="float64", na_value=np.nan)


def clock_seconds(u: pd.Series) -> pd.Series:
    """Times written as H:MM:SS or MM:SS, in seconds."""
    hms = u.str.strip().str.extract(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})$").astype("float64")
    return (hms[0].fillna(0) * 3600 + hms[1] * 60 + hms[2]).where(hms[2].notna())


def parse_numbers(u: pd.Series, decimal_comma: bool, clock: bool) -> pd.DataFrame:
    """For distinct texts: the number, whether it had a decimal comma, whether it is bad."""
    blank = u.fillna("") == ""
    comma = u.str.fullmatch(r"-?\d+,\d+", na=False) if decimal_comma else blank & False
    text = u.where(~comma, u.str.replace(",", ".", regex=False))
    value = clock_seconds(text) if clock else pd.Series(to_float(text.where(~blank, "")))
    value = value.to_numpy(dtype="float64", na_value=np.nan)
    return pd.DataFrame({"value": value, "comma": comma.to_numpy(dtype=bool),
                         "bad": np.isnan(value) & ~blank.to_numpy(dtype=bool)})


def format_times(when: pd.Series, fmt: str) -> pd.Series:
    """``when.dt.strftime(fmt)``, formatting each distinct time once."""
    codes, uniques = pd.factorize(when)
    text = pd.DatetimeIndex(uniques).strftime(fmt).to_numpy(dtype=object)
    return pd.Series(text[codes] if len(uniques) else np.array([], dtype=object),
                     index=when.index, dtype="str")
