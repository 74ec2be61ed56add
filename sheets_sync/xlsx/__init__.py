"""Local .xlsx workbooks: a fast reader and a cell patcher that keeps everything else intact.

The public surface is :class:`XlsxBackend` (the sync's :class:`~sheets_sync.backend.Backend`),
plus the building blocks it is made of for tools and tests.
"""

from .backend import XlsxBackend
from .patch import PatchResult, patch_xlsx
from .reader import read_cells, read_xlsx
from .safety import check_not_locked, lock_file_of

__all__ = [
    "PatchResult",
    "XlsxBackend",
    "check_not_locked",
    "lock_file_of",
    "patch_xlsx",
    "read_cells",
    "read_xlsx",
]
