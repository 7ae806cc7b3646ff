"""The planner app: plan, log, analysis and next block, in one set of widgets.

``PlannerApp`` is the whole loop as four tabs; ``PlanPanel`` is its first tab:
controls built from :mod:`planner.settings`, plotly FigureWidgets built once
with their data and then updated in place, the week's sessions and browser
downloads. The log, analysis and next-block tabs live in
:mod:`planner.app.panels`. Widgets hold no training logic of their own.
"""

from __future__ import annotations

import html
from datetime import time

import ipywidgets as w
import plotly.graph_objects as go

from planner.app.a11y import FILES, SKIP_LINK, PageA11y
from planner.app.chart_widget import Chart
from planner.app.downloads import BrowserZone, DownloadButton
from planner.app.markup import STYLE, error_box, note_box, ok_box, table_html
from planner.app.panels import AnalysisPanel, LogPanel, NextPanel
from planner.app.steps import Steps
from planner.catalogue import standard_plates
from planner.charts.plan import plan_figures, update_figure
from planner.config import WEEKDAYS, ConfigError, PlanConfig, next_monday
from planner.drawings import exercise_cards_html
from planner.files.bundle import plan_files
from planner.overview import week_sheet
from planner.plan import Plan
from planner.programme import generate
from planner.settings import BY_NAME, Setting, label_of, setting
from planner.units import from_kg, to_kg
from planner.words import day_text

TITLES = {"load": "Weekly load", "deadlift": "Deadlift progression",
          "bodyweight": "Bridges & stretch", "calendar": "Calendar"}
# Where each control sits on the page, so that a message can point at it.
GROUPS = {"Your weeks": ("weeks", "start_date", "training_days"),
          "Deadlift": ("unit", "start_load", "rep_range", "load_step", "deadlifts_per_week",
                       "deload"),
          "Bridge & stretch": ("bridge_sets", "stretch_hold", "volume"),
          "Bar & plates": ("bar", "plates")}
GROUP_OF = {name: group for group, names in GROUPS.items() for name in names}


def _n_weeks(plan: Plan) -> int:
    """How many programme weeks ``plan`` holds (a next block starts after week 1)."""
    return plan.n_weeks


def _fmt(x: float) -> str:
    return f"{x:g}"


def _label(s: Setting, unit: str) -> str:
    """A control's words with its unit: "Start load (kg)", "Stretch hold (s)"."""
    return f"{s.label} ({unit})" if s.unit == "load" else s.label


def _control(s: Setting, value, unit: str = "kg") -> w.Widget:
    """The widget for setting ``s``, from its row in the settings table."""
    common = dict(description=_label(s, unit), tooltip=s.help,
                  style={"description_width": "9.5em"}, layout=w.Layout(width="100%"))
    if s.kind == "int":
        return w.IntSlider(value, min=int(s.low), max=int(s.high), step=int(s.step or 1),
                           continuous_update=False, **common)
    if s.kind == "int_range":
        # The scale fits the usual values, and widens for a larger one.
        top = max(int(s.scale or s.high), int(value[1]))
        return w.IntRangeSlider(value=tuple(value), min=int(s.low), max=top,
                                step=int(s.step or 1), continuous_update=False, **common)
    if s.kind == "float" and s.step:
        return w.FloatSlider(value, min=s.low, max=s.high, step=s.step, readout_format=".2f",
                             continuous_update=False, **common)
    if s.kind == "float":
        return w.BoundedFloatText(value, min=s.low, max=s.high, **common)
    if s.kind == "date":
        return w.DatePicker(value=value, **common)
    if s.kind == "choice":
        return w.Dropdown(options=[(words, v) for v, words in s.choices], value=value, **common)
    if s.kind == "float_list":
        return w.Text(value, continuous_update=False, **common)
    raise ValueError(f"no control for a {s.kind} setting")


def _help_html(text: str) -> str:
    return f"<div class='planner-control-help'>{html.escape(text)}</div>"


def _help(text: str) -> w.HTML:
    """The one line under a control that says what it does."""
    line = w.HTML(_help_html(text))
    line.add_class("planner-control-help-box")
    return line


#: The apps' downloads (kind, label, type, hint), on the Plan step and the Next block step.
APP_DOWNLOADS = (
    ("liftosaur", "Liftosaur program", "text/plain",
     "Download the plan as a Liftosaur program (text to paste into a new program)"),
    ("garmin", "Garmin workouts (.zip)", "application/zip",
     "Download one workout file per session for a Garmin watch"),
    ("hevy", "Hevy routines (.json)", "application/json",
     "Download the sessions as Hevy routines, for Hevy's routine API"))
#: What to do with the apps' files, in a few words (the README says more).
APP_HELP = (
    "<details class='planner-help'><summary>How to use these files</summary><ul>"
    "<li><b>Liftosaur</b>: first create the two custom exercises named at the top of the "
    "file, then start a new program, switch to text mode and paste the file's text.</li>"
    "<li><b>Garmin</b>: unzip, connect the watch by USB and copy the <code>.fit</code> files "
    "into its <code>GARMIN/NewFiles</code> folder; the watch lists them with its workouts."
    "</li><li><b>Hevy</b>: the routines go into your account with Hevy's API (Hevy Pro); "
    "the planner's command line sends them (README, “Train with your app”).</li>"
    "<li>After each session write your back pain in the app's notes as “pain N/10” "
    "(0 none, 10 worst): the planner reads it back from the app's export.</li></ul>"
    "</details>")


class PlanPanel(w.VBox):
    """Plan a programme: controls, live charts, the week's sessions and downloads.

    Attributes: ``config`` and ``plan`` (the last valid ones), ``controls`` (dict of
    widgets by setting name; training days as ``day_mon`` ...), ``figures`` (dict of
    FigureWidgets), ``message`` (HTML), ``downloads`` (dict of DownloadButtons).
    """

    def __init__(self, config: PlanConfig | None = None):
        self.config = config or PlanConfig()
        self.plan: Plan = generate(self.config)
        self.listeners: list = []  # called with the new plan after every change
        self.controls = self._make_controls(self.config)
        self.message = w.HTML()
        self.message.add_class("planner-message")
        # Built with their data: a change made before a browser draws a figure is lost.
        self.figures = {name: Chart(fig) for name, fig in
                        plan_figures(self.plan).items()}
        self.week_select = w.IntSlider(value=1, min=1, max=_n_weeks(self.plan),
                                       description="Week", continuous_update=False,
                                       style={"description_width": "4em"},
                                       layout=w.Layout(width="100%", max_width="26em"))
        self.week_table = w.HTML()
        self.week_table.add_class("planner-table")
        self.ics_time = w.TimePicker(value=time(18, 0), description="Calendar time",
                                     tooltip="The time the calendar events start",
                                     style={"description_width": "initial"})
        # The calendar's times are the browser's own zone (the server may run elsewhere).
        self.zone = BrowserZone()
        self.zone_help = _help(self._zone_words())
        self.zone_help.add_class("planner-zone-help")
        self.zone_help.remove_class("planner-control-help-box")  # not the buttons' help
        self.zone.observe(lambda _: setattr(self.zone_help, "value", _help_html(
            self._zone_words())), names="zone")
        self.file_message = w.HTML()
        self.downloads = {
            kind: DownloadButton(label, make=lambda k=kind: self.file(k), mime=mime,
                                 tooltip=tip, on_error=self._download_failed)
            for kind, label, mime, tip in (
                ("csv", "Plan (CSV)", "text/csv", "Download the plan as a spreadsheet (CSV)"),
                ("ics", "Calendar (.ics)", "text/calendar",
                 "Download the sessions as calendar events"),
                ("sheet", "Printable sheet", "text/html",
                 "Download a sheet to print: one A4 page a week"),
                *APP_DOWNLOADS)}
        self._updating = False
        super().__init__(self._layout())
        self.add_class("planner-plan")
        for c in self.controls.values():
            c.observe(self._changed, names="value")
        for d in WEEKDAYS:  # a chosen day stands out
            day = self.controls[f"day_{d}"]
            day.button_style = "info" if day.value else ""
            day.observe(lambda ch: setattr(ch["owner"], "button_style",
                                           "info" if ch["new"] else ""), names="value")
        self.controls["unit"].observe(self._unit_changed, names="value")
        self.week_select.observe(lambda _: self._show_week(), names="value")
        self._show_week()
        self._say_ok()

    # --- building --------------------------------------------------------------------------
    def _make_controls(self, c: PlanConfig) -> dict[str, w.Widget]:
        br, st = c.dose("glute_bridge"), c.dose("rotational_stretch")
        values = {"weeks": c.weeks, "start_date": c.start_date, "unit": c.unit,
                  "start_load": c.start_load, "rep_range": c.rep_range,
                  "load_step": c.load_step or 0.0,
                  "deadlifts_per_week": c.deadlift_sessions_per_week,
                  "deload": c.deload_every, "volume": c.volume,
                  "bridge_sets": (int(br["sets"]), int(br["max_sets"])),
                  "stretch_hold": (int(st["hold_min_s"]), int(st["hold_max_s"])),
                  "bar": c.bar, "plates": ", ".join(_fmt(p) for p in c.plates)}
        controls = {name: _control(setting(name), v, c.unit) for name, v in values.items()}
        self.help = {name: _help(setting(name).help) for name in values if name != "unit"}
        for d in WEEKDAYS:
            controls[f"day_{d}"] = w.ToggleButton(
                value=d in c.training_days, description=d.capitalize(),
                tooltip=f"Train on {d.capitalize()}", layout=w.Layout(width="3.6em"))
        return controls

    def _layout(self) -> list[w.Widget]:
        c = self.controls
        days = w.HBox([w.Label("Training days", layout=w.Layout(width="9.5em")),
                       w.HBox([c[f"day_{d}"] for d in WEEKDAYS],
                              layout=w.Layout(flex_flow="row wrap"))],
                      layout=w.Layout(flex_flow="row wrap"))
        groups = []
        for title, names in GROUPS.items():
            items = [w.HTML(f"<h3 class='planner-group'>{html.escape(title)}</h3>")]
            for n in names:
                if n == "training_days":
                    items += [days, _help(setting(n).help)]
                else:
                    items += [c[n], self.help[n]] if n in self.help else [c[n]]
            groups.append(w.VBox(items))
        left = w.VBox(groups)
        left.add_class("planner-left")
        tabs = Steps([self.figures[k] for k in TITLES], titles=tuple(TITLES.values()))
        tabs.add_class("planner-charts")
        self.chart_tabs = tabs
        mine = [self.downloads[k] for k in ("csv", "ics", "sheet")]
        apps = [self.downloads[k] for k, *_ in APP_DOWNLOADS]
        files = w.VBox([w.HTML("<h3 class='planner-group'>Download your plan</h3>"),
                        w.HBox(mine + [self.ics_time],
                               layout=w.Layout(flex_flow="row wrap", align_items="center")),
                        self.zone_help, self.zone,
                        w.HTML("<h3 class='planner-group'>Or take it to your training app"
                               "</h3>"),
                        w.HBox(apps, layout=w.Layout(flex_flow="row wrap")),
                        w.HTML(APP_HELP), self.file_message])
        files.add_class(FILES)
        week = w.VBox([w.HTML("<h3 class='planner-group'>Sessions of one week</h3>"),
                       self.week_select, self.week_table])
        right = w.VBox([self.message, tabs, week, files])
        right.add_class("planner-right")
        cols = w.Box([left, right])
        cols.add_class("planner-cols")
        how = w.HTML("<h3 class='planner-group'>How to do the exercises</h3>"
                     + exercise_cards_html())
        how.add_class("planner-how")
        return [cols, how]

    # --- reacting --------------------------------------------------------------------------
    def config_from_controls(self) -> PlanConfig:
        """A PlanConfig from the controls (raises ConfigError with every problem)."""
        c = self.controls
        problems = []
        try:
            plates = setting("plates").parse(c["plates"].value)
        except ValueError:
            problems.append(("plates", f"could not read '{c['plates'].value}'; allowed: plate "
                             "weights separated by commas, e.g. 20, 10, 5, 2.5 (2,5 is read "
                             "as 2.5)"))
            plates = ()
        days = tuple(d for d in WEEKDAYS if c[f"day_{d}"].value)
        if not days:
            problems.append(("training_days", "no day is chosen; choose at least one"))
        if problems:
            raise ConfigError(problems)
        bridge_start, bridge_max = c["bridge_sets"].value
        hold_min, hold_max = c["stretch_hold"].value
        return PlanConfig(
            weeks=c["weeks"].value, training_days=days,
            start_date=c["start_date"].value or next_monday(), unit=c["unit"].value,
            bar=c["bar"].value, plates=plates, deadlift_start_load=c["start_load"].value,
            rep_range=tuple(c["rep_range"].value), load_step=c["load_step"].value or None,
            deadlift_sessions_per_week=c["deadlifts_per_week"].value,
            volume=round(c["volume"].value, 2), deload_every=c["deload"].value,
            overrides={"glute_bridge": {"sets": bridge_start, "max_sets": bridge_max},
                       "rotational_stretch": {"hold_min_s": hold_min, "hold_max_s": hold_max}},
        )

    def _changed(self, _change=None) -> None:
        if self._updating:
            return
        try:
            config = self.config_from_controls()
        except ConfigError as exc:
            self._say_error(exc.problems)
            return
        self.update(config)

    def update(self, config: PlanConfig) -> None:
        """Generate the plan for ``config`` and update every chart in place."""
        self.config = config
        self.plan = generate(config)
        for name, fig in self.figures.items():
            update_figure(fig, name, self.plan)
        self.week_select.max = _n_weeks(self.plan)
        self._show_week()
        self._say_ok()
        for listener in self.listeners:
            listener(self.plan)

    def _unit_changed(self, change) -> None:
        """Switching kg <-> lb: the standard bar and plates, the start load converted."""
        new, old = change["new"], change["old"]
        bar, plates = standard_plates(new)
        self._updating = True
        try:
            c = self.controls
            c["bar"].value = bar
            c["plates"].value = ", ".join(_fmt(p) for p in plates)
            cfg = PlanConfig(unit=new, weeks=1)
            was = c["start_load"].value
            back = getattr(self, "_unit_back", None)
            if back is not None and back[0] == (old, was) and back[1][0] == new:
                load = back[1][1]  # switched straight back: the load the user had
            else:
                kg = to_kg(was, old)
                low, high = cfg.plate_set.nearest(max(bar, from_kg(kg, new)))
                # The nearest loadable load, so that kg -> lb -> kg does not creep down.
                load = low if high is None or from_kg(kg, new) - low <= high - from_kg(
                    kg, new) else high
            self._unit_back = ((new, load), (old, was))
            c["start_load"].value = load
            c["load_step"].value = 0.0
            for name, widget in c.items():
                if name in BY_NAME:
                    widget.description = _label(setting(name), new)
        finally:
            self._updating = False
        self._unit_note = (f"Unit {new}: the bar and plates are now the usual {new} set "
                           f"({_fmt(bar)} {new} bar; plates {', '.join(_fmt(p) for p in plates)})"
                           f" and the start load {_fmt(load)} {new}. If yours differ, set them "
                           "under Bar & plates.")
        self._changed()

    def _show_week(self) -> None:
        n = min(self.week_select.value, _n_weeks(self.plan)) + self.plan.table["week"].min() - 1
        self.week_table.value = table_html(week_sheet(self.plan, int(n)))

    def _say_ok(self) -> None:
        c, p = self.config, self.plan
        for button in self.downloads.values():
            button.disabled = False
        dl = p.table[p.table["exercise"] == "deadlift"]
        last = dl["load_kg"].max() if len(dl) else None
        last_u = from_kg(last, c.unit) if last is not None else None
        extra = (f"deadlift from {c.start_load:g} to {last_u:.4g} {c.unit}" if last_u else
                 "no deadlifts")
        step = c.plate_set.smallest_step(c.start_load)
        self.help["load_step"].value = (
            "<div class='planner-control-help'>Added at the top of the rep range; 0: the "
            f"smallest step your plates allow (now {step:g} {c.unit}).</div>")
        said, self._unit_note = getattr(self, "_unit_note", ""), ""
        self.message.value = (note_box(said) if said else "") + ok_box(
            f"{c.weeks} weeks from {day_text(c.start_date)}: training on "
            f"{', '.join(d.capitalize() for d in c.training_days)}, deadlifts on "
            f"{', '.join(d.capitalize() for d in (c.deadlift_days or ()))}, the stretch "
            f"every day; {extra}.") + "".join(note_box(n) for n in p.notes)

    def _say_error(self, problems: list[tuple[str, str]]) -> None:
        items = []
        for field, msg in problems:
            name = setting(field).name if _known(field) else field
            where = GROUP_OF.get(name)
            place = f" (under <i>{html.escape(where)}</i>)" if where else ""
            items.append(f"<li><b>{html.escape(label_of(field))}</b>{place}: "
                         f"{html.escape(_words(field, msg, self))}</li>")
        self.message.value = error_box(
            f"<b>Please check this setting{'s' if len(problems) > 1 else ''}</b> (the charts "
            f"still show the last plan that worked; the downloads wait until the settings "
            f"make a plan):<ul>{''.join(items)}</ul>", raw=True)
        for button in self.downloads.values():  # no file of a plan the settings do not say
            button.disabled = True

    # --- files -----------------------------------------------------------------------------
    def file(self, kind: str) -> tuple[str, bytes]:
        """The current plan as "csv", "ics" or "sheet": (file name, bytes)."""
        t = self.ics_time.value or time(18, 0)
        return plan_files(self.plan, kind, f"plan-{self.config.start_date:%Y-%m-%d}-"
                          f"{self.config.weeks}w", start_time=f"{t:%H:%M}",
                          tz=self.zone.checked())

    def _zone_words(self) -> str:
        zone = self.zone.checked()
        return (f"The calendar's sessions start at this time in your time zone, {zone}."
                if zone else "The calendar's sessions start at this time in this computer's "
                "time zone.")

    def _download_failed(self, exc: Exception) -> None:
        self.file_message.value = error_box(f"The file could not be made: {exc}")


def _known(field: str) -> bool:
    try:
        setting(field)
    except KeyError:
        return False
    return True


def _words(field: str, msg: str, panel: PlanPanel) -> str:
    """The config's message, said for this page where the page knows better."""
    if field == "deadlift_sessions_per_week" and ("consecutive" in msg
                                                  or "training days" in msg):
        days = [d.capitalize() for d in WEEKDAYS if panel.controls[f"day_{d}"].value]
        n = panel.controls["deadlifts_per_week"].value
        return (f"{n} deadlift sessions a week need training days with a rest day between "
                f"them, and {', '.join(days)} {'does' if len(days) == 1 else 'do'} not allow "
                f"that: choose more training days under Your weeks, or fewer deadlifts a "
                "week here.")
    return msg


class PlannerApp(w.VBox):
    """The whole loop: Plan, Log, Analysis and Next block, one tab each.

    Display it in a notebook or serve it with Voilà. ``plan_panel``, ``log_panel``,
    ``analysis_panel`` and ``next_panel`` are the tabs' contents.
    """

    def __init__(self, config: PlanConfig | None = None, export_dir=None, *,
                 skip_link: bool = True):
        """``export_dir`` is accepted for older callers and not used: files are downloads.
        ``skip_link``: the page's first Tab stop, "Skip to this step's files" (a page that
        holds the app, such as the dashboard, puts its own above everything)."""
        self.plan_panel = PlanPanel(config)
        self.analysis_panel = AnalysisPanel()
        self.next_panel = NextPanel()
        self.log_panel = LogPanel(plan=lambda: self.plan_panel.plan,
                                  on_log=self._log_read, on_clear=self._log_cleared)
        head = w.HTML(STYLE + (SKIP_LINK if skip_link else "")
                      + "<header class='planner-head'><h1>Your lower-back programme</h1>"
                      "<p>Glute bridges, a gentle rotational stretch every day, and barbell "
                      "deadlifts that get heavier step by step. <b>Plan</b> it, bring in your "
                      "<b>log</b>, see the <b>analysis</b>, and get your <b>next block</b>."
                      "</p></header>")
        self.next_panel.zone = self.plan_panel.zone  # one browser, one zone
        self.plan_panel.listeners.append(self._settings_changed)
        self.tabs = Steps([self.plan_panel, self.log_panel, self.analysis_panel,
                           self.next_panel],
                          titles=("1 · Plan", "2 · Log", "3 · Analysis", "4 · Next block"))
        self.tabs.add_class("planner-steps")
        super().__init__([head, self.tabs, PageA11y()])
        self.add_class("planner-app")

    # Short names for the plan tab's parts (notebooks and tests use them).
    @property
    def controls(self) -> dict[str, w.Widget]:
        return self.plan_panel.controls

    @property
    def figures(self) -> dict[str, go.FigureWidget]:
        return self.plan_panel.figures

    @property
    def plan(self) -> Plan:
        return self.plan_panel.plan

    @property
    def config(self) -> PlanConfig:
        return self.plan_panel.config

    @property
    def message(self) -> w.HTML:
        return self.plan_panel.message

    def _log_cleared(self, name: str) -> None:
        self.analysis_panel.clear(name)
        self.next_panel.clear(name)

    def _log_read(self, log, plan: Plan | None) -> None:
        self.analysis_panel.show(log, plan)
        self.next_panel.set_inputs(log, plan, self.plan_panel.config)

    def _settings_changed(self, _plan: Plan) -> None:
        """A log read with no plan makes its next block with the Plan step's settings (bar,
        plates, days, unit): when they change, so does the block."""
        if self.next_panel.inputs is not None and self.next_panel.inputs[1] is None:
            self.next_panel.set_inputs(*self.next_panel.inputs, self.plan_panel.config)
