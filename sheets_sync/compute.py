"""From located rows to the tool's cells: validate, cross-check, roll up, flag.

``compute`` is pure: it takes the rows as read and an ``as_of`` date and returns
the value every tool-owned cell should hold, plus the problems and rollups for
the report. Which of those values differ from the workbook is :mod:`.diff`'s job.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from . import rules
from .calendar import Quarter
from .cells import CellValue
from .checklist import Checklist
from .formulas import Where, focus_formula, overview_formula
from .i18n import message
from .layout import Lang, Layout
from .locate import Located, Row, Table
from .models import ChecklistRow, FocusArea, Goal, Initiative, Owner, Review
from .parsing import clean_text
from .rollup import FocusRollup, QuarterRollup, name_key, roll_up
from .validate import (
    OverviewParsed,
    Parsed,
    Problem,
    add_problem,
    check_dates,
    check_refs,
    check_unique,
    overview_language,
    parse_all,
    parse_overview,
    problem_text,
    ref_targets,
)

CellKey = tuple[str, int, str]  # sheet key, row number, column key
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
    desired: dict[CellKey, CellValue]
    problems: list[Problem]
    rollups: list[FocusRollup]
    total: QuarterRollup | None
    sheets: dict[str, SheetCount]
    ids_assigned: int = 0
    parsed: dict[str, Parsed] = field(default_factory=dict)  # each sheet's rows and models
    overview: OverviewParsed | None = None


def assign_ids(table: Table) -> dict[int, str]:
    """IDs for rows a person added without one: the sheet's prefix and the next number."""
    prefix = table.spec.id_prefix or "ID"
    used = 0
    for row in table.rows:
        match = _ID.match(clean_text(row.get("id")) or "")
        if match and match[1].upper() == prefix.upper():
            used = max(used, int(match[2]))
    new: dict[int, str] = {}
    inputs = [c.key for c in table.spec.columns if not c.computed]
    for row in table.rows:
        if clean_text(row.get("id")) is None and not row.is_blank(inputs):
            used += 1
            new[row.number] = f"{prefix}-{used:03d}"
            row.assign("id", new[row.number])
    return new


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


class _Cells:
    """Collects desired values; knows the layout to turn choice keys into labels."""

    def __init__(self, layout: Layout, lang: Lang) -> None:
        self.layout, self.lang = layout, lang
        self.desired: dict[CellKey, CellValue] = {}

    def put(self, table: Table, row: int, key: str, value: CellValue) -> None:
        if key in table.columns:
            self.desired[(table.spec.key, row, key)] = value

    def choice(self, table: Table, row: int, key: str, choice: str | None) -> None:
        spec = table.spec.column(key) if table.spec.kind == "rows" else None
        name = spec.choices if spec else None
        label = self.layout.choice_label(name, choice, self.lang) if name and choice else None
        self.put(table, row, key, label)

    def clear_flags(self, table: Table, row: int, keep: tuple[str, ...] = ("id", "check")) -> None:
        for column in table.spec.columns:
            if column.computed and column.key not in keep and not column.formula:
                self.put(table, row, column.key, None)


def _messages(problems: list[Problem], table: Table, lang: Lang) -> dict[int, str]:
    """The Check text of every row with problems, in the workbook's language."""
    by_row: dict[int, list[str]] = {}
    for problem in problems:
        text = problem_text(problem, table.spec, lang)
        if text not in by_row.setdefault(problem.row, []):
            by_row[problem.row].append(text)
    sep = message("separator", lang)
    return {row: sep.join(texts) for row, texts in by_row.items()}


def _cross_check(
    parsed: dict[str, Parsed], layout: Layout, quarter: Quarter | None, titles: dict[str, str]
) -> None:
    for sheet in layout.sheets:
        if sheet.kind != "rows":
            continue
        check_unique(parsed[sheet.key], [c.key for c in sheet.columns if c.unique])
        for column in sheet.columns:
            if column.ref:
                target_sheet, _, target_column = column.ref.partition(".")
                targets = ref_targets(parsed[target_sheet], target_column)
                check_refs(parsed[sheet.key], column.key, targets, titles[target_sheet])
    if quarter is not None:
        check_dates(parsed["initiatives"], quarter, ["start", "due"])
        check_dates(parsed["goals"], quarter, ["deadline"])
    initiatives = parsed["initiatives"]
    for row in initiatives.rows:
        model = initiatives.models.get(row.number)
        if not isinstance(model, Initiative):
            continue
        if model.start and model.start > model.due:
            add_problem(
                initiatives, row, "start", "start_after_due", start=model.start, due=model.due
            )
        for key in ("planned", "actual"):
            amount = getattr(model, key)
            if amount is not None and amount < 0:
                add_problem(initiatives, row, key, "negative_amount", value=amount)
            elif isinstance(row.get(key), str):
                add_problem(
                    initiatives,
                    row,
                    key,
                    "text_amount",
                    warning=True,
                    value=clean_text(row.get(key)),
                )
    areas = parsed["focus_areas"]
    for row in areas.rows:
        model = areas.models.get(row.number)
        if isinstance(model, FocusArea) and model.budget_cap is not None and model.budget_cap < 0:
            add_problem(areas, row, "budget_cap", "negative_amount", value=model.budget_cap)
    goals = parsed["goals"]
    for row in goals.rows:
        model = goals.models.get(row.number)
        if isinstance(model, Goal) and model.target == model.baseline:
            add_problem(goals, row, "target", "target_not_measurable")
        elif (
            isinstance(model, Goal)
            and model.previous_target is not None
            and math.isclose(model.target, model.previous_target)
        ):
            add_problem(goals, row, "target", "reset_target", warning=True)
    checklist = parsed["checklist"]
    for row in checklist.rows:
        model = checklist.models.get(row.number)
        if isinstance(model, ChecklistRow) and not 1 <= model.due_week <= 13:
            add_problem(checklist, row, "due_week", "week_range", value=model.due_week)


@dataclass(frozen=True)
class Overrides:
    """Settings an operator imposes on a workbook, over what its Overview says."""

    scope_threshold: float | None = None
    due_soon_days: int | None = None
    language: Lang | None = None  # only where the Overview names none


def compute(
    located: Located,
    layout: Layout,
    checklist: Checklist,
    as_of: dt.date,
    overrides: Overrides | None = None,
) -> Outcome:
    """Everything a sync decides, without touching the workbook."""
    overview_table = located.table("overview")
    lang = overview_language(overview_table, layout, overrides.language if overrides else None)
    overview = parse_overview(overview_table, lang)
    quarter = overview.quarter
    ids = {key: assign_ids(located.table(key)) for key in located.tables if key != "overview"}
    parsed = parse_all(located, layout, lang)
    titles = {key: table.title for key, table in located.tables.items()}
    _cross_check(parsed, layout, quarter, titles)

    settings = overview.model
    overrides = overrides or Overrides()
    threshold = overrides.scope_threshold or (settings.scope_threshold if settings else 0.25)
    due_soon = overrides.due_soon_days
    if due_soon is None:
        due_soon = settings.due_soon_days if settings else 7
    annual = settings.annual_budget if settings else None

    cells = _Cells(layout, lang)
    valid_areas = [m for _, m in parsed["focus_areas"].valid() if isinstance(m, FocusArea)]
    valid_initiatives = [m for _, m in parsed["initiatives"].valid() if isinstance(m, Initiative)]
    rollups, total = roll_up(
        valid_areas,
        valid_initiatives,
        quarter_budget=settings.quarter_budget if settings else None,
        annual_budget=annual,
        scope_threshold=threshold,
    )
    rollup_by_name = {name_key(r.focus_area): r for r in rollups}

    for key, new in ids.items():
        table = located.table(key)
        for number, rid in new.items():
            cells.put(table, number, "id", rid)

    # Formulas live on every focus-area row, valid or not: they are the sheet's own totals.
    where = Where(
        titles["focus_areas"],
        located.table("focus_areas").columns,
        titles["initiatives"],
        located.table("initiatives").columns,
    )
    focus = parsed["focus_areas"]
    for row in focus.rows:
        for column in focus.table.spec.columns:
            if column.formula:
                cells.put(
                    focus.table,
                    row.number,
                    column.key,
                    focus_formula(column.formula, where, row.number),
                )
    for row, model in focus.valid():  # invalid rows' flags are cleared below, as on every sheet
        assert isinstance(model, FocusArea)
        rollup = rollup_by_name[name_key(model.name)]
        cells.choice(focus.table, row.number, "budget_flag", rollup.budget_flag)
        cells.choice(focus.table, row.number, "scope_flag", rollup.scope_flag)

    sheet = parsed["initiatives"]
    for row, model in sheet.valid():
        assert isinstance(model, Initiative)
        share = rules.annual_share(model.planned, annual)
        cells.choice(
            sheet.table,
            row.number,
            "schedule",
            rules.initiative_schedule(
                status=model.status,
                start=model.start,
                due=model.due,
                as_of=as_of,
                due_soon_days=due_soon,
            ),
        )
        cells.put(sheet.table, row.number, "annual_share", _round(share))
        cells.choice(
            sheet.table,
            row.number,
            "scope_flag",
            rules.scope_flag(
                share=share, threshold=threshold, backed_by_roi=bool(model.roi_evidence)
            ),
        )

    sheet = parsed["goals"]
    for row, model in sheet.valid():
        assert isinstance(model, Goal)
        progress = rules.goal_progress(model.baseline, model.target, model.current)
        cells.put(sheet.table, row.number, "progress", _round(progress))
        if quarter is not None:
            cells.choice(
                sheet.table,
                row.number,
                "health",
                rules.goal_health(
                    baseline=model.baseline,
                    target=model.target,
                    current=model.current,
                    quarter_start=quarter.start,
                    deadline=model.deadline,
                    as_of=as_of,
                ),
            )

    sheet = parsed["owners"]
    open_work: dict[str, int] = {}
    for item in valid_initiatives:
        if item.status != "done":
            open_work[name_key(item.owner)] = open_work.get(name_key(item.owner), 0) + 1
    for row, model in sheet.valid():
        assert isinstance(model, Owner)
        cells.put(
            sheet.table, row.number, "open_initiatives", open_work.get(name_key(model.name), 0)
        )

    sheet = parsed["review"]
    for row, model in sheet.valid():
        assert isinstance(model, Review)
        if quarter is not None:
            cells.choice(
                sheet.table,
                row.number,
                "review_status",
                rules.review_status(
                    quarter=quarter,
                    mid_decision=model.mid_decision,
                    final_decision=model.final_decision,
                    as_of=as_of,
                ),
            )

    sheet = parsed["checklist"]
    for row, model in sheet.valid():
        assert isinstance(model, ChecklistRow)
        if quarter is not None:
            due = quarter.week_end(model.due_week)
            cells.put(sheet.table, row.number, "due", due)
            cells.choice(
                sheet.table,
                row.number,
                "due_status",
                rules.checklist_status(
                    done=model.done == "yes", due=due, as_of=as_of, due_soon_days=due_soon
                ),
            )

    problems: list[Problem] = list(overview.problems)
    counts: dict[str, SheetCount] = {}
    ok = message("ok", lang)
    for key, sheet in parsed.items():
        invalid = sheet.invalid_rows()
        for row in sheet.rows:
            if row.number in invalid:
                cells.clear_flags(sheet.table, row.number)
        texts = _messages(sheet.problems, sheet.table, lang)
        for row in sheet.rows:
            cells.put(sheet.table, row.number, "check", texts.get(row.number, ok))
        for blank in sheet.blank_rows:
            _clear_row(cells, sheet.table, blank)
        problems.extend(sheet.problems)
        counts[key] = SheetCount(sheet.table.title, len(sheet.rows), len(invalid))

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


def _clear_row(cells: _Cells, table: Table, row: Row) -> None:
    """A row whose inputs were all cleared keeps no tool cells either."""
    for column in table.spec.columns:
        if column.computed:
            cells.put(table, row.number, column.key, None)


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
    texts = _messages(overview.problems, table, lang)
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
        cells.put(table, row.number, "label", field_spec.label.get(lang))
        if field_spec.formula:
            cells.put(table, row.number, "value", overview_formula(field_spec.formula, where))
        elif field_spec.computed and field_spec.key != "source":
            cells.put(table, row.number, "value", values.get(field_spec.key))
        if not field_spec.computed:
            cells.put(table, row.number, "check", texts.get(row.number, ok))
