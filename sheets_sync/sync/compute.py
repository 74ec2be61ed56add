"""From located rows to the tool's cells: validate, cross-check, roll up, flag.

``compute`` is pure: it takes the rows as read and an ``as_of`` date and decides
the value every tool-owned cell should hold, plus the problems and rollups for the
report. Which of those values differ from the workbook is :mod:`.diff`'s job.

Each sheet is walked once, row by row, in an order where everything a row is
checked against is already known (focus areas and owners before initiatives, and
those before the sheets that point at them). A row is validated, cross-checked and
flagged in one step and its values handed on at once, so a 50,000-row sheet never
holds all its models or all its cells' values at the same time. Only the two
sheets whose flags wait for the initiatives' totals keep their models until then.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable, Container
from dataclasses import dataclass, field

from pydantic import ValidationError

from sheets_sync.core import rules
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellValue
from sheets_sync.core.checklist import Checklist
from sheets_sync.core.formulas import Where, focus_formula, overview_formula
from sheets_sync.core.i18n import message
from sheets_sync.core.layout import Lang, Layout, Sheet
from sheets_sync.core.models import (
    ROW_MODELS,
    ChecklistRow,
    FocusArea,
    Goal,
    Initiative,
    Owner,
    Review,
    RowModel,
)
from sheets_sync.core.parsing import clean_text, name_key
from sheets_sync.sync.checks import (
    OverviewParsed,
    Parsed,
    Problem,
    model_problems,
    norm,
    overview_language,
    parse_overview,
    problem_text,
)
from sheets_sync.sync.locate import Located, Row, Table
from sheets_sync.sync.rollup import BudgetTally, FocusRollup, QuarterRollup

CellKey = tuple[str, int, str]  # sheet key, row number, column key
# Where compute hands each decided value: the sheet, the row, the column key.
Sink = Callable[[Table, Row, str, CellValue], None]
_ID = re.compile(r"^([A-Za-z]+)-(\d+)$")
# Their flags need the initiatives' totals, so their rows are flagged after those.
DEFERRED = frozenset({"focus_areas", "owners"})
DATE_COLUMNS = {"initiatives": ("start", "due"), "goals": ("deadline",)}


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


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


class _Cells:
    """Hands on decided values; knows the layout to turn choice keys into labels.

    Without a sink the values are collected in :attr:`desired`. A sink skips keys
    the table lacks (a column someone deleted).
    """

    def __init__(self, layout: Layout, lang: Lang, sink: Sink | None) -> None:
        self.layout, self.lang = layout, lang
        self.desired: dict[CellKey, CellValue] = {}
        self.put: Sink = sink or self._collect
        self._labels: dict[tuple[str, str, str], str | None] = {}

    def _collect(self, table: Table, row: Row, key: str, value: CellValue) -> None:
        if key in table.columns:
            self.desired[(table.spec.key, row.number, key)] = value

    def choice(self, table: Table, row: Row, key: str, choice: str | None) -> None:
        if choice is None:
            self.put(table, row, key, None)
            return
        cache = (table.spec.key, key, choice)
        label = self._labels.get(cache, "")
        if label == "":
            spec = table.spec.column(key) if table.spec.kind == "rows" else None
            name = spec.choices if spec else None
            label = self.layout.choice_label(name, choice, self.lang) if name else None
            self._labels[cache] = label
        self.put(table, row, key, label)

    def clear_flags(self, table: Table, row: Row) -> None:
        """An invalid row keeps its ID and its message; its flags would be stale."""
        for column in table.spec.columns:
            if column.computed and column.key not in ("id", "check") and not column.formula:
                self.put(table, row, column.key, None)

    def clear_row(self, table: Table, row: Row) -> None:
        """A row whose inputs were all cleared keeps no tool cells either."""
        for column in table.spec.columns:
            if column.computed:
                self.put(table, row, column.key, None)


@dataclass(frozen=True)
class Overrides:
    """Settings an operator imposes on a workbook, over what its Overview says."""

    scope_threshold: float | None = None
    due_soon_days: int | None = None
    language: Lang | None = None  # only where the Overview names none


@dataclass
class _Context:
    """What a sheet's rows are checked and flagged against; filled in as sheets are walked."""

    layout: Layout
    lang: Lang
    as_of: dt.date
    quarter: Quarter | None
    annual: float | None
    threshold: float
    due_soon: int
    titles: dict[str, str]
    parsed: dict[str, Parsed]
    tally: BudgetTally = field(default_factory=BudgetTally)
    open_work: Counter[str] = field(default_factory=Counter)
    known_targets: dict[str, Container[str]] = field(default_factory=dict)
    # per sheet: how often each normalised ID and unique value occurs
    counted: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)

    def targets(self, ref: str) -> Container[str]:
        """Normalised values of ``sheet.column`` on every row that has one (made on first use).

        IDs and unique columns were counted as their sheet was walked: their counts
        serve as they are (a copy would cost 0.5 MB per 10,000 IDs); others are
        collected from the rows.
        """
        found = self.known_targets.get(ref)
        if found is None:
            sheet, _, column = ref.partition(".")
            counted = self.counted.get(sheet, {}).get(column)
            if counted is not None:
                found = counted
            else:
                rows = self.parsed[sheet].rows
                found = {norm(clean_text(r.get(column))) for r in rows} - {""}
            self.known_targets[ref] = found
        return found


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


def _message(problems: list[Problem], spec: Sheet, lang: Lang) -> str:
    """The Check text of one row: each problem once, in the workbook's language."""
    texts: list[str] = []
    for problem in problems:
        text = problem_text(problem, spec, lang)
        if text not in texts:
            texts.append(text)
    return message("separator", lang).join(texts)


def compute(
    located: Located,
    layout: Layout,
    checklist: Checklist,
    as_of: dt.date,
    overrides: Overrides | None = None,
    *,
    sink: Sink | None = None,
    keep_models: bool = True,
) -> Outcome:
    """Everything a sync decides, without touching the workbook.

    Each tool cell's value is decided once and handed to ``sink`` (collected in
    ``Outcome.desired`` without one). ``keep_models=False`` drops each row's model
    once its row is flagged, and keeps no rows in ``Outcome.parsed``, for a sync
    that needs only the cells and the report.
    """
    overview_table = located.table("overview")
    lang = overview_language(overview_table, layout, overrides.language if overrides else None)
    overview = parse_overview(overview_table, lang)
    quarter = overview.quarter
    settings = overview.model
    overrides = overrides or Overrides()
    threshold = overrides.scope_threshold or (settings.scope_threshold if settings else 0.25)
    due_soon = overrides.due_soon_days
    if due_soon is None:
        due_soon = settings.due_soon_days if settings else 7
    annual = settings.annual_budget if settings else None

    cells = _Cells(layout, lang, sink)
    titles = {key: table.title for key, table in located.tables.items()}
    ids = {key: assign_ids(located.table(key)) for key in located.tables if key != "overview"}
    where = Where(
        titles["focus_areas"],
        located.table("focus_areas").columns,
        titles["initiatives"],
        located.table("initiatives").columns,
    )
    ctx = _Context(layout, lang, as_of, quarter, annual, threshold, due_soon, titles, {})
    rows_sheets = [s.key for s in layout.sheets if s.kind == "rows"]
    for key in walk_order(layout):
        table = located.table(key)
        keep = keep_models or key in DEFERRED
        ctx.parsed[key] = _walk(table, cells, ctx, keep, where)

    settings_budget = settings.quarter_budget if settings else None
    valid_areas = [m for _, m in ctx.parsed["focus_areas"].valid() if isinstance(m, FocusArea)]
    rollups, total = ctx.tally.result(
        valid_areas, quarter_budget=settings_budget, annual_budget=annual, scope_threshold=threshold
    )
    by_name = {name_key(r.focus_area): r for r in rollups}
    focus = ctx.parsed["focus_areas"]
    for row, model in focus.valid():
        assert isinstance(model, FocusArea)
        rollup = by_name[name_key(model.name)]
        cells.choice(focus.table, row, "budget_flag", rollup.budget_flag)
        cells.choice(focus.table, row, "scope_flag", rollup.scope_flag)
    owners = ctx.parsed["owners"]
    for row, model in owners.valid():
        assert isinstance(model, Owner)
        count = ctx.open_work.get(name_key(model.name), 0)
        cells.put(owners.table, row, "open_initiatives", count)
    if not keep_models:
        for key in DEFERRED:
            ctx.parsed[key].models.clear()

    problems: list[Problem] = list(overview.problems)
    counts: dict[str, SheetCount] = {}
    for key in rows_sheets:
        sheet = ctx.parsed[key]
        problems.extend(sheet.problems)
        counts[key] = SheetCount(sheet.table.title, len(sheet.rows), len(sheet.invalid_rows()))
    parsed = {key: ctx.parsed[key] for key in rows_sheets} if keep_models else {}

    _overview_cells(cells, overview, layout, checklist, quarter, where, total, lang)
    counts["overview"] = SheetCount(
        overview_table.title, len(overview.fields), len({p.row for p in overview.problems})
    )
    return Outcome(
        lang,
        quarter,
        cells.desired,
        problems,
        rollups,
        total if settings else None,
        counts,
        sum(len(v) for v in ids.values()),
        parsed=parsed,
        overview=overview,
    )


def _walk(table: Table, cells: _Cells, ctx: _Context, keep: bool, where: Where) -> Parsed:
    """Validate, cross-check and flag every row of one sheet, in one pass."""
    spec = table.spec
    model_type = ROW_MODELS[spec.key]
    validate = model_type.__pydantic_validator__.validate_python
    inputs = {c.key for c in spec.columns if not c.computed}
    fields = [k for k in dict.fromkeys([*model_type.model_fields, *inputs]) if k in table.columns]
    positions = [(key, table.columns[key] - 1) for key in fields]
    unique = {key: Counter[str]() for key in ["id", *(c.key for c in spec.columns if c.unique)]}
    ctx.counted[spec.key] = unique
    refs = [(c.key, c.ref) for c in spec.columns if c.ref]
    dates = DATE_COLUMNS.get(spec.key, ()) if ctx.quarter is not None else ()
    check_row = ROW_CHECKS.get(spec.key)
    flag_row = None if spec.key in DEFERRED else FLAGS.get(spec.key)
    formulas = [c for c in spec.columns if c.formula] if spec.key == "focus_areas" else []
    context = {"lang": ctx.lang}
    ok = message("ok", ctx.lang)
    quarter = ctx.quarter
    parsed = Parsed(table)
    problems = parsed.problems
    for row in table.rows:
        values = row.filled_at(positions)
        if inputs.isdisjoint(values):
            parsed.blank_rows.append(row)
            cells.clear_row(table, row)
            continue
        parsed.rows.append(row)
        first = len(problems)
        rid = clean_text(values.get("id"))
        if row.assigned and "id" in row.assigned:  # a new ID, from assign_ids
            cells.put(table, row, "id", rid)
        model: RowModel | None
        try:
            model = validate(values, context=context)
        except ValidationError as error:
            model = None
            problems.extend(model_problems(spec, row, rid, error))
        found: Found = []  # this row's findings beyond its model
        for key, seen in unique.items():
            value = norm(rid if key == "id" else clean_text(row.get(key)))
            if value:
                seen[value] += 1
                if seen[value] > 1:
                    code = "duplicate_id" if key == "id" else "duplicate_value"
                    found.append((key, code, False, {"value": clean_text(row.get(key))}))
        if model is not None:
            for key, ref in refs:
                value = getattr(model, key)
                if value and name_key(value) not in ctx.targets(ref):
                    target = ctx.titles[ref.partition(".")[0]]
                    found.append((key, "unknown_ref", False, {"value": value, "sheet": target}))
            for key in dates:
                day = getattr(model, key)
                if quarter is not None and isinstance(day, dt.date) and not quarter.contains(day):
                    span: dict[str, object] = {
                        "value": day,
                        "start": quarter.start,
                        "end": quarter.end,
                    }
                    found.append((key, "outside_quarter", False, span))
            if check_row is not None:
                found.extend(check_row(values, model))
        if found:
            problems.extend(
                Problem(spec.key, row.number, rid, column, code, params, warning)
                for column, code, warning, params in found
            )
        for column in formulas:
            formula = focus_formula(column.formula or "", where, row.number)
            cells.put(table, row, column.key, formula)
        mine = problems[first:]
        if model is not None and (not mine or all(p.warning for p in mine)):
            if keep:
                parsed.models[row.number] = model
            if flag_row is not None:
                flag_row(cells, table, row, model, ctx)
        else:
            cells.clear_flags(table, row)
        cells.put(table, row, "check", _message(mine, spec, ctx.lang) if mine else ok)
    return parsed


# --- checks of one row beyond its model: (column, code, warning, params) -------------

Found = list[tuple[str | None, str, bool, dict[str, object]]]
Values = dict[str, CellValue]  # a row's filled cells, by column key


def _check_initiative(values: Values, model: RowModel) -> Found:
    assert isinstance(model, Initiative)
    out: Found = []
    if model.start and model.start > model.due:
        out.append(("start", "start_after_due", False, {"start": model.start, "due": model.due}))
    for key in ("planned", "actual"):
        amount = getattr(model, key)
        if amount is not None and amount < 0:
            out.append((key, "negative_amount", False, {"value": amount}))
        elif isinstance(values.get(key), str):
            out.append((key, "text_amount", True, {"value": clean_text(values.get(key))}))
    return out


def _check_focus_area(values: Values, model: RowModel) -> Found:
    assert isinstance(model, FocusArea)
    if model.budget_cap is not None and model.budget_cap < 0:
        return [("budget_cap", "negative_amount", False, {"value": model.budget_cap})]
    return []


def _check_goal(values: Values, model: RowModel) -> Found:
    assert isinstance(model, Goal)
    if model.target == model.baseline:
        return [("target", "target_not_measurable", False, {})]
    if model.previous_target is not None and math.isclose(model.target, model.previous_target):
        return [("target", "reset_target", True, {})]
    return []


def _check_checklist(values: Values, model: RowModel) -> Found:
    assert isinstance(model, ChecklistRow)
    if not 1 <= model.due_week <= 13:
        return [("due_week", "week_range", False, {"value": model.due_week})]
    return []


ROW_CHECKS: dict[str, Callable[[Values, RowModel], Found]] = {
    "initiatives": _check_initiative,
    "focus_areas": _check_focus_area,
    "goals": _check_goal,
    "checklist": _check_checklist,
}


# --- flags of one valid row -----------------------------------------------------------


def _flag_initiative(cells: _Cells, table: Table, row: Row, model: RowModel, ctx: _Context) -> None:
    assert isinstance(model, Initiative)
    ctx.tally.add(model)
    if model.status != "done":
        ctx.open_work[name_key(model.owner)] += 1
    share = rules.annual_share(model.planned, ctx.annual)
    schedule = rules.initiative_schedule(
        status=model.status,
        start=model.start,
        due=model.due,
        as_of=ctx.as_of,
        due_soon_days=ctx.due_soon,
    )
    cells.choice(table, row, "schedule", schedule)
    cells.put(table, row, "annual_share", _round(share))
    scope = rules.scope_flag(
        share=share, threshold=ctx.threshold, backed_by_roi=bool(model.roi_evidence)
    )
    cells.choice(table, row, "scope_flag", scope)


def _flag_goal(cells: _Cells, table: Table, row: Row, model: RowModel, ctx: _Context) -> None:
    assert isinstance(model, Goal)
    progress = rules.goal_progress(model.baseline, model.target, model.current)
    cells.put(table, row, "progress", _round(progress))
    if ctx.quarter is not None:
        health = rules.goal_health(
            baseline=model.baseline,
            target=model.target,
            current=model.current,
            quarter_start=ctx.quarter.start,
            deadline=model.deadline,
            as_of=ctx.as_of,
        )
        cells.choice(table, row, "health", health)


def _flag_review(cells: _Cells, table: Table, row: Row, model: RowModel, ctx: _Context) -> None:
    assert isinstance(model, Review)
    if ctx.quarter is not None:
        status = rules.review_status(
            quarter=ctx.quarter,
            mid_decision=model.mid_decision,
            final_decision=model.final_decision,
            as_of=ctx.as_of,
        )
        cells.choice(table, row, "review_status", status)


def _flag_checklist(cells: _Cells, table: Table, row: Row, model: RowModel, ctx: _Context) -> None:
    assert isinstance(model, ChecklistRow)
    if ctx.quarter is not None:
        due = ctx.quarter.week_end(model.due_week)
        cells.put(table, row, "due", due)
        status = rules.checklist_status(
            done=model.done == "yes", due=due, as_of=ctx.as_of, due_soon_days=ctx.due_soon
        )
        cells.choice(table, row, "due_status", status)


FLAGS: dict[str, Callable[[_Cells, Table, Row, RowModel, _Context], None]] = {
    "initiatives": _flag_initiative,
    "goals": _flag_goal,
    "review": _flag_review,
    "checklist": _flag_checklist,
}


def _overview_cells(
    cells: _Cells,
    overview: OverviewParsed,
    layout: Layout,
    checklist: Checklist,
    quarter: Quarter | None,
    where: Where,
    total: QuarterRollup,
    lang: Lang,
) -> None:
    table = overview.table
    spec = table.spec
    by_row: dict[int, list[Problem]] = {}
    for problem in overview.problems:
        by_row.setdefault(problem.row, []).append(problem)
    texts = {row: _message(found, spec, lang) for row, found in by_row.items()}
    values: dict[str, CellValue] = {}
    if quarter is not None:
        values.update(
            start=quarter.start,
            end=quarter.end,
            mid_review=quarter.mid_review,
            final_review=quarter.final_review,
            theme=checklist.theme(quarter).theme.get(lang),
        )
    if overview.model is not None:
        values["budget_flag"] = layout.choice_label("budget", total.budget_flag, lang)
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
