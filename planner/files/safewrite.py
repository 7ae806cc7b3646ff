"""Writing files and folders so that nothing the user has is lost.

Every file is written in full to a temporary file next to its target, flushed
to disk, and only then published under its name:

* without ``overwrite``, publishing is one exclusive operation (a hard link,
  which fails when the name exists), so of several processes writing the same
  new path exactly one wins and the others get :class:`OutputExistsError`;
* with ``overwrite``, an existing *regular file* is replaced by a rename; a
  symbolic link, a folder, a device or a pipe at the path is refused.

Temporary names look like ``.plan.csv.<host>.<pid>.<random>.planner-tmp``:
unique, hidden, and recognisable, so a write killed half-way never blocks a
later one, and a later write into the same folder removes such leftovers of
processes on this host that no longer run. Files get the permissions the
user's umask gives to any new file (``0o666 & ~umask``).

A folder of files (an analysis report) is written all or nothing: the files go
into a temporary sibling folder that is then renamed into place.
"""

from __future__ import annotations

import ctypes
import errno
import io
import os
import re
import secrets
import shutil
import socket
import stat
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

TMP_SUFFIX = ".planner-tmp"
OLD_SUFFIX = ".planner-old"  # a replaced folder, kept only between two renames
_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"
_TMP_RE = re.compile(r"^\.(?P<target>.+)\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.[0-9a-f]{8}"
                     r"(?P<suffix>" + re.escape(TMP_SUFFIX) + "|" + re.escape(OLD_SUFFIX) + ")$")
# Errors from os.link that mean "this file system has no hard links", not "exists".
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS,
             errno.EMLINK, errno.EACCES}


class OutputError(OSError):
    """A file or folder that could not be written; the message names it and says why.

    ``path`` is the file or folder the user asked for.
    """

    def __init__(self, path: str | Path, message: str):
        super().__init__(f"{path}: {message}")
        self.path = Path(path)
        self.reason = message


class OutputExistsError(OutputError, FileExistsError):
    """The target already exists and replacing it was not asked for."""

    def __init__(self, path: str | Path, message: str | None = None):
        super().__init__(path, message or "already exists; pass overwrite=True to replace it")


def temp_name(target: Path) -> Path:
    """A fresh, unique, recognisable temporary name next to ``target``."""
    return target.with_name(f".{target.name}.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}"
                            f"{TMP_SUFFIX}")


def _pid_running(pid: int) -> bool:
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_temps(folder: str | Path) -> list[Path]:
    """Remove temporary files and folders left in ``folder`` by writes of this host's
    processes that no longer run (a write that was killed); return what was removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _TMP_RE.match(entry.name)
        if not m or m["host"] != _HOST or _pid_running(int(m["pid"])):
            continue
        if m["suffix"] == OLD_SUFFIX:
            # A folder replaced by a write that was killed between its two renames (file
            # systems without an atomic exchange): if nothing took its place, it is the
            # user's folder and goes back under its name.
            target = Path(folder) / m["target"]
            try:
                if not os.path.lexists(target):
                    os.rename(entry.path, target)
                    continue
            except OSError:
                continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    Returns False where the system or the file system cannot, so that the caller falls
    back to two renames; raises for any other error."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # pragma: no cover - glibc before 2.28, or musl
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied (is the folder read-only?)"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.ENOENT:
        return "the folder does not exist"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    return exc.strerror or str(exc)


def check_target(path: Path, *, overwrite: bool) -> bool:
    """Raise unless ``path`` may be written; True when a regular file is there (and
    ``overwrite`` allows replacing it)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise OutputError(path, f"cannot write here: {_reason(exc)}") from None
    if stat.S_ISLNK(st.st_mode):
        raise OutputError(path, "is a symbolic link; refusing to write through or replace it; "
                          "choose another name")
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(path, "is a folder; give the name of a file to write")
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(path, "is not a regular file (a device, pipe or socket); "
                          "refusing to replace it; choose another name")
    if not overwrite:
        raise OutputExistsError(path)
    return True


def _write_temp(target: Path, data: bytes) -> Path:
    tmp = temp_name(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o666)  # the umask decides the final permissions
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp


def _publish_new(tmp: Path, target: Path) -> None:
    """Give ``tmp`` the name ``target`` only if that name is free, in one operation."""
    try:
        os.link(tmp, target, follow_symlinks=False)
        return
    except FileExistsError:
        raise OutputExistsError(target) from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
    # No hard links here: reserve the name exclusively, then move the content in.
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise OutputExistsError(target) from None
    os.close(fd)
    os.replace(tmp, target)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samestat(os.lstat(a), os.lstat(b))
    except OSError:
        return False


def write_files(files: Iterable[tuple[str | Path, bytes]], *, overwrite: bool = False,
                replaceable: Callable[[Path], bool] | None = None) -> list[Path]:
    """Write several files all or nothing; return their paths.

    The first file decides a race: it is published exclusively (unless
    ``overwrite``), and only then are the others published. A file after the
    first whose existing content ``replaceable(path)`` accepts (e.g. a settings
    file whose table is gone) is replaced without ``overwrite``. On any failure
    the files this call published are removed again and nothing else is touched.
    """
    items = [(Path(p), bytes(d)) for p, d in files]
    replace_ok = [overwrite or (i > 0 and replaceable is not None) for i in range(len(items))]
    for i, (path, _) in enumerate(items):
        check_target(path, overwrite=replace_ok[i])
        if (i > 0 and not overwrite and replaceable is not None and path.exists()
                and not replaceable(path)):
            raise OutputExistsError(path)
    temps: list[Path] = []
    published: list[tuple[Path, Path]] = []
    try:
        folder = items[0][0].parent if items else Path(".")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise OutputError(folder, "is a file, not a folder") from None
        clean_stale_temps(folder)
        for path, data in items:
            temps.append(_write_temp(path, data))
        for i, ((path, _), tmp) in enumerate(zip(items, temps, strict=True)):
            if i == 0 and not overwrite:
                _publish_new(tmp, path)
            elif replace_ok[i] and path.exists():
                check_target(path, overwrite=True)
                os.replace(tmp, path)
                temps[i] = path  # the content now lives at ``path``
            else:
                _publish_new(tmp, path)
            published.append((path, tmp))
    except BaseException as exc:
        for path, tmp in published:
            if tmp.exists() and _same_file(path, tmp):
                path.unlink(missing_ok=True)
        for tmp in temps:
            if tmp.name.endswith(TMP_SUFFIX):
                tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            target = items[len(published)][0] if len(published) < len(items) else items[0][0]
            raise OutputError(target, f"cannot write here: {_reason(exc)}") from None
        raise
    for tmp in temps:
        if tmp.name.endswith(TMP_SUFFIX):
            tmp.unlink(missing_ok=True)
    return [p for p, _ in items]


def write_file(path: str | Path, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; never replace anything unless ``overwrite``."""
    return write_files([(path, data)], overwrite=overwrite)[0]


def write_first_free(path: str | Path, write: Callable[[Path], Path], limit: int = 1000) -> Path:
    """Write with ``write(candidate)`` to ``path``, or ``name-2.ext``, ``name-3.ext`` ... :
    the first name that is free at the moment of writing (the write itself is exclusive,
    so two writers never get the same name)."""
    path = Path(path)
    for n in range(1, limit + 1):
        cand = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            return write(cand)
        except OutputExistsError:
            continue  # this name (or its settings file) is taken: try the next one
    raise OutputExistsError(path, f"and {limit - 1} numbered variants exist; choose another "
                            "folder")


def write_folder(folder: str | Path, files: Mapping[str, bytes], *, overwrite: bool = False,
                 replaceable: Callable[[str], bool] | None = None) -> list[Path]:
    """Write ``files`` (name -> content) as the folder ``folder``, all or nothing.

    A folder that exists and holds anything is refused unless ``overwrite``;
    with ``overwrite`` it is replaced as a whole, but only when every entry in it
    is a regular file that ``replaceable(name)`` accepts (so nothing the user
    put there is deleted). The new folder is built beside the old one and swapped
    into place in one atomic step (``renameat2(RENAME_EXCHANGE)`` on Linux; two
    renames elsewhere, and a folder a kill left hidden between them is put back by
    the next write), so readers see the old folder or the new one, never a mixture.
    """
    folder = Path(folder)
    clean_stale_temps(folder.parent)  # also puts back a folder a killed write left hidden
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(folder, f"cannot write here: {_reason(exc)}") from None
    existing: list[str] = []
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise OutputError(folder, "is a symbolic link; refusing to write through or "
                              "replace it; choose another folder")
        if not stat.S_ISDIR(st.st_mode):
            raise OutputError(folder, "is a file, not a folder; choose another folder")
        existing = sorted(os.listdir(folder))
        if existing and not overwrite:
            shown = ", ".join(existing[:5]) + (" ..." if len(existing) > 5 else "")
            raise OutputExistsError(folder, f"already holds files ({shown}); pass "
                                    "overwrite=True to replace them, or choose another folder")
        foreign = [n for n in existing if not (replaceable and replaceable(n))
                   or not (folder / n).is_file() or (folder / n).is_symlink()]
        if foreign:
            shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
            raise OutputError(folder, f"holds files this program did not write ({shown}); "
                              "refusing to replace the folder; choose another folder")
    parent = folder.parent
    stage = temp_name(folder)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(stage, 0o777)
        for name, data in files.items():
            tmp = _write_temp(stage / name, data)
            os.rename(tmp, stage / name)
        if existing:
            if _exchange(stage, folder):
                # One atomic step: the new files are at ``folder``, the old ones at
                # ``stage`` (a temporary name, so a kill now leaves only a leftover that
                # the next write removes).
                shutil.rmtree(stage, ignore_errors=True)
            else:
                old = temp_name(folder).with_suffix(OLD_SUFFIX)
                os.rename(folder, old)
                try:
                    os.rename(stage, folder)
                except BaseException:
                    os.rename(old, folder)
                    raise
                shutil.rmtree(old, ignore_errors=True)
        else:
            try:
                os.rename(stage, folder)  # replaces an empty folder, fails on a full one
            except OSError as exc:
                if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                    raise OutputExistsError(folder, "was created by another program while "
                                            "this one was writing; choose another folder") from None
                raise
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(folder, f"cannot write here: {_reason(exc)}") from None
        raise
    return [folder / name for name in files]


def write_atomic(path: str | Path, write: Callable[[io.TextIOBase], None], *,
                 overwrite: bool = False, newline: str | None = "") -> Path:
    """Write a text file (UTF-8) through ``write(handle)``, atomically and exclusively.

    Raises :class:`OutputExistsError` (a FileExistsError) when ``path`` exists
    and ``overwrite`` is False, and :class:`OutputError` (an OSError) naming the
    path when it cannot be written (read-only folder, a folder or a device at
    the path, ...). See :func:`write_file`.
    """
    buffer = io.StringIO(newline=newline)
    write(buffer)
    return write_file(path, buffer.getvalue().encode("utf-8"), overwrite=overwrite)
