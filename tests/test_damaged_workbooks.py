"""Workbooks whose own counts and pointers would make calamine reserve or fill memory without end: each is refused
as damaged before calamine sees it. Every file is read in a child process with capped memory, so a check that
stops working fails this test instead of taking the test run (or the machine) down with it."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import textwrap
import time
import zipfile

import pytest
from openpyxl import Workbook

from safety.errors import FileUnreadable
from safety.files import ole
from safety.files.reader import read_sheets

from conftest import DATA, ROOT

VALID_XLS = (DATA / "incidents" / "valid.xls").read_bytes()
CHILD = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    sys.path.insert(0, {root!r})
    from safety.errors import SafetyError
    from safety.files.reader import open_sheet, read_sheets
    outcome = {{}}
    for path in sys.argv[1:]:
        data = open(path, "rb").read()
        try:
            read_sheets(data, path)
            list(open_sheet(data, path).rows())
            outcome[path] = "read"
        except SafetyError as exc:
            outcome[path] = exc.key
    print(json.dumps(outcome))
""")


def read_capped(tmp_path, files: dict[str, bytes]) -> dict[str, str]:
    """Read each file in a child process limited to 1 GiB; the catalogue key it was refused with, or "read"."""
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    script = CHILD.format(root=str(ROOT))
    child = subprocess.run([sys.executable, "-c", script, *paths], capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, f"the reader died (exit {child.returncode}): {child.stderr[-800:]}"
    return {name: json.loads(child.stdout)[str(tmp_path / name)] for name in files}


def _patched(data: bytes, *changes: tuple[int, str, int]) -> bytes:
    """The bytes with each (offset, struct format, value) written in."""
    out = bytearray(data)
    for offset, kind, value in changes:
        struct.pack_into(kind, out, offset, value)
    return bytes(out)


def _record(data: bytes, header: bytes) -> int:
    """Where a BIFF record's data begins in valid.xls (its four-byte header, found once)."""
    assert data.count(header) == 1, header
    return data.index(header) + 4


def damaged_xls() -> dict[str, bytes]:
    """valid.xls, broken one way at a time where calamine would run away."""
    fat_sector = struct.unpack_from("<I", VALID_XLS, 76)[0]
    directory = struct.unpack_from("<I", VALID_XLS, 48)[0]
    directory_at = 512 * (directory + 1)
    sst = _record(VALID_XLS, b"\xfc\x00\x05\x02")
    dimensions = _record(VALID_XLS, b"\x00\x02\x0e\x00")
    label = VALID_XLS.index(b"\xfd\x00\x0a\x00") + 4
    return {
        "fat_loop.xls": _patched(VALID_XLS, (512 * (fat_sector + 1) + 4 * directory, "<I", directory)),
        "fat_past_end.xls": _patched(VALID_XLS, (76, "<I", 0x00FFFFFF)),
        "stream_longer_than_file.xls": _patched(VALID_XLS, (directory_at + 128 + 120, "<I", 0xFFFFFFF0)),
        "header_counts.xls": _patched(VALID_XLS, (44, "<I", 0x7FFFFFFF)),
        "string_count.xls": _patched(VALID_XLS, (sst + 4, "<I", 0x7FFFFFFF)),
        "dimensions.xls": _patched(VALID_XLS, (dimensions + 4, "<I", 0xFFFFFFF0)),
        "far_cell.xls": _patched(VALID_XLS, (label, "<H", 0xFFFF), (label + 2, "<H", 0xFFFF)),
    }


def _xlsx(refs: dict[str, str], strings: str | None = None, written: str = ' r="{}"') -> bytes:
    """A small workbook whose cell references are rewritten in the sheet's XML (openpyxl would refuse them), each
    attribute written as `written` says (XML also allows single quotes, blanks around "=", a line break before)."""
    book = Workbook()
    book.active.append(["Дата", "Описание"])
    book.active.append(["15.03.2024", "Порез"])
    buffer, out = io.BytesIO(), io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for old, new in refs.items():
                    data = data.replace(f' r="{old}"'.encode(), written.format(new).encode())
            dst.writestr(item.filename, data)
        if strings is not None:
            dst.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def damaged_xlsx() -> dict[str, bytes]:
    """Small .xlsx files that ask calamine for a huge rectangle or string table."""
    sst = '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    return {
        "corner_cells.xlsx": _xlsx({"B2": "XFD1048576"}),
        "long_lowercase_column.xlsx": _xlsx({"B2": "x" * 40 + "2"}),
        "far_row.xlsx": _xlsx({"B2": "B4000000000"}),
        "line_break_before_ref.xlsx": _xlsx({"B2": "XFD1048576"}, written='\nr="{}"'),
        "single_quoted_ref.xlsx": _xlsx({"B2": "XFD1048576"}, written=" r='{}'"),
        "blanks_around_equals.xlsx": _xlsx({"B2": "XFD1048576"}, written=' r = "{}"'),
        "tab_after_equals.xlsx": _xlsx({"B2": "XFD1048576"}, written=' r=\t"{}"'),
        "string_count.xlsx": _xlsx({}, sst + 'count="1" uniqueCount="4000000000"><si><t>x</t></si></sst>'),
    }


def test_valid_files_pass_the_checks(tmp_path):
    assert ole.problem(VALID_XLS) is None
    wide = Workbook()
    for row in range(200):
        wide.active.append([f"{row}-{column}" for column in range(40)])  # columns AA… need the exact check
    buffer = io.BytesIO()
    wide.save(buffer)
    files = {
        "valid.xls": VALID_XLS,
        "wide.xlsx": buffer.getvalue(),
        "far_column_one_row.xlsx": _xlsx({"B2": "XFD2"}),  # 2 × 16,384 cells: allowed
    }
    assert read_capped(tmp_path, files) == dict.fromkeys(files, "read")


def test_damaged_xls_is_refused_as_damaged(tmp_path):
    files = damaged_xls()
    assert all(ole.problem(data) for data in files.values())
    assert read_capped(tmp_path, files) == dict.fromkeys(files, "file.damaged")


def test_xlsx_asking_for_a_huge_rectangle_or_string_table_is_refused(tmp_path):
    files = damaged_xlsx()
    assert read_capped(tmp_path, files) == dict.fromkeys(files, "file.damaged")


def test_binary_workbook_is_not_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
        archive.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    with pytest.raises(FileUnreadable) as info:
        read_sheets(out.getvalue(), "book.xlsx")
    assert info.value.key == "file.not_spreadsheet"


def test_damaged_message_names_the_file_in_every_language():
    with pytest.raises(FileUnreadable) as info:
        read_sheets(damaged_xls()["fat_loop.xls"], "журнал.xls")
    for lang in ("ru", "kk", "en"):
        assert "журнал.xls" in info.value.render(lang)


def test_a_run_of_quotes_in_a_csv_reads_quickly():
    data = ("Дата;Описание\r\n" + '"' * 40_000 + ";x\r\n").encode()
    started = time.perf_counter()
    read_sheets(data, "quotes.csv")
    assert time.perf_counter() - started < 2  # csv.Sniffer took minutes on this
