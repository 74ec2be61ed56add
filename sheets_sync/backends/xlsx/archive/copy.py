"""Archive layer 3, a new archive: untouched members copied raw, changed ones deflated in.

Python's :mod:`zipfile` can only recompress what it copies. Copying the local header
and compressed bytes as they are keeps every part we do not change identical down
to its compression, and skips inflating and deflating images, shared strings and
themes on each sync. A changed sheet is compressed beside the code that patches it
and streamed into the new archive as it comes (recompressing a big sheet is the
slowest step of a write, and holding it whole would cost its compressed size in
memory).
"""

from __future__ import annotations

import os
import struct
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

# zlib-ng: deflate streams any zlib reads, made faster (see benchmarks/README.md).
from zlib_ng import zlib_ng as zlib

from sheets_sync.backends.xlsx.archive.members import (
    LOCAL_HEADER,
    LOCAL_SIGNATURE,
    local_header,
    member_blocks,
)
from sheets_sync.backends.xlsx.archive.source import Source, copy_range

_CENTRAL = struct.Struct("<4s6H3I5H2I")
_EOCD = struct.Struct("<4s4H2IH")
_CENTRAL_SIG = b"PK\x01\x02"
_EOCD_SIG = b"PK\x05\x06"
_DESCRIPTOR_SIG = b"PK\x07\x08"
_LIMIT = 0xFFFFFFFF
_UTF8_FLAG = 0x800
# Level 5 packs sheet XML almost as small as level 6 (the zip default), in less time.
DEFAULT_LEVEL = 5


@dataclass(frozen=True)
class Deflated:
    """A member's new content, already compressed (in pieces, written one after another)."""

    pieces: list[bytes]
    crc: int
    size: int

    @property
    def packed(self) -> int:
        return sum(map(len, self.pieces))


class Compressor:
    """Deflates pieces into one raw deflate stream, yielding compressed bytes as they come.

    zlib releases the GIL, so the compression runs in worker threads beside the
    caller, who produces the next pieces meanwhile; only a few pieces are in flight
    at a time. With one worker (two cores: one stays with the caller, and a second
    worker would only compete with it) a single stream compresses every piece. With
    more, batches of about :data:`BATCH` bytes compress side by side, each flushed to
    a byte boundary so they concatenate into one valid stream, as pigz does. ``crc``
    and ``size`` describe the uncompressed content once the iteration is over.
    """

    BATCH = 1 << 18

    def __init__(self, pieces: Iterable[bytes], level: int = DEFAULT_LEVEL) -> None:
        self.pieces = pieces
        self.level = level
        self.workers = max(1, min(4, (os.cpu_count() or 1) - 1))
        self.crc = 0
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        level = self.level
        engine = zlib.compressobj(level, zlib.DEFLATED, -15) if self.workers == 1 else None
        inflight: deque[Future[bytes]] = deque()
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for batch in self._batches():
                if engine is not None:
                    inflight.append(pool.submit(_compress_with, engine, batch))
                else:
                    inflight.append(pool.submit(_compress_alone, batch, level))
                while len(inflight) > self.workers:
                    yield inflight.popleft().result()
            while inflight:
                yield inflight.popleft().result()
        yield (engine or zlib.compressobj(level, zlib.DEFLATED, -15)).flush(zlib.Z_FINISH)

    def _batches(self) -> Iterator[list[bytes]]:
        batch: list[bytes] = []
        held = 0
        for piece in self.pieces:
            if not piece:
                continue
            self.crc = zlib.crc32(piece, self.crc)
            self.size += len(piece)
            batch.append(piece)
            held += len(piece)
            if held >= self.BATCH:
                yield batch
                batch, held = [], 0
        if batch:
            yield batch


def _compress_with(engine: zlib._Compress, batch: list[bytes]) -> bytes:
    return b"".join([engine.compress(piece) for piece in batch])


def _compress_alone(batch: list[bytes], level: int) -> bytes:
    engine = zlib.compressobj(level, zlib.DEFLATED, -15)
    return b"".join([engine.compress(piece) for piece in batch] + [engine.flush(zlib.Z_SYNC_FLUSH)])


def deflate(pieces: Iterable[bytes], level: int = DEFAULT_LEVEL) -> Deflated:
    """Compress ``pieces`` into memory, as one raw deflate stream."""
    compressor = Compressor(pieces, level)
    out = list(compressor)
    return Deflated(out, compressor.crc, compressor.size)


class ZipRewriter:
    """Writes a new archive: members copied raw, replaced, or left out, in source order."""

    def __init__(self, source: Source, archive: zipfile.ZipFile, out: BinaryIO) -> None:
        self.source = source
        self.archive = archive
        self.out = out
        self.central: list[bytes] = []
        self.raw_central = _central_records(source, archive)
        self.offset = 0

    def copy(self, name: str) -> None:
        """Copy a member exactly as it is in the source."""
        info = self.archive.getinfo(name)
        start = info.header_offset
        head = local_header(self.source, info)
        flags, name_len, extra_len = head[2], head[9], head[10]
        end = start + LOCAL_HEADER.size + name_len + extra_len + info.compress_size
        if flags & 0x08:  # a data descriptor follows the data
            zip64 = info.compress_size >= _LIMIT or info.file_size >= _LIMIT
            end += (20 if zip64 else 12) + (
                4 if self.source.read_at(end, 4) == _DESCRIPTOR_SIG else 0
            )
        if end > self.source.size:
            raise zipfile.BadZipFile(f"{name} is truncated")
        copy_range(self.source, start, end, self.out)
        self.central.append(_with_offset(self.raw_central[name], self.offset))
        self.offset += end - start

    def replace(self, name: str, content: Deflated) -> None:
        """Write new content for a member, keeping its name, date and attributes."""
        local, central = self._records(name, content.crc, content.packed, content.size)
        self.out.write(local)
        for piece in content.pieces:
            self.out.write(piece)
        self.central.append(central)
        self.offset += len(local) + content.packed

    def stream(self, name: str, pieces: Iterable[bytes]) -> tuple[int, int]:
        """Write new content for a member as it is produced and compressed.

        The compressed bytes go to the file as they come, so a big sheet is never
        held whole; the local header is written last, once its CRC and sizes are
        known, by seeking back (``out`` must be seekable). Returns (CRC-32, size).
        """
        at = self.out.tell()
        name_len = _CENTRAL.unpack_from(self.raw_central[name])[10]
        self.out.write(bytes(LOCAL_HEADER.size + name_len))  # the local header, filled in below
        compressor = Compressor(pieces)
        packed = 0
        for chunk in compressor:
            self.out.write(chunk)
            packed += len(chunk)
        if max(packed, compressor.size) >= _LIMIT:
            raise zipfile.LargeZipFile("workbook too large to rewrite")
        local, central = self._records(name, compressor.crc, packed, compressor.size)
        end = self.out.tell()
        self.out.seek(at)
        self.out.write(local)
        self.out.seek(end)
        self.central.append(central)
        self.offset += len(local) + packed
        return compressor.crc, compressor.size

    def _records(self, name: str, crc: int, packed: int, size: int) -> tuple[bytes, bytes]:
        """The local header (name included) and central record of new deflated content."""
        record = self.raw_central[name]
        fields = list(_CENTRAL.unpack_from(record))
        name_len, extra_len = fields[10], fields[11]
        encoded = record[_CENTRAL.size : _CENTRAL.size + name_len]
        comment = record[_CENTRAL.size + name_len + extra_len :]
        flags = fields[3] & _UTF8_FLAG  # sizes are known up front: no data descriptor
        local = LOCAL_HEADER.pack(
            LOCAL_SIGNATURE, 20, flags, zipfile.ZIP_DEFLATED, fields[5], fields[6],
            crc, packed, size, name_len, 0,
        )  # fmt: skip
        fields[2] = max(fields[2], 20)  # version needed to extract
        fields[3] = flags
        fields[4] = zipfile.ZIP_DEFLATED
        fields[7], fields[8], fields[9] = crc, packed, size
        fields[11] = 0  # no extra field
        fields[16] = self.offset
        return local + encoded, _CENTRAL.pack(*fields) + encoded + comment

    def close(self) -> None:
        """Write the central directory and its end record (comment kept)."""
        if len(self.central) >= 0xFFFF or self.offset >= _LIMIT:
            raise zipfile.LargeZipFile("workbook too large to rewrite")
        directory = b"".join(self.central)
        comment = self.archive.comment
        self.out.write(directory)
        count = len(self.central)
        end = _EOCD.pack(_EOCD_SIG, 0, 0, count, count, len(directory), self.offset, len(comment))
        self.out.write(end)
        self.out.write(comment)


def _central_records(source: Source, archive: zipfile.ZipFile) -> dict[str, bytes]:
    """Each member's central directory record, as raw bytes, by name."""
    infos = archive.infolist()
    if not infos:
        return {}
    # The end record sits in the last 64 KiB (its comment is at most that long).
    tail_at = max(0, source.size - _EOCD.size - 0xFFFF)
    tail = bytes(source.read_at(tail_at, source.size - tail_at))
    end = tail_at + tail.rfind(_EOCD_SIG)
    directory_size, directory_offset = struct.unpack_from("<2I", tail, end - tail_at + 12)
    # A self-extracting prefix shifts every offset; zipfile works out the shift.
    shift = end - directory_size - directory_offset
    if directory_offset == _LIMIT or directory_size == _LIMIT:
        raise zipfile.LargeZipFile("zip64 archives are not rewritten")
    directory = bytes(source.read_at(directory_offset + shift, directory_size))
    pos = 0
    out: dict[str, bytes] = {}
    for info in infos:
        fields = _CENTRAL.unpack_from(directory, pos)
        if fields[0] != _CENTRAL_SIG:
            raise zipfile.BadZipFile("bad central directory")
        length = _CENTRAL.size + fields[10] + fields[11] + fields[12]
        out[info.filename] = directory[pos : pos + length]
        pos += length
    return out


def _with_offset(record: bytes, offset: int) -> bytes:
    """A copied central record pointing at the member's new local header."""
    fields = list(_CENTRAL.unpack_from(record))
    if fields[16] != _LIMIT:
        fields[16] = offset
        return _CENTRAL.pack(*fields) + record[_CENTRAL.size :]
    # The offset lives in the zip64 extra field, after any sizes marked there.
    extra_at = _CENTRAL.size + fields[10]
    extra = bytearray(record[extra_at : extra_at + fields[11]])
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<2H", extra, pos)
        if tag == 0x0001:
            at = pos + 4 + 8 * ((fields[9] == _LIMIT) + (fields[8] == _LIMIT))
            struct.pack_into("<Q", extra, at, offset)
            break
        pos += 4 + length
    return record[:extra_at] + bytes(extra) + record[extra_at + fields[11] :]


def check_members(
    package: zipfile.ZipFile,
    source: Source,
    expected: dict[str, tuple[int, int]],
    inflate: Iterable[str],
) -> None:
    """Raise :class:`zipfile.BadZipFile` unless ``package`` holds exactly ``expected``.

    Every member must be listed with the CRC-32 and size it was built with, and the
    ``inflate`` members are decompressed in full, so that their compressed bytes are
    proven to inflate to that content (the CRC is checked at the end).
    """
    found = {info.filename: (info.CRC, info.file_size) for info in package.infolist()}
    if found != expected:
        wrong = sorted(set(found.items()) ^ set(expected.items()))
        raise zipfile.BadZipFile(f"members differ from what was written: {wrong[:3]}")
    for name in inflate:
        for _ in member_blocks(package, source, package.getinfo(name)):
            pass
