"""The review's charts, drawn by matplotlib as inline SVG: budget per focus area, goal progress.

matplotlib is an optional extra (``pip install 'sheets-sync[report]'``), imported
only when a chart is drawn, so the rest of the tool starts without it. Text is
drawn as paths, so the SVG shows the same on any device and in the PDF without
the reader's fonts; the Noto CJK fonts, when installed, supply Chinese glyphs.
Names typed by people are drawn as plain text: mathtext is off for them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sheets_sync.core.i18n import format_amount, shorten
from sheets_sync.core.layout import Lang
from sheets_sync.errors import SheetsSyncError
from sheets_sync.review.model import AreaBudget, GoalLine

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LABEL_LIMIT = 30  # characters of a name on an axis
COLOURS = {"planned": "#9db4d3", "spent": "#2f5d9a", "cap": "#c0392b"}
HEALTH_COLOURS = {
    "achieved": "#1e8449",
    "on_track": "#27ae60",
    "at_risk": "#e67e22",
    "off_track": "#c0392b",
    "stale": "#d4ac0d",
    "no_data": "#95a5a6",
}
# Chinese needs a CJK font (which draws Latin too); DejaVu Sans, bundled with
# matplotlib, draws Latin and Cyrillic and loads in a fraction of the time.
FONTS: dict[Lang, list[str]] = {
    "zh": ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"],
    "en": ["DejaVu Sans"],
    "ru": ["DejaVu Sans"],
}


def _require_matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as error:
        raise SheetsSyncError(
            "The review's charts need matplotlib, which is not installed.",
            "Install the report extra: pip install 'sheets-sync[report]'.",
        ) from error
    return matplotlib


def _installed_fonts(lang: Lang) -> list[str]:
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    return [name for name in FONTS[lang] if name in names] or ["DejaVu Sans"]


@contextmanager
def _style(lang: Lang) -> Iterator[None]:
    matplotlib = _require_matplotlib()
    settings = {
        "font.family": "sans-serif",
        "font.sans-serif": _installed_fonts(lang),
        "font.size": 9,
        "svg.fonttype": "path",
        "svg.hashsalt": "sheets-sync",  # the same SVG for the same data
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.rc_context(settings):
        yield


def _svg(figure: Figure) -> str:
    """The figure as an ``<svg>`` element to inline, without the XML prologue or a date."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(rows: int) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(6.4, 0.9 + 0.45 * rows), layout="constrained")


def _labels(names: Sequence[str]) -> list[str]:
    return [shorten(name, LABEL_LIMIT) for name in names]


def budget_chart(areas: Sequence[AreaBudget], legend: dict[str, str], lang: Lang) -> str:
    """Planned and spent per focus area as paired bars, each area's cap as a mark."""
    with _style(lang):
        from matplotlib.ticker import MaxNLocator

        figure = _figure(len(areas))
        ax = figure.add_subplot()
        rows = range(len(areas))
        height = 0.38
        ax.barh(
            [r - height / 2 for r in rows],
            [a.planned for a in areas],
            height,
            color=COLOURS["planned"],
            label=legend["planned"],
        )
        ax.barh(
            [r + height / 2 for r in rows],
            [a.spent for a in areas],
            height,
            color=COLOURS["spent"],
            label=legend["spent"],
        )
        capped = [(r, a.cap) for r, a in zip(rows, areas, strict=True) if a.cap is not None]
        if capped:
            ax.scatter(
                [c for _, c in capped],
                [r for r, _ in capped],
                marker="|",
                s=500,
                linewidths=2.5,
                color=COLOURS["cap"],
                label=legend["cap"],
                zorder=3,
            )
        ax.set_yticks(list(rows), _labels([a.name for a in areas]), parse_math=False)
        ax.invert_yaxis()
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.xaxis.set_major_formatter(lambda x, _: format_amount(round(x), lang))
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, frameon=False, fontsize=8)
        return _svg(figure)


def goals_chart(goals: Sequence[GoalLine], lang: Lang) -> str:
    """Each goal's progress (0-100 % and beyond) as a bar coloured by its health."""
    with _style(lang):
        figure = _figure(len(goals))
        ax = figure.add_subplot()
        rows = range(len(goals))
        shares = [max(min(g.progress or 0.0, 1.5), -0.5) * 100 for g in goals]
        ax.barh(list(rows), shares, 0.6, color=[HEALTH_COLOURS[g.health] for g in goals])
        ax.axvline(100, color="#555555", linewidth=1, linestyle="--")
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.set_xlim(min(0.0, *shares) - 5, max(110.0, *shares) + 5)
        ax.set_yticks(list(rows), _labels([g.metric for g in goals]), parse_math=False)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter("{x:.0f}%")
        return _svg(figure)
