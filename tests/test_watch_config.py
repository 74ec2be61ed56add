"""Config: validation errors listed exactly, environment overrides, path resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.backends.target import GoogleSheet, LocalFile
from sheets_sync.errors import ConfigError
from sheets_sync.jobs import ConfigProblems, load_config, resolve_config_path

EXAMPLE = Path(__file__).parent.parent / "config" / "sheets_sync.toml"

BAD = """\
credentials = "key.json"
colour = "blue"

[schedule]
every = "5 secs"
timezone = "Europe/Moskow"

[defaults]
language = "de"

[[workbooks]]
name = "emea"
path = "emea.csv"

[[workbooks]]
name = "apac"
spreadsheet = "not an id"
scope_treshold = 0.3

[[workbooks]]
name = "emea"
path = "other.xlsx"
spreadsheet = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
due_soon_days = -1

[[workbooks]]
name = "latam"
business = "b2g"
scope_threshold = 25
"""


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("SHEETS_SYNC_"):
            monkeypatch.delenv(key)


def _problems(tmp_path: Path, text: str) -> ConfigProblems:
    path = tmp_path / "sheets_sync.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigProblems) as caught:
        load_config(path)
    return caught.value


def test_every_problem_is_listed_with_where_it_is(tmp_path: Path) -> None:
    error = _problems(tmp_path, BAD)
    assert error.problems == [
        "colour (line 2): unknown key",
        "schedule.every (line 5): expected a duration such as '15 minutes' or '1 hour',"
        " got '5 secs'",
        "schedule.timezone (line 6): unknown time zone 'Europe/Moskow';"
        " use an IANA name such as 'Europe/Moscow'",
        "defaults.language (line 9): Input should be 'en', 'zh' or 'ru' (got 'de')",
        "workbooks[0].path (line 13): must be an .xlsx file, got 'emea.csv'",
        "workbooks[1].spreadsheet (line 17): expected a Google spreadsheet ID or its"
        " docs.google.com URL, got 'not an id'",
        "workbooks[1].scope_treshold (line 18): unknown key; did you mean 'scope_threshold'?",
        "workbooks[2] (line 20): give either path or spreadsheet, not both",
        "workbooks[2].name (line 21): duplicate workbook name 'emea' (also workbooks[0]);"
        " each workbook needs its own name",
        "workbooks[2].due_soon_days (line 24): Input should be greater than or equal to 0 (got -1)",
        "workbooks[3] (line 26): give path (a local .xlsx) or spreadsheet"
        " (a Google spreadsheet ID)",
        "workbooks[3].business (line 28): Input should be 'b2b' or 'b2c' (got 'b2g')",
        "workbooks[3].scope_threshold (line 29): Input should be less than 1 (got 25)",
    ]
    path = tmp_path / "sheets_sync.toml"
    assert str(error).splitlines()[0] == f"invalid config {path} (13 problems):"
    assert str(error).splitlines()[1] == "  colour (line 2): unknown key"
    assert isinstance(error, ConfigError) and error.exit_code == 1


def test_invalid_toml_gives_line_and_column(tmp_path: Path) -> None:
    error = _problems(tmp_path, '[schedule]\nevery = "15 minutes\n')
    assert error.problems == ["not valid TOML: Illegal character '\\n' (at line 2, column 20)"]


def test_no_workbooks(tmp_path: Path) -> None:
    error = _problems(tmp_path, "workbooks = []\n")
    assert error.problems == ["workbooks: List should have at least 1 item after validation, not 0"]


def test_cadence_conflicts(tmp_path: Path) -> None:
    text = '[schedule]\nevery = "1 hour"\ndaily_at = "8:00"\n[[workbooks]]\npath = "a.xlsx"\n'
    assert _problems(tmp_path, text).problems == [
        "schedule.daily_at (line 3): expected a time of day as HH:MM (24-hour), got '8:00'"
    ]
    text = '[schedule]\nevery = "1 hour"\ndaily_at = "08:00"\n[[workbooks]]\npath = "a.xlsx"\n'
    assert _problems(tmp_path, text).problems == [
        "schedule (line 1): give either every or daily_at, not both"
    ]


def test_an_interval_longer_than_a_day_is_refused(tmp_path: Path) -> None:
    text = '[schedule]\nevery = "2 days"\n[[workbooks]]\npath = "a.xlsx"\n'
    assert _problems(tmp_path, text).problems == [
        "schedule.every (line 2): must be at most 1 day (due dates move with the calendar),"
        " got '2 days'"
    ]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.toml")
    assert str(caught.value) == (
        f"config file {tmp_path / 'nope.toml'} does not exist. Pass --config PATH or set"
        " SHEETS_SYNC_CONFIG; config/sheets_sync.toml is an example."
    )


def test_the_shipped_example_is_valid() -> None:
    config = load_config(EXAMPLE)
    names = [wb.name for wb in config.workbooks]
    assert names == ["emea", "china", "russia", "retail-archive"]
    assert [wb.name for wb in config.enabled_workbooks()] == ["emea", "china", "russia"]
    emea, china, russia, _ = config.workbooks
    assert emea.path == EXAMPLE.parent.resolve() / "roadmaps" / "emea-2025-Q3.xlsx"
    assert (emea.language, emea.business, emea.scope_threshold) == ("en", "b2b", 0.25)
    assert china.target == "gsheet:1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    assert china.location == GoogleSheet("1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")
    assert emea.location == LocalFile(emea.path)
    assert (china.language, china.business) == ("zh", "b2c")
    assert (russia.language, russia.scope_threshold, russia.due_soon_days) == ("ru", 0.3, 7)
    assert {wb.stale_after_days for wb in config.workbooks} == {14}  # from [defaults]
    assert china.credentials == EXAMPLE.parent.resolve() / "secrets" / "service-account.json"
    assert config.schedule.describe() == "every 15 minutes (Europe/Moscow)"


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETS_SYNC_CREDENTIALS", "/run/secrets/key.json")
    monkeypatch.setenv("SHEETS_SYNC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SHEETS_SYNC_SCHEDULE__TIMEZONE", "Asia/Shanghai")
    config = load_config(EXAMPLE)
    assert config.workbooks[1].credentials == Path("/run/secrets/key.json")
    assert config.state_dir == tmp_path / "state"
    assert config.schedule.timezone == "Asia/Shanghai"
    assert config.schedule.every == "15 minutes"  # the rest of [schedule] still from the file


def test_a_bad_override_names_its_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETS_SYNC_SCHEDULE__EVERY", "often")
    with pytest.raises(ConfigProblems) as caught:
        load_config(EXAMPLE)
    assert caught.value.problems == [
        "schedule.every (from SHEETS_SYNC_SCHEDULE__EVERY): expected a duration such as"
        " '15 minutes' or '1 hour', got 'often'"
    ]


def test_config_path_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_config_path() == Path("config/sheets_sync.toml")
    monkeypatch.setenv("SHEETS_SYNC_CONFIG", "/etc/sheets-sync/prod.toml")
    assert resolve_config_path() == Path("/etc/sheets-sync/prod.toml")
    assert resolve_config_path("mine.toml") == Path("mine.toml")


def test_default_names_and_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "team.toml"
    path.write_text('[[workbooks]]\npath = "q3.xlsx"\n', encoding="utf-8")
    config = load_config(path)
    assert config.workbooks[0].name == "q3"
    assert config.workbooks[0].credentials is None  # Application Default Credentials
    assert config.state_dir.parent == tmp_path / "xdg" / "sheets-sync"
    assert config.state_dir.name.startswith("team-")
    assert config.schedule.describe() == "every 15 minutes"


def test_a_spreadsheet_is_checked_by_the_one_id_rule(tmp_path: Path) -> None:
    key = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
    path = tmp_path / "sheets.toml"
    path.write_text(
        "[[workbooks]]\n"
        f'spreadsheet = "https://docs.google.com/spreadsheets/d/{key}/edit#gid=0"\n'
        "[[workbooks]]\n"
        f'spreadsheet = "{key[:19]}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigProblems) as caught:
        load_config(path)
    assert caught.value.problems == [
        "workbooks[1].spreadsheet (line 4): expected a Google spreadsheet ID or its"
        f" docs.google.com URL, got {key[:19]!r}"
    ]
    path.write_text(
        f'[[workbooks]]\nspreadsheet = " https://docs.google.com/spreadsheets/d/{key}/edit "\n',
        encoding="utf-8",
    )
    (workbook,) = load_config(path).workbooks
    assert (workbook.name, workbook.spreadsheet, workbook.location) == (key, key, GoogleSheet(key))
