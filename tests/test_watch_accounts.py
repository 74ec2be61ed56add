"""Several service accounts: each workbook synced with one, and a 403 naming which."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from sheets_sync.backends.google.spreadsheet import GoogleSheetsBackend
from sheets_sync.errors import AccessDenied, ConfigProblems
from sheets_sync.jobs import load_config

from .fakes.google_env import EMAIL, KEY_ID, GoogleEnv, google_env, key_info, rsa_key
from .watch_support import write_config

SECOND = "roadmap-sync-2@marketing-ops.iam.gserviceaccount.com"
KEYS = ["keys/a.json", "keys/b.json", "keys/c.json"]


def _sheet(i: int) -> str:
    return f"1Roadmap{i:04d}AbCdEfGhIjKlMnOpQrStUv"


def _config(tmp_path: Path, workbooks: list[dict[str, object]], keys: list[str] = KEYS) -> Path:
    listed = ", ".join(f'"{key}"' for key in keys)
    return write_config(tmp_path, workbooks, extra=f"credentials = [{listed}]")


def test_workbooks_are_spread_evenly_over_the_listed_accounts(tmp_path: Path) -> None:
    path = _config(tmp_path, [{"spreadsheet": _sheet(i)} for i in range(300)])
    config = load_config(path)
    used = Counter(wb.credentials for wb in config.workbooks)
    assert set(used) == {tmp_path / key for key in KEYS}
    assert min(used.values()) >= 80  # 100 each on average
    # The same workbook gets the same account every time the config is read.
    again = load_config(path)
    assert [wb.credentials for wb in again.workbooks] == [wb.credentials for wb in config.workbooks]


def test_a_workbook_may_name_its_account(tmp_path: Path) -> None:
    entries: list[dict[str, object]] = [
        {"spreadsheet": _sheet(i), "credentials": "keys/own.json"} for i in range(10)
    ]
    config = load_config(_config(tmp_path, entries))
    assert {wb.credentials for wb in config.workbooks} == {tmp_path / "keys" / "own.json"}


def test_one_key_as_before(tmp_path: Path) -> None:
    path = write_config(tmp_path, [{"spreadsheet": _sheet(1)}], extra='credentials = "key.json"')
    assert load_config(path).workbooks[0].credentials == tmp_path / "key.json"


@pytest.mark.parametrize(
    ("keys", "problem"),
    [
        (
            [],
            "credentials (line 2): list at least one key file, or leave credentials out to"
            " use Application Default Credentials",
        ),
        (["a.json", "a.json"], "credentials (line 2): each key file may be listed once"),
    ],
)
def test_bad_key_lists(tmp_path: Path, keys: list[str], problem: str) -> None:
    with pytest.raises(ConfigProblems) as caught:
        load_config(_config(tmp_path, [{"spreadsheet": _sheet(1)}], keys))
    assert caught.value.problems == [problem]


@pytest.fixture
def env(tmp_path: Path) -> Iterator[GoogleEnv]:
    with google_env(tmp_path) as value:
        yield value


def test_a_403_names_the_account_the_workbook_was_given(env: GoogleEnv, tmp_path: Path) -> None:
    second_key = rsa_key(1)
    env.fake.add_account(SECOND, KEY_ID, second_key.public_key())
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "a.json").write_text(json.dumps(key_info(rsa_key(), EMAIL)), encoding="utf-8")
    (keys / "b.json").write_text(json.dumps(key_info(second_key, SECOND)), encoding="utf-8")
    books = [env.roadmap(2) for _ in range(8)]  # shared with the first account only
    path = _config(
        tmp_path, [{"spreadsheet": b.spreadsheet_id} for b in books], ["keys/a.json", "keys/b.json"]
    )
    given = [wb for wb in load_config(path).workbooks if wb.credentials == keys / "b.json"]
    assert given, "eight workbooks over two accounts leave the second one some"
    workbook = given[0]
    backend = GoogleSheetsBackend(
        str(workbook.spreadsheet), env.client(key_file=workbook.credentials)
    )
    with pytest.raises(AccessDenied) as caught:
        backend.read()
    assert str(caught.value) == (
        f"{SECOND} has no access to spreadsheet {workbook.spreadsheet}. "
        f"Share the spreadsheet with {SECOND} as editor."
    )
