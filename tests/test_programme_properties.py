"""Hand-edited plan CSVs, generated and mutated: only the documented errors, quickly.

Whatever a person or a spreadsheet does to a plan file, ``read_plan`` either
returns a usable plan or raises PlanFormatError (or ConfigError) naming the
problem; each small case takes well under 2 s.
"""

from __future__ import annotations

import time
from datetime import date
from functools import cache

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import ConfigError, PlanConfig, PlanFormatError, generate, read_plan
from planner.files.calendar import session_summaries
from planner.plan import PLAN_COLUMNS
from tests.conftest import examples

TRICKY = ["", " ", "0", "-1", "1", "1.5", "10.5", "15", "100", "101", "1e20", "inf", "-inf",
          "nan", "NaN", "99999999999999999999", "0x10", "1,5", "40,0", "2026-01-05",
          "2026-13-45", "0001-01-01", "9999-12-31", "2026-01-05T18:00:00Z", "mon", "Mon",
          "deadlift", "glute_bridge", "rotational_stretch", "squat", "both", "left", "build",
          "deload", "=HYPERLINK(\"http://evil.example\",\"x\")", "'=1+1", "+1", "@x",
          "20 kg bar + 2x10", "20 kg bar + 2x0.001", "é", "\u2028", "\x00", "a\nb", '"', ";",
          ",", "\t"]

HEADER = list(PLAN_COLUMNS)
CELL = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12),
                 st.integers(-10, 10_000).map(str), st.floats(allow_nan=True).map(repr))


@cache
def _plan_bytes(unit: str) -> bytes:
    import tempfile
    from pathlib import Path

    config = PlanConfig(start_date=date(2026, 1, 5), weeks=2, unit=unit,
                        deadlift_start_load=40 if unit == "kg" else 95)
    with tempfile.TemporaryDirectory() as d:
        return generate(config).to_csv(Path(d) / "plan.csv").read_bytes()


def _read(path) -> None:
    """Read a plan; a plan that reads must also summarise its sessions."""
    t0 = time.perf_counter()
    try:
        plan = read_plan(path)
    except (PlanFormatError, ConfigError) as exc:
        message = str(exc)
        assert message and str(path) in message
    else:
        assert list(plan.table.columns) == list(PLAN_COLUMNS)
        assert len(plan.table) > 0
        session_summaries(plan)
    assert time.perf_counter() - t0 < 2


@settings(max_examples=examples(150))
@given(columns=st.lists(st.sampled_from(HEADER + ["load_lb", "note", "week"]), min_size=1,
                        max_size=18),
       rows=st.lists(st.lists(CELL, min_size=0, max_size=18), max_size=6),
       sep=st.sampled_from([",", ";", "\t"]), excel=st.booleans(),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_generated_plan_files_raise_only_documented_errors(tmp_path_factory, columns, rows,
                                                           sep, excel, encoding):
    import csv
    import io

    buf = io.StringIO()
    if excel:
        buf.write(f"sep={sep}\n")
    w = csv.writer(buf, delimiter=sep)
    w.writerow(columns)
    w.writerows(rows)
    path = tmp_path_factory.mktemp("fuzz") / "plan.csv"
    path.write_bytes(buf.getvalue().encode(encoding, errors="replace"))
    _read(path)


@settings(max_examples=examples(60))
@given(unit=st.sampled_from(["kg", "lb"]),
       edits=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(HEADER + ["load_lb"]),
                                CELL), max_size=4),
       drop_rows=st.lists(st.integers(0, 10_000), max_size=3),
       duplicate=st.booleans(), shuffle=st.booleans(), keep_settings=st.booleans(),
       cut=st.one_of(st.none(), st.integers(0, 5_000)))
def test_mutated_plans_raise_only_documented_errors(tmp_path_factory, unit, edits, drop_rows,
                                                    duplicate, shuffle, keep_settings, cut):
    import io

    folder = tmp_path_factory.mktemp("mut")
    raw = pd.read_csv(io.BytesIO(_plan_bytes(unit)), dtype=str, keep_default_na=False)
    for row, col, value in edits:
        if col in raw.columns:
            raw.iloc[row % len(raw), raw.columns.get_loc(col)] = value
    raw = raw.drop(index=[raw.index[i % len(raw)] for i in drop_rows if len(raw) > 1],
                   errors="ignore")
    if duplicate and len(raw):
        raw = pd.concat([raw, raw.iloc[[0]]])
    if shuffle:
        raw = raw.sample(frac=1, random_state=0)[list(reversed(raw.columns))]
    data = raw.to_csv(index=False).encode("utf-8")
    if cut is not None:
        data = data[:cut]
    path = folder / "plan.csv"
    path.write_bytes(data)
    if keep_settings:
        # A settings file from the unedited plan beside the edited table.
        src = folder / "orig"
        src.mkdir()
        generate(PlanConfig(start_date=date(2026, 1, 5), weeks=2, unit=unit,
                            deadlift_start_load=40 if unit == "kg" else 95)).to_csv(
            src / "plan.csv")
        (folder / "plan.settings.json").write_bytes((src / "plan.settings.json").read_bytes())
    _read(path)


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xff\xfe\x00", b"sep=;\n", b"\x00" * 64,
                                     b"key\n" * 3, "é".encode("cp1252") * 10])
def test_degenerate_plan_files(tmp_path, content):
    path = tmp_path / "plan.csv"
    path.write_bytes(content)
    with pytest.raises(PlanFormatError):
        read_plan(path)
