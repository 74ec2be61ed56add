"""The ``report`` setting of ``[defaults]`` and ``[[workbooks]]``: whether the watcher writes
a workbook's review reports, where, and how they are named.

Written as a table or a bool::

    report = { dir = "reports", format = "pdf", url_base = "https://files.example.com/reviews" }
    report = true       # HTML beside the workbook (a local file)
    report = false      # none for this workbook, whatever [defaults] says

A workbook's keys win over those of ``[defaults]`` one by one. A Google
spreadsheet has no folder beside it, so its reports need ``dir``; ``url_base`` is
the address at which ``dir`` is shared, so it needs ``dir`` too. A report is named
after the workbook, the quarter and the review: ``emea-2027-Q1-mid.pdf``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

Format = Literal["html", "pdf"]
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')  # not in a file name on Linux, macOS or Windows
GOOGLE_NEEDS_DIR = (
    "a Google spreadsheet has no folder beside it: give report.dir, a local folder for"
    " its review reports (here or in [defaults])"
)
URL_NEEDS_DIR = "report.url_base is the address of report.dir, so give dir too"


class ReportOptions(BaseModel):
    """``report`` as written: ``true``/``false`` stand for ``{ enabled = ... }``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    dir: Path | None = None  # relative to the config file; default beside a local workbook
    format: Format = "html"  # html needs nothing more; pdf needs the pdf extra
    url_base: str | None = None  # where dir is shared, for the reminders' link

    @model_validator(mode="before")
    @classmethod
    def _from_bool(cls, data: Any) -> Any:
        return {"enabled": data} if isinstance(data, bool) else data

    @field_validator("url_base")
    @classmethod
    def _check_url_base(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"url_base must be an http(s) address, got {value!r}")
        return value.strip().rstrip("/")


class ReviewReports(BaseModel):
    """A workbook's review reports, resolved: ``dir`` absolute, or ``None`` for beside
    the workbook's file."""

    model_config = ConfigDict(frozen=True)

    dir: Path | None = None
    format: Format = "html"
    url_base: str | None = None

    def path_for(self, name: str, workbook: Path | None, quarter: str, kind: str) -> Path:
        """Where the ``kind`` review of ``quarter`` goes: beside ``workbook`` named after
        its file, or in ``dir`` named after the workbook's ``name`` (unique in a config)."""
        if self.dir is None:
            assert workbook is not None, "a Google spreadsheet's reports need dir"
            folder, stem = workbook.parent, workbook.stem
        else:
            folder, stem = self.dir, file_stem(name)
        return folder / f"{stem}-{quarter}-{kind}.{self.format}"

    def link(self, path: Path) -> str:
        """How a reminder points at ``path``: its address under ``url_base``, else the path."""
        if self.url_base is None:
            return str(path)
        return f"{self.url_base}/{quote(path.name)}"


def file_stem(name: str) -> str:
    """A workbook's name as the start of a file name: ``teams/apac`` → ``teams-apac``."""
    stem = _UNSAFE.sub("-", name).strip(" .-")
    return stem or "workbook"


def merged(*layers: Mapping[str, Any] | bool | None) -> dict[str, Any] | None:
    """The settings of ``[defaults]`` then a workbook, later keys winning; ``None`` when off.

    A table given without ``enabled`` turns reports on, even if [defaults] turned
    them off. Works on the file's raw values (to report problems with every other
    one) as on validated options (``model_dump(exclude_unset=True)``).
    """
    out: dict[str, Any] = {}
    given = False
    for layer in layers:
        table = {"enabled": layer} if isinstance(layer, bool) else layer
        if not isinstance(table, Mapping):
            continue  # not given, or not a table (the validation says so)
        given = True
        out |= table
        out["enabled"] = table.get("enabled", True)
    return out if given and out["enabled"] is True else None


def report_problem(settings: Mapping[str, Any], *, google: bool) -> str | None:
    """What is missing from a workbook's merged settings, or ``None``."""
    if settings.get("dir") is None:
        if google:
            return GOOGLE_NEEDS_DIR
        if settings.get("url_base") is not None:
            return URL_NEEDS_DIR
    return None


def resolve(
    defaults: ReportOptions | None, entry: ReportOptions | None, base: Path
) -> ReviewReports | None:
    """A workbook's reports from its options and [defaults]'; ``dir`` made absolute."""
    settings = merged(
        *(None if o is None else o.model_dump(exclude_unset=True) for o in (defaults, entry))
    )
    if settings is None:
        return None
    folder = settings.get("dir")
    return ReviewReports(
        dir=None if folder is None else (base / Path(folder).expanduser()).resolve(),
        format=settings.get("format", "html"),
        url_base=settings.get("url_base"),
    )
