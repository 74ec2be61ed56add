"""Where compute hands each tool cell's value as it decides it.

A sink takes the sheet, the row, the column key and the value: :class:`.diff.Differ`
compares it with the workbook at once; without a sink :class:`Cells` collects
every value. :class:`Cells` also knows what the layout says about those cells:
a choice's label in the workbook's language, and which cells an invalid or an
emptied row gives up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sheets_sync.core.cells import CellValue
from sheets_sync.core.layout import Lang, Layout
from sheets_sync.sync.locate import Row, Table

CellKey = tuple[str, int, str]  # sheet key, row number, column key
# Where compute hands each decided value: the sheet, the row, the column key.
Sink = Callable[[Table, Row, str, CellValue], None]
# Told each value decided in a (sheet key, column key) it watches: the row and the value.
Note = Callable[[Row, CellValue], None]
Watched = Mapping[tuple[str, str], Note]


# The tool cells an invalid row keeps: its ID, its Check, the name it was known by and
# the day its goal value was first seen (what a row remembers, not a flag).
KEPT = ("id", "check", "known_as", "seen_value", "seen_on")


class Cells:
    """Hands on decided values; knows the layout to turn choice keys into labels.

    Without a sink the values are collected in :attr:`desired`. A sink skips keys
    the table lacks (a column someone deleted). Each value is also told to the
    notes ``watchers`` have on its sheet and column (:class:`.attention.Watch`,
    :class:`.glance.Glance`): one lookup a cell, none for a choice once its label is
    known, where a sink per watcher chained in front of the sink cost every cell a
    call and its lookups per watcher, though few columns are watched.
    """

    def __init__(
        self, layout: Layout, lang: Lang, sink: Sink | None, watchers: Iterable[Watched] = ()
    ) -> None:
        self.layout, self.lang = layout, lang
        self.desired: dict[CellKey, CellValue] = {}
        self._sink: Sink = sink or self._collect
        self._notes: dict[tuple[str, str], list[Note]] = {}
        for watched in watchers:
            for pair, note in watched.items():
                self._notes.setdefault(pair, []).append(note)
        self.put: Sink = self._put_noted if self._notes else self._sink
        # (sheet, column, choice) -> the label, and the notes watching the column
        self._labels: dict[tuple[str, str, str], tuple[str | None, list[Note]]] = {}

    def _collect(self, table: Table, row: Row, key: str, value: CellValue) -> None:
        if key in table.columns:
            self.desired[(table.spec.key, row.number, key)] = value

    def _put_noted(self, table: Table, row: Row, key: str, value: CellValue) -> None:
        self._sink(table, row, key, value)
        notes = self._notes.get((table.spec.key, key))
        if notes is not None:
            for note in notes:
                note(row, value)

    def choice(self, table: Table, row: Row, key: str, choice: str | None) -> None:
        if choice is None:
            self.put(table, row, key, None)
            return
        cache = (table.spec.key, key, choice)
        found = self._labels.get(cache)
        if found is None:
            spec = table.spec.column(key) if table.spec.kind == "rows" else None
            name = spec.choices if spec else None
            label = self.layout.choice_label(name, choice, self.lang) if name else None
            found = self._labels[cache] = (label, self._notes.get((table.spec.key, key), []))
        label, notes = found
        self._sink(table, row, key, label)
        for note in notes:
            note(row, label)

    def clear_flags(self, table: Table, row: Row) -> None:
        """An invalid row keeps its ID, its message and what it remembers (:data:`KEPT`);
        its flags would be out of date."""
        for column in table.spec.columns:
            if column.computed and column.key not in KEPT and not column.formula:
                self.put(table, row, column.key, None)

    def clear_row(self, table: Table, row: Row) -> None:
        """A row whose inputs were all cleared keeps no tool cells either."""
        for column in table.spec.columns:
            if column.computed:
                self.put(table, row, column.key, None)
