"""`import planner` against `import pandas` (median of fresh interpreters).

Run: .venv/bin/python benchmarks/bench_import.py   (goal: ratio <= 1.2)
"""

from bench_generate import import_time

if __name__ == "__main__":
    pd_t, pl_t = import_time("pandas", 11), import_time("planner", 11)
    print(f"import pandas {pd_t * 1000:.0f} ms, import planner {pl_t * 1000:.0f} ms, "
          f"ratio {pl_t / pd_t:.2f} (goal <= 1.2)")
