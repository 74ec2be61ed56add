"""Creating the roadmap spreadsheet: builders checked against Google's discovery document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.google.create import (
    Chart,
    FlagColour,
    NamedRange,
    SheetSpec,
    Validation,
    add_sheet,
    add_to_spreadsheet,
    chart_requests,
    create_spreadsheet,
    layout_requests,
    sheet_properties,
)
from sheets_sync.backends.google.spreadsheet import ROW_TAG_KEY
from sheets_sync.backends.protocol import WriteResult
from sheets_sync.core.cells import Formula
from sheets_sync.errors import FileExists, GoogleRequestRejected

from .fakes import discovery
from .fakes.google_env import EMAIL, GoogleEnv, google_env, mini_sync


@pytest.fixture
def env(tmp_path: Path) -> Iterator[GoogleEnv]:
    with google_env(tmp_path) as value:
        yield value


def initiatives(sheet_id: int = 1, rows: int = 3) -> SheetSpec:
    data: list[list[Any]] = [
        [
            "initiatives.id",
            "initiatives.title",
            "initiatives.focus",
            "initiatives.budget",
            "initiatives.flag",
        ],
        ["ID", "Initiative", "Focus area", "Budget", "Flag"],
    ]
    data += [[f"IN-{n:03d}", f"Initiative {n}", "SEO", n * 1000] for n in range(1, rows + 1)]
    data.append([None, "Total", None, Formula("=SUM(D3:D5)")])
    return SheetSpec(
        title="Initiatives",
        sheet_id=sheet_id,
        rows=data,
        column_widths={1: 90, 2: 320, 5: 220},
        validations=[
            Validation(col=3, first_row=3, last_row=200, source="'Focus areas'!B3:B50"),
            Validation(col=5, first_row=3, last_row=200, values=("ok", "over budget")),
        ],
        protected_cols=[(5, 5)],
        flag_colours=[FlagColour(5, 3, 200, "over budget", "#F4C7C3")],
        named_ranges=[NamedRange("initiative_budgets", 3, 200, 4, 4)],
    )


def focus_areas() -> SheetSpec:
    return SheetSpec(
        title="Focus areas",
        sheet_id=2,
        rows=[["focus.id", "focus.name"], ["ID", "Focus area"], ["FA-1", "SEO"]],
    )


def sheets_method(name: str) -> discovery.Method:
    api = discovery.load("sheets", "v4")
    return next(m for m in api.methods if m.name == name)


def test_layout_requests_are_valid_batch_update_bodies() -> None:
    spec = initiatives()
    body = {"requests": [add_sheet(spec), *layout_requests(spec)]}
    discovery.check_body(
        discovery.load("sheets", "v4"), sheets_method("spreadsheets.batchUpdate"), body
    )
    kinds = [next(iter(r)) for r in body["requests"]]
    assert kinds.count("createDeveloperMetadata") == 6  # every row with content
    assert kinds[:3] == ["addSheet", "updateCells", "updateDimensionProperties"]
    protected = next(r for r in body["requests"] if "addProtectedRange" in r)
    assert protected["addProtectedRange"]["protectedRange"]["warningOnly"] is True


def test_the_checker_rejects_what_google_rejects() -> None:
    api = discovery.load("sheets", "v4")
    method = sheets_method("spreadsheets.batchUpdate")
    with pytest.raises(discovery.BadRequest, match='Unknown name "frozenRows"'):
        discovery.check_body(
            api, method, {"requests": [{"addSheet": {"properties": {"frozenRows": 2}}}]}
        )
    with pytest.raises(discovery.BadRequest, match="dimension"):
        discovery.check_body(
            api, method, {"requests": [{"insertDimension": {"range": {"dimension": "ROW"}}}]}
        )
    get = sheets_method("spreadsheets.values.batchGet")
    with pytest.raises(discovery.BadRequest, match='Unknown name "valueRender"'):
        discovery.check_query(api, get, {"valueRender": ["FORMULA"]})


def test_create_sends_one_create_and_one_batch_update(env: GoogleEnv) -> None:
    client = env.client()
    new_id = create_spreadsheet(
        client,
        "Q3 2027 roadmap",
        [focus_areas(), initiatives()],
        share=["lead@example.com"],
        locale="ru_RU",
    )

    assert [e.name for e in env.fake.api_calls()] == [
        "spreadsheets.create",
        "spreadsheets.batchUpdate",
        "permissions.create",
    ]
    book = env.fake.books[new_id]
    assert [s.title for s in book.sheets] == ["Focus areas", "Initiatives"]
    assert book.locale == "ru_RU"
    assert "lead@example.com" in book.readers
    sheet = book.sheet_by_title("Initiatives")
    assert sheet.frozen_rows == 2
    assert book.cell("Initiatives", 6, 4) == {"formulaValue": "=SUM(D3:D5)"}
    assert len(sheet.extras["setDataValidation"]) == 2
    assert {m.key for m in book.metadata.values()} == {ROW_TAG_KEY}
    assert "initiative_budgets" in book.named_ranges

    # Every row is tagged at birth: the first sync writes at once.
    from sheets_sync.backends.google.spreadsheet import GoogleSheetsBackend

    backend = GoogleSheetsBackend(new_id, client, ["Initiatives"])
    assert mini_sync(backend) == WriteResult(written=3, requests=1)


def test_create_in_a_folder_goes_through_drive(env: GoogleEnv) -> None:
    new_id = create_spreadsheet(env.client(), "Roadmap", [initiatives()], folder_id="0FolderX")
    assert [e.name for e in env.fake.api_calls()] == ["files.create", "spreadsheets.batchUpdate"]
    book = env.fake.books[new_id]
    assert [s.title for s in book.sheets] == ["Initiatives"]  # the default sheet is gone
    assert env.fake.api_calls()[0].body["parents"] == ["0FolderX"]


def test_add_to_an_existing_spreadsheet_leaves_other_sheets_alone(env: GoogleEnv) -> None:
    book = env.fake.add_book(EMAIL, "Marketing")
    book.set_cell("Sheet1", 1, 1, "their data")
    book.sheets[0].sheet_id = 1  # collides with our sheet id

    placed = add_to_spreadsheet(env.client(), book.spreadsheet_id, [initiatives(sheet_id=1)])

    assert [e.name for e in env.fake.api_calls()] == [
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
    ]
    assert [s.title for s in book.sheets] == ["Sheet1", "Initiatives"]
    assert placed[0].sheet_id == 2
    assert book.value("Sheet1", 1, 1) == "their data"
    assert book.value("Initiatives", 3, 1) == "IN-001"


def test_add_refuses_to_overwrite_a_sheet_of_the_same_name(env: GoogleEnv) -> None:
    book = env.fake.add_book(EMAIL, "Marketing")
    book.sheets[0].title = "Initiatives"
    with pytest.raises(FileExists, match="already has sheets named 'Initiatives'"):
        add_to_spreadsheet(env.client(), book.spreadsheet_id, [initiatives()])


def test_sheet_properties_grow_the_grid_to_fit_the_rows() -> None:
    spec = SheetSpec(title="Big", sheet_id=3, rows=[["x"] * 30] * 1200)
    assert sheet_properties(spec)["gridProperties"] == {
        "rowCount": 1200,
        "columnCount": 30,
        "frozenRowCount": 2,
    }


def test_a_request_google_would_reject_is_one_line_error(env: GoogleEnv) -> None:
    book = env.roadmap(1)
    http = env.client().http_client
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{book.spreadsheet_id}/values:batchGet"
    with pytest.raises(GoogleRequestRejected) as caught:
        http.request("get", url, params={"ranges": "Initiatives", "valueRender": "FORMULA"})
    assert str(caught.value).startswith(
        f"Google rejected a request to spreadsheet {book.spreadsheet_id}: INVALID_ARGUMENT "
        'Invalid JSON payload received. Unknown name "valueRender"'
    )


def budget_chart(**changes: Any) -> Chart:
    values: dict[str, Any] = {
        "title": "Budget by focus area",
        "data_sheet": "Initiatives",
        "category_col": 2,
        "series_cols": (4,),
        "first_row": 2,
        "last_row": 5,
        "anchor": (3, 7),
        "category_title": "Initiative",
    }
    return Chart(**{**values, **changes})


def test_a_chart_reads_its_table_and_goes_in_the_one_batch_update(env: GoogleEnv) -> None:
    areas = focus_areas()
    areas.charts.append(budget_chart(size=(680, 340)))  # drawn on one sheet, reading another
    body = {"requests": chart_requests([initiatives(), areas])}
    discovery.check_body(
        discovery.load("sheets", "v4"), sheets_method("spreadsheets.batchUpdate"), body
    )
    ((kind, request),) = body["requests"][0].items()
    assert kind == "addChart"
    assert request["chart"]["position"]["overlayPosition"] == {
        "anchorCell": {"sheetId": 2, "rowIndex": 2, "columnIndex": 6},
        "widthPixels": 680,
        "heightPixels": 340,
    }
    basic = request["chart"]["spec"]["basicChart"]
    rows = {"sheetId": 1, "startRowIndex": 1, "endRowIndex": 5}
    assert basic["domains"][0]["domain"]["sourceRange"]["sources"] == [
        {**rows, "startColumnIndex": 1, "endColumnIndex": 2}
    ]
    assert basic["series"][0]["series"]["sourceRange"]["sources"] == [
        {**rows, "startColumnIndex": 3, "endColumnIndex": 4}
    ]
    assert basic["axis"] == [{"position": "BOTTOM_AXIS", "title": "Initiative"}]

    new_id = create_spreadsheet(env.client(), "Roadmap", [initiatives(), areas])

    assert [e.name for e in env.fake.api_calls()] == [
        "spreadsheets.create",
        "spreadsheets.batchUpdate",
    ]
    book = env.fake.books[new_id]
    (chart,) = book.sheet_by_title("Focus areas").charts
    assert chart["spec"]["title"] == "Budget by focus area"
    assert not book.sheet_by_title("Initiatives").charts


def test_a_chart_added_to_an_existing_spreadsheet_reads_its_sheet_under_its_new_id(
    env: GoogleEnv,
) -> None:
    book = env.fake.add_book(EMAIL, "Marketing")
    book.sheets[0].sheet_id = 1  # collides with our sheet id
    sheet = initiatives(sheet_id=1)
    sheet.charts.append(budget_chart())

    (placed,) = add_to_spreadsheet(env.client(), book.spreadsheet_id, [sheet])

    (chart,) = book.sheet_by_title("Initiatives").charts
    basic = chart["spec"]["basicChart"]
    sources = [d["domain"] for d in basic["domains"]] + [s["series"] for s in basic["series"]]
    assert {s["sourceRange"]["sources"][0]["sheetId"] for s in sources} == {placed.sheet_id}
    assert chart["position"]["overlayPosition"]["anchorCell"]["sheetId"] == placed.sheet_id == 2
    assert [e.name for e in env.fake.api_calls()] == [
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
    ]
