"""Read any spreadsheet a user uploads (.xlsx, .xlsm, .xls, .ods, .csv) into plain rows of cell values."""

from __future__ import annotations

import contextlib
import csv
import ctypes
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from safety.errors import FileUnreadable, ValidationFailed
from safety.files import ole, xlsx
from safety.files.text import Removed, strip_control

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
CSV_ENCODINGS = ("utf-8-sig", "cp1251")
DELIMITERS = ";,\t|"
MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 1536 * 1024 * 1024  # a million-row, 8-column log unpacks to about 580 MB
MAX_RATIO = 100  # real xlsx text compresses about 10–15×; a hundredfold means a crafted file
OLE_MAGIC = ole.MAGIC
HEAD_ROWS = 30  # rows kept in memory for finding the header; the rest of a big sheet is streamed
UTF16_PROBE = 1024  # bytes looked at to recognise UTF-16 text that has no byte-order mark

# The csv module refuses a field over 128 Ki characters with an exception; no field can be longer than an upload,
# and a long cell is the importers' to report (with its row and column), so the module's own limit is raised.
csv.field_size_limit(MAX_BYTES)


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name and its rows; rows[i] is spreadsheet row i + 1, merged areas filled in."""

    name: str
    rows: list[list[Any]]
    removed: Removed = field(default_factory=Removed)  # invisible characters taken out of its cells

    def is_empty(self) -> bool:
        """True when no cell holds a value."""
        return not any(cell not in (None, "") for row in self.rows for cell in row)


def fold(text: Any) -> str:
    """A heading or a word as matching compares it: without case, spaces or punctuation."""
    return re.sub(r"[\W_]+", "", str(text or "")).casefold()


def read_sheets(data: bytes, filename: str) -> list[Sheet]:
    """Read every sheet of an uploaded file; raise FileUnreadable saying why a file cannot be read."""
    name = _check_upload(data, filename)
    suffix = Path(filename).suffix.lower()
    if _is_workbook(data, suffix):
        return _read_workbook(data, name)
    if suffix in TEXT_SUFFIXES or suffix == "":
        removed = Removed()
        rows = [[clean(c, removed) for c in row] for row in _read_csv(data, name)]
        return [Sheet(Path(filename).stem or "csv", rows, removed)]
    raise FileUnreadable("file.not_spreadsheet", name=name)


@dataclass
class SheetStream:
    """One chosen sheet read row by row, so a million-row log never sits in memory twice.

    `head` holds its first rows cleaned (for finding the header); `rows()` yields every row from the top, with
    merged areas filled but text as the file holds it (the importer cleans the columns it uses, with `clean`).
    """

    name: str
    sheet_names: list[str]
    head: list[list[Any]]
    height: int
    _rows: Any
    _merged: list[tuple[tuple[int, int], tuple[int, int]]]

    def rows(self) -> Iterator[list[Any]]:
        """Every row of the sheet from row 1, merged areas filled in."""
        source = iter(self._rows() if callable(self._rows) else self._rows)
        return self._filled(source) if self._merged else source

    def _filled(self, source: Iterator[list[Any]]) -> Iterator[list[Any]]:
        merged = sorted(self._merged)
        last = max(bottom for _, (bottom, _) in merged)
        active: list[tuple[int, int, int, Any]] = []  # (bottom, left, right, value)
        for index, row in enumerate(source):
            while merged and merged[0][0][0] == index:
                (_, left), (bottom, right) = merged.pop(0)
                active.append((bottom, left, right, row[left] if left < len(row) else None))
            if active:
                row = list(row)
                for _, left, right, value in active:
                    if len(row) <= right:
                        row.extend([None] * (right + 1 - len(row)))
                    for c in range(left, right + 1):
                        if row[c] in (None, ""):
                            row[c] = value
                active = [a for a in active if a[0] > index]
            yield row
            if index >= last:  # below the last merged area: the rest as they are, without a step per row
                yield from source
                return


def open_sheet(data: bytes, filename: str, wanted: str | int | None = None) -> SheetStream:
    """Open one sheet of an uploaded file for streaming: by name, 1-based index, or the first with data."""
    name = _check_upload(data, filename)
    suffix = Path(filename).suffix.lower()
    if not _is_workbook(data, suffix):
        if suffix in TEXT_SUFFIXES or suffix == "":
            rows = _read_csv(data, name)
            width = max(len(r) for r in rows)
            for row in rows:  # csv rows are ragged; the importer picks cells by position
                row.extend([None] * (width - len(row)))
            stem = Path(filename).stem or "csv"
            _choose([stem], wanted, lambda _: True, name)
            head = [[clean(c) for c in row] for row in rows[:HEAD_ROWS]]
            return SheetStream(stem, [stem], head, len(rows), rows, [])
        raise FileUnreadable("file.not_spreadsheet", name=name)
    _check_container(data, name)
    with _calamine_errors(name):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        loaded: dict[str, Any] = {}

        def has_data(sheet_name: str) -> bool:
            with _calamine_errors(name, sheet_name):
                loaded[sheet_name] = workbook.get_sheet_by_name(sheet_name)
                return any(any(clean(c) is not None for c in r) for r in loaded[sheet_name].iter_rows())

        chosen = _choose(names, wanted, has_data, name)
    with _calamine_errors(name, chosen):
        sheet = loaded.get(chosen) or workbook.get_sheet_by_name(chosen)
        stream = SheetStream(chosen, names, [], sheet.height, sheet.iter_rows, _merged_areas(sheet))
        stream.head = read_head(stream, HEAD_ROWS)
    return stream


def release_unused_memory() -> None:
    """Hand freed heap memory back to the system (glibc keeps it otherwise), after a big sheet is dropped."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def read_head(stream: SheetStream, rows: int) -> list[list[Any]]:
    """The first `rows` rows of a sheet, trimmed (for a header row set below the usual search depth)."""
    head = []
    for row in stream.rows():
        head.append([clean(c) for c in row])
        if len(head) >= rows:
            break
    return head


def _choose(names: list[str], wanted: str | int | None, has_data: Any, filename: str) -> str:
    if wanted is None:
        found = next((n for n in names if has_data(n)), None)
        if found is None:
            raise FileUnreadable("file.empty", name=filename)
        return found
    if isinstance(wanted, int):
        if not 1 <= wanted <= len(names):
            raise ValidationFailed("import.no_sheet", sheet=str(wanted), sheets=", ".join(names))
        return names[wanted - 1]
    for sheet_name in names:
        if sheet_name.strip().casefold() == wanted.strip().casefold():
            return sheet_name
    raise ValidationFailed("import.no_sheet", sheet=wanted, sheets=", ".join(names))


@contextlib.contextmanager
def _calamine_errors(name: str, sheet: str | None = None) -> Iterator[None]:
    """Turn calamine's failures (including the Rust core's panics on garbage) into FileUnreadable, naming the
    sheet when one was being read."""
    try:
        yield
    except PasswordError as exc:
        raise FileUnreadable("file.encrypted", name=name) from exc
    except (CalamineError, ValueError, OSError, TypeError, OverflowError) as exc:
        raise _unreadable(name, sheet) from exc
    except BaseException as exc:  # the Rust core's panic type is not an Exception
        if type(exc).__name__ == "PanicException":
            raise _unreadable(name, sheet) from exc
        raise


def _unreadable(name: str, sheet: str | None) -> FileUnreadable:
    if sheet is None:
        return FileUnreadable("file.not_spreadsheet", name=name)
    return FileUnreadable("file.bad_sheet", name=name, sheet=sheet)


def _check_upload(data: bytes, filename: str) -> str:
    """Refuse an empty or oversized upload; return the file's name for messages."""
    name = Path(filename).name
    if not data or not data.strip():
        raise FileUnreadable("file.empty", name=name)
    if len(data) > MAX_BYTES:
        raise FileUnreadable("file.too_big", name=name, limit_mb=MAX_BYTES // (1024 * 1024))
    return name


def _is_workbook(data: bytes, suffix: str) -> bool:
    """A zip (xlsx, ods) or OLE (xls) container, or a workbook's file ending: read by calamine, not as text."""
    return data[:4] == b"PK\x03\x04" or data[:8] == OLE_MAGIC or suffix in WORKBOOK_SUFFIXES


def _check_container(data: bytes, name: str) -> None:
    """Refuse, before parsing, an encrypted workbook, a zip whose unpacked size is absurd (a zip bomb), and a file
    whose own counts would make calamine reserve or fill memory far beyond its size (a damaged .xls, a sheet
    with one cell in A1 and one in XFD1048576, a shared string table announcing billions of strings): calamine
    aborts the whole process on those (see ole.py and xlsx.py)."""
    if data[:8] == OLE_MAGIC and "EncryptedPackage".encode("utf-16-le") in data:
        raise FileUnreadable("file.encrypted", name=name)
    if data[:8] == OLE_MAGIC and ole.problem(data):
        raise FileUnreadable("file.damaged", name=name)
    if data[:4] != b"PK\x03\x04":
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * len(data):
                raise FileUnreadable("file.zip_bomb", name=name, size_mb=unpacked // (1024 * 1024))
            if xlsx.is_binary(archive):
                raise FileUnreadable("file.not_spreadsheet", name=name)
            if xlsx.problem(archive):
                raise FileUnreadable("file.damaged", name=name)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error) as exc:
        raise FileUnreadable("file.not_spreadsheet", name=name) from exc


def _read_workbook(data: bytes, name: str) -> list[Sheet]:
    _check_container(data, name)
    with _calamine_errors(name):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
    sheets = []
    for sheet_name in names:
        with _calamine_errors(name, sheet_name):
            sheet = workbook.get_sheet_by_name(sheet_name)
            rows_from_a = sheet.to_python(skip_empty_area=False)
            whole = SheetStream(sheet_name, names, [], sheet.height, rows_from_a, _merged_areas(sheet, from_a=True))
            rows: list[list[Any]] = [list(r) for r in whole.rows()]
        removed = Removed()
        for row in rows:  # clean text cells in place; an empty text is no value
            for index, cell in enumerate(row):
                if cell.__class__ is str:
                    row[index] = clean(cell, removed)
        sheets.append(Sheet(sheet_name, rows, removed))
    return sheets


def _merged_areas(sheet: Any, *, from_a: bool = False) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """A calamine sheet's merged areas placed on the rows it yields, and cut to the cells it holds.

    Its rows (iter_rows) start at row 1 but at the first column holding anything, while merged areas count
    columns from A: a log drawn from column B would otherwise have its merged cells filled one column to the left.
    `from_a` is for rows that do start at column A (to_python). An area reaching past the last column or row is
    cut there: C1:XFD1048576 in a file of a few kilobytes would otherwise pad every row to 16,384 cells.
    """
    top_row, left_column = sheet.start or (0, 0)
    first = 0 if from_a else left_column
    last_column, last_row = left_column + sheet.width - 1 - first, top_row + sheet.height - 1
    return [
        ((top, max(left - first, 0)), (min(bottom, last_row), min(right - first, last_column)))
        for (top, left), (bottom, right) in sheet.merged_cell_ranges or []
        if right >= first and top <= last_row and left - first <= last_column
    ]


def clean(cell: Any, removed: Removed | None = None) -> Any:
    """Trim a text cell and take out its invisible characters (counted in `removed`, when given); an empty or
    blank cell is no value (None)."""
    if isinstance(cell, str):
        cell = (strip_control(cell) if removed is None else removed.strip(cell)).strip()
        return cell or None
    return cell


def _read_csv(data: bytes, name: str) -> list[list[Any]]:
    """A text file's rows as the csv module splits them (cells not yet cleaned); refuse one with no value."""
    text = decode_text(data, name)
    dialect = type("Guessed", (csv.excel,), {"delimiter": guess_delimiter(text[:20000])})
    rows: list[list[Any]] = []
    try:  # newline="" lets the csv module see every line break itself (CR alone, too) and keep those in quotes
        rows.extend(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise FileUnreadable("file.bad_csv", name=name, row=len(rows) + 1) from exc
    if not any(any(clean(c) is not None for c in row) for row in rows):
        raise FileUnreadable("file.empty", name=name)
    return rows


def guess_delimiter(sample: str) -> str:
    """The delimiter (of DELIMITERS) that the most lines of the sample use equally often, quoted text left out.

    csv.Sniffer is not used: its regular expressions backtrack without end on a run of quotes (a 33 KB file of
    them kept it busy for minutes). This takes linear time, and Excel's quoting (doubled quotes) is assumed.
    """
    lines = [line for line in re.sub(r'"[^"]*"', "", sample).splitlines()[:50] if line.strip()]
    best, score = DELIMITERS[0], (0, 0)
    for delimiter in DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        used = [c for c in counts if c]
        if used:
            usual = max(set(used), key=lambda c: (used.count(c), c))
            if (used.count(usual), usual) > score:
                best, score = delimiter, (used.count(usual), usual)
    return best


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file as UTF-16 (by its BOM, or by where its NUL bytes sit) or UTF-8 (with or without BOM),
    falling back to Windows-1251."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileUnreadable("file.encoding", name=name) from exc
    head = data[:4096]
    if b"\x00" in head:
        encoding = utf16_without_bom(data[:UTF16_PROBE])
        if encoding:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise FileUnreadable("file.utf16_no_bom", name=name) from exc
        if head.count(0) * 100 > len(head):  # text has no NUL bytes; a stray one is removed with the other controls
            raise FileUnreadable("file.not_spreadsheet", name=name)
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileUnreadable("file.encoding", name=name)


def utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when the bytes look like UTF-16 text with no byte-order mark, else None.

    In UTF-16 every ASCII character (digits, delimiters, line breaks) has a NUL byte beside it, after it in
    little-endian and before it in big-endian; Cyrillic letters have none. So NUL bytes on one side of the byte
    pairs and (almost) none on the other mean UTF-16; binary data has them on both sides.
    """
    after, before = head[1::2].count(0), head[0::2].count(0)
    for nuls, others, encoding in ((after, before, "utf-16-le"), (before, after, "utf-16-be")):
        if nuls >= max(2, len(head) // 64) and others * 16 <= nuls:
            return encoding
    return None
