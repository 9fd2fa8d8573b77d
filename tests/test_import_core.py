"""The import core every source shares (safety/files/tables.py): sources as checked data, one header search, the
row-counter rule, value words, and rows streamed as records."""

import pytest

from safety.files.reader import fold, open_sheet
from safety.files.tables import find_header, load_source, records, word_key
from safety.files.text import Removed
from safety.i18n import texts_for
from safety.incidents.imports.mapping import CATEGORICAL
from safety.incidents.imports.mapping import SOURCE as LOG
from safety.incidents.model import FIELDS
from safety.register.spreadsheets import ENTERPRISE_COLUMNS, YEAR_COLUMNS
from safety.register.spreadsheets import SOURCE as REGISTER

SOURCES = {"log": (LOG, FIELDS, CATEGORICAL), "register": (REGISTER, (), {"active": ("yes", "no")})}


@pytest.mark.parametrize("name", SOURCES)
def test_a_source_names_each_heading_and_word_once(name):
    """No folded heading names two fields, and every word and meaning gives a category the field has."""
    source, _, categories = SOURCES[name]
    owner: dict[str, str] = {}
    for field in source.fields:
        for heading in (*source.synonyms.get(field, ()), *texts_for(source.prefix + field).values()):
            assert owner.setdefault(fold(heading), field) == field, (heading, owner[fold(heading)], field)
    for field, words in source.values.items():
        assert set(words.values()) <= set(categories[field]), field
    for field, meanings in source.meanings.items():
        assert {category for _, category in meanings} <= set(categories[field]), field


def test_the_sources_declare_the_fields_their_importers_use():
    """The log source holds every case field in template order; the register source both sheets' fields."""
    assert LOG.fields == FIELDS and LOG.identity == {"external_id"}
    assert set(REGISTER.fields) == set(ENTERPRISE_COLUMNS) | set(YEAR_COLUMNS)


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("name: x\nheadings: a.\nfields:\n  f:\n    heading: [x]\n", "heading"),
        ("name: x\nheadings: a.\nfields:\n  f:\n    values: [x]\n", "values"),
        ("name: x\nfields: {}\n", "headings"),
        ("name: [x\n", "x.yaml"),
    ],
)
def test_a_broken_source_file_is_refused_naming_the_key(tmp_path, text, fault):
    """The schema is strict: an unknown key, a wrong shape or a missing key names itself and the file."""
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=fault) as raised:
        load_source(path)
    assert "x.yaml" in str(raised.value)


def test_one_header_search_serves_both_sources():
    """Title rows are passed over and a counter column is never a field, for the register as for a log."""
    register = [
        ["Реестр предприятий", None, None],
        ["№ п/п", "БИН", "Наименование (рус.)"],
        [1, "210349000012", "ТОО «Тест»"],
    ]
    header = find_header(REGISTER, register, needs=("bin",))
    assert header is not None and (header.row, header.columns) == (2, {"bin": 1, "name_ru": 2})
    assert header.others == ["№ п/п"]
    log = [["Журнал"], ["Номер", "Дата", "Вид"], [1, "01.02.2025", "НС"], [2, "03.02.2025", "НС"]]
    header = find_header(LOG, log)
    assert header is not None and header.columns == {"occurred_on": 1, "kind": 2}
    log[3][0] = "Р-17"  # a registration number, not a counter: mapped
    assert find_header(LOG, log).columns["external_id"] == 0  # type: ignore[union-attr]


def test_a_row_without_two_known_headings_is_no_header():
    """One matching heading is too few to call a row the header, unless the user names the row."""
    rows = [["Дата", "Что-то"], ["01.02.2025", "x"]]
    assert find_header(LOG, rows) is None
    assert find_header(LOG, rows, header_row=1).columns == {"occurred_on": 0}  # type: ignore[union-attr]


def test_value_words_compare_without_case_or_punctuation_but_keep_signs():
    """«Да!» is «да»; «+» and «-» stay apart although both fold to nothing."""
    assert word_key("Да!") == word_key("да")
    assert word_key("+") != word_key("-")
    words = REGISTER.value_words("active")
    assert (words[word_key("+")], words[word_key("-")], words[word_key(" Иә ")]) == ("yes", "no", "yes")


def test_records_stream_the_rows_below_the_header_cleaned():
    """Blank rows are left out, row numbers are the sheet's, and invisible characters are taken out and counted."""
    data = "Заголовок\nБИН;Наименование (рус.)\n210349000012;Тест\u200b\n;\n210349000022;Второй\n".encode()
    stream = open_sheet(data, "r.csv")
    header = find_header(REGISTER, stream.head)
    removed = Removed()
    assert header is not None
    assert list(records(stream, header, removed)) == [
        (3, {"bin": "210349000012", "name_ru": "Тест"}),
        (5, {"bin": "210349000022", "name_ru": "Второй"}),
    ]
    assert (removed.chars, removed.cells) == (1, 1)
