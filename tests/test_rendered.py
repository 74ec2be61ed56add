"""The generated and synced workbook as a marketer prints it: LibreOffice exports it to PDF
and the text read back has no ``###``, no label cut short, and few pages per sheet."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest

from sheets_sync.api import generate_xlsx, sync_workbook
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.layout import BUSINESSES, LANGS, Business, Lang, load_layout
from sheets_sync.core.templates import load_toml
from sheets_sync.quarter.new_plan import Options

from .libreoffice import pdf_pages, soffice

pytestmark = pytest.mark.libreoffice

AS_OF = dt.date(2027, 2, 20)
MOST_PAGES_PER_SHEET = 2


@pytest.fixture(autouse=True)
def _needs_libreoffice_and_poppler() -> None:
    if soffice() is None or shutil.which("pdftotext") is None:
        if os.environ.get("SHEETS_SYNC_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice and poppler-utils are required here but are not installed")
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")


def _words(text: str) -> list[str]:
    """What must be read in full: each word, or each run of CJK text (which wraps anywhere)."""
    return [w for w in re.split(r"[\s–]+", text) if w]  # a line may break after a dash


def _first_word(label: str) -> str:
    word = _words(label)[0]
    return word[:1] if re.match(r"[\u3000-\u9fff\uff00-\uffef]", word) else word


def _signature(labels: list[str]) -> re.Pattern[str]:
    """A header row's first printed line: the first word of every label, in order."""
    return re.compile(r"^\s*" + r".*?".join(re.escape(_first_word(x)) for x in labels))


def _pages_per_sheet(pages: list[str], lang: Lang) -> dict[str, int]:
    """Pages by sheet key: every page starts with its sheet's header row (repeated on print)."""
    layout = load_layout()
    signatures = {
        sheet.key: _signature([c.label.get(lang) for c in sheet.columns if not c.hidden])
        for sheet in layout.sheets
    }
    signatures["help"] = re.compile(r"^\s*" + re.escape(load_toml("help.toml")["title"][lang]))
    counts: dict[str, int] = {}
    current = "?"
    for page in pages:
        first = next((line for line in page.splitlines() if line.strip()), "")
        current = next((key for key, sig in signatures.items() if sig.match(first)), current)
        counts[current] = counts.get(current, 0) + 1
    return counts


@pytest.mark.parametrize("business", BUSINESSES)
@pytest.mark.parametrize("lang", LANGS)
def test_the_printed_workbook_reads_in_full(lang: Lang, business: Business, tmp_path: Path) -> None:
    path = tmp_path / f"roadmap-{lang}-{business}.xlsx"
    options = Options(
        quarter=Quarter.parse("2027-Q1", 1),
        business=business,
        lang=lang,
        quarter_budget=60000.0,
        annual_budget=240000.0,
        example=True,
    )
    generate_xlsx(path, options, as_of=AS_OF)
    sync_workbook(path, as_of=AS_OF)
    pages = pdf_pages(path)
    text = "\n".join(pages)
    assert "###" not in text
    flat = re.sub(r"\s+", " ", text)
    layout = load_layout()
    labels = [c.label.get(lang) for s in layout.sheets for c in s.columns if not c.hidden]
    labels += [f.label.get(lang) for f in layout.sheet("overview").fields]
    cut = sorted({w for label in labels for w in _words(label) if w not in flat})
    assert cut == []
    per_sheet = _pages_per_sheet(pages, lang)
    assert "?" not in per_sheet
    assert {k: n for k, n in per_sheet.items() if n > MOST_PAGES_PER_SHEET} == {}


@pytest.mark.parametrize("lang", LANGS)
def test_the_printed_dashboard_and_timeline_read_in_full(lang: Lang, tmp_path: Path) -> None:
    """Late in the quarter, when every section has rows: one page each, every tile and
    section label whole, no ``###`` (dates in the Timeline's narrow week grid)."""
    path = tmp_path / f"roadmap-{lang}.xlsx"
    options = Options(
        quarter=Quarter.parse("2027-Q1", 1),
        business="b2b",
        lang=lang,
        quarter_budget=60000.0,
        annual_budget=240000.0,
        example=True,
    )
    generate_xlsx(path, options, as_of=AS_OF)
    sync_workbook(path, as_of=dt.date(2027, 3, 25))
    pages = pdf_pages(path)
    per_sheet = _pages_per_sheet(pages, lang)
    assert (per_sheet["dashboard"], per_sheet["timeline"]) == (1, 1)
    text = "\n".join(pages)
    assert "###" not in text
    flat = re.sub(r"\s+", " ", text)
    layout = load_layout()
    labels = [
        slot.label.get(lang)
        for key in ("dashboard", "timeline")
        for slot in layout.sheet(key).slots
        if slot.label and "{" not in slot.label.get(lang)
    ]
    assert [label for label in labels if label not in flat] == []
