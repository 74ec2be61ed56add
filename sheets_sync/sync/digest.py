"""Who should hear what today: a workbook's rows in, one digest per recipient out.

Pure, like the rest of the sync: the flags are the ones the sync writes (compute
decides them with the rules in core/rules.py; here they are only read back from
what it decided), so a reminder never disagrees with the workbook's own cells.
Initiatives and checklist items go to their owner; goals at risk, off track or with
an out-of-date value to the owners of their focus area's initiatives; reviews
coming due to the lead.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import WorkbookSnapshot
from sheets_sync.core.checklist import Checklist, load_checklist
from sheets_sync.core.layout import Lang, Layout, load_layout
from sheets_sync.core.models import ChecklistRow, Goal, Initiative, Owner, Review
from sheets_sync.core.parsing import match_key
from sheets_sync.sync.compute import Outcome, Overrides, compute
from sheets_sync.sync.locate import locate
from sheets_sync.sync.summary import text

# The kinds of notice, in the order a digest lists them.
KINDS = (
    "initiative_overdue",
    "initiative_due_soon",
    "checklist_overdue",
    "checklist_due_soon",
    "goal_off_track",
    "goal_at_risk",
    "goal_stale",
    "review_final_overdue",
    "review_final_due",
    "review_mid_due",
)
LEAD = ""  # the lead's digest: no owner's name is empty


@dataclass(frozen=True)
class Item:
    """One thing to remind of. ``due`` is its deadline (a review's date for a review)."""

    kind: str
    row_id: str
    title: str
    due: dt.date


@dataclass(frozen=True)
class Digest:
    """Everything one recipient hears today. ``owner`` is a name, empty for the lead."""

    owner: str
    email: str
    items: tuple[Item, ...]


@dataclass
class WorkbookDigest:
    """A workbook's digests, and the owners who have something due but no address."""

    lang: Lang
    quarter: str | None
    digests: list[Digest] = field(default_factory=list)
    unreachable: dict[str, int] = field(default_factory=dict)  # owner -> items not sent


def build_digests(
    snapshot: WorkbookSnapshot,
    *,
    as_of: dt.date,
    lead: str | None = None,
    addresses: Mapping[str, str] | None = None,
    overrides: Overrides | None = None,
    layout: Layout | None = None,
    checklist: Checklist | None = None,
) -> WorkbookDigest:
    """The digests for ``as_of``. ``addresses`` (owner name -> email) win over the
    Owners sheet's emails; items with no one to go to are counted in ``unreachable``."""
    layout = layout or load_layout()
    outcome = compute(
        locate(snapshot, layout), layout, checklist or load_checklist(), as_of, overrides
    )
    flags = _Flags(outcome, layout)
    by_owner: dict[str, list[Item]] = defaultdict(list)
    _initiatives(outcome, flags, by_owner)
    _checklist(outcome, flags, by_owner)
    _goals(outcome, flags, by_owner)
    if outcome.quarter is not None:
        _reviews(outcome, flags, outcome.quarter, by_owner)
    emails = _emails(outcome) | {match_key(k): v for k, v in (addresses or {}).items()}
    if lead:
        emails[LEAD] = lead
    result = WorkbookDigest(outcome.lang, outcome.quarter.name if outcome.quarter else None)
    for owner, items in sorted(by_owner.items()):
        email = emails.get(match_key(owner) if owner else LEAD)
        if not email:
            result.unreachable[owner] = len(items)
            continue
        ordered = sorted(items, key=lambda i: (KINDS.index(i.kind), i.due, i.row_id))
        result.digests.append(Digest(owner, email, tuple(ordered)))
    return result


class _Flags:
    """The choice keys of the flags compute decided, read back from their labels."""

    def __init__(self, outcome: Outcome, layout: Layout) -> None:
        self.outcome = outcome
        self.layout = layout
        self._keys: dict[str, dict[str, str]] = {}

    def of(self, sheet: str, row: int, column: str) -> str | None:
        label = self.outcome.desired.get((sheet, row, column))
        if not isinstance(label, str):
            return None
        spec = self.layout.sheet(sheet).column(column)
        name = spec.choices or ""
        if name not in self._keys:
            lang = self.outcome.lang
            self._keys[name] = {
                self.layout.choice_label(name, key, lang): key for key in self.layout.choices[name]
            }
        return self._keys[name].get(label)


def _row_id(model: Initiative | ChecklistRow | Goal | Review, row: int) -> str:
    return model.id or f"row-{row}"


def _initiatives(outcome: Outcome, flags: _Flags, out: dict[str, list[Item]]) -> None:
    for row, model in outcome.parsed["initiatives"].valid():
        assert isinstance(model, Initiative)
        flag = flags.of("initiatives", row.number, "schedule")
        if flag in ("due_soon", "overdue"):
            item = Item(f"initiative_{flag}", _row_id(model, row.number), model.title, model.due)
            out[model.owner].append(item)


def _checklist(outcome: Outcome, flags: _Flags, out: dict[str, list[Item]]) -> None:
    for row, model in outcome.parsed["checklist"].valid():
        assert isinstance(model, ChecklistRow)
        flag = flags.of("checklist", row.number, "due_status")
        due = outcome.desired.get(("checklist", row.number, "due"))
        if flag in ("due_soon", "overdue") and isinstance(due, dt.date):
            item = Item(f"checklist_{flag}", _row_id(model, row.number), model.item, due)
            out[model.owner or LEAD].append(item)


def _goals(outcome: Outcome, flags: _Flags, out: dict[str, list[Item]]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for _, initiative in outcome.parsed["initiatives"].valid():
        assert isinstance(initiative, Initiative)
        owners[match_key(initiative.focus_area)].add(initiative.owner)
    for row, model in outcome.parsed["goals"].valid():
        assert isinstance(model, Goal)
        flag = flags.of("goals", row.number, "health")
        if flag in ("at_risk", "off_track", "stale"):
            title = model.focus_area + text("colon", outcome.lang) + model.metric
            item = Item(f"goal_{flag}", _row_id(model, row.number), title, model.deadline)
            for owner in sorted(owners.get(match_key(model.focus_area)) or {LEAD}):
                out[owner].append(item)


def _reviews(outcome: Outcome, flags: _Flags, quarter: Quarter, out: dict[str, list[Item]]) -> None:
    dates = {
        "mid_due": quarter.mid_review,
        "final_due": quarter.final_review,
        "final_overdue": quarter.end,
    }
    for row, model in outcome.parsed["review"].valid():
        assert isinstance(model, Review)
        flag = flags.of("review", row.number, "review_status")
        if flag in dates:
            row_id = _row_id(model, row.number)
            out[LEAD].append(Item(f"review_{flag}", row_id, model.focus_area, dates[flag]))


def _emails(outcome: Outcome) -> dict[str, str]:
    emails = {}
    for _, model in outcome.parsed["owners"].valid():
        assert isinstance(model, Owner)
        if model.email:
            emails[match_key(model.name)] = model.email
    return emails
