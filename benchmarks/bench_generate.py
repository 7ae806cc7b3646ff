"""Speed of plan generation against streprogen, and of `import planner` against pandas.

Run: .venv/bin/python benchmarks/bench_generate.py

The streprogen programme is the closest equivalent it can express: the same
weeks, three training days, a deadlift with a 10-15 rep range on two of them,
glute bridges (sets of 15) on all three and the stretch every day as static
exercises, rendered to its internal tables (program.render()). Goals: our
generate() <= 0.25 x streprogen's time; `import planner` <= 1.2 x `import pandas`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import warnings
from datetime import date

from planner import PlanConfig, generate


def timeit(fn, repeat: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def streprogen_programme(weeks: int):
    from streprogen import Program

    def build():
        program = Program(name="lower back", duration=weeks, units="kg", round_to=2.5,
                          min_reps=10, max_reps=15, reps_per_exercise=36, intensity=70)
        with program.Day("Mon"):
            program.DynamicExercise("Deadlift", start_weight=40, min_reps=10, max_reps=15)
            program.StaticExercise("Glute bridge", "2 x 15")
            program.StaticExercise("Rotational stretch", "3 x 5 s each side")
        with program.Day("Wed"):
            program.StaticExercise("Glute bridge", "2 x 15")
            program.StaticExercise("Rotational stretch", "3 x 5 s each side")
        with program.Day("Fri"):
            program.DynamicExercise("Deadlift", start_weight=40, min_reps=10, max_reps=15)
            program.StaticExercise("Glute bridge", "2 x 15")
            program.StaticExercise("Rotational stretch", "3 x 5 s each side")
        for name in ("Tue", "Thu", "Sat", "Sun"):
            with program.Day(name):
                program.StaticExercise("Rotational stretch", "3 x 5 s each side")
        program.render()
        return program

    return build


def import_time(module: str, repeat: int = 7) -> float:
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(repeat)]
    return statistics.median(runs)


def main() -> None:
    warnings.filterwarnings("ignore", module="streprogen")
    print("generate() against streprogen (median seconds)")
    for weeks in (12, 52):
        config = PlanConfig(weeks=weeks, start_date=date(2026, 1, 5), deadlift_start_load=40)
        ours = timeit(lambda c=config: generate(c), repeat=20)
        theirs = timeit(streprogen_programme(weeks), repeat=5)
        rows = len(generate(config).table)
        print(f"  {weeks:>2} weeks: planner {ours * 1000:7.1f} ms ({rows} set rows)   "
              f"streprogen {theirs * 1000:8.1f} ms   ratio {ours / theirs:.3f} (goal <= 0.25)")
    pd_t = import_time("pandas")
    pl_t = import_time("planner")
    print(f"import: pandas {pd_t * 1000:.0f} ms, planner {pl_t * 1000:.0f} ms, "
          f"ratio {pl_t / pd_t:.2f} (goal <= 1.2)")
    heavy = subprocess.run(
        [sys.executable, "-c", "import sys, planner; "
         "print(sorted(m for m in ('plotly','ipywidgets','icalendar','typer') "
         "if m in sys.modules))"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"heavy modules imported by `import planner`: {heavy}")


if __name__ == "__main__":
    main()
