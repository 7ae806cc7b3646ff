"""The command line: ``planner plan``, ``planner show`` and the log commands.

A thin shell over the package: every option maps to a PlanConfig field or a
function argument, and errors are printed as one clear message, not a
traceback.
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

import pandas as pd
import typer

from planner.analysis import analyse, findings
from planner.clinic.cohort import cohort
from planner.clinic.roster import RosterError, shown
from planner.clinic.store import (
    LOCK_WAIT_S,
    WHAT_TO_DO,
    IngestError,
    StoreError,
    check_store,
    ingest,
    vacuum_store,
)
from planner.config import MAX_WEEKS, MIN_START, ConfigError, PlanConfig, max_start
from planner.files.calendar import calendar_zone, write_plan_ics
from planner.files.cells import neutralise_frame
from planner.files.garmin import write_garmin
from planner.files.hevy import (
    BASE_URL,
    ENV_KEY,
    HevyError,
    api_key_from_env,
    hevy_json,
    hevy_routines,
    send_routines,
)
from planner.files.liftosaur import write_liftosaur
from planner.files.plan_csv import PlanFormatError, read_plan
from planner.files.report import write_report
from planner.files.safe_read import UnreadableFileError, read_regular
from planner.files.safewrite import (
    OutputError,
    OutputExistsError,
    check_target,
    write_atomic,
    write_file,
)
from planner.logs import LogFormatError, parse_aliases, read_log, write_log_template
from planner.nextblock import next_block
from planner.overview import week_sheet, weekly_overview
from planner.plan import PLAN_DATES
from planner.programme import generate
from planner.settings import cli_help, setting

app = typer.Typer(
    help="Plan, track and analyse a lower-back training programme "
         "(glute bridges, a rotational stretch and the barbell deadlift).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def cli_option(name: str, *flags: str):
    """A typer option for setting ``name``: its flag from the settings table and its help."""
    return typer.Option(*(flags or (setting(name).option,)), help=cli_help(name))


T = TypeVar("T")

# The option of ``planner plan`` that sets each PlanConfig field, for error messages.
FIELD_OPTIONS = {
    "weeks": "--weeks", "training_days": "--days", "start_date": "--start", "unit": "--unit",
    "bar": "--bar", "plates": "--plates", "deadlift_start_load": "--start-load",
    "one_rm": "--one-rm", "rep_range": "--rep-range", "load_step": "--load-step",
    "deadlift_progression": "--progression", "deadlift_sessions_per_week":
    "--deadlifts-per-week", "deadlift_days": "--days", "volume": "--volume",
    "deload_every": "--deload-every",
}


def _fail(message: str) -> None:
    for line in message.splitlines() or [""]:
        typer.secho(f"error: {line}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


def _config_problems(exc, options: dict[str, str] = FIELD_OPTIONS) -> str:
    """A ConfigError as one line per problem, each led by the option that fixes it."""
    return "\n".join(f"{options.get(name, name)}: {msg}" for name, msg in exc.problems)


def _write(option: str, write: Callable[[], T]) -> T:
    """Run a write; turn every way it can fail into one clear line naming the option."""

    try:
        return write()
    except OutputExistsError as exc:
        reason = exc.reason.replace("pass overwrite=True to replace it",
                                    "add --force to replace it").replace(
            "pass overwrite=True to replace them", "add --force to replace them")
        _fail(f"{option}: {exc.path}: {reason}" + ("" if "--force" in reason else
                                                    "; or choose another name"))
    except OutputError as exc:
        _fail(f"{option}: {exc}")
    except OSError as exc:
        _fail(f"{option}: cannot write {exc.filename or ''}: {exc.strerror or exc}")
    raise AssertionError("unreachable")  # pragma: no cover


def _parsed(name: str, text: str, example: str) -> Any:
    """``text`` read as setting ``name`` by the settings table's own parser (the app's too)."""
    try:
        return setting(name).parse(text)
    except ValueError:
        _fail(f"{setting(name).option}: expected {example}; got '{text}'")


def _day(option: str, text: str, lo: date, hi: date, what: str) -> date:
    """``text`` as a day from ``lo`` to ``hi`` (``what`` says what they bound), or stop."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        given = text if len(text) <= 40 else text[:37] + "..."
        _fail(f"{option}: got {given!r}; expected a date like 2026-01-05")
    if not lo <= day <= hi:
        _fail(f"{option}: {day.isoformat()} is outside {what}; expected a date from "
              f"{lo.isoformat()} to {hi.isoformat()}")
    return day


def _check_outputs(force: bool, *outputs: tuple[str, Path | None]) -> None:
    """Stop now if an output (option, path) cannot be written: a folder, a device or pipe,
    a missing folder, a file that exists without --force. Checked before the work, so the
    message does not come after minutes of it, nor after another output was written; the
    write checks again (atomically) when it happens."""
    for option, path in outputs:
        if path is not None:
            _write(option, lambda p=path: check_target(p, overwrite=force))


#: The help of ``--tz``, the calendar's time zone.
TZ_HELP = ("The calendar's time zone, an IANA name such as Europe/Berlin or America/New_York "
           "(default: this computer's zone; UTC when it cannot be told).")


def _zone(tz: str | None) -> str:
    """The calendar's zone: ``--tz`` checked, or this computer's (a note when it cannot be
    told and UTC is used); one clear line for a zone that does not exist."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            zone = calendar_zone(tz)
        except ValueError as exc:
            _fail(f"--tz: {exc}")
    for w in caught:
        typer.echo(f"note: {w.message}", err=True)
    return zone


def _write_calendar(plan, ics: Path, zone: str, force: bool) -> None:
    """Write the calendar of ``plan`` to ``ics`` in ``zone`` and say where and in which zone."""
    path = _write("--ics", lambda: write_plan_ics(plan, ics, overwrite=force, tz=zone))
    typer.echo(f"wrote {path} (times in {zone})")


def print_summary(plan) -> None:
    """Print the plan's weekly overview and what the user should know about it."""

    typer.echo(weekly_overview(plan).to_string(index=False))
    for note in plan.notes:
        typer.echo(f"- {note}")


@app.command("plan")
def plan_cmd(
    weeks: Annotated[int, cli_option("weeks")] = setting("weeks").default,
    days: Annotated[str, cli_option("training_days")] = ",".join(
        setting("training_days").default),
    start: Annotated[str | None, cli_option("start_date")] = None,
    unit: Annotated[str, cli_option("unit")] = setting("unit").default,
    start_load: Annotated[float | None, cli_option("start_load")] = None,
    one_rm: Annotated[float | None, typer.Option(
        "--one-rm", help="A tested or estimated deadlift 1RM: the start load comes from it "
                         "unless --start-load is given, and no set goes above the NSCA %1RM "
                         "for its reps of it (the plan's ceiling).")]
        = None,
    rep_range: Annotated[str, cli_option("rep_range")] = "-".join(
        str(r) for r in setting("rep_range").default),
    load_step: Annotated[float | None, cli_option("load_step")] = None,
    progression: Annotated[str, typer.Option(help="Deadlift progression: double or linear.")]
        = "double",
    deadlifts_per_week: Annotated[int, cli_option("deadlifts_per_week")]
        = setting("deadlifts_per_week").default,
    bar: Annotated[float | None, cli_option("bar")] = None,
    plates: Annotated[str | None, cli_option("plates")] = None,
    volume: Annotated[float, cli_option("volume")] = setting("volume").default,
    deload_every: Annotated[int, typer.Option(
        "--deload-every", help=setting("deload").help + " Every Nth week, 2 to 12; 0 for "
        "none.")] = setting("deload").default,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write the plan as CSV here.")] = None,
    ics: Annotated[Path | None, typer.Option(help="Write a calendar (.ics) here.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help=TZ_HELP)] = None,
    force: Annotated[bool, typer.Option(help="Replace files that already exist.")] = False,
) -> None:
    """Generate a programme, print its weekly overview and write CSV and/or calendar files.

    Example: planner plan --weeks 12 --start-load 40 -o plan.csv --ics plan.ics
    """
    zone = _zone(tz) if ics or tz else ""
    try:
        config = PlanConfig(
            weeks=weeks, training_days=setting("training_days").parse(days),
            start_date=date.fromisoformat(start) if start else None, unit=unit.lower(),
            bar=bar, deadlift_start_load=start_load, one_rm=one_rm, load_step=load_step,
            plates=None if plates is None else _parsed(
                "plates", plates, "plate weights like 25, 20, 10, 5, 2.5 (2,5 is 2.5)"),
            rep_range=_parsed("rep_range", rep_range, "two whole numbers like 10-15"),
            deadlift_progression=progression, deadlift_sessions_per_week=deadlifts_per_week,
            volume=volume, deload_every=deload_every or None,
        )
    except ConfigError as exc:
        _fail(_config_problems(exc))
    except ValueError:
        _fail(f"--start: got {start!r}; expected a date like 2026-01-05")
    if config.start_date < date.today():
        typer.echo(f"note: --start {config.start_date} is in the past; the plan starts "
                   "then, as asked.", err=True)
    try:
        plan = generate(config)
    except ValueError as exc:
        _fail(f"cannot build this plan: {exc}")
    print_summary(plan)
    if output:
        typer.echo(f"wrote {_write('-o/--output', lambda: plan.to_csv(output, overwrite=force))}")
    if ics:
        _write_calendar(plan, ics, zone, force)


@app.command("show")
def show_cmd(
    path: Annotated[Path, typer.Argument(help="A plan CSV written by 'planner plan'.")],
    week: Annotated[int | None, typer.Option(help="Also list every set of this week.")] = None,
) -> None:
    """Print the weekly overview of a plan CSV (and the sets of one week)."""
    plan = _read_plan_or_fail(path)
    if week is not None and week not in set(plan.table["week"]):
        weeks = plan.table["week"]
        _fail(f"--week {week}: {path} has no week {week}; its weeks are {weeks.min()} to "
              f"{weeks.max()}")
    print_summary(plan)
    if week is not None:

        typer.echo("")
        typer.echo(week_sheet(plan, week).to_string(index=False))


def _read_plan_or_fail(path: Path):
    if not path.exists():
        _fail(f"{path}: no such file")
    if path.is_dir():
        _fail(f"{path}: is a folder; give the plan CSV file")
    try:
        plan = read_plan(path)
    except PlanFormatError as exc:
        _fail(str(exc))
    if plan.settings_source == "table":
        typer.echo(f"{path}: settings inferred from the table:", err=True)
        for note in plan.settings_notes:
            typer.echo(f"  - {note}", err=True)
    return plan


ALIAS_HELP = ("Read an exercise name as one of the planner's exercises, e.g. "
              "--alias 'Deadlift Old Data=deadlift'; repeatable.")


def _read_log_or_fail(path: Path, unit: str | None, alias: list[str] | None = None):
    if not path.exists():
        _fail(f"{path}: no such file")
    if path.is_dir():
        _fail(f"{path}: is a folder; give the log file")
    try:
        aliases = parse_aliases(alias)
    except ValueError as exc:
        _fail(str(exc))
    try:
        log = read_log(path, unit=unit, aliases=aliases)
    except LogFormatError as exc:
        _fail(str(exc))
    rep = log.report
    told = rep[rep["action"] != "skipped"] if len(rep) else rep
    typer.echo(f"{path}: {log.source_format} log: {log.rows_read} rows read = "
               f"{log.rows_imported} imported + {log.rows_rejected} rejected + "
               f"{log.rows_skipped} skipped (not sets, or left empty); {len(told)} report "
               "row(s)")
    for note in log.notes:
        typer.echo(f"  {note}")
    for problem, n in (told.groupby("problem", sort=False).size().head(8).items()
                       if len(told) else []):
        typer.echo(f"  - {problem}" + (f" ({n} rows)" if n > 1 else ""))
    return log


def _read_logs_or_fail(paths: list[Path], unit: str | None, alias: list[str] | None = None
                       ) -> list:
    """Every log given, each read (and its import summarised) or the command stopped."""
    seen = set()
    for p in paths:
        if p.resolve() in seen:
            _fail(f"{p}: given twice")
        seen.add(p.resolve())
    return [_read_log_or_fail(p, unit, alias) for p in paths]


@app.command("log-template")
def log_template_cmd(
    plan_path: Annotated[Path, typer.Argument(metavar="PLAN", help="A plan CSV.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the log.")],
    force: Annotated[bool, typer.Option(help="Replace a file that already exists.")] = False,
) -> None:
    """Write a log template: the plan's sets with empty columns for what you did.

    Fill in done_reps (or done_hold_s), the load if it differed, RPE and pain
    (0-10), then read it back with 'planner analyse'.
    """

    _check_outputs(force, ("-o/--output", output))
    plan = _read_plan_or_fail(plan_path)
    path = _write("-o/--output", lambda: write_log_template(plan.table, output, unit=plan.unit,
                                                            overwrite=force))
    typer.echo(f"wrote {path}")


@app.command("analyse")
def analyse_cmd(
    log_paths: Annotated[list[Path], typer.Argument(metavar="LOG...", help=(
        "One log or several (one file a block, or monthly exports: a set found in several "
        "counts once): our template, or Strong, Hevy or FitNotes CSV exports."))],
    plan_path: Annotated[Path | None, typer.Option("--plan", help=(
        "The plan the log followed, for compliance."))] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the CSV tables and report.html.")]
        = Path("analysis"),
    unit: Annotated[str | None, typer.Option(help=(
        "kg or lb, for logs that do not say which they use."))] = None,
    force: Annotated[bool, typer.Option(help="Replace files that already exist.")] = False,
    alias: Annotated[list[str] | None, typer.Option(help=ALIAS_HELP)] = None,
) -> None:
    """Analyse a log (against its plan): compliance, progression, load and pain."""

    logs = _read_logs_or_fail(log_paths, unit, alias)
    if sum(log.rows_imported for log in logs) == 0:
        _fail(f"{', '.join(map(str, log_paths))}: no performed set in the log yet; fill in "
              "done_reps (or done_hold_s for the stretch) for the sets you did, then analyse "
              "it again")
    plan = _read_plan_or_fail(plan_path) if plan_path else None
    result = analyse(logs, plan)
    shown_unit = plan.unit if plan is not None else logs[0].unit
    reports = pd.concat([log.report for log in logs], ignore_index=True)
    paths = _write("--out", lambda: write_report(result, out, overwrite=force,
                                                 import_report=reports, unit=shown_unit))

    for line in findings(result):
        typer.echo(line)
    for p in paths:
        typer.echo(f"wrote {p}")


@app.command("next-block")
def next_block_cmd(
    plan_path: Annotated[Path, typer.Argument(metavar="PLAN", help="The plan that was followed.")],
    log_paths: Annotated[list[Path], typer.Argument(metavar="LOG...", help=(
        "What was actually done: one log, or the whole history in several files (one a "
        "block, or monthly exports: a set found in several counts once)."))],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the new plan.")],
    weeks: Annotated[int | None, typer.Option(
        help="Length of the new block in weeks (1-104; default: as long as the plan).")]
        = None,
    pain_action: Annotated[str, typer.Option(
        "--pain-action", help="hold or reduce the deadlift when pain broke the rules.")]
        = "hold",
    unit: Annotated[str | None, typer.Option(help="kg or lb, for logs that do not say.")]
        = None,
    ics: Annotated[Path | None, typer.Option(help="Also write a calendar here.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help=TZ_HELP)] = None,
    force: Annotated[bool, typer.Option(help="Replace files that already exist.")] = False,
    alias: Annotated[list[str] | None, typer.Option(help=ALIAS_HELP)] = None,
    today: Annotated[str | None, typer.Option(
        help="The earliest day the block may start, YYYY-MM-DD (default: today); a log "
             "that ended long before it means a layoff.")] = None,
) -> None:
    """Build the next weeks from what was actually done and how the back responded."""

    if weeks is not None and not 1 <= weeks <= MAX_WEEKS:
        _fail(f"--weeks: got {weeks}; allowed: a whole number from 1 to {MAX_WEEKS}, or leave "
              "it out for a block as long as the plan")
    # The block starts on --today or later, so --today must be a day a plan may start on
    # (PlanConfig's own range: 1970 to ten years from now). A later day (9999-12-31) once
    # overflowed the date arithmetic into a traceback.
    earliest = _day("--today", today, MIN_START, max_start(),
                    "the days a block can start on") if today else date.today()
    _check_outputs(force, ("-o/--output", output), ("--ics", ics))
    zone = _zone(tz) if ics or tz else ""
    plan = _read_plan_or_fail(plan_path)
    log = _read_logs_or_fail(log_paths, unit, alias)

    try:
        new = next_block(plan, log, weeks=weeks, pain_action=pain_action, today=earliest)
    except ConfigError as exc:
        # The block's start comes from --today (or the log's last day), not from --start.
        _fail(_config_problems(exc, {**FIELD_OPTIONS, "start_date": "--today"}))
    except ValueError as exc:
        _fail(str(exc))
    except OverflowError:  # a net: --today is bounded above, so no date should overflow
        _fail("the new block's dates fall outside the calendar; check --today and the dates "
              "in the plan and the log")
    print_summary(new)
    typer.echo(f"wrote {_write('-o/--output', lambda: new.to_csv(output, overwrite=force))}")
    if ics:
        _write_calendar(new, ics, zone, force)


APPS = ("liftosaur", "garmin", "hevy")
APP_OUTPUTS = {"liftosaur": "the program text, e.g. plan.txt",
               "garmin": "a folder for the workout files, e.g. garmin/",
               "hevy": "the routines as JSON, e.g. routines.json"}


@app.command("export")
def export_cmd(
    plan_path: Annotated[Path, typer.Argument(metavar="PLAN", help="A plan CSV.")],
    to: Annotated[str, typer.Option(
        "--to", help="The app: liftosaur (program text), garmin (a FIT workout file per "
                     "session, for the watch) or hevy (routines for Hevy's API).")],
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Where to write: a file (liftosaur, hevy) or a folder "
                               "(garmin).")] = None,
    weeks: Annotated[str | None, typer.Option(
        help="hevy only: the programme weeks to take, e.g. 1-2 or 3 (default: all; a "
             "routine per session, so 12 weeks are 84 routines).")] = None,
    send: Annotated[bool, typer.Option(
        help="hevy only: create the routines in your Hevy account, one at a time, with the "
             "API key in the environment variable HEVY_API_KEY (never on the command "
             "line).")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="with --send: print what would be sent, send nothing.")] = False,
    force: Annotated[bool, typer.Option(help="Replace files that already exist.")] = False,
    api_url: Annotated[str, typer.Option(hidden=True)] = BASE_URL,
) -> None:
    """Put the plan into the app you train with: Liftosaur, a Garmin watch or Hevy.

    Examples: planner export plan.csv --to liftosaur -o plan.txt;
    planner export plan.csv --to garmin -o garmin/;
    HEVY_API_KEY=... planner export plan.csv --to hevy --weeks 1-2 --send
    """
    to = to.strip().lower()
    if to not in APPS:
        _fail(f"--to: got {to!r}; expected one of {', '.join(APPS)}")
    if (send or dry_run or weeks) and to != "hevy":
        _fail(f"--send, --dry-run and --weeks are for --to hevy; {to} takes the whole plan "
              "(-o)")
    if dry_run and not send:
        _fail("--dry-run goes with --send: it prints what --send would send")
    if output is None and not send:
        _fail(f"-o/--output: where to write {APP_OUTPUTS[to]}")
    if output is not None and to != "garmin":
        _check_outputs(force, ("-o/--output", output))
    plan = _read_plan_or_fail(plan_path)
    if to == "liftosaur":
        path = _write("-o/--output", lambda: write_liftosaur(plan, output, overwrite=force))
        typer.echo(f"wrote {path}")
        return
    if to == "garmin":
        for path in _write("-o/--output", lambda: write_garmin(plan, output, overwrite=force)):
            typer.echo(f"wrote {path}")
        return
    chosen = None if weeks is None else _weeks(weeks, plan)
    routines = hevy_routines(plan, weeks=chosen)
    if output is not None:
        data = hevy_json(routines)
        path = _write("-o/--output", lambda: write_file(output, data, overwrite=force))
        typer.echo(f"wrote {path}")
    if not send:
        return
    try:
        if dry_run:
            send_routines(routines, api_key=os.environ.get(ENV_KEY), dry_run=True,
                          base_url=api_url, echo=typer.echo)
            return
        send_routines(routines, api_key=api_key_from_env(os.environ), base_url=api_url,
                      echo=typer.echo)
    except (HevyError, ValueError) as exc:
        _fail(str(exc))


def _weeks(text: str, plan) -> list[int]:
    """``--weeks`` "3" or "1-2" as the plan's weeks in that span; stop when it holds none."""
    m = re.fullmatch(r"\s*(\d{1,4})\s*(?:-\s*(\d{1,4})\s*)?", text)
    if m is None:
        _fail(f"--weeks: got {text[:40]!r}; expected a week or a span like 1-2")
    lo, hi = int(m[1]), int(m[2] or m[1])
    have = sorted(w for w in set(plan.table["week"]) if lo <= w <= hi)
    if not have:
        weeks = plan.table["week"]
        _fail(f"--weeks: the plan has no week from {lo} to {hi}; its weeks are "
              f"{weeks.min()} to {weeks.max()}")
    return have


def main() -> None:  # pragma: no cover
    app()


# --- many athletes: a store and the cohort ----------------------------------------------------

#: Exit status of an ingest that committed some athletes and held back others.
EXIT_PARTIAL = 3


@app.command("ingest")
def ingest_cmd(
    roster: Annotated[Path, typer.Argument(
        metavar="ROSTER", help="A roster folder (one sub-folder per athlete) or roster CSV.")],
    store: Annotated[Path, typer.Option("--store", help="The store folder (created if new).")],
    unit: Annotated[str | None, typer.Option(help="kg or lb, for logs that do not say.")]
        = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes reading the files (default: one per CPU, up to 8; rosters "
                    "of fewer than 64 athletes are read in one).")] = None,
    wait: Annotated[float, typer.Option(
        min=0, help="Seconds to wait for another ingest into the same store to finish.")]
        = LOCK_WAIT_S,
) -> None:
    """Import every athlete's plans and logs into a store; sets already stored are skipped.

    An athlete whose files cannot be read is held back and listed; the others are
    imported, and the exit status is 3 (partial).
    """

    def waiting(holder: str) -> None:
        typer.echo(f"the store is being written by {holder}; waiting up to {wait:.0f} s",
                   err=True)

    try:
        result = ingest(roster, store, unit=unit, workers=workers, wait=wait,
                        on_wait=waiting)
    except (RosterError, StoreError, LogFormatError, PlanFormatError, IngestError) as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{shown(exc.filename or roster)}: cannot be read ({exc.strerror or exc})")
    f = result.files
    for r in f.itertuples():
        if r.status == "unchanged":
            typer.echo(f"{r.athlete}: {shown(r.file)}: unchanged, already ingested")
        elif r.kind == "plan":
            typer.echo(f"{r.athlete}: {shown(r.file)}: plan, {r.imported} planned sets")
        else:
            typer.echo(f"{r.athlete}: {shown(r.file)}: {r.rows_read} rows: {r.imported} "
                       f"imported, {r.already_stored} already stored, {r.rejected} rejected, "
                       f"{r.skipped} skipped; {r.missing} stored sets missing from it")
    logs = f[(f["kind"] == "log") & (f["status"] == "ingested")]
    typer.echo(f"{len(f)} files, {int(logs['imported'].sum())} sets imported"
               + ("" if result.changed else "; the store is unchanged"))
    if result.changed:
        # Today's roster, kept in the store: the coach page then opens at once (a 1,000-
        # athlete cohort takes about 4 s to compute, a kept one 0.2 s to read).
        try:
            cohort(store)
        except (StoreError, OSError) as exc:
            typer.echo(f"note: the roster for the coach page was not prepared: {exc}",
                       err=True)
    if result.partial:
        n = len(result.held_back)
        typer.secho(f"partial ingest: {n} athlete{'s' if n != 1 else ''} held back (their "
                    "files are not in the store; fix them and ingest again):",
                    fg=typer.colors.RED, err=True)
        for h in result.held_back:
            typer.secho(f"  - {shown(h.athlete)}: {h.reason}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=EXIT_PARTIAL)


store_app = typer.Typer(help="Check a store, or tidy what an interrupted ingest left.",
                        no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("check")
def store_check_cmd(
    store: Annotated[Path, typer.Argument(metavar="STORE", help="The store folder.")],
) -> None:
    """Verify a store: its logs, every file and its schema version (exit 2 when damaged)."""
    try:
        health = check_store(store)
    except StoreError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{shown(store)}: cannot be read ({exc.strerror or exc})")
    if not health.ok:
        _fail(f"{shown(store)}: the store is damaged:\n" + "\n".join(
            f"  - {d}" for d in health.damage) + f"\n{WHAT_TO_DO}")
    typer.echo(f"{shown(store)}: the store is sound: its logs, files and schema version "
               "check out")
    if health.leftovers:
        typer.echo(f"{len(health.leftovers)} files left by an interrupted ingest (no reader "
                   f"sees them); 'planner store vacuum {shown(store)}' removes them")
    if health.open_to_others:
        typer.echo(f"{len(health.open_to_others)} files or folders others may read; "
                   f"'planner store vacuum {shown(store)}' makes them private")


@store_app.command("vacuum")
def store_vacuum_cmd(
    store: Annotated[Path, typer.Argument(metavar="STORE", help="The store folder.")],
    wait: Annotated[float, typer.Option(
        min=0, help="Seconds to wait for an ingest into the store to finish.")]
        = LOCK_WAIT_S,
) -> None:
    """Remove the files an interrupted ingest left behind and make every file private."""
    try:
        health = vacuum_store(store, wait=wait)
    except StoreError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{shown(store)}: cannot tidy the store ({exc.strerror or exc})")
    typer.echo(f"{shown(store)}: removed {len(health.leftovers)} files left by an "
               f"interrupted ingest; {len(health.open_to_others)} made private")


#: Seconds to wait for a Dask scheduler to answer. Dask's own default is 30 s to connect
#: (and twice that again to close a client that never connected): a wrong address should
#: be said within seconds, and a scheduler that answers at all answers well within this.
CONNECT_TIMEOUT_S = 5.0
#: A PEM certificate, chain or key is a few kB; a file over this is not one.
MAX_PEM_BYTES = 1_000_000
_ADDRESS_EXAMPLE = "an address like tcp://host:8786 or tls://host:8786"
_HOST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]")


def _scheduler_address(text: str) -> str:
    """``text`` as a Dask scheduler address (``tcp://`` or ``tls://``, a host and a port; a
    bare ``host:port`` is tcp://, as for Dask), checked before any connection is tried."""
    raw = text.strip()
    given = raw if len(raw) <= 60 else raw[:57] + "..."
    full = raw if "://" in raw else f"tcp://{raw}"
    try:
        parts = urlsplit(full)
        port = parts.port  # ValueError: not a whole number from 0 to 65535
    except ValueError:
        port, parts = None, None
    if (parts is None or parts.scheme not in ("tcp", "tls") or port is None
            or not 1 <= port <= 65535 or parts.username is not None
            or parts.password is not None or parts.path not in ("", "/") or parts.query
            or parts.fragment or not _HOST.fullmatch(parts.netloc.rpartition(":")[0])):
        _fail(f"--scheduler: got {given!r}; expected {_ADDRESS_EXAMPLE}")
    return f"{parts.scheme}://{parts.netloc}"


def _tls_security(address: str | None, ca: Path | None, cert: Path | None,
                  key: Path | None):
    """The ``distributed.Security`` for a tls:// scheduler, every file checked and loaded
    first: a missing, unreadable or special file (a pipe would block the load), a file
    that is not PEM and a key with a passphrase (OpenSSL would ask for it on the terminal)
    are each one clear message, not a hang or a traceback."""
    given = {"--tls-ca-file": ca, "--tls-cert": cert, "--tls-key": key}
    named = "/".join(o for o, p in given.items() if p is not None)
    tls = address is not None and address.startswith("tls://")
    if not tls:
        if named:
            _fail(f"{named}: only used with a tls:// scheduler; " + (
                "give --scheduler tls://HOST:PORT" if address is None else
                f"--scheduler {address} does not encrypt (use its tls:// address)"))
        return None
    for option, p in given.items():
        if p is not None:
            try:
                read_regular(p, what="a PEM file", max_bytes=MAX_PEM_BYTES)
            except UnreadableFileError as exc:
                _fail(f"{option}: {exc}")
    missing = [o for o in ("--tls-ca-file", "--tls-cert") if given[o] is None]
    if missing:
        _fail(f"--scheduler {address}: TLS needs {' and '.join(missing)} (the cluster's CA "
              "certificate and this client's certificate, PEM files; the key may be in the "
              "certificate's file or given with --tls-key)")

    def no_passphrase() -> bytes:
        raise ValueError("the key is encrypted")

    try:
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca))
    except (ssl.SSLError, OSError, ValueError):
        _fail(f"--tls-ca-file: {ca}: not a CA certificate in PEM form")
    try:
        ctx.load_cert_chain(str(cert), str(key) if key else None, password=no_passphrase)
    except (ssl.SSLError, OSError, ValueError) as exc:
        why = ("the key has a passphrase; give a key without one" if "encrypted" in str(exc)
               else "not a certificate and its private key in PEM form, or the key does "
                    "not belong to the certificate")
        _fail(f"--tls-cert{'/--tls-key' if key else ''}: {cert}"
              f"{f' and {key}' if key else ''}: {why}")
    # Dask only when a tls:// scheduler is named (0.7 s to import).
    from distributed import Security

    return Security(tls_ca_file=str(ca), tls_client_cert=str(cert),
                    tls_client_key=str(key) if key else None, require_encryption=True)


def _reach_scheduler(address: str, security) -> None:
    """Stop with a message unless a Dask scheduler answers at ``address`` within
    CONNECT_TIMEOUT_S: asked here on a connection of our own, which is closed whatever
    happens. (A Dask Client whose connection failed hangs for twice its timeout when it is
    collected, then prints a traceback.)"""
    from distributed.comm import connect
    from distributed.core import send_recv

    async def identity():
        args = security.get_connection_args("client") if security is not None else {}
        comm = await connect(address, timeout=CONNECT_TIMEOUT_S, **args)
        try:
            return await send_recv(comm, op="identity", n_workers=0)  # counts, no list
        finally:
            comm.abort()

    try:
        reply = asyncio.run(asyncio.wait_for(identity(), 2 * CONNECT_TIMEOUT_S))
    except (OSError, TimeoutError):
        _fail(f"--scheduler: no Dask scheduler answered at {address} within "
              f"{CONNECT_TIMEOUT_S:g} s; check the address and that the scheduler runs")
    except Exception:  # whatever a stranger's answer makes Dask raise (even MemoryError)
        reply = None
    if not (isinstance(reply, dict) and reply.get("type") == "Scheduler"):
        _fail(f"--scheduler: something answered at {address}, but not a Dask scheduler")
    if not reply.get("n_workers"):
        # The work would wait for a worker for ever.
        _fail(f"--scheduler: the Dask scheduler at {address} has no workers; start some "
              f"(dask worker {address}) and run this again")


@app.command("cohort")
def cohort_cmd(
    store: Annotated[Path, typer.Argument(metavar="STORE", help="The store folder.")],
    scheduler: Annotated[str | None, typer.Option(
        help="A Dask scheduler address (tcp://host:8786 or tls://host:8786); "
             "default: run here.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The day to analyse for (YYYY-MM-DD; default today).")] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Also write the per-athlete table to this CSV.")] = None,
    tls_ca_file: Annotated[Path | None, typer.Option(help="CA certificate (PEM) for tls://.")]
        = None,
    tls_cert: Annotated[Path | None, typer.Option(help="Client certificate (PEM).")] = None,
    tls_key: Annotated[Path | None, typer.Option(help="Client private key (PEM).")] = None,
    force: Annotated[bool, typer.Option(help="Replace the output if it exists.")] = False,
) -> None:
    """One row per athlete: last session, compliance, deadlift trend, ACWR, pain, block due."""

    # Every option is checked before the store is read or a scheduler is called: --as-of
    # within the plan calendar (PLAN_DATES, what a plan or log can hold).
    day = _day("--as-of", as_of, *PLAN_DATES, "the dates a plan can hold") if as_of else None
    address = _scheduler_address(scheduler) if scheduler is not None else None
    security = _tls_security(address, tls_ca_file, tls_cert, tls_key)
    _check_outputs(force, ("-o/--output", output))
    if address is not None:
        _reach_scheduler(address, security)
    try:
        if address is None:
            result = cohort(store, as_of=day, scheduler=None, security=None)
        else:
            import dask

            # The Client connects again after the check above: with the same short wait.
            with dask.config.set({"distributed.comm.timeouts.connect":
                                  f"{CONNECT_TIMEOUT_S:g}s"}):
                result = cohort(store, as_of=day, scheduler=address, security=security)
    except StoreError as exc:
        _fail(str(exc))
    except (OSError, TimeoutError) as exc:
        if address is None:
            _fail(f"{shown(store)}: cannot be read ({getattr(exc, 'strerror', None) or exc})")
        _fail(f"--scheduler: could not use {address}: {exc}")
    columns = ["athlete", "last_session", "days_since", "compliance_sessions",
             "compliance_deadlift", "e1rm_trend_kg_per_week", "acwr", "pain_status",
             "latest_pain_status", "latest_pain_weeks_ago", "due_next_block"]
    typer.echo(result.athletes[columns].to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    typer.echo("")
    typer.echo(result.compliance.to_string(index=False))
    p = result.pain.iloc[0]
    typer.echo(f"\npain episodes: {int(p['episodes'])} in {int(p['athlete_weeks'])} "
               "athlete-weeks with "
               "pain data" + (f" ({p['episodes_per_100_athlete_weeks']:.1f} per 100)"
                              if p["athlete_weeks"] else ""))
    if output is not None:

        table = neutralise_frame(result.athletes)  # no spreadsheet formulas from free text
        typer.echo("wrote " + str(_write("-o/--output", lambda: write_atomic(
            output, lambda fh: table.to_csv(fh, index=False), overwrite=force))))
