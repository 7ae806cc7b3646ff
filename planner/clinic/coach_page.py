"""The coach's page: the roster as a sortable table with flags, one athlete's analysis, and
the next blocks of everyone due as one zip.

``CoachApp`` opens a store (or a roster folder or CSV, which it ingests first, or a zip of
a roster folder uploaded through the browser), shows one row per athlete with the flags of
:mod:`planner.clinic.flags` in words, opens an athlete's full analysis (the app's
``AnalysisPanel``: the figures of notebook 03) when their name is clicked, and hands the
next blocks of every athlete due to the browser as one zip. ``RosterTable`` is a plain
HTML table (anywidget): a header button per column sorts, each athlete's name is a button.
``Dashboard`` is the Voilà page: "My programme" (the single-athlete app) or "Coach".
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import anywidget
import ipywidgets as w
import pandas as pd
import traitlets

from planner.app.a11y import FILES, SKIP_LINK, PageA11y
from planner.app.downloads import DownloadButton
from planner.app.markup import STYLE, error_box, note_box, ok_box
from planner.app.panels import AnalysisPanel, for_the_page, upload_button
from planner.app.planner_app import PlannerApp
from planner.app.steps import Steps
from planner.catalogue import data_path
from planner.clinic.athlete import athlete_log, athlete_plan, athlete_plan_notes
from planner.clinic.cohort import cohort
from planner.clinic.flags import COLUMNS, FLAGS, roster_flags, shared_flags, sort_roster
from planner.clinic.next_blocks import next_blocks_zip
from planner.clinic.roster import RosterError
from planner.clinic.store import StoreError, ingest, open_store
from planner.words import day_text

# Limits of an uploaded roster zip, each counted on what is really in it (never on the sizes
# its records claim; see _inflate).
#: The most a roster zip may hold once unpacked. A plan and a year of logs are under 0.5 MB
#: an athlete, so a roster of several hundred athletes fits with room to spare; a zip bomb
#: stops here, before memory or the disk fill.
MAX_ZIP_BYTES = 200 * 1024 * 1024
#: The most entries (files and folders): a thousand athletes with a plan, its settings and
#: a few logs each, with the "__MACOSX" twins a Mac adds to every file.
MAX_ZIP_MEMBERS = 10_000
#: The most bytes of the zip's list of entries: 512 an entry (46 fixed, the rest for its
#: name and extras). Opening a zip makes one object per listed entry, so this bounds the
#: memory of opening it whatever count the zip claims.
MAX_ZIP_DIRECTORY_BYTES = MAX_ZIP_MEMBERS * 512
#: The most an entry may inflate per packed byte. Plan and log CSVs pack 10 to 16 times
#: (the demo roster, a 104-week plan and its log template); deflate itself reaches about
#: 1,030 on a run of one byte, which is what zip bombs are made of.
MAX_ZIP_RATIO = 100
#: An entry is held to MAX_ZIP_RATIO only past this much: a short file of repeated text may
#: pack better than any roster file, and is harmless.
RATIO_FROM_BYTES = 1 << 20
#: Entries are read and inflated in blocks of this size: memory holds one at a time.
ZIP_BLOCK = 1 << 16
_EOCD, _EOCD_SIZE = b"PK\x05\x06", 22
_SKIP = {".git", ".venv", "node_modules", "__pycache__", ".cache", ".ipynb_checkpoints"}

TABLE_ESM = r"""
function render({ model, el }) {
  const draw = () => {
    const cols = model.get("columns"), rows = model.get("rows");
    const by = model.get("sort_by"), asc = model.get("ascending");
    const table = document.createElement("table");
    const cap = document.createElement("caption");
    cap.textContent = model.get("caption");
    table.appendChild(cap);
    const head = table.createTHead().insertRow();
    for (const [name, label] of cols) {
      const th = document.createElement("th");
      th.scope = "col";
      th.dataset.column = name;
      th.setAttribute("aria-sort", name === by ? (asc ? "ascending" : "descending") : "none");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "planner-sort";
      b.textContent = label + (name === by ? (asc ? " ▲" : " ▼") : "");
      b.title = `Sort by ${label}`;
      b.addEventListener("click", () => model.send({ type: "sort", column: name }));
      th.appendChild(b);
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const r of rows) {
      const tr = body.insertRow();
      tr.dataset.athlete = r.athlete;
      for (const [name] of cols) {
        const cell = r.cells[name];
        if (name === "athlete") {
          const th = document.createElement("th");
          th.scope = "row";
          const b = document.createElement("button");
          b.type = "button";
          b.className = "planner-athlete";
          b.textContent = cell.text;
          b.title = `Open the analysis of ${cell.text}`;
          b.addEventListener("click", () => model.send({ type: "open", athlete: r.athlete }));
          th.appendChild(b);
          tr.appendChild(th);
          continue;
        }
        const td = tr.insertCell();
        td.dataset.column = name;
        if (cell.due) td.className = "planner-due";
        if (cell.flag) {
          td.className = "planner-flagged";
          const s = document.createElement("strong");
          s.textContent = "⚑ " + cell.text;
          td.appendChild(s);
        } else {
          td.textContent = cell.text;
        }
      }
    }
    el.replaceChildren(table);
  };
  draw();
  model.on("change:rows", draw);
  model.on("change:columns", draw);
  model.on("change:caption", draw);
}
export default { render };
"""

TABLE_CSS = """
.planner-roster { overflow-x: auto; max-width: 100%; }
.planner-roster table { border-collapse: collapse; font-size: 13px; width: 100%; }
.planner-roster caption { text-align: left; font-size: 0.95em; color: #4a4a4a;
                          padding: 2px 0 6px; }
.planner-roster th, .planner-roster td { border-bottom: 1px solid #ddd; padding: 4px 6px;
                                         text-align: left; vertical-align: top;
                                         overflow-wrap: break-word; }
.planner-roster thead th { background: #f3f3f3; position: sticky; top: 0; padding: 0; }
.planner-roster button.planner-sort { all: unset; box-sizing: border-box; display: block;
    width: 100%; padding: 6px; cursor: pointer; font-weight: 600; white-space: normal; }
.planner-roster th[aria-sort="ascending"], .planner-roster th[aria-sort="descending"] {
    background: #dbe8f5; }
.planner-roster button.planner-athlete { all: unset; cursor: pointer; color: #1f5f99;
    text-decoration: underline; font-weight: 600; white-space: nowrap; }
.planner-roster button:focus-visible { outline: 3px solid #1f5f99; outline-offset: 1px; }
.planner-roster td.planner-flagged { background: #fdecea; color: #611a15; }
.planner-roster td.planner-flagged strong { font-weight: 600; }
.planner-roster td.planner-due { font-weight: 600; color: #0b3d6b; }
.planner-roster td[data-column="flags"] { text-align: right; }
"""


COACH_STYLE = """
<style>
.planner-coach-source .jupyter-widget-Collapse-header { color: #1d1d1d; background: #ececec;
    font-weight: 600; cursor: pointer; }
.planner-coach-source .jupyter-widget-Collapse-header span { color: #1d1d1d; }
.planner-coach button.planner-download { width: auto; max-width: 100%; height: auto;
    min-height: var(--jp-widgets-inline-height, 28px); white-space: normal;
    padding: 4px 12px; }
</style>
"""


def _wide() -> dict:
    """A source field's look: labels of one width, the field as wide as fits up to 46em."""
    return {"style": {"description_width": "9em"},
            "layout": w.Layout(width="100%", max_width="46em")}


class RosterTable(anywidget.AnyWidget):
    """One row per athlete; a click on a heading sorts by it (again: the other way round),
    a click on a name calls ``on_open(athlete)``. ``flags`` is :func:`roster_flags`' table."""

    _esm = TABLE_ESM
    _css = TABLE_CSS
    columns = traitlets.List().tag(sync=True)
    rows = traitlets.List().tag(sync=True)
    sort_by = traitlets.Unicode("flags").tag(sync=True)
    ascending = traitlets.Bool(False).tag(sync=True)
    caption = traitlets.Unicode("").tag(sync=True)

    def __init__(self, on_open: Callable[[str], None] | None = None, **kwargs) -> None:
        super().__init__(columns=[[k, v] for k, v in COLUMNS.items()], **kwargs)
        self.add_class("planner-roster")
        self.flags: pd.DataFrame | None = None
        self.on_open = on_open
        self.on_msg(self._message)

    def show(self, flags: pd.DataFrame, caption: str = "") -> None:
        """Show ``flags`` sorted as the table is sorted now."""
        self.flags = flags
        self.caption = caption
        self.sort(self.sort_by, self.ascending)

    def sort(self, column: str, ascending: bool | None = None) -> None:
        """Sort by ``column``; ``ascending`` None: the other way round when it is already
        sorted by it, else the most telling end first (most flags, lowest compliance, ...)."""
        if ascending is None:
            ascending = (not self.ascending) if column == self.sort_by else column in (
                "athlete", "low_compliance", "next_block")
        self.sort_by, self.ascending = column, ascending
        if self.flags is not None:
            self.rows = _rows(sort_roster(self.flags, column, ascending))

    @property
    def order(self) -> list[str]:
        """The athletes in the order shown."""
        return [r["athlete"] for r in self.rows]

    def _message(self, _widget, content: dict, _buffers) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "sort" and content.get("column") in COLUMNS:
            self.sort(content["column"])
        elif content.get("type") == "open" and self.on_open is not None:
            self.on_open(str(content.get("athlete")))


def _rows(flags: pd.DataFrame) -> list[dict]:
    rows = []
    for r in flags.to_dict("records"):
        cells = {"athlete": {"text": r["athlete"], "flag": False},
                 "flags": {"text": "none" if r["flags"] == 0 else f"{r['flags']}",
                           "flag": False},
                 "next_block": {"text": r["next_block"], "flag": False,
                                "due": bool(r["due_next_block"])}}
        for f in FLAGS:
            cells[f] = {"text": r[f"{f}_why"], "flag": bool(r[f])}
        rows.append({"athlete": r["athlete"], "cells": cells})
    return rows


#: The columns that make a CSV file a plan (the first line of a plan CSV holds them all).
_PLAN_COLUMNS = {"week", "date", "session_id", "exercise", "target_reps"}


def _is_store(d: Path) -> bool:
    """A planner store: its store.json says so (any other store.json is someone else's)."""
    try:
        with (d / "store.json").open("rb") as fh:
            meta = json.loads(fh.read(65536))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("kind") == "planner store"


def _holds_csv(d: Path) -> bool:
    try:
        return any(q.suffix.lower() == ".csv" and q.is_file() for q in d.iterdir())
    except OSError:
        return False


def _holds_plan(d: Path) -> bool:
    """One of the folder's CSV files is a plan (read: its first line only)."""
    try:
        files = [q for q in d.iterdir() if q.suffix.lower() == ".csv" and q.is_file()]
    except OSError:
        return False
    for q in files:
        try:
            with q.open("rb") as fh:
                head = fh.read(4096).split(b"\n", 1)[0].decode("utf-8-sig", "replace")
        except OSError:
            continue
        if {c.strip().strip('"') for c in head.split(",")} >= _PLAN_COLUMNS:
            return True
    return False


def find_sources(roots: list[Path], depth: int = 2) -> list[tuple[str, Path]]:
    """Stores (a planner ``store.json``) and roster folders (every sub-folder holds CSV
    files, and at least one a plan: athletes' folders) under ``roots``, ``depth`` folders
    down: (label, path) for a chooser. Folders of other CSV files (test data, app exports)
    are neither."""
    found: dict[Path, str] = {}

    def walk(d: Path, left: int) -> None:
        try:
            subs = [p for p in d.iterdir() if p.is_dir() and not p.name.startswith(".")
                    and p.name not in _SKIP]
        except OSError:
            return
        if _is_store(d):
            found[d.resolve()] = "store"
            return
        if (subs and not any(d.glob("*.csv")) and all(_holds_csv(s) for s in subs)
                and any(_holds_plan(s) for s in subs)):
            found[d.resolve()] = "roster"
            return
        if left > 0:
            for s in sorted(subs):
                walk(s, left - 1)

    for r in roots:
        if Path(r).is_dir():
            walk(Path(r), depth)
    sample = (data_path("sample_log.csv").parent / "roster").resolve()  # ours, beside it
    return [(f"{'the sample roster (five made-up athletes)' if p == sample else kind}: {p}", p)
            for p, kind in sorted(found.items(), key=lambda x: str(x[0]))]


class RosterZipError(ValueError):
    """An uploaded roster zip that cannot be unpacked; the message names the upload, the
    entry and the problem (never a file's content)."""


def _shown(member: str) -> str:
    """An entry's name for a message: quoted, one line, not too long."""
    member = member.replace("\n", " ").replace("\r", " ")
    return repr(member if len(member) <= 80 else member[:77] + "...")


def _directory_size(data: bytes) -> tuple[int, int] | None:
    """(entries, bytes) of the zip's central directory as its end record says, found where
    :mod:`zipfile` looks for it (the last 22 bytes, else the last end record within the
    comment's reach; the zip64 record just before it when there is one); None without an
    end record (zipfile then says it is not a zip)."""
    if len(data) >= _EOCD_SIZE and data[-_EOCD_SIZE:-_EOCD_SIZE + 4] == _EOCD \
            and data[-2:] == b"\0\0":
        at = len(data) - _EOCD_SIZE
    else:
        at = data.rfind(_EOCD, max(0, len(data) - _EOCD_SIZE - (1 << 16)))
        if at < 0 or len(data) - at < _EOCD_SIZE:
            return None
    entries, size = struct.unpack_from("<HL", data, at + 10)
    loc = at - 20  # the zip64 locator, and the zip64 end record before it
    if loc >= 56 and data[loc:loc + 4] == b"PK\x06\x07" and \
            data[loc - 56:loc - 52] == b"PK\x06\x06":
        entries, size = struct.unpack_from("<QQ", data, loc - 56 + 32)
    return entries, size


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    """Why the entry cannot be unpacked into a folder (its path, its kind, its encryption
    or compression), or None. Nothing here reads its data."""
    path = info.filename.replace("\\", "/")  # a Windows zip's separator, on any system
    if path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return ("would be written outside the folder (an absolute path or a drive); zip "
                "the roster folder itself")
    if ".." in path.split("/"):
        return "would be written outside the folder (a path through '..')"
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        return ("is a symbolic link; a roster zip holds only folders and files (zip the "
                "files, not links to them)")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "is a special file (a device, pipe or socket), not a file or a folder"
    if info.flag_bits & 0x1:
        return "is encrypted (password-protected); zip the roster without a password"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
            and not info.is_dir():
        method = zipfile.compressor_names.get(info.compress_type,
                                              f"method {info.compress_type}")
        return (f"is compressed with {method}, which this page does not read; zip the "
                "folder with the usual compression (deflate), as the computer's own "
                "\"compress\" or \"send to zip\" does")
    return None


def _inflate(name: str, data: bytes, info: zipfile.ZipInfo, out, unpacked: int) -> int:
    """Inflate the entry ``info`` of the zip ``data`` into the open file ``out``, one block
    at a time; return ``unpacked`` plus the bytes written.

    The sizes in the zip's records are never trusted: bytes are counted as they come out
    of the decompressor, and it stops (RosterZipError) before the total passes
    MAX_ZIP_BYTES, when the entry inflates more than MAX_ZIP_RATIO times the packed bytes
    it has used (once past RATIO_FROM_BYTES), or when it holds more than its record says.
    At the end the data must have ended where its record says, with its CRC."""
    member = _shown(info.filename)

    def damaged(why: str) -> RosterZipError:
        return RosterZipError(f"{name}: {member} is damaged ({why}); zip the roster folder "
                              "again and upload the new zip")

    at = info.header_offset
    if at < 0 or data[at:at + 4] != b"PK\x03\x04" or len(data) < at + 30:
        raise damaged("its entry is not where the zip's list says")
    name_len, extra_len = struct.unpack_from("<HH", data, at + 26)
    start = at + 30 + name_len + extra_len
    end = min(start + info.compress_size, len(data))  # never past the upload itself
    if start > len(data):
        raise damaged("its data is missing: the zip is cut short")
    raw = memoryview(data)[start:end]
    inflate = (zlib.decompressobj(-zlib.MAX_WBITS)
               if info.compress_type == zipfile.ZIP_DEFLATED else None)
    pos, written, crc = 0, 0, 0
    while True:
        if inflate is None:  # stored: the packed bytes are the file's
            block = raw[pos:pos + ZIP_BLOCK].tobytes()
            pos += len(block)
            used = pos
        else:
            tail = inflate.unconsumed_tail
            if not tail and pos >= len(raw):
                break
            if not tail:
                tail = raw[pos:pos + ZIP_BLOCK]
                pos += len(tail)
            try:
                block = inflate.decompress(tail, ZIP_BLOCK)  # at most one block out
            except zlib.error:
                raise damaged("its data is not valid deflate data") from None
            used = pos - len(inflate.unconsumed_tail)
        if block:
            written += len(block)
            if unpacked + written > MAX_ZIP_BYTES:
                raise RosterZipError(f"{name} unpacks to more than "
                                     f"{MAX_ZIP_BYTES // 2**20} MB (stopped in {member}); "
                                     "a roster is far smaller: is this the right zip?")
            if written > info.file_size:
                raise damaged(f"its data holds more than the {info.file_size:,} bytes its "
                              "record says")
            if written > RATIO_FROM_BYTES and written > MAX_ZIP_RATIO * max(used, 1):
                raise RosterZipError(f"{name}: {member} inflates more than {MAX_ZIP_RATIO} "
                                     "times its packed size, which no roster file does (a "
                                     "zip bomb?); zip the roster folder itself")
            crc = zlib.crc32(block, crc)
            out.write(block)
        if inflate is None:
            if not block:
                break
        elif inflate.eof:
            break
    cut = (not inflate.eof) if inflate is not None else len(raw) < info.compress_size
    if cut:
        raise damaged("its data ends early: the zip is cut short")
    if written != info.file_size:
        raise damaged(f"its data holds {written:,} bytes where its record says "
                      f"{info.file_size:,}")
    if crc != info.CRC:
        raise damaged("its data does not match its CRC check sum")
    return unpacked + written


def unpack_roster(name: str, data: bytes, target: Path) -> Path:
    """Unpack a zip of a roster folder into ``target``; the roster folder inside it (the
    zip's one top folder, or ``target`` itself).

    Limits, counted on what is really there rather than taken from the zip's records:
    MAX_ZIP_MEMBERS entries, MAX_ZIP_BYTES unpacked (counted as it inflates, one block of
    ZIP_BLOCK bytes in memory at a time) and MAX_ZIP_RATIO. Entries whose path leaves
    ``target`` ('..', absolute paths, drives), symbolic links and other special entries,
    encrypted entries and compression other than deflate are refused before anything is
    written. Every problem is a :class:`RosterZipError` (a ValueError) naming ``name``
    and the entry; ``target``, when this call made it, is removed again on any failure.
    """
    target = Path(target)
    made = not target.exists()
    try:
        return _unpack(name, data, target)
    except BaseException:
        if made:
            shutil.rmtree(target, ignore_errors=True)
        raise


def _unpack(name: str, data: bytes, target: Path) -> Path:
    not_a_zip = RosterZipError(f"{name} is not a zip file (or a damaged one); zip the roster "
                               "folder (one folder per athlete) and upload that")
    listed = _directory_size(data)
    if listed is None:
        raise not_a_zip
    entries, size = listed
    # zipfile makes one object per entry as it opens the zip: bound them before it does.
    if entries > MAX_ZIP_MEMBERS or size > MAX_ZIP_DIRECTORY_BYTES:
        raise RosterZipError(f"{name} lists more entries than a roster zip may hold (at most "
                             f"{MAX_ZIP_MEMBERS:,} files and folders)")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # a parser fed a stranger's bytes: any failure is "not a zip we read"
        raise not_a_zip from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise RosterZipError(f"{name} holds {len(infos):,} entries, more than a roster "
                                 f"zip may hold (at most {MAX_ZIP_MEMBERS:,} files and "
                                 "folders)")
        infos = [i for i in infos if not i.filename.startswith("__MACOSX/")]
        # Every entry is judged before anything is written.
        for i in infos:
            why = _entry_problem(i)
            if why:
                raise RosterZipError(f"{name}: {_shown(i.filename)} {why}")
        target.mkdir(parents=True, exist_ok=True)
        root = target.resolve()
        unpacked = 0
        for i in infos:
            parts = [p for p in i.filename.replace("\\", "/").split("/") if p not in ("", ".")]
            if not parts:
                continue
            dest = root.joinpath(*parts)
            if root not in dest.resolve().parents:  # a net under the checks above
                raise RosterZipError(f"{name}: {_shown(i.filename)} would be written outside "
                                     "the folder")
            try:
                if i.is_dir() or stat.S_ISDIR(i.external_attr >> 16):
                    dest.mkdir(parents=True, exist_ok=True)
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True)
                with open(dest, "xb") as out:  # never over an entry written before
                    unpacked = _inflate(name, data, i, out, unpacked)
            except (FileExistsError, NotADirectoryError, IsADirectoryError):
                raise RosterZipError(f"{name}: {_shown(i.filename)} clashes with another entry "
                                     "(a file and a folder of the same name, or the same "
                                     "file twice); zip the roster folder again") from None
            except OSError as exc:
                raise RosterZipError(f"{name}: {_shown(i.filename)} could not be unpacked "
                                     f"({exc.strerror or exc})") from None
    tops = [p for p in root.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(tops) == 1 and tops[0].is_dir() and all(p.is_dir() for p in tops[0].iterdir()):
        return tops[0]
    return root


class CoachApp(w.VBox):
    """The coach's page. ``source``: a store folder, or a roster folder or CSV to ingest
    (into ``store`` when given, else a temporary store); ``unit``: "kg" or "lb" for log
    files that do not say (asked for, never guessed); ``as_of``: the day the analysis is
    for (default today); ``search``: folders where stores and rosters are looked for.

    Parts for notebooks and tests: ``table`` (RosterTable), ``flags`` (the table's data),
    ``cohort``, ``analysis`` (the athlete's AnalysisPanel), ``zip_button``.
    """

    def __init__(self, source: str | Path | None = None, *, store: str | Path | None = None,
                 unit: str | None = None, as_of=None,
                 search: list[str | Path] | None = None) -> None:
        self.store = None
        self.cohort = None
        self.flags: pd.DataFrame | None = None
        self.athlete: str | None = None
        self._zip = None
        # The temporary folders in use: "roster" (the last upload unpacked) and "store" (a
        # roster's store when no folder was given). Each is removed when it is replaced, and
        # all of them when the page closes: never more than one of each kind.
        self._tmp: dict[str, tempfile.TemporaryDirectory] = {}
        self._source_controls(source, store, unit, as_of, search)
        self._output_widgets()
        head = self._page()
        super().__init__([head, self.source, self.status, self.tabs])
        self.add_class("planner-app")
        self.add_class("planner-coach")
        self._wire()
        if source:
            self.open_source()

    # --- building the page -----------------------------------------------------------------
    def _source_controls(self, source, store, unit, as_of, search) -> None:
        """Where the roster or store comes from: found folders, a path, an upload."""
        roots = [Path(p) for p in (search if search is not None else
                                   [Path.cwd(), Path.cwd().parent])]
        self.found = w.Dropdown(options=[("choose one found on this computer…", "")]
                                + [(label, str(p)) for label, p in find_sources(roots)],
                                value="", description="Found here", **_wide())
        self.path = w.Text(value=str(source or ""), description="Roster or store",
                           placeholder="a folder on this computer, e.g. /home/me/clinic-store",
                           tooltip="A store folder (planner ingest ... --store), a roster "
                                   "folder (one folder per athlete) or a roster CSV",
                           **_wide())
        self.store_path = w.Text(value=str(store or ""), description="Keep store in",
                                 placeholder="optional: where a roster's store is written",
                                 tooltip="A roster is ingested into this store folder; left "
                                         "empty, into a temporary one for this session",
                                 **_wide())
        self.unit = w.ToggleButtons(options=[("kg", "kg"), ("lb", "lb")], value=unit,
                                    description="Weights in files that do not say",
                                    tooltip="The unit of the weights in exports that do not "
                                            "say it (Strong, FitNotes without a unit column)",
                                    style={"description_width": "initial",
                                           "button_width": "4em"})
        self.open_button = w.Button(description="Open", button_style="primary",
                                    tooltip="Read the roster or store named above",
                                    layout=w.Layout(width="auto"))
        self.upload = upload_button(".zip,application/zip", "Upload a roster (.zip)…",
                                    "A zip of a roster folder: one folder per athlete with "
                                    "their plan and log files")
        self.upload.add_class(FILES)
        self.as_of = w.DatePicker(value=pd.Timestamp(as_of or date.today()).date(),
                                  description="As of", tooltip="The day the analysis is for",
                                  style={"description_width": "9em"})

    def _output_widgets(self) -> None:
        """The status line, the roster table, the zip of next blocks and the athlete tab."""
        self.status = w.HTML(note_box("Choose a roster or a store, then Open."))
        self.summary = w.HTML()
        self.table = RosterTable(on_open=self.open_athlete)
        self.zip_message = w.HTML()
        self.zip_button = DownloadButton("Next blocks for everyone due (.zip)",
                                         make=self.next_blocks_file, mime="application/zip",
                                         tooltip="One zip: plan CSV, calendar and printable "
                                                 "sheet for each athlete due a next block",
                                         disabled=True, on_error=self._zip_failed)
        self.zip_button.add_class(FILES)
        self.analysis = AnalysisPanel()
        self.athlete_head = w.HTML(note_box("Click an athlete's name in the roster."))
        self.back = w.Button(description="Back to the roster", layout=w.Layout(width="auto"))

    def _page(self) -> w.HTML:
        """The two tabs (roster, athlete), the heading and the folding source box."""
        roster_tab = w.VBox([self.summary,
                             w.HBox([self.zip_button], layout=w.Layout(flex_flow="row wrap")),
                             self.zip_message, self.table])
        roster_tab.add_class("planner-coach-roster")
        athlete_tab = w.VBox([w.HBox([self.back], layout=w.Layout(flex_flow="row wrap")),
                              self.athlete_head, self.analysis])
        athlete_tab.add_class("planner-coach-athlete")
        self.tabs = Steps([roster_tab, athlete_tab], titles=("Roster", "Athlete"))
        self.tabs.add_class("planner-steps")
        head = w.HTML(STYLE + COACH_STYLE + "<header class='planner-head'><h1>Your athletes"
                      "</h1><p>One row per athlete with what needs a look: pain rules "
                      "broken, sessions missed, a load rising fast, no log lately, no pain "
                      "data. Click a "
                      "heading to sort, a name for the athlete's analysis.</p></header>")
        source_box = w.VBox([self.found, self.path, self.store_path, self.unit,
                             w.HBox([self.open_button, self.upload, self.as_of],
                                    layout=w.Layout(flex_flow="row wrap",
                                                    align_items="center"))])
        # Folded away once a roster is open: the table then starts near the top of the page.
        self.source = w.Accordion(children=[source_box], titles=("Roster or store",),
                                  selected_index=0)
        self.source.add_class("planner-coach-source")
        return head

    def _wire(self) -> None:
        """What each control does."""
        self.found.observe(self._found, names="value")
        self.open_button.on_click(lambda _: self.open_source())
        self.upload.observe(self._uploaded, names="value")
        self.as_of.observe(lambda _: self.refresh(), names="value")
        self.back.on_click(lambda _: setattr(self.tabs, "selected_index", 0))

    # --- input -----------------------------------------------------------------------------
    def _found(self, change) -> None:
        if change["new"]:
            self.path.value = str(change["new"])
            self.open_source()

    def _keep_tmp(self, kind: str, tmp: tempfile.TemporaryDirectory | None) -> None:
        """Make ``tmp`` the temporary folder of ``kind`` in use; remove the one it replaces."""
        old = self._tmp.pop(kind, None)
        if tmp is not None:
            self._tmp[kind] = tmp
        if old is not None and old is not tmp:
            old.cleanup()

    def close(self) -> None:
        """Close the page and remove its temporary folders (also when it is collected:
        ipywidgets closes a widget then)."""
        for kind in list(getattr(self, "_tmp", {})):  # a page half-made has none
            self._keep_tmp(kind, None)
        super().close()

    def _uploaded(self, change) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        name = str(f.get("name") or "the upload")
        self.upload.value = ()
        tmp = tempfile.TemporaryDirectory(prefix="planner-roster-")
        try:
            roster = unpack_roster(name, bytes(f["content"]), Path(tmp.name))
        except ValueError as exc:  # RosterZipError: every problem of the zip, in words
            tmp.cleanup()
            self.status.value = error_box(str(exc))
            return
        except BaseException:
            tmp.cleanup()
            raise
        # The new roster replaces the last upload's folder (the page reads only this one).
        self._keep_tmp("roster", tmp)
        self.path.value = str(roster)
        self.open_source()

    def open_source(self, path: str | Path | None = None) -> None:
        """Open a store, or ingest a roster folder or CSV and open its store."""
        p = Path(path or self.path.value.strip()).expanduser()
        if not str(p) or str(p) == ".":
            self.status.value = error_box("Give a roster or store folder first.")
            return
        try:
            if (p / "store.json").is_file():
                self.store = open_store(p)
                held_back = ()
                held = self._tmp.get("store")
                if held is None or not p.resolve().is_relative_to(Path(held.name).resolve()):
                    self._keep_tmp("store", None)  # a temporary store before is done with
                said = f"Store {p}"
            else:
                target = self.store_path.value.strip()
                tmp = None
                if not target:
                    tmp = tempfile.TemporaryDirectory(prefix="planner-store-")
                    target = str(Path(tmp.name) / "store")
                self.status.value = note_box(f"Reading the roster {p} into the store {target}…")
                try:
                    result = ingest(p, target, unit=self.unit.value, workers=None)
                    self.store = open_store(target)
                except BaseException:
                    if tmp is not None:  # the store open before stays, and its folder
                        tmp.cleanup()
                    raise
                self._keep_tmp("store", tmp)  # the store before, if temporary, is done with
                f = result.files
                said = (f"Roster {p}: {len(f)} files ingested into "
                        f"{'a temporary store' if not self.store_path.value.strip() else target}"
                        f" ({int(f['imported'].sum()):,} sets new)")
                held_back = result.held_back
        except (RosterError, StoreError, OSError, ValueError) as exc:
            hint = (" Choose the unit under “Weights in files that do not say”, then Open."
                    if "kg or lb" in str(exc) and self.unit.value is None else "")
            self.status.value = error_box(f"Could not open {p}: {for_the_page(exc)}.{hint}")
            return
        if held_back:  # the others are in; say who is not, and why
            n = len(held_back)
            hint = ("<p>Choose the unit under “Weights in files that do not say”, then Open "
                    "again.</p>" if self.unit.value is None
                    and any("kg or lb" in h.reason for h in held_back) else "")
            self.status.value = error_box(
                f"<p>{html.escape(said)}. {n} athlete{'s' if n != 1 else ''} held back: "
                "their files are not in the store (fix them, then Open again):</p><ul>"
                + "".join(f"<li><b>{html.escape(h.athlete)}</b>: "
                          f"{html.escape(for_the_page(h.reason))}</li>"
                          for h in held_back) + "</ul>" + hint, raw=True)
        else:
            self.status.value = ok_box(said + ".")
        self.source.titles = (f"Roster or store: {p.name} (click to change)",)
        self.source.selected_index = None
        self.refresh()

    # --- output ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """The roster table for the store as of the chosen day."""
        if self.store is None:
            return
        as_of = pd.Timestamp(self.as_of.value or date.today())
        self.cohort = cohort(self.store, as_of=as_of)  # opened and checked: not again
        self.flags, shared = shared_flags(roster_flags(self.cohort.athletes, as_of))
        self._zip = None
        n = len(self.flags)
        flagged = int((self.flags["flags"] > 0).sum())
        due = int(self.flags["due_next_block"].sum())
        self.summary.value = (
            f"<p><b>{n}</b> athlete{'s' if n != 1 else ''} as of {day_text(as_of)}: "
            f"<b>{flagged}</b> with at least one flag, <b>{due}</b> due a next block.</p>"
            + "".join(note_box(line) for line in shared))
        self.table.show(self.flags, caption=f"{n} athletes. Click a heading to sort by it; "
                        "click it again for the other way round. ⚑ marks a flag.")
        self.zip_button.disabled = due == 0
        self.zip_button.label = (f"Next blocks for the {due} athletes due (.zip)" if due
                                 else "No athlete is due a next block")
        self.zip_message.value = ""

    def open_athlete(self, athlete: str) -> None:
        """Show ``athlete``'s full analysis (the charts of notebook 03) on the Athlete tab."""
        if self.store is None or athlete not in set(self.flags["athlete"]):
            return
        self.athlete = athlete
        self.tabs.titles = ("Roster", f"Athlete: {athlete}")
        self.tabs.selected_index = 1
        self.athlete_head.value = note_box(f"Reading {athlete}'s log…")
        log = athlete_log(self.store, athlete)
        whole, _ = athlete_plan(self.store, athlete)
        changed = athlete_plan_notes(self.store, athlete)
        self.analysis.show(log, whole, name=athlete)
        self.analysis.children[0].value = (f"<h2>What {html.escape(athlete)} did, and how it "
                                           "went</h2>")
        row = self.flags.set_index("athlete").loc[athlete]
        said = [f"<li><b>{html.escape(label)}</b>: {html.escape(row[f'{f}_why'])}</li>"
                for f, label in FLAGS.items() if row[f]]
        self.athlete_head.value = (
            f"<h2>{html.escape(athlete)}</h2>"
            + (f"<p>Flags:</p><ul>{''.join(said)}</ul>" if said else "<p>No flags.</p>")
            + f"<p>Next block: {html.escape(row['next_block'])}.</p>"
            + "".join(f"<p class='planner-msg-error' role='alert'>{html.escape(n)}.</p>"
                      for n in changed)
            + ("" if whole is not None else "<p class='planner-help'>No plan in the store: "
               "compliance needs the plan the athlete follows.</p>"))
        if whole is None:
            self.analysis.status.value = ok_box(
                f"{len(log.table):,} sets logged; no plan stored for {athlete}.")

    def next_blocks_file(self) -> tuple[str, bytes]:
        """The zip of next blocks for everyone due: (file name, bytes)."""
        if self.flags is None or self.store is None:
            raise ValueError("open a roster or store first")
        if self._zip is None:
            due = int(self.flags["due_next_block"].sum())
            self.zip_message.value = note_box(f"Building {due} next blocks…")
            self._zip = next_blocks_zip(self.store, self.flags,
                                        pd.Timestamp(self.as_of.value or date.today()))
        z = self._zip
        said = f"{len(z.built)} next blocks in {z.name}."
        if z.failed:
            said += " Not built: " + "; ".join(f"{a} ({why})" for a, why in z.failed.items())
        self.zip_message.value = ok_box(said) if not z.failed else error_box(said)
        return z.name, z.data

    def _zip_failed(self, exc: Exception) -> None:
        self.zip_message.value = error_box(f"The zip could not be made: {exc}")


class Dashboard(w.VBox):
    """The Voilà page: "My programme" (``PlannerApp``) or "Coach" (``CoachApp``, built when
    first chosen). ``coach_source``: what the coach page opens at once."""

    def __init__(self, coach_source: str | Path | None = None, **coach_kwargs) -> None:
        self.choice = w.ToggleButtons(options=[("My programme", "me"), ("Coach", "coach")],
                                      value="me", description="Page",
                                      tooltip="Your own programme, or your athletes",
                                      style={"description_width": "initial"})
        self.choice.add_class("planner-page-choice")
        self.planner = PlannerApp(skip_link=False)
        self.coach: CoachApp | None = None
        self._coach_args = (coach_source, coach_kwargs)
        # Both pages stay in the page once made (hidden, not rebuilt): charts keep their state.
        self.coach_box = w.VBox([], layout=w.Layout(display="none"))
        super().__init__([w.HTML(SKIP_LINK), self.choice, self.planner, self.coach_box,
                          PageA11y()])
        self.add_class("planner-dashboard")
        self.choice.observe(self._switch, names="value")

    def _switch(self, change) -> None:
        coach = change["new"] == "coach"
        if coach and self.coach is None:
            source, kwargs = self._coach_args
            self.coach = CoachApp(source, **kwargs)
            self.coach_box.children = [self.coach]
        self.planner.layout.display = "none" if coach else None
        self.coach_box.layout.display = None if coach else "none"
