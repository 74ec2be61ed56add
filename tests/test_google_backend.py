"""The Google backend through real gspread and google-auth, against the local fake."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.backends.google.spreadsheet import (
    ROW_DELETED,
    ROW_TAG_KEY,
    WAIT_FOR_TAG,
    decode,
    encode,
)
from sheets_sync.backends.protocol import Backend, WriteResult
from sheets_sync.core.cells import CellWrite, Formula

from .fakes.google_env import FLAG_COL, GoogleEnv, flag_for, flags_by_id, google_env, mini_sync


@pytest.fixture
def env(tmp_path: Path) -> Iterator[GoogleEnv]:
    with google_env(tmp_path) as value:
        yield value


def api_names(env: GoogleEnv) -> list[str]:
    return [entry.name for entry in env.fake.api_calls()]


def test_read_types_every_cell(env: GoogleEnv) -> None:
    book = env.roadmap(2)
    sheet = "Initiatives"
    book.set_cell(sheet, 3, 6, "=SUM(D3:D4)")  # a formula a person typed
    book.sheet_by_title(sheet).rows[3].set(5, {"stringValue": "=SUM(A1)"})  # text, stored RAW
    book.set_cell(sheet, 3, 7, "TRUE")
    book.sheet_by_title(sheet).rows[2].set(7, {"numberValue": 46022.0})  # a date: serial
    book.set_cell(sheet, 4, 7, "2.5")

    grid = env.backend(book, [sheet]).read().sheet(sheet)

    assert grid is not None
    assert grid.rows[2] == [
        "IN-001",
        "Initiative 1",
        "Ana",
        1000,
        None,
        Formula("=SUM(D3:D4)"),
        True,
        46022,
    ]
    assert grid.rows[3] == ["IN-002", "Initiative 2", "Li Wei", 2000, None, "=SUM(A1)", 2.5]
    assert api_names(env) == ["spreadsheets.get"]


def test_read_selects_sheets_and_leaves_the_others_out(env: GoogleEnv) -> None:
    book = env.roadmap(1)
    snapshot = env.backend(book, ["Initiatives"]).read()
    assert [grid.title for grid in snapshot.sheets] == ["Initiatives"]
    everything = env.backend(book).read()
    assert [grid.title for grid in everything.sheets] == ["Initiatives", "My notes"]


def test_encode_and_decode_cell_values() -> None:
    assert encode(None) == ""  # JSON null would mean "leave the cell alone"
    assert encode("=SUM(A1)") == "=SUM(A1)"
    assert encode("=SUM(A1)", user_entered=True) == "'=SUM(A1)"
    assert encode("", user_entered=True) == ""
    assert encode(dt.date(2026, 1, 1)) == 46023
    assert encode(dt.datetime(2026, 1, 1, 18)) == 46023.75
    assert encode(Formula("=A1"), user_entered=True) == "=A1"
    with pytest.raises(ValueError, match="USER_ENTERED"):
        encode(Formula("=A1"))
    assert decode({"numberValue": 3.0}) == 3
    assert decode({"formulaValue": "=A1"}) == Formula("=A1")
    assert decode({}) is None


def test_write_is_raw_so_text_never_becomes_a_formula(env: GoogleEnv) -> None:
    book = env.roadmap(2)
    backend = env.backend(book, ["Initiatives"])
    snapshot = backend.read()

    report = backend.write(
        snapshot,
        [
            CellWrite("Initiatives", 3, FLAG_COL, "=SUM(A1)"),
            CellWrite("Initiatives", 4, FLAG_COL, "007"),
        ],
    )

    assert report == WriteResult(written=2, requests=1)
    assert book.cell("Initiatives", 3, FLAG_COL) == {"stringValue": "=SUM(A1)"}
    assert book.cell("Initiatives", 4, FLAG_COL) == {"stringValue": "007"}
    write = env.fake.api_calls()[-1]
    assert write.body["valueInputOption"] == "RAW"


def test_formulas_go_user_entered_and_text_keeps_its_apostrophe(env: GoogleEnv) -> None:
    book = env.roadmap(2)
    backend = env.backend(book, ["Initiatives"])
    snapshot = backend.read()

    backend.write(
        snapshot,
        [
            CellWrite("Initiatives", 3, 6, Formula("=D3*2")),
            CellWrite("Initiatives", 3, FLAG_COL, "=SUM(A1)"),
            CellWrite("Initiatives", 4, FLAG_COL, "1,5"),
            CellWrite("Initiatives", 4, 6, 12.5),
        ],
    )

    assert book.cell("Initiatives", 3, 6) == {"formulaValue": "=D3*2"}
    assert book.cell("Initiatives", 3, FLAG_COL) == {"stringValue": "=SUM(A1)"}
    assert book.cell("Initiatives", 4, FLAG_COL) == {"stringValue": "1,5"}
    assert book.cell("Initiatives", 4, 6) == {"numberValue": 12.5}
    assert env.fake.api_calls()[-1].body["valueInputOption"] == "USER_ENTERED"


def test_write_touches_only_the_cells_asked_for(env: GoogleEnv) -> None:
    book = env.roadmap(2)
    book.set_cell("Initiatives", 3, FLAG_COL, "stale flag")
    book.set_cell("Initiatives", 3, 7, "a person's note")
    backend = env.backend(book, ["Initiatives"])
    before = {(r, c): book.cell("Initiatives", r, c) for r in range(1, 6) for c in range(1, 9)}

    backend.write(backend.read(), [CellWrite("Initiatives", 3, FLAG_COL, None)])

    after = {(r, c): book.cell("Initiatives", r, c) for r in range(1, 6) for c in range(1, 9)}
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {(3, FLAG_COL)}
    assert after[(3, FLAG_COL)] is None  # "" cleared it
    assert after[(3, 7)] == {"stringValue": "a person's note"}  # null skipped it


def test_no_writes_sends_no_request(env: GoogleEnv) -> None:
    book = env.roadmap(3)
    backend = env.backend(book, ["Initiatives"])
    assert backend.write(backend.read(), []) == WriteResult()
    assert api_names(env) == ["spreadsheets.get"]


def test_write_needs_the_snapshot_of_the_last_read(env: GoogleEnv) -> None:
    backend = env.backend(env.roadmap(1), ["Initiatives"])
    old = backend.read()
    backend.read()
    with pytest.raises(ValueError, match="last read"):
        backend.write(old, [CellWrite("Initiatives", 3, FLAG_COL, "x")])
    with pytest.raises(ValueError, match="not read"):
        backend.write(backend.read(), [CellWrite("My notes", 1, 1, "x")])


# -- rows moving while a sync runs ------------------------------------------------------


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda b: b.insert_rows("Initiatives", 3, 2), id="insert-above"),
        pytest.param(lambda b: b.insert_rows("Initiatives", 6, 1), id="insert-between"),
        pytest.param(lambda b: b.sort_rows("Initiatives", 3, 4, descending=True), id="sort"),
        pytest.param(lambda b: b.sort_rows("Initiatives", 3, 3), id="sort-by-owner"),
        pytest.param(lambda b: b.move_row("Initiatives", 3, 9), id="drag-row-down"),
        pytest.param(lambda b: b.delete_rows("Initiatives", 5, 2), id="delete-two"),
        pytest.param(
            lambda b: (
                b.delete_rows("Initiatives", 3, 1),
                b.insert_rows("Initiatives", 4, 3),
                b.sort_rows("Initiatives", 3, 1, descending=True),
            ),
            id="delete-insert-sort",
        ),
    ],
)
def test_flags_land_on_their_rows_when_rows_move_between_read_and_write(
    env: GoogleEnv, edit
) -> None:  # type: ignore[no-untyped-def]
    book = env.roadmap(10)
    ids_before = set(flags_by_id(book))

    report = mini_sync(env.backend(book, ["Initiatives"]), between=lambda: edit(book))

    flags = flags_by_id(book)
    deleted = ids_before - set(flags)
    assert report.written == 10 - len(deleted)
    assert report.dropped == len(deleted)
    for row in range(3, len(book.sheet_by_title("Initiatives").rows) + 1):
        ident = book.value("Initiatives", row, 1)
        flag = book.value("Initiatives", row, FLAG_COL)
        if ident is None:
            assert flag is None  # inserted rows got nothing
        else:
            assert flag == flag_for(ident, book.value("Initiatives", row, 4))
    # The next sync finds everything in place and writes nothing.
    assert mini_sync(env.backend(book, ["Initiatives"])) == WriteResult()


def test_flag_follows_its_row_even_when_a_person_edits_the_id(env: GoogleEnv) -> None:
    book = env.roadmap(3)

    def edit() -> None:
        book.set_cell("Initiatives", 3, 1, "IN-101")
        book.move_row("Initiatives", 3, 5)

    mini_sync(env.backend(book, ["Initiatives"]), between=edit)

    # The flag was computed from the row as read (IN-001) and lands on that same row.
    assert book.value("Initiatives", 5, 1) == "IN-101"
    assert book.value("Initiatives", 5, FLAG_COL) == "IN-001: ok"


def test_rows_added_by_people_are_tagged_first_and_written_next_sync(env: GoogleEnv) -> None:
    book = env.roadmap(3)
    book.insert_rows("Initiatives", 4, 1)
    book.set_cell("Initiatives", 4, 1, "IN-900")
    book.set_cell("Initiatives", 4, 4, "9000")
    backend = env.backend(book, ["Initiatives"])

    first = mini_sync(backend)

    assert first == WriteResult(tagged=1, deferred=4, requests=1, why=WAIT_FOR_TAG)
    assert all(flag is None for flag in flags_by_id(book).values())
    assert api_names(env) == ["spreadsheets.get", "spreadsheets.batchUpdate"]

    second = mini_sync(backend)

    assert second == WriteResult(written=4, requests=1)
    assert flags_by_id(book) == {f"IN-00{n}": f"IN-00{n}: ok" for n in (1, 2, 3)} | {
        "IN-900": "IN-900: over budget"
    }
    assert mini_sync(backend) == WriteResult()


def test_a_tag_meant_for_a_row_that_moved_away_is_retried(env: GoogleEnv) -> None:
    book = env.roadmap(3)
    book.set_cell("Initiatives", 6, 1, "IN-900")
    book.set_cell("Initiatives", 6, 4, "9000")
    backend = env.backend(book, ["Initiatives"])

    # The new row is sorted to the top while we tag row 6: the tag lands on IN-003.
    first = mini_sync(backend, between=lambda: book.sort_rows("Initiatives", 3, 4, descending=True))
    second = mini_sync(backend)
    third = mini_sync(backend)

    assert (first.tagged, second.tagged, third.tagged) == (1, 1, 0)
    assert third.written == 4
    assert flags_by_id(book)["IN-900"] == "IN-900: over budget"
    assert flags_by_id(book)["IN-003"] == "IN-003: ok"


def test_a_row_tag_landing_on_another_row_is_harmless(env: GoogleEnv) -> None:
    """Tags are opaque: whichever row a tag lands on, the next read pairs them up."""
    book = env.roadmap(2, tagged=False)
    backend = env.backend(book, ["Initiatives"])
    # Nothing tagged yet; a person drags IN-001 to the bottom while we tag.
    reports = [mini_sync(backend, between=lambda: book.move_row("Initiatives", 3, 5))]
    for _ in range(3):
        reports.append(mini_sync(backend))
        for ident, flag in flags_by_id(book).items():
            assert flag in (None, f"{ident}: ok")  # never another row's flag
    assert [r.tagged for r in reports] == [4, 1, 0, 0]
    assert [r.written for r in reports] == [0, 0, 2, 0]
    assert flags_by_id(book) == {"IN-001": "IN-001: ok", "IN-002": "IN-002: ok"}


def test_duplicate_tags_on_a_row_still_name_that_row(env: GoogleEnv) -> None:
    book = env.roadmap(2)
    extra = env.fake.tag_row(book, "Initiatives", 3)  # e.g. a tag write retried after a drop
    assert extra in book.sheet_by_title("Initiatives").row(2).meta
    tags = set(book.metadata)
    report = mini_sync(env.backend(book, ["Initiatives"]))
    assert report == WriteResult(written=2, requests=1)
    assert set(book.metadata) == tags  # the row counts as tagged: nothing new was tagged
    assert flags_by_id(book) == {"IN-001": "IN-001: ok", "IN-002": "IN-002: ok"}


def test_tags_are_document_visible_row_metadata(env: GoogleEnv) -> None:
    book = env.roadmap(1, tagged=False)
    backend = env.backend(book, ["Initiatives"])
    backend.write(backend.read(), [CellWrite("Initiatives", 3, FLAG_COL, "x")])
    tags = list(book.metadata.values())
    assert {(m.key, m.visibility) for m in tags} == {(ROW_TAG_KEY, "DOCUMENT")}
    assert len(tags) == 3


# -- request counts ---------------------------------------------------------------------


@pytest.mark.parametrize("rows", [10, 10_000])
def test_requests_per_sync_do_not_grow_with_rows(env: GoogleEnv, rows: int) -> None:
    book = env.roadmap(rows)
    backend = env.backend(book, ["Initiatives"])

    first = mini_sync(backend)
    second = mini_sync(backend)

    assert first.written == rows
    assert second == WriteResult()
    assert api_names(env) == [
        "spreadsheets.get",
        "spreadsheets.values.batchUpdateByDataFilter",  # sync 1
        "spreadsheets.get",  # sync 2: nothing changed, nothing sent
    ]
    sent = env.fake.api_calls()[1].body["data"]
    assert len(sent) == rows  # one row filter per row, all in that one request


def test_every_cell_of_a_write_is_counted_once(env: GoogleEnv) -> None:
    """Written, deferred or dropped, through the protocol every sync uses."""
    book = env.roadmap(3)
    backend: Backend = env.backend(book, ["Initiatives"])
    snapshot = backend.read()
    writes = [CellWrite("Initiatives", row, FLAG_COL, f"flag {row}") for row in (3, 4, 5)]
    book.delete_rows("Initiatives", 4, 1)  # IN-002 goes between the read and the write

    result = backend.write(snapshot, writes)

    assert result == WriteResult(written=2, dropped=1, requests=1, why=ROW_DELETED)
    assert flags_by_id(book) == {"IN-001": "flag 3", "IN-003": "flag 5"}
    assert api_names(env) == ["spreadsheets.get", "spreadsheets.values.batchUpdateByDataFilter"]


EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), st.integers(3, 12), st.integers(1, 3)),
        st.tuples(st.just("delete"), st.integers(3, 10), st.integers(1, 2)),
        st.tuples(st.just("sort"), st.integers(1, 4), st.booleans()),
        st.tuples(st.just("move"), st.integers(3, 10), st.integers(3, 12)),
    ),
    max_size=5,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=EDITS)
def test_property_no_flag_ever_lands_on_another_row(env: GoogleEnv, edits: list[tuple]) -> None:  # type: ignore[type-arg]
    book = env.roadmap(8, extra_sheet=False)

    def edit() -> None:
        for kind, a, b in edits:
            rows = len(book.sheet_by_title("Initiatives").rows)
            if kind == "insert":
                book.insert_rows("Initiatives", min(a, rows + 1), b)
            elif kind == "delete" and a <= rows:
                book.delete_rows("Initiatives", a, min(b, rows - a + 1))
            elif kind == "sort":
                book.sort_rows("Initiatives", 3, a, descending=b)
            elif kind == "move" and max(a, b) <= rows:
                book.move_row("Initiatives", a, b)

    report = mini_sync(env.backend(book, ["Initiatives"]), between=edit)

    # Every flag is counted once: landed on its row, or dropped with a deleted row.
    assert (report.written, report.dropped) == (len(flags_by_id(book)), 8 - len(flags_by_id(book)))
    assert (report.deferred, report.tagged, report.requests) == (0, 0, 1)
    for row in range(3, len(book.sheet_by_title("Initiatives").rows) + 1):
        ident = book.value("Initiatives", row, 1)
        flag = book.value("Initiatives", row, FLAG_COL)
        assert flag == (
            None if ident is None else flag_for(ident, book.value("Initiatives", row, 4))
        )
