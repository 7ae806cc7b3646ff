"""Reading a large app export in bounded chunks: memory holds one chunk, not the file.

``iter_log(path, unit=None, chunk_bytes=CHUNK_BYTES)`` yields :class:`Log` objects, each
the reading (:func:`planner.logs.parse_log`, the same normaliser and checks as
``read_log``) of the file's header and one run of whole workouts, with the file's own
line numbers in ``source_line`` and in the report. Together they hold what ``read_log``
of the whole file holds, in the same counts:

- the file is cut only between two records (a newline outside quotes: a note with
  line breaks stays whole) of two different workouts (Strong and Hevy: another start
  time or title; FitNotes: another day), so whatever the normaliser works out per
  workout (set numbers, repeated rows, FitNotes' identical sets of a day) is worked
  out on the whole workout;
- notes on the header (the unit) are kept from the first chunk; notes made once per
  file on a row (the first sight of a deadlift variant, in time) come, the earliest of
  each, in a last Log with no rows.

Files that are small, not UTF-8, UTF-16, without a header row, or our own template
(a plan-sized file) are read whole, by ``parse_log``, as ``read_log`` reads them.
A workout bigger than a chunk makes that chunk bigger (a chunk never splits one).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from planner.files.safe_read import check_regular, open_regular
from planner.logs import detect_format, parse_log
from planner.logs.common import Log, LogFormatError

#: Bytes of records per chunk (the header is repeated in front of each).
CHUNK_BYTES = 4 << 20
#: The columns whose text tells one workout from the next, by format (header names,
#: lower case). FitNotes has no time: its workouts are days (the date's first word).
SESSION_COLUMNS = {"strong": ("date", "workout name"), "hevy": ("start_time", "title"),
                   "fitnotes": ("date",)}
#: Report rules a reader gives once per file (the first occurrence).
ONCE_PER_FILE = ("deadlift-variant",)
_QUOTE, _LF = ord('"'), ord("\n")
_WHAT = "a workout log (a CSV file)"


def _open(path: Path) -> BinaryIO:
    """``path`` opened to read, refused (LogFormatError) unless it is a regular file."""
    return open_regular(path, what=_WHAT, error=LogFormatError)


def _physical_lines(data: bytes) -> int:
    """Lines as an editor counts them in ``data`` that ends a record (\\n, \\r\\n or \\r)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _utf8(path: Path, block: int = 1 << 20) -> bool:
    """Whether the whole file is valid UTF-8 (read in blocks)."""
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        with _open(path) as f:
            while chunk := f.read(block):
                dec.decode(chunk)
            dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _record_ends(data: bytes) -> np.ndarray:
    """Offsets just past each newline of ``data`` that ends a record (outside quotes;
    ``data`` starts at a record's start). Quote parity in one byte a position: a doubled
    quote inside a value adds two."""
    arr = np.frombuffer(data, dtype=np.uint8)
    parity = np.cumsum(arr == _QUOTE, dtype=np.uint8) & 1
    nl = np.flatnonzero(arr == _LF)
    return nl[parity[nl] == 0] + 1


def _header(path: Path, delimiter: str) -> tuple[bytes, list[str]] | None:
    """The bytes up to and including the header record, and the header's fields."""
    with _open(path) as f:
        head = f.read(1 << 16)
    ends = _record_ends(head)
    for i, end in enumerate(ends):
        start = ends[i - 1] if i else 0
        text = head[start:end].decode("utf-8-sig")
        row = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        if row and any(c.strip() for c in row):
            return head[:end], row
    return None


class _Sessions:
    """The workout a record belongs to, read from its text."""

    def __init__(self, fmt: str, header: list[str], delimiter: str):
        names = [h.strip().strip('"').strip().lower() for h in header]
        self.at = [names.index(c) for c in SESSION_COLUMNS[fmt] if c in names]
        self.fitnotes = fmt == "fitnotes"
        self.delimiter = delimiter
        self.width = len(header)

    def key(self, record: bytes) -> tuple[str, ...] | None:
        """None for a record that cannot say (blank, ragged): never cut next to it."""
        try:
            row = next(csv.reader(io.StringIO(record.decode("utf-8"), newline=""),
                                  delimiter=self.delimiter), [])
        except (csv.Error, UnicodeDecodeError):
            return None
        if len(row) != self.width or not self.at:
            return None
        key = tuple(row[i].strip() for i in self.at)
        if self.fitnotes:
            key = (key[0].split(" ")[0],)
        return key if key[0] else None


def _cut(data: bytes, ends: np.ndarray, sessions: _Sessions) -> int:
    """The last offset in ``data`` between two complete records of different workouts
    (0: none)."""
    # ends[j] closes record j; record j + 1 runs to ends[j + 1].
    for j in range(len(ends) - 2, -1, -1):
        start = ends[j - 1] if j else 0
        a = sessions.key(data[start:ends[j]])
        b = sessions.key(data[ends[j]:ends[j + 1]])
        if a is not None and b is not None and a != b:
            return int(ends[j])
    return 0


def _shift(log: Log, by: int, header_lines: int, seen: set, once: list) -> Log:
    """``log`` of one chunk with the file's line numbers. Notes on the header (made by every
    chunk) are kept from the first; once-per-file notes on a row go to ``once`` (with the
    row's time) to be given, the earliest of each, after the last chunk."""
    table = log.table
    if by:
        table = table.assign(source_line=table["source_line"] + by)
    report = log.report
    if len(report):
        on_header = report["line"] <= header_lines
        report = report.assign(line=report["line"].where(on_header, report["line"] + by)
                               .astype(report["line"].dtype))
        head = on_header.to_numpy()
        repeat = np.zeros(len(report), dtype=bool)
        for i in np.flatnonzero(head):  # a few rows: the notes on the header
            k = (report["rule"].iat[i], str(report["column"].iat[i]),
                 str(report["value"].iat[i]))
            repeat[i] = k in seen
            seen.add(k)
        later = ~head & report["rule"].isin(ONCE_PER_FILE).to_numpy()
        if later.any():
            when = table.drop_duplicates("source_line").set_index("source_line")["performed_at"]
            held = report[later]
            once.append(held.assign(_at=held["line"].map(when).to_numpy()))
        report = report[~repeat & ~later].reset_index(drop=True)
    return replace(log, table=table, report=report)


def _once(once: list, last: Log) -> Log | None:
    """The once-per-file notes, the earliest (time, then line) of each rule and value."""
    if not once:
        return None
    notes = pd.concat(once, ignore_index=True)
    notes = notes.assign(_v=notes["value"].astype(str).str.casefold()).sort_values(
        ["_at", "line"], kind="stable")
    notes = notes.drop_duplicates(["rule", "column", "_v"]).sort_values("line")
    return replace(last, table=last.table.iloc[:0], rows_read=0,
                   report=notes.drop(columns=["_at", "_v"]).reset_index(drop=True))


def iter_log(path: str | Path, unit: str | None = None, chunk_bytes: int = CHUNK_BYTES,
             aliases: dict[str, str] | None = None) -> Iterator[Log]:
    """The file's Log in chunks of about ``chunk_bytes`` (see the module docstring)."""
    path = Path(path)
    name = str(path)
    # A regular file only (a device or a pipe would never end or never start), checked
    # here and again at each opening below.
    whole = check_regular(path, what=_WHAT, error=LogFormatError).st_size <= chunk_bytes
    if not whole:
        with _open(path) as f:
            start = f.read(4096)
        whole = (start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
                 or b"\x00" in start or not _utf8(path))
    found = None
    if not whole:
        first_line = start.decode("utf-8-sig", errors="ignore").splitlines()
        first_line = next((ln for ln in first_line if ln.strip()), "")
        counts = {d: first_line.count(d) for d in (",", ";", "\t")}
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
        found = _header(path, delimiter)
    fmt = detect_format(found[1]) if found else None
    if whole or fmt not in SESSION_COLUMNS:
        yield parse_log(path, unit=unit, name=name, progress=False, aliases=aliases)
        return
    prefix, header = found
    sessions = _Sessions(fmt, header, delimiter)
    header_lines = _physical_lines(prefix)
    line = header_lines + 1  # the file's line where the next chunk starts
    seen: set = set()
    once: list[pd.DataFrame] = []
    last = None
    with _open(path) as f:
        f.seek(len(prefix))
        carry = b""
        while True:
            block_text = f.read(chunk_bytes)
            end = not block_text
            data = carry + block_text
            if end:  # the end: the rest is the last chunk
                cut = len(data)
            else:
                cut = _cut(data, _record_ends(data), sessions)
                if not cut:  # one workout so far: read on
                    carry = data
                    continue
            chunk, carry = data[:cut], data[cut:]
            del data, block_text
            at, line = line, line + _physical_lines(chunk)
            if chunk.strip(b" \t\r\n\"" + delimiter.encode()):
                log = parse_log(prefix + chunk, unit=unit, name=name, progress=False,
                                aliases=aliases)
                del chunk
                log = _shift(log, at - header_lines - 1, header_lines, seen, once)
                last = replace(log, table=log.table.iloc[:0], report=log.report.iloc[:0])
                yield log
                del log  # hold no chunk while the next is read
            if end:
                break
    if last is not None and (notes := _once(once, last)) is not None:
        yield notes
