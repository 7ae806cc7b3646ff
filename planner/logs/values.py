"""Text to values, in bulk: numbers, clock times, durations and dates.

Log files repeat the same few texts (a date per workout, a handful of rep counts),
so each function here works on the *distinct* texts of a column (``by_unique``
applies one to a whole column): the cost follows the number of different values,
not the number of rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def as_codes(s: pd.Series) -> pd.Series:
    """``s`` as a categorical (a code per row into its distinct texts); kept if it is one."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s
    return s.astype("category")


def codes_of(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """The code of each row and the distinct texts they point to (a missing value has the
    code -1), as intp whatever the number of texts: a categorical's own codes come in the
    smallest type (int8 up to 127 texts) and would overflow in arithmetic. A categorical
    is read as it is; other text is factorised once."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return (s.cat.codes.to_numpy().astype(np.intp, copy=False),
                pd.Series(s.cat.categories.to_numpy(dtype=object), dtype="str"))
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype="str")


def at_codes(values, codes: np.ndarray, missing=np.nan) -> np.ndarray:
    """``values`` (one per distinct text) spread to the rows; ``missing`` where code -1."""
    values = np.asarray(values)
    if len(values) == 0:
        return np.full(len(codes), missing, dtype=object if isinstance(missing, str)
                       else np.result_type(values.dtype, type(missing)))
    if not len(codes) or codes.min() >= 0:  # nothing missing: one pass
        return values[codes]
    out = values[np.where(codes >= 0, codes, 0)]
    return np.where(codes >= 0, out, missing)


def recode(s: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``s`` (text) as a categorical with ``fn`` applied to each distinct text once (texts
    that become equal share a code; a missing result is a missing value)."""
    codes, uniques = codes_of(s)
    new_codes, new_uniques = pd.factorize(fn(uniques), use_na_sentinel=True)
    out = at_codes(new_codes, codes, -1).astype(np.int64)
    cats = pd.Index(np.asarray(new_uniques, dtype=object), dtype="str")
    return pd.Series(pd.Categorical.from_codes(out, categories=cats), index=s.index)


def blank(s: pd.Series) -> pd.Series:
    """Whether each row's text is empty or missing (bool)."""
    codes, uniques = codes_of(s)
    empty = (uniques.fillna("") == "").to_numpy(dtype=bool)
    return pd.Series(at_codes(empty, codes, True).astype(bool), index=s.index)


def to_text(s: pd.Series) -> pd.Series:
    """Text (the ``str`` dtype) of a categorical or other text column, built by Arrow from
    the codes: no Python string per row."""
    if not isinstance(s.dtype, pd.CategoricalDtype):
        return s if str(s.dtype) == "str" else s.astype("str")
    codes = s.cat.codes.to_numpy()
    cats = pa.array(s.cat.categories.to_numpy(dtype=object), pa.large_string())
    arr = pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), cats)
    text = arr.cast(pa.large_string())
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    return pd.Series(pd.arrays.ArrowStringArray(text, dtype=dtype), index=s.index,
                     copy=False)


def by_unique(s: pd.Series, fn: Callable[[pd.Series], object]) -> pd.Series:
    """``fn`` applied to each distinct value of ``s`` once (files repeat dates and numbers)."""
    codes, uniques = codes_of(s)
    done = np.asarray(fn(uniques))
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
    # Arrow's regular expressions (RE2, in C++): no Python call per text
    arr = pc.utf8_trim_whitespace(pa.array(u.fillna("").to_numpy(dtype=object), pa.string()))
    arr = pc.replace_substring_regex(arr, r"^(\d{4}-\d{2}-\d{2})T", r"\1 ")
    tz = pc.match_substring_regex(
        arr, r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})$")
    arr = pc.replace_substring_regex(
        arr, r"(\d:\d{2}(?::\d{2})?)(?:\.\d+)?\s*(?:Z|[+-]\d{2}:?\d{2})?$", r"\1")
    out = np.full(len(arr), np.datetime64("NaT"), dtype="datetime64[s]")
    todo = np.arange(len(arr))  # the texts no format has read yet
    for fmt in formats:
        if not len(todo):
            break
        text = arr.take(pa.array(todo))
        parsed = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        # strptime rolls 2024-02-30 over to 2024-03-01: keep a time only if it reads back
        # as written (leading zeros and letter case aside)
        ok = _reads_back(parsed, text, fmt)
        out[todo[ok]] = parsed.filter(pa.array(ok)).to_numpy(zero_copy_only=False).astype(
            "datetime64[s]")
        todo = todo[~ok]
    return (out,
            tz.to_numpy(zero_copy_only=False).astype(bool))


def _reads_back(parsed, text, fmt: str) -> np.ndarray:
    """Whether each parsed time, written with ``fmt``, gives its text back (leading zeros
    and letter case aside). Most texts read back to the letter; only the others are
    folded and compared again."""
    back = _write_times(parsed, fmt)
    ok = np.array(pc.fill_null(pc.equal(back, text), False), dtype=bool)
    other = np.flatnonzero(~ok & np.array(pc.is_valid(parsed), dtype=bool))
    if len(other):
        at = pa.array(other)
        same = pc.equal(_fold_numbers(back.take(at)), _fold_numbers(text.take(at)))
        ok[other] = pc.fill_null(same, False).to_numpy(zero_copy_only=False)
    return ok


# strftime directives that _write_times writes itself, as Arrow's strftime does (C locale)
# for the years 1000-9999: each a name looked up by a part of the time (two digits are
# a name too), or the year as a number
TWO_DIGITS = tuple(f"{i:02d}" for i in range(60))
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")
DIRECTIVES = {"%m": ("month", TWO_DIGITS[1:13]), "%b": ("month", MONTH_NAMES),
              "%d": ("day", TWO_DIGITS[1:32]), "%H": ("hour", TWO_DIGITS[:24]),
              "%I": ("hour", tuple(f"{(h + 11) % 12 + 1:02d}" for h in range(24))),
              "%p": ("hour", ("AM",) * 12 + ("PM",) * 12), "%M": ("minute", TWO_DIGITS),
              "%S": ("second", TWO_DIGITS), "%Y": ("year", None)}


def _write_times(parsed, fmt: str):
    """``pc.strftime(parsed, format=fmt)``, put together from the parts of the times
    (computed by numpy, in C, and several times faster) when every time lies in the years
    1000-9999 and ``fmt`` uses only the directives of DIRECTIVES."""
    pieces = _pieces(fmt)
    if pieces is None or parsed.null_count == len(parsed):
        return pc.strftime(parsed, format=fmt)
    when = parsed.to_numpy(zero_copy_only=False).astype("datetime64[s]")
    valid = ~np.isnat(when)
    when = np.where(valid, when, np.datetime64(0, "s"))
    year = when.astype("datetime64[Y]").astype(np.int64) + 1970
    if year[valid].min() < 1000 or year[valid].max() > 9999:
        return pc.strftime(parsed, format=fmt)
    month_start = when.astype("datetime64[M]")
    day_start = when.astype("datetime64[D]")
    second = (when - day_start).astype(np.int64)
    parts = {"year": year, "month": month_start.astype(np.int64) % 12,
             "day": (day_start - month_start.astype("datetime64[D]")).astype(np.int64),
             "hour": second // 3600, "minute": second // 60 % 60, "second": second % 60}
    out = []
    for piece in pieces:
        if piece not in DIRECTIVES:
            out.append(pa.scalar(piece, pa.string()))
            continue
        part, names = DIRECTIVES[piece]
        at = pa.array(parts[part], mask=~valid)
        out.append(at.cast(pa.string()) if names is None else
                   pa.array(names, pa.string()).take(at))
    return pc.binary_join_element_wise(*out, "")


def _pieces(fmt: str) -> list[str] | None:
    """``fmt`` split into directives and literal text; None when a directive is one
    :func:`_write_times` does not write itself."""
    pieces = [p for p in re.split(r"(%.)", fmt) if p]
    if any("%" in p and p not in DIRECTIVES for p in pieces):  # also "%%" or a lone "%"
        return None
    return pieces


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
    new_codes, new_uniques = pd.factorize(text)
    cats = pd.Index(np.asarray(new_uniques, dtype=object), dtype="str")
    out = at_codes(new_codes, codes, -1).astype(np.int64)
    return to_text(pd.Series(pd.Categorical.from_codes(out, categories=cats), index=when.index))
