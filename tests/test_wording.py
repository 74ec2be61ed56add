"""Every text in workbook_templates/ reads in its language: no English left in zh or ru
(beyond the terms marketers there use as they are), and the same placeholders in every
language."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any

import pytest

from sheets_sync.core.layout import load_layout
from sheets_sync.core.templates import load_toml

TEMPLATES = (
    "layout.toml",
    "messages.toml",
    "checklist.toml",
    "example.toml",
    "example_b2c.toml",
)
# Latin words a Chinese or Russian marketer writes as they are.
KEPT = {
    "AI",
    "Email",
    "Shopify",
    "QBR",
    "IT",
    "CRO",
    "B2B",
    "B2C",
    "KPI",
    "KPIs",
    "ROI",
    "SEO",
    "CRM",
    "CTA",
    "MQL",
    "MQLs",
    "SQL",
    "SMART",
    "UX",
    "UTM",
    "GTM",
    "ID",
    "OK",
    "sheets",
    "sync",
    "rename",  # a command name, `sheets-sync rename`
    "Lucky",
    "Orange",
    "Google",
    "Analytics",
    "HubSpot",
    "Hubspot",
    "LinkedIn",
    "English",
    "PDF",
    "FAQ",
    "ABM",
    "CPC",
    "CPA",
    "CAC",
    "LTV",
    "A",
    "B",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "IN",
    "FA",
    "GO",
    "HY",
    "Black",
    "Friday",
    "Cyber",
    "Monday",
    "email",
    "Excel",
    "LibreOffice",
    "Sheets",
    "USD",
    "CNY",
    "RUB",
    "EUR",
    "GBP",
    "NPS",
    "AOV",
    "BFCM",
    "SMS",
    "App",
    "Store",
    "Instagram",
    "TikTok",
    "WeChat",
}


def _texts(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    """Every {en, zh, ru} table in a template, with where it is."""
    if isinstance(node, dict):
        if {"en", "zh", "ru"} <= set(node) and all(
            isinstance(node[k], str) for k in ("en", "zh", "ru")
        ):
            yield where, node
            return
        for key, value in node.items():
            yield from _texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _texts(value, f"{where}[{n}]")


ALL = [
    (f"{name}{where}", texts)
    for name in TEMPLATES
    for where, texts in _texts(load_toml(name))
    if not where.startswith(".presentation")  # number formats, not words
]


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_no_english_is_left(lang: str) -> None:
    english = {
        where: words
        for where, texts in ALL
        if (
            words := sorted(
                set(re.findall(r"[A-Za-z]{2,}", re.sub(r"\{\w*\}|\S+@\S+", "", texts[lang])))
                - KEPT
                - set(re.findall(r"[A-Za-z]{2,}", _kept_names(texts)))
            )
        )
    }
    assert english == {}


def _kept_names(texts: dict[str, str]) -> str:
    """Names a text keeps in every language: words capitalised in English and kept as they are."""
    return " ".join(
        w
        for w in re.findall(r"[A-Z][A-Za-z]+", texts["en"])
        if w in texts["zh"] and w in texts["ru"]
    )


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_placeholders_match_english(lang: str) -> None:
    assert {
        where: (_placeholders(texts["en"]), _placeholders(texts[lang]))
        for where, texts in ALL
        if _placeholders(texts["en"]) != _placeholders(texts[lang])
    } == {}


def test_former_spellings_still_read() -> None:
    layout = load_layout()
    assert layout.parse_choice("decision", "Завершено") == "complete"
    assert layout.parse_choice("decision", "Завершить") == "complete"
    assert layout.parse_choice("unit", "Штук") == "count"
    assert layout.parse_choice("review_status", "待做季中回顾") == "mid_due"
    assert "Обзор" in layout.sheet("overview").title.all()


def test_russian_names_do_not_clash() -> None:
    layout = load_layout()
    overview, review = layout.sheet("overview"), layout.sheet("review")
    names = [overview.title.ru, review.title.ru, overview.field("mid_review").label.ru]
    assert len({name.split()[0] for name in names}) == 3
    decisions = [layout.choice_label("decision", k, "ru") for k in layout.choice_keys("decision")]
    assert all(d.endswith(("ть", "ться")) for d in decisions)  # all infinitives
    checklist = [c.label.ru for c in layout.sheet("checklist").columns]
    assert sum("Срок" in label for label in checklist) == 1
