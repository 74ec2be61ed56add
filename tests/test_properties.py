"""Properties that must hold for any edit a person makes.

- A sync never changes a cell a person typed: only tool cells differ afterwards.
- A second sync with no edits writes nothing.
- Rollups equal an independent sum of the valid rows.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.api import sync_workbook
from sheets_sync.core.cells import WorkbookSnapshot
from sheets_sync.core.checklist import load_checklist
from sheets_sync.core.layout import FIRST_DATA_ROW, load_layout
from sheets_sync.quarter.new_plan import build_plan
from sheets_sync.sync.compute import compute
from sheets_sync.sync.locate import locate

from .conftest import AS_OF, all_cells, load_with_openpyxl, options

LAYOUT = load_layout()
ROW_SHEET_KEYS = [s.key for s in LAYOUT.sheets if s.kind == "rows"]

cell_values = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(dt.date(2026, 10, 1), dt.date(2027, 6, 30)).map(
        lambda d: dt.datetime(d.year, d.month, d.day)
    ),
    st.sampled_from(
        [
            "Done",
            "In progress",
            "50 000 ₽",
            "$1,200",
            "1,5%",
            "01.02.2027",
            "=SUM(1,2)",
            "Alex Kim",
            "Website appeal",
        ]
    ),
)

edit = st.one_of(
    st.tuples(
        st.just("set"),
        st.sampled_from(ROW_SHEET_KEYS),
        st.integers(0, 12),
        st.integers(0, 20),
        cell_values,
    ),
    st.tuples(st.just("sort"), st.sampled_from(ROW_SHEET_KEYS), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("insert_row"), st.sampled_from(ROW_SHEET_KEYS), st.integers(0, 8)),
    st.tuples(st.just("insert_col"), st.sampled_from(ROW_SHEET_KEYS), st.integers(1, 20)),
    st.tuples(st.just("add_sheet"), st.text("abcxyz", min_size=1, max_size=8)),
)


def _apply(path: Path, edits: list[tuple[Any, ...]]) -> None:
    book = load_with_openpyxl(path)
    for op, *args in edits:
        if op == "add_sheet":
            title = "Mine " + args[0]
            if title not in book.sheetnames:
                book.create_sheet(title)[f"B{len(title)}"] = args[0]
            continue
        ws = book[LAYOUT.sheet(args[0]).title.en]
        if op == "set":
            _, row, col, value = args
            ws.cell(FIRST_DATA_ROW + row, 1 + col % ws.max_column).value = value
        elif op == "sort":
            _, col, reverse = args
            col = 1 + col % ws.max_column
            rows = [[c.value for c in line] for line in ws.iter_rows(min_row=FIRST_DATA_ROW)]
            rows.sort(key=lambda line: str(line[col - 1]), reverse=reverse)
            for r, line in enumerate(rows, start=FIRST_DATA_ROW):
                for c, value in enumerate(line, start=1):
                    ws.cell(r, c).value = value
        elif op == "insert_row":
            ws.insert_rows(FIRST_DATA_ROW + args[1])
        elif op == "insert_col":
            at = 1 + args[1] % (ws.max_column + 1)
            ws.insert_cols(at)
            ws.cell(2, at).value = "My column"
            ws.cell(FIRST_DATA_ROW, at).value = "my note"
    book.save(path)


def _tool_cells(path: Path) -> set[tuple[str, int, int]]:
    """Cells the tool may write, worked out from the layout and the file's key rows."""
    book = load_with_openpyxl(path)
    owned = set()
    for ws in book.worksheets:
        keys = {c.column: c.value for c in ws[1] if isinstance(c.value, str)}
        sheet = next(
            (
                s
                for s in LAYOUT.sheets
                if any(str(v).startswith(s.key + ".") for v in keys.values())
            ),
            None,
        )
        if sheet is None:
            continue
        for col, key in keys.items():
            name = key.split(".", 1)[1]
            if sheet.kind == "panel":  # the Dashboard, the Timeline: every slot row is ours
                if name in sheet.column_keys():
                    owned.update((ws.title, r, col) for r in range(FIRST_DATA_ROW, ws.max_row + 1))
            elif sheet.kind == "rows":
                if name in sheet.column_keys() and sheet.column(name).computed:
                    owned.update((ws.title, r, col) for r in range(FIRST_DATA_ROW, ws.max_row + 50))
            else:
                for r in range(FIRST_DATA_ROW, ws.max_row + 1):
                    field = ws.cell(r, 1).value
                    computed = any(f.key == field and f.computed for f in sheet.fields)
                    if name in ("label", "check") or (name == "value" and computed):
                        owned.add((ws.title, r, col))
    return owned


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(edit, max_size=6), days=st.integers(-60, 120))
def test_sync_changes_only_tool_cells_and_is_idempotent(
    example_template: Callable[[str], Path], tmp_path: Path, edits: list[Any], days: int
) -> None:
    path = tmp_path / "edited.xlsx"
    shutil.copy(example_template("en"), path)
    _apply(path, edits)
    before = all_cells(path)
    owned = _tool_cells(path)
    as_of = AS_OF + dt.timedelta(days=days)
    sync_workbook(path, as_of=as_of)
    after = all_cells(path)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed <= owned, sorted(changed - owned)[:5]
    for key in changed:  # an ID a person typed (or copied) is never replaced
        if key in before and str(before[key]).startswith(("IN-", "FA-", "GO-", "HY-", "OW-")):
            assert after.get(key) == before[key] or not isinstance(before[key], str)
    again = sync_workbook(path, as_of=as_of)
    assert again.cells_written == 0, again.changes[:5]


amounts = st.one_of(
    st.integers(0, 10**6),
    st.floats(0, 1e6, allow_nan=False),
    st.sampled_from(["12,500", "$3,000", "7 000 ₽", "oops"]),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 5), amounts, amounts, st.booleans()), max_size=25))
def test_rollup_equals_an_independent_sum_of_valid_rows(
    rows: list[tuple[int, Any, Any, bool]],
) -> None:
    plan = build_plan(options(), AS_OF)
    grids = {s.key: s.grid for s in plan.sheets}
    keys = LAYOUT.sheet("initiatives").column_keys()
    areas = [line[1] for line in grids["focus_areas"].rows[FIRST_DATA_ROW - 1 :]]
    owner = grids["owners"].rows[FIRST_DATA_ROW - 1][1]
    names = [*areas, "Not a focus area", "website APPEAL"]
    lines = []
    for area, planned, actual, good_owner in rows:
        record = {
            "focus_area": names[area % len(names)],
            "title": "t",
            "owner": owner if good_owner else "Nobody",
            "due": dt.date(2027, 3, 1),
            "status": "In progress",
            "planned": planned,
            "actual": actual,
        }
        lines.append([record.get(k) for k in keys])
    grids["initiatives"].rows[FIRST_DATA_ROW - 1 :] = lines
    snapshot = WorkbookSnapshot("mem", list(grids.values()))
    outcome = compute(locate(snapshot, LAYOUT), LAYOUT, load_checklist(), AS_OF)

    def number(value: Any) -> float | None:
        table = {"12,500": 12500.0, "$3,000": 3000.0, "7 000 ₽": 7000.0}
        return table.get(value) if isinstance(value, str) else float(value)

    expected: dict[str, list[float]] = {" ".join(a.split()).casefold(): [0.0, 0.0] for a in areas}
    for area, planned, actual, good_owner in rows:
        name = " ".join(names[area % len(names)].split()).casefold()
        if good_owner and name in expected and None not in (number(planned), number(actual)):
            expected[name][0] += number(planned) or 0.0
            expected[name][1] += number(actual) or 0.0
    got = {r.focus_area.casefold(): [r.planned, r.actual] for r in outcome.rollups}
    assert got.keys() == expected.keys()
    for name, (planned, actual) in expected.items():
        assert abs(got[name][0] - planned) < 1e-6 and abs(got[name][1] - actual) < 1e-6
