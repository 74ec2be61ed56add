"""The layout is data, complete in every language, and agrees with the models."""

import re

from sheets_sync.core.checklist import load_checklist
from sheets_sync.core.i18n import _catalog, message
from sheets_sync.core.layout import LANGS, load_layout
from sheets_sync.core.models import ROW_MODELS, Overview

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_label_exists_in_every_language() -> None:
    layout = load_layout()
    for sheet in layout.sheets:
        for text in (sheet.title, *(c.label for c in (*sheet.columns, *sheet.fields))):
            assert all(text.get(lang).strip() for lang in LANGS), (sheet.key, text)
    for name, values in layout.choices.items():
        for key, labels in values.items():
            assert all(labels.get(lang).strip() for lang in LANGS), (name, key)


def test_every_message_exists_in_every_language_with_the_same_placeholders() -> None:
    for code, texts in _catalog().items():
        assert set(texts) == set(LANGS), code
        wanted = set(PLACEHOLDER.findall(texts["en"]))
        for lang in LANGS:
            assert texts[lang].strip(), (code, lang)
            assert set(PLACEHOLDER.findall(texts[lang])) == wanted, (code, lang)


def test_choice_labels_are_unambiguous_within_a_list() -> None:
    layout = load_layout()
    for name, values in layout.choices.items():
        for lang in LANGS:
            labels = [v.get(lang).casefold() for v in values.values()]
            assert len(labels) == len(set(labels)), (name, lang)
            assert all("," not in label for label in labels), "commas break inline dropdowns"


def test_choices_parse_back_from_every_language() -> None:
    layout = load_layout()
    for name, values in layout.choices.items():
        for key, labels in values.items():
            for text in (*labels.all(), key, f"  {labels.en.upper()} "):
                assert layout.parse_choice(name, text) == key


def test_models_cover_the_input_columns() -> None:
    layout = load_layout()
    for key, model in ROW_MODELS.items():
        inputs = {c.key for c in layout.sheet(key).columns if not c.computed}
        assert set(model.model_fields) == inputs | {"id"}, key
    overview_inputs = {f.key for f in layout.sheet("overview").fields if not f.computed}
    assert set(Overview.model_fields) == overview_inputs


def test_required_columns_are_required_in_the_models() -> None:
    layout = load_layout()
    for key, model in ROW_MODELS.items():
        for column in layout.sheet(key).columns:
            if not column.computed and column.key != "id":
                assert model.model_fields[column.key].is_required() == column.required, (
                    key,
                    column.key,
                )


def test_checklist_differs_by_business_model_and_is_trilingual() -> None:
    from sheets_sync.core.calendar import Quarter

    checklist = load_checklist()
    for number in range(1, 5):
        quarter = Quarter(2027, number)
        b2b = {i.key for i in checklist.items_for(quarter, "b2b")}
        b2c = {i.key for i in checklist.items_for(quarter, "b2c")}
        assert len(b2b) >= 6 and len(b2c) >= 6
        assert b2b != b2c
        theme = checklist.theme(quarter)
        assert all(theme.theme.get(lang) for lang in LANGS)
    keys = [i.key for i in checklist.items]
    assert len(keys) == len(set(keys))
    for item in checklist.items:
        assert all(item.title.get(lang) and item.description.get(lang) for lang in LANGS)


def test_message_fills_placeholders() -> None:
    assert message("required", "en", column="Owner") == "Owner is empty: fill it in"
    assert "ok" in _catalog()
