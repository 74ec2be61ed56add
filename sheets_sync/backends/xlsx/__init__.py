"""Local .xlsx workbooks: a fast reader and a cell patcher that keeps everything else intact.

The public surface is :class:`XlsxBackend` (the sync's
:class:`~sheets_sync.backends.protocol.Backend`), plus the building blocks it is made of
for tools and tests.
"""

from sheets_sync.backends.xlsx.patch import PatchResult, patch_xlsx
from sheets_sync.backends.xlsx.reader import read_xlsx
from sheets_sync.backends.xlsx.safety import check_not_locked, lock_file_of
from sheets_sync.backends.xlsx.workbook import XlsxBackend

__all__ = [
    "PatchResult",
    "XlsxBackend",
    "check_not_locked",
    "lock_file_of",
    "patch_xlsx",
    "read_xlsx",
]
