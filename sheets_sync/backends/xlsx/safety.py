"""Checks that run before any byte of a workbook is parsed.

A scheduled job opens whatever file sits at the configured path, so it must refuse
quickly and clearly: a missing file, a file that is not an .xlsx, a zip bomb, XML
carrying DTD entity declarations (billion laughs), and a workbook that Excel or
LibreOffice holds open (their lock files sit next to it).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import IO

from sheets_sync.errors import WorkbookCorrupt, WorkbookLocked, WorkbookNotFound

MAX_TOTAL_UNPACKED = 1 << 30  # 1 GiB: far beyond any roadmap, well below trouble
MAX_RATIO = 200  # real sheet XML packs 5-20x; deflate tops out near 1000x
RATIO_MIN_SIZE = 8 << 20  # small parts may pack extremely well and are harmless
PROLOG_PROBE = 4096

_RESAVE = "Open it in Excel or LibreOffice and save it again as Excel Workbook (.xlsx)."


def check_exists(path: Path) -> None:
    """WorkbookNotFound / WorkbookCorrupt for a path that cannot be a workbook."""
    if not path.exists():
        raise WorkbookNotFound(
            f"{path} does not exist.",
            "Check the path, or create the workbook with `sheets-sync generate`.",
        )
    if not path.is_file():
        raise WorkbookCorrupt(f"{path} is not a file.", "Give the path of an .xlsx file.")


def lock_file_of(path: Path) -> tuple[Path, str] | None:
    """The lock file that says who holds ``path`` open, if any.

    Excel writes ``~$name.xlsx`` (for long names it overwrites the first one or two
    characters of the name), LibreOffice ``.~lock.name.xlsx#``.
    """
    name = path.name
    candidates = [
        (path.with_name(f".~lock.{name}#"), "LibreOffice"),
        (path.with_name(f"~${name}"), "Excel"),
        (path.with_name(f"~${name[1:]}"), "Excel"),
        (path.with_name(f"~${name[2:]}"), "Excel"),
    ]
    for lock, app in candidates:
        if lock.exists():
            return lock, app
    return None


def _resave_or_restore(path: Path) -> str:
    """What to do with a damaged file: save it again, or restore its backup if one exists."""
    backup = path.with_name(f"{path.name}.bak1")
    if backup.is_file():
        return f"{_RESAVE} Or restore the backup next to it ({backup.name})."
    return _RESAVE


def check_not_locked(path: Path) -> None:
    found = lock_file_of(path)
    if found:
        lock, app = found
        raise WorkbookLocked(
            f"{path} is open in {app} (lock file {lock.name}).",
            f"Close it there and the next sync will write; if nobody has it open, "
            f"delete the stale lock file {lock}.",
        )


def open_package(path: Path, data: bytes | IO[bytes]) -> zipfile.ZipFile:
    """Open the bytes of ``path`` (or a seekable stream of them) as a zip, checked.

    The bomb and DTD checks run before anything is read.
    """
    if isinstance(data, bytes):
        magic = data[:4]
        data = io.BytesIO(data)
    else:
        data.seek(0)
        magic = data.read(4)
        data.seek(0)
    if magic == b"\xd0\xcf\x11\xe0":
        raise WorkbookCorrupt(
            f"{path} is a password-protected workbook or an old .xls file, not an .xlsx.",
            "Remove the password (or convert it) in Excel and save it as .xlsx.",
        )
    try:
        package = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, ValueError) as exc:
        raise WorkbookCorrupt(
            f"{path} is not an .xlsx workbook (not a zip package: {exc}).",
            _resave_or_restore(path),
        ) from None
    check_package(path, package)
    return package


def check_package(path: Path, package: zipfile.ZipFile) -> None:
    """Refuse zip bombs and XML parts with DOCTYPE/ENTITY declarations."""
    infos = package.infolist()
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_UNPACKED:
        raise WorkbookCorrupt(
            f"{path} refuses to be read safely: it would unpack to {total:,} bytes "
            f"(limit {MAX_TOTAL_UNPACKED:,}), which looks like a zip bomb.",
            f"If it is a genuine workbook, {_RESAVE[0].lower()}{_RESAVE[1:]} Otherwise delete it.",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
            raise WorkbookCorrupt(
                f"{path} refuses to be read safely: part {info.filename} would unpack "
                f"{ratio:.0f}x its packed size, which looks like a zip bomb.",
                f"If it is a genuine workbook, {_RESAVE[0].lower()}{_RESAVE[1:]} "
                "Otherwise delete it.",
            )
    for info in infos:
        if info.filename.endswith((".xml", ".rels")) and info.file_size:
            try:
                with package.open(info) as stream:
                    head = stream.read(PROLOG_PROBE)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
                raise WorkbookCorrupt(
                    f"{path} is damaged: part {info.filename} cannot be unpacked ({exc}).",
                    _resave_or_restore(path),
                ) from None
            check_prolog(path, info.filename, head)


def check_prolog(path: Path, part: str, head: bytes) -> None:
    """Refuse a DOCTYPE before the root element: entities can only be declared there."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    pos = 0
    while True:
        start = text.find("<", pos)
        if start < 0:
            break
        if text.startswith("<?", start):
            pos = text.find("?>", start)
        elif text.startswith("<!--", start):
            pos = text.find("-->", start)
        elif text.startswith("<!", start):
            pos = -1  # DOCTYPE (or anything else DTD-like) before the root
            break
        else:
            return  # the root element: no DTD can follow
        if pos < 0:
            break
    if pos >= 0 and len(head) < PROLOG_PROBE:
        return  # the whole part was seen and holds no element at all
    raise WorkbookCorrupt(
        f"{path} refuses to be read safely: part {part} carries a DOCTYPE or entity "
        "declaration, which Excel never writes (a possible entity-expansion attack).",
        f"If it is a genuine workbook, {_RESAVE[0].lower()}{_RESAVE[1:]}",
    )
