"""The example roadmap follows what was asked: the business model's story, amounts scaled to
the budget, and no claim that is not true of the workbook."""

from __future__ import annotations

import pytest

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.layout import LANGS, Lang, load_layout
from sheets_sync.quarter.example import example_content
from sheets_sync.quarter.new_plan import Content, Options


def _example(business: str = "b2b", budget: float = 60000.0, lang: Lang = "en") -> Content:
    options = Options(
        quarter=Quarter(2027, 1),
        business=business,  # type: ignore[arg-type]
        lang=lang,
        quarter_budget=budget,
        annual_budget=240000.0,
        example=True,
    )
    return example_content(options, load_layout())


def test_b2c_tells_a_shops_story_not_the_b2b_one() -> None:
    b2b, b2c = _example("b2b"), _example("b2c")
    assert [a["persona"] for a in b2b["focus_areas"]][2] == "IT director comparing vendors"
    personas = " ".join(str(a["persona"]) for a in b2c["focus_areas"])
    titles = " ".join(str(i["title"]) for i in b2c["initiatives"])
    assert "IT director" not in personas and "trade show" not in titles and "MQL" not in titles
    assert {a["name"] for a in b2c["focus_areas"]}.isdisjoint(a["name"] for a in b2b["focus_areas"])
    assert "holiday peak" in titles


@pytest.mark.parametrize("business", ["b2b", "b2c"])
def test_amounts_scale_with_the_budget(business: str) -> None:
    base, double = _example(business), _example(business, budget=120000.0)
    for key in ("planned", "actual"):
        assert [2 * (i[key] or 0) for i in base["initiatives"]] == [
            i[key] or 0 for i in double["initiatives"]
        ]
    assert sum(i["planned"] for i in _example(business, budget=1_000_000)["initiatives"]) == (
        pytest.approx(sum(i["planned"] for i in base["initiatives"]) * 1_000_000 / 60000, rel=0.01)
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("business", "area", "initiative"), [("b2b", 3, 7), ("b2c", 2, 5)])
def test_the_review_note_states_the_computed_share(
    lang: Lang, business: str, area: int, initiative: int
) -> None:
    for budget in (60000.0, 240000.0, 37000.0):
        example = _example(business, budget, lang)
        share = example["initiatives"][initiative]["planned"] / budget
        assert f"{round(share * 100)}%" in example["review"][area]["mid_notes"]
    assert "half" not in _example("b2b")["review"][3]["mid_notes"]
