"""Write the incident-log fixtures in tests/data/logs/ (run once; the files are committed). All fictional."""

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent


def ru_titles() -> None:
    """Russian log: merged title rows, №, native/text/serial dates, a group accident and an identical row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Журнал"
    ws.append(["Журнал регистрации несчастных случаев на производстве"])
    ws.merge_cells("A1:H1")
    ws.append(["ТОО «Тест» (вымышленное), 2024–2025"])
    ws.append([])
    ws.append(["№ п/п", "Дата", "Вид происшествия", "Тяжесть", "Дни нетрудоспособности", "Цех", "Описание",
               "Профессия", "ФИО пострадавшего"])
    rows = [
        [1, dt.date(2024, 3, 5), "Несчастный случай", "лёгкий", 12, "Цех №2", "Порез кисти", "Слесарь", "Иванов И."],
        [2, "17.04.2024", "Микротравма", None, 0, "Склад", "Ушиб пальца", "Кладовщик", "Петров П."],
        [3, 45500, "ПОП", None, None, "Цех №1", "Падение груза рядом с людьми", None, None],
        [4, dt.date(2024, 7, 1), "несчастный случай", "Тяжёлый", 45, "Карьер", "Наезд погрузчика", "Водитель", "А"],
        [5, dt.date(2024, 7, 1), "несчастный случай", "тяжелый", 30, "Карьер", "Наезд погрузчика", "Горнорабочий",
         "Б"],
        [6, "02.12.2025", "микротравма", None, 0, "Склад", "Ушиб", "Кладовщик", None],
        [6, "02.12.2025", "микротравма", None, 0, "Склад", "Ушиб", "Кладовщик", None],
    ]
    for row in rows:
        ws.append(row)
    wb.save(HERE / "log_ru_titles.xlsx")


def _csv(name: str, lines: list[str]) -> None:
    """Write a UTF-8 CSV fixture, one line per row."""
    (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def csv_files() -> None:
    lines = ["Дата;Вид происшествия;Тяжесть;Дни нетрудоспособности;Цех;Описание",
             "05.03.2024;несчастный случай;лёгкий;3;Цех 1;Ожог",
             "25.03.2024;микротравма;;0;Цех 2;Заноза",
             "11.02.2025;потенциально опасное происшествие;;;Цех 1;Обрыв стропа"]
    (HERE / "log_cp1251.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    mdy = ["Date,Kind,Severity,Lost days,Description",
           "3/25/2024,accident,light,2,Slipped on oil",
           "4/5/2024,near miss,,0,Unsecured load",
           "12/1/2024,accident,severe,40,Fall from ladder"]
    _csv("log_mdy.csv", mdy)
    ambiguous = ["Дата;Вид происшествия;Тяжесть", "05.03.2024;микротравма;", "04.02.2024;микротравма;"]
    _csv("log_ambiguous_dates.csv", ambiguous)
    bad = ["Дата;Вид происшествия;Тяжесть;Дни нетрудоспособности",
           "05.03.2024;несчастный случай;средний;3",
           "06.03.2024;несчастный случай;средний;1",
           "07.03.2024;несчастный случай;лёгкий;2",
           "01.01.2199;микротравма;;0",
           "01.01.1949;микротравма;;0",
           "08.03.2024;потенциально опасное происшествие;;4"]
    _csv("log_bad_rows.csv", bad)
    msha = ["ACCIDENT_DT,DEGREE_INJURY,DAYS_LOST,NARRATIVE,MINE_ID",
            "2024-05-02,DAYS AWAY FROM WORK ONLY,4,Caught hand in conveyor,M1",
            "2024-06-11,FATALITY,0,Struck by falling rock,M1",
            "2024-06-12,NO VALUE FOUND,0,Unknown,M1"]
    _csv("log_msha.csv", msha)
    own_words = ["Дата;Вид происшествия;Тяжесть;Дни нетрудоспособности;Описание",
                 "03.02.2025;Несчастный случай;лёгкая;5;Порез руки",
                 "10.02.2025;Микротравма;лёгкая;0;Ушиб пальца",
                 "17.02.2025;Инцидент (без травмы);;0;Падение груза рядом с рабочим",
                 "24.02.2025;Профзаболевание;средней тяжести;0;Шум",
                 "03.03.2025;НС со смертельным исходом;смертельный;0;Падение с высоты",
                 "10.03.2025;ПОП;;0;Искра у ёмкости"]
    _csv("log_officer_words.csv", own_words)
    counted = ["№ п/п;Дата;Вид происшествия;Тяжесть;Дни нетрудоспособности;Описание",
               "1;03.02.2025;несчастный случай;лёгкий;5;Порез руки",
               "2;10.02.2025;микротравма;;0;Ушиб пальца",
               "3;10.02.2025;микротравма;;0;Ушиб пальца",
               "4;17.02.2025;потенциально опасное происшествие;;0;Груз рядом с рабочим",
               "5;24.02.2025;несчастный случай;тяжёлый;30;Падение с лестницы"]
    _csv("log_row_counter.csv", counted)
    blank = [";" + counted[0].split(";", 1)[1]] + counted[1:]  # a pandas index: a column without a heading
    _csv("log_blank_first_heading.csv", blank)
    (HERE / "msha_profile.yaml").write_text(
        "name: MSHA export\nsheet: null\nheader_row: null\ndate_order: auto\n"
        "columns:\n  occurred_on: ACCIDENT_DT\n  severity: DEGREE_INJURY\n  lost_days: DAYS_LOST\n"
        "  description: NARRATIVE\n"
        "values:\n  severity: {FATALITY: fatal, \"DAYS AWAY FROM WORK ONLY\": light}\n"
        "defaults:\n  kind: accident\n"
        "skip_values:\n  severity: [\"NO VALUE FOUND\"]\n", encoding="utf-8")


def merged_header() -> None:
    """A two-row header: a merged group cell over two sub-headings."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Дата", "Вид происшествия", "Последствия", None, "Описание"])
    ws.append([None, None, "Тяжесть", "Дни нетрудоспособности", None])
    ws.merge_cells("C1:D1")
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("E1:E2")
    ws.append([dt.date(2025, 1, 10), "несчастный случай", "лёгкий", 7, "Ушиб колена"])
    ws.append([dt.date(2025, 2, 14), "микротравма", None, 0, "Порез"])
    wb.save(HERE / "log_merged_header.xlsx")


def column_b_merged() -> None:
    """A log drawn from column B (column A left as a margin): a merged title, and a date and a kind merged down
    over two rows, as officers write two people hurt in one event."""
    wb = Workbook()
    ws = wb.active
    ws["B1"] = "Журнал учёта несчастных случаев"
    ws.merge_cells("B1:F1")
    for column, heading in zip("BCDEF", ("Дата", "Вид происшествия", "Тяжесть", "Дни нетрудоспособности", "Описание")):
        ws[f"{column}2"] = heading
    ws["B3"], ws["C3"], ws["D3"], ws["E3"], ws["F3"] = dt.date(2025, 3, 4), "несчастный случай", "лёгкий", 5, "Ожог"
    ws["D4"], ws["E4"], ws["F4"] = "тяжёлый", 12, "Перелом пальца"
    ws.merge_cells("B3:B4")
    ws.merge_cells("C3:C4")
    wb.save(HERE / "log_column_b_merged.xlsx")


if __name__ == "__main__":
    ru_titles()
    csv_files()
    merged_header()
    column_b_merged()
