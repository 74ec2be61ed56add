"""An idle sync answered at the cost of hashing the file.

A sync is a function of the workbook's bytes, the day it runs for and the code
and templates that run it. When a sync of a local workbook finds nothing to
write, what it printed is kept beside it under a key of exactly those inputs:
the SHA-256 of the file, the day, the options and a stamp of the installed code
and templates. The next ``sync`` of the same file first computes that key; if it
matches, the workbook cannot have changed anywhere — any edit, in any cell,
changes the hash — so the same sync would again write nothing and print the same
words, and the kept output is printed without reading a single row.

A new day is a different key (date-dependent flags may move), so the first
sync of each day is a full one. Anything unexpected (no cache folder, a damaged
entry, an unreadable file) is a miss, and the sync runs in full.

The memo lives in ``$SHEETS_SYNC_CACHE_DIR``, else ``$XDG_CACHE_HOME/sheets-sync``,
else ``~/.cache/sheets-sync``; one small JSON file per workbook. This module
imports nothing heavy: a hit never loads the sync, pydantic or the layout.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CACHE_ENV = "SHEETS_SYNC_CACHE_DIR"
KEPT = 8  # outputs kept per workbook: text and JSON, dry runs, a few days
_PACKAGE = Path(__file__).resolve().parent.parent


def content_digest(path: Path) -> str:
    """The SHA-256 of the file's bytes, in hex."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def cache_dir() -> Path:
    """Where idle outputs are kept."""
    named = os.environ.get(CACHE_ENV)
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sheets-sync"


# Libraries whose behaviour shapes a sync's words (validation messages, output).
LIBRARIES = ("pydantic", "pydantic_core", "click")


@cache
def code_stamp() -> str:
    """Every source and template file's name, size and modification time, and the
    Python and libraries that run them, hashed: a different installed version, an
    edited template or layout, an upgraded pydantic, a new key."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(_stamped_files()):
        stat = os.stat(path)
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _stamped_files() -> Iterator[str]:
    """The paths stamped, as strings: every sync stamps them before anything else, and
    a walk of plain names takes a fraction of the time of pathlib's ``rglob``."""
    from sheets_sync.core.templates import templates_dir

    for folder, subfolders, names in os.walk(_PACKAGE):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        yield from (os.path.join(folder, name) for name in names if name.endswith(".py"))
    yield from map(str, templates_dir().glob("*.toml"))
    for name in LIBRARIES:  # found without importing them
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            yield spec.origin


@dataclass(frozen=True)
class IdleKey:
    """What a sync's output depends on. ``shown``: how the workbook was named on the
    command line (the output repeats it); ``mode``: text or JSON."""

    path: Path
    shown: str
    as_of: str
    mode: str
    dry_run: bool

    def entry(self) -> Path:
        """The memo file of this workbook: one per real path, whatever it is called."""
        where = os.path.realpath(self.path).encode("utf-8", "surrogateescape")
        return cache_dir() / f"idle-{hashlib.sha256(where).hexdigest()[:32]}.json"

    def inputs(self, digest: str) -> str:
        """Everything the output depends on, as one string."""
        parts = (digest, self.shown, self.as_of, self.mode, str(self.dry_run), code_stamp())
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def idle_output(key: IdleKey, digest: str) -> str | None:
    """What the last idle sync with these inputs printed, the file's bytes hashing to
    ``digest``, or None: a full sync is due."""
    output = _kept(key, digest).get(key.inputs(digest))
    return output if isinstance(output, str) else None


def remember_idle(key: IdleKey, digest: str, output: str) -> None:
    """Keep ``output`` of a sync that wrote nothing to a file whose hash was ``digest``
    before it was read. Best effort: a memo that cannot be written is no memo.

    Outputs for the same bytes (text and JSON, other days) are kept side by side,
    the latest few; bytes that differ start afresh.
    """
    import tempfile  # only to keep a memo: a hit never needs it

    outputs = _kept(key, digest)
    outputs.pop(key.inputs(digest), None)
    outputs[key.inputs(digest)] = output
    kept = dict(list(outputs.items())[-KEPT:])
    data = json.dumps({"digest": digest, "outputs": kept}, ensure_ascii=False)
    entry = key.entry()
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".idle-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(data)
            os.replace(tmp, entry)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return


def _kept(key: IdleKey, digest: str) -> dict[str, str]:
    """The outputs kept for the workbook's file when it had these bytes."""
    try:
        kept = json.loads(key.entry().read_text(encoding="utf-8"))
        outputs = kept["outputs"] if kept.get("digest") == digest else {}
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return {}
    return dict(outputs) if isinstance(outputs, dict) else {}


def forget_idle(key: IdleKey) -> None:
    """Drop the workbook's memo (after a sync that wrote, or failed)."""
    try:
        key.entry().unlink(missing_ok=True)
    except OSError:
        return
