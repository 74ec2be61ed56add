"""Archive layer 1, the file: a workbook's bytes read range by range, not held whole.

A sync inflates each sheet once to read it, and the write copies every other part
and inflates each patched sheet once more. Holding the whole file for that costs
its size in memory right where the write's own buffers peak. A
:class:`FileSource` keeps the file open and reads each range when it is asked
for; a :class:`BytesSource` serves bytes already in memory. Either is what the
member reader, the zip rewriter and the write check read from.

The version of a :class:`FileSource` is hashed from the same open file as it is
read from. A program that saves a workbook (Excel, LibreOffice) writes a new file
and renames it over the old one: the open file keeps the old content, so what is
read always belongs to the version; the write notices the rename before it swaps
its own file in (see :class:`~sheets_sync.backends.xlsx.workbook.XlsxBackend`).
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import IO, BinaryIO, Protocol

from sheets_sync.errors import WorkbookChanged

Buffer = bytes | memoryview
COPY_CHUNK = 1 << 20  # bytes per read when a range is copied to another file


class Source(Protocol):
    """Random access to an archive's bytes."""

    size: int

    def read_at(self, offset: int, length: int) -> Buffer:
        """Up to ``length`` bytes from ``offset`` (fewer at the end)."""
        ...

    def stream(self) -> IO[bytes]:
        """A seekable stream of the same bytes, for :mod:`zipfile`."""
        ...


class BytesSource:
    """An archive already in memory: ranges are views of it, never copies."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)
        self._view = memoryview(data)

    def read_at(self, offset: int, length: int) -> Buffer:
        return self._view[offset : offset + length]

    def stream(self) -> IO[bytes]:
        return io.BytesIO(self.data)


class FileSource:
    """An open archive file, read where asked; ``version`` names its content."""

    def __init__(self, handle: BinaryIO, size: int, version: str = "") -> None:
        self.handle = handle
        self.size = size
        self.version = version

    def read_at(self, offset: int, length: int) -> Buffer:
        self.handle.seek(offset)
        return self.handle.read(length)

    def stream(self) -> IO[bytes]:
        return self.handle  # zipfile seeks before every read, as read_at does

    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> FileSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def as_source(data: bytes | Source) -> Source:
    return BytesSource(data) if isinstance(data, bytes) else data


def version_of(size: int, mtime_ns: int, digest: str) -> str:
    """The snapshot version: cheap fields first, the content hash decides."""
    return f"{size}:{mtime_ns}:{digest}"


def open_source(path: Path, *, versioned: bool = True) -> FileSource:
    """The file at ``path``, open, with the version of the content it will read.

    The content is hashed through the open file (never held whole); a file that
    changes while it is hashed is tried again, then refused.
    """
    for _ in range(3):
        handle = open(path, "rb")  # noqa: SIM115  (the source owns it; closed by the caller)
        try:
            before = os.fstat(handle.fileno())
            if not versioned:
                return FileSource(handle, before.st_size)
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
            after = os.fstat(handle.fileno())
            size = handle.tell()
        except BaseException:
            handle.close()
            raise
        stable = (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)
        if stable and size == after.st_size:
            return FileSource(handle, size, version_of(size, after.st_mtime_ns, digest))
        handle.close()
    raise WorkbookChanged(
        f"{path} kept changing while it was being read.", "Try again once it is saved."
    )


def current_version(path: Path) -> str:
    """The version of what ``path`` holds now."""
    with open_source(path) as source:
        return source.version


def copy_range(source: Source, start: int, end: int, out: BinaryIO) -> None:
    """Write ``source[start:end]`` to ``out`` without holding more than a chunk of it."""
    for at in range(start, end, COPY_CHUNK):
        out.write(source.read_at(at, min(COPY_CHUNK, end - at)))
