"""Reading a log file's text: encoding, delimiter, header, rows with their line numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.logs.common import LogFormatError

DELIMITERS = (",", ";", "\t")


@dataclass
class Source:
    """The rows of a delimited text file, as text, with their physical line numbers.

    The whole file is decoded only when a reader needs its text; the fast
    template reader works on the bytes.
    """

    name: str
    data: bytes | None
    delimiter: str = ","
    _text: str | None = None
    _note: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text, self._note = load_text(self.data, self.name)
        return self._text

    @property
    def encoding_note(self) -> str | None:
        _ = self.text
        return self._note

    def head(self, size: int = 65536) -> str:
        """The start of the file as text, for sniffing."""
        return self.data[:size].decode("utf-8-sig", errors="ignore")

    def utf8(self) -> bytes:
        """The file as UTF-8 bytes without a BOM (for the fast CSV reader)."""
        if self._note:
            return self.text.encode("utf-8")
        return self.data[3:] if self.data.startswith(b"\xef\xbb\xbf") else self.data

    def first_record(self) -> list[str]:
        """The first non-blank record (the header, or the first row of a headerless file)."""
        reader = csv.reader(io.StringIO(self.head(), newline=""),
                            delimiter=self.delimiter)
        try:
            for row in reader:
                if row and any(cell.strip() for cell in row):
                    return row
        except csv.Error:
            pass
        return []

    def rows(self) -> tuple[list[list[str]], list[int]]:
        """Every record of the file (header included) and the line each starts on."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        rows, lines = [], []
        start = 1
        try:
            for row in reader:
                if row and any(cell.strip() for cell in row):
                    rows.append(row)
                    lines.append(start)
                start = reader.line_num + 1
        except csv.Error as exc:
            raise LogFormatError(f"{self.name}: line {reader.line_num}: the file cannot be read "
                                 f"as CSV ({exc}); expected comma- or semicolon-separated "
                                 "values") from None
        return rows, lines


def load_text(data: bytes, name: str) -> tuple[str, str | None]:
    """Decode the bytes of a log: UTF-8 (with or without BOM), else Windows-1252 (reported)."""
    if not data.strip():
        raise LogFormatError(f"{name}: the file is empty; expected a workout log with a header "
                             "row and one row per set")
    if b"\x00" in data[:4096]:
        raise LogFormatError(f"{name}: this is a binary file, not a CSV workout log")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        text = data.decode("cp1252", errors="replace")
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text[:4096])
        if printable < 0.95 * min(len(text), 4096):
            raise LogFormatError(f"{name}: line {line}: this is not a text file; expected a "
                                 "CSV workout log") from None
        return text, (f"line {line}: the file is not UTF-8; read it as Windows-1252 "
                      "(Western European)")


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def open_source(path_or_buffer, name: str | None = None) -> Source:
    """A Source from a path, bytes, text or an open file."""
    if isinstance(path_or_buffer, str | Path) and not (isinstance(path_or_buffer, str)
                                                      and "\n" in path_or_buffer):
        path = Path(path_or_buffer)
        name = name or str(path)
        if not path.is_file():
            raise LogFormatError(f"{name}: no such file")
        data = path.read_bytes()
    elif isinstance(path_or_buffer, bytes):
        data = path_or_buffer
    elif isinstance(path_or_buffer, str):
        data = path_or_buffer.encode("utf-8")
    else:
        data = path_or_buffer.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
    name = name or "<buffer>"
    head = data[:65536]
    if not head.strip() and not data.strip():
        raise LogFormatError(f"{name}: the file is empty; expected a workout log with a "
                                 "header row and one row per set")
    if b"\x00" in data[:4096]:
        raise LogFormatError(f"{name}: this is a binary file, not a CSV workout log")
    src = Source(name, data)
    first = next((ln for ln in src.head().splitlines() if ln.strip()), "")
    src.delimiter = sniff_delimiter(first)
    if len(data) <= 65536:
        _ = src.text  # small files: decode now, so that bad bytes are found here
    return src


def header_key(cell: str) -> str:
    return cell.strip().strip('"').strip().lower()


def raw_frame(header: list[str], rows: list[list[str]], lines: list[int]) -> pd.DataFrame:
    """Rows (already the header's length) as a table of text with a ``_line`` column."""
    frame = pd.DataFrame(rows, columns=header, dtype="str") if rows else pd.DataFrame(
        {h: pd.Series(dtype="str") for h in header})
    frame["_line"] = pd.Series(lines, dtype="int64", index=frame.index)
    return frame
