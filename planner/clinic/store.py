"""The athletes' store: every set of every athlete, once, in Delta Lake tables.

Layout of a store folder (created readable by its owner only, mode 0700)::

    store.json   {"kind": "planner store", "schema_version": 1}
    sets/        Delta table, partitioned by athlete: one row per performed set
    plans/       Delta table, partitioned by athlete: one row per prescribed set
    imports/     Delta table: one row per file ingested (SHA-256, counts)
    report/      Delta table: the import report (rejected, flagged, missing rows)

Every write is a Delta Lake commit (``deltalake``): a commit is atomic, so a
reader sees a table before or after an ingest, never half of one. Each export is
read in chunks cut between workouts (:func:`planner.logs.stream.iter_log`, each
chunk through the same reader as ``read_log``), and each chunk's new sets are
written to a Parquet file of their own as they come: memory holds one chunk, the
athlete's stored keys and the file's workout times, not the export. One Delta
transaction then adds all the files: an ingest interrupted before it leaves the
store as it was (an ingest that fails removes the files it wrote; one killed leaves
files that are in no commit, which readers never see). With ``workers``, processes
read the athletes' files in batches and write the Parquet files; this process
commits them, so the store is the same as with one process.
An export whose workouts are out of order (a chunk holding a workout an earlier
chunk held) is read again in one piece, so that the occurrence index is the file's.
The tables are committed in the order sets, plans, report, imports: the file
records come last, so an ingest stopped between two commits is done again in
full next time, its sets then counted as already stored.

Dedup: a set's natural key is (athlete, performed_at, exercise, set, side,
occurrence), the occurrence being the index of equal keys within one file
(FitNotes has no time of day: two identical sets of a day both stay). App
exports are cumulative: a newer export adds only its new sets; stored sets of
the same app, dated within the export's span, that it no longer holds stay in
the store and are reported as "missing". A file whose SHA-256 is already
recorded for the athlete is not read again. Per file,
``rows_read == imported + already_stored + rejected + skipped``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import pickle
import uuid
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.transaction import AddAction

from planner.clinic.roster import Athlete, Roster, read_roster
from planner.files.plan_csv import read_plan
from planner.logs import read_log as read_whole
from planner.logs.stream import CHUNK_BYTES, iter_log
from planner.schemas import STORED_PLAN, STORED_SET, arrow_schema, check_table

SCHEMA_VERSION = 1
STORE_KIND = "planner store"
KEY = ["performed_at", "exercise", "set", "side", "occurrence"]

# The sets and plans tables: their columns, dtypes and checks in one place (planner.schemas);
# the Arrow schemas of their Parquet files follow from them. Every frame is checked before
# it is written (check_table): a bad one stops the ingest, and nothing is committed.
ROW_SCHEMAS = {"sets": STORED_SET, "plans": STORED_PLAN}
#: Whether the store's check runs the value checks too (ranges, allowed texts), not only the
#: columns, their order, dtypes and blanks. Off: the readers have checked every value
#: against the same limits (planner.limits) before, and a check has a fixed cost of a few
#: ms a frame, whatever its rows: with the values, 17 % of the CPU of ingesting 200
#: athletes' small exports, 8 % without (benchmarks/bench_schemas.py).
CHECK_VALUES = False
SETS_SCHEMA = arrow_schema(STORED_SET)
PLANS_SCHEMA = arrow_schema(STORED_PLAN)
IMPORTS_SCHEMA = pa.schema([
    ("ingest_id", pa.string()), ("ingested_at", pa.timestamp("us", tz="UTC")),
    ("athlete", pa.string()), ("kind", pa.string()), ("file", pa.string()),
    ("sha256", pa.string()), ("format", pa.string()), ("rows_read", pa.int64()),
    ("imported", pa.int64()), ("already_stored", pa.int64()), ("rejected", pa.int64()),
    ("skipped", pa.int64()), ("flagged", pa.int64()), ("missing", pa.int64()),
    ("schema_version", pa.int64()),
])
REPORT_SCHEMA = pa.schema([
    ("ingest_id", pa.string()), ("athlete", pa.string()), ("sha256", pa.string()),
    ("file", pa.string()), ("line", pa.int64()), ("column", pa.string()), ("value", pa.string()),
    ("problem", pa.string()), ("action", pa.string()), ("rule", pa.string()),
])
SCHEMAS = {"sets": SETS_SCHEMA, "plans": PLANS_SCHEMA, "imports": IMPORTS_SCHEMA,
           "report": REPORT_SCHEMA}
PARTITIONED = ("sets", "plans")
COUNTS = ("rows_read", "imported", "already_stored", "rejected", "skipped", "flagged", "missing")


class StoreError(ValueError):
    """A folder that is not a store, or a store of another schema version."""


class IngestError(RuntimeError):
    """An ingest that could not finish for a reason outside its input; nothing committed."""


def sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _empty(schema: pa.Schema) -> pd.DataFrame:
    return schema.empty_table().to_pandas()


@dataclass(frozen=True)
class Store:
    """A store folder (see the module docstring). Reads go through DuckDB over the
    Parquet files of each Delta table's current version."""

    path: Path

    @property
    def sets_path(self) -> Path:
        return self.path / "sets"

    def table_path(self, name: str) -> Path:
        return self.path / name

    def has(self, name: str) -> bool:
        return (self.path / name / "_delta_log").is_dir()

    def versions(self) -> dict[str, int | None]:
        """The Delta version of each table (None: not written yet)."""
        return {n: (DeltaTable(str(self.path / n)).version() if self.has(n) else None)
                for n in ("sets", "plans", "imports", "report")}

    def files(self, name: str) -> dict[str, list[str]]:
        """The Parquet files of a table's current version, by athlete (key "" for the
        tables not partitioned by athlete): the snapshot a read or an ingest works on."""
        if not self.has(name):
            return {}
        dt = DeltaTable(str(self.path / name))
        if name not in PARTITIONED:
            return {"": list(dt.file_uris())}
        actions = pa.table(dt.get_add_actions(flatten=True)).select(["path", "partition.athlete"])
        out: dict[str, list[str]] = {}
        root = self.path / name
        for rel, a in zip(*(c.to_pylist() for c in actions.columns), strict=True):
            out.setdefault(a, []).append(str(root / rel))
        return out

    def read(self, name: str, athletes: list[str] | None = None,
             columns: list[str] | None = None, files: dict[str, list[str]] | None = None
             ) -> pd.DataFrame:
        """A table (or the rows of ``athletes``) as a DataFrame: DuckDB reads the Parquet
        files of the table's current Delta version (or of the snapshot ``files``)."""
        schema = SCHEMAS[name]
        files = self.files(name) if files is None else files
        if name in PARTITIONED and athletes is not None:
            paths = [f for a in athletes for f in files.get(a, [])]
        else:
            paths = [f for fs in files.values() for f in fs]
        cols = columns or schema.names
        if not paths:
            return _empty(schema)[cols]
        hive = ", hive_partitioning = true, hive_types = {'athlete': VARCHAR}" \
            if name in PARTITIONED else ""
        source = f"FROM read_parquet($paths, union_by_name = true{hive})"
        sql = f"SELECT {', '.join(chr(34) + c + chr(34) for c in cols)} {source}"
        with duckdb.connect() as con:
            try:
                table = con.sql(sql, params={"paths": paths}).to_arrow_table()
            except duckdb.BinderException:  # a column newer than every file (report's rule)
                every = con.sql(f"SELECT * {source}", params={"paths": paths}
                                ).to_arrow_table()
                table = pa.table({c: every.column(c) if c in every.column_names
                                  else pa.nulls(every.num_rows, schema.field(c).type)
                                  for c in cols})
        # Whole numbers stay whole where some are missing (reps): Int64, as in the Log.
        out = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        text = [c for c in cols if schema.field(c).type == pa.string()
                and str(out[c].dtype) != "str"]
        if text:  # an all-null text column comes back as objects
            out[text] = out[text].astype("str")
        if name not in PARTITIONED and athletes is not None:
            out = out[out["athlete"].isin(athletes)].reset_index(drop=True)
        return out

    def athletes(self) -> list[str]:
        """The athlete ids with sets or a plan in the store, sorted."""
        return sorted(set(self.files("sets")) | set(self.files("plans")))


def open_store(path: str | Path, create: bool = False) -> Store:
    """Open a store; with ``create``, make the folder (mode 0700) when it does not exist."""
    p = Path(path)
    meta = p / "store.json"
    if not meta.exists():
        if not create:
            raise StoreError(f"{p}: not a planner store (no store.json); create one with "
                             "'planner ingest ROSTER --store DIR'")
        if p.exists() and any(p.iterdir()):
            raise StoreError(f"{p}: the folder exists and is not empty; choose a new folder "
                             "for the store")
        p.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(p, 0o700)
        tmp = p / "store.json.tmp"
        tmp.write_text(json.dumps({"kind": STORE_KIND, "schema_version": SCHEMA_VERSION}))
        os.chmod(tmp, 0o600)
        tmp.replace(meta)
    info = json.loads(meta.read_text())
    if info.get("kind") != STORE_KIND:
        raise StoreError(f"{meta}: not a planner store")
    if info.get("schema_version") != SCHEMA_VERSION:
        raise StoreError(f"{p}: store schema version {info.get('schema_version')}; this "
                         f"planner reads version {SCHEMA_VERSION}")
    return Store(p)


# --- ingest ---------------------------------------------------------------------------------

@dataclass
class IngestResult:
    """What an ingest did: one row per file (``files``), the report rows, store versions."""

    files: pd.DataFrame
    report: pd.DataFrame
    versions_before: dict[str, int | None]
    versions_after: dict[str, int | None]

    @property
    def changed(self) -> bool:
        return self.versions_before != self.versions_after


def _log_rows(log, athlete: str, digest: str) -> pd.DataFrame:
    """A Log's table as store rows: athlete, occurrence index, source format and hash."""
    t = log.table
    occ = t.groupby(["performed_at", "exercise", "set", "side"], sort=False,
                    dropna=False).cumcount()
    out = pd.DataFrame({c: t[c] for c in SETS_SCHEMA.names if c in t.columns})
    out["athlete"] = athlete
    out["occurrence"] = occ.astype("int64")
    out["source_format"] = log.source_format
    out["source_sha256"] = digest
    return out[SETS_SCHEMA.names]


def _keys(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["source_format", "date", *KEY]].astype({"set": "Int64"})


def _plan_rows(athlete: Athlete, cache: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The athlete's plans as one table: each later plan replaces the earlier ones from its
    first day on (a next block continues a programme). ``cache``: plan tables by SHA-256
    (a clinic hands the same plan to many athletes)."""
    def table(p: Path) -> pd.DataFrame:
        digest = sha256(p)
        if digest not in cache:
            cache[digest] = read_plan(p).table
        return cache[digest].assign(source_file=str(p))

    plans = sorted((table(p) for p in athlete.plans), key=lambda t: t["date"].min())
    kept = []
    for i, t in enumerate(plans):
        if i + 1 < len(plans):
            t = t[t["date"] < plans[i + 1]["date"].min()]
        kept.append(t)
    table = pd.concat(kept, ignore_index=True) if kept else _empty(PLANS_SCHEMA)
    table = table.assign(athlete=athlete.id)
    return table[PLANS_SCHEMA.names]


def _arrow(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def _write_part(table: Path, athlete: str, rows: pd.DataFrame, source: Path | None = None):
    """Check ``rows`` against the table's schema (:data:`ROW_SCHEMAS`), then write them as a
    new Parquet file of the athlete's partition; its Delta add action."""
    name = table.name
    where = f"athlete {athlete}" + (f", file {source}" if source is not None else "")
    check_table(rows, ROW_SCHEMAS[name], f"store table {name} ({where})", values=CHECK_VALUES)
    rel = f"athlete={athlete}/part-{uuid.uuid4().hex}.snappy.parquet"
    path = table / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _arrow(rows, SCHEMAS[name]).drop_columns(["athlete"])  # in the path
    pq.write_table(data, path, compression="snappy")
    stats = {"numRecords": data.num_rows,
             "nullCount": {c: data.column(c).null_count for c in data.column_names}}
    st = path.stat()
    return AddAction(rel, st.st_size, {"athlete": athlete}, int(st.st_mtime * 1000), True,
                     json.dumps(stats))


class _Interleaved(Exception):
    """A chunk of an export holds a workout an earlier chunk held (rows out of order)."""


@dataclass
class _Batch:
    """Some athletes' share of one ingest, read by one process: their new Parquet files
    (add actions, not committed yet), file records and report rows.

    ``seen``: the (athlete, SHA-256) of the files already recorded; ``snapshot``: the
    athletes' Parquet files of the sets table's version the ingest started from."""

    store: Path
    ingest_id: str
    now: datetime
    seen: set
    snapshot: dict
    read_log: Any = None  # a reader handed in: each export in one piece
    chunk_bytes: int | None = None
    records: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    actions: list = field(default_factory=list)  # the new sets' Parquet files
    plan_tables: list = field(default_factory=list)  # (athlete, add action of their plan)

    def record(self, a: str, kind: str, file: Path, digest: str, fmt: str,
               **counts: int) -> None:
        self.records.append({"ingest_id": self.ingest_id, "ingested_at": self.now,
                             "athlete": a, "kind": kind, "file": str(file), "sha256": digest,
                             "format": fmt, **{c: int(counts.get(c, 0)) for c in COUNTS},
                             "schema_version": SCHEMA_VERSION})

    def run(self, athletes) -> _Batch:
        try:
            self._run(athletes, self.read_log or read_whole)
        except BaseException:  # an ingest that fails removes what it wrote
            self.remove_parts()
            raise
        return self

    def _run(self, athletes, read_whole) -> None:
        st = Store(self.store)
        plan_cache: dict[str, pd.DataFrame] = {}
        for a in athletes:
            fresh = False
            for p in a.plans:
                digest = sha256(p)
                if (a.id, digest) in self.seen:
                    self.record(a.id, "plan", p, digest, "unchanged")
                    continue
                self.seen.add((a.id, digest))
                self.record(a.id, "plan", p, digest, "plan")
                fresh = True
            if fresh:
                table = _plan_rows(a, plan_cache)
                self.plan_tables.append((a.id, _write_part(st.table_path("plans"), a.id,
                                                           table)))
                for r in self.records:
                    if r["athlete"] == a.id and r["kind"] == "plan" and r["format"] == "plan":
                        r["rows_read"] = r["imported"] = int((table["source_file"]
                                                              == r["file"]).sum())
            stored: pd.DataFrame | None = None
            for i, p in enumerate(a.logs):
                digest = sha256(p)
                if (a.id, digest) in self.seen:
                    self.record(a.id, "log", p, digest, "unchanged")
                    continue
                self.seen.add((a.id, digest))
                if stored is None:
                    stored = _keys(st.read("sets", [a.id], ["source_format", "date", *KEY],
                                           files=self.snapshot))
                more = i + 1 < len(a.logs)
                try:
                    added = self._log(st, a, p, digest, stored, self._chunks(p, a.unit), more)
                except _Interleaved:  # workouts out of order: the file in one piece
                    added = self._log(st, a, p, digest, stored,
                                      [read_whole(p, unit=a.unit)], more)
                stored = added

    def _chunks(self, p: Path, unit: str | None):
        if self.read_log is not None:  # a reader handed in: the file in one piece
            yield self.read_log(p, unit=unit)
        else:
            yield from iter_log(p, unit=unit, chunk_bytes=self.chunk_bytes or CHUNK_BYTES)

    def _log(self, st: Store, a: Athlete, p: Path, digest: str, stored: pd.DataFrame, logs,
             more: bool) -> pd.DataFrame:
        """Read one export chunk by chunk: each chunk's new sets to a Parquet file of their
        own; the file's counts, report and missing sets; the athlete's stored keys after it.
        Memory holds one chunk, the athlete's stored keys and (when more files of theirs
        follow) the new keys."""
        ingest_id = self.ingest_id
        unique = stored[KEY].drop_duplicates()
        matched = np.zeros(len(stored), dtype=bool)  # stored sets this export holds
        counts = dict.fromkeys(("rows_read", "imported", "already_stored", "rejected",
                                "skipped", "flagged"), 0)
        fmt, lo, hi = None, None, None
        new_keys: list[pd.DataFrame] = []
        rep: list[pd.DataFrame] = []
        times = np.empty(0, dtype="datetime64[us]")  # workouts of the earlier chunks
        mine: list = []
        try:
            for log in logs:
                fmt = log.source_format
                rows = _log_rows(log, a.id, digest)
                keys = _keys(rows)
                at = rows["performed_at"].to_numpy(dtype="datetime64[us]")
                # The occurrence index counts equal sets within the file: a chunk must not
                # hold a workout an earlier chunk held (iter_log cuts between workouts).
                if len(times) and np.isin(at, times).any():
                    raise _Interleaved
                times = np.union1d(times, at)
                hit = keys[KEY].merge(unique, on=KEY, how="left", indicator=True)[
                    "_merge"].eq("both").to_numpy()
                if len(stored) and hit.any():
                    pos = stored[KEY].assign(_i=np.arange(len(stored))).merge(
                        keys.loc[hit, KEY], on=KEY)["_i"].to_numpy()
                    matched[pos] = True
                if len(rows):
                    d0, d1 = rows["date"].min(), rows["date"].max()
                    lo = d0 if lo is None else min(lo, d0)
                    hi = d1 if hi is None else max(hi, d1)
                counts["rows_read"] += log.rows_read
                counts["imported"] += int((~hit).sum())
                counts["already_stored"] += int(hit.sum())
                counts["rejected"] += log.rows_rejected
                counts["skipped"] += log.rows_skipped
                counts["flagged"] += int(log.report.loc[log.report["action"] == "flagged",
                                                        "line"].nunique()
                                         ) if len(log.report) else 0
                if len(log.report):
                    rep.append(log.report)
                if (~hit).any():
                    mine.append(_write_part(st.sets_path, a.id, rows[~hit], p))
                    if more:
                        new_keys.append(keys[~hit])
                del log, rows, keys  # hold no chunk while the next is read
        except BaseException:
            for act in mine:  # this file's parts are in no commit: remove them
                (st.sets_path / act.path).unlink(missing_ok=True)
            raise
        self.actions.extend(mine)
        span = (stored["source_format"].eq(fmt) & stored["date"].between(lo, hi)).to_numpy() \
            if lo is not None else np.zeros(len(stored), dtype=bool)
        gone = stored[span & ~matched]
        report = pd.concat(rep, ignore_index=True) if rep else _empty(REPORT_SCHEMA).drop(
            columns=["ingest_id", "athlete", "sha256"])
        report = report.assign(ingest_id=ingest_id, athlete=a.id, sha256=digest)
        if len(gone):
            report = pd.concat([report, pd.DataFrame({
                "ingest_id": ingest_id, "athlete": a.id, "sha256": digest,
                "file": str(p), "line": 0, "column": "",
                "value": (gone["performed_at"].astype(str) + " " + gone["exercise"]
                          + " set " + gone["set"].astype(str)),
                "problem": "stored set not in this export (kept in the store)",
                "action": "missing", "rule": "missing"})], ignore_index=True)
        if len(report):
            self.reports.append(report)
        self.record(a.id, "log", p, digest, fmt, **counts, missing=len(gone))
        r = self.records[-1]
        assert r["rows_read"] == (r["imported"] + r["already_stored"] + r["rejected"]
                                  + r["skipped"]), "every row is counted once"
        return pd.concat([stored, *new_keys], ignore_index=True) if new_keys else stored

    def remove_parts(self) -> None:
        """Delete this batch's Parquet files (an ingest that will not commit them)."""
        for act in self.actions:
            (self.store / "sets" / act.path).unlink(missing_ok=True)
        for _, act in self.plan_tables:
            (self.store / "plans" / act.path).unlink(missing_ok=True)


def _run_batch(batch: _Batch, athletes) -> _Batch:
    """A worker process's task (module level, so that it pickles). An error that would
    not survive the way back to the parent (an exception class whose constructor takes
    other arguments) comes back as a plain one with the same message."""
    try:
        return batch.run(athletes)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            kind = ValueError if isinstance(exc, ValueError) else RuntimeError
            raise kind(str(exc)) from None
        raise


def _batches(athletes: list, workers: int) -> list[list]:
    """Athletes in about 8 batches per worker, each of 8 athletes or more, in roster order."""
    size = max(8, -(-len(athletes) // (8 * workers)))
    return [athletes[i:i + size] for i in range(0, len(athletes), size)]


def _read_parallel(template: _Batch, athletes: list, workers: int) -> list[_Batch]:
    """Read ``athletes`` in ``workers`` processes; the batches in roster order. A failure
    in one batch stops the rest, and the files of every batch are removed."""
    def part(group) -> _Batch:
        ids = {a.id for a in group}
        return _Batch(template.store, template.ingest_id, template.now,
                      {k for k in template.seen if k[0] in ids},
                      {a: f for a, f in template.snapshot.items() if a in ids},
                      chunk_bytes=template.chunk_bytes)

    # spawn: a forked child of a process running Arrow's or DuckDB's threads can hang.
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
        futures = [pool.submit(_run_batch, part(g), g) for g in _batches(athletes, workers)]
        try:
            return [f.result() for f in futures]
        except BaseException as exc:
            for f in futures:
                f.cancel()
            pool.shutdown(wait=True)
            for f in futures:
                if f.done() and not f.cancelled() and f.exception() is None:
                    f.result().remove_parts()
            if isinstance(exc, BrokenProcessPool):
                raise IngestError(
                    "a worker process reading the athletes' files stopped (out of memory, "
                    "killed, or started from a script without an 'if __name__ == "
                    "\"__main__\":' guard); nothing was committed: try again with fewer "
                    "workers (--workers 1 reads in one process)") from exc
            raise


PARALLEL_FROM = 64  # athletes: fewer are read in this process (starting workers costs ~1 s)


def ingest(roster: Roster | str | Path, store: str | Path, unit: str | None = None,
           read_log=None, chunk_bytes: int | None = None,
           workers: int | None = 1) -> IngestResult:
    """Import every plan and log of ``roster`` into the store at ``store`` (created if new).

    File by file, athlete by athlete, each export in chunks of about ``chunk_bytes``
    (default :data:`planner.logs.stream.CHUNK_BYTES`): each chunk's new sets go to a
    Parquet file, and one Delta transaction adds them all to the sets table; then the plans, the
    import report and the file records are committed. Unchanged files (same SHA-256
    for the athlete) are recognised and not read; when nothing changed, nothing is
    written.

    workers : processes that read the athletes' files: 1 (the default) reads them in
        this process; None, one per CPU (up to 8). A roster of fewer than
        :data:`PARALLEL_FROM` athletes, or a ``read_log`` handed in, is read in this
        process. The store is the same either way: the workers write Parquet files, and
        this process commits them all in one transaction. Workers are started with
        "spawn": a script that calls ``ingest`` with workers needs the usual
        ``if __name__ == "__main__":`` guard.
    """
    if not isinstance(roster, Roster):
        roster = read_roster(roster, unit=unit)
    st = open_store(store, create=True)
    before = st.versions()
    ingest_id = uuid.uuid4().hex
    now = datetime.now(UTC)
    known = st.read("imports", columns=["athlete", "sha256"])
    snapshot = st.files("sets")  # read before the write starts: one consistent version
    seen = set(zip(known["athlete"], known["sha256"], strict=True))
    whole = _Batch(st.path, ingest_id, now, seen, snapshot, read_log, chunk_bytes)
    athletes = list(roster.athletes)
    workers = min(os.cpu_count() or 1, 8) if workers is None else max(1, int(workers))
    if workers > 1 and read_log is None and len(athletes) >= PARALLEL_FROM:
        batches = _read_parallel(whole, athletes, workers)
    else:
        batches = [whole.run(athletes)]
    records = [r for b in batches for r in b.records]
    reports = [r for b in batches for r in b.reports]
    actions = [a for b in batches for a in b.actions]
    plan_tables = [t for b in batches for t in b.plan_tables]

    # Each file's new sets go to their own Parquet file in the athlete's partition as they
    # come (memory holds one export at a time); one Delta commit then adds them all. Files
    # of an interrupted ingest are in no commit: readers never see them (VACUUM removes them).
    if actions:
        if not st.has("sets"):
            DeltaTable.create(str(st.sets_path), schema=SETS_SCHEMA, partition_by=["athlete"])
        DeltaTable(str(st.sets_path)).create_write_transaction(
            actions, mode="append", schema=SETS_SCHEMA, partition_by=["athlete"],
            commit_properties=CommitProperties(custom_metadata={
                "planner.ingest_id": ingest_id, "planner.schema_version": str(SCHEMA_VERSION)}))
    if plan_tables:  # the changed athletes' plans replace theirs, in one commit
        where = str(st.table_path("plans"))
        if not st.has("plans"):
            DeltaTable.create(where, schema=PLANS_SCHEMA, partition_by=["athlete"])
        DeltaTable(where).create_write_transaction(
            [act for _, act in plan_tables], mode="overwrite", schema=PLANS_SCHEMA,
            partition_by=["athlete"],
            partition_filters=[("athlete", "in", [a for a, _ in plan_tables])])
    report = (pd.concat(reports, ignore_index=True) if reports else _empty(REPORT_SCHEMA))
    if len(report):
        report = report.astype({"line": "int64"})
        # schema_mode="merge": a store written before the report had its rule column
        # gains it (its older rows read as blank).
        write_deltalake(str(st.table_path("report")), _arrow(report, REPORT_SCHEMA),
                        mode="append", schema_mode="merge")
    files = pd.DataFrame(records, columns=IMPORTS_SCHEMA.names)
    written = files[files["format"] != "unchanged"]
    if len(written):  # last: the mark that these files are in
        write_deltalake(str(st.table_path("imports")), _arrow(written, IMPORTS_SCHEMA),
                        mode="append")
    return IngestResult(files.assign(
        status=files["format"].map(lambda f: "unchanged" if f == "unchanged" else "ingested")),
        report[REPORT_SCHEMA.names] if len(report) else report, before, st.versions())
