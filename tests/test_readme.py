"""The README's library example runs as written, so the documented API stays true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_readme_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = PYTHON_BLOCK.findall(README.read_text(encoding="utf-8"))
    assert blocks, "the README has no Python example"
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, str(README), "exec"), {"__name__": "readme"})
    assert (tmp_path / "q1.xlsx").is_file()
    assert (tmp_path / "q2.xlsx").is_file()


def test_api_lists_what_the_readme_imports() -> None:
    import sheets_sync.api as api

    imported = re.findall(r"from sheets_sync\.api import ([\w, ]+)", README.read_text("utf-8"))
    names = {name.strip() for line in imported for name in line.split(",")}
    assert names <= set(api.__all__), names - set(api.__all__)
