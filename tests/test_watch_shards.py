"""``watch --shard I/N``: N processes share one config, each workbook in exactly one shard."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.jobs import Result, WorkbookConfig, load_config, run_watch
from sheets_sync.jobs.commands import status_command, watch_command
from sheets_sync.jobs.spread import Shard, identity, parse_shard

from .watch_support import START, FakeSync, StoppingClock, make_xlsx, write_config

REPO = Path(__file__).resolve().parent.parent


def _workbook(name: str, sheet: str | None) -> WorkbookConfig:
    if sheet is None:
        return WorkbookConfig(name=name, path=Path(f"/data/{name}.xlsx"))
    return WorkbookConfig(name=name, spreadsheet=sheet)


_IDS = st.text("ABCDEFabcdef0123456789_-", min_size=20, max_size=44)
_WORKBOOKS = st.lists(
    st.tuples(st.text(min_size=1, max_size=30), st.one_of(st.none(), _IDS)),
    max_size=60,
    unique_by=lambda pair: pair[0],
)


@given(entries=_WORKBOOKS, count=st.integers(min_value=1, max_value=40))
def test_shards_partition_any_list_exactly(
    entries: list[tuple[str, str | None]], count: int
) -> None:
    workbooks = [_workbook(name, sheet) for name, sheet in entries]
    shards = [Shard(index, count).workbooks(workbooks) for index in range(count)]
    # Every workbook in exactly one shard, each shard in config order.
    placed = sorted(wb.name for shard in shards for wb in shard)
    assert placed == sorted(wb.name for wb in workbooks)
    for shard in shards:
        assert shard == [wb for wb in workbooks if wb in shard]


@given(entries=_WORKBOOKS, count=st.integers(min_value=1, max_value=40))
def test_a_workbook_keeps_its_shard_whatever_else_is_listed(
    entries: list[tuple[str, str | None]], count: int
) -> None:
    workbooks = [_workbook(name, sheet) for name, sheet in entries]
    for wb in workbooks:
        alone = [index for index in range(count) if Shard(index, count).workbooks([wb])]
        together = [i for i in range(count) if wb in Shard(i, count).workbooks(workbooks)]
        assert alone == together


def test_a_google_workbook_is_placed_by_its_spreadsheet_not_its_name() -> None:
    sheet = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    assert identity(_workbook("emea", sheet)) == identity(_workbook("renamed", sheet))
    assert identity(_workbook("emea", None)) == "name:emea"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("4/4", "shard 4 does not exist among 4: give an index from 0 to 3"),
        ("0/0", "the number of shards must be at least 1, got 0"),
        ("1", "expected I/N, such as 0/4 (shard 0 of 4), got '1'"),
        ("-1/4", "expected I/N, such as 0/4 (shard 0 of 4), got '-1/4'"),
        ("a/b", "expected I/N, such as 0/4 (shard 0 of 4), got 'a/b'"),
        ("1/2/3", "expected I/N, such as 0/4 (shard 0 of 4), got '1/2/3'"),
    ],
)
def test_bad_shards_are_explained(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_shard(text)
    assert str(caught.value) == message


def test_parse_shard() -> None:
    assert parse_shard("2/5") == Shard(2, 5)
    assert parse_shard(" 0 / 1 ") == Shard(0, 1)
    assert str(Shard(2, 5)) == "2/5"


def test_the_cli_rejects_a_bad_shard(tmp_path: Path) -> None:
    clock = StoppingClock(START, threading.Event(), until=START)
    result = CliRunner().invoke(
        watch_command(FakeSync(clock)), ["--once", "--shard", "3/3", "--config", "x.toml"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--shard': shard 3 does not exist among 3" in result.output


def _config(tmp_path: Path, count: int) -> Path:
    entries = []
    for i in range(count):
        make_xlsx(tmp_path / f"team{i:02}.xlsx")
        entries.append({"name": f"team{i:02}", "path": f"team{i:02}.xlsx"})
    return write_config(tmp_path, entries)


def test_four_shards_sync_every_workbook_exactly_once(tmp_path: Path) -> None:
    config_path = _config(tmp_path, 30)
    clock = StoppingClock(START, threading.Event(), until=START)
    fake = FakeSync(clock)
    for index in range(4):
        code = run_watch(
            config_path,
            sync_fn=fake,
            once=True,
            clock=clock,
            shard=Shard(index, 4),
            log_stream=io.StringIO(),
        )
        assert code == 0
    names = [name for name, _, _ in fake.calls]
    assert sorted(names) == [f"team{i:02}" for i in range(30)]
    config = load_config(config_path)
    for index in range(4):
        folder = tmp_path / "state" / f"shard-{index}-of-4"
        saved = json.loads((folder / "status.json").read_text(encoding="utf-8"))
        expected = [wb.name for wb in Shard(index, 4).workbooks(config.workbooks)]
        assert sorted(saved["workbooks"]) == expected
        assert expected  # 30 workbooks leave no shard of 4 empty

    shown = CliRunner().invoke(status_command, ["--config", str(config_path), "--json"])
    data = json.loads(shown.output)
    assert {entry["result"] for entry in data["workbooks"].values()} == {Result.OK.value}
    assert len(data["workbooks"]) == 30
    assert data["shard_pids"] == {"0/4": None, "1/4": None, "2/4": None, "3/4": None}
    table = CliRunner().invoke(status_command, ["--config", str(config_path)]).output
    assert "never run" not in table
    assert "shards:\n  0/4: not running\n  1/4: not running" in table
