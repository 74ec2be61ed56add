"""From located rows to the tool's cells: one walk over each sheet, then the totals.

``compute`` is pure: it takes the rows as read and an ``as_of`` date and decides
the value every tool-owned cell should hold, plus the problems and rollups for the
report. Compute walks the rows and hands each to the checks in :mod:`.checks`
(the Overview's fields are checked in :mod:`.overview`) and, when it is valid,
to the flags in :mod:`.flags`. Which of the values differ from the workbook is
:mod:`.diff`'s job.

Each sheet is walked once, row by row, in an order where everything a row is
checked against is already known (focus areas and owners before initiatives, and
those before the sheets that point at them). A row is validated, cross-checked and
flagged in one step and its values handed on at once, so a 50,000-row sheet never
holds all its models or all its cells' values at the same time. Only the two
sheets whose flags wait for the initiatives' totals keep their models until then.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellValue
from sheets_sync.core.checklist import Checklist
from sheets_sync.core.formulas import Where, focus_formula, overview_formula
from sheets_sync.core.i18n import message
from sheets_sync.core.layout import Lang, Layout, Sheet
from sheets_sync.core.measured import Measurements
from sheets_sync.core.models import RowModel
from sheets_sync.core.parsing import clean_text, match_key
from sheets_sync.core.rules import STALE_AFTER_DAYS
from sheets_sync.sync.checks import (
    Parsed,
    Problem,
    References,
    Renamed,
    SheetChecks,
    check_text,
)
from sheets_sync.sync.flags import DEFERRED, FLAGS, Flagging, flag_totals
from sheets_sync.sync.locate import Located, Table
from sheets_sync.sync.overview import OverviewParsed, overview_language, parse_overview
from sheets_sync.sync.rollup import FocusRollup, QuarterRollup
from sheets_sync.sync.sink import CellKey, Cells, Sink, Watched
from sheets_sync.sync.uncounted import UncountedTally

_ID = re.compile(r"^([A-Za-z]+)-(\d+)$")


@dataclass
class SheetCount:
    title: str
    rows: int
    invalid: int


@dataclass
class Outcome:
    """What the sync found and what every tool cell should hold."""

    lang: Lang
    quarter: Quarter | None
    desired: dict[CellKey, CellValue]  # empty when the values went to a sink
    problems: list[Problem]
    rollups: list[FocusRollup]
    total: QuarterRollup | None
    sheets: dict[str, SheetCount]
    ids_assigned: int = 0
    parsed: dict[str, Parsed] = field(default_factory=dict)  # each sheet's rows and models
    overview: OverviewParsed | None = None
    renamed: list[Renamed] = field(default_factory=list)  # renames rows have not followed


def assign_ids(table: Table) -> dict[int, str]:
    """IDs for rows a person added without one: the sheet's prefix and the next number."""
    inputs = [c.key for c in table.spec.columns if not c.computed]
    missing = [r for r in table.rows if clean_text(r.get("id")) is None and not r.is_blank(inputs)]
    if not missing:  # the usual sync: no number to work out
        return {}
    prefix = table.spec.id_prefix or "ID"
    used = 0
    for row in table.rows:
        rid = clean_text(row.get("id"))
        if rid is not None and (match := _ID.match(rid)) and match[1].upper() == prefix.upper():
            used = max(used, int(match[2]))
    new: dict[int, str] = {}
    for row in missing:
        used += 1
        new[row.number] = f"{prefix}-{used:03d}"
        row.assign("id", new[row.number])
    return new


@dataclass(frozen=True)
class Overrides:
    """Settings an operator imposes on a workbook, over what its Overview says."""

    scope_threshold: float | None = None
    due_soon_days: int | None = None
    stale_after_days: int | None = None
    language: Lang | None = None  # only where the Overview names none


def walk_order(layout: Layout) -> list[str]:
    """The rows sheets in layout order, except that a sheet comes after those it refers to."""
    pending = [s for s in layout.sheets if s.kind == "rows"]
    done: list[str] = []
    while pending:
        ready = next((s for s in pending if set(_referenced(s)) <= set(done)), None)
        if ready is None:
            raise ValueError(f"the layout's references go round in a circle: {pending}")
        done.append(ready.key)
        pending.remove(ready)
    return done


def _referenced(sheet: Sheet) -> list[str]:
    return [c.ref.partition(".")[0] for c in sheet.columns if c.ref]


def compute(
    located: Located,
    layout: Layout,
    checklist: Checklist,
    as_of: dt.date,
    overrides: Overrides | None = None,
    *,
    sink: Sink | None = None,
    watchers: Iterable[Watched] = (),
    keep_models: bool = True,
    measured: Measurements | None = None,
) -> Outcome:
    """Everything a sync decides, without touching the workbook.

    Each tool cell's value is decided once and handed to ``sink`` (collected in
    ``Outcome.desired`` without one), and told to the notes of ``watchers`` that
    watch its sheet and column (see :class:`.sink.Cells`). ``keep_models=False``
    drops each row's model once its row is flagged, and keeps no rows in
    ``Outcome.parsed``, for a sync that needs only the cells and the report.
    ``measured`` holds the run's metric values by name (see :mod:`.measured`); None
    when no metrics are configured.
    """
    overrides = overrides or Overrides()
    overview_table = located.table("overview")
    lang = overview_language(overview_table, layout, overrides.language)
    overview = parse_overview(overview_table, lang)
    flagging = _flagging(overview, overrides, as_of)
    flagging.measured = measured
    cells = Cells(layout, lang, sink, watchers)
    ids = sum(len(assign_ids(located.table(key))) for key in located.tables if key != "overview")
    where = Where(
        located.table("focus_areas").columns,
        located.table("initiatives").title,
        located.table("initiatives").columns,
    )
    uncounted = UncountedTally(lang)
    parsed: dict[str, Parsed] = {}
    known = References({key: table.title for key, table in located.tables.items()}, parsed)
    parsed = _walk_sheets(located, cells, flagging, where, keep_models, uncounted, known)
    rollups, total = flag_totals(cells, parsed["focus_areas"], parsed["owners"], flagging)
    rollups, total = uncounted.mark(rollups, total)
    for key in RENAMEABLE:
        _known_as(cells, parsed[key], known)
    if not keep_models:
        for key in DEFERRED:
            parsed[key].models.clear()
    _overview_cells(cells, overview, checklist, where, total)
    problems, counts = _found(overview, parsed)
    return Outcome(
        lang,
        overview.quarter,
        cells.desired,
        problems,
        rollups,
        total if overview.model else None,
        counts,
        ids,
        parsed=parsed if keep_models else {},
        overview=overview,
        renamed=known.renames_in_use(),
    )


def _flagging(overview: OverviewParsed, overrides: Overrides, as_of: dt.date) -> Flagging:
    """The Overview's settings (defaults where it is invalid), with the overrides over them."""
    settings = overview.model
    threshold = overrides.scope_threshold or (settings.scope_threshold if settings else 0.25)
    due_soon = overrides.due_soon_days
    if due_soon is None:
        due_soon = settings.due_soon_days if settings else 7
    stale = overrides.stale_after_days
    if stale is None:
        stale = settings.stale_after_days if settings else STALE_AFTER_DAYS
    return Flagging(
        as_of,
        overview.quarter,
        quarter_budget=settings.quarter_budget if settings else None,
        annual=settings.annual_budget if settings else None,
        threshold=threshold,
        due_soon=due_soon,
        stale_after=stale,
    )


def _walk_sheets(
    located: Located,
    cells: Cells,
    flagging: Flagging,
    where: Where,
    keep_models: bool,
    uncounted: UncountedTally,
    known: References,
) -> dict[str, Parsed]:
    """Every rows sheet walked once, in :func:`walk_order`: its rows checked and flagged;
    the money of invalid initiatives goes to ``uncounted``."""
    parsed = known.parsed
    for key in walk_order(cells.layout):
        table = located.table(key)
        checks = SheetChecks(table.spec, known, flagging.quarter, cells.lang)
        keep = keep_models or key in DEFERRED
        left_out = uncounted if key == "initiatives" else None
        parsed[key] = _walk(table, checks, cells, flagging, where, keep, left_out)
    return {s.key: parsed[s.key] for s in cells.layout.sheets if s.kind == "rows"}


def _walk(
    table: Table,
    checks: SheetChecks,
    cells: Cells,
    flagging: Flagging,
    where: Where,
    keep: bool,
    uncounted: UncountedTally | None = None,
) -> Parsed:
    """Check and flag every row of one sheet, in one pass, handing on each value decided.

    A row with no input left keeps no tool cells; an invalid row keeps its ID and
    its message but no flags; a valid one (warnings allowed) gets its flags.
    """
    spec = table.spec
    inputs = {c.key for c in spec.columns if not c.computed}
    positions = _positions(table, checks.model_type, inputs)
    flag = None if spec.key in DEFERRED else FLAGS.get(spec.key)
    formulas = [c for c in spec.columns if c.formula] if spec.key == "focus_areas" else []
    lang = cells.lang
    ok = message("ok", lang)
    parsed = Parsed(table)
    problems = parsed.problems
    check = checks.check
    for row in table.rows:
        values = row.filled_at(positions)
        if inputs.isdisjoint(values):
            cells.clear_row(table, row)
            continue
        parsed.rows.append(row)
        first = len(problems)
        rid = clean_text(values.get("id"))
        if row.assigned and "id" in row.assigned:  # a new ID, from assign_ids
            cells.put(table, row, "id", rid)
        model = check(row, rid, values, problems)
        for column in formulas:
            cells.put(
                table, row, column.key, focus_formula(column.formula or "", where, row.number)
            )
        mine = problems[first:] if len(problems) > first else ()
        if model is not None and (not mine or all(p.warning for p in mine)):
            if keep:
                parsed.models[row.number] = model
            if flag is not None:
                flag(cells, table, row, model, flagging)
        else:
            cells.clear_flags(table, row)
            if uncounted is not None:
                uncounted.add(values)
        cells.put(table, row, "check", check_text(mine, spec, lang) if mine else ok)
    return parsed


# The sheets whose names other sheets use: each row remembers the name it had at the
# last sync (``known_as``), so a rename there is recognised by the row, not lost.
RENAMEABLE = ("focus_areas", "owners")


def _known_as(cells: Cells, sheet: Parsed, known: References) -> None:
    """Each row's name as of this sync; the old one kept while rows elsewhere still use it."""
    for row in sheet.rows:
        name, old = clean_text(row.get("name")), clean_text(row.get("known_as"))
        if old and known.still_used[(sheet.table.spec.key, match_key(old))]:
            name = old
        cells.put(sheet.table, row, "known_as", name)


def _positions(table: Table, model_type: type[RowModel], inputs: set[str]) -> list[tuple[str, int]]:
    """Where a row's model fields and inputs are in the sheet: (key, 0-based index)."""
    keys = dict.fromkeys([*model_type.model_fields, *inputs])
    return [(key, table.columns[key] - 1) for key in keys if key in table.columns]


def _found(
    overview: OverviewParsed, parsed: dict[str, Parsed]
) -> tuple[list[Problem], dict[str, SheetCount]]:
    """Every problem, the Overview's first, and each sheet's rows and invalid rows."""
    problems: list[Problem] = list(overview.problems)
    counts: dict[str, SheetCount] = {}
    for key, sheet in parsed.items():
        problems.extend(sheet.problems)
        counts[key] = SheetCount(sheet.table.title, len(sheet.rows), len(sheet.invalid_rows()))
    counts["overview"] = SheetCount(
        overview.table.title, len(overview.fields), len({p.row for p in overview.problems})
    )
    return problems, counts


def _overview_cells(
    cells: Cells, overview: OverviewParsed, checklist: Checklist, where: Where, total: QuarterRollup
) -> None:
    """The Overview's tool cells: labels, the quarter's dates and theme, totals, checks."""
    table = overview.table
    spec = table.spec
    lang = cells.lang
    by_row: dict[int, list[Problem]] = {}
    for problem in overview.problems:
        by_row.setdefault(problem.row, []).append(problem)
    texts = {row: check_text(found, spec, lang) for row, found in by_row.items()}
    values = _overview_values(overview, cells, checklist, total)
    texts.update(_budget_check(overview, total, lang))
    ok = message("ok", lang)
    for field_spec in spec.fields:
        row = overview.fields.get(field_spec.key)
        if row is None:
            continue
        cells.put(table, row, "label", field_spec.label.get(lang))
        if field_spec.formula:
            cells.put(table, row, "value", overview_formula(field_spec.formula, where))
        elif field_spec.computed and field_spec.key != "source":
            cells.put(table, row, "value", values.get(field_spec.key))
        if not field_spec.computed:
            cells.put(table, row, "check", texts.get(row.number, ok))
        elif field_spec.key == "budget_flag":
            cells.put(table, row, "check", texts.get(row.number))


def _budget_check(overview: OverviewParsed, total: QuarterRollup, lang: Lang) -> dict[int, str]:
    """The quarter budget flag's Check: what is over, when the plan is over the budget."""
    row = overview.fields.get("budget_flag")
    if row is None or overview.model is None or total.budget_flag != "over_cap":
        return {}
    if total.budget is not None and total.planned > total.budget:
        text = message("quarter_over_budget", lang, planned=total.planned, budget=total.budget)
    else:
        text = message("quarter_spent_over_budget", lang, spent=total.actual, budget=total.budget)
    return {row.number: text}


def _overview_values(
    overview: OverviewParsed, cells: Cells, checklist: Checklist, total: QuarterRollup
) -> dict[str, CellValue]:
    """The Overview's computed fields: the quarter's dates and theme, the budget flag."""
    values: dict[str, CellValue] = {}
    quarter, lang = overview.quarter, cells.lang
    if quarter is not None:
        values.update(
            start=quarter.start,
            end=quarter.end,
            mid_review=quarter.mid_review,
            final_review=quarter.final_review,
            theme=checklist.theme(quarter).theme.get(lang),
        )
    if overview.model is not None:
        values["budget_flag"] = cells.layout.choice_label("budget", total.budget_flag, lang)
    return values
