"""`python -m safety report`: the regional report or an enterprise's card to a file, in the language of --lang, written
all or nothing; a wrong BIN, district, industry or format exits 2 with a message and writes no file."""

import io
import shutil

import pytest
from openpyxl import load_workbook

from safety.access.roles import SYSTEM
from safety.db import Store
from safety.errors import PermissionDenied, ValidationFailed
from safety.i18n import t
from safety.register.enterprises import list_enterprises
from safety.reports.card import enterprise_card
from safety.reports.files import file_name, render, report_file

from conftest import cli


@pytest.fixture
def db(demo_db_file, tmp_path):
    """A copy of the demo database for the command line; and one enterprise's BIN."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    with Store(path) as store:
        bin_ = list_enterprises(store, SYSTEM)[0].bin
    return str(path), bin_


def test_the_card_as_pdf_and_xlsx(db, tmp_path):
    path, bin_ = db
    pdf = tmp_path / "card.pdf"
    result = cli("--db", path, "--lang", "en", "report", "--year", "2025", "--enterprise", bin_, "--out", str(pdf))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == t("report.cli.written", "en", path=str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "card.data"  # an extension that says nothing: --format does
    result = cli("--db", path, "report", "--year", "2025", "--enterprise", bin_, "--format", "xlsx", "--out", str(xlsx))
    assert result.returncode == 0, result.stderr
    book = load_workbook(io.BytesIO(xlsx.read_bytes()))
    assert t("report.card.sheet.indicators", "ru") in book.sheetnames  # the global language, Russian by default
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_lang_after_the_command_sets_the_report_language(db, tmp_path):
    path, bin_ = db
    out = tmp_path / "card.xlsx"
    result = cli("--db", path, "report", "--year", "2025", "--enterprise", bin_, "--lang", "kk", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == t("report.cli.written", "kk", path=str(out))
    assert t("report.card.sheet.indicators", "kk") in load_workbook(io.BytesIO(out.read_bytes())).sheetnames


def test_the_regional_report_of_a_district(db, tmp_path):
    path, _ = db
    out = tmp_path / "taraz.pdf"
    result = cli("--db", path, "report", "--year", "2025", "--district", "311000000", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("option", "value", "key"),
    [
        ("--enterprise", "000000000000", "enterprise.not_found"),
        ("--district", "Nowhere", "district.unknown"),
        ("--division", "99", "report.file.bad_division"),
        ("--format", "docx", None),  # refused by argparse, with its usage line
    ],
)
def test_a_bad_choice_exits_2_and_writes_nothing(db, tmp_path, option, value, key):
    path, _ = db
    out = tmp_path / "report.pdf"
    result = cli("--db", path, "--lang", "en", "report", "--year", "2025", option, value, "--out", str(out))
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.strip() == t(key, "en", value=value, bin=value) if key else value in result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "demo.duckdb"]  # no report, no temporary file


def test_a_failed_report_keeps_the_earlier_file_whole(db, tmp_path):
    path, _ = db
    out = tmp_path / "report.pdf"
    out.write_bytes(b"%PDF earlier")
    result = cli("--db", path, "report", "--year", "2025", "--enterprise", "000000000000", "--out", str(out))
    assert result.returncode == 2
    assert out.read_bytes() == b"%PDF earlier"
    result = cli("--db", path, "report", "--year", "2025", "--out", str(tmp_path / "report.txt"))
    assert result.returncode == 2 and t("report.file.bad_format", "ru", value="txt") in result.stderr


def test_the_file_name_is_known_before_the_report_is_built(world):
    store, users, own, _ = world
    for choices in ({"bin_": own}, {"district": "311000000", "division": "10"}):
        name, data = report_file(store, users["demo.admin"], year=2025, lang="en", fmt="xlsx", **choices)
        assert name == file_name("xlsx", year=2025, **choices) and data.startswith(b"PK")
    with pytest.raises(PermissionDenied):  # the regional report is not an enterprise's to have
        report_file(store, users["demo.officer"], year=2025, lang="en", fmt="pdf")
    with pytest.raises(ValidationFailed):
        render(enterprise_card(store, SYSTEM, own, 2025, "en"), "docx")
