"""Write the register fixture files in tests/data/ (run once; the files are committed).

Every BIN here has the unassigned attribute digit 9, so none can be a real company's.
"""

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
HEAD_RU = ["БИН", "Наименование (рус.)", "Наименование (каз.)", "Код КАТО", "Код ОКЭД", "Вид деятельности",
           "Дата присоединения", "Специалист по ОТ", "Телефон", "Эл. почта"]
ROWS = [
    ["210349000012", "ТОО «Тестовый Химзавод»", "«Тест Химия» ЖШС", "311000000", "20150", "Удобрения",
     dt.date(2020, 3, 1), "Иванов И.", "+7 7262 11 22 33", "ohs1@test.example"],
    ["210349000022", "ТОО «Тестовый Рудник»", "«Тест Кен» ЖШС", "316000000", "08910", "Добыча фосфоритов",
     dt.date(2021, 5, 12), "Серикова А.", None, None],
    ["210349000032", "ТОО «Тестовый Сахар»", "«Тест Қант» ЖШС", "316600000", "10810", "Сахар",
     dt.date(2022, 1, 20), None, None, None],
    ["210349000042", "АО «Тестовая Энергия»", "«Тест Энерго» АҚ", "311000000", "35110", "Электроэнергия",
     dt.date(2019, 9, 2), "Ким О.", "8 (7262) 45-67-89", "energy@test.example"],
]
YEARS = [["БИН", "Год", "Среднесписочная численность", "Отработано человеко-часов"],
         ["210349000012", 2024, 1200, 2_100_000], ["210349000012", 2025, 1250, None],
         ["210349000022", 2025, 800, 1_400_000]]


def book(rows, head=HEAD_RU, years=YEARS, titles=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "Предприятия"
    for title in titles:
        ws.append(title)
    ws.append(head)
    for row in rows:
        ws.append(row)
    if years:
        ys = wb.create_sheet("Численность")
        for row in years:
            ys.append(row)
    return wb


def main():
    book(ROWS).save(HERE / "register_good.xlsx")
    bad = [list(r) for r in ROWS]
    bad[3][0] = "210349000043"  # sheet row 5: header is row 1, so the fourth enterprise sits on row 5
    book(bad).save(HERE / "register_bad_bin_row5.xlsx")
    dup = [list(r) for r in ROWS] + [list(ROWS[1])]
    book(dup).save(HERE / "register_duplicate_bin.xlsx")
    book([r[:4] + r[5:] for r in ROWS], head=HEAD_RU[:4] + HEAD_RU[5:]).save(HERE / "register_missing_column.xlsx")
    book([], years=None).save(HERE / "register_no_rows.xlsx")
    Workbook().save(HERE / "register_blank_workbook.xlsx")
    (HERE / "register_zero_bytes.xlsx").write_bytes(b"")
    (HERE / "register_not_a_spreadsheet.xlsx").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
    years_bad = YEARS + [["210349000099", 2025, 10, None], ["210349000022", 2025, 0, None]]
    book(ROWS, years=years_bad).save(HERE / "register_bad_years.xlsx")

    # Kazakh headings under two title rows (one merged), BIN as a number, dd.mm.yyyy text dates, district names.
    head_kk = ["БСН", "Атауы (орыс.)", "Атауы (қаз.)", "Аудан", "ЭҚЖЖ коды", "Қызмет түрі", "Қосылған күні"]
    wb = book([[50649000079, "ТОО «Тест Газ»", "«Тест Газ» ЖШС", "Мойынқұм ауданы", 6200, "Газ", "15.04.2023"],
               ["210349000052", "ТОО «Тест Цемент»", "«Тест Цемент» ЖШС", "Қордай ауданы", "23.51.0", "Цемент",
                45000]], head=head_kk, years=None,
              titles=[["Vision Zero кәсіпорындарының тізілімі"], ["2026 жылғы жағдай бойынша"]])
    wb.active.merge_cells("A1:G1")
    wb.save(HERE / "register_kk_title_rows.xlsx")

    lines = ["БИН;Наименование (рус.);Наименование (каз.);Район;Код ОКЭД;Вид деятельности;Дата присоединения",
             "210349000062;ТОО «Тест Транс»;«Тест Колик» ЖШС;Шуский район;49410;Грузоперевозки;01.02.2024"]
    (HERE / "register_cp1251.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    text_cases()
    month_first()


def month_first():
    """A register saved by Excel in a US locale: month-first dates, read per column, and a row counter."""
    lines = ["№;БИН;Наименование (рус.);Наименование (каз.);Район;Код ОКЭД;Вид деятельности;Дата присоединения",
             "1;210349000101;ТОО «Тест Американ»;«Тест Американ» ЖШС;Шуский район;49410;Склады;03/25/2020",
             "2;210349000111;ТОО «Тест Апрель»;«Тест Сәуір» ЖШС;Шуский район;49410;Склады;04/05/2021"]
    (HERE / "register_month_first.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode())


def text_cases():
    """CSV registers with awkward text (run alone: python -c "import make_register_fixtures as m; m.text_cases()")."""
    lines = ["БИН;Наименование (рус.);Наименование (каз.);Район;Код ОКЭД;Вид деятельности;Дата присоединения",
             "210349000072;ТОО «Тест Юникод»;«Тест Юникод» ЖШС;Таласский район;49410;Склады;03.03.2025"]
    (HERE / "register_utf16_no_bom.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16-le"))
    lines[1] = "210349000082;ТОО «Тест\x07 Скрытый»\u200b;«Тест Жасырын» ЖШС\x00;Таласский район;49410;Склады;03.03.2025"
    (HERE / "register_control_chars.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode())


if __name__ == "__main__":
    main()
