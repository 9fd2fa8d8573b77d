"""Read any spreadsheet a user uploads (.xlsx, .xlsm, .xls, .ods, .csv) into plain rows of cell values."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from safety.errors import FileUnreadable

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
CSV_ENCODINGS = ("utf-8-sig", "cp1251")
DELIMITERS = ";,\t|"
MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 1536 * 1024 * 1024  # a million-row, 8-column log unpacks to about 580 MB
MAX_RATIO = 100  # real xlsx text compresses about 10–15×; a hundredfold means a crafted file
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name and its rows; rows[i] is spreadsheet row i + 1, merged areas filled in."""

    name: str
    rows: list[list[Any]]

    def is_empty(self) -> bool:
        """True when no cell holds a value."""
        return not any(cell not in (None, "") for row in self.rows for cell in row)


def read_sheets(data: bytes, filename: str) -> list[Sheet]:
    """Read every sheet of an uploaded file; raise FileUnreadable saying why a file cannot be read."""
    name = Path(filename).name
    if not data or not data.strip():
        raise FileUnreadable("file.empty", name=name)
    if len(data) > MAX_BYTES:
        raise FileUnreadable("file.too_big", name=name, limit_mb=MAX_BYTES // (1024 * 1024))
    suffix = Path(filename).suffix.lower()
    if data[:4] == b"PK\x03\x04" or data[:8] == OLE_MAGIC or suffix in WORKBOOK_SUFFIXES:
        return _read_workbook(data, name)
    if suffix in TEXT_SUFFIXES or suffix == "":
        return [Sheet(Path(filename).stem or "csv", _read_csv(data, name))]
    raise FileUnreadable("file.not_spreadsheet", name=name)


def _check_container(data: bytes, name: str) -> None:
    """Refuse an encrypted workbook and a zip whose unpacked size is absurd (a zip bomb), before parsing."""
    if data[:8] == OLE_MAGIC and "EncryptedPackage".encode("utf-16-le") in data:
        raise FileUnreadable("file.encrypted", name=name)
    if data[:4] != b"PK\x03\x04":
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileUnreadable("file.not_spreadsheet", name=name) from exc
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * len(data):
        raise FileUnreadable("file.zip_bomb", name=name, size_mb=unpacked // (1024 * 1024))


def _read_workbook(data: bytes, name: str) -> list[Sheet]:
    _check_container(data, name)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for sheet_name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(sheet_name)
            rows = [list(r) for r in sheet.to_python(skip_empty_area=False)]
            _fill_merged(rows, sheet.merged_cell_ranges or [])
            for row in rows:  # trim text cells in place; an empty text is no value
                for index, cell in enumerate(row):
                    if cell.__class__ is str:
                        row[index] = cell.strip() or None
            sheets.append(Sheet(sheet_name, rows))
    except PasswordError as exc:
        raise FileUnreadable("file.encrypted", name=name) from exc
    except (CalamineError, ValueError, OSError) as exc:
        raise FileUnreadable("file.not_spreadsheet", name=name) from exc
    except BaseException as exc:  # calamine's Rust core raises its own panic type on garbage input
        if type(exc).__name__ == "PanicException":
            raise FileUnreadable("file.not_spreadsheet", name=name) from exc
        raise
    return sheets


def _fill_merged(rows: list[list[Any]], ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Copy each merged area's top-left value into all of its cells, as a reader of the sheet sees it."""
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows):
            continue
        value = rows[top][left] if left < len(rows[top]) else None
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= right:
                row.extend([None] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                if row[c] in (None, ""):
                    row[c] = value


def _clean(cell: Any) -> Any:
    if isinstance(cell, str):
        cell = cell.strip()
        return cell or None
    return cell


def _read_csv(data: bytes, name: str) -> list[list[Any]]:
    text = decode_text(data, name)
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
    except csv.Error:  # too few lines to be sure: take the delimiter the first line uses most
        first = sample.splitlines()[0] if sample else ""
        dialect = type("Sniffed", (csv.excel,), {"delimiter": max(DELIMITERS, key=first.count)})
    rows = [[_clean(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    if not any(any(c is not None for c in row) for row in rows):
        raise FileUnreadable("file.empty", name=name)
    return rows


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file as UTF-16 (by its BOM) or UTF-8 (with or without BOM), falling back to Windows-1251."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileUnreadable("file.encoding", name=name) from exc
    if b"\x00" in data[:4096]:
        raise FileUnreadable("file.not_spreadsheet", name=name)
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileUnreadable("file.encoding", name=name)
