"""The errors a run can end with. Each says what happened and what to do.

The CLI prints ``str(error)`` as one line and exits non-zero; library users catch
:class:`SheetsSyncError` or one of its children.
"""

from __future__ import annotations


class SheetsSyncError(Exception):
    """Base class: a run could not do its job. The workbook was left as it was."""

    exit_code = 1

    def __init__(self, what: str, todo: str = "") -> None:
        self.what = what
        self.todo = todo
        super().__init__(f"{what} {todo}".strip())


class WorkbookNotFound(SheetsSyncError):
    """The file or spreadsheet does not exist."""


class NotARoadmap(SheetsSyncError):
    """The workbook opens but was not made by sheets-sync (or lost its key rows)."""


class MissingColumns(SheetsSyncError):
    """A sheet of ours lacks a column the sync needs."""


class AmbiguousColumns(SheetsSyncError):
    """A column key of ours is in two columns, so the sync cannot tell which is its own."""


class WorkbookNotWritable(SheetsSyncError):
    """The workbook (or its folder, or its disk) cannot take a new version; it was left as
    it was."""


class WorkbookLocked(SheetsSyncError):
    """Another program holds the workbook; try again later."""

    exit_code = 75  # EX_TEMPFAIL: a scheduler should simply retry


class WorkbookCorrupt(SheetsSyncError):
    """The file is not a readable .xlsx (or refuses to be read safely)."""


class WorkbookChanged(SheetsSyncError):
    """The workbook changed between our read and our write; nothing was written."""

    exit_code = 75


class FileExists(SheetsSyncError):
    """Generate refuses to overwrite an existing file without --force."""


class CredentialsError(SheetsSyncError):
    """Credentials are missing, unreadable or rejected."""


class AccessDenied(SheetsSyncError):
    """The account has no access to the spreadsheet."""


class GoogleUnavailable(SheetsSyncError):
    """Google kept failing (5xx, dropped connections, timeouts) after our retries."""

    exit_code = 75


class GoogleRequestRejected(SheetsSyncError):
    """Google refused a request as malformed (400): a bug on our side, or a bad range."""


class QuotaExceeded(SheetsSyncError):
    """The API kept answering 'quota exceeded' after our retries."""

    exit_code = 75


class QuotaDeferred(SheetsSyncError):
    """Our own share of the quota is spent for longer than a sync may wait: the
    workbook is left for the next round instead of sending requests Google would
    refuse."""

    exit_code = 75


class ConfigError(SheetsSyncError):
    """The configuration file is invalid; the message lists every problem."""


class ConfigProblems(ConfigError):
    """A :class:`ConfigError` that also keeps the problems as a list, one per line."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        body = "\n".join(f"  {line}" for line in problems)
        super().__init__(f"invalid config {source} ({count}):\n{body}")


class AlreadyRunning(SheetsSyncError):
    """Another watcher holds this config's lock."""

    exit_code = 75  # EX_TEMPFAIL: an overlapping cron run simply tries next time


class IncompleteReview(SheetsSyncError):
    """The final review lacks a decision for some focus area."""


class InvalidRows(SheetsSyncError):
    """Rows that would be carried over are invalid; carrying them would lose them."""


class MetricUnavailable(SheetsSyncError):
    """A metric could not be read this run (source down, no such column, bad token...).

    It stays local to the goals that use the metric: they keep the last good value
    and say why; the rest of the sync goes on.
    """


# Not a run's end: a cell's value, rejected while a row is validated. Pydantic turns it
# into an error whose ``type`` is the message code, written on the row's own Check cell.
class ParseError(ValueError):
    """A cell that does not hold what its column expects. ``code`` names the message."""

    def __init__(self, code: str, value: object) -> None:
        self.code = code
        self.value = value
        super().__init__(f"{code}: {value!r}")


class HistoryError(SheetsSyncError):
    """The run history (a SQLite file in the state folder) cannot be opened or read."""
