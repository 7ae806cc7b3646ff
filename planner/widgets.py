"""The planner app: controls for the plan, live charts, the week's sessions, export.

``PlannerApp`` wires ipywidgets to the core (PlanConfig, generate, export) and
to plotly FigureWidgets that are built once and then updated in place. It holds
no training logic of its own.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import ipywidgets as w
import plotly.graph_objects as go

from planner.catalogue import standard_plates
from planner.config import WEEKDAYS, ConfigError, PlanConfig, next_monday
from planner.export import write_plan_csv, write_plan_ics
from planner.overview import week_sheet
from planner.plots import plan_figures, update_figure
from planner.programme import Plan, generate
from planner.safewrite import write_first_free
from planner.sheet import write_sheet
from planner.units import KG_PER_LB

TITLES = {"load": "Weekly load", "deadlift": "Deadlift progression",
          "bodyweight": "Bridges & stretch", "calendar": "Calendar"}
DELOADS = {"none": None, "every 3rd week": 3, "every 4th week": 4, "every 5th week": 5,
           "every 6th week": 6}
STYLE = """
<style>
.planner-app { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; }
.planner-app .planner-head h2 { margin: 4px 0; }
.planner-msg-error { background: #fdecea; border: 1px solid #e0a19a; color: #611a15;
                     padding: 8px 12px; border-radius: 6px; }
.planner-msg-ok { background: #edf7ed; border: 1px solid #a5d6a7; color: #1e4620;
                  padding: 8px 12px; border-radius: 6px; }
.planner-week table { border-collapse: collapse; font-size: 13px; }
.planner-week th, .planner-week td { border-bottom: 1px solid #ddd; padding: 4px 8px;
                                     text-align: left; }
.planner-week th { background: #f5f5f5; }
</style>
"""


# How the configuration's field names read on the page.
LABELS = {"weeks": "Weeks", "training_days": "Training days", "start_date": "Start date",
          "unit": "Unit", "bar": "Bar", "plates": "Plates", "deadlift_start_load": "Start load",
          "rep_range": "Reps per set", "load_step": "Load step", "volume": "Volume",
          "deadlift_sessions_per_week": "Deadlifts a week", "deload_every": "Deload",
          "overrides.glute_bridge": "Bridge sets",
          "overrides.rotational_stretch": "Stretch hold"}


def _label(field: str) -> str:
    if field in LABELS:
        return LABELS[field]
    parent = field.rsplit(".", 1)[0]
    return LABELS.get(parent, field)


def _unique(path: Path, write) -> Path:
    """Write to ``path``, or ``name-2.ext``, ``name-3.ext`` ...: the first name free at the
    moment of writing (each write is exclusive, so two exports never share a name)."""
    return write_first_free(path, write)


def parse_plates(text: str) -> tuple[float, ...]:
    """Plate weights typed by a person: "20, 10, 5, 2.5", "20; 10; 2,5", "20 10 2.5".

    Plates are separated by semicolons, spaces, or commas. A comma inside a
    small fractional plate written the European way is a decimal comma: "2,5"
    is 2.5 and "1,25" is 1.25 (one digit before the comma, a multiple of
    0.25 after it), while "20,10" and "10,5" are two plates each.
    Raises ValueError when a piece is not a number.
    """
    import re

    out: list[float] = []
    for token in re.split(r"[;\s]+|,(?=\s)", text.strip()):
        token = token.strip().strip(",")
        if not token:
            continue
        if re.fullmatch(r"\d,\d{1,2}", token) and float(token.replace(",", ".")) % 0.25 == 0:
            out.append(float(token.replace(",", ".")))
        else:
            out.extend(float(x) for x in token.split(",") if x.strip())
    return tuple(out)


def _fmt(x: float) -> str:
    return f"{x:g}"


class PlannerApp(w.VBox):
    """The interactive planner. Display it in a notebook or serve it with Voila.

    Attributes: ``config`` and ``plan`` (the last valid ones), ``controls`` (dict of
    widgets), ``figures`` (dict of FigureWidgets), ``message`` (HTML widget).
    """

    def __init__(self, config: PlanConfig | None = None, export_dir: str | Path | None = None):
        self.config = config or PlanConfig()
        self.plan: Plan = generate(self.config)
        self.export_dir = Path(export_dir or os.environ.get("PLANNER_EXPORT_DIR")
                               or Path.cwd() / "planner-exports")
        self.controls = self._make_controls(self.config)
        self.message = w.HTML(layout=w.Layout(min_height="10px"))
        self.figures = {name: go.FigureWidget(fig) for name, fig in
                        plan_figures(self.plan).items()}
        self.week_select = w.IntSlider(value=1, min=1, max=self.plan.n_weeks, description="Week",
                                       continuous_update=False)
        self.week_table = w.HTML()
        self.week_table.add_class("planner-week")
        self.export_result = w.HTML()
        self._updating = False
        super().__init__(self._layout())
        self.add_class("planner-app")
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
        wide = {"description_width": "150px"}
        lay = w.Layout(width="360px")
        br, st = c.dose("glute_bridge"), c.dose("rotational_stretch")
        return {
            "weeks": w.IntSlider(c.weeks, min=1, max=52, description="Weeks",
                                 continuous_update=False, style=wide, layout=lay),
            **{f"day_{d}": w.ToggleButton(value=d in c.training_days, description=d.capitalize(),
                                          tooltip=f"train on {d.capitalize()}",
                                          layout=w.Layout(width="44px", padding="0"))
               for d in WEEKDAYS},
            "start_date": w.DatePicker(value=c.start_date, description="Start date", style=wide,
                                       layout=lay),
            "unit": w.ToggleButtons(options=["kg", "lb"], value=c.unit, description="Unit",
                                    style={"description_width": "150px", "button_width": "60px"}),
            "start_load": w.FloatText(c.start_load, description="Start load", style=wide,
                                      layout=lay),
            "rep_range": w.IntRangeSlider(value=c.rep_range, min=1, max=30,
                                          description="Reps per set", continuous_update=False,
                                          style=wide, layout=lay),
            "load_step": w.FloatText(c.load_step or 0.0, description="Load step (0 = smallest)",
                                     style=wide, layout=lay),
            "deadlifts_per_week": w.Dropdown(options=[1, 2, 3],
                                             value=c.deadlift_sessions_per_week,
                                             description="Deadlifts a week", style=wide,
                                             layout=lay),
            "bar": w.FloatText(c.bar, description="Bar", style=wide, layout=lay),
            "plates": w.Text(", ".join(_fmt(p) for p in c.plates), description="Plates (pairs)",
                             style=wide, layout=lay, continuous_update=False),
            "volume": w.FloatSlider(c.volume, min=0.5, max=2.0, step=0.1,
                                    description="Volume ×", continuous_update=False,
                                    style=wide, layout=lay),
            "deload": w.Dropdown(options=list(DELOADS), description="Deload",
                                 value=next((k for k, v in DELOADS.items()
                                             if v == c.deload_every), "every 4th week"),
                                 style=wide, layout=lay),
            "hold_range": w.IntRangeSlider(value=(int(st["hold_min_s"]), int(st["hold_max_s"])),
                                           min=1, max=60, description="Stretch hold (s)",
                                           continuous_update=False, style=wide, layout=lay),
            "bridge_sets": w.IntRangeSlider(value=(int(br["sets"]), int(br["max_sets"])), min=1,
                                            max=6, description="Bridge sets (start–max)",
                                            continuous_update=False, style=wide, layout=lay),
        }

    def _layout(self) -> list[w.Widget]:
        c = self.controls
        head = w.HTML(STYLE + "<div class='planner-head'><h2>Your lower-back programme</h2>"
                      "<div>Glute bridges, a gentle rotational stretch every day, and barbell "
                      "deadlifts that get heavier step by step. Change anything on the left: "
                      "the charts and the week's sessions follow.</div></div>")
        groups = w.Accordion(children=[
            w.VBox([c["weeks"], c["start_date"],
                    w.HBox([w.Label("Training days", layout=w.Layout(width="150px")),
                            *[c[f"day_{d}"] for d in WEEKDAYS]]),
                    w.HTML("<small>The stretch is on every day; bridges on training days; "
                           "deadlifts on training days with a rest day between them.</small>")]),
            w.VBox([c["unit"], c["start_load"], c["rep_range"], c["load_step"],
                    c["deadlifts_per_week"], c["deload"]]),
            w.VBox([c["bridge_sets"], c["hold_range"], c["volume"]]),
            w.VBox([c["bar"], c["plates"]]),
        ], titles=("Your weeks", "Deadlift", "Bridge & stretch", "Bar & plates"))
        groups.selected_index = 0
        tabs = w.Tab(children=[self.figures[k] for k in TITLES], titles=tuple(TITLES.values()))
        buttons = []
        for kind, label, icon in (("csv", "Plan (CSV)", "table"),
                                  ("ics", "Calendar (.ics)", "calendar"),
                                  ("sheet", "Printable sheet", "print")):
            b = w.Button(description=label, icon=icon, layout=w.Layout(width="170px"))
            b.on_click(lambda _, k=kind: self._export_clicked(k))
            b.add_class(f"planner-export-{kind}")
            buttons.append(b)
        self.export_buttons = buttons
        export = w.VBox([w.HTML("<b>Save your plan</b>"),
                         w.HBox(buttons, layout=w.Layout(flex_flow="row wrap")),
                         self.export_result])
        week = w.VBox([w.HTML("<b>Sessions of one week</b>"), self.week_select, self.week_table])
        left = w.VBox([groups], layout=w.Layout(width="400px", min_width="400px"))
        right = w.VBox([self.message, tabs, week, export], layout=w.Layout(flex="1 1 auto"))
        return [head, w.HBox([left, right])]

    # --- reacting --------------------------------------------------------------------------
    def config_from_controls(self) -> PlanConfig:
        """A PlanConfig from the controls (raises ConfigError with every problem)."""
        c = self.controls
        problems = []
        try:
            plates = parse_plates(c["plates"].value)
        except ValueError:
            problems.append(("plates", f"could not read '{c['plates'].value}'; allowed: plate "
                             "weights separated by commas, e.g. 20, 10, 5, 2.5 (2,5 is read "
                             "as 2.5)"))
            plates = ()
        if problems:
            raise ConfigError(problems)
        bridge_start, bridge_max = c["bridge_sets"].value
        hold_min, hold_max = c["hold_range"].value
        return PlanConfig(
            weeks=c["weeks"].value,
            training_days=tuple(d for d in WEEKDAYS if c[f"day_{d}"].value),
            start_date=c["start_date"].value or next_monday(), unit=c["unit"].value,
            bar=c["bar"].value, plates=plates, deadlift_start_load=c["start_load"].value,
            rep_range=tuple(c["rep_range"].value), load_step=c["load_step"].value or None,
            deadlift_sessions_per_week=c["deadlifts_per_week"].value,
            volume=round(c["volume"].value, 2), deload_every=DELOADS[c["deload"].value],
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
        self.week_select.max = self.plan.n_weeks
        self._show_week()
        self._say_ok()

    def _unit_changed(self, change) -> None:
        """Switching kg <-> lb: the standard bar and plates, the start load converted."""
        new = change["new"]
        bar, plates = standard_plates(new)
        factor = 1 / KG_PER_LB if new == "lb" else KG_PER_LB
        self._updating = True
        try:
            c = self.controls
            c["bar"].value = bar
            c["plates"].value = ", ".join(_fmt(p) for p in plates)
            cfg = PlanConfig(unit=new, weeks=1)
            load = cfg.plate_set.round_down(max(bar, c["start_load"].value * factor))
            c["start_load"].value = load
            c["load_step"].value = 0.0
        finally:
            self._updating = False
        self._changed()

    def _show_week(self) -> None:
        n = min(self.week_select.value, self.plan.n_weeks) + self.plan.table["week"].min() - 1
        table = week_sheet(self.plan, int(n))
        self.week_table.value = table.to_html(index=False, border=0, escape=True)

    def _say_ok(self) -> None:
        c, p = self.config, self.plan
        dl = p.table[p.table["exercise"] == "deadlift"]
        last = dl["load_kg"].max() if len(dl) else None
        last_u = last / (KG_PER_LB if c.unit == "lb" else 1) if last is not None else None
        extra = (f"deadlift from {c.start_load:g} to {last_u:.4g} {c.unit}" if last_u else
                 "no deadlifts")
        self.message.value = (
            f"<div class='planner-msg-ok'>{c.weeks} weeks from "
            f"{c.start_date:%A %d %B %Y}: training on "
            f"{', '.join(d.capitalize() for d in c.training_days)}, deadlifts on "
            f"{', '.join(d.capitalize() for d in (c.deadlift_days or ()))}, the stretch "
            f"every day; {html.escape(extra)}.</div>")

    def _say_error(self, problems: list[tuple[str, str]]) -> None:
        items = "".join(f"<li><b>{html.escape(_label(f))}</b>: {html.escape(m)}</li>"
                        for f, m in problems)
        self.message.value = (f"<div class='planner-msg-error'><b>Please check this setting"
                              f"{'s' if len(problems) > 1 else ''}</b> (the charts still show "
                              f"the last valid plan):<ul>{items}</ul></div>")

    # --- export ----------------------------------------------------------------------------
    def export(self, kind: str, folder: str | Path | None = None) -> Path:
        """Write the current plan as "csv", "ics" or "sheet" into ``folder``; never overwrites."""
        folder = Path(folder or self.export_dir)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = f"plan-{self.config.start_date:%Y-%m-%d}-{self.config.weeks}w"
        if kind == "csv":
            return _unique(folder / f"{stamp}.csv", lambda p: write_plan_csv(self.plan, p))
        if kind == "ics":
            return _unique(folder / f"{stamp}.ics", lambda p: write_plan_ics(self.plan, p))
        if kind == "sheet":
            return _unique(folder / f"{stamp}-sheet.html", lambda p: write_sheet(self.plan, p))
        raise ValueError(f"kind must be one of csv, ics, sheet; got {kind!r}")

    def _export_clicked(self, kind: str) -> None:
        try:
            path = self.export(kind)
        except OSError as exc:
            self.export_result.value = (f"<div class='planner-msg-error'>Could not save: "
                                        f"{html.escape(str(exc))}</div>")
            return
        self.export_result.value = (f"<div class='planner-msg-ok planner-export-done'>Saved "
                                    f"<code>{html.escape(str(path.resolve()))}</code></div>")
