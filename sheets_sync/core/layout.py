"""The workbook layout as typed objects, read from ``workbook_templates/layout.toml``.

Nothing about sheets or columns is hard-coded in Python: code asks the layout for
a sheet or column by key and gets its labels, type, role and allowed values.
"""

# Annotations are evaluated as the classes are made (no ``from __future__ import
# annotations``): pydantic would otherwise evaluate each field's from its string, at
# every start-up.

from functools import cache, cached_property
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sheets_sync.core.parsing import match_key
from sheets_sync.core.templates import read_toml

Lang = Literal["en", "zh", "ru"]
LANGS: tuple[Lang, ...] = ("en", "zh", "ru")
Business = Literal["b2b", "b2c"]
BUSINESSES: tuple[Business, ...] = ("b2b", "b2c")

ColumnType = Literal[
    "id",
    "text",
    "money",
    "number",
    "quantity",
    "percent",
    "integer",
    "date",
    "email",
    "choice",
    "ref",
]
Role = Literal["input", "computed"]
FIGURES = frozenset({"integer", "money", "quantity"})  # column types a panel aligns right

KEY_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3


class Labels(BaseModel):
    """A text in every language the product speaks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    en: str
    zh: str
    ru: str
    former: tuple[str, ...] = ()  # earlier spellings, still read in workbooks made with them

    def get(self, lang: Lang) -> str:
        return str(getattr(self, lang))

    def all(self) -> tuple[str, ...]:
        """Every spelling read as this text: each language's, then the former ones."""
        return (self.en, self.zh, self.ru, *self.former)


class Column(BaseModel):
    """One column (or, on a fields sheet, one field) of the layout."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    type: ColumnType
    role: Role
    label: Labels
    note: Labels | None = None  # what to type, shown on an input column's header
    required: bool = False
    unique: bool = False
    choices: str | None = None
    colours: tuple[str, ...] = ()  # a text column coloured as these choice lists' flags
    ref: str | None = None
    formula: str | None = None
    name: str | None = None
    width: int = 14  # in characters: a wrapping column's width, otherwise the least it takes
    wrap: bool = False  # long text: keep the width, wrap onto more lines
    hidden: bool = False
    # A dropdown of names the config gives rather than the layout ("metrics": the
    # configured metric names), when a workbook is made with them.
    options: Literal["metrics"] | None = None

    @property
    def computed(self) -> bool:
        return self.role == "computed"

    @model_validator(mode="after")
    def _type_needs(self) -> Self:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"column {self.key}: a choice column names its choices")
        if self.type == "ref" and not self.ref:
            raise ValueError(f"column {self.key}: a ref column names ref = 'sheet.column'")
        return self


class Presentation(BaseModel):
    """How a workbook looks: font, number formats by column type, currencies, paper."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    font: str
    font_size: int
    line_height: dict[Lang, float]  # points per line of text, by language
    max_width: int  # the widest a column grows to fit its content, in characters
    header_lines: int  # the most lines a header wraps onto
    formats: dict[str, str]  # column type -> number format
    date_formats: dict[Lang, str]
    currencies: dict[str, str]  # currency code -> money format
    default_currency: dict[Lang, str]
    paper: dict[Lang, Literal["a4", "letter"]]

    def currency(self, code: str | None, lang: Lang) -> str:
        """``code`` when it is a currency we format, else ``lang``'s default currency."""
        code = (code or "").strip().upper()
        return code if code in self.currencies else self.default_currency[lang]

    @model_validator(mode="after")
    def _defaults_are_known(self) -> Self:
        for lang, code in self.default_currency.items():
            if code not in self.currencies:
                raise ValueError(f"default currency for {lang}: no format for {code!r}")
        return self


class Slot(BaseModel):
    """One row, or ``count`` rows, of a panel sheet: the tool fills it on every sync."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    label: Labels | None = None  # shown in the row's "item" cell
    count: int = Field(default=1, ge=1)

    def row_keys(self) -> list[str]:
        """What the hidden key column holds on this slot's rows."""
        if self.count == 1:
            return [self.key]
        return [f"{self.key}.{n}" for n in range(1, self.count + 1)]


class Sheet(BaseModel):
    """One sheet: a list of rows (``kind = "rows"``), key-value fields, or a panel.

    A panel (the Dashboard, the Timeline) is the tool's alone: a fixed row per slot,
    found by its hidden key cell, every cell rewritten by the sync where it changed.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    kind: Literal["rows", "fields", "panel"]
    title: Labels
    header: Labels | None = None
    id_prefix: str | None = None
    optional: bool = False  # a workbook made before the sheet existed may lack it
    columns: tuple[Column, ...]
    fields: tuple[Column, ...] = ()
    slots: tuple[Slot, ...] = ()

    def slot_rows(self) -> list[tuple[str, Slot]]:
        """A panel's rows in order: (what its key cell holds, its slot)."""
        return [(key, slot) for slot in self.slots for key in slot.row_keys()]

    @cached_property
    def columns_by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}

    def column(self, key: str) -> Column:
        try:
            return self.columns_by_key[key]
        except KeyError:
            raise KeyError(f"{self.key}.{key}") from None

    def field(self, key: str) -> Column:
        for field in self.fields:
            if field.key == key:
                return field
        raise KeyError(f"{self.key}:{key}")

    def column_keys(self) -> list[str]:
        return [column.key for column in self.columns]

    @cached_property
    def alignments(self) -> dict[str, Literal["right", "indent"]]:
        """A panel's columns set apart from the rest: its figures aligned "right", and a
        text column just right of one an "indent" in, so the two never touch. Empty on
        other sheets, whose cells take the spreadsheet's own alignment."""
        found: dict[str, Literal["right", "indent"]] = {}
        if self.kind != "panel":
            return found
        before = None
        for column in (c for c in self.columns if not c.hidden):
            if column.type in FIGURES:
                found[column.key] = "right"
            elif before == "right":
                found[column.key] = "indent"
            before = found.get(column.key)
        return found

    def key_cell(self, column_key: str) -> str:
        """What row 1 holds above ``column_key``: how the sync finds the column."""
        return f"{self.key}.{column_key}"


class Layout(BaseModel):
    """Every sheet, and every dropdown's values with their labels."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    languages: tuple[Lang, ...]
    choices: dict[str, dict[str, Labels]]
    flag_colours: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    presentation: Presentation
    sheets: tuple[Sheet, ...] = Field(min_length=1)
    # every spelling of every value of a choice list -> its key, built on first use

    def colour_of(self, choice_key: str) -> str | None:
        """The background colour for a flag value, by its choice key."""
        for colour, keys in self.flag_colours.items():
            if choice_key in keys:
                return colour
        return None

    def sheet(self, key: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.key == key:
                return sheet
        raise KeyError(key)

    def choice_keys(self, name: str) -> list[str]:
        return list(self.choices[name])

    def choice_label(self, name: str, key: str, lang: Lang) -> str:
        return self.choices[name][key].get(lang)

    def parse_choice(self, name: str, text: str) -> str | None:
        """The choice key whose label (in any language) or key matches ``text``."""
        return self.choice_index[name].get(match_key(text))

    @cached_property
    def choice_index(self) -> dict[str, dict[str, str]]:
        """Per choice list: every spelling of every value (key, any label) → its key."""
        index: dict[str, dict[str, str]] = {}
        for name, values in self.choices.items():
            spellings = index[name] = {}
            for key, labels in values.items():
                for spelling in (key, *labels.all()):
                    spellings.setdefault(match_key(spelling), key)
        return index

    @cached_property
    def choice_labels(self) -> dict[str, dict[str, str]]:
        """Per choice list: each value's label, exactly as written in any language → its key.

        For reading back the tool's own flag text, which is always a label as written;
        what a person typed goes through :meth:`parse_choice`, which forgives spelling.
        """
        return {
            name: {label: key for key, labels in values.items() for label in labels.all()}
            for name, values in self.choices.items()
        }

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        keys = {sheet.key for sheet in self.sheets}
        for sheet in self.sheets:
            for column in (*sheet.columns, *sheet.fields):
                for name in (column.choices, *column.colours):
                    if name and name not in self.choices:
                        raise ValueError(f"{sheet.key}.{column.key}: no choices {name!r}")
                if column.ref:
                    ref_sheet, _, ref_col = column.ref.partition(".")
                    if ref_sheet not in keys or ref_col not in self.sheet(ref_sheet).column_keys():
                        raise ValueError(f"{sheet.key}.{column.key}: bad ref {column.ref!r}")
            if sheet.kind == "rows" and (not sheet.id_prefix or "id" not in sheet.column_keys()):
                raise ValueError(f"{sheet.key}: a rows sheet has an id column and an id_prefix")
        return self


@cache
def load_layout() -> Layout:
    """The layout shipped with this version of sheets-sync."""
    return Layout.model_validate(read_toml("layout.toml"))
