"""A look inside an .xlsx (a zip of XML parts) before calamine reads it.

calamine makes each sheet a dense rectangle from its top-left to its bottom-right cell, and reserves room for as
many shared strings as the file announces. A few kilobytes can therefore ask for hundreds of gigabytes: one cell
in A1 and one in XFD1048576, or uniqueCount="4000000000". A failed allocation aborts the whole process (it is no
exception), so such a file must be refused before calamine sees it. The checks unpack each part once and give
each piece of it a count and one regular expression (about 5 ms per MB of sheet XML, a fifth of calamine's own
parse); only a sheet they cannot vouch for is read exactly, reference by reference.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from operator import itemgetter

CHUNK = 256 * 1024  # unpacked at a time: a piece this small stays in the processor's cache for its searches
WHOLE = 16 * 1024 * 1024  # a part up to this size is unpacked whole (past it, one big buffer is slower)
OVERLAP = 64  # a pattern shorter than this is never lost between two pieces
DENSE_CELLS = 1_000_000  # a sheet's rectangle may be this large however few cells it holds ...
CELLS_PER_CELL = 64  # ... or this many times the cells it holds ...
MOST_CELLS = 64_000_000  # ... but never more (about 2 GB in calamine)
STRINGS_HEAD = 1024 * 1024  # how far into a shared-strings part its root element may start
CELL = b"<c "
COLUMNS = 26  # a plain reference's column: A … Z
# Row numbers a plain reference may have, by how many digits they take: with no other reference, the rectangle is
# at most COLUMNS × the tier's last row; the smallest tier fits in any allowance (26 × 9,999 < DENSE_CELLS).
_PLAIN_ROWS = {9_999: rb"[0-9]{1,4}", 99_999: rb"[0-9]{1,5}", 1_099_999: rb"(?:[0-9]{1,6}|10[0-9]{5})"}
WIDEST = max(_PLAIN_ROWS)
COUNTED = -(-COLUMNS * WIDEST // CELLS_PER_CELL)  # with this many cells any plain rectangle is allowed
# An r attribute other than ` r="A1"` … ` r="Z<last row>"` (or a row number): another reference, or one written
# another way XML allows (single quotes, blanks around the "=", a tab or line break before it), which calamine reads.
# The patterns start with a letter, not with a blank: a regular expression finds a rarer first byte faster.
_ODD = {
    last: re.compile(rb"""r(?:="(?<= r=")(?![A-Z]?%s")|\s+=|=\s|='|(?<=[\t\n\r]r)=)""" % rows)
    for last, rows in _PLAIN_ROWS.items()
}
_LONG_ROW = {
    last: re.compile(rb' r="[A-Za-z]*[0-9]{%d}' % (len(str(last)) + 1)) for last in _PLAIN_ROWS if last < WIDEST
}
_REF = re.compile(rb"""r(?<=\sr)\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_ABSURD = re.compile(rb"""r(?<=\sr)\s*=\s*["'][A-Za-z0-9]{20}""")  # XFD1048576 has 10 characters
_STRINGS_ROOT = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_UNIQUE_COUNT = re.compile(rb"\buniqueCount\s*=\s*[\"']\s*\+?(\d+)")
_U32 = 1 << 32

Pieces = Callable[[], Iterator[tuple[bytes, int, bool]]]


def problem(archive: zipfile.ZipFile) -> str | None:
    """None when every sheet and shared-string table of the workbook is safe to hand to calamine, else a short
    English note of what is wrong."""
    for info in archive.infolist():
        name = info.filename.lower()
        if name.endswith("sharedstrings.xml") and not _strings_fit(archive, info):
            return "shared string count"
        if name.endswith(".xml") and not _sheet_fits(archive, info):
            return "sheet rectangle far larger than its cells"
    return None


def is_binary(archive: zipfile.ZipFile) -> bool:
    """True for an .xlsb (sheets as binary records): its sheets would need a checker of their own, and nobody
    keeps a log in it, so it is not read."""
    return any(n.lower().endswith(".bin") and "worksheets/" in n.lower() for n in archive.namelist())


def _pieces(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Pieces:
    """A way to go through the part's bytes piece by piece, as often as needed: each piece starts with the last
    OVERLAP bytes of the one before and comes with where its own bytes start and whether it is the last.
    A small part (up to WHOLE) is unpacked once, kept, and is one piece; a big one is unpacked again for each look."""
    if info.file_size <= WHOLE:
        whole = archive.read(info)
        return lambda: iter([(whole, 0, True)])

    def unpacked() -> Iterator[tuple[bytes, int, bool]]:
        tail = b""
        with archive.open(info) as part:
            chunk = part.read(CHUNK)
            while chunk:
                following = part.read(CHUNK)
                yield tail + chunk, len(tail), not following
                tail, chunk = chunk[-OVERLAP:], following

    return unpacked


def _strings_fit(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """False when a shared-strings part announces more strings than its size can hold (each takes at least the
    five bytes of <si/>)."""
    head = b""
    for piece, fresh, _ in _pieces(archive, info)():
        head += piece[fresh:]
        root = _STRINGS_ROOT.search(head)
        if root:
            count = _UNIQUE_COUNT.search(root[0])
            return count is None or int(count[1]) <= info.file_size // 5 + 1
        if len(head) >= STRINGS_HEAD:
            return False  # no real file has a megabyte before its root element
    return True


def _sheet_fits(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when the rectangle calamine would make of this part (if it is a sheet) stays within the allowance.

    The quick look counts cells and searches for any reference other than ` r="A1"` … ` r="Z<last row>"`: without
    one, the rectangle is at most 26 × the last row. A small part is unpacked whole, so its cells are counted first
    and its last row is the most its allowance admits; a big one is looked at piece by piece with the widest last
    row (1,099,999) and, if its cells allow less, looked at again for a longer row number. A part with any other
    reference, or with such a row number, is read exactly instead.
    """
    pieces = _pieces(archive, info)
    if info.file_size <= WHOLE:
        ((whole, _, _),) = pieces()
        last = _last_row(_allowance(whole.count(CELL)))
        return not _ODD[last].search(whole) or _exact_fit(pieces)
    cells = 0
    for piece, fresh, final in pieces():
        if cells < COUNTED:
            cells += piece.count(CELL, max(0, fresh - len(CELL) + 1))  # a cell cut by the last piece's end, once
        odd = _ODD[WIDEST].search(piece)
        if odd and (final or odd.start() < len(piece) - OVERLAP):  # one in the tail is whole in the next piece
            return _exact_fit(pieces)
    last = _last_row(_allowance(cells))
    return last == WIDEST or not any(_LONG_ROW[last].search(piece) for piece, _, _ in pieces()) or _exact_fit(pieces)


def _last_row(allowance: int) -> int:
    """The largest tier of plain row numbers whose rectangle the allowance admits."""
    return max(last for last in _PLAIN_ROWS if COLUMNS * last <= allowance)


def _allowance(cells: int) -> int:
    """How large a rectangle a sheet of this many cells may make."""
    return min(MOST_CELLS, max(DENSE_CELLS, CELLS_PER_CELL * cells))


def _exact_fit(pieces: Pieces) -> bool:
    """Read every reference of the part as calamine would and compare its rectangle with the allowance."""
    cells = rows = columns = 0
    for piece, fresh, _ in pieces():
        cells += piece.count(CELL, max(0, fresh - len(CELL) + 1))
        if _ABSURD.search(piece):
            return False
        refs = _REF.findall(piece)
        letters = {ref.upper() for ref in set(map(itemgetter(0), refs))}
        digits = set(map(itemgetter(1), refs))
        long = {d for d in digits if len(d) > 9 or not d}  # past 9 digits a row number may wrap round
        rows = max([rows, *map(_row, long), *map(int, digits - long)])
        columns = max([columns, *map(_column, letters)])
    return (rows + 1) * (columns + 1) <= _allowance(cells)


def _row(digits: bytes) -> int:
    """A reference's row number as calamine computes it."""
    return _wrapped(digits, 10, 48)


def _column(letters: bytes) -> int:
    """A reference's column number (upper-case letters) as calamine computes it."""
    return _wrapped(letters, 26, 64)


def _wrapped(text: bytes, base: int, zero: int) -> int:
    """A reference's row (digits) or column (letters) as calamine computes it, in 32 bits that wrap."""
    value, power = 0, 1
    for byte in reversed(text):
        value = (value + (byte - zero) * power) % _U32
        power = power * base % _U32
    return value
