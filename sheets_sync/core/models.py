"""The roadmap's rows as pydantic models.

Each field is named by its column key in the layout. Cell values are parsed the
way people type them (see :mod:`sheets_sync.core.parsing`) by validators that read the
workbook's language from the validation context: ``Model.model_validate(row,
context={"lang": "ru"})``. A parse failure is a pydantic error whose ``type`` is
the message code, so a bad cell becomes a message on its own row.
"""

# Annotations are evaluated as the classes are made (no ``from __future__ import
# annotations``): pydantic would otherwise evaluate each field's from its string, at
# every start-up.

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictFloat,
    StrictStr,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellValue
from sheets_sync.core.i18n import as_lang
from sheets_sync.core.layout import Lang, load_layout
from sheets_sync.core.parsing import (
    clean_text,
    parse_date,
    parse_email,
    parse_integer,
    parse_money,
    parse_percent,
    parse_quantity,
)
from sheets_sync.errors import ParseError

T = TypeVar("T")


def _lang(info: ValidationInfo) -> Lang:
    context = info.context or {}
    return as_lang(context.get("lang"))


def _parsed(parse: Callable[[CellValue, str], T]) -> BeforeValidator:
    def validate(value: Any, info: ValidationInfo) -> T:
        try:
            return parse(value, _lang(info))
        except ParseError as exc:
            raise PydanticCustomError(exc.code, "{value}", {"value": clean_text(value)}) from None

    return BeforeValidator(validate)


def _text(value: Any) -> str | None:
    return clean_text(value)


def _choice(name: str) -> BeforeValidator:
    known: dict[str, str] = {}  # each spelling met, looked up once: statuses repeat

    def validate(value: Any, info: ValidationInfo) -> str:
        if type(value) is str and value in known:
            return known[value]
        layout = load_layout()
        text = clean_text(value) or ""
        key = layout.parse_choice(name, text)
        if key is not None and type(value) is str and len(known) < 1024:
            known[value] = key
        if key is None:
            lang = _lang(info)
            allowed = ", ".join(
                layout.choice_label(name, k, lang) for k in layout.choice_keys(name)
            )
            raise PydanticCustomError(
                "expected_choice", "{value}", {"value": text, "allowed": allowed}
            )
        return key

    return BeforeValidator(validate)


def _quarter(value: Any, info: ValidationInfo) -> str:
    text = clean_text(value) or ""
    try:
        return Quarter.parse(text).name
    except ValueError:
        raise PydanticCustomError("bad_quarter", "{value}", {"value": text}) from None


# Text, amounts and dates: a cell already of the right type is taken as it is, in
# pydantic's own code; only anything else (text to read, a number in a text column)
# goes to the parser. Most cells are typed already, and skipping a Python call per
# cell is most of a big sync's validation time. When both fail, the parser's error
# is the one reported (see :func:`sheets_sync.sync.checks.model_problems`).
_EXACT_FIRST = Field(union_mode="left_to_right")
Text = Annotated[StrictStr | Annotated[str, BeforeValidator(_text)], _EXACT_FIRST]
Money = Annotated[StrictFloat | Annotated[float, _parsed(parse_money)], _EXACT_FIRST]
Day = Annotated[
    Annotated[dt.date, Strict()] | Annotated[dt.date, _parsed(parse_date)], _EXACT_FIRST
]
Quantity = Annotated[StrictFloat | Annotated[float, _parsed(parse_quantity)], _EXACT_FIRST]
Percent = Annotated[float, _parsed(parse_percent)]
Integer = Annotated[int, _parsed(parse_integer)]
Email = Annotated[str, _parsed(lambda value, _lang: parse_email(value))]


class RowModel(BaseModel):
    """Common settings: unknown keys are ignored, the ID is the tool's."""

    # Text arrives stripped; an infinite or NaN amount is no amount. pydantic's
    # string cache would keep every stripped ID alive for the life of the process.
    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        str_strip_whitespace=True,
        allow_inf_nan=False,
        cache_strings=False,
    )

    id: Text | None = None


class FocusArea(RowModel):
    name: Text
    annual_goal: Text | None = None
    kpi: Text
    persona: Text | None = None
    budget_cap: Money | None = None
    carried_over: Annotated[str, _choice("carried")] | None = None
    review_notes: Text | None = None


class Initiative(RowModel):
    focus_area: Text
    title: Text
    owner: Text
    start: Day | None = None
    due: Day
    status: Annotated[str, _choice("status")]
    planned: Money
    actual: Money | None = None
    roi_evidence: Text | None = None
    notes: Text | None = None


class Goal(RowModel):
    focus_area: Text
    kpi: Text
    metric: Text
    unit: Annotated[str, _choice("unit")]
    baseline: Quantity
    target: Quantity
    previous_target: Quantity | None = None  # set when carried over: the target to re-set
    current: Quantity | None = None
    current_on: Day | None = None  # the day the typed current value was true
    deadline: Day
    data_source: Text | None = None  # the configured metric that measures it
    direction: Annotated[str, _choice("direction")] | None = None  # None: from the target


class Hypothesis(RowModel):
    focus_area: Text
    initiative: Text | None = None
    statement: Text
    expected: Text | None = None  # the expected change, from → to
    metric: Text | None = None
    test_method: Text | None = None
    goal: Text | None = None  # the ID of the goal it serves
    result: Annotated[str, _choice("result")]
    notes: Text | None = None


class Owner(RowModel):
    name: Text
    email: Email | None = None
    role: Text | None = None
    reporting: Text | None = None


class Review(RowModel):
    focus_area: Text
    mid_notes: Text | None = None
    mid_decision: Annotated[str, _choice("decision")] | None = None
    final_notes: Text | None = None
    final_decision: Annotated[str, _choice("decision")] | None = None
    reason: Text | None = None


class ChecklistRow(RowModel):
    item: Text
    description: Text | None = None
    applies: Annotated[str, _choice("applies")] | None = None
    owner: Text | None = None
    due_week: Integer
    done: Annotated[str, _choice("yes_no")] | None = None


class HistoryEntry(RowModel):
    """A final decision on a focus area in an earlier quarter."""

    quarter: Annotated[str, BeforeValidator(_quarter)]
    focus_area: Text
    decision: Annotated[str, _choice("decision")]
    reason: Text | None = None
    notes: Text | None = None
    goals: Text | None = None
    planned: Money | None = None
    spent: Money | None = None


class Overview(BaseModel):
    """The overview sheet's input fields."""

    model_config = ConfigDict(extra="ignore", frozen=True, allow_inf_nan=False)

    quarter: Annotated[str, BeforeValidator(_quarter)]
    business: Annotated[str, _choice("business")]
    language: Annotated[str, _choice("language")]
    fiscal_year_start: Integer
    quarter_budget: Money
    annual_budget: Money | None = None
    currency: str | None = None  # the code amounts are shown in (USD, CNY, RUB, ...)
    scope_threshold: Percent = 0.25
    due_soon_days: Integer = 7
    stale_after_days: Integer = 14  # a goal's value older than this is out of date


ROW_MODELS: dict[str, type[RowModel]] = {
    "focus_areas": FocusArea,
    "initiatives": Initiative,
    "goals": Goal,
    "hypotheses": Hypothesis,
    "owners": Owner,
    "review": Review,
    "checklist": ChecklistRow,
    "history": HistoryEntry,
}
