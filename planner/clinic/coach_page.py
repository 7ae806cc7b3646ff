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
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import anywidget
import ipywidgets as w
import pandas as pd
import traitlets

from planner.app.downloads import DownloadButton
from planner.app.markup import STYLE, error_box, note_box, ok_box
from planner.app.panels import AnalysisPanel, upload_button
from planner.app.planner_app import PlannerApp
from planner.app.steps import Steps
from planner.clinic.athlete import athlete_log, athlete_plan
from planner.clinic.cohort import cohort
from planner.clinic.flags import COLUMNS, FLAGS, roster_flags, sort_roster
from planner.clinic.next_blocks import next_blocks_zip
from planner.clinic.roster import RosterError
from planner.clinic.store import StoreError, ingest, open_store

#: A roster zip may hold at most this much once unpacked.
MAX_ZIP_BYTES = 200 * 1024 * 1024
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


def find_sources(roots: list[Path], depth: int = 2) -> list[tuple[str, Path]]:
    """Stores (folders with store.json) and roster folders (every sub-folder holds CSV
    files) under ``roots``, ``depth`` folders down: (label, path) for a chooser."""
    found: dict[Path, str] = {}

    def walk(d: Path, left: int) -> None:
        try:
            subs = [p for p in d.iterdir() if p.is_dir() and not p.name.startswith(".")
                    and p.name not in _SKIP]
        except OSError:
            return
        if (d / "store.json").is_file():
            found[d.resolve()] = "store"
            return
        if subs and all(any(q.suffix.lower() == ".csv" for q in s.iterdir() if q.is_file())
                        for s in subs) and not any(d.glob("*.csv")):
            found[d.resolve()] = "roster"
            return
        if left > 0:
            for s in sorted(subs):
                walk(s, left - 1)

    for r in roots:
        if Path(r).is_dir():
            walk(Path(r), depth)
    return [(f"{kind}: {p}", p) for p, kind in sorted(found.items(), key=lambda x: str(x[0]))]


def unpack_roster(name: str, data: bytes, target: Path) -> Path:
    """Unpack a zip of a roster folder into ``target``; the roster folder inside it (the
    zip's one top folder, or ``target`` itself). Refuses paths leaving ``target`` and more
    than :data:`MAX_ZIP_BYTES` unpacked."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError(f"{name} is not a zip file; zip the roster folder (one folder per "
                         "athlete) and upload that") from None
    with z:
        infos = [i for i in z.infolist() if not i.filename.startswith("__MACOSX/")]
        if sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
            raise ValueError(f"{name} unpacks to more than {MAX_ZIP_BYTES // 2**20} MB")
        root = target.resolve()
        for i in infos:
            dest = (root / i.filename).resolve()
            if root not in dest.parents and dest != root:
                raise ValueError(f"{name}: {i.filename!r} would be written outside the folder")
            if i.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(z.read(i))
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
        self._tmp: list[tempfile.TemporaryDirectory] = []
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

    def _uploaded(self, change) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        name, data = f["name"], bytes(f["content"])
        self.upload.value = ()
        tmp = tempfile.TemporaryDirectory(prefix="planner-roster-")
        self._tmp.append(tmp)
        try:
            roster = unpack_roster(name, data, Path(tmp.name))
        except ValueError as exc:
            self.status.value = error_box(str(exc))
            return
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
                said = f"Store {p}"
            else:
                target = self.store_path.value.strip()
                if not target:
                    tmp = tempfile.TemporaryDirectory(prefix="planner-store-")
                    self._tmp.append(tmp)
                    target = str(Path(tmp.name) / "store")
                self.status.value = note_box(f"Reading the roster {p} into the store {target}…")
                result = ingest(p, target, unit=self.unit.value, workers=None)
                self.store = open_store(target)
                f = result.files
                said = (f"Roster {p}: {len(f)} files ingested into "
                        f"{'a temporary store' if not self.store_path.value.strip() else target}"
                        f" ({int(f['imported'].sum()):,} sets new)")
        except (RosterError, StoreError, OSError, ValueError) as exc:
            hint = (" Choose the unit under “Weights in files that do not say”, then Open."
                    if "kg or lb" in str(exc) and self.unit.value is None else "")
            self.status.value = error_box(f"Could not open {p}: {exc}.{hint}")
            return
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
        self.cohort = cohort(self.store.path, as_of=as_of)
        self.flags = roster_flags(self.cohort.athletes, as_of)
        self._zip = None
        n = len(self.flags)
        flagged = int((self.flags["flags"] > 0).sum())
        due = int(self.flags["due_next_block"].sum())
        self.summary.value = (
            f"<p><b>{n}</b> athlete{'s' if n != 1 else ''} as of {as_of:%A %d %B %Y}: "
            f"<b>{flagged}</b> with at least one flag, <b>{due}</b> due a next block.</p>")
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
        self.analysis.show(log, whole)
        self.analysis.children[0].value = (f"<h2>What {html.escape(athlete)} did, and how it "
                                           "went</h2>")
        row = self.flags.set_index("athlete").loc[athlete]
        said = [f"<li><b>{html.escape(label)}</b>: {html.escape(row[f'{f}_why'])}</li>"
                for f, label in FLAGS.items() if row[f]]
        self.athlete_head.value = (
            f"<h2>{html.escape(athlete)}</h2>"
            + (f"<p>Flags:</p><ul>{''.join(said)}</ul>" if said else "<p>No flags.</p>")
            + f"<p>Next block: {html.escape(row['next_block'])}.</p>"
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
        self.planner = PlannerApp()
        self.coach: CoachApp | None = None
        self._coach_args = (coach_source, coach_kwargs)
        # Both pages stay in the page once made (hidden, not rebuilt): charts keep their state.
        self.coach_box = w.VBox([], layout=w.Layout(display="none"))
        super().__init__([self.choice, self.planner, self.coach_box])
        self.choice.observe(self._switch, names="value")

    def _switch(self, change) -> None:
        coach = change["new"] == "coach"
        if coach and self.coach is None:
            source, kwargs = self._coach_args
            self.coach = CoachApp(source, **kwargs)
            self.coach_box.children = [self.coach]
        self.planner.layout.display = "none" if coach else None
        self.coach_box.layout.display = None if coach else "none"
