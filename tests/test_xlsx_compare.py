"""The reference-file comparer (tests/xlsx_compare.py) catches what changes a workbook's
meaning and forgives what an application may vary: timestamps, attribute order,
namespace prefixes, the order of relationships and content types."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .reference.make_references import GENERATED
from .xlsx_compare import DIFF_LINES, assert_same_xlsx, part_diff, read_parts, xlsx_differences

REFERENCE = GENERATED[0].path
INITIATIVES = "xl/worksheets/sheet3.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
RELATIONSHIP = re.compile(rb"<Relationship [^>]*/>")

Edit = Callable[[dict[str, bytes]], object]


def edited(tmp_path: Path, edit: Edit) -> Path:
    """A copy of the reference workbook with ``edit`` applied to its parts."""
    parts = read_parts(REFERENCE)
    edit(parts)
    out = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out


def replaced(name: str, old: bytes, new: bytes) -> Edit:
    def edit(parts: dict[str, bytes]) -> None:
        assert parts[name].count(old) == 1, f"{old!r} is not unique in {name}"
        parts[name] = parts[name].replace(old, new)

    return edit


def failure(tmp_path: Path, edit: Edit) -> str:
    with pytest.raises(AssertionError) as raised:
        assert_same_xlsx(REFERENCE, edited(tmp_path, edit))
    return str(raised.value)


def test_an_untouched_copy_is_the_same(tmp_path: Path) -> None:
    assert xlsx_differences(REFERENCE, edited(tmp_path, lambda parts: None)) == []


def test_a_changed_cell_value_fails_naming_the_part_and_the_element(tmp_path: Path) -> None:
    found = re.search(rb'<c r="H3"[^>]*><v>7000</v></c>', read_parts(REFERENCE)[INITIATIVES])
    assert found is not None, "the reference's first initiative plans 7000"
    old = found[0]
    message = failure(tmp_path, replaced(INITIATIVES, old, old.replace(b"7000", b"7001")))
    lines = message.splitlines()
    assert lines[1] == f"differing parts: {INITIATIVES}"
    assert "-        <v>7000" in lines
    assert "+        <v>7001" in lines
    assert f"       {old[: old.index(b'>') + 1].decode()}" in lines  # the cell, as context


def test_a_missing_part_fails(tmp_path: Path) -> None:
    message = failure(tmp_path, lambda parts: parts.pop("xl/comments/comment1.xml"))
    assert message.splitlines()[1:] == ["missing parts: xl/comments/comment1.xml"]


def test_an_extra_part_fails(tmp_path: Path) -> None:
    def add(parts: dict[str, bytes]) -> None:
        parts["xl/media/image1.png"] = b"\x89PNG"

    assert failure(tmp_path, add).splitlines()[1:] == ["extra parts: xl/media/image1.png"]


def test_an_extra_attribute_fails(tmp_path: Path) -> None:
    old = b'<sheet name="Owners" sheetId="6" state="visible" r:id="rId6" />'
    new = old.replace(b"<sheet ", b'<sheet hidden="1" ')
    message = failure(tmp_path, replaced("xl/workbook.xml", old, new))
    assert message.splitlines()[1] == "differing parts: xl/workbook.xml"
    assert '+    <sheet hidden="1" name="Owners" r:id="rId6" sheetId="6" state="visible">' in (
        message.splitlines()
    )


def test_changed_bytes_of_a_non_xml_part_fail() -> None:
    assert part_diff("xl/media/image1.png", b"\x89PNG1", b"\x89PNG2") == [
        "--- expected/xl/media/image1.png",
        "+++ got/xl/media/image1.png",
        "@@ -1 +1 @@",
        "-b'\\x89PNG1'",
        "+b'\\x89PNG2'",
    ]


def test_other_creation_and_modification_times_are_the_same(tmp_path: Path) -> None:
    def restamp(parts: dict[str, bytes]) -> None:
        parts["docProps/core.xml"] = re.sub(
            rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2001-01-01T00:00:00Z", parts["docProps/core.xml"]
        )

    assert xlsx_differences(REFERENCE, edited(tmp_path, restamp)) == []


def test_a_changed_creator_is_not_volatile(tmp_path: Path) -> None:
    edit = replaced("docProps/core.xml", b">openpyxl<", b">someone<")
    assert "differing parts: docProps/core.xml" in failure(tmp_path, edit)


def test_reordered_relationships_are_the_same(tmp_path: Path) -> None:
    def reverse(parts: dict[str, bytes]) -> None:
        data = parts[WORKBOOK_RELS]
        found = RELATIONSHIP.findall(data)
        head, tail = data[: data.index(found[0])], data[data.index(found[-1]) + len(found[-1]) :]
        parts[WORKBOOK_RELS] = head + b"".join(reversed(found)) + tail

    assert xlsx_differences(REFERENCE, edited(tmp_path, reverse)) == []


def relationships(root: str, items: list[str]) -> bytes:
    """A .rels part: ``root`` is the opening tag, its closing tag follows the items."""
    name = root[1:].split(" ", 1)[0]
    return (root + "".join(items) + f"</{name}>").encode()


@given(st.permutations(range(4)), st.permutations(range(3)))
def test_order_of_relationships_attributes_and_prefixes_never_matters(
    children: list[int], attributes: list[int]
) -> None:
    namespace = "http://schemas.openxmlformats.org/package/2006/relationships"
    attrs = ['Id="rId{i}"', 'Target="sheet{i}.xml"', 'Type="worksheet"']
    ordered = [
        f'<Relationship Id="rId{i}" Target="sheet{i}.xml" Type="worksheet"/>' for i in range(4)
    ]
    shuffled = [
        "<p:Relationship " + " ".join(attrs[a].format(i=i) for a in attributes) + "/>"
        for i in children
    ]
    expected = relationships(f'<Relationships xmlns="{namespace}">', ordered)
    got = relationships(f'<p:Relationships xmlns:p="{namespace}">', shuffled)
    assert part_diff(WORKBOOK_RELS, expected, got) == []


def test_reordered_rows_of_a_sheet_fail() -> None:
    one, two = '<row r="1"><c r="A1"/></row>', '<row r="2"><c r="A2"/></row>'
    before = f"<sheetData>{one}{two}</sheetData>".encode()
    after = f"<sheetData>{two}{one}</sheetData>".encode()
    assert part_diff(INITIATIVES, before, after)[2:] == [
        "@@ -1,5 +1,5 @@",
        " <sheetData>",
        '+  <row r="2">',
        '+    <c r="A2">',
        '   <row r="1">',
        '     <c r="A1">',
        '-  <row r="2">',
        '-    <c r="A2">',
    ]


def test_a_long_diff_is_cut_short(tmp_path: Path) -> None:
    def renumber(parts: dict[str, bytes]) -> None:
        parts[INITIATIVES] = parts[INITIATIVES].replace(b' s="3"', b' s="4"')

    lines = failure(tmp_path, renumber).splitlines()
    assert len(lines) == 2 + DIFF_LINES + 1
    assert re.fullmatch(r"\.\.\. \d+ more diff lines", lines[-1])
