"""Replace a workbook so that a crash at any moment leaves the old or the new file.

The new version is written to a hidden temporary file in the same folder (so the
final rename cannot cross file systems), flushed to disk, read back and checked,
and only then renamed over the workbook; the folder is flushed too so the rename
itself survives a power cut. The previous version is kept as ``name.xlsx.bak1``
(older ones rotate to ``.bak2`` and on).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sheets_sync.backends.xlsx.safety import check_not_locked
from sheets_sync.errors import WorkbookChanged, WorkbookNotWritable

TEMP_SUFFIX = ".sheets-sync.tmp"


def temp_name(path: Path) -> Path:
    """Hidden, unique, and recognisably ours: ``.roadmap.xlsx.<pid>.<rand>.sheets-sync.tmp``."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}{TEMP_SUFFIX}")


def backup_name(path: Path, n: int) -> Path:
    return path.with_name(f"{path.name}.bak{n}")


def replace_atomically(
    path: Path,
    build: Callable[[BinaryIO], None],
    verify: Callable[[Path], None],
    unchanged: Callable[[], bool],
    backups: int = 1,
) -> None:
    """Build the new file beside ``path``, check it, then swap it in.

    ``unchanged`` is asked last, right before the swap: when the workbook changed on
    disk meanwhile, nothing is replaced and :class:`WorkbookChanged` is raised.
    """
    remove_stale_temps(path)
    tmp = temp_name(path)
    try:
        with open(tmp, "xb") as fh:
            build(fh)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        verify(tmp)
        check_not_locked(path)
        if not unchanged():
            raise WorkbookChanged(
                f"{path} was changed on disk while the sync was writing; nothing was written.",
                "The next sync will read it again and write then.",
            )
        rotate_backups(path, backups)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise not_written(path, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_REFUSED = {errno.EROFS, errno.EACCES, errno.EPERM}


def not_written(path: Path, exc: OSError) -> WorkbookNotWritable:
    """What a failed write says: the disk is full, the file refused, or why not."""
    if exc.errno in _NO_SPACE:
        return WorkbookNotWritable(
            f"The disk holding {path} is full, so its new version could not be saved; "
            "the workbook was left as it was.",
            "Free some space and sync again.",
        )
    if exc.errno in _REFUSED:
        return WorkbookNotWritable(
            f"{path} could not be written ({exc.strerror}); the workbook was left as it was.",
            "Check that the file and its folder may be written, then sync again.",
        )
    return WorkbookNotWritable(
        f"{path} could not be written ({exc.strerror or exc}); the workbook was left as it was.",
        "Check the disk and sync again.",
    )


def check_writable(path: Path) -> None:
    """Refuse, before any work, a workbook that is read-only or in a read-only folder.

    A file whose owner, group and others may not write it is read-only even to an
    account that could write it anyway (an administrator): someone made it so.
    """
    folder = path.parent
    if not _may_write(path):
        raise WorkbookNotWritable(
            f"{path} is read-only, so the sync did not write it; nothing was changed.",
            "Make it writable (or sync a copy) and sync again; --dry-run shows what would change.",
        )
    if not _may_write(folder, os.W_OK | os.X_OK):
        raise WorkbookNotWritable(
            f"The folder {folder} is read-only, so the new version of {path.name} cannot be "
            "saved beside it; nothing was changed.",
            "Make the folder writable (or sync a copy elsewhere) and sync again.",
        )


def _may_write(path: Path, mode: int = os.W_OK) -> bool:
    try:
        bits = os.stat(path).st_mode
    except OSError:
        return True  # gone: the write itself says what is wrong
    return bool(bits & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(path, mode)


def keep_copy(path: Path, label: str) -> Path:
    """A copy of ``path`` beside it, ``NAME.LABEL.xlsx``, that no later write rotates away.

    Copied byte for byte (not linked, so nothing saving into the workbook in place
    can change it) and flushed to disk; a file of that name already there is never
    replaced.
    """
    copy = path.with_name(f"{path.stem}.{label}{path.suffix}")
    try:
        with open(path, "rb") as source, open(copy, "xb") as out:
            shutil.copyfileobj(source, out)
            out.flush()
            os.fsync(out.fileno())
        shutil.copystat(path, copy)
    except OSError as exc:
        raise not_written(copy, exc) from None
    return copy


def rotate_backups(path: Path, count: int) -> None:
    """Shift ``.bak1`` → ``.bak2`` …, then make ``.bak1`` the current file.

    Every step links (or copies) to a staging name and renames over the slot, so a
    kill at any point leaves every existing slot holding a complete workbook. Hard
    links cost nothing and keep the old bytes once the workbook is replaced.
    """
    if count <= 0:
        return
    staging = path.with_name(f".{path.name}.{os.getpid()}.bak{TEMP_SUFFIX}")
    for n in range(count - 1, 0, -1):
        older = backup_name(path, n)
        if older.exists():
            _clone(older, staging)
            os.replace(staging, backup_name(path, n + 1))
    _clone(path, staging)
    os.replace(staging, backup_name(path, 1))


def _clone(source: Path, target: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def remove_stale_temps(path: Path) -> None:
    """Delete temporary files left by a sync that was killed (its process is gone)."""
    for tmp in path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"):
        pid_text = tmp.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid_text.isdigit() and _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of ours may be writing it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
