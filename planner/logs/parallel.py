"""Steps of the readers that run on a second core while the first goes on.

Some steps of reading a big log do not depend on one another: parsing the distinct
dates while the numbers and units are checked, looking for repeated rows while the
Log's columns are built. numpy's arithmetic and sorts, pandas' hash tables
(``factorize``, ``duplicated``) and Arrow's text kernels let go of the GIL while they
work, so such a step runs on a worker thread beside the main one.

Only plain data goes to the worker (arrays and Series made for it, never the rows
being checked), and its result is taken where the plain code would compute it, so the
Log and its report come out the same. An exception in the worker is raised where the
result is taken, unchanged. Small logs (under PARALLEL_ROWS rows) and machines with one
core compute each step in place, when its result is asked for: the plain order.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

PARALLEL_ROWS = 50_000  # below this, handing work to a thread costs more than it saves

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def parallel(rows: int) -> bool:
    """Whether a log of ``rows`` rows puts a second core to work."""
    return rows >= PARALLEL_ROWS and (os.cpu_count() or 1) > 1


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planner-logs")
        return _pool


def _forget_pool() -> None:  # a forked child has the pool but not its thread
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


class Later:
    """``fn(*args)``, started on the worker thread with ``background``, else computed
    when :meth:`result` is first called. ``fn`` must only read its arguments."""

    def __init__(self, background: bool, fn: Callable[..., Any], *args: Any) -> None:
        self._future: Future | None = _executor().submit(fn, *args) if background else None
        self._call: tuple | None = None if background else (fn, args)
        self._done = False
        self._value: Any = None

    def result(self) -> Any:
        """The value of ``fn(*args)``; what it raised is raised here (type and message
        unchanged)."""
        if self._future is not None:
            return self._future.result()
        if not self._done:
            fn, args = self._call
            self._value, self._done, self._call = fn(*args), True, None
        return self._value
