"""Reading a plan, log or settings file only when it is a regular file, and never more of
it than a limit.

A path given to a reader may name something that is not a file of bytes at rest: a
device (``/dev/zero`` never ends: reading it whole takes all the memory there is), a
named pipe (opening it blocks until some other process writes), a socket, a folder. Every
reader of the planner's files opens them through :func:`open_regular` (or
:func:`read_regular`), which

1. looks at what the path names (``os.stat``, so a symbolic link is judged by the file it
   leads to) and refuses anything but a regular file before opening it;
2. opens it without waiting (``O_NONBLOCK``: a pipe put in its place since step 1 cannot
   block the open) and checks again on the open file itself (``fstat``), so what is read
   is what was checked;
3. reads at most ``max_bytes`` (one byte more, to know that there is more), so a file
   that grows while it is read cannot take more memory than the limit.

Errors are raised as the reader's own format error (``error``, e.g. ``PlanFormatError``)
with one message naming the file and what was expected, never its content.

This module imports nothing from planner, so that every reader can import it.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["UnreadableFileError", "check_regular", "open_regular", "read_regular"]

# O_NONBLOCK: opening a FIFO does not wait for a writer (it is refused right after);
# regular files ignore it. O_NOCTTY: a terminal named as a log never becomes ours.
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_BINARY", 0))


class UnreadableFileError(ValueError):
    """A path that is not a regular file that can be read (or one larger than allowed)."""


def _kind(mode: int) -> str:
    """What a path that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse(name: str, what: str, mode: int, error: Callable[[str], Exception]) -> Exception:
    kind = _kind(mode)
    said = kind if kind.startswith("not ") else f"is {kind}"
    return error(f"{name}: {said}, not {what}; give the path of the file itself")


def _oserror(name: str, exc: OSError, error: Callable[[str], Exception]) -> Exception:
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return error(f"{name}: no such file")
    if exc.errno == errno.ELOOP:
        return error(f"{name}: a loop of symbolic links, not a file")
    return error(f"{name}: cannot be read ({exc.strerror or exc})")


def check_regular(path: str | Path, *, what: str = "a file", name: str | None = None,
                  error: Callable[[str], Exception] = UnreadableFileError) -> os.stat_result:
    """The ``os.stat`` of ``path`` when it is a regular file; else ``error(message)``.

    ``what`` says what the file should be ("a plan CSV"), ``name`` how to call it in the
    message (default: the path as given).
    """
    name = str(path) if name is None else name
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _oserror(name, exc, error) from None
    except ValueError:  # a NUL byte in the path
        raise error(f"{name}: not a valid file name") from None
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(name, what, st.st_mode, error)
    return st


def open_regular(path: str | Path, *, what: str = "a file", name: str | None = None,
                 error: Callable[[str], Exception] = UnreadableFileError) -> BinaryIO:
    """``path`` opened for reading in binary, once it is known to be a regular file (see
    the module docstring); ``error(message)`` raised otherwise."""
    name = str(path) if name is None else name
    first = check_regular(path, what=what, name=name, error=error)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _oserror(name, exc, error) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(name, what, st.st_mode, error)
        if (st.st_dev, st.st_ino) != (first.st_dev, first.st_ino):
            raise error(f"{name}: was replaced while it was being opened; try again")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # the ordinary reads of a regular file from here
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | Path, *, what: str = "a file", name: str | None = None,
                 max_bytes: int | None = None,
                 error: Callable[[str], Exception] = UnreadableFileError) -> bytes:
    """The bytes of the regular file ``path``; ``error(message)`` when it is not one, cannot
    be read, or holds more than ``max_bytes`` (checked on its size and again while it is
    read, so a file that grows meanwhile is still cut off at the limit)."""
    name = str(path) if name is None else name
    with open_regular(path, what=what, name=name, error=error) as f:
        size = os.fstat(f.fileno()).st_size
        if max_bytes is not None and size > max_bytes:
            raise error(_too_large(name, what, size, max_bytes))
        try:
            # One byte past the limit tells a file that grew past it; without a limit, the
            # whole file in one buffer of its size (a regular file ends).
            data = f.read() if max_bytes is None else f.read(max_bytes + 1)
        except OSError as exc:
            raise _oserror(name, exc, error) from None
    if max_bytes is not None and len(data) > max_bytes:
        raise error(_too_large(name, what, len(data), max_bytes, growing=True))
    return data


def _too_large(name: str, what: str, size: int, limit: int, growing: bool = False) -> str:
    if growing:
        return f"{name}: grew past {_mb(limit)} while it was read, too large for {what}"
    return f"{name}: is {_mb(size)}, too large for {what} (at most {_mb(limit)})"


def _mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB" if n >= 1e6 else f"{n:,} bytes"
