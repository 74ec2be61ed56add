"""Checks that run before any byte of a workbook is parsed.

A scheduled job opens whatever file sits at the configured path, so it must refuse
quickly and clearly: a missing file, a file that is not an .xlsx, a zip bomb, XML
carrying DTD entity declarations (billion laughs), and a workbook that Excel or
LibreOffice holds open (their lock files sit next to it).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import IO

from sheets_sync.backends.xlsx.archive.members import MAX_RATIO, RATIO_MIN_SIZE
from sheets_sync.errors import WorkbookCorrupt, WorkbookLocked, WorkbookNotFound

MAX_TOTAL_UNPACKED = 1 << 30  # 1 GiB: far beyond any roadmap, well below trouble
# MAX_RATIO, RATIO_MIN_SIZE: small parts may pack extremely well and are harmless; the
# same limits are checked again while a part inflates, whatever its headers claim.
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
    _refuse_duplicate_names(path, infos)
    for info in infos:
        if not info.file_size or info.is_dir():
            continue
        try:
            with package.open(info) as stream:
                head = stream.read(PROLOG_PROBE)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
            raise WorkbookCorrupt(
                f"{path} is damaged: part {info.filename} cannot be unpacked ({exc}).",
                _resave_or_restore(path),
            ) from None
        named_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
        if named_xml or _looks_like_xml(head):
            check_prolog(path, info.filename, head)


def _refuse_duplicate_names(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Two members of one name (part names ignore case) leave no way to tell which is
    the part: zipfile would read the last, another reader the first."""
    seen: set[str] = set()
    for info in infos:
        name = info.filename.casefold()
        if name in seen:
            raise WorkbookCorrupt(
                f"{path} is damaged: it holds two parts named {info.filename}.",
                _resave_or_restore(path),
            )
        seen.add(name)


def _looks_like_xml(head: bytes) -> bool:
    """Whether a member of another name is XML all the same (its first mark is "<")."""
    return _wide_as_ascii(head).lstrip("\ufeff \t\r\n").startswith("<")


def _wide_as_ascii(head: bytes) -> str:
    """The probe's markup whatever the encoding of its Unicode family: UTF-16 and UTF-32,
    either byte order, with or without a byte-order mark, read as ASCII once their
    zero bytes are dropped (XML's own characters are all ASCII)."""
    return head.replace(b"\x00", b"").decode("utf-8", errors="ignore")


_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def check_prolog(path: Path, part: str, head: bytes) -> None:
    """Refuse a DOCTYPE before the root element: entities can only be declared there.

    The probe is read as every encoding a parser might apply: the Unicode family (by
    its byte order mark, by its zero bytes, or by none) and the encoding the XML
    declaration names. An encoding no codec here knows is refused too.
    """
    texts = [_wide_as_ascii(head)]
    declared = _ENCODING.match(texts[0])
    if declared:
        try:
            texts.append(head.decode(declared.group(1), errors="ignore"))
        except LookupError:
            raise WorkbookCorrupt(
                f"{path} refuses to be read safely: part {part} declares the encoding "
                f"{declared.group(1)!r}, which Excel never writes.",
                f"If it is a genuine workbook, {_RESAVE[0].lower()}{_RESAVE[1:]}",
            ) from None
    if any(_dtd_before_root(text, len(head) < PROLOG_PROBE) for text in texts):
        raise WorkbookCorrupt(
            f"{path} refuses to be read safely: part {part} carries a DOCTYPE or entity "
            "declaration, which Excel never writes (a possible entity-expansion attack).",
            f"If it is a genuine workbook, {_RESAVE[0].lower()}{_RESAVE[1:]}",
        )


def _dtd_before_root(text: str, whole: bool) -> bool:
    """Whether ``text`` opens with a DTD before its root element (or the probe ends first
    without one: a prolog that long is refused, unless the part ended there)."""
    pos = 0
    while True:
        start = text.find("<", pos)
        if start < 0:
            break
        if text.startswith("<?", start):
            pos = text.find("?>", start)
        elif text.startswith("<!--", start):
            pos = text.find("-->", start)
        else:
            # "<!": a DOCTYPE (or anything else DTD-like) before the root; any other
            # "<" opens the root element, after which no DTD can follow
            return text.startswith("<!", start)
        if pos < 0:
            break
    return not (pos >= 0 and whole)
