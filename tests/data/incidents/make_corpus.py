"""Write the corpus of bad or awkward incident logs that tests/test_incident_corpus.py imports.

Run: /work/venv/bin/python tests/data/incidents/make_corpus.py  (xlwt is needed for the .xls file only; it is not a
project dependency: /work/venv/bin/pip install xlwt). Every enterprise, place and person here is made up.

Notes on what the files mean:
* formulas_no_cache.xlsx: openpyxl writes formulas without cached values. calamine reads only the cached value
  (it does not calculate), so those cells read as empty: the rows must fail as row errors, not crash.
* zip_bomb.xlsx: its sheet XML unpacks to ~300 MB (mostly spaces) but the file is a few hundred KB.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = ["№", "Дата", "Вид происшествия", "Тяжесть", "Дни нетрудоспособности", "Цех", "Описание", "Профессия"]
ROWS = [
    ["1", "15.03.2024", "Несчастный случай", "лёгкий", 5, "Цех №1", "Ушиб руки при разгрузке", "Слесарь"],
    ["2", "02.04.2024", "Несчастный случай", "тяжёлый", 40, "Склад", "Падение с лестницы", "Кладовщик"],
    ["3", "20.05.2024", "ПОП", None, None, "Цех №2", "Падение груза рядом с рабочим", "Стропальщик"],
]


def xlsx(rows: list[list], *, merges: tuple[str, ...] = (), title: str = "Журнал") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for area in merges:
        sheet.merge_cells(area)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows: list[list], sep: str = ";") -> str:
    return "\r\n".join(sep.join("" if c is None else str(c) for c in row) for row in rows) + "\r\n"


def valid_xls() -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Журнал")
    date_style = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    for c, heading in enumerate(HEADER):
        sheet.write(0, c, heading)
    for r, row in enumerate(ROWS, start=1):
        for c, value in enumerate(row):
            if c == 1:
                day, month, year = (int(p) for p in value.split("."))
                sheet.write(r, c, dt.datetime(year, month, day), date_style)
            elif value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def valid_ods() -> bytes:
    def cell(value) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, dt.date):
            return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                    f"<text:p>{value:%d.%m.%Y}</text:p></table:table-cell>")
        if isinstance(value, int):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    rows = [HEADER] + [[r[0], dt.date(*reversed([int(p) for p in r[1].split(".")])), *r[2:]] for r in ROWS]
    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Журнал">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def garbage_xml_xlsx() -> bytes:
    """A real .xlsx whose sheet XML has been replaced by garbage."""
    good = xlsx([HEADER, *ROWS])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>17</v></c>\x00\xff<<<garbage &&&"
            dst.writestr(item.filename, data)
    return out.getvalue()


def zip_bomb_xlsx(megabytes: int = 300) -> bytes:
    """A valid .xlsx whose sheet XML holds ~megabytes of spaces before two real rows."""
    good = xlsx([HEADER, ROWS[0]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item.filename, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            info = zipfile.ZipInfo(item.filename)
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=True) as fh:
                fh.write(head + b"<sheetData>")
                chunk = b" " * (1024 * 1024)
                for _ in range(megabytes):
                    fh.write(chunk)
                fh.write(tail)
    return out.getvalue()


def encrypted_looking() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE2 compound file (here: its header, then junk)."""
    rnd = random.Random(7)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00\x06\x00"
    header += bytes(512 - len(header))
    names = "EncryptionInfo".encode("utf-16-le") + bytes(8) + "EncryptedPackage".encode("utf-16-le")
    return header + names + rnd.randbytes(4096)


def html_table() -> bytes:
    cells = "".join(f"<th>{h}</th>" for h in HEADER)
    body = "".join("<tr>" + "".join(f"<td>{'' if c is None else c}</td>" for c in row) + "</tr>" for row in ROWS)
    return (f'<html><head><meta charset="utf-8"></head><body><table border="1"><tr>{cells}</tr>{body}</table>'
            "</body></html>").encode()


def formulas_no_cache() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Журнал"
    sheet.append(HEADER)
    sheet.append(["1", "=DATE(2024,3,15)", "Несчастный случай", "лёгкий", "=2+3", "Цех №1", "Ушиб", "Слесарь"])
    sheet.append(["2", "=DATE(2024,4,2)", "Несчастный случай", "тяжёлый", "=SUM(10,30)", "Склад", "Падение",
                  "Кладовщик"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def offset_data() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Журнал"
    for r, row in enumerate([HEADER, *ROWS], start=21):
        for c, value in enumerate(row, start=21):
            sheet.cell(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def empty_sheet() -> bytes:
    book = Workbook()
    book.active.title = "Лист1"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def merged_group_accident() -> bytes:
    """Two people hurt in one accident: the date and the accident number are merged over their two rows."""
    return xlsx([["Дата", "№ НС", "Вид происшествия", "Тяжесть", "Дни нетрудоспособности", "Описание"],
                 ["15.03.2024", "НС-1", "Несчастный случай", "тяжёлый", 40, "Обрушение опалубки"],
                 [None, None, "Несчастный случай", "лёгкий", 7, "Обрушение опалубки, второй пострадавший"],
                 ["20.05.2024", "НС-2", "Несчастный случай", "лёгкий", 3, "Порез кисти"]],
                merges=("A2:A3", "B2:B3"))


def text_cases() -> dict[str, bytes]:
    """CSV files whose text is awkward: UTF-16 without a byte-order mark, invisible characters, CR line ends.

    Written alone with: python -c "import make_corpus as m; m.main(m.text_cases())" (from this folder).
    """
    files: dict[str, bytes] = {}
    files["utf16_no_bom.csv"] = csv_text([HEADER, *ROWS], "\t").encode("utf-16-le")
    files["utf16be_no_bom.csv"] = csv_text([HEADER, *ROWS]).encode("utf-16-be")
    files["utf16_no_bom_cut.csv"] = csv_text([HEADER, *ROWS]).encode("utf-16-le")[:-1]  # half a character at the end
    hidden = [
        [ROWS[0][0], "15.03.2024\x00", *ROWS[0][2:6], "Ушиб\x07 руки\x0b при\u200b разгрузке", ROWS[0][7]],
        [ROWS[1][0], ROWS[1][1], "\ufeffНесчастный случай", *ROWS[1][3:6], "Падение\x1b[31m с лестницы", ROWS[1][7]],
        ROWS[2],
    ]
    files["control_chars.csv"] = csv_text([HEADER, *hidden]).encode()
    files["cr_line_ends.csv"] = csv_text([HEADER, *ROWS]).replace("\r\n", "\r").encode()  # old Mac line ends
    return files


def build() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    good = xlsx([HEADER, *ROWS])
    # --- not a usable file at all
    files["zero_bytes.xlsx"] = b""
    files["pdf_renamed.xlsx"] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + b"%%EOF\n" * 20
    files["random_binary.xls"] = random.Random(42).randbytes(3000)
    files["truncated.xlsx"] = good[: len(good) // 2]
    files["garbage_xml.xlsx"] = garbage_xml_xlsx()
    files["encrypted_looking.xlsx"] = encrypted_looking()
    files["html_table.xls"] = html_table()
    files["empty_sheet.xlsx"] = empty_sheet()
    files["zip_bomb.xlsx"] = zip_bomb_xlsx()
    files["utf16.csv"] = ("\ufeff" + csv_text([HEADER, *ROWS], "\t")).encode("utf-16-le")
    # --- header problems
    files["header_only.xlsx"] = xlsx([HEADER])
    files["header_only.csv"] = csv_text([HEADER]).encode()
    files["no_header.xlsx"] = xlsx([["Иванов", 5, "foo"], ["Петров", 7, "bar"], ["x", "y", "z"]])
    files["no_date_column.xlsx"] = xlsx([[h for h in HEADER if h != "Дата"]] + [r[:1] + r[2:] for r in ROWS])
    files["title_rows.xlsx"] = xlsx([["ТОО «Вымышленный Комбинат»"], ["Журнал регистрации несчастных случаев"],
                                     ["за 2024 год"], [None], HEADER, *ROWS])
    files["merged_title.xlsx"] = xlsx([["Журнал несчастных случаев ТОО «Условный Завод»"], HEADER, *ROWS],
                                      merges=("A1:H1",))
    files["merged_header.xlsx"] = xlsx(
        [["Дата", "№", "Сведения о происшествии", None, "Сведения о пострадавшем", None, None],
         [None, None, "Вид происшествия", "Тяжесть", "Профессия", "Пол", "Возраст"],
         ["15.03.2024", "1", "Несчастный случай", "лёгкий", "Слесарь", "м", 34],
         ["02.04.2024", "2", "Несчастный случай", "тяжёлый", "Кладовщик", "ж", 41]],
        merges=("A1:A2", "B1:B2", "C1:D1", "E1:G1"))
    files["offset_data.xlsx"] = offset_data()
    files["merged_group_accident.xlsx"] = merged_group_accident()
    # --- dates
    serial_rows = [[r[0], (dt.date(2024, 3, 15) - dt.date(1899, 12, 30)).days + i * 30, *r[2:]]
                   for i, r in enumerate(ROWS)]
    files["excel_serial_dates.xlsx"] = xlsx([HEADER, *serial_rows])
    files["serial_dates.csv"] = csv_text([HEADER, *serial_rows]).encode()
    files["dmy_text_dates.xlsx"] = xlsx([HEADER, *ROWS])
    files["mdy_dates.csv"] = csv_text([HEADER, [*ROWS[0][:1], "03/15/2024", *ROWS[0][2:]],
                                       [*ROWS[1][:1], "04/02/2024", *ROWS[1][2:]],
                                       [*ROWS[2][:1], "05/20/2024", *ROWS[2][2:]]], ",").encode()
    files["ambiguous_dates.csv"] = csv_text([HEADER, [*ROWS[0][:1], "03/04/2024", *ROWS[0][2:]],
                                             [*ROWS[1][:1], "05/06/2024", *ROWS[1][2:]]], ",").encode()
    files["future_and_old_dates.xlsx"] = xlsx([HEADER, [*ROWS[0][:1], dt.date(2024, 3, 15), *ROWS[0][2:]],
                                               [*ROWS[1][:1], dt.date(2090, 1, 1), *ROWS[1][2:]],
                                               [*ROWS[1][:1], dt.date(1949, 12, 31), *ROWS[1][2:]],
                                               [*ROWS[1][:1], "01.01.2099", *ROWS[1][2:]]])
    files["impossible_date.csv"] = csv_text([HEADER, ROWS[0], [*ROWS[1][:1], "31.02.2024", *ROWS[1][2:]],
                                             [*ROWS[1][:1], "29.02.2023", *ROWS[1][2:]],
                                             [*ROWS[1][:1], "вчера", *ROWS[1][2:]]]).encode()
    # --- values
    files["unknown_severity.xlsx"] = xlsx([HEADER, ROWS[0], [*ROWS[1][:3], "средней тяжести", *ROWS[1][4:]],
                                           [*ROWS[1][:3], "???", *ROWS[1][4:]]])
    files["bad_lost_days.xlsx"] = xlsx([HEADER, ROWS[0], [*ROWS[1][:4], -3, *ROWS[1][5:]],
                                        [*ROWS[1][:4], "пять", *ROWS[1][5:]], [*ROWS[1][:4], "5 дней", *ROWS[1][5:]]])
    files["near_miss_with_days.xlsx"] = xlsx([HEADER, ROWS[2], [*ROWS[2][:4], 3, *ROWS[2][5:]],
                                              [*ROWS[2][:3], "лёгкий", *ROWS[2][4:]]])
    files["identical_rows.xlsx"] = xlsx([HEADER, ROWS[0], ROWS[0], ROWS[0], ROWS[1]])
    files["long_text.xlsx"] = xlsx([HEADER, [*ROWS[0][:6], "Очень длинное описание. " * 417, ROWS[0][7]]])
    files["formulas_no_cache.xlsx"] = formulas_no_cache()
    # --- CSV encodings and shapes
    files["cp1251_semicolon.csv"] = csv_text([HEADER, *ROWS], ";").encode("cp1251")
    files["utf8_bom_comma.csv"] = ("\ufeff" + csv_text([HEADER, *ROWS], ",")).encode("utf-8")
    files["ragged_rows.csv"] = csv_text([HEADER, ROWS[0][:5], [*ROWS[1], "лишнее", "ещё"], ROWS[2][:2]]).encode()
    files["formula_text.csv"] = csv_text([HEADER, [*ROWS[0][:6], "=1+1", ROWS[0][7]],
                                          [*ROWS[1][:4], "=1+1", *ROWS[1][5:]]]).encode()
    # --- other languages and formats
    files["kazakh_headings.xlsx"] = xlsx([
        ["Оқиға күні", "Оқиға түрі", "Ауырлығы", "Еңбекке жарамсыз күндер", "Бөлімше", "Сипаттамасы", "Кәсібі",
         "Жынысы", "Жасы"],
        ["15.03.2024", "Жазатайым оқиға", "Жеңіл", 5, "№1 цех", "Қолын соғып алды", "Слесарь", "Ер", 34],
        ["02.04.2024", "Жазатайым оқиға", "Ауыр", 40, "Қойма", "Баспалдақтан құлады", "Қоймашы", "Әйел", 41],
        ["20.05.2024", "Қауіпті оқиға", None, None, "№2 цех", "Жүк құлады", "Стропальщик", "Ер", 29]],
        title="Журнал (қаз)")
    osha = ["(A) Case no.", "(B) Employee's name", "(C) Job title", "(D) Date of injury or onset of illness",
            "(E) Where the event occurred",
            "(F) Describe injury or illness, parts of body affected, and object/substance that directly injured or "
            "made person ill", "(G) Death", "(H) Days away from work", "(K) Away from work (days)",
            "(L) On job transfer or restriction (days)"]
    osha_rows = [["1", "John Placeholder", "Welder", "03/15/2024", "Shop 1", "Burn to left hand from slag", None,
                  "X", 4, 0],
                 ["2", "Jane Example", "Driver", "04/22/2024", "Yard", "Sprained ankle stepping off truck", None,
                  "X", 12, 3]]
    files["osha300.xlsx"] = xlsx([["OSHA's Form 300 (Rev. 01/2004)"], ["Log of Work-Related Injuries and Illnesses"],
                                  ["Establishment name: Example Fabrication Inc. (fictional)"], osha, *osha_rows],
                                 title="OSHA 300")
    files["osha300_with_degree.xlsx"] = xlsx([[*osha, "Degree of injury"],
                                              *[[*r, d] for r, d in zip(osha_rows, ["minor", "serious"], strict=True)]],
                                             title="OSHA 300")
    files["valid.xls"] = valid_xls()
    files["valid.ods"] = valid_ods()
    files.update(text_cases())
    return files


def main(files: dict[str, bytes] | None = None) -> None:
    for name, data in (build() if files is None else files).items():
        (HERE / name).write_bytes(data)
        print(f"{name:32} {len(data):>8} bytes")


if __name__ == "__main__":
    main()
