"""Cheap "has this workbook changed?" checks, so an unchanged workbook costs almost nothing.

A fingerprint is a string; :func:`same_content` says whether two mean "unchanged".
A local file is ``size:mtime_ns:sha256`` and is only hashed when size or mtime
moved; two of them are the same content when size and hash agree, so a copy,
a backup tool or a save without edits (mtime moved, content not) costs a hash and
no sync. A Google spreadsheet is its Drive file version, which one small request
returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sheets_sync.errors import SheetsSyncError, WorkbookNotFound
from sheets_sync.jobs.config import WorkbookConfig
from sheets_sync.jobs.idle import content_digest

DriveVersionFn = Callable[[WorkbookConfig], str | None]
"""Return the Drive file ``version`` of a workbook's spreadsheet (None: Drive did not say)."""


class Fingerprinter(Protocol):
    """Fingerprint a workbook; ``previous`` lets it take shortcuts."""

    def __call__(self, workbook: WorkbookConfig, previous: str | None, /) -> str | None: ...


def local_fingerprint(path: Path, previous: str | None = None) -> str:
    """``size:mtime_ns:sha256``; the hash is reused when size and mtime are unchanged."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise WorkbookNotFound(
            f"workbook file {path} does not exist.",
            "Check its path in the config, or generate it first.",
        ) from None
    except OSError as exc:
        raise SheetsSyncError(f"cannot read workbook file {path}: {exc.strerror}.") from None
    head = f"{stat.st_size}:{stat.st_mtime_ns}:"
    if previous is not None and previous.startswith(head):
        return previous
    try:
        digest = content_digest(path)
    except OSError as exc:
        raise SheetsSyncError(f"cannot read workbook file {path}: {exc.strerror}.") from None
    return head + digest


_LOCAL = re.compile(r"(\d+):\d+:(.*)", re.DOTALL)


def same_content(fingerprint: str, other: str) -> bool:
    """Whether two fingerprints mean the same workbook content.

    Equal strings do; local files' also do when only the modification time differs.
    """
    return fingerprint == other or _content(fingerprint) == _content(other)


def _content(fingerprint: str) -> str:
    local = _LOCAL.fullmatch(fingerprint)
    return fingerprint if local is None else f"{local[1]}:{local[2]}"


MeasuredDigestFn = Callable[[WorkbookConfig], str | None]
"""A digest of the metric values a workbook's goals would get now (None: no metrics)."""

_MEASURED = "|measured:"


class DefaultFingerprinter:
    """Local files by stat and hash; Google spreadsheets by an injected Drive lookup.

    Without ``drive_version``, or when it cannot tell, a Google workbook has no
    fingerprint (``None``) and is synced in full. With ``measured``, the digest of the
    workbook's metric values is part of it: a moved metric is a change.
    """

    def __init__(
        self, drive_version: DriveVersionFn | None = None, measured: MeasuredDigestFn | None = None
    ) -> None:
        self._drive_version = drive_version
        self._measured = measured

    def __call__(self, workbook: WorkbookConfig, previous: str | None, /) -> str | None:
        before = None if previous is None else previous.partition(_MEASURED)[0]
        found = self._workbook(workbook, before)
        digest = None if found is None or self._measured is None else self._measured(workbook)
        return found if digest is None else f"{found}{_MEASURED}{digest}"

    def _workbook(self, workbook: WorkbookConfig, previous: str | None) -> str | None:
        if workbook.path is not None:
            return local_fingerprint(workbook.path, previous)
        if self._drive_version is None:
            return None
        version = self._drive_version(workbook)
        return None if version is None else "drive:" + version  # unknown: a full sync
