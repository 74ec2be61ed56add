"""Rows still using a name changed on its own sheet, and the writes that make them follow.

A focus area or owner renamed on its own sheet is recognised by its row's hidden
``known_as`` cell (see :func:`.checks.renames_in`); until the rows that name it
elsewhere follow, the sync reports them and leaves their money out of the totals.
:func:`renaming` finds every such cell, in the columns that refer to the renamed
sheet's names, and the new name to put there: the one change the tool makes to a
person's cells, and only when the person asks for it (``sheets-sync rename``).
A name that another row of the sheet has taken since is a reference to that row,
not an old name, and is left alone. Pure: nothing is read or written here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sheets_sync.backends.protocol import WriteResult
from sheets_sync.core.cells import CellChange, CellWrite
from sheets_sync.core.layout import Lang, Layout
from sheets_sync.core.parsing import clean_text, match_key
from sheets_sync.sync.checks import renames_in
from sheets_sync.sync.compute import RENAMEABLE
from sheets_sync.sync.locate import Located, Table


@dataclass(frozen=True)
class Renaming:
    """The cells to rewrite: each change as a person reads it, and the write it makes."""

    changes: list[CellChange] = field(default_factory=list)
    writes: list[CellWrite] = field(default_factory=list)


@dataclass(frozen=True)
class RenameReport:
    """What ``sheets-sync rename`` found, and did unless it was a dry run."""

    source: str
    lang: Lang
    changes: list[CellChange]
    dry_run: bool
    titles: dict[str, str] = field(default_factory=dict)  # the workbook's sheet titles, by key
    write: WriteResult = field(default_factory=WriteResult)
    backup: str | None = None  # the copy kept of a local workbook before it was written


def renaming(located: Located, layout: Layout) -> Renaming:
    """Every cell naming a focus area or owner by the name it had before it was renamed."""
    out = Renaming()
    for sheet in RENAMEABLE:
        table = located.table(sheet)
        renames = renames_in(table.rows)
        taken = {match_key(n) for r in table.rows if (n := clean_text(r.get("name")))}
        renames = {old: pair for old, pair in renames.items() if old not in taken}
        if renames:
            for spec in layout.sheets:
                refs = [c.key for c in spec.columns if c.ref == f"{sheet}.name"]
                if refs and spec.key in located.tables:
                    _follow(located.table(spec.key), refs, renames, out)
    order = {table.title: n for n, table in enumerate(located.tables.values())}
    ranked = sorted(zip(out.changes, out.writes, strict=True), key=lambda p: _place(p[1], order))
    return Renaming([c for c, _ in ranked], [w for _, w in ranked])


def _place(write: CellWrite, order: dict[str, int]) -> tuple[int, int, int]:
    return order[write.sheet], write.row, write.col


def _follow(
    table: Table, columns: list[str], renames: dict[str, tuple[str, str]], out: Renaming
) -> None:
    """Add to ``out`` each of ``table``'s cells in ``columns`` that holds an old name."""
    for row in table.rows:
        for key in columns:
            text = clean_text(row.get(key))
            found = renames.get(match_key(text)) if text else None
            if found is None:
                continue
            new = found[1]
            row_id = clean_text(row.get("id"))
            out.changes.append(CellChange(table.title, row.number, row_id, key, row.get(key), new))
            out.writes.append(CellWrite(table.title, row.number, table.columns[key], new))
