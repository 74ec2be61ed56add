"""The one small interface between the sync and where a workbook lives.

The sync reads a :class:`~sheets_sync.core.cells.WorkbookSnapshot`, computes, and hands
back the cells that changed. It never knows whether it talks to a local .xlsx or a
Google spreadsheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sheets_sync.core.cells import CellWrite, WorkbookSnapshot

if TYPE_CHECKING:
    from sheets_sync.quarter.new_plan import WorkbookPlan


@dataclass(frozen=True)
class WriteResult:
    """What one :meth:`Backend.write` did with the cells it was given.

    Every cell handed over is counted once: ``written``, ``deferred`` (left for
    the next sync, e.g. its row had no tag yet and this write tagged rows
    instead) or ``dropped`` (its row was deleted after the read). ``why`` says,
    in plain words, why cells were deferred or dropped; empty when none were.
    """

    written: int = 0  # cells that landed on their row
    tagged: int = 0  # rows given an identity (a Google row tag) by this write
    deferred: int = 0  # cells left for the next sync
    dropped: int = 0  # cells whose row was gone by the time of the write
    requests: int = 0  # writes sent to the workbook (0 or 1; 2 when one was repaired)
    why: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class Backend(Protocol):
    """Reads every sheet, and writes a batch of cells back."""

    def read(self) -> WorkbookSnapshot:
        """Every sheet as plain values. Raises a :class:`SheetsSyncError` child."""
        ...

    def write(self, snapshot: WorkbookSnapshot, writes: Sequence[CellWrite]) -> WriteResult:
        """Apply ``writes`` in one batch; returns what became of them.

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
