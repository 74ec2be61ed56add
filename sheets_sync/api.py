"""The library API the CLI is a thin shell over: generate, sync, next quarter, plan a year.

Everything a program needs to drive a roadmap is importable from here, the options
and the reports included, so a caller never reaches into the folders below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, cast

from sheets_sync.backends.protocol import Backend, Renderer
from sheets_sync.backends.target import (
    GoogleSheet,
    LocalFile,
    Target,
    google_sheet,
    parse_target,
)
from sheets_sync.backends.target import is_google as is_google
from sheets_sync.backends.xlsx.workbook import XlsxBackend
from sheets_sync.core.calendar import Quarter, year_quarters
from sheets_sync.core.layout import Business, Lang, load_layout
from sheets_sync.core.lazy import lazy_names
from sheets_sync.core.measured import Measurement, Measurements
from sheets_sync.errors import SheetsSyncError
from sheets_sync.sync.compute import Overrides
from sheets_sync.sync.locate import our_columns
from sheets_sync.sync.report import SyncReport
from sheets_sync.sync.run import sync

if TYPE_CHECKING:  # a sync of a local file needs neither gspread nor openpyxl loaded
    import gspread

    # Nor the code that plans a quarter: loaded by the functions that plan one.
    from sheets_sync.core.budget import BudgetChoice
    from sheets_sync.quarter.carry_report import CarryReport
    from sheets_sync.quarter.new_plan import Options, WorkbookPlan
    from sheets_sync.review.model import Kind, ReviewReport
    from sheets_sync.sync.rename import RenameReport

_QUARTER_NAMES = {
    "BudgetChoice": "sheets_sync.core.budget",
    "CarryReport": "sheets_sync.quarter.carry_report",
    "Options": "sheets_sync.quarter.new_plan",
    "WorkbookPlan": "sheets_sync.quarter.new_plan",
}


__getattr__ = lazy_names(__name__, _QUARTER_NAMES)  # the planning types, loaded on first use


__all__ = [
    "Backend",
    "BudgetChoice",
    "CarryReport",
    "GoogleDestination",
    "Measurement",
    "Options",
    "Quarter",
    "Renderer",
    "SyncReport",
    "generate",
    "generate_google",
    "generate_xlsx",
    "google_client",
    "is_google",
    "layout_description",
    "next_quarter",
    "open_backend",
    "plan_year",
    "rename_workbook",
    "review_workbook",
    "sync_workbook",
    "write_review",
]


@dataclass(frozen=True)
class GoogleDestination:
    """Where a new roadmap goes in Google Sheets: a new spreadsheet (in ``folder_id``,
    shared with ``share``), or new sheets in the existing ``spreadsheet``."""

    spreadsheet: str | None = None
    folder_id: str | None = None
    share: tuple[str, ...] = ()
    title: str | None = None


def google_client(credentials: str | Path | None = None) -> gspread.Client:
    """A retrying gspread client from a key file, the environment, or ADC."""
    from sheets_sync.backends.google import load_credentials, make_client

    auth = load_credentials(credentials)
    return make_client(auth.credentials, account=auth.account)


def open_backend(
    target: str | Path | Target,
    *,
    credentials: str | Path | None = None,
    client: gspread.Client | None = None,
) -> Backend:
    """The backend for a local path (``roadmap.xlsx``) or ``gsheet:ID`` / a sheet's URL."""
    place = parse_target(target)
    if isinstance(place, GoogleSheet):
        from sheets_sync.backends.google import GoogleSheetsBackend

        return GoogleSheetsBackend(place, client or google_client(credentials))
    path = place.path
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise SheetsSyncError(
            f"{path} is not an .xlsx file.", "Give the path of a roadmap workbook ending in .xlsx."
        )
    # Every reader of a roadmap locates it, and locating looks only at our columns.
    return XlsxBackend(path, columns=our_columns(load_layout()))


def generate_xlsx(
    out: str | Path, options: Options, *, as_of: dt.date, force: bool = False
) -> WorkbookPlan:
    """Write a new roadmap workbook to ``out``; refuses to overwrite unless ``force``."""
    from sheets_sync.backends.xlsx.render import XlsxOutput
    from sheets_sync.quarter.new_plan import build_plan

    output = XlsxOutput(out, force=force)
    output.prepare()
    plan = build_plan(options, as_of)
    output.render(plan)
    return plan


def generate(
    options: Options,
    out: str | Path | GoogleDestination,
    *,
    as_of: dt.date,
    force: bool = False,
    credentials: str | Path | None = None,
    client: gspread.Client | None = None,
) -> tuple[str, WorkbookPlan]:
    """Write a new roadmap to a local .xlsx or to Google Sheets; where it is, and its plan.

    Where is the path given, or the spreadsheet's URL.
    """
    if not isinstance(out, GoogleDestination):
        return str(out), generate_xlsx(out, options, as_of=as_of, force=force)
    if out.spreadsheet is not None:
        google_sheet(out.spreadsheet)  # a mistyped ID fails before credentials load
    sheet_id, plan = generate_google(
        options,
        as_of=as_of,
        client=client or google_client(credentials),
        title=out.title,
        spreadsheet=out.spreadsheet,
        folder_id=out.folder_id,
        share=out.share,
    )
    return GoogleSheet(sheet_id).url, plan


def generate_google(
    options: Options,
    *,
    as_of: dt.date,
    client: gspread.Client,
    title: str | None = None,
    spreadsheet: str | None = None,
    folder_id: str | None = None,
    share: Sequence[str] = (),
) -> tuple[str, WorkbookPlan]:
    """Create the roadmap as a Google spreadsheet (or add it to ``spreadsheet``)."""
    from sheets_sync.backends.google.render import GoogleOutput
    from sheets_sync.quarter.new_plan import build_plan

    output = GoogleOutput(
        client, title=title, spreadsheet=spreadsheet, folder_id=folder_id, share=share
    )
    plan = build_plan(options, as_of)
    output.render(plan)
    assert output.created is not None
    return output.created, plan


def sync_workbook(
    target: str | Path | Target | Backend,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    credentials: str | Path | None = None,
    overrides: Overrides | None = None,
    measured: Measurements | None = None,
) -> SyncReport:
    """Sync one workbook: a path, ``gsheet:ID``, or a backend you built yourself.

    ``measured``: metric values by name for the goals that name one in their
    ``data_source`` cell; None leaves the measured cells as they are.
    """
    backend = (
        open_backend(target, credentials=credentials)
        if _is_place(target)
        else cast(Backend, target)
    )
    return sync(backend, as_of=as_of, dry_run=dry_run, overrides=overrides, measured=measured)


def rename_workbook(
    target: str | Path | Target | Backend,
    *,
    dry_run: bool = False,
    credentials: str | Path | None = None,
    now: dt.datetime | None = None,
) -> RenameReport:
    """Put each renamed focus area's or owner's new name in the rows still using its old one.

    Only those cells are written (the marketer's own cells, so only when asked),
    in one batch through the same write as a sync: a local file is patched cell by
    cell, its formatting kept. Before a local file is written, a copy of it is kept
    beside it as ``NAME.before-rename-YYYYmmdd-HHMMSS.xlsx`` (``now``, default the
    local time); when the write fails the workbook is left as it was, and the copy
    is removed. ``dry_run`` writes nothing and lists what would change.
    """
    from dataclasses import replace

    from sheets_sync.backends.xlsx.atomic import keep_copy
    from sheets_sync.sync.locate import locate
    from sheets_sync.sync.overview import overview_language
    from sheets_sync.sync.rename import RenameReport, renaming

    backend = (
        open_backend(target, credentials=credentials)
        if _is_place(target)
        else cast(Backend, target)
    )
    layout = load_layout()
    snapshot = backend.read()
    located = locate(snapshot, layout)
    found = renaming(located, layout)
    report = RenameReport(
        snapshot.source,
        overview_language(located.table("overview"), layout),
        found.changes,
        dry_run,
        {key: table.title for key, table in located.tables.items()},
    )
    if dry_run or not found.writes:
        return report
    backup = None
    if isinstance(backend, XlsxBackend):
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        backup = keep_copy(backend.target, f"before-rename-{stamp}")
    try:
        written = backend.write(replace(snapshot, sheets=[]), found.writes)
    except BaseException:
        if backup is not None:  # the workbook was left as it was: no copy of it needed
            backup.unlink(missing_ok=True)
        raise
    return replace(report, write=written, backup=str(backup) if backup else None)


def _is_place(target: object) -> TypeGuard[str | Path | Target]:
    """A place to open (a path, ``gsheet:ID``, a URL, a parsed target), not a backend."""
    return isinstance(target, str | Path | LocalFile | GoogleSheet)


def _same_file(place: Target | None, out: object) -> bool:
    return (
        isinstance(place, LocalFile)
        and isinstance(out, str | Path)
        and Path(out).resolve() == place.path.resolve()
    )


def next_quarter(
    source: str | Path | Target | Backend,
    out: str | Path | Renderer | GoogleDestination | None,
    *,
    budget: BudgetChoice,
    as_of: dt.date,
    default_decision: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    credentials: str | Path | None = None,
    client: gspread.Client | None = None,
    metrics: tuple[str, ...] = (),
) -> CarryReport:
    """Next quarter's workbook from ``source``'s final review, written by ``out``.

    ``source`` is a path, ``gsheet:ID``, a sheet's URL or any backend (it is only
    read); ``out`` is a path for a new .xlsx, a :class:`GoogleDestination` or any
    renderer (``None`` only with ``dry_run``). One Google client (from
    ``credentials`` unless ``client`` is given) serves both when either is
    Google. Nothing is written when the review is incomplete
    (:class:`~sheets_sync.errors.IncompleteReview`), a row that would carry over
    is invalid, or ``dry_run`` is set. ``metrics`` (the configured metric names)
    fill the new goals' Data source dropdown, as ``generate`` does.
    """
    if out is None and not dry_run:
        raise SheetsSyncError("no output was given.", "Give --out NEW.xlsx, or use --dry-run.")
    place = parse_target(source) if _is_place(source) else None
    if _same_file(place, out):
        raise SheetsSyncError(
            f"--out {out} is the source workbook itself.",
            "Write next quarter to a new file; the source keeps this quarter's history.",
        )
    if client is None and (isinstance(place, GoogleSheet) or isinstance(out, GoogleDestination)):
        client = google_client(credentials)
    backend = open_backend(source, client=client) if _is_place(source) else cast(Backend, source)
    output = _renderer(out, force=force, client=client)
    if output is not None and not dry_run:
        output.prepare()
    from sheets_sync.quarter.carry import carry_over
    from sheets_sync.quarter.new_plan import build_plan
    from sheets_sync.quarter.read_back import read_roadmap

    roadmap = read_roadmap(backend.read(), as_of=as_of)
    carried = carry_over(roadmap, budget, default_decision=default_decision, metrics=metrics)
    if output is not None and not dry_run:
        plan = build_plan(carried.options, as_of, content=carried.content)
        carried.report.out = output.render(plan)
    return carried.report


def _renderer(
    out: str | Path | Renderer | GoogleDestination | None,
    *,
    force: bool,
    client: gspread.Client | None,
) -> Renderer | None:
    """The renderer behind ``out``: a new .xlsx, a new spreadsheet, or ``out`` itself."""
    if isinstance(out, str | Path):
        from sheets_sync.backends.xlsx.render import XlsxOutput

        return XlsxOutput(out, force=force)
    if isinstance(out, GoogleDestination):
        from sheets_sync.backends.google.render import GoogleOutput

        assert client is not None
        return GoogleOutput(
            client,
            title=out.title,
            spreadsheet=out.spreadsheet,
            folder_id=out.folder_id,
            share=out.share,
        )
    return out


def year_options(
    year: int,
    *,
    annual_budget: float,
    business: Business,
    weights: tuple[float, ...] | None = None,
    lang: Lang = "en",
    fiscal_year_start: int = 1,
    scope_threshold: float = 0.25,
) -> list[Options]:
    """The four quarters of fiscal ``year``, the annual budget split by ``weights``."""
    from sheets_sync.core.budget import split_annual
    from sheets_sync.quarter.new_plan import Options

    budgets = split_annual(annual_budget, weights)
    return [
        Options(
            quarter=quarter,
            business=business,
            lang=lang,
            quarter_budget=amount,
            annual_budget=annual_budget,
            scope_threshold=scope_threshold,
        )
        for quarter, amount in zip(year_quarters(year, fiscal_year_start), budgets, strict=True)
    ]


def year_file(out_dir: str | Path, options: Options) -> Path:
    """Where ``plan-year`` puts a quarter: ``roadmap-2027-Q1.xlsx``."""
    return Path(out_dir) / f"roadmap-{options.quarter.name}.xlsx"


def plan_year(
    year: int,
    out_dir: str | Path,
    *,
    annual_budget: float,
    business: Business,
    as_of: dt.date,
    weights: tuple[float, ...] | None = None,
    lang: Lang = "en",
    fiscal_year_start: int = 1,
    scope_threshold: float = 0.25,
    force: bool = False,
) -> list[tuple[Path, Options]]:
    """Write the four quarterly workbooks of ``year``; all or none.

    Every target is checked before the first is written, so an existing file
    stops the run with nothing written.
    """
    planned = [
        (year_file(out_dir, options), options)
        for options in year_options(
            year,
            annual_budget=annual_budget,
            business=business,
            weights=weights,
            lang=lang,
            fiscal_year_start=fiscal_year_start,
            scope_threshold=scope_threshold,
        )
    ]
    from sheets_sync.backends.xlsx.render import XlsxOutput
    from sheets_sync.quarter.new_plan import build_plan

    outputs = [XlsxOutput(path, force=force) for path, _ in planned]
    for output in outputs:
        output.prepare()
    for output, (_, options) in zip(outputs, planned, strict=True):
        output.render(build_plan(options, as_of))
    return planned


def layout_description(lang: Lang = "en") -> dict[str, Any]:
    """The layout as plain data: sheets, columns, keys, labels, types, roles, values."""
    layout = load_layout()

    def column(c: Any) -> dict[str, Any]:
        return {
            "key": c.key,
            "label": c.label.get(lang),
            "type": c.type,
            "required": c.required,
            "role": c.role,
            "key_cell": None,
            "allowed": (
                [layout.choice_label(c.choices, k, lang) for k in layout.choice_keys(c.choices)]
                if c.choices
                else None
            ),
            "allowed_keys": layout.choice_keys(c.choices) if c.choices else None,
            "ref": c.ref,
        }

    sheets = []
    for sheet in layout.sheets:
        columns = []
        for c in sheet.columns:
            entry = column(c)
            entry["key_cell"] = sheet.key_cell(c.key)
            columns.append(entry)
        item: dict[str, Any] = {
            "key": sheet.key,
            "kind": sheet.kind,
            "title": sheet.title.get(lang),
            "columns": columns,
        }
        if sheet.fields:
            item["fields"] = [column(f) for f in sheet.fields]
        sheets.append(item)
    return {
        "version": layout.version,
        "language": lang,
        "key_row": 1,
        "header_row": 2,
        "first_data_row": 3,
        "sheets": sheets,
    }


REVIEW_FORMATS = (".html", ".htm", ".pdf")


def review_workbook(
    target: str | Path | Target | Backend,
    *,
    as_of: dt.date,
    kind: Kind | None = None,
    credentials: str | Path | None = None,
    client: gspread.Client | None = None,
) -> ReviewReport:
    """The mid-quarter or final review of a roadmap (the kind defaults from ``as_of``).

    The workbook is only read. Raises what reading a roadmap back raises: an
    incomplete Overview, or rows that need fixing first.
    """
    from sheets_sync.review.read import read_review

    backend = (
        open_backend(target, credentials=credentials, client=client)
        if _is_place(target)
        else cast(Backend, target)
    )
    return read_review(backend.read(), as_of=as_of, kind=kind)


def write_review(report: ReviewReport, out: str | Path) -> Path:
    """Write ``report`` to ``out``, replacing it whole: one HTML page (.html) or a PDF (.pdf)."""
    from sheets_sync.review.html import render_html

    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in REVIEW_FORMATS:
        raise SheetsSyncError(
            f"{path}: a review is written as .html or .pdf.",
            "Give --out a name ending in .html or .pdf.",
        )
    if suffix == ".pdf":
        from sheets_sync.review.pdf import render_pdf

        data = render_pdf(report)
    else:
        data = render_html(report).encode("utf-8")
    temp = path.with_name(f".{path.name}.tmp")
    try:
        temp.write_bytes(data)
        temp.replace(path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise SheetsSyncError(
            f"{path} could not be written: {error.strerror or error}.",
            "Check the folder exists and is writable.",
        ) from error
    return path
