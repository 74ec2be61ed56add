"""The quarterly maintenance checklist and themes, read from ``checklist.toml``.

The seasonal checklist follows the calendar (Q4 is the holiday peak whatever
the fiscal year), so a fiscal quarter uses the items of the calendar quarter in
which it starts.
"""

# Annotations are evaluated as the classes are made (no ``from __future__ import
# annotations``): pydantic would otherwise evaluate each field's from its string, at
# every start-up.

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.layout import Labels
from sheets_sync.core.templates import read_toml


class QuarterTheme(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    theme: Labels
    subtitle: Labels
    ideal_for: Labels


class ChecklistItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    quarter: int = Field(ge=1, le=4)
    applies: Literal["both", "b2b", "b2c"]
    due_week: int = Field(ge=1, le=13)
    title: Labels
    description: Labels

    def fits(self, business: str) -> bool:
        return self.applies in ("both", business)


class Checklist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    quarters: dict[int, QuarterTheme]
    items: tuple[ChecklistItem, ...]

    def theme(self, quarter: Quarter) -> QuarterTheme:
        return self.quarters[quarter.calendar_quarter]

    def items_for(self, quarter: Quarter, business: str) -> list[ChecklistItem]:
        """The items of ``quarter``'s season that apply to ``business``, in order."""
        return [i for i in self.items if i.quarter == quarter.calendar_quarter and i.fits(business)]


@cache
def load_checklist() -> Checklist:
    return Checklist.model_validate(read_toml("checklist.toml"))
