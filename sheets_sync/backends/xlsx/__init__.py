"""Local .xlsx workbooks: a fast reader and a cell patcher that keeps everything else intact.

The public surface is :class:`XlsxBackend` (the sync's
:class:`~sheets_sync.backends.protocol.Backend`), plus the building blocks it is made of
for tools and tests. The names below are loaded on first use, so a caller that only
asks whether a workbook is open elsewhere does not load the reader and the patcher.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sheets_sync.core.lazy import lazy_names

if TYPE_CHECKING:
    from sheets_sync.backends.xlsx.patch import PatchResult, patch_xlsx
    from sheets_sync.backends.xlsx.reader import read_xlsx
    from sheets_sync.backends.xlsx.safety import check_not_locked, lock_file_of
    from sheets_sync.backends.xlsx.workbook import XlsxBackend

_HOMES = {
    "PatchResult": "sheets_sync.backends.xlsx.patch",
    "XlsxBackend": "sheets_sync.backends.xlsx.workbook",
    "check_not_locked": "sheets_sync.backends.xlsx.safety",
    "lock_file_of": "sheets_sync.backends.xlsx.safety",
    "patch_xlsx": "sheets_sync.backends.xlsx.patch",
    "read_xlsx": "sheets_sync.backends.xlsx.reader",
}


__getattr__ = lazy_names(__name__, _HOMES)


__all__ = [
    "PatchResult",
    "XlsxBackend",
    "check_not_locked",
    "lock_file_of",
    "patch_xlsx",
    "read_xlsx",
]
