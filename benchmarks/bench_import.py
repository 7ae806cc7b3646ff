"""How long ``import planner`` takes in a fresh interpreter, against an earlier commit.

    python benchmarks/bench_import.py [--ref REV] [--runs N]

The package of ``REV`` (default: the commit before the layout change, e8ec02a) is
taken out of git into a temporary folder; then both are imported in fresh processes,
alternately (so that a busy moment hits both alike), and the medians are printed with
their ratio. Also ``planner.cli`` (what ``planner --help`` loads) and the app.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = "import time; t = time.perf_counter(); import {m}; print(time.perf_counter() - t)"


def checkout(ref: str, where: Path) -> Path:
    """The ``planner`` folder and ``data`` of ``ref`` unpacked under ``where``."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, "planner",
                           "data"], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(where, filter="data")
    return where


def once(path: Path, module: str) -> float:
    out = subprocess.run([sys.executable, "-c", CODE.format(m=module)], capture_output=True,
                         text=True, check=True, cwd=path, env={"PYTHONPATH": str(path),
                                                               "PATH": "/usr/bin:/bin"})
    return float(out.stdout.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", default="e8ec02a", help="the commit to compare with")
    ap.add_argument("--runs", type=int, default=15, help="imports of each, alternately")
    args = ap.parse_args()
    # (what, the module now, the module at the reference commit)
    pairs = [("import planner", "planner", "planner"),
             ("planner --help (cli)", "planner.cli", "planner.cli"),
             ("the app", "planner.app.planner_app", "planner.widgets")]
    with tempfile.TemporaryDirectory() as tmp:
        old = checkout(args.ref, Path(tmp))
        print(f"import time, median of {args.runs} fresh processes each (s); ref {args.ref}")
        for label, module, old_module in pairs:
            now, then = [], []
            for _ in range(args.runs):
                now.append(once(ROOT, module))
                then.append(once(old, old_module))
            a, b = statistics.median(now), statistics.median(then)
            print(f"  {label:<22} now {a:.3f}  {args.ref} {b:.3f}  ratio {a / b:.2f}")

if __name__ == "__main__":
    main()
