"""An idle sync: a workbook unchanged since a sync that wrote nothing costs a hash.

The memo is a promise that the full sync would print the same words and write
nothing; these tests hold it to that, and check that every way the answer could
differ (an edit anywhere, another day, other options, a lock, new code) runs the
full sync instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import sheets_sync.api
from sheets_sync.cli import main
from sheets_sync.jobs import idle
from sheets_sync.jobs.idle import IdleKey, cache_dir

DAY = "2027-02-20"


def _sync(path: Path, *extra: str, day: str = DAY) -> Result:
    result = CliRunner().invoke(main, ["sync", str(path), "--as-of", day, *extra])
    return result


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The workbooks the full sync was run on, in order."""
    seen: list[Path] = []
    real = sheets_sync.api.sync_workbook

    def sync_workbook(target: object, **options: object) -> object:
        seen.append(Path(str(target)))
        return real(target, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(sheets_sync.api, "sync_workbook", sync_workbook)
    return seen


@pytest.fixture
def settled(roadmap: Path) -> Path:
    """The example after a sync that wrote its flags: the next one has nothing to write."""
    assert _sync(roadmap).exit_code == 0
    return roadmap


def test_an_unchanged_workbook_repeats_the_summary_without_reading_it(
    settled: Path, counted: list[Path]
) -> None:
    first = _sync(settled)
    again = _sync(settled)
    assert first.exit_code == again.exit_code == 0
    assert len(counted) == 1  # the second answer came from the memo
    assert again.output == first.output
    assert again.output == _sync(settled, "--full").output
    assert len(counted) == 2
    as_json = [_sync(settled, "--json").output for _ in range(2)]
    assert len(counted) == 3  # the second from the memo, the same to the byte
    assert as_json[1] == as_json[0] == _sync(settled, "--json", "--full").output


def test_a_sync_that_writes_keeps_no_memo(roadmap: Path, counted: list[Path]) -> None:
    before = roadmap.read_bytes()
    wrote = _sync(roadmap)
    assert roadmap.read_bytes() != before
    assert not list(cache_dir().glob("idle-*.json"))
    _sync(roadmap)  # nothing to write: from now on the memo answers
    _sync(roadmap)
    assert len(counted) == 2 and "Wrote" in wrote.output


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sheet=st.sampled_from(["Overview", "Initiatives", "SMART goals", "Owners", "Checklist"]),
    column=st.integers(min_value=1, max_value=40),
    row=st.integers(min_value=1, max_value=30),
    value=st.one_of(
        st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=8),
        st.integers(min_value=-(10**15), max_value=10**15),
        st.floats(allow_nan=False, allow_infinity=False),
    ),
)
def test_any_edit_anywhere_is_seen(
    settled: Path, counted: list[Path], sheet: str, column: int, row: int, value: object
) -> None:
    """An edit in any cell — ours, the marketer's, a header, past the table — is a new
    workbook: the full sync runs, whatever the memo holds."""
    _sync(settled)
    book = load_workbook(settled)
    book[sheet].cell(row, column).value = value
    book.save(settled)
    runs = len(counted)
    _sync(settled)
    assert len(counted) == runs + 1


def test_another_day_runs_in_full(settled: Path, counted: list[Path]) -> None:
    """Flags move with the date: the first sync of a day reads every row."""
    _sync(settled)
    _sync(settled, "--dry-run", day="2027-02-21")
    assert len(counted) == 2


def test_each_way_of_asking_has_its_own_memo(settled: Path, counted: list[Path]) -> None:
    _sync(settled)
    _sync(settled, "--json")
    _sync(settled, "--dry-run")
    assert len(counted) == 3
    text, as_json, dry = _sync(settled), _sync(settled, "--json"), _sync(settled, "--dry-run")
    assert len(counted) == 3
    assert json.loads(as_json.output)["cells_written"] == 0
    assert text.output.startswith(f"{settled}: 2027-Q1")
    assert dry.output != text.output


def test_a_touched_file_with_the_same_bytes_is_still_idle(
    settled: Path, counted: list[Path]
) -> None:
    _sync(settled)
    stat = settled.stat()
    os.utime(settled, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    _sync(settled)
    assert len(counted) == 1


def test_a_workbook_open_in_excel_is_refused_as_ever(settled: Path, counted: list[Path]) -> None:
    _sync(settled)
    (settled.parent / f"~${settled.name}").write_bytes(b"\x00")
    refused = _sync(settled)
    assert refused.exit_code != 0 and "open in Excel" in refused.output
    assert len(counted) == 2


def test_new_code_or_templates_run_in_full(
    settled: Path, counted: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _sync(settled)
    monkeypatch.setattr(idle, "code_stamp", lambda: "another version")
    _sync(settled)
    assert len(counted) == 2


def test_a_damaged_or_missing_memo_is_a_full_sync(settled: Path, counted: list[Path]) -> None:
    _sync(settled)
    (entry,) = cache_dir().glob("idle-*.json")
    entry.write_text("{not json")
    assert _sync(settled).exit_code == 0
    entry.unlink()
    assert _sync(settled).exit_code == 0
    assert len(counted) == 3


def test_an_unwritable_cache_folder_costs_only_the_memo(
    settled: Path, counted: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("SHEETS_SYNC_CACHE_DIR", str(blocked / "cache"))
    assert _sync(settled).exit_code == 0
    assert _sync(settled).exit_code == 0
    assert len(counted) == 2


def test_a_recorded_run_is_always_a_full_one(
    settled: Path, counted: list[Path], tmp_path: Path
) -> None:
    _sync(settled)
    _sync(settled, "--state-dir", str(tmp_path / "state"))
    assert len(counted) == 2


def test_an_edit_while_the_sync_ran_keeps_no_memo(settled: Path) -> None:
    key = IdleKey(settled, str(settled), DAY, "text", False)
    before = idle.content_digest(settled)
    from sheets_sync.cli import _remember_idle

    settled.write_bytes(settled.read_bytes() + b"\x00")  # changed after it was read
    _remember_idle(key, before, "output", wrote=False)
    assert idle.idle_output(key, before) is None
    assert idle.idle_output(key, idle.content_digest(settled)) is None
    assert not key.entry().exists()
