"""Reading a log file's records: encoding, delimiter, header, and every record's physical line.

pyarrow's CSV reader parses the file in one pass, every column as text. Records
with the wrong number of fields do not stop it: they are collected (their record
number and text) and accounted for afterwards, in bulk. A record's physical line
(the line it starts on in a text editor) is derived from the record order and
the newlines inside quoted values, so line numbers stay right after blank lines
and multi-line notes.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from planner.files.safe_read import read_regular
from planner.logs.common import LogFormatError

DELIMITERS = (",", ";", "\t")
BLOCK_BYTES = 1 << 24  # the CSV reader's block: the unit of its parallel work


@dataclass
class Source:
    """A log file's bytes (UTF-8 or, until read, Windows-1252) and its delimiter."""

    name: str
    data: bytes
    delimiter: str = ","
    notes: list[str] = field(default_factory=list)

    def head(self, size: int = 65536) -> str:
        """The start of the file as text, for sniffing."""
        return self.data[:size].decode("utf-8-sig", errors="ignore")

    def first_record(self) -> list[str]:
        """The first non-blank record (the header, or the first row of a headerless file)."""
        reader = csv.reader(io.StringIO(self.head(), newline=""), delimiter=self.delimiter)
        try:
            for row in reader:
                if row and any(cell.strip() for cell in row):
                    return row
        except csv.Error:
            pass
        return []


@dataclass
class Records:
    """The records of a file with as many fields as the header.

    ``table`` holds them as text (columns ``f0``, ``f1``, ...), ``lines`` the physical
    line each starts on; ``ragged`` the others (line, field count, text).
    """

    table: pa.Table
    lines: np.ndarray
    ragged: pd.DataFrame


def is_fit(data: bytes) -> bool:
    """Whether ``data`` starts with a FIT file header: its size (12 or 14 bytes) first,
    ".FIT" at bytes 8 to 11 (a text file never starts with those control characters)."""
    return data[:1] in (b"\x0c", b"\x0e") and data[8:12] == b".FIT"


def open_source(path_or_buffer, name: str | None = None) -> Source:
    """A Source from a path, bytes, text or an open file."""
    if isinstance(path_or_buffer, str | Path) and not (isinstance(path_or_buffer, str)
                                                      and "\n" in path_or_buffer):
        path = Path(path_or_buffer)
        name = name or str(path)
        # A regular file only: a device (/dev/zero) or a pipe is refused before it is read.
        data = read_regular(path, what="a workout log (a CSV or FIT file)", name=name,
                            error=LogFormatError)
    elif isinstance(path_or_buffer, bytes):
        data = path_or_buffer
    elif isinstance(path_or_buffer, str):
        data = path_or_buffer.encode("utf-8")
    else:
        data = path_or_buffer.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
    name = name or "<buffer>"
    if is_fit(data):  # a Garmin FIT file: binary, read by planner.logs.fit
        return Source(name, data)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # UTF-16 (Excel's "Unicode text"): re-encoded as UTF-8 here, once; bad pairs replaced
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    elif b"\x00" in data[:4096]:
        raise LogFormatError(f"{name}: this is a binary file, not a CSV workout log")
    src = Source(name, data)
    if not src.head().strip():
        raise LogFormatError(f"{name}: the file is empty; expected a workout log with a "
                             "header row and one row per set")
    src.delimiter = sniff_delimiter(src.head())
    return src


def sniff_delimiter(head: str) -> str:
    """The delimiter of the text's first non-blank record: the one of DELIMITERS found most
    often outside its quoted values (the first of them on a tie; a comma when none is
    found). A headerless export's first row may hold a note full of semicolons or tabs."""
    text = _first_record_outside_quotes(head)
    counts = {d: text.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


_QUOTED = re.compile(r'"(?:[^"]|"")*(?:"|\Z)')  # a quoted value, to its closing quote
_PLAIN = re.compile(r'[^"\r\n,;\t]+')


def _first_record_outside_quotes(head: str) -> str:
    """The text of the first non-blank record of ``head`` without its quoted values. A
    quote opens a quoted value at the start of a field (the start of a line or after
    any of DELIMITERS), as the CSV reader has it; elsewhere it is a character. A record
    is blank when it holds only white space (no quoted value, no other character)."""
    i, out, start, quoted = 0, [], True, False
    while i < len(head):
        c = head[i]
        if c == '"' and start:
            i, start, quoted = _QUOTED.match(head, i).end(), False, True
        elif c in "\r\n":
            if quoted or "".join(out).strip():
                break
            i, out, start = i + 1, [], True
        elif plain := _PLAIN.match(head, i):
            out.append(plain.group())
            i, start = plain.end(), False
        else:
            out.append(c)
            i, start = i + 1, c in DELIMITERS
    return "".join(out)


def _physical_lines(data: bytes) -> int:
    """Lines as an editor counts them: \n, \r\n or a lone \r ends one."""
    n = data.count(b"\n")
    if b"\r" in data:
        n += data.count(b"\r") - data.count(b"\r\n")
    return n + (0 if data[-1:] in (b"\n", b"\r") else 1)


def per_row(column: pa.ChunkedArray, fn) -> np.ndarray:
    """``fn`` (Arrow compute over text) for every row of a column; a dictionary column's
    distinct texts are computed once and spread to the rows by their indices."""
    parts = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            done = fn(chunk.dictionary).take(chunk.indices)
        else:
            done = fn(chunk)
        parts.append(done.to_numpy(zero_copy_only=False))
    return np.concatenate(parts) if parts else np.zeros(0)


def _newlines(column: pa.ChunkedArray) -> np.ndarray:
    return per_row(column, lambda a: pc.count_substring_regex(a, r"\r\n|\r|\n")).astype(
        np.int64)


def _parse(src: Source, ncols: int, threads: bool = False, plain: tuple[int, ...] = (),
           newlines: bool = True):
    """One pass over the file. Every column is read dictionary-encoded: a text is stored
    once however often it repeats, and the checks work on the distinct texts. With
    ``threads`` blocks are parsed in parallel, but ragged rows may then come without
    their record numbers (see :func:`read_records`). The columns ``plain`` (texts that
    rarely repeat, such as a key per row) are read as plain text. Without ``newlines``
    the file is cut into blocks at any line end (faster), which is right only when no
    quoted value holds a line end: see :func:`_one_line_records`."""
    invalid: list[tuple[int | None, int, str]] = []

    def handler(row) -> str:
        invalid.append((row.number, row.actual_columns, row.text))
        return "skip"

    names = [f"f{i}" for i in range(ncols)]
    buffer = pa.py_buffer(src.data)
    if src.data.startswith(codecs.BOM_UTF8):
        buffer = buffer.slice(3)
    table = pcsv.read_csv(
        buffer,
        read_options=pcsv.ReadOptions(column_names=names, use_threads=threads,
                                      block_size=BLOCK_BYTES),
        parse_options=pcsv.ParseOptions(delimiter=src.delimiter, newlines_in_values=newlines,
                                        ignore_empty_lines=False, invalid_row_handler=handler),
        convert_options=pcsv.ConvertOptions(
            column_types={n: pa.string() if i in plain else pa.dictionary(pa.int32(), pa.string())
                          for i, n in enumerate(names)},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False),
    )
    return table, invalid


def _line_breaks(table: pa.Table) -> bool:
    """Whether any value of ``table`` holds a line end (a dictionary column's distinct
    texts are looked at once)."""
    for column in table.columns:
        for chunk in column.chunks:
            texts = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
            if len(texts) and pc.any(pc.or_(pc.match_substring(texts, "\n"),
                                           pc.match_substring(texts, "\r"))).as_py():
                return True
    return False


def _quick_read(src: Source, ncols: int, plain: tuple[int, ...]):
    """The file read in parallel with blocks cut at any line end, and whether that read is
    right: every record whole and on a line of its own. A quoted value holding a line end
    either makes a record of several lines (its value then holds the line end) or, cut at
    a block's end, leaves a block that does not parse (ragged records or an error): the
    file must then be read again with the line ends in quoted values respected. With no
    ragged record and no line end in any value, there are as many records as lines (an
    empty line is a record too). None for an error."""
    try:
        table, invalid = _parse(src, ncols, threads=True, plain=plain, newlines=False)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc):
            raise
        return None
    return table, invalid, not invalid and not _line_breaks(table)


def read_records(src: Source, ncols: int, plain: tuple[int, ...] = ()) -> Records:
    """Every record of ``src`` in one pass; see :class:`Records`. The columns ``plain`` are
    read as plain text, the others dictionary-encoded."""
    try:
        try:
            # In parallel first; a file with ragged rows is read again in one serial pass,
            # which numbers them (threads do not)
            quick = _quick_read(src, ncols, plain)
            if quick is not None and quick[2]:  # a record a line: numbered 1, 2, ...
                table = quick[0]
                return Records(table, np.arange(1, table.num_rows + 1, dtype=np.int64),
                               _no_ragged())
            elif quick is not None and quick[1]:
                table, invalid = _parse(src, ncols, plain=plain)
            else:
                table, invalid = _parse(src, ncols, threads=True, plain=plain)
                if invalid:
                    table, invalid = _parse(src, ncols, plain=plain)
        except pa.ArrowInvalid as exc:
            if "UTF8" not in str(exc):
                raise
            try:
                src.data.decode("utf-8")
                line = 1
            except UnicodeDecodeError as err:
                line = src.data[: err.start].count(b"\n") + 1
            # Windows-1252 (Western European), the usual alternative; undefined bytes replaced
            src.data = src.data.decode("cp1252", errors="replace").encode("utf-8")
            table, invalid = _parse(src, ncols, plain=plain)
            src.notes.append(f"line {line}: the file is not UTF-8; read it as Windows-1252 "
                             "(Western European)")
    except pa.ArrowInvalid as exc:
        message = " ".join(str(exc).split())[:200]
        raise LogFormatError(f"{src.name}: the file cannot be read as CSV ({message}); "
                             "expected comma- or semicolon-separated values") from None
    n_records = table.num_rows + len(invalid)
    total_lines = _physical_lines(src.data)
    if n_records == total_lines and not invalid:
        return Records(table, np.arange(1, n_records + 1, dtype=np.int64), _no_ragged())
    numbers = np.array([r[0] for r in invalid], dtype=np.int64)
    bad = np.zeros(table.num_rows + len(invalid), dtype=bool)
    bad[numbers - 1] = True
    spans = np.ones(len(bad), dtype=np.int64)
    if n_records != total_lines:  # newlines inside quoted values
        inside = sum((_newlines(table.column(i)) for i in range(ncols)),
                     np.zeros(table.num_rows, dtype=np.int64))
        spans[~bad] += inside
        texts = pa.chunked_array([pa.array([r[2] for r in invalid], pa.string())])
        spans[bad] += _newlines(texts) if invalid else 0
    starts = np.concatenate(([1], 1 + np.cumsum(spans)[:-1]))
    ragged = pd.DataFrame({"line": starts[bad],
                           "fields": np.array([r[1] for r in invalid], dtype=np.int64),
                           "text": pd.Series([r[2] for r in invalid], dtype="str")})
    return Records(table, starts[~bad], ragged)


def _no_ragged() -> pd.DataFrame:
    return pd.DataFrame({"line": pd.Series(dtype="int64"), "fields": pd.Series(dtype="int64"),
                         "text": pd.Series(dtype="str")})


def header_key(cell: str) -> str:
    return cell.strip().strip('"').strip().lower()
