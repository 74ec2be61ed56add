"""The review as PDF, read back with poppler: every section there, fonts embedded, 1-3 pages.

Three renders only (one per language), as each takes a second or two.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sheets_sync.api import generate_xlsx, review_workbook, write_review
from sheets_sync.core.templates import load_toml
from tests.conftest import AS_OF, QUARTER, options
from tests.test_next_quarter import decide_every_area

TOOLS = ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm")


@pytest.fixture(autouse=True)
def _needs_weasyprint_and_poppler() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        missing.append("weasyprint")
    if missing:
        if os.environ.get("SHEETS_SYNC_REQUIRE_LIBREOFFICE"):
            pytest.fail(f"needed here but not installed: {', '.join(missing)}")
        pytest.skip(f"not installed: {', '.join(missing)}")


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def squeezed(text: str) -> str:
    """``text`` without whitespace: Chinese wraps anywhere, any name may wrap."""
    return "".join(text.split())


def text(key: str, lang: str) -> str:
    return str(load_toml("review.toml")["texts"][key][lang])


def check_pdf(pdf: Path, lang: str, headings: list[str], names: list[str]) -> None:
    """Every heading and name is in the text, every font is embedded, one to three pages."""
    words = squeezed(run("pdftotext", str(pdf), "-"))
    for expected in [text(key, lang) for key in headings] + names:
        assert squeezed(expected) in words, expected
    fonts = run("pdffonts", str(pdf)).splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    pages = int(
        next(
            line.split()[1]
            for line in run("pdfinfo", str(pdf)).splitlines()
            if line.startswith("Pages:")
        )
    )
    assert 1 <= pages <= 3
    run("pdftoppm", "-png", "-r", "60", str(pdf), str(pdf.with_suffix("")))
    assert len(list(pdf.parent.glob(f"{pdf.stem}-*.png"))) == pages


SECTIONS = ["budget", "goals", "initiatives", "hypotheses", "checklist"]


@pytest.mark.parametrize("lang,business", [("zh", "b2b"), ("ru", "b2c")])
def test_pdf_in_chinese_and_russian(tmp_path: Path, lang: str, business: str) -> None:
    source = tmp_path / "roadmap.xlsx"
    generate_xlsx(source, options(lang=lang, business=business), as_of=AS_OF)
    for kind, day in (("mid", QUARTER.mid_review), ("final", QUARTER.final_review)):
        if (lang, kind) in (("zh", "final"), ("ru", "mid")):
            continue  # one render per language: zh mid, ru final
        review = review_workbook(source, as_of=day)
        pdf = write_review(review, tmp_path / f"review-{kind}.pdf")
        extra = ["mid_notes"] if kind == "mid" else ["decisions", "carry"]
        names = [a.name for a in review.areas] + [g.metric for g in review.goals]
        check_pdf(pdf, lang, [f"title_{kind}", *SECTIONS, *extra], names)


def test_pdf_of_a_decided_final_review(roadmap: Path, tmp_path: Path) -> None:
    decide_every_area(roadmap)
    review = review_workbook(roadmap, as_of=QUARTER.final_review)
    pdf = write_review(review, tmp_path / "review.pdf")
    check_pdf(
        pdf,
        "en",
        ["title_final", *SECTIONS, "decisions", "carry"],
        ["No ROI data", "Focus areas carried over: Website appeal, Conversion rate optimisation"],
    )
