"""Text to values (planner.logs.values): hand-computed cases."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.logs.values import (
    by_unique,
    clock_seconds,
    duration_minutes,
    format_times,
    parse_numbers,
    parse_times,
)


def texts(*values: str) -> pd.Series:
    return pd.Series(values, dtype="str")


def test_duration_minutes():
    got = duration_minutes(texts("1h 6m", "52m", "264h 1m", "45s", "1:06:00", "soon", ""))
    assert np.allclose(got[:5], [66, 52, 264 * 60 + 1, 0.75, 66])
    assert np.isnan(got[5])


def test_clock_seconds():
    got = clock_seconds(texts("0:00:08", "1:02:03", "02:03", "8", "1:2:3:4"))
    assert got.tolist()[:3] == [8, 3723, 123] and got[3:].isna().all()


def test_parse_times_drops_time_zones_and_keeps_the_wall_time():
    when, tz = parse_times(texts("2024-03-04T18:00:00Z", "2024-03-04 18:00:00+05:00",
                                 "2024-03-04 18:00", "0001-01-01", "9999-12-31", "2024-02-30"),
                           ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"))
    assert list(tz) == [True, True, False, False, False, False]
    assert list(when[:3]) == [np.datetime64("2024-03-04T18:00:00")] * 3
    assert when[3] == np.datetime64("0001-01-01") and when[4] == np.datetime64("9999-12-31")
    assert np.isnat(when[5])


def test_parse_numbers_decimal_commas_and_bad_text():
    got = parse_numbers(texts("62,5", "10", "", "ten", "1e20", "inf"), True, False)
    assert got["comma"].tolist() == [True, False, False, False, False, False]
    assert got["bad"].tolist() == [False, False, False, True, False, False]
    assert got["value"].tolist()[:2] == [62.5, 10.0] and got["value"][4] == 1e20
    assert np.isinf(got["value"][5])


def test_by_unique_calls_once_per_distinct_value():
    calls = []

    def double(u: pd.Series) -> np.ndarray:
        calls.append(len(u))
        return u.astype(float).to_numpy() * 2

    out = by_unique(pd.Series(["1", "2", "1", None, "2"], dtype="str"), double)
    assert calls == [2]
    assert out.tolist()[:3] == [2.0, 4.0, 2.0] and np.isnan(out[3]) and out[4] == 4.0


def test_format_times():
    when = pd.Series([pd.Timestamp("2026-01-05 10:00")] * 2 + [pd.Timestamp("2026-01-06")])
    assert format_times(when, "%Y-%m-%d").tolist() == ["2026-01-05", "2026-01-05", "2026-01-06"]


def test_parse_times_reads_back_folded_texts_and_refuses_rolled_over_dates():
    # read back to the letter, with leading zeros left out or another letter case, or not
    # at all (strptime rolls 30 February over to March)
    got, _ = parse_times(texts("2024-03-01", "2024-3-1", "2024-02-30", "", "soon"),
                         ("%Y-%m-%d",))
    assert got[:2].tolist() == [np.datetime64("2024-03-01T00:00:00")] * 2
    assert np.isnat(got[2:]).all()
    got, _ = parse_times(texts("8 apr 2026, 16:50", "08 Apr 2026, 16:50", "31 Apr 2026, 10:00"),
                         ("%d %b %Y, %H:%M",))
    assert got[:2].tolist() == [np.datetime64("2026-04-08T16:50:00")] * 2
    assert np.isnat(got[2])


def test_times_written_by_numpy_match_arrows_strftime():
    import pyarrow as pa
    import pyarrow.compute as pc

    from planner.logs.apps import FITNOTES, HEVY, STRONG
    from planner.logs.values import _write_times

    rng = np.random.default_rng(5)
    low, high = (np.datetime64(t, "s").astype(np.int64) for t in ("1000-01-01", "9999-12-31"))
    secs = rng.integers(low, high, 2000).astype("datetime64[s]")
    secs[:3] = np.array(["1000-01-01", "9999-12-31T23:59:59", "2024-02-29T12:00"],
                        dtype="datetime64[s]")
    secs[3] = np.datetime64("NaT")
    hours = np.datetime64("2024-01-01T00:00:00") + np.arange(48).astype("timedelta64[h]")
    formats = {*STRONG.date_formats, *HEVY.date_formats, *FITNOTES.date_formats,
               "%d/%m/%Y %I%p", "%m%%", "%Y %", "%j %a"}  # the last three: Arrow's own
    for times in (secs, hours, np.array(["0001-01-01", "NaT"], dtype="datetime64[s]"),
                  np.array(["NaT"], dtype="datetime64[s]")):
        parsed = pa.array(times)
        for fmt in formats:
            assert _write_times(parsed, fmt).equals(pc.strftime(parsed, format=fmt)), fmt
