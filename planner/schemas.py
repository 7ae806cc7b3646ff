"""One schema for each table the project passes around: the plan row, the log row, the
stored set and the stored plan row.

Each schema is a :class:`pandera.pandas.DataFrameSchema` built from one table of column
names and pandas dtypes (``PLAN_COLUMNS`` in :mod:`planner.plan`, ``LOG_COLUMNS`` here),
with the project's plausibility limits (:mod:`planner.limits`) as its value checks:

- ``PLAN_ROW``: one prescribed set (:class:`planner.plan.Plan`'s table, and what
  :func:`planner.files.plan_csv.read_plan` reads back); the ranges of
  :data:`planner.plan.PLAN_RANGES` and ``PLAN_DATES`` (the plan reader's own);
- ``LOG_ROW``: one performed set (:class:`planner.logs.common.Log`'s table): repetitions
  0 to ``MAX_REPS``, loads 0 to ``MAX_LOAD_KG``, holds 0 to ``MAX_HOLD_S``, RPE and pain 0
  to 10, dates from ``MIN_DATE``, set types in ``SET_TYPES``, sides in ``SIDES``;
- ``STORED_SET``: a log row as the athletes' store keeps it (:mod:`planner.clinic.store`):
  with the athlete, the set's occurrence within its file, the source format and the
  file's SHA-256;
- ``STORED_PLAN``: a plan row as the store keeps it (without the weekday and the plate
  text, which follow from the date and the load), with the athlete and its source file.

:func:`check_table` validates a frame against one of them and raises
:class:`TableSchemaError` naming the table, each failing column and check, and the
first failing values (all failures at once, as pandera's ``lazy=True`` finds them).
:func:`arrow_schema` derives the Arrow schema the store writes, so that the Parquet
files and the checks come from the same definition.

Pandera's pandas backend checks a dtype loosely (a ``datetime64[s]`` column accepts any
resolution, an ``int64`` one accepts ``Int64``); the tables of dtypes here are the exact
ones (``tests/test_schemas.py`` compares them with what the code produces).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as arrow
from pandera.config import ValidationDepth, config_context
from pandera.engines import pandas_engine
from pandera.errors import SchemaErrors

from planner.catalogue import EXERCISE_IDS
from planner.limits import (
    LOG_COLUMNS,
    MAX_HOLD_S,
    MAX_LOAD_KG,
    MAX_REPS,
    MIN_DATE,
    SCALE_0_10,
    SCALE_RANGE,
    SET_TYPES,
    SIDES,
)
from planner.plan import PHASES, PLAN_COLUMNS, PLAN_DATES, PLAN_RANGES

__all__ = ["LOG_COLUMNS", "LOG_ROW", "PLAN_ROW",
           "STORED_PLAN", "STORED_PLAN_COLUMNS", "STORED_SET", "STORED_SET_COLUMNS",
           "TableSchemaError", "Text", "arrow_schema", "check_table"]

# --- the plan row ---------------------------------------------------------------------------

#: Plan columns that may be blank: holds have no repetitions, repetitions no hold, body
#: weight no load (nor plates).
PLAN_NULLABLE = ("target_reps", "target_hold_s", "load_kg", "plates")

# --- the log row ----------------------------------------------------------------------------

#: Log columns every row has: when, what, which set, its type and side, and its line.
LOG_REQUIRED = ("performed_at", "date", "exercise", "set", "set_type", "side", "source_line")

# --- the store's rows -----------------------------------------------------------------------


def _stored_set_columns() -> dict[str, str]:
    """The store's ``sets`` columns in their order on disk: the athlete first, the set's
    occurrence after its number, the source format before the file, its SHA-256 last."""
    out = {"athlete": "str"}
    for name, dtype in LOG_COLUMNS.items():
        if name == "source_file":
            out["source_format"] = "str"
        out[name] = dtype
        if name == "set":
            out["occurrence"] = "int64"
    out["source_sha256"] = "str"
    return out


#: Column name -> pandas dtype of a stored set, in the order of the store's Parquet files.
STORED_SET_COLUMNS: dict[str, str] = _stored_set_columns()
#: Column name -> pandas dtype of a stored plan row, in the order of the store's files.
STORED_PLAN_COLUMNS: dict[str, str] = {
    "athlete": "str",
    **{c: t for c, t in PLAN_COLUMNS.items() if c not in ("weekday", "plates")},
    "source_file": "str",
}

# --- dtypes and checks ----------------------------------------------------------------------


class Text(pandas_engine.STRING):
    """pandas' text dtype (``"str"``), checked as a whole column.

    pandera's own string dtype answers its dtype check element by element and then
    formats the (empty) failures into a message even when the column passes: about 0.7 ms
    a column and a call, whatever the rows. This one answers for the column at once.
    """

    def check(self, pandera_dtype, data_container=None) -> bool:
        try:
            return pandas_engine.Engine.dtype(pandera_dtype).type == self.type
        except TypeError:
            return False

    def __str__(self) -> str:
        return "str"


def _dtype(dtype: str) -> Text | str:
    return Text() if dtype == "str" else dtype


def _range(lo: float, hi: float) -> list[pa.Check]:
    return [pa.Check.in_range(lo, hi)]


_SCALE = _range(*SCALE_RANGE)
_DATE = [pa.Check.ge(MIN_DATE)]
_PLAN_CHECKS: dict[str, list[pa.Check]] = {
    **{c: _range(lo, hi) for c, (lo, hi) in PLAN_RANGES.items()},
    "date": [pa.Check.in_range(pd.Timestamp(PLAN_DATES[0]), pd.Timestamp(PLAN_DATES[1]))],
    "exercise": [pa.Check.isin(EXERCISE_IDS)],
    "side": [pa.Check.isin(SIDES)],
    "phase": [pa.Check.isin(PHASES)],
}
_LOG_CHECKS: dict[str, list[pa.Check]] = {
    "performed_at": _DATE, "date": _DATE,
    "set": [pa.Check.ge(1)],
    "set_type": [pa.Check.isin(SET_TYPES)],
    "reps": _range(0, MAX_REPS),
    "hold_s": _range(0, MAX_HOLD_S),
    "side": [pa.Check.isin(SIDES)],
    "load_kg": _range(0, MAX_LOAD_KG),
    **dict.fromkeys(SCALE_0_10, _SCALE),
    "session_min": [pa.Check.ge(0)],
    "source_line": [pa.Check.ge(1)],
}
_STORE_CHECKS: dict[str, list[pa.Check]] = {"occurrence": [pa.Check.ge(0)]}


def _schema(name: str, columns: dict[str, str], checks: dict[str, list[pa.Check]],
            required: tuple[str, ...] | None = None, nullable: tuple[str, ...] = (),
            unique: tuple[str, ...] = ()) -> pa.DataFrameSchema:
    """A schema of ``columns`` (name -> pandas dtype), in their order and no other. Every
    column may be blank unless ``required`` names it (None: all but ``nullable``)."""
    def blank(c: str) -> bool:
        return c not in required if required is not None else c in nullable

    return pa.DataFrameSchema(
        {c: pa.Column(_dtype(t), checks=list(checks.get(c, ())), nullable=blank(c),
                      unique=c in unique) for c, t in columns.items()},
        name=name, strict=True, ordered=True)


PLAN_ROW = _schema("plan row", PLAN_COLUMNS, _PLAN_CHECKS, nullable=PLAN_NULLABLE,
                   unique=("key",))
LOG_ROW = _schema("log row", LOG_COLUMNS, _LOG_CHECKS, required=LOG_REQUIRED)
STORED_SET = _schema("stored set", STORED_SET_COLUMNS, {**_LOG_CHECKS, **_STORE_CHECKS},
                     required=(*LOG_REQUIRED, "athlete", "occurrence", "source_format",
                               "source_sha256"))
STORED_PLAN = _schema("stored plan row", STORED_PLAN_COLUMNS, _PLAN_CHECKS,
                      nullable=PLAN_NULLABLE)

# --- Arrow ----------------------------------------------------------------------------------

#: pandera's dtype of a column -> the Arrow type the store writes. Times are kept in
#: microseconds, as Delta Lake and DuckDB keep them; whole numbers with blanks (Int64)
#: are Arrow int64 with nulls.
ARROW_TYPES: dict[str, arrow.DataType] = {
    "str": arrow.string(),
    "int64": arrow.int64(), "Int64": arrow.int64(),
    "float64": arrow.float64(), "Float64": arrow.float64(),
    "datetime64[ns]": arrow.timestamp("us"), "datetime64[us]": arrow.timestamp("us"),
    "datetime64[s]": arrow.timestamp("us"), "bool": arrow.bool_(),
}


def arrow_schema(schema: pa.DataFrameSchema, *, first: tuple[str, ...] = ()) -> arrow.Schema:
    """The Arrow schema of a table schema's columns, in their order (``first``: these
    columns moved to the front). Raises KeyError for a dtype without an Arrow type here."""
    names = [*first, *(c for c in schema.columns if c not in first)]
    return arrow.schema([(c, ARROW_TYPES[str(schema.columns[c].dtype)]) for c in names])


# --- validation -----------------------------------------------------------------------------

class TableSchemaError(ValueError):
    """A table that does not match its schema: names the table, each failing column and
    check, and the first failing values. ``failures`` holds every failure, one row each
    (column, check, value, index), as pandera reports them."""

    def __init__(self, message: str, failures: pd.DataFrame | None = None) -> None:
        super().__init__(message)
        self.failures = failures


_TABLE_CHECKS = {"column_in_dataframe": "missing column",
                 "column_in_schema": "a column the schema does not have",
                 "column_ordered": "a column out of the schema's order"}


def _plain(value):
    """A NumPy scalar as the Python value it holds (600.0, not np.float64(600.0))."""
    return value.item() if isinstance(value, np.number | np.bool_ | np.str_) else value


def _describe(failures: pd.DataFrame, shown: int = 3) -> list[str]:
    """One phrase per failing (column, check): the check and its first ``shown`` values."""
    parts = []
    table = failures["schema_context"].eq("DataFrameSchema")
    f = failures.assign(column=failures["column"].astype(str).where(~table, ""),
                        check=failures["check"].astype(str))
    for (column, check), rows in f.groupby(["column", "check"], sort=False):
        head = zip(rows["failure_case"].head(shown), rows["index"].head(shown), strict=True)
        values = ", ".join(f"{_plain(v)!r} (row {i})" if column and pd.notna(i)
                           else repr(_plain(v)) for v, i in head)
        more = f" and {len(rows) - shown} more" if len(rows) > shown else ""
        what = f"column {column}: {check}" if column else _TABLE_CHECKS.get(check, check)
        parts.append(f"{what}: {values}{more}")
    return parts


def check_table(frame: pd.DataFrame, schema: pa.DataFrameSchema, table: str | None = None,
                *, values: bool = True) -> pd.DataFrame:
    """``frame`` unchanged when it matches ``schema``; else a :class:`TableSchemaError`.

    table : what the message calls the table (default: the schema's name), e.g.
        "store table sets (athlete a1, file log.csv)"
    values : False checks the columns, their order and dtypes and the blanks only, not
        the value checks (the ranges and the allowed texts)
    """
    depth = ValidationDepth.SCHEMA_AND_DATA if values else ValidationDepth.SCHEMA_ONLY
    try:
        with config_context(validation_enabled=True, validation_depth=depth):
            schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        failures = exc.failure_cases
        raise TableSchemaError(f"{table or 'a table'}: does not match the {schema.name} "
                               "schema: " + "; ".join(_describe(failures)), failures) from None
    return frame
