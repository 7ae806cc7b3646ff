"""Cost of the plan files: tiny plates refused, plans written and read back, settings inferred.

Prints wall time and peak resident memory (ru_maxrss of a fresh process) for:
``planner plan --plates 0.01`` (refused before any work), writing a 104-week
plan with its settings file, reading it back (settings file), and reading it
without the settings file (settings inferred from the table).

    .venv/bin/python benchmarks/bench_writes.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _child(code: str) -> tuple[float, float]:
    script = ("import resource, time\nt0 = time.perf_counter()\n" + code +
              "\nprint(time.perf_counter() - t0, "
              "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=120, check=True)
    wall, rss = (float(x) for x in out.stdout.split()[-2:])
    return wall, rss


def main() -> None:
    rows = []
    wall, rss = _child("from planner.cli import app\n"
                       "try:\n    app(['plan', '--plates', '0.01'], standalone_mode=False)\n"
                       "except BaseException:\n    pass")
    rows.append(("planner plan --plates 0.01 (refused)", wall, rss))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "plan.csv"
        setup = ("from datetime import date\nfrom planner import PlanConfig, generate, read_plan\n"
                 "plan = generate(PlanConfig(start_date=date(2026, 1, 5), weeks=104, "
                 "rep_range=(5, 8), deadlift_start_load=60, volume=0.5))\n")
        wall, rss = _child(setup + f"plan.to_csv({str(path)!r})")
        rows.append(("write a 104-week plan + settings", wall, rss))
        wall, rss = _child(f"from planner import read_plan\nread_plan({str(path)!r})")
        rows.append(("read it back (settings file)", wall, rss))
        (Path(d) / "plan.settings.json").unlink()
        wall, rss = _child(f"from planner import read_plan\nread_plan({str(path)!r})")
        rows.append(("read it back (settings inferred)", wall, rss))
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'seconds':>8}  {'peak MB':>8}")
    for name, wall, rss in rows:
        print(f"{name:<{width}}  {wall:8.2f}  {rss:8.0f}")


if __name__ == "__main__":
    main()
