"""The plan as a Liftosaur program (planner.files.liftosaur).

Two proofs that Liftosaur takes the text: a checker written from Liftosaur's documentation
(``tests/files/liftoscript_check.py``, always run, and shown to reject known-bad texts),
and Liftosaur's own grammar, built with ``@lezer/generator`` at test time from a local
copy of the repository astashov/liftosaur (never copied into this one): set
``LIFTOSAUR_GRAMMAR`` to the file ``src/pages/planner/plannerExercise.grammar`` or
``LIFTOSAUR_MIRROR`` to a checkout or bare git directory of the repository; without one
(or without node and npm) that test is skipped and says why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planner import ConfigError, PlanConfig, generate
from planner.files.app_sessions import PAIN_INSTRUCTION, app_sessions
from planner.files.liftosaur import LIFTOSAUR_NAMES, liftosaur_text, write_liftosaur
from planner.files.safewrite import OutputExistsError
from planner.symptoms import pain_in_notes
from planner.units import from_kg
from tests.conftest import examples
from tests.files.liftoscript_check import check_liftoscript, read_program

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PAIN = (f"// {PAIN_INSTRUCTION} In Liftosaur write it in the notes of an exercise of the "
        "session: the history export keeps exercise notes, not workout notes.")
BRIDGE = "Bodyweight Glute Bridge / 2x15 / 0kg / 60s / warmup: none / progress: none"
STRETCH = ["// Alternate sides: left, right, left, right, one hold per set.",
           "Lying Rotational Stretch / 6x1 0kg 5s|10s / warmup: none / progress: none"]


_PLANS: dict[str, object] = {}


def _plan(**kw):
    """The plan of a configuration, generated once per test run."""
    key = repr(sorted(kw.items()))
    if key not in _PLANS:
        _PLANS[key] = generate(PlanConfig(**kw))
    return _PLANS[key]


def small_plan():
    """Two weeks, deadlift Monday and Thursday from 60 kg, the stretch every day."""
    return _plan(weeks=2, training_days=("mon", "thu"), start_date=date(2026, 12, 7),
                 deadlift_start_load=60, deload_every=None)


def test_week_one_of_a_small_plan_by_hand():
    # Week 1 by hand: the bridge 2x15 with 60 s rest (body weight: 0 kg), the deadlift 3x10
    # at 60 kg on Monday and one rep more (3x11) on Thursday (double progression, reps
    # step 1), the stretch 3 holds of 5 s a side with 10 s rest, every day.
    def day(n, name, lift=None):
        body = ["// Body weight only: no added load.", BRIDGE,
                f"Deadlift / {lift} / 60kg / 120s / warmup: none / progress: none"] if lift else []
        return [PAIN, f"## Day {n} - {name} 2026", *body, *STRETCH]

    expected = ["", "// Build week.", "# Week 1",
                *day(1, "Mon 7 Dec", "3x10"), *day(2, "Tue 8 Dec"), *day(3, "Wed 9 Dec"),
                *day(4, "Thu 10 Dec", "3x11"), *day(5, "Fri 11 Dec"), *day(6, "Sat 12 Dec"),
                *day(7, "Sun 13 Dec")]
    text = liftosaur_text(small_plan())
    lines = text.split("\n")
    assert lines[:4] == [
        "/// Lower-back programme written by planner: every set as the plan prescribes it.",
        "/// Custom exercises to create in Liftosaur first (no equipment): "
        "Bodyweight Glute Bridge, Lying Rotational Stretch",
        "/// Loads are in kg: set Liftosaur's units to kg before importing.",
        f"/// {PAIN_INSTRUCTION}"]
    start = lines.index("# Week 1") - 2
    assert lines[start:lines.index("# Week 2") - 2] == expected
    assert text.endswith("\n") and check_liftoscript(text, unit="kg") == []


def test_pain_instruction_is_shown_every_day_and_reads_as_no_score():
    text = liftosaur_text(small_plan())
    days = [i for i, line in enumerate(text.split("\n")) if line.startswith("## Day")]
    lines = text.split("\n")
    assert all(lines[i - 1] == PAIN for i in days) and len(days) == 14
    notes = pd.Series([line.lstrip("/ ") for line in lines if "pain" in line.lower()])
    assert len(notes) == 15
    assert pain_in_notes(notes)["value"].isna().all()


def _expected_sets(plan):
    """Per session, per exercise: (name, [(reps, hold_s, rest_s, weight)]) from the plan."""
    out = []
    for s in app_sessions(plan):
        out.append([(LIFTOSAUR_NAMES[e.exercise],
                     [(x.reps if x.hold_s is None else 1, x.hold_s, x.rest_s,
                       round(float(from_kg(x.load_kg or 0.0, plan.unit)), 3))
                      for x in e.sets]) for e in s.exercises])
    return out


def _read_sets(text):
    return [[(e.name, [(x.reps, x.hold_s, x.rest_s, x.weight) for x in e.sets])
             for e in d.exercises] for d in read_program(text)]


@st.composite
def configs(draw):
    n_days = draw(st.integers(2, 7))
    days = tuple(sorted(draw(st.sets(st.sampled_from(DAYS), min_size=n_days, max_size=n_days)),
                        key=DAYS.index))
    return dict(weeks=draw(st.integers(1, 16)), training_days=days,
                unit=draw(st.sampled_from(("kg", "lb"))),
                volume=draw(st.sampled_from((0.5, 0.8, 1.0, 1.5))),
                deload_every=draw(st.sampled_from((None, 3, 4, 6))),
                start_date=draw(st.dates(date(2024, 1, 1), date(2030, 12, 31))),
                first_week=draw(st.sampled_from((1, 1, 13))))


@settings(max_examples=examples(25))
@given(configs())
def test_generated_plans_pass_the_checker_and_read_back_as_planned(kw):
    try:
        plan = generate(PlanConfig(**kw))
    except ConfigError:
        assume(False)
    text = liftosaur_text(plan)
    assert check_liftoscript(text, unit=plan.unit) == []
    assert _read_sets(text) == _expected_sets(plan)
    days = read_program(text)
    sessions = app_sessions(plan)
    assert [(d.week, d.title.split(" - ")[1]) for d in days] == [
        (s.week, f"{s.weekday} {s.date.day} {s.date:%b} {s.date.year}") for s in sessions]
    deloads = {s.week for s in sessions if s.deload}
    assert text.count("// Deload week") == len(deloads)


def test_rounded_holds_are_named_and_written_in_whole_seconds():
    plan = _plan(weeks=3, overrides={"rotational_stretch": {"hold_min_s": 5,
                                                            "hold_step_s": 2.5}})
    text = liftosaur_text(plan)
    assert check_liftoscript(text) == []
    notes = [line for line in text.split("\n") if line.startswith("/// Note: holds of")]
    assert notes and all("whole seconds" in n for n in notes)
    assert ".5s" not in text


@pytest.mark.parametrize("bad, expected", [
    ("Deadlift / 3x10 / 60 / 120s / warmup: none", "section '60'"),
    ("Deadlift / 3x10 60kg 7.5s / warmup: none", "'7.5s'"),
    ("Lying Rotational Stretch / 6x1 0kg 7.5s|10s / warmup: none", "'7.5s|10s'"),
    ("Romanian Deadlift / 3x10 / 60kg / 120s / warmup: none", "neither built in"),
    ("Glute Bridge (Body Weight) / 3x10 / 0kg / 60s / warmup: none", "cannot hold"),
    ("Deadlift / 3x10 / 60kg / 120s", "lacks 'warmup: none'"),
    ("Deadlift / 3x10 / 120s / warmup: none", "without a weight"),
    ("Deadlift / 3x10 / 60kg / warmup: none", "without a rest timer"),
    ("Deadlift / 3x10 / 60kg / 120s / warmup: none / used: none", "not expected"),
])
def test_the_checker_rejects_known_bad_lines(bad, expected):
    text = ("/// Custom exercises to create in Liftosaur first: Lying Rotational Stretch\n"
            f"# Week 1\n## Day 1\n{bad}\n")
    problems = check_liftoscript(text)
    assert any(expected in p for p in problems), problems


def test_the_checker_rejects_bad_structure_and_two_progressions():
    two = ("# Week 1\n## Day 1\nDeadlift / 3x10 / 60kg / 120s / warmup: none / progress: "
           "dp(2.5kg, 10, 15)\n# Week 2\n## Day 1\nDeadlift / 3x10 / 60kg / 120s / warmup: "
           "none / progress: dp(5kg, 10, 15)\n")
    assert any("different progressions" in p for p in check_liftoscript(two))
    same = two.replace("dp(5kg", "dp(2.5kg")
    assert check_liftoscript(same) == []
    assert any("before any day" in p for p in check_liftoscript(
        "# Week 1\nDeadlift / 3x10 / 60kg / 120s / warmup: none\n"))
    assert any("a day before any week" in p for p in check_liftoscript(
        "## Day 1\nDeadlift / 3x10 / 60kg / 120s / warmup: none\n"))
    assert any("twice in one day" in p for p in check_liftoscript(
        "# Week 1\n## Day 1\n" + "Deadlift / 3x10 / 60kg / 120s / warmup: none\n" * 2))
    assert any("expected lb" in p for p in check_liftoscript(
        "# Week 1\n## Day 1\nDeadlift / 3x10 / 60kg / 120s / warmup: none\n", unit="lb"))


def test_exercises_without_a_liftosaur_name_are_refused():
    plan = small_plan()
    odd = plan.table.assign(exercise=plan.table["exercise"].replace("deadlift", "squat"))
    with pytest.raises(ValueError, match="no Liftosaur name for the exercise 'squat'"):
        liftosaur_text(type(plan)(odd, unit=plan.unit))


def test_write_never_replaces_a_file_unless_asked(tmp_path):
    path = tmp_path / "programme.liftoscript"
    assert write_liftosaur(small_plan(), path) == path
    assert path.read_text(encoding="utf-8") == liftosaur_text(small_plan())
    path.write_text("mine")
    with pytest.raises(OutputExistsError):
        write_liftosaur(small_plan(), path)
    assert path.read_text() == "mine"
    write_liftosaur(small_plan(), path, overwrite=True)
    assert path.read_text(encoding="utf-8").startswith("///")


# --- Liftosaur's own grammar --------------------------------------------------------------

GRAMMAR_PATH = "src/pages/planner/plannerExercise.grammar"
# Builds the parser from the grammar (argv[2]) and parses each program of a JSON list on
# stdin; prints, per program, its error nodes and the count of some node types.
NODE_SCRIPT = r"""
const {buildParser} = require("@lezer/generator");
const fs = require("fs");
const parser = buildParser(fs.readFileSync(process.argv[2], "utf8"));
const texts = JSON.parse(fs.readFileSync(0, "utf8"));
const out = texts.map((text) => {
  const errors = [], counts = {};
  parser.parse(text).iterate({enter(n) {
    if (n.type.isError) errors.push(text.slice(Math.max(0, n.from - 30), n.to + 30));
    counts[n.type.name] = (counts[n.type.name] || 0) + 1;
  }});
  return {errors, counts};
});
process.stdout.write(JSON.stringify(out));
"""


def _grammar_text() -> str | None:
    if os.environ.get("LIFTOSAUR_GRAMMAR"):
        return Path(os.environ["LIFTOSAUR_GRAMMAR"]).read_text(encoding="utf-8")
    mirror = os.environ.get("LIFTOSAUR_MIRROR")
    if not mirror:
        return None
    if (Path(mirror) / GRAMMAR_PATH).is_file():
        return (Path(mirror) / GRAMMAR_PATH).read_text(encoding="utf-8")
    git = subprocess.run(["git", f"--git-dir={mirror}", "show", f"HEAD:{GRAMMAR_PATH}"],
                         capture_output=True, text=True, timeout=60)
    return git.stdout if git.returncode == 0 else None


@pytest.fixture(scope="module")
def lezer_parse():
    """A function: programs -> per program {errors, counts}, by Liftosaur's grammar."""
    grammar = _grammar_text()
    if grammar is None:
        pytest.skip("Liftosaur's grammar is not here: set LIFTOSAUR_GRAMMAR to "
                    f"{GRAMMAR_PATH} of astashov/liftosaur, or LIFTOSAUR_MIRROR to a copy "
                    "of that repository")
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to build Liftosaur's grammar")
    cache_dir = Path(os.environ.get("LIFTOSAUR_NODE_CACHE")
                     or Path(tempfile.gettempdir()) / "planner-lezer")
    if not (cache_dir / "node_modules" / "@lezer" / "generator").is_dir():
        cache_dir.mkdir(parents=True, exist_ok=True)
        npm = subprocess.run(["npm", "install", "--prefix", str(cache_dir), "--no-audit",
                              "--no-fund", "@lezer/generator@^1.2.3", "@lezer/lr@^1.3.7"],
                             capture_output=True, text=True, timeout=300)
        if npm.returncode != 0:
            pytest.skip(f"npm could not install @lezer/generator: {npm.stderr[-300:]}")
    (cache_dir / "plannerExercise.grammar").write_text(grammar, encoding="utf-8")
    (cache_dir / "parse.js").write_text(NODE_SCRIPT, encoding="utf-8")

    def parse(texts: list[str]) -> list[dict]:
        run = subprocess.run(["node", str(cache_dir / "parse.js"),
                              str(cache_dir / "plannerExercise.grammar")],
                             input=json.dumps(texts), capture_output=True, text=True,
                             timeout=300, cwd=cache_dir)
        assert run.returncode == 0, run.stderr[-2000:]
        return json.loads(run.stdout)

    return parse


REAL_PARSER_PLANS = [
    dict(weeks=2, training_days=("mon", "thu"), start_date=date(2026, 12, 7),
         deadlift_start_load=60, deload_every=None),
    dict(weeks=12, unit="lb", training_days=("tue", "fri")),
    dict(weeks=8, training_days=("mon", "wed", "fri"), deload_every=3, volume=0.5),
    dict(weeks=9, unit="lb", training_days=("mon", "tue", "thu", "sat"), volume=1.5),
    dict(weeks=6, training_days=("mon", "tue", "wed", "thu", "fri")),
    dict(weeks=5, unit="lb", training_days=DAYS, deload_every=None),
    dict(weeks=6, training_days=("mon", "wed", "fri", "sat", "sun", "tue"), deload_every=2),
    dict(weeks=4, first_week=13, training_days=("mon", "thu")),
    dict(weeks=3, overrides={"rotational_stretch": {"hold_min_s": 5, "hold_step_s": 2.5}}),
    dict(weeks=52, unit="lb", training_days=("mon", "wed", "fri")),
    dict(weeks=104, training_days=("mon", "thu"), volume=1.5),
]


def test_liftosaurs_own_grammar_parses_every_program(lezer_parse):
    plans = [_plan(**kw) for kw in REAL_PARSER_PLANS]
    texts = [liftosaur_text(p) for p in plans]
    bad = "Deadlift / 3x10 / 60 / 120s\nGlute Bridge (Body Weight) / 3x1\n"
    results = lezer_parse([*texts, "# Week 1\n## Day 1\n" + bad])
    assert results[-1]["errors"], "the grammar must reject a weight without its unit"
    for plan, text, res in zip(plans, texts, results[:-1], strict=True):
        assert res["errors"] == [], res["errors"][:3]
        sessions = app_sessions(plan)
        counts = res["counts"]
        assert counts["Week"] == len({s.week for s in sessions})
        assert counts["Day"] == len(sessions)
        assert counts["ExerciseExpression"] == sum(len(s.exercises) for s in sessions)
        assert counts["TripleLineComment"] == text.count("///")
