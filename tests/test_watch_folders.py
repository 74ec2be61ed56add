"""Workbooks from a folder: a glob of local files or a Google Drive folder, found again
every pass; new ones synced on the next round, gone ones dropped quietly."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.backends.google.drive import folder_spreadsheets
from sheets_sync.errors import ConfigProblems, GoogleRequestRejected, GoogleUnavailable
from sheets_sync.jobs import ManualClock, Result, load_config, read_status, run_watch
from sheets_sync.jobs.commands import status_command
from sheets_sync.jobs.config import FolderSource
from sheets_sync.jobs.folders import DriveFile, FolderExpander
from sheets_sync.jobs.spread import Shard, identity, shard_config

from .fakes.google_env import EMAIL, google_env
from .watch_support import START, FakeSync, StoppingClock, make_xlsx, write_config

FOLDER = "0AbCdEfGhIjKlMnOpQrStUv"


def _glob_config(tmp_path: Path, *files: str, extra: list[dict[str, object]] = ()) -> Path:  # type: ignore[assignment]
    (tmp_path / "roadmaps").mkdir(exist_ok=True)
    for name in files:
        make_xlsx(tmp_path / "roadmaps" / name)
    entries = [*extra, {"name": "teams", "glob": "roadmaps/*.xlsx", "language": "ru"}]
    return write_config(tmp_path, entries)


def _once(config: Path, clock: ManualClock | None = None) -> tuple[int, list[str], str]:
    clock = clock or StoppingClock(START, threading.Event(), until=START)
    fake = FakeSync(clock)
    logs = io.StringIO()
    code = run_watch(config, sync_fn=fake, once=True, clock=clock, log_stream=logs)
    return code, [name for name, _, _ in fake.calls], logs.getvalue()


def _results(tmp_path: Path) -> dict[str, str | None]:
    saved = read_status(tmp_path / "state", tmp_path / "sheets_sync.toml").workbooks
    return {name: entry.result and entry.result.value for name, entry in saved.items()}


def _saved(tmp_path: Path) -> list[str]:
    return sorted(read_status(tmp_path / "state", tmp_path / "sheets_sync.toml").workbooks)


# --- local folders -----------------------------------------------------------------------


def test_a_file_added_between_two_passes_is_synced_by_the_second(tmp_path: Path) -> None:
    config = _glob_config(tmp_path, "emea.xlsx")
    assert _once(config)[:2] == (0, ["teams/emea"])
    make_xlsx(tmp_path / "roadmaps" / "apac.xlsx")
    assert _once(config)[:2] == (0, ["teams/apac"])  # emea is unchanged: skipped
    assert _results(tmp_path) == {"teams/apac": "ok", "teams/emea": "skipped-unchanged"}


def test_a_removed_file_is_dropped_quietly(tmp_path: Path) -> None:
    config = _glob_config(tmp_path, "emea.xlsx", "apac.xlsx")
    assert _once(config)[:2] == (0, ["teams/apac", "teams/emea"])
    (tmp_path / "roadmaps" / "emea.xlsx").unlink()
    code, synced, logs = _once(config)
    assert (code, synced) == (0, [])  # apac is unchanged
    assert "teams/emea is no longer in its folder; dropped from the round and from status" in logs
    assert "error" not in logs.lower()
    assert _saved(tmp_path) == ["teams/apac"]


class _FolderClock(StoppingClock):
    """Changes the folder while the watcher sleeps: a file arrives, later one leaves."""

    def __init__(self, folder: Path, stop: threading.Event) -> None:
        super().__init__(START, stop, until=START + dt.timedelta(minutes=50))
        self.folder = folder

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        if self.now() >= START + dt.timedelta(minutes=10):
            make_xlsx(self.folder / "apac.xlsx")
        if self.now() >= START + dt.timedelta(minutes=35):
            (self.folder / "emea.xlsx").unlink(missing_ok=True)


def test_the_watch_loop_follows_the_folder(tmp_path: Path) -> None:
    config = _glob_config(tmp_path, "emea.xlsx")
    stop = threading.Event()
    clock = _FolderClock(tmp_path / "roadmaps", stop)
    fake = FakeSync(clock)
    logs = io.StringIO()
    code = run_watch(
        config,
        sync_fn=fake,
        clock=clock,
        stop=stop,
        log_stream=logs,
        fingerprint=lambda workbook, previous: None,  # changed or not: sync on schedule
    )
    assert code == 0
    minutes = {
        name: [int((when - START).total_seconds() // 60) for when in fake.times(name)]
        for name in ("teams/emea", "teams/apac")
    }
    # emea at once and every 15 minutes until it leaves at 35; apac on the pass after
    # it arrives (the loop naps at most a minute), then on its own 15-minute cadence.
    assert minutes == {"teams/emea": [0, 15, 30], "teams/apac": [10, 25, 40]}
    assert logs.getvalue().count("teams/emea is no longer in its folder") == 1
    assert _saved(tmp_path) == ["teams/apac"]


def test_names_options_and_the_files_left_out(tmp_path: Path) -> None:
    (tmp_path / "roadmaps" / "2026").mkdir(parents=True)
    for name in ("emea.xlsx", "~$emea.xlsx", ".~lock.emea.xlsx#.xlsx", "notes.txt"):
        make_xlsx(tmp_path / "roadmaps" / name)
    make_xlsx(tmp_path / "roadmaps" / "2026" / "emea.xlsx")
    (tmp_path / "roadmaps" / "folder.xlsx").mkdir()
    config_path = write_config(
        tmp_path,
        [
            {"glob": "roadmaps/**/*.xlsx", "due_soon_days": 3},
            {"name": "roadmaps/emea", "path": "elsewhere.xlsx"},
            {"name": "same", "path": "roadmaps/2026/emea.xlsx"},
        ],
    )
    config = load_config(config_path)
    assert [wb.name for wb in config.workbooks] == ["roadmaps/emea", "same"]
    [source] = config.folders
    assert source.name == "roadmaps"  # no name given: the glob's folder
    found = FolderExpander(config, None).workbooks(START)
    assert [(wb.name, wb.path) for wb in found] == [
        ("roadmaps/emea", (tmp_path / "elsewhere.xlsx").resolve()),
        ("same", (tmp_path / "roadmaps" / "2026" / "emea.xlsx").resolve()),
        # the listed name wins; the found one gets its path below the folder
        ("roadmaps/emea [emea.xlsx]", (tmp_path / "roadmaps" / "emea.xlsx").resolve()),
    ]  # roadmaps/2026/emea.xlsx is listed as "same": synced once, under that name
    assert {wb.due_soon_days for wb in found[2:]} == {3}
    assert FolderExpander(config, None).workbooks(START + dt.timedelta(days=1)) == found


def test_an_entry_inherits_the_entry_and_the_defaults(tmp_path: Path) -> None:
    config = load_config(_glob_config(tmp_path, "emea.xlsx"))
    [workbook] = FolderExpander(config, None).workbooks(START)
    assert (workbook.name, workbook.language, workbook.enabled) == ("teams/emea", "ru", True)


def test_a_disabled_folder_syncs_nothing_and_keeps_its_status(tmp_path: Path) -> None:
    (tmp_path / "roadmaps").mkdir()
    make_xlsx(tmp_path / "roadmaps" / "emea.xlsx")
    config = write_config(tmp_path, [{"glob": "roadmaps/*.xlsx", "enabled": False}])
    assert _once(config)[:2] == (0, [])


def test_bad_folder_entries_are_reported_with_the_other_problems(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        [
            {"glob": "roadmaps/*.csv"},
            {"glob": "roadmaps/team.xlsx"},
            {"glob": "missing/*.xlsx"},
            {"glob": "a/*.xlsx", "path": "a.xlsx"},
            {"drive_folder": "not a folder"},
            {"name": "x", "spreadsheet": "nope"},
        ],
    )
    with pytest.raises(ConfigProblems) as caught:
        load_config(config)
    assert caught.value.problems == [
        "workbooks[0].glob (line 9): must match .xlsx files, such as 'roadmaps/*.xlsx',"
        " got 'roadmaps/*.csv'",
        "workbooks[1].name (line 11): duplicate workbook name 'roadmaps' (also workbooks[0]);"
        " each workbook needs its own name",  # two globs of one folder: name them
        "workbooks[1].glob (line 12): has no * or ?: for one file write"
        " path = 'roadmaps/team.xlsx' instead",
        f"workbooks[2].glob (line 15): folder '{tmp_path / 'missing'}' does not exist",
        "workbooks[3] (line 17): give one of path, spreadsheet, glob or drive_folder,"
        " not path and glob",
        f"workbooks[3].glob (line 18): folder '{tmp_path / 'a'}' does not exist",
        "workbooks[4].drive_folder (line 22): expected a Google Drive folder ID or its"
        " drive.google.com/drive/folders/ URL, got 'not a folder'",
        "workbooks[5].spreadsheet (line 26): expected a Google spreadsheet ID or its"
        " docs.google.com URL, got 'nope'",
    ]


def test_a_missing_folder_is_a_config_problem(tmp_path: Path) -> None:
    config = write_config(tmp_path, [{"glob": "missing/*.xlsx"}])
    with pytest.raises(ConfigProblems) as caught:
        load_config(config)
    folder = tmp_path / "missing"
    assert caught.value.problems == [
        f"workbooks[0].glob (line 9): folder '{folder}' does not exist"
    ]


def test_a_folder_url_gives_its_id(tmp_path: Path) -> None:
    url = f"https://drive.google.com/drive/u/0/folders/{FOLDER}?usp=sharing"
    config = load_config(write_config(tmp_path, [{"drive_folder": url}]))
    assert [(f.drive_folder, f.name) for f in config.folders] == [(FOLDER, FOLDER)]
    assert config.workbooks == []


def test_status_shows_the_workbooks_found(tmp_path: Path) -> None:
    config = _glob_config(tmp_path, "emea.xlsx", "apac.xlsx")
    _once(config)
    table = CliRunner().invoke(status_command, ["--config", str(config)]).output
    assert [line.split()[:2] for line in table.splitlines()[5:]] == [
        ["teams/apac", "ok"],
        ["teams/emea", "ok"],
    ]
    data = json.loads(
        CliRunner().invoke(status_command, ["--config", str(config), "--json"]).output
    )
    assert sorted(data["workbooks"]) == ["teams/apac", "teams/emea"]


# --- shards ------------------------------------------------------------------------------


def _drive_config(tmp_path: Path, keys: int = 1) -> Path:
    for n in range(keys):
        (tmp_path / f"key{n}.json").write_text("{}", encoding="utf-8")
    credentials = "[" + ", ".join(f'"key{n}.json"' for n in range(keys)) + "]"
    return write_config(
        tmp_path,
        [{"name": "clients", "drive_folder": FOLDER}],
        extra=f"credentials = {credentials}",
    )


@settings(max_examples=40, deadline=None)
@given(
    titles=st.lists(st.sampled_from(["Acme", "Globex", "Initech", "Umbrella"]), max_size=30),
    count=st.integers(min_value=1, max_value=6),
)
def test_shards_partition_the_workbooks_found(
    tmp_path_factory: pytest.TempPathFactory, titles: list[str], count: int
) -> None:
    config = load_config(_drive_config(tmp_path_factory.mktemp("shards")))
    files = [DriveFile(f"1Sheet{n:04d}xxxxxxxxxxxxxx", title) for n, title in enumerate(titles)]

    def lister(source: FolderSource) -> list[DriveFile]:
        return files

    everything = FolderExpander(config, lister).workbooks(START)
    assert len({wb.name for wb in everything}) == len(files)  # unique names
    parts = [
        FolderExpander(shard_config(config, Shard(i, count)), lister).workbooks(START)
        for i in range(count)
    ]
    names = sorted(wb.name for part in parts for wb in part)
    assert names == sorted(wb.name for wb in everything)
    for i, part in enumerate(parts):
        assert all(Shard(i, count).holds(identity(wb)) for wb in part)


# --- Google Drive folders ----------------------------------------------------------------


def test_a_drive_folder_is_listed_page_by_page(tmp_path: Path) -> None:
    with google_env(tmp_path) as env:
        books = [env.fake.add_book(EMAIL, f"Client {n}") for n in range(5)]
        for book in books:
            book.parents = [FOLDER]
        env.fake.add_book(EMAIL, "Elsewhere").parents = ["0OtherFolder0000000"]
        trashed = env.fake.add_book(EMAIL, "Binned")
        trashed.parents, trashed.trashed = [FOLDER], True
        unseen = env.fake.add_book("someone@example.com", "Not shared")
        unseen.parents = [FOLDER]
        env.fake.drive_page_limit = 2

        found = folder_spreadsheets(env.client(), FOLDER)

        assert found == [(b.spreadsheet_id, b.title) for b in books]
        calls = env.fake.api_calls()
        assert [(c.name, c.status) for c in calls] == [("files.list", 200)] * 3
        assert [c.query.get("pageToken") is not None for c in calls] == [False, True, True]
        assert calls[0].query["q"] == [
            f"'{FOLDER}' in parents and"
            " mimeType='application/vnd.google-apps.spreadsheet' and trashed=false"
        ]
        assert calls[0].query["fields"] == ["nextPageToken,files(id,name)"]


def test_the_fake_refuses_what_drive_refuses(tmp_path: Path) -> None:
    with google_env(tmp_path) as env:
        http = env.client().http_client
        for params in (
            {"q": "name contains 'x'"},
            {"pageToken": "not-a-token"},
            {"fields": "files(id,colour)"},
            {"pageSize": "many"},
        ):
            with pytest.raises(GoogleRequestRejected, match="INVALID_ARGUMENT"):
                http.request("get", "https://www.googleapis.com/drive/v3/files", params=params)
        assert [call.status for call in env.fake.api_calls()] == [400] * 4


def test_the_watcher_syncs_a_drive_folder_with_stable_names(tmp_path: Path) -> None:
    config = _drive_config(tmp_path, keys=3)
    files = [
        DriveFile("1AcmeSheet000000000000", "Acme"),
        DriveFile("1GlobexSheetA000000000", "Globex"),
        DriveFile("1GlobexSheetB000000000", "Globex"),
    ]
    listings: list[list[DriveFile]] = [files, files[:1] + files[1:2]]

    def lister(source: FolderSource) -> list[DriveFile]:
        assert source.drive_folder == FOLDER
        return listings.pop(0)

    clock = StoppingClock(START, threading.Event(), until=START)
    fake = FakeSync(clock)
    code = run_watch(
        config, sync_fn=fake, once=True, clock=clock, list_drive=lister, log_stream=io.StringIO()
    )
    assert code == 0
    assert [name for name, _, _ in fake.calls] == [
        "clients/Acme",
        "clients/Globex [1GlobexSheetA000000000]",
        "clients/Globex [1GlobexSheetB000000000]",
    ]
    loaded = load_config(config)
    found = FolderExpander(loaded, lambda source: files).workbooks(START)
    keys = [tmp_path / f"key{n}.json" for n in range(3)]
    # each spreadsheet keeps an account of the three, chosen by its ID
    assert all(wb.credentials in keys for wb in found)
    assert [wb.credentials for wb in found] == [
        wb.credentials for wb in FolderExpander(loaded, lambda source: files).workbooks(START)
    ]


def test_a_folder_that_cannot_be_listed_keeps_its_workbooks(tmp_path: Path) -> None:
    config_path = _drive_config(tmp_path)
    files = [DriveFile("1AcmeSheet000000000000", "Acme")]
    clock = StoppingClock(START, threading.Event(), until=START)
    fake = FakeSync(clock)

    def run(lister: object) -> str:
        logs = io.StringIO()
        run_watch(
            config_path,
            sync_fn=fake,
            once=True,
            clock=clock,
            list_drive=lister,  # type: ignore[arg-type]
            log_stream=logs,
        )
        return logs.getvalue()

    run(lambda source: files)

    def failing(source: FolderSource) -> list[DriveFile]:
        raise GoogleUnavailable("Google Drive is unavailable.")

    logs = run(failing)
    assert f"cannot list Drive folder {FOLDER} (clients): Google Drive is unavailable." in logs
    assert "no longer in its folder" not in logs
    assert _saved(tmp_path) == ["clients/Acme"]  # kept for the next round that can list
    status = read_status(tmp_path / "state", tmp_path / "sheets_sync.toml")
    assert status.workbooks["clients/Acme"].result == Result.OK


def test_a_folder_listing_spends_the_drive_quota() -> None:
    from sheets_sync.backends.google.create import DRIVE_FILES_URL
    from sheets_sync.backends.google.quota import service_of

    assert service_of("get", f"{DRIVE_FILES_URL}?q=x") == "drive"


def test_wildcards_in_the_config_folder_own_path_are_not_wildcards(tmp_path: Path) -> None:
    home = tmp_path / "ops [eu] *"
    (home / "roadmaps").mkdir(parents=True)
    make_xlsx(home / "roadmaps" / "emea.xlsx")
    config = load_config(write_config(home, [{"name": "eu", "glob": "../*/roadmaps/*.xlsx"}]))
    assert [wb.name for wb in FolderExpander(config, None).workbooks(START)] == [
        "eu/ops [eu] */roadmaps/emea"
    ]
    config = load_config(write_config(home, [{"name": "eu", "glob": "roadmaps/*.xlsx"}]))
    [workbook] = FolderExpander(config, None).workbooks(START)
    assert (workbook.name, workbook.path) == ("eu/emea", home / "roadmaps" / "emea.xlsx")


def test_the_shipped_example_folder_entries_are_valid_once_uncommented(tmp_path: Path) -> None:
    example = (Path(__file__).parent.parent / "config" / "sheets_sync.toml").read_text("utf-8")
    start = example.index('# [[workbooks]]\n# name = "teams"')
    block = example[start:].split("\n\n")[0]
    settings = re.compile(r"^# (\[\[workbooks\]\]|\w+ = )")  # not the prose between
    uncommented = "\n".join(
        line.removeprefix("# ") if settings.match(line) else line for line in block.splitlines()
    )
    path = tmp_path / "c.toml"
    path.write_text(example.replace(block, uncommented), encoding="utf-8")
    (tmp_path / "roadmaps" / "teams").mkdir(parents=True)
    make_xlsx(tmp_path / "roadmaps" / "teams" / "apac.xlsx")
    config = load_config(path)
    assert [(f.name, f.glob, f.drive_folder) for f in config.folders] == [
        ("teams", "roadmaps/teams/*.xlsx", None),
        ("clients", None, "0AbCdEfGhIjKlMnOpQrStUv"),
    ]
    listed = len(config.workbooks)
    [apac] = FolderExpander(config, lambda source: []).workbooks(START)[listed:]
    assert (apac.name, apac.due_soon_days, apac.language) == ("teams/apac", 5, "en")
