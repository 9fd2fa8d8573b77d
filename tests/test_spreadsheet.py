"""The spreadsheet reader: workbooks and CSVs of any common encoding, merged cells, and files it refuses."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from safety.errors import FileUnreadable
from safety.files.reader import open_sheet, read_sheets


def _xlsx(build) -> bytes:
    workbook = Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_rows_keep_their_spreadsheet_numbers_and_merged_cells_are_filled():
    def build(wb):
        ws = wb.active
        ws.title = "Журнал"
        ws["B2"] = "Заголовок"
        ws.merge_cells("B2:D2")
        ws["B4"] = "  Дата "
        ws["C4"] = 5

    [sheet] = read_sheets(_xlsx(build), "log.xlsx")
    assert sheet.name == "Журнал"
    assert sheet.rows[1][1:] == ["Заголовок"] * 2  # row 2, columns B..C: the merged area is cut at the last cells
    assert sheet.rows[3][1] == "Дата" and sheet.rows[3][2] == 5  # trimmed; row 4 stays row 4
    assert sheet.rows[0] == [None] * len(sheet.rows[0])


def test_every_sheet_is_read():
    def build(wb):
        wb.active["A1"] = "a"
        wb.create_sheet("Второй")["A1"] = "b"

    assert [s.name for s in read_sheets(_xlsx(build), "two.xlsx")] == ["Sheet", "Второй"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_encodings_and_delimiters(encoding, delimiter):
    text = delimiter.join(["Дата", "Тяжесть", "Описание"]) + "\r\n" + delimiter.join(["05.03.2024", "лёгкий", "упал"])
    [sheet] = read_sheets(text.encode(encoding), "журнал.csv")
    assert sheet.rows == [["Дата", "Тяжесть", "Описание"], ["05.03.2024", "лёгкий", "упал"]]


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"", "a.xlsx", "file.empty"),
        (b"  \n ", "a.csv", "file.empty"),
        (b"PK\x03\x04broken zip", "a.xlsx", "file.not_spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png", "file.not_spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.csv", "file.not_spreadsheet"),
        (b";;;\r\n;;\r\n", "blank.csv", "file.empty"),
    ],
)
def test_refused_files(data, name, key):
    with pytest.raises(FileUnreadable) as info:
        read_sheets(data, name)
    assert info.value.key == key and name in info.value.render("ru")


def test_a_merged_area_past_the_data_is_cut_to_it():
    """C1:XFD1048576 merged over a few rows fills only the columns and rows that hold cells (not 16,384 a row)."""
    book = Workbook()
    for row in range(1, 4):
        book.active.append([f"a{row}", f"b{row}", None if row > 1 else "title"])
    book.active.merge_cells("C1:D2")
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'ref="C1:D2"', b'ref="C1:XFD1048576"')
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    for rows in (
        list(open_sheet(patched.getvalue(), "x.xlsx").rows()),
        read_sheets(patched.getvalue(), "x.xlsx")[0].rows,
    ):
        assert [len(row) for row in rows] == [3, 3, 3]
        assert [row[2] for row in rows] == ["title"] * 3
