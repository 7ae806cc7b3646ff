"""The table schemas (planner.schemas): they match what the code produces, refuse what the
project's limits call implausible, naming the column, and give the store its Arrow schema."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from deltalake import DeltaTable

import planner
import planner.clinic.store as store_module
import planner.logs.common as common
from planner import limits
from planner.clinic.roster import read_roster
from planner.clinic.store import PLANS_SCHEMA, SETS_SCHEMA, _log_rows, ingest, open_store
from planner.files import plan_csv
from planner.files.plan_csv import PlanFormatError, read_plan
from planner.logs import Log
from planner.schemas import (
    LOG_COLUMNS,
    LOG_ROW,
    PLAN_ROW,
    STORED_PLAN,
    STORED_PLAN_COLUMNS,
    STORED_SET,
    STORED_SET_COLUMNS,
    TableSchemaError,
    arrow_schema,
    check_table,
)
from tests.paths import DATA

LOGS = sorted((DATA / "logs").glob("*.csv"))
STRONG = ("Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
          "Notes,Workout Notes,RPE\n"
          '2026-03-02 18:00:00,"Back",40m,"Deadlift (Barbell)",1,60,10,0,0,,,\n'
          '2026-03-02 18:00:00,"Back",40m,"Deadlift (Barbell)",2,60,10,0,0,,,\n'
          '2026-03-02 18:00:00,"Back",40m,"Glute Bridge",1,0,15,0,0,,,\n')

# The store's Arrow schemas as they were written by hand before planner.schemas: the files
# of every existing store have exactly these columns, in this order, with these types.
SETS_BEFORE = pa.schema([
    ("athlete", pa.string()), ("performed_at", pa.timestamp("us")), ("date", pa.timestamp("us")),
    ("session_id", pa.string()), ("workout", pa.string()), ("exercise", pa.string()),
    ("source_exercise", pa.string()), ("set", pa.int64()), ("occurrence", pa.int64()),
    ("set_type", pa.string()), ("reps", pa.int64()), ("hold_s", pa.float64()),
    ("side", pa.string()), ("load_kg", pa.float64()), ("rpe", pa.float64()),
    ("pain_during", pa.float64()), ("pain_after", pa.float64()),
    ("pain_next_morning", pa.float64()), ("session_rpe", pa.float64()),
    ("session_min", pa.float64()), ("note", pa.string()), ("key", pa.string()),
    ("source_format", pa.string()), ("source_file", pa.string()), ("source_line", pa.int64()),
    ("source_sha256", pa.string()),
])
PLANS_BEFORE = pa.schema([
    ("athlete", pa.string()), ("key", pa.string()), ("week", pa.int64()), ("day", pa.int64()),
    ("date", pa.timestamp("us")), ("session_id", pa.string()), ("exercise", pa.string()),
    ("set", pa.int64()), ("side", pa.string()), ("target_reps", pa.int64()),
    ("target_hold_s", pa.float64()), ("load_kg", pa.float64()), ("rest_s", pa.int64()),
    ("phase", pa.string()), ("source_file", pa.string()),
])


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {c: str(t) for c, t in frame.dtypes.items()}


def read(path) -> Log:
    try:
        return planner.read_log(path)
    except ValueError:  # a file that does not say its unit
        return planner.read_log(path, unit="kg")


@pytest.fixture(scope="module")
def hevy() -> Log:
    return read(DATA / "logs" / "hevy_kg_newest_first_cardio.csv")


# --- what the code produces matches -----------------------------------------------------


@pytest.mark.parametrize("config", [
    planner.PlanConfig(), planner.PlanConfig(weeks=4, unit="lb", deadlift_start_load=135)],
    ids=["default", "lb"])
def test_a_generated_plan_matches_the_plan_row(config):
    table = planner.generate(config).table
    assert dtypes(table) == planner.PLAN_COLUMNS
    check_table(table, PLAN_ROW)


def test_a_plan_read_back_matches_the_plan_row(tmp_path):
    path = planner.generate(planner.PlanConfig(weeks=3)).to_csv(tmp_path / "plan.csv")
    table = read_plan(path).table
    assert dtypes(table) == planner.PLAN_COLUMNS
    check_table(table, PLAN_ROW)


@pytest.mark.parametrize("path", LOGS, ids=[p.name for p in LOGS])
def test_every_log_read_matches_the_log_row(path):
    table = read(path).table
    assert len(table)
    assert dtypes(table) == LOG_COLUMNS
    check_table(table, LOG_ROW)


def test_the_log_template_read_back_matches_the_log_row(tmp_path):
    plan = planner.generate(planner.PlanConfig(weeks=2))
    path = tmp_path / "log.csv"
    planner.write_log_template(plan, path)
    text = path.read_text().splitlines()
    header = text[0].split(",")
    reps = header.index("done_reps")
    filled = [line.split(",") for line in text[1:]]
    for cells in filled[:5]:
        cells[reps] = "8"
    path.write_text("\n".join([text[0], *(",".join(c) for c in filled)]) + "\n")
    table = planner.read_log(path).table
    assert len(table) and table["key"].notna().all()
    check_table(table, LOG_ROW)


def test_what_the_store_writes_and_reads_back_matches_the_stored_tables(tmp_path, hevy):
    rows = _log_rows(hevy, "ann", "0" * 64)
    assert dtypes(rows) == STORED_SET_COLUMNS
    check_table(rows, STORED_SET)

    roster = tmp_path / "roster"
    (roster / "ann").mkdir(parents=True)
    (roster / "ann" / "log.csv").write_text(STRONG)
    planner.generate(planner.PlanConfig(weeks=2, start_date="2026-03-02")).to_csv(
        roster / "ann" / "plan.csv")
    ingest(read_roster(roster, unit="kg"), tmp_path / "store")
    st = open_store(tmp_path / "store")
    sets, plans = st.read("sets"), st.read("plans")
    assert len(sets) == 3 and len(plans)
    assert list(sets.columns) == list(STORED_SET_COLUMNS)
    assert list(plans.columns) == list(STORED_PLAN_COLUMNS)
    # Read back, times come in microseconds: the same columns once cast to the tables' dtypes.
    check_table(sets.astype(STORED_SET_COLUMNS), STORED_SET)
    check_table(plans.astype(STORED_PLAN_COLUMNS), STORED_PLAN)


# --- what the limits refuse, with the column named ------------------------------------------


@pytest.mark.parametrize(("column", "value", "check"), [
    ("load_kg", 600.0, "in_range"),
    ("pain_during", 11.0, "in_range"),
    ("set_type", "superset", "isin"),
    ("reps", 101, "in_range"),
    ("hold_s", 601.0, "in_range"),
    ("side", "middle", "isin"),
    ("date", pd.Timestamp("1969-12-31"), "greater_than_or_equal_to"),
])
def test_a_value_outside_the_limits_fails_naming_its_column(hevy, column, value, check):
    table = hevy.table.copy()
    table.loc[table.index[1], column] = value
    with pytest.raises(TableSchemaError, match=f"column {column}: {check}") as info:
        check_table(table, LOG_ROW, "hevy.csv")
    assert str(info.value).startswith("hevy.csv: does not match the log row schema")
    failures = info.value.failures
    assert failures[["column", "index"]].values.tolist() == [[column, table.index[1]]]


def test_every_failure_is_reported_at_once(hevy):
    table = hevy.table.copy()
    table.loc[0, "load_kg"] = 600.0
    table.loc[1, "pain_after"] = 11.0
    table.loc[2, "set_type"] = "superset"
    with pytest.raises(TableSchemaError) as info:
        check_table(table, LOG_ROW)
    message = str(info.value)
    for part in ("column load_kg: in_range(0, 500.0): 600.0 (row 0)",
                 "column pain_after: in_range(0.0, 10.0): 11.0 (row 1)",
                 "column set_type: isin", "'superset' (row 2)"):
        assert part in message
    assert set(info.value.failures["column"]) == {"load_kg", "pain_after", "set_type"}


def test_columns_dtypes_and_blanks_are_checked_with_or_without_the_values(hevy):
    table = hevy.table
    for values in (True, False):
        with pytest.raises(TableSchemaError, match="missing column: 'note'"):
            check_table(table.drop(columns="note"), LOG_ROW, values=values)
        with pytest.raises(TableSchemaError, match="a column the schema does not have"):
            check_table(table.assign(extra=1), LOG_ROW, values=values)
        with pytest.raises(TableSchemaError, match="column load_kg: dtype"):
            check_table(table.astype({"load_kg": "str"}), LOG_ROW, values=values)
        with pytest.raises(TableSchemaError, match="column exercise: not_nullable"):
            check_table(table.assign(exercise=pd.Series(None, index=table.index, dtype="str")),
                        LOG_ROW, values=values)
    # Without the values, a load of 600 kg passes: the columns are right.
    check_table(table.assign(load_kg=600.0).astype({"load_kg": "Float64"}), LOG_ROW,
                values=False)


def test_a_plan_row_outside_its_ranges_fails():
    table = planner.generate(planner.PlanConfig(weeks=2)).table.copy()
    table.loc[0, "phase"] = "taper"
    table.loc[1, "key"] = table.loc[0, "key"]
    with pytest.raises(TableSchemaError) as info:
        check_table(table, PLAN_ROW)
    assert {"phase", "key"} <= set(info.value.failures["column"])


def test_the_plan_reader_checks_the_ranges_of_the_plan_row(tmp_path):
    assert plan_csv.PLAN_RANGES is planner.plan.PLAN_RANGES
    assert plan_csv.PLAN_DATES is planner.plan.PLAN_DATES
    path = planner.generate(planner.PlanConfig(weeks=2)).to_csv(tmp_path / "plan.csv")
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("target_hold_s")] = str(limits.MAX_HOLD_S + 1)
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(PlanFormatError, match=r"line 4, column 'target_hold_s': found '601.0'; "
                                              r"expected a number from 1 to 600 s"):
        read_plan(path)


# --- the store ------------------------------------------------------------------------------


def test_the_stores_arrow_schemas_are_the_ones_of_before():
    assert SETS_SCHEMA.equals(SETS_BEFORE)
    assert PLANS_SCHEMA.equals(PLANS_BEFORE)
    assert arrow_schema(STORED_SET).equals(SETS_BEFORE)
    assert arrow_schema(STORED_PLAN).equals(PLANS_BEFORE)


def test_a_store_created_with_the_schema_of_before_takes_new_sets(tmp_path):
    store = open_store(tmp_path / "store", create=True)
    DeltaTable.create(str(store.sets_path), schema=SETS_BEFORE, partition_by=["athlete"])
    ingest(_roster(tmp_path), store.path)
    assert len(store.read("sets")) == 3
    assert DeltaTable(str(store.sets_path)).schema().to_arrow().equals(SETS_BEFORE)


def _roster(tmp_path):
    roster = tmp_path / "roster"
    (roster / "ann").mkdir(parents=True, exist_ok=True)
    (roster / "ann" / "log.csv").write_text(STRONG)
    return read_roster(roster, unit="kg")


def _handed_in(change):
    """A reader handed in to ingest that changes the Log's table (a reader with a bug)."""
    def read(path, unit=None) -> Log:
        log = planner.read_log(path, unit=unit)
        return Log(change(log.table), log.report, log.source_format, log.unit, log.rows_read,
                   log.path)
    return read


def _nothing_written(store) -> None:
    """No table written but the audit log, which records the failed ingest."""
    st = open_store(store)
    assert st.versions() == dict.fromkeys(("sets", "plans", "imports", "report", "athletes"))
    assert [p.relative_to(store).parts[0] for p in store.rglob("*.parquet")] == ["audit"]
    assert st.read("audit")["status"].tolist() == ["failed"]


@pytest.mark.parametrize(("change", "failure"), [
    (lambda t: t.astype({"load_kg": "str"}), r"column load_kg: dtype\('Float64'\)"),
    (lambda t: t.assign(exercise=pd.Series(None, index=t.index, dtype="str")),
     "column exercise: not_nullable"),
    (lambda t: t.astype({"reps": "float64"}), r"column reps: dtype\('Int64'\)"),
], ids=["text-load", "blank-exercise", "float-reps"])
def test_the_store_refuses_a_bad_frame_and_writes_nothing(tmp_path, change, failure):
    with pytest.raises(TableSchemaError, match=r"store table sets \(athlete ann, file .*"
                                               r"log.csv\): .*" + failure):
        ingest(_roster(tmp_path), tmp_path / "store", read_log=_handed_in(change))
    _nothing_written(tmp_path / "store")


def test_the_store_checks_values_when_asked(tmp_path, monkeypatch):
    """Off by default (the readers check every value; benchmarks/bench_schemas.py)."""
    heavy = _handed_in(lambda t: t.assign(load_kg=t["load_kg"] * 10))
    ingest(_roster(tmp_path), tmp_path / "unchecked", read_log=heavy)
    assert open_store(tmp_path / "unchecked").read("sets")["load_kg"].max() == 600.0
    monkeypatch.setattr(store_module, "CHECK_VALUES", True)
    with pytest.raises(TableSchemaError, match="column load_kg: in_range"):
        ingest(_roster(tmp_path), tmp_path / "store", read_log=heavy)
    _nothing_written(tmp_path / "store")


# --- one home for each limit ----------------------------------------------------------------


def test_the_log_readers_use_the_same_columns_and_limits():
    """Until planner.logs.common imports them from planner.schemas and planner.limits."""
    assert common.LOG_COLUMNS == LOG_COLUMNS
    for name in ("MIN_DATE", "MAX_REPS", "MAX_LOAD_KG", "MAX_HOLD_S", "SCALE_0_10",
                 "SET_TYPES", "SIDES"):
        assert getattr(common, name) == getattr(limits, name), name
    assert planner.plan.SIDES is limits.SIDES
