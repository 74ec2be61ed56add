"""The one small interface between the sync and where a workbook lives.

The sync reads a :class:`~sheets_sync.core.cells.WorkbookSnapshot`, computes, and hands
back the cells that changed. It never knows whether it talks to a local .xlsx or a
Google spreadsheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from sheets_sync.core.cells import CellWrite, WorkbookSnapshot

if TYPE_CHECKING:
    from sheets_sync.quarter.new_plan import WorkbookPlan


class Backend(Protocol):
    """Reads every sheet, and writes a batch of cells back."""

    def read(self) -> WorkbookSnapshot:
        """Every sheet as plain values. Raises a :class:`SheetsSyncError` child."""
        ...

    def write(self, snapshot: WorkbookSnapshot, writes: Sequence[CellWrite]) -> int:
        """Apply ``writes`` in one batch; returns the number of cells written.

        ``snapshot`` is what :meth:`read` returned, or a copy of it without its
        rows (the sync drops them before writing): a backend uses its ``version``
        to refuse writing over a workbook that changed since, raising
        :class:`~sheets_sync.errors.WorkbookChanged`. With no writes it does nothing.
        """
        ...


class Renderer(Protocol):
    """Creates a new workbook from a plan: a local .xlsx, or a new spreadsheet."""

    def prepare(self) -> None:
        """Refuse before any work is done (the target exists, its folder is missing)."""
        ...

    def render(self, plan: WorkbookPlan) -> str:
        """Create the workbook; returns where it is (a path or a URL)."""
        ...
