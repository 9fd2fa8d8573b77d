"""Register import and export: good files, each kind of bad file, and nothing half written."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from safety.access.roles import SYSTEM as ADMIN
from safety.errors import FileUnreadable, ValidationFailed
from safety.register.enterprises import add_enterprise, enterprise_years, get_enterprise, list_enterprises
from safety.register.spreadsheets import export_register, import_register


def _count(store):
    return len(list_enterprises(store, ADMIN, include_inactive=True)), len(enterprise_years(store, ADMIN))


def test_good_file_imports_enterprises_and_years(store, data_file):
    report = import_register(store, ADMIN, data_file("register_good.xlsx"), "register_good.xlsx")
    assert (len(report.added), len(report.updated), report.unchanged, len(report.years)) == (4, 0, 0, 3)
    assert _count(store) == (4, 3)
    chem = get_enterprise(store, ADMIN, "210349000012")
    assert chem.name_ru == "ТОО «Тестовый Химзавод»" and chem.kato == "311000000" and chem.oked == "20150"
    assert chem.joined_on == dt.date(2020, 3, 1) and chem.officer_phone == "+7 7262 11 22 33"
    years = {y.year: y for y in enterprise_years(store, ADMIN, "210349000012")}
    assert years[2024].hours_worked == 2_100_000 and years[2025].hours_worked is None


def test_dry_run_writes_nothing(store, data_file):
    report = import_register(store, ADMIN, data_file("register_good.xlsx"), "x.xlsx", dry_run=True)
    assert len(report.added) == 4
    assert _count(store) == (0, 0)


def test_reimport_changes_nothing_and_updates_what_changed(store, data_file):
    import_register(store, ADMIN, data_file("register_good.xlsx"), "x.xlsx")
    again = import_register(store, ADMIN, data_file("register_good.xlsx"), "x.xlsx")
    assert (len(again.added), len(again.updated), again.unchanged) == (0, 0, 4)
    assert _count(store) == (4, 3)


def test_bad_bin_on_row_5_names_the_row_and_imports_nothing(store, data_file):
    with pytest.raises(ValidationFailed) as info:
        import_register(store, ADMIN, data_file("register_bad_bin_row5.xlsx"), "register_bad_bin_row5.xlsx")
    [problem] = info.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.key) == ("Предприятия", 5, "БИН", "bin.check_digit")
    assert "строка 5" in info.value.render("ru") and "row 5" in info.value.render("en")
    assert _count(store) == (0, 0)


def test_duplicate_bin_in_the_file_names_both_rows(store, data_file):
    with pytest.raises(ValidationFailed) as info:
        import_register(store, ADMIN, data_file("register_duplicate_bin.xlsx"), "d.xlsx")
    [problem] = info.value.problems
    assert problem.key == "register.duplicate_bin" and problem.row == 6 and problem.params["first"] == 3
    assert _count(store) == (0, 0)


def test_missing_column_is_named_in_every_language(store, data_file):
    with pytest.raises(ValidationFailed) as info:
        import_register(store, ADMIN, data_file("register_missing_column.xlsx"), "m.xlsx")
    assert [p.key for p in info.value.problems] == ["register.missing_column"]
    assert "Код ОКЭД" in info.value.render("en") and "OKED code" in info.value.render("en")


@pytest.mark.parametrize("name", ["register_zero_bytes.xlsx", "register_blank_workbook.xlsx"])
def test_empty_file_is_refused(store, data_file, name):
    with pytest.raises(FileUnreadable) as info:
        import_register(store, ADMIN, data_file(name), name)
    assert info.value.key == "file.empty" and name in info.value.render("en")


def test_file_with_headings_but_no_rows_is_refused(store, data_file):
    with pytest.raises(ValidationFailed) as info:
        import_register(store, ADMIN, data_file("register_no_rows.xlsx"), "n.xlsx")
    assert [p.key for p in info.value.problems] == ["register.no_rows"]


def test_a_file_that_is_not_a_spreadsheet_is_refused(store, data_file):
    with pytest.raises(FileUnreadable) as info:
        import_register(store, ADMIN, data_file("register_not_a_spreadsheet.xlsx"), "report.xlsx")
    assert info.value.key == "file.not_spreadsheet"
    with pytest.raises(FileUnreadable):
        import_register(store, ADMIN, b"%PDF-1.4 some report", "report.pdf")
    assert _count(store) == (0, 0)


def test_bad_year_rows_stop_the_whole_import(store, data_file):
    with pytest.raises(ValidationFailed) as info:
        import_register(store, ADMIN, data_file("register_bad_years.xlsx"), "y.xlsx")
    problems = {(p.row, p.key) for p in info.value.problems}
    assert problems == {(5, "register.unknown_bin"), (6, "field.greater_than")}
    assert _count(store) == (0, 0)


def test_kazakh_headings_below_merged_title_rows(store, data_file):
    import_register(store, ADMIN, data_file("register_kk_title_rows.xlsx"), "kk.xlsx")
    gas = get_enterprise(store, ADMIN, "050649000079")  # a numeric cell lost the leading zero
    assert gas.kato == "315600000" and gas.oked == "6200" and gas.joined_on == dt.date(2023, 4, 15)
    cement = get_enterprise(store, ADMIN, "210349000052")
    assert cement.oked == "23510" and cement.joined_on == dt.date(2023, 3, 15)  # Excel serial 45000


def test_cp1251_semicolon_csv(store, data_file):
    import_register(store, ADMIN, data_file("register_cp1251.csv"), "register_cp1251.csv")
    transport = get_enterprise(store, ADMIN, "210349000062")
    assert transport.name_ru == "ТОО «Тест Транс»" and transport.kato == "316600000"


def test_export_is_headed_in_the_language_and_imports_back_unchanged(demo_store):
    for lang in ("ru", "kk", "en"):
        data = export_register(demo_store, ADMIN, lang)
        workbook = load_workbook(io.BytesIO(data))
        first = workbook.worksheets[0]
        assert first.cell(1, 1).value == {"ru": "БИН", "kk": "БСН", "en": "BIN"}[lang]
        assert first.max_row == 32 and workbook.worksheets[1].max_row == 31 * 5 + 1
        report = import_register(demo_store, ADMIN, data, f"export_{lang}.xlsx", dry_run=True)
        assert (len(report.added), len(report.updated), report.unchanged) == (0, 0, 31)


def test_import_can_deactivate_through_the_active_column(store):
    add_enterprise(
        store,
        ADMIN,
        {
            "bin": "210349000012",
            "name_ru": "А",
            "name_kk": "А",
            "kato": "311000000",
            "oked": "20150",
            "industry": "x",
            "joined_on": dt.date(2020, 1, 1),
        },
    )
    data = bytearray(export_register(store, ADMIN, "en"))
    workbook = load_workbook(io.BytesIO(bytes(data)))
    workbook.worksheets[0].cell(2, 12).value = "no"
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_register(store, ADMIN, buffer.getvalue(), "e.xlsx")
    assert len(report.updated) == 1 and not get_enterprise(store, ADMIN, "210349000012").active


def test_reimport_updates_changed_fields_and_years(store, data_file):
    import_register(store, ADMIN, data_file("register_good.xlsx"), "x.xlsx")
    workbook = load_workbook(io.BytesIO(export_register(store, ADMIN, "ru")))
    enterprises, years = workbook.worksheets
    enterprises.cell(2, 2).value = "ТОО «Переименованное»"  # the first row is 210349000042 (sorted by name)
    enterprises.cell(2, 11).value = None  # e-mail cleared
    enterprises.cell(2, 8).value = "01.02.2021"
    years.cell(2, 4).value = 2_200_000  # 210349000012, 2024
    years.append(["210349000042", 2025, 300, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_register(store, ADMIN, buffer.getvalue(), "edited.xlsx")
    assert (len(report.added), len(report.updated), report.unchanged) == (0, 1, 3)
    renamed = get_enterprise(store, ADMIN, "210349000042")
    assert renamed.name_ru == "ТОО «Переименованное»" and renamed.officer_email is None
    assert renamed.joined_on == dt.date(2021, 2, 1) and renamed.officer_phone == "8 (7262) 45-67-89"
    hours = {(y.bin, y.year): y.hours_worked for y in enterprise_years(store, ADMIN)}
    assert hours[("210349000012", 2024)] == 2_200_000 and hours[("210349000042", 2025)] is None
    assert len(hours) == 4


def test_month_first_dates_are_read_per_column_beside_a_row_counter(store, data_file):
    """One date past the 12th says the whole column is month-first; the «№» counter is no field."""
    import_register(store, ADMIN, data_file("register_month_first.csv"), "register_month_first.csv")
    assert get_enterprise(store, ADMIN, "210349000101").joined_on == dt.date(2020, 3, 25)
    assert get_enterprise(store, ADMIN, "210349000111").joined_on == dt.date(2021, 4, 5)  # not 4 May
