"""Awkward text in imported files: cells longer than a spreadsheet cell, fields past the csv module's own limit,
UTF-16 without a byte-order mark, CR line ends, and invisible control characters (removed and counted)."""

import io
import json
import random
import shutil
import zipfile

import pytest
from openpyxl import Workbook

from safety.access.roles import SYSTEM as ADMIN
from safety.errors import FileUnreadable, ValidationFailed
from safety.files.reader import decode_text, open_sheet, read_sheets, utf16_without_bom
from safety.files.text import MAX_CELL_CHARS, Removed, control_chars, strip_control
from safety.incidents.imports.pipeline import SHOWN_CHARS, import_incidents
from safety.incidents.imports.report import errors_workbook, import_report
from safety.register.enterprises import get_enterprise, list_enterprises
from safety.register.spreadsheets import import_register

from conftest import DATA, cli

LOG_HEAD = "Дата;Вид происшествия;Тяжесть;Дни нетрудоспособности;Описание"
REGISTER_HEAD = "БИН;Наименование (рус.);Наименование (каз.);Район;Код ОКЭД;Вид деятельности;Дата присоединения"
REGISTER_ROW = "210349000062;ТОО «Тест Транс»;«Тест Колик» ЖШС;Шуский район;49410;Грузоперевозки;01.02.2024"


def _log(*rows: str) -> bytes:
    return ("\r\n".join([LOG_HEAD, *rows]) + "\r\n").encode()


def _import_log(world, data: bytes, name: str = "log.csv", **options):
    store, users, own, _ = world
    return import_incidents(store, users["demo.officer"], data, name, own, **options)


def test_strip_control_removes_invisible_characters_and_keeps_text():
    assert strip_control("a\x00b\x07c\x0bd\x1b\x7f\x85e") == "abcde"
    assert strip_control("x\u200by\ufeffz\u00ad\u202eq\u2066w") == "xyzqw"
    assert strip_control("tab\tnew\nline\r\nold\rmac") == "tab\tnew\nline\nold\nmac"
    assert strip_control("\u200d\u200c Ёлка 😀 \u00a0") == "\u200d\u200c Ёлка 😀 \u00a0"  # joiners, emoji, NBSP
    assert strip_control("tag\U000e0041\U000e007f") == "tag"
    assert control_chars("a\x00b\r\n\u200bc\U000e0041") == 3  # a CR is normalised, not counted
    assert control_chars("Обычный текст\tс табуляцией\n") == 0


def test_removed_counts_characters_and_cells():
    removed = Removed()
    assert [removed.strip(s) for s in ("a\x00\x01", "b", "\u200bc")] == ["a", "b", "c"]
    assert (removed.chars, removed.cells) == (3, 2)


def test_csv_field_past_the_csv_modules_limit_is_a_row_error(world):
    store = world[0]
    before = store.query("SELECT count(*) FROM incidents")
    huge = "Очень длинно. " * 10_000  # 140,000 characters: past the csv module's 131,072 and Excel's 32,767
    data = _log("15.03.2024;несчастный случай;лёгкий;2;Короткое описание", f"16.03.2024;микротравма;;0;{huge}")
    result = _import_log(world, data)
    assert (result.imported, result.rejected) == (1, 1)
    [error] = result.errors
    assert (error.row, error.column, error.key) == (3, "Описание", "file.cell_too_long")
    assert error.params == {"length": len(huge.strip()), "limit": MAX_CELL_CHARS}
    assert len(error.value) == SHOWN_CHARS and error.value.endswith("…")
    for lang in ("ru", "kk", "en"):
        assert str(MAX_CELL_CHARS) in import_report(result, lang)["errors"][0]["message"]
    assert errors_workbook(result, "ru")  # the cut value fits a cell of the rejected-rows workbook
    assert store.query("SELECT count(*) FROM incidents")[0][0] == before[0][0] + 1


def _xlsx_with(rows: list[list], texts: dict[str, str]) -> bytes:
    """An .xlsx of the rows, each placeholder then replaced with its text in the sheet's XML (openpyxl itself cuts
    a text at Excel's limit, a crafted or foreign file need not)."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer, out = io.BytesIO(), io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            for placeholder, text in texts.items():
                data = data.replace(placeholder.encode(), text.encode())
            dst.writestr(item.filename, data)
    return out.getvalue()


def test_a_cell_at_the_limit_passes_and_one_past_it_is_refused(world):
    at_limit, past = "я" * MAX_CELL_CHARS, "я" * (MAX_CELL_CHARS + 1)
    data = _xlsx_with(
        [
            ["Дата", "Вид происшествия", "Тяжесть", "Дни нетрудоспособности", "Описание"],
            ["15.03.2024", "микротравма", None, 0, "AT_LIMIT"],
            ["16.03.2024", "PAST", None, 0, "Порез"],  # a long value in a coded column, too
        ],
        {"AT_LIMIT": at_limit, "PAST": past},
    )
    result = _import_log(world, data, "log.xlsx", dry_run=True)
    assert (result.imported, result.rejected) == (1, 1)
    assert [(e.row, e.column, e.key) for e in result.errors] == [(3, "Вид происшествия", "file.cell_too_long")]
    assert result.cases[0]["description"] == at_limit


def test_register_cell_too_long_names_sheet_row_and_column(store):
    long_name = "ТОО «" + "Ж" * MAX_CELL_CHARS + "»"
    data = "\r\n".join([REGISTER_HEAD, REGISTER_ROW, REGISTER_ROW.replace("ТОО «Тест Транс»", long_name)])
    with pytest.raises(ValidationFailed) as info:
        import_register(store, ADMIN, data.encode(), "reg.csv")
    [problem] = info.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.key) == (
        "reg",
        3,
        "Наименование (рус.)",
        "file.cell_too_long",
    )
    for lang in ("ru", "kk", "en"):
        assert str(MAX_CELL_CHARS) in info.value.render(lang)
    assert list_enterprises(store, ADMIN, include_inactive=True) == []


def test_csv_with_cr_line_ends_reads_as_rows():
    rows = read_sheets(b"a;b\rc;d\r", "x.csv")[0].rows
    assert rows == [["a", "b"], ["c", "d"]]


def test_csv_parser_error_is_file_unreadable_with_the_row(monkeypatch):
    import csv

    def broken(*_args, **_kwargs):
        yield ["a", "b"]
        raise csv.Error("simulated")

    monkeypatch.setattr(csv, "reader", broken)
    with pytest.raises(FileUnreadable) as info:
        read_sheets(b"a;b\nc;d\n", "x.csv")
    assert info.value.key == "file.bad_csv" and info.value.params == {"name": "x.csv", "row": 2}
    assert "x.csv" in info.value.render("kk") and "2" in info.value.render("ru")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised(encoding):
    text = LOG_HEAD + "\r\n15.03.2024;несчастный случай;лёгкий;2;Ушиб\r\n"
    assert utf16_without_bom(text.encode(encoding)[:1024]) == encoding
    assert decode_text(text.encode(encoding), "x.csv") == text


def test_utf16_detection_leaves_other_bytes_alone():
    assert utf16_without_bom("Только кириллица".encode("cp1251")) is None
    assert utf16_without_bom(random.Random(5).randbytes(1024)) is None  # binary: NUL bytes on both sides
    assert utf16_without_bom(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" * 8) is None


def test_utf16_without_bom_that_does_not_decode_says_so(data_file):
    data = (LOG_HEAD + "\r\n").encode("utf-16-le")[:-1]
    with pytest.raises(FileUnreadable) as info:
        decode_text(data, "cut.csv")
    assert info.value.key == "file.utf16_no_bom"
    assert "UTF-16" in info.value.render("en") and "UTF-16" in info.value.render("ru")


def test_binary_with_many_nul_bytes_is_still_not_a_spreadsheet():
    with pytest.raises(FileUnreadable) as info:
        decode_text(b"\x00\x01\x02\x00\x00\x03" * 100, "x.csv")
    assert info.value.key == "file.not_spreadsheet"


def test_register_in_utf16_without_bom_imports(store, data_file):
    report = import_register(store, ADMIN, data_file("register_utf16_no_bom.csv"), "register_utf16_no_bom.csv")
    assert [e["bin"] for e in report.added] == ["210349000072"]
    assert get_enterprise(store, ADMIN, "210349000072").name_ru == "ТОО «Тест Юникод»"
    assert report.warnings == []


def test_register_control_characters_are_removed_with_a_warning(store, data_file):
    report = import_register(store, ADMIN, data_file("register_control_chars.csv"), "register_control_chars.csv")
    enterprise = get_enterprise(store, ADMIN, "210349000082")
    assert (enterprise.name_ru, enterprise.name_kk) == ("ТОО «Тест Скрытый»", "«Тест Жасырын» ЖШС")
    [warning] = report.warnings
    assert (warning.key, warning.params) == ("file.control_removed", {"chars": 3, "cells": 2})
    assert "3" in warning.render("kk") and "2" in warning.render("en")


def test_workbook_cells_lose_control_characters_when_read():
    book = Workbook()
    book.active.append(["Дата", "Описание"])
    book.active.append(["15.03.2024", "Ушиб\u200b руки\u202e"])
    buffer = io.BytesIO()
    book.save(buffer)
    [sheet] = read_sheets(buffer.getvalue(), "x.xlsx")
    assert sheet.rows[1] == ["15.03.2024", "Ушиб руки"]
    assert (sheet.removed.chars, sheet.removed.cells) == (2, 1)
    stream = open_sheet(buffer.getvalue(), "x.xlsx")
    assert stream.head[1] == ["15.03.2024", "Ушиб руки"]


def test_incident_import_counts_characters_in_long_columns_too(world, monkeypatch):
    import safety.incidents.columns as columns

    monkeypatch.setattr(columns, "SHARE_LIMIT", 0)  # every value distinct: the reader stops sharing at once
    rows = [f"{d:02d}.03.2024;микротравма;;0;Случай\x07 номер {d}" for d in range(1, 29)]
    result = _import_log(world, _log(*rows), dry_run=True)
    assert result.imported == 28
    assert all("\x07" not in c["description"] for c in result.cases)
    warning = next(w for w in result.warnings if w.key == "file.control_removed")
    assert warning.params == {"chars": 28, "cells": 28}


def test_cli_reports_a_long_field_as_a_row_error_and_removed_characters(tmp_path, demo_db_file):
    db = tmp_path / "cli.duckdb"
    shutil.copy(demo_db_file, db)
    bin_ = json.loads(cli("--db", str(db), "enterprises", "--json").stdout)[0]["bin"]
    log = tmp_path / "long.csv"
    log.write_bytes(_log("15.03.2024;микротравма;;0;Порез\x07", f"16.03.2024;микротравма;;0;{'x' * 140_000}"))
    result = cli("--db", str(db), "--lang", "en", "import-incidents", str(log), "--enterprise", bin_, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["imported"], report["rejected"]) == (1, 1)
    assert report["errors"][0]["row"] == 3 and "32767" in report["errors"][0]["message"]
    assert any("removed" in w for w in report["warnings"])
    fresh = str(tmp_path / "fresh.duckdb")  # the register imports only once the demo is gone
    register = cli("--db", fresh, "--lang", "en", "import-enterprises", str(DATA / "register_control_chars.csv"))
    assert register.returncode == 0 and "! Invisible control characters removed from cells: 3" in register.stdout
