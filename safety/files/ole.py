"""A look at a legacy .xls (an OLE2 compound file holding a BIFF workbook) before calamine reads it.

calamine trusts the file's own counts and pointers: a sector chain that loops, a sector number past the end, or a
count of strings or cells far beyond what the file holds makes it reserve or fill memory until the process dies
(a Rust allocation failure aborts; it cannot be caught). Such a file can be a few kilobytes. `problem` follows
every structure calamine follows and says whether one points outside the file or claims more than it can hold;
a sound file passes in a few milliseconds per megabyte.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_DIFAT_SECTOR = 0xFFFFFFFC  # ids at or above this in the DIFAT are not FAT sectors
_RESERVED = 0xFFFFFFFA  # ids at or above this end the DIFAT chain
_STREAM = 2
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096  # streams shorter than this live in the mini stream
_BIFF_SST, _BIFF_BOUNDSHEET, _BIFF_DIMENSIONS, _BIFF_EOF, _BIFF_MULRK = 0x00FC, 0x0085, 0x0200, 0x000A, 0x00BD
_BIFF_CELLS = frozenset(
    (0x0006, _BIFF_MULRK, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E)
)  # records that start with row, column
_MAX_ROWS, _MAX_COLUMNS = 65_536, 256  # a BIFF8 sheet holds no more
_DENSE_CELLS = 1_000_000  # a sheet's rectangle may be this large however few cells it has


class _Damaged(Exception):
    """The compound file is inconsistent in a way that would make the reader run away."""


def problem(data: bytes) -> str | None:
    """None when the OLE2 file is safe to hand to calamine, else a short English note of what is wrong."""
    try:
        _check(data)
    except _Damaged as exc:
        return str(exc)
    except (struct.error, IndexError, ValueError) as exc:  # a structure cut short
        return f"truncated structure ({exc})"
    return None


def _u16(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 2], "little")


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "little")


def _ids(chunk: bytes) -> list[int]:
    return list(struct.unpack_from(f"<{len(chunk) // 4}I", chunk))


def _check(data: bytes) -> None:
    """Follow the header, DIFAT, FAT, directory, mini stream and every stream as calamine does (cfb.rs)."""
    if len(data) < 512 or data[:8] != MAGIC:
        raise _Damaged("no OLE2 header")
    shift = _u16(data, 30)
    if shift not in (9, 12) or _u16(data, 32) != 6:
        raise _Damaged("sector sizes")
    size = 1 << shift
    body = data[size:]  # sector i starts at (i + 1) * size: the header fills sector "-1"
    count = -(-len(body) // size)
    dir_sectors, fat_sectors, mini_fat_sectors, difat_sectors = (_u32(data, at) for at in (40, 44, 64, 72))
    if max(dir_sectors, fat_sectors, mini_fat_sectors, difat_sectors) > count:
        raise _Damaged("header counts more sectors than the file has")
    if _u32(data, 62) * 4 > 32 * len(data) + (4 << 20):  # calamine reserves this many ids from bytes 62-65
        raise _Damaged("header reservation")

    def sector(i: int) -> bytes:
        return body[i * size : (i + 1) * size]

    difat = _ids(data[76:512])
    seen: set[int] = set()
    link = _u32(data, 68)
    while link < _RESERVED:  # each DIFAT sector's last id links to the next one
        if link >= count or link in seen:
            raise _Damaged("DIFAT chain")
        seen.add(link)
        difat.extend(_ids(sector(link)))
        link = difat.pop()
    fat_ids = [i for i in difat if i < _DIFAT_SECTOR]
    if any(i >= count for i in fat_ids):
        raise _Damaged("FAT sector past the end")
    fat = [n for i in fat_ids for n in _ids(sector(i))]

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        """The ids of a chain; refused when one is out of range or the chain is longer than `limit` (a loop)."""
        found: list[int] = []
        link = start
        while link != _END_OF_CHAIN:
            if link >= limit or link >= len(table) or len(found) >= limit:
                raise _Damaged("sector chain")
            found.append(link)
            link = table[link]
        return found

    directory = b"".join(sector(i) for i in chain(_u32(data, 48), fat, count))
    if dir_sectors:
        directory = directory[: dir_sectors * size]
    if not directory or len(directory) % 128:
        raise _Damaged("directory cut short")
    entries = [directory[at : at + 128] for at in range(0, len(directory), 128)]

    def length(entry: bytes) -> int:
        value = _u32(entry, 120) if size == 512 else int.from_bytes(entry[120:128], "little")
        if value > len(data):
            raise _Damaged("stream longer than the file")
        return value

    mini_fat: list[int] = []
    mini_sectors = 0
    if mini_fat_sectors:
        root = entries[0]
        mini_stream = len(b"".join(sector(i) for i in chain(_u32(root, 116), fat, count)))
        mini_sectors = -(-min(mini_stream, length(root) or mini_stream) // _MINI_SECTOR)
        mini_fat = _ids(b"".join(sector(i) for i in chain(_u32(data, 60), fat, count))[: mini_fat_sectors * size])
    streams: dict[str, bytes] = {}
    for entry in entries[1:]:
        name = entry[: min(_u16(entry, 64), 64)].decode("utf-16-le", "replace").rstrip("\x00")
        if entry[66] != _STREAM and name not in ("Workbook", "Book"):
            continue
        stream_size = length(entry)
        start = _u32(entry, 116)
        wanted = name in ("Workbook", "Book") and name not in streams  # calamine reads the first of that name
        if stream_size < _MINI_CUTOFF:
            ids = chain(start, mini_fat, mini_sectors)
            if wanted:
                mini = b"".join(sector(i) for i in chain(_u32(entries[0], 116), fat, count))
                streams[name] = b"".join(mini[i * _MINI_SECTOR : (i + 1) * _MINI_SECTOR] for i in ids)[:stream_size]
        else:
            ids = chain(start, fat, count)
            if wanted:
                streams[name] = b"".join(sector(i) for i in ids)[:stream_size]
    _check_biff(streams.get("Workbook") or streams.get("Book") or b"")


_HEADER = struct.Struct("<HH")
_ROW_COLUMN = struct.Struct("<HH")


def _records(stream: bytes, at: int) -> Iterator[tuple[int, int, int]]:
    """The BIFF records (kind, where its data starts, its size) from `at` up to an EOF record or the stream's end."""
    end = len(stream) - 4
    header = _HEADER.unpack_from
    while 0 <= at <= end:
        kind, size = header(stream, at)
        yield kind, at + 4, min(size, len(stream) - at - 4)
        if kind == _BIFF_EOF:
            return
        at += 4 + size


def _check_biff(stream: bytes) -> None:
    """Refuse a workbook stream whose string table or sheet rectangles claim far more than the stream holds."""
    sheets = []
    for kind, at, size in _records(stream, 0):
        if kind == _BIFF_SST and size >= 8 and _u32(stream, at + 4) > len(stream) // 3 + 1:
            raise _Damaged("string table count")  # every string takes at least three bytes
        if kind == _BIFF_BOUNDSHEET and size >= 4:
            sheets.append(_u32(stream, at))
    for offset in sheets:  # calamine reads each sheet from the offset its BoundSheet record gives
        _check_sheet(stream, offset)


def _check_sheet(stream: bytes, at: int) -> None:
    """Refuse a sheet whose DIMENSIONS or cells span a rectangle far larger than the cells it holds (calamine
    makes the whole rectangle); one plain loop, as a sheet has a record per cell."""
    header, row_column = _HEADER.unpack_from, _ROW_COLUMN.unpack_from
    cells = top_row = top_column = 0
    end = len(stream) - 4
    while 0 <= at <= end:
        kind, size = header(stream, at)
        at += 4
        if kind in _BIFF_CELLS and size >= 4 and at + size <= len(stream):
            cells += 1
            row, column = row_column(stream, at)
            if kind == _BIFF_MULRK:
                column = _u16(stream, at + size - 2)  # its last column
            if row > top_row:
                top_row = row
            if column > top_column:
                top_column = column
        elif kind == _BIFF_DIMENSIONS and size >= 10:
            record = stream[at : at + size]
            wide = size >= 14  # BIFF8 gives rows as 32-bit numbers
            first, last = (_u32(record, 0), _u32(record, 4)) if wide else (_u16(record, 0), _u16(record, 2))
            left, right = (_u16(record, 8), _u16(record, 10)) if wide else (_u16(record, 4), _u16(record, 6))
            if last - first > _MAX_ROWS or right - left > _MAX_COLUMNS:
                raise _Damaged("sheet dimensions")
        elif kind == _BIFF_EOF:
            break
        at += size
    if (top_row + 1) * (top_column + 1) > max(_DENSE_CELLS, 64 * cells):
        raise _Damaged("sheet rectangle far larger than its cells")
