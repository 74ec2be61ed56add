"""The digest is pure: rows and a date in, who hears what out, agreeing with the sync's rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.api import generate_xlsx, open_backend
from sheets_sync.core import rules
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import WorkbookSnapshot
from sheets_sync.core.checklist import load_checklist
from sheets_sync.core.layout import load_layout
from sheets_sync.core.models import Initiative
from sheets_sync.quarter.new_plan import Options
from sheets_sync.sync.compute import compute
from sheets_sync.sync.digest import KINDS, build_digests
from sheets_sync.sync.locate import locate

QUARTER = Quarter(2027, 1)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, WorkbookSnapshot]:
    """The example roadmap in each language, read once for every generated date."""
    folder = tmp_path_factory.mktemp("digest")
    found = {}
    for lang in ("en", "zh", "ru"):
        options = Options(
            quarter=QUARTER,
            business="b2b",
            lang=lang,  # type: ignore[arg-type]
            quarter_budget=60000,
            example=True,
        )
        path = folder / f"{lang}.xlsx"
        generate_xlsx(path, options, as_of=dt.date(2026, 12, 1))
        found[lang] = open_backend(path).read()
    return found


def _initiatives(snapshot: WorkbookSnapshot) -> list[Initiative]:
    layout = load_layout()
    outcome = compute(locate(snapshot, layout), layout, load_checklist(), QUARTER.start)
    models = [m for _, m in outcome.parsed["initiatives"].valid()]
    return [m for m in models if isinstance(m, Initiative)]


days = st.dates(min_value=dt.date(2026, 12, 15), max_value=dt.date(2027, 4, 15))


@settings(max_examples=25, deadline=None)
@given(day=days, lang=st.sampled_from(["en", "zh", "ru"]))
def test_initiatives_in_the_digests_are_those_the_rules_flag(
    snapshots: dict[str, WorkbookSnapshot], day: dt.date, lang: str
) -> None:
    snapshot = snapshots[lang]
    found = build_digests(snapshot, as_of=day, lead="lead@example.com")
    got = {
        (d.owner, i.row_id, i.kind)
        for d in found.digests
        for i in d.items
        if i.kind.startswith("initiative_")
    }
    expected = set()
    for model in _initiatives(snapshot):
        flag = rules.initiative_schedule(
            status=model.status, start=model.start, due=model.due, as_of=day, due_soon_days=7
        )
        if flag in ("due_soon", "overdue"):
            expected.add((model.owner, model.id, f"initiative_{flag}"))
    assert got == expected


@settings(max_examples=25, deadline=None)
@given(day=days)
def test_each_digest_lists_each_notice_once_in_kind_order(
    snapshots: dict[str, WorkbookSnapshot], day: dt.date
) -> None:
    found = build_digests(snapshots["en"], as_of=day, lead="lead@example.com")
    assert found.unreachable == {}
    for digest in found.digests:
        keys = [(i.row_id, i.kind) for i in digest.items]
        assert len(keys) == len(set(keys))
        ranks = [KINDS.index(i.kind) for i in digest.items]
        assert ranks == sorted(ranks)
        reviews = [i for i in digest.items if i.kind.startswith("review_")]
        assert not reviews or digest.owner == ""  # reviews go to the lead only


def test_nothing_is_due_before_the_quarter_starts(
    snapshots: dict[str, WorkbookSnapshot],
) -> None:
    found = build_digests(snapshots["en"], as_of=dt.date(2026, 12, 1), lead="lead@example.com")
    assert found.digests == [] and found.unreachable == {}


def test_a_goal_is_named_with_its_languages_colon(snapshots: dict[str, WorkbookSnapshot]) -> None:
    day = dt.date(2027, 2, 20)  # the goals' values, read when the roadmap was made, are old
    for lang, colon in (("en", ": "), ("zh", "："), ("ru", ": ")):
        found = build_digests(snapshots[lang], as_of=day, lead="lead@example.com")
        goals = [i for d in found.digests for i in d.items if i.kind.startswith("goal_")]
        assert goals and all(colon in i.title for i in goals)
        assert lang != "zh" or not any(": " in i.title for i in goals)
