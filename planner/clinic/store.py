"""The athletes' store: every set of every athlete, once, in Delta Lake tables.

Layout of a store folder (created readable by its owner only, mode 0700)::

    store.json   {"kind": "planner store", "schema_version": 1, "versions": {...}}
    sets/        Delta table, partitioned by athlete: one row per performed set
    plans/       Delta table, partitioned by athlete: one row per prescribed set
    imports/     Delta table: one row per file ingested (SHA-256, counts)
    report/      Delta table: the import report (rejected, flagged, missing rows)
    athletes/    Delta table: every athlete ingested, with or without a log
    audit/       Delta table: every ingest, file by file: when, by whom, what came of it
    cache/       the cohort kept for a snapshot, day and code (planner.clinic.cohort)
    .writer      while an ingest runs: who holds the writers' lock, and since when

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

The store holds health data, and more than one person may write to it:

- *One writer at a time.* An ingest's read, deduplication and commits are one critical
  section under an exclusive ``flock`` on the store folder itself (released by the
  system when the holder dies). A second ingest waits up to ``wait`` seconds, then stops
  with who holds the store and since when (``.writer``).
  Delta's own optimistic concurrency does not help here: two appends never conflict, so
  two ingests that read the same keys would both add the same new sets.
- *It checks itself.* :func:`open_store` verifies ``store.json``, each table's log, that
  the log's version is not below the one the last ingest recorded (a commit deleted), and
  that every file the log names is there with its size; :func:`check_store` also reads
  every Parquet footer and lists the files an interrupted ingest left behind, which
  :func:`vacuum_store` removes. Damage raises :class:`StoreDamaged`, naming what and what
  to do.
- *Private all the way down.* An ingest writes under ``umask 077``: every folder 0700 and
  every file 0600, whatever the caller's umask.
- *An audit log.* Every ingest appends to the ``audit`` table one row per file (SHA-256,
  rows imported, already stored and rejected), per athlete held back, and one for a
  failed ingest: when, by whom (user, host, process) and from which roster.
- *The roster is kept.* The ``athletes`` table lists every athlete ingested, with or
  without a log: the cohort shows one who has not started ("no log").
- *A bad file holds back only its athlete*: their files are left out, the others are
  committed, and :attr:`IngestResult.held_back` says who, which file and why.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import multiprocessing as mp
import os
import pickle
import socket
import stat
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.transaction import AddAction

from planner.clinic.roster import (
    Athlete,
    HeldBack,
    Roster,
    check_collisions,
    read_roster,
    shown,
)
from planner.files.plan_csv import read_plan
from planner.files.safe_read import UnreadableFileError, read_regular
from planner.logs import read_log as read_whole
from planner.logs.common import LogAccountingError
from planner.logs.stream import CHUNK_BYTES, iter_log
from planner.schemas import (
    STORED_PLAN,
    STORED_SET,
    TableSchemaError,
    arrow_schema,
    check_table,
)

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
AUDIT_SCHEMA = pa.schema([
    ("ingest_id", pa.string()), ("at", pa.timestamp("us", tz="UTC")), ("user", pa.string()),
    ("host", pa.string()), ("pid", pa.int64()), ("roster", pa.string()),
    ("athlete", pa.string()), ("kind", pa.string()), ("file", pa.string()),
    ("sha256", pa.string()), ("status", pa.string()), ("rows_read", pa.int64()),
    ("imported", pa.int64()), ("already_stored", pa.int64()), ("rejected", pa.int64()),
    ("skipped", pa.int64()), ("missing", pa.int64()), ("reason", pa.string()),
])
ATHLETES_SCHEMA = pa.schema([
    ("athlete", pa.string()), ("name", pa.string()), ("folder", pa.string()),
    ("first_ingest", pa.timestamp("us", tz="UTC")),
])
SCHEMAS = {"sets": SETS_SCHEMA, "plans": PLANS_SCHEMA, "imports": IMPORTS_SCHEMA,
           "report": REPORT_SCHEMA, "athletes": ATHLETES_SCHEMA, "audit": AUDIT_SCHEMA}
#: The tables whose versions say whether an ingest changed the store (the audit log
#: grows with every ingest, changed or not).
DATA_TABLES = ("sets", "plans", "imports", "report", "athletes")
PARTITIONED = ("sets", "plans")
#: Columns a table may lack in a store written by an older planner (read as blank).
ADDED_LATER = {"report": {"rule"}}
COUNTS = ("rows_read", "imported", "already_stored", "rejected", "skipped", "flagged", "missing")
#: How long an ingest waits for another one to finish before it stops (seconds).
LOCK_WAIT_S = 300.0
HOLDER_FILE = ".writer"  # who holds the writers' lock, and since when
#: What a store folder may hold besides its tables (anything else at the top is foreign).
OWN_FILES = {"store.json", HOLDER_FILE}
WHAT_TO_DO = ("Nothing was read or written. Restore the store folder from a backup, or "
              "ingest the rosters again into a new store (planner ingest ROSTER --store "
              "NEW_FOLDER).")


class StoreError(ValueError):
    """A folder that is not a store, or a store of another schema version."""


class StoreDamaged(StoreError):
    """A store whose log, files or schema are not what its log says: names what is damaged
    and what to do."""


class StoreBusy(StoreError):
    """Another ingest holds the store for longer than this one waits."""


class IngestError(RuntimeError):
    """An ingest that could not finish for a reason outside its input; nothing committed."""


def _first_line(exc: BaseException) -> str:
    """An error's first line (delta-rs appends a Rust backtrace to its messages)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


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
        """The Delta version of each data table (None: not written yet)."""
        return {n: (_table(self.path, n).version() if self.has(n) else None)
                for n in DATA_TABLES}

    def files(self, name: str) -> dict[str, list[str]]:
        """The Parquet files of a table's current version, by athlete (key "" for the
        tables not partitioned by athlete): the snapshot a read or an ingest works on."""
        if not self.has(name):
            return {}
        dt = _table(self.path, name)
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
            except (duckdb.IOException, duckdb.InvalidInputException) as exc:
                raise StoreDamaged(f"{self.path}: the {name} table's files cannot be read "
                                   f"({_first_line(exc)}); the store is damaged. "
                                   + WHAT_TO_DO) from None
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
        """The athlete ids in the store, sorted: every athlete ingested (the ``athletes``
        table, those without a log too) and any with sets or a plan."""
        listed = set(self.read("athletes", columns=["athlete"])["athlete"]) \
            if self.has("athletes") else set()
        return sorted(listed | set(self.files("sets")) | set(self.files("plans")))

    def plan_digests(self, athletes: list[str]) -> dict[str, dict[str, str]]:
        """Per athlete, the SHA-256 of each of their plan files as last ingested, by path."""
        t = self.read("imports", athletes, ["athlete", "kind", "file", "sha256",
                                            "ingested_at"])
        t = t[t["kind"] == "plan"].sort_values("ingested_at", kind="stable")
        out: dict[str, dict[str, str]] = {}
        for a, f, d in zip(t["athlete"], t["file"], t["sha256"], strict=True):
            out.setdefault(a, {})[f] = d  # the last ingest of the path wins
        return out


def _table(root: Path, name: str) -> DeltaTable:
    """A table of the store; a log that cannot be read is :class:`StoreDamaged`."""
    try:
        return DeltaTable(str(root / name))
    except Exception as exc:  # delta-rs raises its own DeltaError (and OSError, ValueError)
        raise StoreDamaged(f"{root}: the {name} table's log ({name}/_delta_log) cannot be "
                           f"read ({_first_line(exc)}); the store is damaged. "
                           + WHAT_TO_DO) from None


#: store.json holds a kind, a version and a few table versions: a few hundred bytes.
MAX_META_BYTES = 64 * 1024


def _meta(p: Path) -> dict:
    meta = p / "store.json"
    try:  # a regular file of at most a few kB: a pipe or /dev/zero in its place is refused
        info = json.loads(read_regular(meta, what="the store's store.json", name=shown(meta),
                                       max_bytes=MAX_META_BYTES).decode("utf-8"))
    except (UnreadableFileError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreDamaged(f"{shown(meta)}: cannot be read ({_first_line(exc)}); the store "
                           "is damaged. " + WHAT_TO_DO) from None
    if not isinstance(info, dict) or info.get("kind") != STORE_KIND:
        raise StoreError(f"{meta}: not a planner store")
    if info.get("schema_version") != SCHEMA_VERSION:
        raise StoreError(f"{p}: store schema version {info.get('schema_version')}; this "
                         f"planner reads version {SCHEMA_VERSION}")
    return info


def _write_json(path: Path, info: dict) -> None:
    """A small JSON file (0600) replaced in one step: a reader sees the old or the new one."""
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(info, f)
    os.replace(tmp, path)


def _write_meta(p: Path, info: dict) -> None:
    _write_json(p / "store.json", info)


def _record_versions(p: Path, versions: dict[str, int | None]) -> None:
    """The tables' versions committed, in store.json: the high-water mark against which a
    removed commit is seen as damage."""
    info = _meta(p)
    info["versions"] = {**info.get("versions", {}),
                        **{k: v for k, v in versions.items() if v is not None}}
    _write_meta(p, info)


@dataclass
class Health:
    """What :func:`check_store` found: damage (the store cannot be trusted), files an
    interrupted ingest left behind (harmless; ``vacuum`` removes them) and files or
    folders others than the owner may read."""

    path: Path
    damage: list[str] = field(default_factory=list)
    leftovers: list[Path] = field(default_factory=list)
    open_to_others: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.damage


def _verify(p: Path, info: dict, deep: bool = False) -> Health:
    """Each table's log readable, its version not below the one recorded in store.json,
    its columns those of this schema version, and every file it names there with the size
    the log gives (``deep``: every Parquet footer read, and the files in no commit
    listed)."""
    health = Health(p)
    for extra in sorted(set(info.get("versions", {})) - set(SCHEMAS)):
        health.damage.append(f"store.json names a table {extra!r} this planner does not know")
    for name, schema in SCHEMAS.items():
        try:
            _verify_table(p, name, schema, info, deep, health)
        except OSError as exc:  # a folder or file that cannot be looked at
            health.damage.append(f"{name}/ cannot be read ({exc.strerror or exc})")
    if deep:
        health.leftovers += sorted(f for f in p.glob("store.json.*.tmp"))
        health.leftovers += sorted(f for f in p.glob(f"{HOLDER_FILE}.*"))
        for f in [p, *p.rglob("*")]:
            if not f.is_symlink() and stat.S_IMODE(f.stat().st_mode) & 0o077:
                health.open_to_others.append(f)
    return health


def _verify_table(p: Path, name: str, schema: pa.Schema, info: dict, deep: bool,
                  health: Health) -> None:
    """One table's checks (see :func:`_verify`), added to ``health``."""
    folder = p / name
    recorded = info.get("versions", {}).get(name)
    if not folder.exists():
        if recorded is not None:
            health.damage.append(f"the {name} table (version {recorded}) is missing")
        return
    if not (folder / "_delta_log").is_dir():
        if recorded is not None:
            health.damage.append(f"{name}/ has no _delta_log: it is not a table any more")
        elif deep:  # a first ingest stopped before its first commit: nothing is lost
            health.leftovers += sorted(f for f in folder.rglob("*") if f.is_file())
        return
    try:
        dt = _table(p, name)
    except StoreDamaged as exc:
        health.damage.append(str(exc).split("; the store is damaged")[0]
                             .removeprefix(f"{p}: "))
        return
    if recorded is not None and dt.version() < recorded:
        health.damage.append(f"the {name} table's log ends at version {dt.version()}, "
                             f"but the last ingest committed version {recorded}: "
                             "commits were removed")
    columns = {f.name for f in dt.schema().fields}
    want = set(schema.names)
    lacking = want - columns - ADDED_LATER.get(name, set())
    if lacking or columns - want:
        health.damage.append(
            f"the {name} table's columns are not those of schema version "
            f"{SCHEMA_VERSION} (" + "; ".join(
                x for x in (f"missing {', '.join(sorted(lacking))}" if lacking else "",
                            f"unknown {', '.join(sorted(columns - want))}"
                            if columns - want else "") if x) + ")")
    actions = pa.table(dt.get_add_actions(flatten=True)).select(["path", "size_bytes"])
    known = set()
    for rel, size in zip(*(c.to_pylist() for c in actions.columns), strict=True):
        f = folder / rel
        known.add(f.resolve())
        try:
            st = f.stat()
        except OSError:
            health.damage.append(f"{name}/{rel} is missing")
            continue
        if st.st_size != size:
            health.damage.append(f"{name}/{rel} has {st.st_size:,} bytes; the log "
                                 f"says {size:,}")
        elif deep:
            try:
                pq.read_metadata(f)
            except Exception as exc:
                health.damage.append(f"{name}/{rel} is not a readable Parquet file "
                                     f"({_first_line(exc)})")
    if deep:
        health.leftovers += sorted(
            f for f in folder.rglob("*") if f.is_file() and f.resolve() not in known
            and "_delta_log" not in f.relative_to(folder).parts)


def _damaged(p: Path, health: Health) -> StoreDamaged:
    shown_damage = health.damage[:5] + ([f"and {len(health.damage) - 5} more"]
                                        if len(health.damage) > 5 else [])
    return StoreDamaged(f"{p}: the store is damaged: " + "; ".join(shown_damage) + ". "
                        + WHAT_TO_DO)


def open_store(path: str | Path, create: bool = False, check: bool = True) -> Store:
    """Open a store and check it (:func:`check_store`'s quick checks: logs, versions,
    columns, files and their sizes); :class:`StoreDamaged` when it fails. With ``create``,
    make the folder (mode 0700) when it does not exist."""
    p = Path(path)
    meta = p / "store.json"
    if p.exists() and not p.is_dir():
        raise StoreError(f"{shown(p)}: not a folder; a store is a folder")
    if not meta.exists():
        if not create:
            raise StoreError(f"{shown(p)}: not a planner store (no store.json); create one "
                             "with 'planner ingest ROSTER --store DIR'")
        if p.exists() and any(q.name not in OWN_FILES for q in p.iterdir()):
            raise StoreError(f"{shown(p)}: the folder exists and is not empty; choose a new "
                             "folder for the store")
        p.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(p, 0o700)
        _write_meta(p, {"kind": STORE_KIND, "schema_version": SCHEMA_VERSION})
    info = _meta(p)
    if check:
        health = _verify(p, info)
        if not health.ok:
            raise _damaged(p, health)
    return Store(p)


def check_store(path: str | Path) -> Health:
    """Every check: :func:`open_store`'s, every Parquet footer read, the files that an
    interrupted ingest left behind and anything others than the owner may read."""
    p = Path(path)
    if not (p / "store.json").is_file():
        raise StoreError(f"{shown(p)}: not a planner store (no store.json)")
    return _verify(p, _meta(p), deep=True)


def vacuum_store(path: str | Path, wait: float = LOCK_WAIT_S) -> Health:
    """Remove the files an interrupted ingest left behind (in no commit: no reader ever
    sees them) and make every folder 0700 and file 0600; under the writers' lock, so an
    ingest's files are never taken while it runs. Returns what was found (the removed
    files in ``leftovers``). A damaged store is not touched."""
    p = Path(path)
    open_store(p, check=False)
    with writing(p, wait):
        health = check_store(p)
        if not health.ok:
            raise _damaged(p, health)
        for f in health.leftovers:
            f.unlink(missing_ok=True)
        for f in health.open_to_others:
            if f.exists():  # not a leftover removed above
                os.chmod(f, 0o700 if f.is_dir() else 0o600)
    return health


def _who() -> dict:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid {os.getuid()}"
    return {"user": user, "host": socket.gethostname(), "pid": os.getpid()}


@contextlib.contextmanager
def writing(path: Path, wait: float = LOCK_WAIT_S, on_wait=None):
    """Hold the store's writer lock, at most ``wait`` seconds to get it;
    :class:`StoreBusy` names the holder and since when. ``on_wait``: called with the
    holder's description when the lock is not free at once.

    The lock is an ``flock`` on the store folder itself, not on a file in it: a lock file
    can be deleted (it looks stale), and a new one is a new inode that a second writer
    locks while the first still holds the old one. The folder cannot go while the store
    is there. The system releases the lock when its holder dies."""
    if fcntl is None:  # pragma: no cover - Windows
        raise StoreError("the store's writer lock needs a POSIX system (Linux, macOS)")
    holder = path / HOLDER_FILE

    def described() -> str:
        try:
            h = json.loads(read_regular(holder, max_bytes=MAX_META_BYTES))
            return (f"{h['user']} on {h['host']} (process {h['pid']}) since {h['since']}")
        except (UnreadableFileError, ValueError, KeyError, TypeError):
            return "another process (it did not say who)"

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        if not _try_lock(fd):
            if on_wait is not None:
                on_wait(described())
            deadline = time.monotonic() + wait
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise StoreBusy(f"{shown(path)}: another ingest is writing to the store: "
                                    f"{described()}; waited {wait:.0f} s. Try again when "
                                    "it has finished")
                time.sleep(0.05)
        try:
            _write_json(holder, {**_who(), "since": datetime.now(UTC).isoformat(
                timespec="seconds")})
            yield
        finally:
            holder.unlink(missing_ok=True)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def _private():
    """Files and folders made here are the owner's alone (umask 077), whatever the
    caller's umask; Delta's own writes (in Rust) obey it too. The umask is the process's:
    restored afterwards."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


# --- ingest ---------------------------------------------------------------------------------

@dataclass
class IngestResult:
    """What an ingest did: one row per file (``files``), the report rows, store versions,
    and the athletes held back (:class:`planner.clinic.roster.HeldBack`: their files were
    left out; the others are committed)."""

    files: pd.DataFrame
    report: pd.DataFrame
    versions_before: dict[str, int | None]
    versions_after: dict[str, int | None]
    held_back: tuple[HeldBack, ...] = ()

    @property
    def changed(self) -> bool:
        return self.versions_before != self.versions_after

    @property
    def partial(self) -> bool:
        """Some athletes were held back."""
        return bool(self.held_back)


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


def _reason(exc: BaseException) -> str:
    """Why an athlete was held back, in one line: the reader's own message (it names the
    file, line and column), or what the system said about the file."""
    if isinstance(exc, OSError):
        return f"{shown(exc.filename or 'a file')}: cannot be read ({exc.strerror or exc})"
    return _first_line(exc)


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
    held: list = field(default_factory=list)  # HeldBack: athletes whose files are left out

    def record(self, a: str, kind: str, file: Path, digest: str, fmt: str,
               **counts: int) -> None:
        self.records.append({"ingest_id": self.ingest_id, "ingested_at": self.now,
                             "athlete": a, "kind": kind, "file": str(file), "sha256": digest,
                             "format": fmt, **{c: int(counts.get(c, 0)) for c in COUNTS},
                             "schema_version": SCHEMA_VERSION})

    def run(self, athletes) -> _Batch:
        self.known = set(self.seen)  # the files recorded before this ingest
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
            marks = (len(self.records), len(self.reports), len(self.actions),
                     len(self.plan_tables))
            self.current = "their files"
            try:
                self._athlete(st, a, plan_cache, read_whole)
            except (AssertionError, LogAccountingError, TableSchemaError, MemoryError):
                # A bug (a reader's frame the store cannot hold, a row lost) or the
                # machine, not this athlete's files: stop the ingest, nothing committed.
                raise
            except Exception as exc:  # their files: hold back this athlete only
                self._forget(a, marks)
                self.held.append(HeldBack(a.id, self.current, _reason(exc)))

    def _forget(self, a: Athlete, marks: tuple[int, int, int, int]) -> None:
        """Leave out what this batch wrote for ``a`` (a held-back athlete)."""
        records, reports, actions, plans = marks
        for act in self.actions[actions:]:
            (self.store / "sets" / act.path).unlink(missing_ok=True)
        for _, act in self.plan_tables[plans:]:
            (self.store / "plans" / act.path).unlink(missing_ok=True)
        del self.records[records:], self.reports[reports:], self.actions[actions:]
        del self.plan_tables[plans:]
        self.seen = {k for k in self.seen if k[0] != a.id} | {
            k for k in self.known if k[0] == a.id}

    def _athlete(self, st: Store, a: Athlete, plan_cache: dict, read_whole) -> None:
        """One athlete's plans and logs (``self.current``: the file being read)."""
        fresh = False
        for p in a.plans:
            if (digest := self._unseen(a, "plan", p)) is not None:
                self.record(a.id, "plan", p, digest, "plan")
                fresh = True
        if fresh:
            self.current = "their plans"
            table = _plan_rows(a, plan_cache)
            self.plan_tables.append((a.id, _write_part(st.table_path("plans"), a.id,
                                                       table)))
            for r in self.records:
                if r["athlete"] == a.id and r["kind"] == "plan" and r["format"] == "plan":
                    r["rows_read"] = r["imported"] = int((table["source_file"]
                                                          == r["file"]).sum())
        stored: pd.DataFrame | None = None
        for i, p in enumerate(a.logs):
            if (digest := self._unseen(a, "log", p)) is None:
                continue
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

    def _unseen(self, a: Athlete, kind: str, p: Path) -> str | None:
        """The file's SHA-256 when the athlete's file is new to the store (marked seen
        now); None, and recorded as unchanged, when it was ingested before."""
        self.current = str(p)
        digest = sha256(p)
        if (a.id, digest) in self.seen:
            self.record(a.id, kind, p, digest, "unchanged")
            return None
        self.seen.add((a.id, digest))
        return digest

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
           workers: int | None = 1, wait: float = LOCK_WAIT_S, on_wait=None) -> IngestResult:
    """Import every plan and log of ``roster`` into the store at ``store`` (created if new).

    File by file, athlete by athlete, each export in chunks of about ``chunk_bytes``
    (default :data:`planner.logs.stream.CHUNK_BYTES`): each chunk's new sets go to a
    Parquet file, and one Delta transaction adds them all to the sets table; then the plans, the
    import report and the file records are committed. Unchanged files (same SHA-256
    for the athlete) are recognised and not read; when nothing changed, nothing is
    written (but the audit log).

    The whole ingest holds the store's writer lock (:func:`writing`): another ingest
    waits up to ``wait`` seconds (``on_wait`` is told who holds it), then
    :class:`StoreBusy`. An athlete whose roster entry or files cannot be read is held
    back (``IngestResult.held_back``); the others are committed. Athlete ids equal
    ignoring case to a stored athlete's but spelt otherwise stop the ingest.

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
    p = Path(store)
    if shown(p) != str(p):  # bytes that are not UTF-8, or control characters
        raise StoreError(f"{shown(p)}: a store's path must be UTF-8 text without control "
                         "characters; choose another folder name")
    if p.exists() and not p.is_dir():
        raise StoreError(f"{shown(p)}: not a folder; the store is a folder (give a new "
                         "folder's name to create one)")
    with _private():
        try:
            open_store(p, create=True, check=False)
        except OSError as exc:
            raise StoreError(f"{shown(p)}: cannot create the store here ("
                             f"{exc.strerror or exc})") from None
        try:
            with writing(p, wait, on_wait):
                return _ingest_locked(roster, open_store(p), read_log, chunk_bytes, workers)
        except OSError as exc:
            if exc.filename is not None and Path(exc.filename).is_relative_to(p):
                raise StoreError(f"{shown(p)}: cannot write to the store ("
                                 f"{exc.strerror or exc})") from None
            raise


def _ingest_locked(roster: Roster, st: Store, read_log, chunk_bytes, workers
                   ) -> IngestResult:
    """The ingest's critical section: read the keys, deduplicate, commit."""
    before = st.versions()
    ingest_id = uuid.uuid4().hex
    now = datetime.now(UTC)
    audit = _Audit(st, ingest_id, now, roster.path)
    try:
        stored_ids = st.athletes()
        check_collisions([(a, f"the stored athlete {shown(a)!r}") for a in stored_ids]
                         + [(a.id, f"{shown(a.folder or a.id)}") for a in roster.athletes
                            if a.id not in stored_ids], f"{shown(st.path)}")
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
        result = _commit(st, batches, roster, ingest_id, now, before)
    except BaseException as exc:
        audit.failed(exc)
        raise
    audit.done(result)
    return result


def _commit(st: Store, batches: list[_Batch], roster: Roster, ingest_id: str, now: datetime,
            before: dict) -> IngestResult:
    records = [r for b in batches for r in b.records]
    reports = [r for b in batches for r in b.reports]
    actions = [a for b in batches for a in b.actions]
    plan_tables = [t for b in batches for t in b.plan_tables]
    held = [*roster.held_back, *(h for b in batches for h in b.held)]
    held_ids = {h.athlete for h in held}

    # Each file's new sets go to their own Parquet file in the athlete's partition as they
    # come (memory holds one export at a time); one Delta commit then adds them all. Files
    # of an interrupted ingest are in no commit: readers never see them (vacuum removes them).
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
    listed = set(st.read("athletes", columns=["athlete"])["athlete"]) \
        if st.has("athletes") else set()
    new = [a for a in roster.athletes if a.id not in listed and a.id not in held_ids]
    if new:  # the roster: an athlete without a log yet is in the cohort ("no log")
        write_deltalake(str(st.table_path("athletes")), pa.table({
            "athlete": [a.id for a in new], "name": [a.name for a in new],
            "folder": [shown(a.folder) for a in new], "first_ingest": [now] * len(new)},
            schema=ATHLETES_SCHEMA), mode="append")
    files = pd.DataFrame(records, columns=IMPORTS_SCHEMA.names)
    written = files[files["format"] != "unchanged"]
    if len(written):  # last: the mark that these files are in
        write_deltalake(str(st.table_path("imports")), _arrow(written, IMPORTS_SCHEMA),
                        mode="append")
    after = st.versions()
    if after != before:
        _record_versions(st.path, after)
    return IngestResult(files.assign(
        status=files["format"].map(lambda f: "unchanged" if f == "unchanged" else "ingested")),
        report[REPORT_SCHEMA.names] if len(report) else report, before, after, tuple(held))


@dataclass
class _Audit:
    """The audit log's rows for one ingest: every file, every athlete held back, or the
    ingest's failure; when, by whom, from which roster. Appended after the commits."""

    st: Store
    ingest_id: str
    now: datetime
    roster: str

    def _append(self, rows: list[dict]) -> None:
        who = _who()
        base = {"ingest_id": self.ingest_id, "at": self.now, **who, "roster": self.roster,
                "athlete": "", "kind": "", "file": "", "sha256": "", "status": "",
                **dict.fromkeys(("rows_read", "imported", "already_stored", "rejected",
                                 "skipped", "missing"), 0), "reason": ""}
        table = pa.Table.from_pylist([{**base, **r} for r in rows], schema=AUDIT_SCHEMA)
        where = str(self.st.table_path("audit"))
        write_deltalake(where, table, mode="append")
        # The audit's commits are counted too: none may vanish unseen.
        _record_versions(self.st.path, {"audit": DeltaTable(where).version()})

    def done(self, result: IngestResult) -> None:
        f = result.files
        rows = [{"athlete": r["athlete"], "kind": r["kind"], "file": r["file"],
                 "sha256": r["sha256"], "status": r["status"],
                 **{c: int(r[c]) for c in ("rows_read", "imported", "already_stored",
                                           "rejected", "skipped", "missing")}}
                for r in f.to_dict("records")]
        rows += [{"athlete": h.athlete, "file": h.file, "status": "held back",
                  "reason": h.reason} for h in result.held_back]
        self._append(rows or [{"status": "nothing to ingest"}])

    def failed(self, exc: BaseException) -> None:
        with contextlib.suppress(Exception):  # the ingest's own error is the one to see
            self._append([{"status": "failed", "reason": _reason(exc)}])
