"""The example roadmap: the seeds' 90-day roadmap from workbook_templates/example.toml.

``example_content`` places it in any quarter and language, as the rows a new
workbook's plan is filled with (``generate --example``); ``with_initiatives``
grows it to any number of initiatives, to try a sync on a big workbook. The
texts of example.toml come in every language; names, emails and data sources
are the same in all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellValue
from sheets_sync.core.layout import Lang, Layout
from sheets_sync.core.templates import load_toml

if TYPE_CHECKING:  # new_plan fills a new workbook with this example, so it imports us
    from sheets_sync.quarter.new_plan import Content, Options

Row = dict[str, CellValue]
Toml = dict[str, Any]


def _in_lang(text: Any, lang: Lang) -> str:
    """A trilingual table from example.toml, or a plain string, in ``lang``."""
    if isinstance(text, dict):
        return str(text.get(lang, ""))
    return "" if text is None else str(text)


class _Example:
    """example.toml's tables as rows in one quarter and language, labels from the layout."""

    def __init__(self, data: Toml, quarter: Quarter, lang: Lang, layout: Layout) -> None:
        self.data, self.quarter, self.lang, self.layout = data, quarter, lang, layout
        self.areas = {a["id"]: self.text(a["name"]) for a in data["focus_areas"]}
        self.owners = {o["id"]: o["name"] for o in data["owners"]}

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
            "budget_cap": a.get("budget_cap"),
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
            "planned": i["planned"],
            "actual": i.get("actual"),
            "roi_evidence": self.text(i.get("roi_evidence")) or None,
        }

    def goal(self, g: Toml) -> Row:
        return {
            "id": g["id"],
            "focus_area": self.areas[g["focus_area"]],
            "kpi": self.text(g["kpi"]),
            "metric": self.text(g["metric"]),
            "unit": self.label("unit", g["unit"]),
            "baseline": g["baseline"],
            "target": g["target"],
            "current": g.get("current"),
            "deadline": self.quarter.week_end(g["deadline_week"]),
            "data_source": g.get("data_source"),
        }

    def hypothesis(self, h: Toml) -> Row:
        return {
            "id": h["id"],
            "focus_area": self.areas[h["focus_area"]],
            "initiative": h.get("initiative") or None,
            "statement": self.text(h["statement"]),
            "metric": self.text(h.get("metric")),
            "result": self.label("result", h["result"]),
        }

    def review(self, r: Toml) -> Row:
        return {
            "focus_area": self.areas[r["focus_area"]],
            "mid_notes": self.text(r.get("mid_notes")) or None,
            "mid_decision": self.decision(r.get("mid_decision")),
            "final_notes": self.text(r.get("final_notes")) or None,
            "final_decision": self.decision(r.get("final_decision")),
        }

    def decision(self, key: str | None) -> str | None:
        return self.label("decision", key) if key else None


def example_content(options: Options, layout: Layout) -> Content:
    """The seeds' example roadmap, placed in ``options.quarter``, in ``options.lang``."""
    data = load_toml("example.toml")
    example = _Example(data, options.quarter, options.lang, layout)
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
