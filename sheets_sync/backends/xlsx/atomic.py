"""Replace a workbook so that a crash at any moment leaves the old or the new file.

The new version is written to a hidden temporary file in the same folder (so the
final rename cannot cross file systems), flushed to disk, read back and checked,
and only then renamed over the workbook; the folder is flushed too so the rename
itself survives a power cut. The previous version is kept as ``name.xlsx.bak1``
(older ones rotate to ``.bak2`` and on).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sheets_sync.backends.xlsx.safety import check_not_locked
from sheets_sync.errors import WorkbookChanged

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
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


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
