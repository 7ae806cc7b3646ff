"""Python-side time from a control change to updated figures, for a 52-week plan.

Run: .venv/bin/python benchmarks/bench_widgets.py     (goal: median <= 30 ms)

Each change sets a control of PlannerApp; the app builds the configuration,
generates the plan and updates its four FigureWidgets in place. Without a
browser attached the widget messages are still built and sent to the (dummy)
comm, so this is the kernel's share of a slider move.
"""

from __future__ import annotations

import statistics
import time

from planner.app.planner_app import PlannerApp


def main() -> None:
    app = PlannerApp()
    app.controls["weeks"].value = 52
    changes = [("volume", v) for v in (1.1, 1.2, 1.3, 1.0)] + \
              [("weeks", w) for w in (51, 52)] + [("start_load", x) for x in (40.0, 20.0)]
    times = []
    for _ in range(5):
        for name, value in changes:
            t0 = time.perf_counter()
            app.controls[name].value = value
            times.append(time.perf_counter() - t0)
    ms = sorted(t * 1000 for t in times)
    print(f"control change -> updated figures, 52-week plan ({app.plan.table.shape[0]} rows): "
          f"median {statistics.median(ms):.1f} ms, p90 {ms[int(0.9 * len(ms))]:.1f} ms over "
          f"{len(ms)} changes (goal: median <= 30 ms)")


if __name__ == "__main__":
    main()
