"""Row models: typed cells pass as they are, anything else is parsed, one error per cell."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from sheets_sync.core.layout import load_layout
from sheets_sync.core.models import Initiative
from sheets_sync.sync.checks import model_problems
from sheets_sync.sync.locate import Row

BASE: dict[str, Any] = {
    "focus_area": "Events",
    "title": "Booth at the spring fair",
    "owner": "Anna Lee",
    "due": dt.date(2027, 3, 1),
    "status": "In progress",
    "planned": 2500,
}


def test_typed_and_typed_by_hand_cells_give_the_same_model() -> None:
    typed = Initiative.model_validate(BASE, context={"lang": "en"})
    by_hand = Initiative.model_validate(
        {**BASE, "title": "  Booth at the spring fair ", "due": "3/1/2027", "planned": "$2,500"},
        context={"lang": "en"},
    )
    assert typed == by_hand
    assert type(typed.planned) is float
    midnight = Initiative.model_validate({**BASE, "due": dt.datetime(2027, 3, 1)})
    assert midnight.due == dt.date(2027, 3, 1)
    assert Initiative.model_validate({**BASE, "title": 7}).title == "7"
    assert Initiative.model_validate({**BASE, "due": 46447}).due == dt.date(2027, 3, 1)


@pytest.mark.parametrize("planned", ["lots", True, float("nan"), float("inf")])
def test_a_bad_amount_is_one_problem_saying_what_is_expected(planned: object) -> None:
    with pytest.raises(ValidationError) as caught:
        Initiative.model_validate({**BASE, "planned": planned}, context={"lang": "en"})
    spec = load_layout().sheet("initiatives")
    problems = model_problems(spec, Row(4, [], {}), "IN-001", caught.value)
    assert [(p.column, p.code) for p in problems] == [("planned", "expected_money")]


def test_a_missing_cell_is_required() -> None:
    data = {k: v for k, v in BASE.items() if k != "owner"}
    with pytest.raises(ValidationError) as caught:
        Initiative.model_validate(data)
    spec = load_layout().sheet("initiatives")
    problems = model_problems(spec, Row(4, [], {}), None, caught.value)
    assert [(p.column, p.code) for p in problems] == [("owner", "required")]
