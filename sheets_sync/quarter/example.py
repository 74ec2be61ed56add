"""The example roadmap: the seeds' 90-day roadmap, B2B (workbook_templates/example.toml)
or B2C (example_b2c.toml).

``example_content`` places it in any quarter, language and budget, as the rows
a new workbook's plan is filled with (``generate --example``): amounts are
scaled from the example's quarter budget to the one asked for, and a review's
claim about an initiative's share of the budget is computed, so what the
example says stays true of the workbook. ``with_initiatives`` grows it to any
number of initiatives, to try a sync on a big workbook. The texts come in every
language; names, emails and data sources are the same in all of them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sheets_sync.core.cells import CellValue
from sheets_sync.core.layout import Business, Lang, Layout
from sheets_sync.core.templates import load_toml

if TYPE_CHECKING:  # new_plan fills a new workbook with this example, so it imports us
    from sheets_sync.quarter.new_plan import Content, Options

Row = dict[str, CellValue]
Toml = dict[str, Any]
EXAMPLES: dict[Business, str] = {"b2b": "example.toml", "b2c": "example_b2c.toml"}


def _in_lang(text: Any, lang: Lang) -> str:
    """A trilingual table from example.toml, or a plain string, in ``lang``."""
    if isinstance(text, dict):
        return str(text.get(lang, ""))
    return "" if text is None else str(text)


class _Example:
    """example.toml's tables as rows in one quarter and language, labels from the layout."""

    def __init__(self, data: Toml, options: Options, layout: Layout) -> None:
        self.data, self.quarter, self.lang, self.layout = (
            data,
            options.quarter,
            options.lang,
            layout,
        )
        self.budget = options.quarter_budget
        self.areas = {a["id"]: self.text(a["name"]) for a in data["focus_areas"]}
        self.owners = {o["id"]: o["name"] for o in data["owners"]}
        self.planned = {i["id"]: self.amount(i["planned"]) for i in data["initiatives"]}

    def amount(self, value: float | None) -> float | None:
        """An amount of the example scaled to the quarter budget asked for, kept round."""
        if value is None or self.budget <= 0:
            return value
        unit = 10 ** max(0, math.floor(math.log10(self.budget)) - 3)
        return float(round(value * self.budget / self.data["quarter_budget"] / unit) * unit)

    def text(self, text: Any) -> str:
        return _in_lang(text, self.lang)

    def label(self, choices: str, key: str) -> str:
        return self.layout.choice_label(choices, key, self.lang)

    def focus_area(self, a: Toml) -> Row:
        return {
            "id": a["id"],
            "name": self.areas[a["id"]],
            "annual_goal": self.text(a["annual_goal"]),
            "kpi": self.text(a["kpi"]),
            "persona": self.text(a["persona"]),
            "budget_cap": self.amount(a.get("budget_cap")),
        }

    def owner(self, o: Toml) -> Row:
        return {
            "id": o["id"],
            "name": o["name"],
            "email": o.get("email"),
            "role": self.text(o.get("role")),
            "reporting": self.text(o.get("reporting")),
        }

    def initiative(self, i: Toml) -> Row:
        return {
            "id": i["id"],
            "focus_area": self.areas[i["focus_area"]],
            "title": self.text(i["title"]),
            "owner": self.owners[i["owner"]],
            "start": self.quarter.week_start(i["start_week"]),
            "due": self.quarter.week_end(i["due_week"]),
            "status": self.label("status", i["status"]),
            "planned": self.planned[i["id"]],
            "actual": self.amount(i.get("actual")),
            "roi_evidence": self.text(i.get("roi_evidence")) or None,
        }

    def goal(self, g: Toml) -> Row:
        return {
            "id": g["id"],
            "focus_area": self.areas[g["focus_area"]],
            "kpi": self.text(g["kpi"]),
            "metric": self.text(g["metric"]),
            "unit": self.label("unit", g["unit"]),
            **{key: self.goal_value(g, key) for key in ("baseline", "target", "current")},
            "deadline": self.quarter.week_end(g["deadline_week"]),
            "data_source": g.get("data_source"),
        }

    def goal_value(self, g: Toml, key: str) -> float | None:
        """A goal's value; an amount of money scales with the budget like every amount."""
        value = g.get(key)
        return self.amount(value) if g["unit"] == "currency" else value

    def hypothesis(self, h: Toml) -> Row:
        return {
            "id": h["id"],
            "focus_area": self.areas[h["focus_area"]],
            "initiative": h.get("initiative") or None,
            "goal": h.get("goal") or None,
            "statement": self.text(h["statement"]),
            "expected": self.text(h.get("expected")) or None,
            "metric": self.text(h.get("metric")),
            "test_method": self.text(h.get("test_method")) or None,
            "result": self.label("result", h["result"]),
        }

    def review(self, r: Toml) -> Row:
        return {
            "focus_area": self.areas[r["focus_area"]],
            "mid_notes": " ".join(filter(None, (self.claim(r), self.text(r.get("mid_notes")))))
            or None,
            "mid_decision": self.decision(r.get("mid_decision")),
            "final_notes": self.text(r.get("final_notes")) or None,
            "final_decision": self.decision(r.get("final_decision")),
        }

    def claim(self, r: Toml) -> str:
        """The review's claim with its initiative's share of the quarter budget, when it has one."""
        planned = self.planned.get(r.get("claim_initiative", ""))
        if "claim" not in r or planned is None or self.budget <= 0:
            return ""
        return self.text(r["claim"]).format(share=f"{round(planned / self.budget * 100)}%")

    def decision(self, key: str | None) -> str | None:
        return self.label("decision", key) if key else None


def example_content(options: Options, layout: Layout) -> Content:
    """The seeds' example roadmap for ``options.business``, in its quarter, language and budget."""
    data = load_toml(EXAMPLES[options.business])
    example = _Example(data, options, layout)
    return {
        "focus_areas": [example.focus_area(a) for a in data["focus_areas"]],
        "owners": [example.owner(o) for o in data["owners"]],
        "initiatives": [example.initiative(i) for i in data["initiatives"]],
        "goals": [example.goal(g) for g in data["goals"]],
        "hypotheses": [example.hypothesis(h) for h in data["hypotheses"]],
        "review": [example.review(r) for r in data["reviews"]],
    }


def with_initiatives(content: Content, rows: int) -> Content:
    """``content`` with its initiatives repeated to ``rows`` rows, each with its own ID.

    A roadmap of any size from the example, for trying a sync on a big workbook (the
    benchmarks and the tests of multi-piece sheets use it). Budgets vary by row.
    """
    base = content["initiatives"]
    scaled = [
        {**base[n % len(base)], "id": f"IN-{n + 1:05d}", "planned": 100 + n % 900}
        for n in range(rows)
    ]
    return {**content, "initiatives": scaled}
