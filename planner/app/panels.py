"""The app's Log, Analysis and Next block tabs.

``LogPanel`` takes a file through the browser (our template, Strong, Hevy or
FitNotes), asks for the unit when the file does not say it, and shows the
import report as a table. ``AnalysisPanel`` draws the analysis and offers the
report as a download; ``NextPanel`` builds the next block and offers its files.
They call the core (``read_log``'s parser, ``analyse``, ``next_block``) and hold
no training logic.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from planner.analysis import analyse, headline_facts
from planner.app.a11y import FILES
from planner.app.chart_widget import Chart
from planner.app.downloads import BrowserZone, DownloadButton
from planner.app.markup import error_box, note_box, ok_box, table_html
from planner.catalogue import data_path
from planner.charts.analysis import CAPTIONS, TITLES, analysis_figures
from planner.config import PlanConfig
from planner.files.bundle import plan_files
from planner.files.plan_csv import read_plan
from planner.files.report import report_html
from planner.logs import LogFormatError, parse_log
from planner.nextblock import next_block
from planner.overview import weekly_overview
from planner.plan import Plan
from planner.words import day_text

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
CLI_HINT = ("the planner's command line reads it (the README, “Logging what you did, and "
            "what comes next”)")
UNIT_MISSING = "does not say whether weights are in kg or lb"
NO_PLAN, APP_PLAN, SAMPLE_PLAN = "none", "plan", "sample"


def next_block_or_reason(plan: Plan | None, log, today=None,
                         settings: PlanConfig | None = None) -> tuple[Plan | None, str]:
    """The next block (or None) and, when there is none, why, in the user's words.

    ``today``: the earliest day the block may start (the app gives the real date for a
    user's own log, so that an old export means a layoff; the bundled sample keeps its
    own dates). ``settings``: for a log with no plan, the settings the block is made
    with (the Plan step's: the person's bar, plates, days and unit); with a plan, the
    plan's own."""
    try:
        return next_block(plan, log, today=today,
                          config=settings if plan is None else None), ""
    except Exception as exc:
        if plan is None:
            return None, ("The next block is built from the plan you followed: give that "
                          f"plan (“Compare with” in the app, PLAN in notebook 03). ({exc})")
        return None, f"The next block could not be built: {exc}"


def name_part(source: str) -> str:
    """A log's file name (or an athlete's id) as part of a download's name: its stem, with
    anything but letters, digits, dot and dash made a dash ("my log (2).csv" -> "my-log-2")."""
    return re.sub(r"[^\w.-]+", "-", Path(source).stem).strip("-.") or "log"


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def upload_button(accept: str, label: str, tooltip: str) -> w.FileUpload:
    """The app's file chooser: one file, a label that says what to choose, no icon."""
    upload = w.FileUpload(accept=accept, multiple=False, description=label, icon="",
                          tooltip=tooltip, layout=w.Layout(width="auto"))
    upload.add_class("planner-upload")
    return upload


#: The order of the import report's groups: what was left out first, what is only a note last.
ACTION_ORDER = {"rejected": 0, "flagged": 1, "coerced": 2, "note": 3}
#: What each action means, as the group's first word.
ACTION_WORDS = {"rejected": "Left out", "flagged": "Kept, flagged", "coerced": "Read as",
                "note": "Note"}


#: The formats' names as people know them.
FORMAT_NAMES = {"template": "planner template", "strong": "Strong", "hevy": "Hevy",
                "fitnotes": "FitNotes", "liftosaur": "Liftosaur", "fit": "Garmin FIT"}


def for_the_page(problem: str) -> str:
    """A report problem as the page says it: without what to type on the command line
    (the page's own control is named instead)."""
    # to the problem's end, or to the bracket that closes it (an exercise's own name may
    # hold brackets: "Romanian Deadlift (Barbell)")
    text = re.sub(r",? on the command line(?: with)? .*?(?=\)?$)", "", str(problem))
    text = re.sub(r"; pass unit=.*$", "", text)  # the unit question: the page asks it itself
    return text.replace(": on the page under ", ": under ").replace(
        ": on the page with ", " with ")


def report_groups_html(report: pd.DataFrame, max_rows: int = 100) -> str:
    """The import report grouped by rule: one folded group per rule, its count and its
    problem in words as the heading, its rows (the first ``max_rows``) beneath; groups in
    the order left out, flagged, read as, notes, and by size within each."""
    groups = []
    for rule, g in report.groupby("rule", sort=False):
        action = str(g["action"].iloc[0])
        problems = g["problem"].unique()
        label = for_the_page(problems[0])  # before the count: it ends in a bracket of its own
        if len(problems) > 1:
            label += f" (and {len(problems) - 1} more like it)"
        rows = g.drop(columns=["rule", "action"], errors="ignore").assign(
            problem=g["problem"].map(for_the_page))
        more = (f"<p class='planner-help'>The first {max_rows:,} of {len(g):,} rows.</p>"
                if len(g) > max_rows else "")
        groups.append((ACTION_ORDER.get(action, 9), -len(g), str(rule), (
            f"<details class='planner-report-group'><summary><b>"
            f"{ACTION_WORDS.get(action, action)}</b>: {html.escape(str(label))} "
            f"<span class='planner-count'>({len(g):,} row{'s' if len(g) != 1 else ''})</span>"
            f"</summary>{table_html(rows, max_rows=max_rows)}{more}</details>")))
    return "".join(g[-1] for g in sorted(groups))


class LogPanel(w.VBox):
    """Bring in a log. ``plan()`` gives the Plan tab's plan; ``on_log(log, plan_or_None)``
    is called with each log read and the plan to compare it with."""

    def __init__(self, plan: Callable[[], Plan], on_log: Callable,
                 on_clear: Callable[[str], None] | None = None) -> None:
        self._app_plan = plan
        self._on_log = on_log
        self._on_clear = on_clear
        self._data: bytes | None = None
        self._name = ""
        self._sample_plan: Plan | None = None
        self._quiet = False
        self.current_log = None
        self.upload = upload_button(".csv,.txt,text/csv,text/plain", "Choose your log file…",
                                    "A CSV file: our log template, or an export from Strong, "
                                    "Hevy or FitNotes (up to 50 MB)")
        self.sample = w.Button(description="Try the sample log", tooltip="12 weeks of the "
                               "default plan, with a few missed days and one bad week",
                               layout=w.Layout(width="auto"))
        self.unit = w.ToggleButtons(options=[("kg", "kg"), ("lb", "lb")], value=None,
                                    description="Weights in the file are in",
                                    tooltip="The unit of the weights in your file",
                                    style={"description_width": "initial"})
        self.unit_box = w.VBox([self.unit], layout=w.Layout(display="none"))
        self.alias = w.Text(value="", placeholder="e.g. Deadlift Old Data; Conventional DL",
                            description="Also count as the barbell deadlift",
                            tooltip="Exercise names in your file that are the barbell deadlift "
                                    "(separate several with ;). The import report lists "
                                    "deadlift-like names left out.",
                            continuous_update=False, style={"description_width": "initial"},
                            layout=w.Layout(width="100%", max_width="40em"))
        self.compare = w.RadioButtons(options=self._compare_options(), value=NO_PLAN,
                                      description="Compare with",
                                      style={"description_width": "initial"},
                                      layout=w.Layout(width="auto"))
        self.status = w.HTML()
        self.report = w.HTML()
        self.report.add_class("planner-table")
        intro = w.HTML(
            "<h2>Bring in what you did</h2><p class='planner-help'>A CSV file: our log "
            "template (filled in), or an export from <b>Strong</b>, <b>Hevy</b> or "
            "<b>FitNotes</b>. Up to 50 MB; for a bigger file " + html.escape(CLI_HINT)
            + ".</p>")
        files = w.HBox([self.upload, self.sample], layout=w.Layout(flex_flow="row wrap"))
        files.add_class(FILES)
        super().__init__([intro, files,
                          self.unit_box, self.alias, self.compare, self.status,
                          self.report])
        self.add_class("planner-log")
        self.upload.observe(self._uploaded, names="value")
        self.sample.on_click(lambda _: self.use_sample())
        self.unit.observe(lambda _: self._read(), names="value")
        self.alias.observe(lambda _: self._read(), names="value")
        self.compare.observe(lambda _: self._notify_log(), names="value")

    def _compare_options(self) -> list[tuple[str, str]]:
        opts = [("no plan: just my log", NO_PLAN), ("the plan on the Plan tab", APP_PLAN)]
        if self._sample_plan is not None:
            opts.append(("the sample plan", SAMPLE_PLAN))
        return opts

    # --- input -----------------------------------------------------------------------------
    def _uploaded(self, change) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        if self._sample_plan is not None:  # a file of one's own: the sample plan goes
            self._quiet = True
            try:
                self._sample_plan = None
                self.compare.options = self._compare_options()
                self.compare.value = NO_PLAN
            finally:
                self._quiet = False
        # Keep the bytes here, not in the widget's state (a reloaded page would fetch them).
        name, content, size = f["name"], bytes(f["content"]), f.get("size")
        self.upload.value = ()
        self.load(name, content, size=size)

    def load(self, name: str, content: bytes | memoryview, size: int | None = None) -> None:
        """Read ``content`` (a file's bytes) as a log called ``name``."""
        size = len(content) if size is None else size
        if size > MAX_UPLOAD_BYTES:
            self._data = None
            self.status.value = error_box(
                f"{name} is {_mb(size)}; the app takes files up to 50 MB. For a bigger file "
                f"{CLI_HINT}.")
            return
        self._data, self._name = bytes(content), name
        # A new file: what the last one showed goes now, not when (or if) this one is read
        self.current_log = None
        if self._on_clear is not None:
            self._on_clear(name)
        with self.unit.hold_trait_notifications():
            self.unit.value = None
        self.unit_box.layout.display = "none"
        self._read()

    def use_sample(self) -> None:
        """Read the sample log and offer the sample plan it followed."""
        self._sample_plan = read_plan(data_path("sample_plan.csv"))
        self._quiet = True
        try:
            self.compare.options = self._compare_options()
            self.compare.value = SAMPLE_PLAN
        finally:
            self._quiet = False
        self.load("sample_log.csv", data_path("sample_log.csv").read_bytes())

    def _read(self) -> None:
        if self._data is None:
            return
        try:
            names = [n.strip() for n in self.alias.value.split(";") if n.strip()]
            log = parse_log(self._data, unit=self.unit.value, name=self._name, progress=False,
                            aliases={n: "deadlift" for n in names} or None)
        except LogFormatError as exc:
            if UNIT_MISSING in str(exc) and self.unit.value is None:
                self.unit_box.layout.display = "flex"
                # a question, not a fault: asked in the note's colours
                self.status.value = note_box(
                    f"{self._name} does not say whether its weights are in kg or lb. Choose "
                    "one under “Weights in the file are in”, just above, and the file is "
                    "read at once.")
            else:
                self.status.value = error_box(str(exc))
            self.report.value = ""
            return
        self.current_log = log
        hint = (" This log was written from a plan: to see compliance, choose that plan "
                "under “Compare with”." if log.source_format == "template"
                and self.compare.value == NO_PLAN else "")
        self.status.value = ok_box(
            f"{self._name}: a {FORMAT_NAMES.get(log.source_format, log.source_format)} log "
            f"with weights in {log.unit}. "
            f"{log.rows_read:,} rows read: {log.rows_imported:,} sets imported, "
            f"{log.rows_rejected:,} rejected, {log.rows_skipped:,} skipped (not sets, or "
            "left empty). "
            + "".join(f"{note[0].upper()}{note[1:]}. " for note in log.notes)
            + "See the Analysis and Next block tabs." + hint)
        rep = log.report
        shown = rep[rep["action"] != "skipped"].drop(columns=["file"], errors="ignore")
        if len(shown):
            self.report.value = ("<h3 class='planner-group'>What the import changed or left "
                                 f"out ({len(shown):,} row{'s' if len(shown) != 1 else ''})"
                                 "</h3>" + report_groups_html(shown))
        else:
            skipped = int((rep["action"] == "skipped").sum())
            self.report.value = (
                "<p class='planner-help'>Every set was imported as it was"
                + (f"; the {skipped:,} skipped row{'s were' if skipped != 1 else ' was'} not "
                   "sets (empty rows, or an app's rest timer)." if skipped else ".") + "</p>")
        self._notify_log()

    def plan(self) -> Plan | None:
        """The plan the log is compared with, or None."""
        if self.compare.value == APP_PLAN:
            return self._app_plan()
        if self.compare.value == SAMPLE_PLAN:
            return self._sample_plan
        return None

    def _notify_log(self) -> None:
        if self.current_log is not None and not self._quiet:
            self._on_log(self.current_log, self.plan())


class AnalysisPanel(w.VBox):
    """The analysis of the last log read: key figures, charts and tables."""

    def __init__(self) -> None:
        self.analysis = None
        self.source = ""
        self.unit = "kg"
        self.figures: dict[str, go.FigureWidget] = {}
        self.status = w.HTML(note_box("No log yet: bring one in on the Log tab."))
        self.facts = w.HTML()
        self.charts = w.VBox()
        self.tables = w.HTML()
        self.tables.add_class("planner-table")
        self.file_message = w.HTML()
        self.download = DownloadButton("Report (HTML)", make=self.report_file, mime="text/html",
                                       tooltip="Download the analysis as a web page to keep "
                                               "or print", disabled=True,
                                       on_error=self._failed)
        self.download.add_class(FILES)
        super().__init__([w.HTML("<h2>What you did, and how it went</h2>"), self.status,
                          self.facts, self.download, self.file_message, self.charts,
                          self.tables])
        self.add_class("planner-analysis")

    def clear(self, name: str) -> None:
        """Forget the last analysis while ``name`` is read: no figure of another file stays."""
        self.analysis = None
        self.source = ""
        self.status.value = note_box(f"Reading {name}: its analysis shows here once it is "
                                     "read (the Log step may ask a question first).")
        self.facts.value = ""
        self.charts.children = []
        self.tables.value = ""
        self.file_message.value = ""
        self.download.disabled = True

    def show(self, log, plan: Plan | None, name: str | None = None) -> None:
        """Analyse ``log`` (against ``plan`` when given) and draw it. ``name``: who or what
        the analysis is about, in its heading and its report's file name (default: the
        log's file name)."""
        try:
            a = analyse(log, plan)
        except Exception as exc:  # the core's message, in its words
            self.status.value = error_box(f"The log could not be analysed: {exc}")
            self.download.disabled = True
            return
        self.analysis = a
        self.source = name or Path(str(getattr(log, "path", "") or "your log")).name
        self.unit = plan.unit if plan is not None else log.unit
        note = ("" if plan is not None else " Compliance needs the plan you followed: choose "
                "it under “Compare with” on the Log tab.")
        self.status.value = ok_box(f"{self.source}: {a.summary.get('sets_logged', 0):,} sets "
                                   f"on {a.summary.get('days_logged', 0):,} days." + note)
        self.facts.value = self._facts(a)
        figs = analysis_figures(a, self.unit, headed=True)
        self.figures = {k: Chart(f) for k, f in figs.items()}
        items = []
        for name, fig in self.figures.items():
            items += [w.HTML(f"<h3 class='planner-group'>{html.escape(TITLES[name])}</h3>"
                             f"<p class='planner-caption'>{html.escape(CAPTIONS[name])}</p>"),
                      fig]
        if not self.figures:
            items = [w.HTML("<p>Nothing to draw: the log holds no sets with a date.</p>")]
        self.charts.children = items
        self.tables.value = self._tables(a)
        self.download.disabled = False

    def _facts(self, a) -> str:
        facts = headline_facts(a, self.unit)
        s = a.summary
        cells = "".join(f"<div><b>{html.escape(v)}</b>{html.escape(k)}</div>" for k, v in facts)
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in s.get("notes", []))
        return f"<div class='planner-facts'>{cells}</div>{notes}"

    def _tables(self, a) -> str:
        parts = []
        if a.weeks is not None and len(a.weeks):
            t = a.weeks[["week", "exercise", "sets_planned", "sets_done", "completion"]].copy()
            t["completion"] = [f"{100 * c:.0f} %" if c == c else "to come"
                               for c in t["completion"].astype(float)]
            t["exercise"] = t["exercise"].astype(str).str.replace("_", " ")
            parts.append("<h3 class='planner-group'>Compliance per week</h3>" + table_html(
                t.rename(columns={"sets_planned": "sets planned", "sets_done": "sets done"})))
        if len(a.pain_weeks):
            t = a.pain_weeks[["week_start", "status", "reasons"]].rename(
                columns={"week_start": "week of"})
            parts.append("<h3 class='planner-group'>Pain rules, week by week</h3>"
                         + table_html(t))
        return "".join(parts)

    def report_file(self) -> tuple[str, bytes]:
        """The analysis as one HTML page: (file name, bytes)."""
        if self.analysis is None:
            raise ValueError("there is no analysis yet: bring in a log on the Log tab")
        return (f"training-report-{name_part(self.source)}-{date.today():%Y-%m-%d}.html",
                report_html(self.analysis, title=f"Training log report: {self.source}",
                            unit=self.unit).encode("utf-8"))

    def _failed(self, exc: Exception) -> None:
        self.file_message.value = error_box(f"The report could not be made: {exc}")


class NextPanel(w.VBox):
    """The next block from the log (and the plan it followed), with its files."""

    def __init__(self) -> None:
        self.plan: Plan | None = None
        self.source = ""
        self.zone: BrowserZone | None = None  # the page's zone for the calendar (the app's)
        self.inputs: tuple | None = None  # the log and plan it was last built from
        self.status = w.HTML(note_box("No log yet: bring one in on the Log tab."))
        self.table = w.HTML()
        self.table.add_class("planner-table")
        self.file_message = w.HTML()
        self.downloads = {
            kind: DownloadButton(label, make=lambda k=kind: self.file(k), mime=mime,
                                 tooltip=f"Download the next block as {what}", disabled=True,
                                 on_error=self._failed)
            for kind, label, mime, what in (
                ("csv", "Next block (CSV)", "text/csv", "a spreadsheet (CSV)"),
                ("ics", "Calendar (.ics)", "text/calendar", "calendar events"),
                ("sheet", "Printable sheet", "text/html", "a sheet to print"),
                ("liftosaur", "Liftosaur program", "text/plain", "a Liftosaur program"),
                ("garmin", "Garmin workouts (.zip)", "application/zip", "Garmin workout files"),
                ("hevy", "Hevy routines (.json)", "application/json", "Hevy routines"))}
        files = w.HBox(list(self.downloads.values()), layout=w.Layout(flex_flow="row wrap"))
        files.add_class(FILES)
        super().__init__([w.HTML("<h2>Your next block</h2><p class='planner-help'>The deadlift "
                                 "goes on from your last session of working sets (sets of at "
                                 "least your lowest reps, not warm-ups; missed sessions are "
                                 "repeated); when the last week broke the pain rules the load "
                                 "is held.</p>"), self.status,
                          files, self.file_message, self.table])
        self.add_class("planner-next")

    def clear(self, name: str) -> None:
        """Forget the last next block while ``name`` is read."""
        self.plan = None
        for b in self.downloads.values():
            b.disabled = True
        self.table.value = ""
        self.file_message.value = ""
        self.status.value = note_box(f"Reading {name}: its next block shows here once it is "
                                     "read.")

    def set_inputs(self, log, plan: Plan | None, settings: PlanConfig | None = None) -> None:
        """Build the next block from ``log`` and ``plan`` (None: from the log alone, with
        ``settings``: the bar, plates, days and unit the person chose)."""
        sample = str(getattr(log, "path", "")).endswith("sample_log.csv")
        self.source = Path(str(getattr(log, "path", "") or "your log")).name
        self.inputs = (log, plan)
        nxt, reason = next_block_or_reason(plan, log, None if sample else date.today(),
                                           settings)
        if nxt is None:
            self.plan = None
            for b in self.downloads.values():
                b.disabled = True
            self.table.value = ""
            self.status.value = error_box(reason)
            return
        self.plan = nxt
        first, last = nxt.table["date"].min(), nxt.table["date"].max()
        n = nxt.table["week"].nunique()
        hold = nxt.config.deadlift_hold
        # A hold (a stop rule, a red flag, pain outside the rules) comes first, in red: it
        # is what to do before any of the block.
        self.status.value = (error_box(f"The deadlift is held: {hold}") if hold else "") \
            + ok_box(f"From {self.source}: {n} weeks from {day_text(first)} to "
                     f"{day_text(last)}.") \
            + "".join(note_box(note) for note in nxt.notes
                      if not (hold and note.endswith(hold)))
        self.table.value = table_html(weekly_overview(nxt))
        for b in self.downloads.values():
            b.disabled = False

    def file(self, kind: str) -> tuple[str, bytes]:
        if self.plan is None:
            raise ValueError("there is no next block yet: bring in a log on the Log tab")
        start = self.plan.table["date"].min()
        return plan_files(self.plan, kind,
                          f"next-block-{name_part(self.source)}-{start:%Y-%m-%d}",
                          tz=self.zone.checked() if self.zone is not None else None)

    def _failed(self, exc: Exception) -> None:
        self.file_message.value = error_box(f"The file could not be made: {exc}")
