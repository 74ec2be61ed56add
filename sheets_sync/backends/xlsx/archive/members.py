"""Archive layer 2, one member: its content inflated from the archive block by block.

zipfile's reader copies every block several times on its way out (the unconsumed
input, the read buffer, the joined result) and runs its loop in Python; reading a
sheet three times per sync (read, patch, check) that way was a visible share of the
sync's time and memory. Here one decompressor is fed the archive's compressed
bytes a few kilobytes at a time (see :mod:`.source`), every block it returns is
handed on as it is, and the CRC-32 and size are checked at the end, as zipfile
checks them.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator
from typing import Any, cast

# zlib-ng: the same deflate streams as zlib, inflated and checked (CRC-32) faster.
from zlib_ng import zlib_ng as zlib

from sheets_sync.backends.xlsx.archive.source import Buffer, Source, as_source

LOCAL_HEADER = struct.Struct("<4s5H3I2H")
LOCAL_SIGNATURE = b"PK\x03\x04"

BLOCK = 1 << 16  # inflated bytes per block: small transient copies downstream
_FEED = 1 << 14  # compressed bytes handed to the decompressor at a time

# zlib-ng's stub declares its error class as an instance.
_INFLATE_ERROR = cast("type[Exception]", zlib.error)

# Beyond this many inflated bytes a member must pack no better than MAX_RATIO to 1:
# real sheet XML packs 5-20x and deflate tops out near 1000x, so a member past the
# ratio is a zip bomb, whatever its headers claim.
RATIO_MIN_SIZE = 8 << 20
MAX_RATIO = 200


class Oversized(zipfile.BadZipFile):
    """A member inflates beyond what its headers say, or packs like a zip bomb."""


def local_header(source: Source, info: zipfile.ZipInfo) -> tuple[Any, ...]:
    """``info``'s local header fields (see :data:`LOCAL_HEADER`), its signature checked."""
    head = LOCAL_HEADER.unpack(_exactly(source, info.header_offset, LOCAL_HEADER.size, info))
    if head[0] != LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    return head


def data_start(source: Source, info: zipfile.ZipInfo) -> int:
    """Where ``info``'s compressed data begins in ``source`` (after its local header)."""
    head = local_header(source, info)
    return int(info.header_offset + LOCAL_HEADER.size + head[9] + head[10])


def _exactly(source: Source, offset: int, length: int, info: zipfile.ZipInfo) -> Buffer:
    got = source.read_at(offset, length)
    if len(got) != length:
        raise zipfile.BadZipFile(f"{info.filename} is truncated")
    return got


def member_blocks(
    package: zipfile.ZipFile,
    source: Source | bytes | None,
    info: zipfile.ZipInfo,
    block: int = BLOCK,
) -> Iterator[bytes]:
    """The member's content in blocks of at most ``block`` bytes.

    ``source`` holds the archive ``package`` was opened on; without it, or for an
    encrypted member or a compression other than deflate, zipfile reads it. Raises
    :class:`zipfile.BadZipFile` when the data is truncated or its CRC or size is
    not the one the archive records.
    """
    plain = info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
    if source is None or info.flag_bits & 0x1 or not plain:
        # zipfile inflates no more than the size the archive records
        with package.open(info) as stream:
            yield from iter(lambda: stream.read(block), b"")
        return
    source = as_source(source)
    start = data_start(source, info)
    if start + info.compress_size > source.size:
        raise zipfile.BadZipFile(f"{info.filename} is truncated")
    crc = size = 0
    if info.compress_type == zipfile.ZIP_STORED:
        for at in range(start, start + info.compress_size, block):
            out = bytes(source.read_at(at, min(block, start + info.compress_size - at)))
            crc = zlib.crc32(out, crc)
            size += len(out)
            _check_growth(info, size, size)
            yield out
    else:
        engine = zlib.decompressobj(-zlib.MAX_WBITS)
        pos, end = start, start + info.compress_size
        try:
            while not engine.eof:
                feed: Buffer = engine.unconsumed_tail
                if not feed and pos < end:
                    feed = source.read_at(pos, min(_FEED, end - pos))
                    pos += _FEED
                out = engine.decompress(feed, block)
                if out:
                    crc = zlib.crc32(out, crc)
                    size += len(out)
                    _check_growth(info, size, min(pos, end) - start - len(engine.unconsumed_tail))
                    yield out
                elif not feed:
                    raise zipfile.BadZipFile(f"{info.filename} is truncated")
        except _INFLATE_ERROR as exc:
            raise zipfile.BadZipFile(f"{info.filename} cannot be inflated ({exc})") from None
    if crc != info.CRC or size != info.file_size:
        raise zipfile.BadZipFile(f"bad CRC-32 or size for {info.filename}")


def _check_growth(info: zipfile.ZipInfo, size: int, packed: int) -> None:
    """Stop inflating a member that outgrows its recorded size or packs like a bomb.

    Checked after every block, so a member whose headers lie is refused at most one
    block past the size they claim, and a bomb at :data:`RATIO_MIN_SIZE` bytes.
    """
    if size > info.file_size:
        raise Oversized(
            f"part {info.filename} unpacks to more than the {info.file_size:,} bytes its "
            "headers record, which looks like a zip bomb"
        )
    if size > RATIO_MIN_SIZE and size > MAX_RATIO * max(packed, 1):
        raise Oversized(
            f"part {info.filename} unpacks more than {MAX_RATIO}x its packed size, "
            "which looks like a zip bomb"
        )
