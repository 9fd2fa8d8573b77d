"""A look inside an .xlsx (a zip of XML parts) before calamine reads it.

calamine makes each sheet a dense rectangle from its top-left to its bottom-right cell, and reserves room for as
many shared strings as the file announces. A few kilobytes can therefore ask for hundreds of gigabytes: one cell
in A1 and one in XFD1048576, or uniqueCount="4000000000". A failed allocation aborts the whole process (it is no
exception), so such a file must be refused before calamine sees it. The checks stream each part once with a
few searches (about 8 ms per MB of sheet XML, a tenth of an import's time); only a sheet they cannot vouch for
is read exactly, reference by reference.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator

CHUNK = 4 * 1024 * 1024
OVERLAP = 64  # a pattern shorter than this is never lost between two chunks
DENSE_CELLS = 1_000_000  # a sheet's rectangle may be this large however few cells it holds ...
CELLS_PER_CELL = 64  # ... or this many times the cells it holds ...
MOST_CELLS = 64_000_000  # ... but never more (about 2 GB in calamine)
STRINGS_HEAD = 1024 * 1024  # how far into a shared-strings part its root element may start
_PLAIN = re.compile(rb' r="(?![A-Z]?(?:[0-9]{1,6}|10[0-9]{5})")')  # anything but A1 … Z1099999 (and row numbers)
_REF = re.compile(rb'\sr="([A-Za-z]*)([0-9]*)"')
_ABSURD = re.compile(rb'\sr="[A-Za-z0-9]{20}')  # XFD1048576 has 10 characters
_SIX_DIGITS = re.compile(rb' r="[A-Za-z]*[0-9]{6}')
_STRINGS_ROOT = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_UNIQUE_COUNT = re.compile(rb"\buniqueCount\s*=\s*[\"']\s*\+?(\d+)")
_U32 = 1 << 32


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


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes in chunks, each starting with the last OVERLAP bytes of the one before."""
    return (chunk for chunk, _ in _chunks_marked(archive, info))


def _chunks_marked(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[tuple[bytes, bool]]:
    """As _chunks, each with whether it is the last."""
    tail = b""
    with archive.open(info) as part:
        chunk = part.read(CHUNK)
        while chunk:
            following = part.read(CHUNK)
            yield tail + chunk, not following
            tail, chunk = chunk[-OVERLAP:], following


def _strings_fit(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """False when a shared-strings part announces more strings than its size can hold (each takes at least the
    five bytes of <si/>)."""
    head = b""
    for chunk in _chunks(archive, info):
        head += chunk[OVERLAP if head else 0 :]
        root = _STRINGS_ROOT.search(head)
        if root:
            count = _UNIQUE_COUNT.search(root[0])
            return count is None or int(count[1]) <= info.file_size // 5 + 1
        if len(head) >= STRINGS_HEAD:
            return False  # no real file has a megabyte before its root element
    return True


def _sheet_fits(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when the rectangle calamine would make of this part (if it is a sheet) stays within the allowance.

    The first pass counts cells and looks for any reference other than A1 … Z1099999; without one, the rectangle
    is at most 1,099,999 × 26. If that is too much for the cells there are, a second pass checks whether any row
    number has six digits, and only if that does not settle it are the references read one by one.
    """
    cells = 0
    plain = True
    for chunk, last in _chunks_marked(archive, info):
        cells += chunk.count(b"<c ")  # a cell without attributes is not counted: the allowance only gets stricter
        if plain and any(space + b'r="' in chunk for space in (b"\t", b"\n", b"\r")):
            plain = False  # an r attribute after a tab or a line break: the patterns below expect a space
        odd = _PLAIN.search(chunk) if plain else None
        if odd and (last or odd.start() < len(chunk) - OVERLAP):  # one in the tail is whole in the next chunk
            plain = False
    if not cells:
        return True  # no cells: not a sheet, or an empty one
    allowance = min(MOST_CELLS, max(DENSE_CELLS, CELLS_PER_CELL * cells))
    if plain and allowance >= 1_099_999 * 26:
        return True
    if plain and allowance >= 99_999 * 26 and not any(_SIX_DIGITS.search(c) for c in _chunks(archive, info)):
        return True
    rows = columns = 0
    for chunk in _chunks(archive, info):
        if _ABSURD.search(chunk):
            return False
        for letters, digits in _REF.findall(chunk):
            rows = max(rows, _wrapped(digits, 10, 48))
            columns = max(columns, _wrapped(letters.upper(), 26, 64))
    return (rows + 1) * (columns + 1) <= allowance


def _wrapped(text: bytes, base: int, zero: int) -> int:
    """A reference's row (digits) or column (letters) as calamine computes it, in 32 bits that wrap."""
    value, power = 0, 1
    for byte in reversed(text):
        value = (value + (byte - zero) * power) % _U32
        power = power * base % _U32
    return value
