"""The plan's settings as one table: name, type, range, default, label, help.

One row per choice a person makes about a plan. The app builds its controls
from it (:mod:`planner.app.planner_app`), and it is written so that the command line
(one option per row: ``option``) and ``PlanConfig``'s range checks can read
the same rows, so that no control, option or check can disagree with another
about a limit.

``field`` is the :class:`planner.config.PlanConfig` field a row sets; a dotted
field (``overrides.glute_bridge.sets``) is a per-exercise override. Ranges are
inclusive and in the plan's unit for loads. The table holds facts, no logic:
``SETTINGS_TABLE`` is the same rows as a DataFrame for people to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

Kind = Literal["int", "float", "int_range", "float_list", "days", "date", "choice"]


@dataclass(frozen=True)
class Setting:
    """One setting of a plan.

    name : the setting's id in the app and in this table
    field : the PlanConfig field it sets (dotted for an exercise override)
    kind : int, float, int_range (low, high), float_list, days, date or choice
    low, high : the allowed range (inclusive), None where the kind has none
    step : the step of a slider or the smallest meaningful change
    default : the value a new plan starts from (None: derived, see help)
    label : the words on the control (short enough not to be cut)
    help : one sentence under or beside the control, in the user's words
    option : the command-line option
    choices : the allowed values of a choice, with the words shown for each
    unit : "load" for loads in the plan's unit, "s" for seconds, "" otherwise
    scale : the top of a slider's scale where the allowed range runs far beyond the usual
        values (a slider widens itself to a larger value); None: ``high``
    """

    name: str
    field: str
    kind: Kind
    default: Any
    label: str
    help: str
    option: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    choices: tuple[tuple[Any, str], ...] = ()
    unit: str = ""
    scale: float | None = None

    def range_text(self, unit: str = "kg") -> str:
        """The allowed values in words, e.g. "1 to 104" or "kg or lb"."""
        if self.choices:
            words = [w for _, w in self.choices]
            return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]
        if self.low is None:
            return ""
        u = {"load": f" {unit}", "s": " s"}.get(self.unit, "")
        return f"{self.low:g} to {self.high:g}{u}"

    def parse(self, text: str) -> Any:
        """The value a person typed as text, read the one way every control reads it.

        float_list: :func:`parse_plates` ("20 10 5", "20, 10, 2,5"); int_range: "10-15";
        days: "mon,wed,fri"; other kinds come as typed. Raises ValueError naming what was
        expected; the range is checked by ``PlanConfig``, not here.
        """
        text = text.strip()
        if self.kind == "float_list":
            return parse_plates(text)
        if self.kind == "int_range":
            parts = text.split("-")
            if len(parts) != 2:
                raise ValueError(f"expected two whole numbers like 10-15; got {text!r}")
            return int(parts[0]), int(parts[1])
        if self.kind == "days":
            return tuple(d.strip() for d in text.split(",") if d.strip())
        return text


def parse_plates(text: str) -> tuple[float, ...]:
    """Plate weights typed by a person: "20, 10, 5, 2.5", "20; 10; 2,5", "20 10 2.5".

    Plates are separated by semicolons, spaces, or commas. A comma inside a
    small fractional plate written the European way is a decimal comma: "2,5"
    is 2.5 and "1,25" is 1.25 (one digit before the comma, a multiple of
    0.25 after it), while "20,10" and "10,5" are two plates each.
    Raises ValueError when a piece is not a number. The app's plate box and the
    command line's ``--plates`` both read plates with this function.
    """
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


def _ordinal(n: int) -> str:
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n if n < 20 else n % 10, 'th') }"


DELOAD_CHOICES: tuple[tuple[int | None, str], ...] = (
    (None, "none"), *((n, f"every {_ordinal(n)} week") for n in range(2, 13)))

SETTINGS: tuple[Setting, ...] = (
    Setting("weeks", "weeks", "int", 12, "Weeks", "How long the programme runs.",
            "--weeks", 1, 104, 1),
    Setting("training_days", "training_days", "days", ("mon", "wed", "fri"), "Training days",
            "Bridges on every training day, deadlifts on some of them with a rest day "
            "between; the stretch is on every day.", "--days"),
    Setting("start_date", "start_date", "date", None, "Start date",
            "The first day of week 1 (default: the coming Monday).", "--start"),
    Setting("unit", "unit", "choice", "kg", "Unit", "Kilograms or pounds, for every load.",
            "--unit", choices=(("kg", "kg"), ("lb", "lb"))),
    Setting("start_load", "deadlift_start_load", "float", None, "Start load",
            "The first deadlift load; the empty bar when not given.", "--start-load",
            0, 1000, None, unit="load"),
    Setting("rep_range", "rep_range", "int_range", (10, 15), "Reps per set",
            "Double progression: add reps up to the top, then add load and start at the "
            "bottom again.", "--rep-range", 1, 30, 1),
    Setting("load_step", "load_step", "float", None, "Load step",
            "Load added at the top of the range; 0 means the smallest step your plates "
            "allow.", "--load-step", 0, 100, None, unit="load"),
    Setting("deadlifts_per_week", "deadlift_sessions_per_week", "choice", 2, "Deadlifts a week",
            "Deadlift sessions a week, never on two days in a row.", "--deadlifts-per-week",
            choices=((1, "1"), (2, "2"), (3, "3"))),
    Setting("deload", "deload_every", "choice", 4, "Deload",
            "A lighter, shorter week to recover.", "--deload-every", choices=DELOAD_CHOICES),
    Setting("volume", "volume", "float", 1.0, "Volume ×",
            "Multiplies the number of sets (1 = as the programme says).", "--volume",
            0.25, 3.0, 0.05),
    Setting("bridge_sets", "overrides.glute_bridge.sets", "int_range", (2, 3), "Bridge sets",
            "Glute-bridge sets at the start and at most.", "--bridge-sets", 1, 5, 1),
    Setting("stretch_hold", "overrides.rotational_stretch.hold_min_s", "int_range", (5, 10),
            "Stretch hold (s)", "Seconds a stretch hold lasts at the start and at most.",
            "--stretch-hold", 1, 120, 1, unit="s", scale=30),
    Setting("bar", "bar", "float", None, "Bar", "The bar's own weight (20 kg or 45 lb when "
            "not given).", "--bar", 0, 100, None, unit="load"),
    Setting("plates", "plates", "float_list", None, "Plates",
            "The plates you have, one pair of each, separated by commas.", "--plates",
            0, 100, None, unit="load"),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
BY_FIELD: dict[str, Setting] = {s.field: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """The setting called ``name`` (its app name or its PlanConfig field)."""
    if name in BY_NAME:
        return BY_NAME[name]
    if name in BY_FIELD:
        return BY_FIELD[name]
    parent = name.rsplit(".", 1)[0]
    for s in SETTINGS:  # an override field names its exercise's row
        if s.field.rsplit(".", 1)[0] == parent and "." in parent:
            return s
    raise KeyError(f"no setting called {name}; known: {', '.join(BY_NAME)}")


def label_of(field: str) -> str:
    """The words on the control that sets ``field`` (the field itself when none does)."""
    try:
        return setting(field).label
    except KeyError:
        return field.replace("_", " ")


def cli_help(name: str) -> str:
    """The command-line help of setting ``name``: its help and its allowed values."""
    s = setting(name)
    if s.unit == "load":  # loads are checked against the bar and plates, not a range
        return s.help
    allowed = s.range_text()
    return f"{s.help} Allowed: {allowed}." if allowed else s.help


def settings_table():
    """The table as a DataFrame (name, field, type, range, default, label, help, option)."""
    return pd.DataFrame([{"name": s.name, "field": s.field, "type": s.kind,
                          "range": s.range_text(), "default": s.default, "label": s.label,
                          "help": s.help, "option": s.option} for s in SETTINGS])
