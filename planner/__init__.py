"""planner: plan, track and analyse a lower-back training programme.

The public API::

    PlanConfig, ConfigError        the validated plan configuration
    generate(config) -> Plan       one row per prescribed set (Plan.table)
    read_plan(path) -> Plan        a plan CSV read back
    read_log(path, unit=None)      a workout log (our template, Strong, Hevy, FitNotes)
    read_roster(path)              a coach's athletes: a folder per athlete or a roster CSV
    ingest(roster, store)          every athlete's plans and logs into a Delta Lake store
    cohort(store, scheduler=None)  one row per athlete, embedded (DuckDB) or on Dask
    analyse(log, plan=None)        compliance, progression, load and pain
    next_block(plan, log) -> Plan  the next weeks from what was actually done
    metrics                        e1RM, volume load, ACWR, monotony, CTL/ATL/TSB ...

The core never imports plotly, ipywidgets or Jupyter; the log readers and the
analysis are loaded on first use so that ``import planner`` stays quick.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from planner.catalogue import EXERCISE_IDS, catalogue, exercise
from planner.config import ConfigError, PlanConfig
from planner.files.plan_csv import PlanFormatError, read_plan
from planner.plan import PLAN_COLUMNS, Plan
from planner.plates import PlateSet
from planner.programme import generate
from planner.version import __version__ as __version__

_LAZY = {
    "metrics": ("planner.metrics", None),
    "read_log": ("planner.logs", "read_log"),
    "Log": ("planner.logs", "Log"),
    "LogFormatError": ("planner.logs", "LogFormatError"),
    "write_log_template": ("planner.logs", "write_log_template"),
    "analyse": ("planner.analysis", "analyse"),
    "next_block": ("planner.nextblock", "next_block"),
    "read_roster": ("planner.clinic.roster", "read_roster"),
    "Roster": ("planner.clinic.roster", "Roster"),
    "ingest": ("planner.clinic.store", "ingest"),
    "open_store": ("planner.clinic.store", "open_store"),
    "cohort": ("planner.clinic.cohort", "cohort"),
}

__all__ = [
    "EXERCISE_IDS", "PLAN_COLUMNS", "ConfigError", "Log", "LogFormatError", "Plan",
    "PlanConfig", "PlanFormatError", "PlateSet", "analyse", "catalogue", "exercise",
    "generate", "metrics", "next_block", "read_log", "read_plan", "write_log_template",
    "Roster", "cohort", "ingest", "open_store", "read_roster",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        mod = import_module(module)
        value = mod if attr is None else getattr(mod, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'planner' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from planner import metrics  # noqa: F401
    from planner.analysis import analyse  # noqa: F401
    from planner.clinic.cohort import cohort  # noqa: F401
    from planner.clinic.roster import Roster, read_roster  # noqa: F401
    from planner.clinic.store import ingest, open_store  # noqa: F401
    from planner.logs import Log, LogFormatError, read_log, write_log_template  # noqa: F401
    from planner.nextblock import next_block  # noqa: F401
