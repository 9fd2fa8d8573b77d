"""Every bad or awkward incident log in tests/data/incidents/ either imports with the expected counts or is refused
with a SafetyError whose message says what is wrong, and a refused file leaves the database as it was.

The files are written by tests/data/incidents/make_corpus.py. Cases where the library does not yet behave as it
should are marked xfail(strict=True): the test states the right behaviour, and the mark comes off with the fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from safety.errors import FileUnreadable, SafetyError, ValidationFailed
from safety.i18n import t
from safety.incidents.imports.pipeline import import_incidents
from safety.incidents.imports.report import ImportResult

from conftest import DATA, time_limit

pytestmark = pytest.mark.one_store  # rendering and file formats: DuckDB is enough (see conftest)

CORPUS = DATA / "incidents"
GENERATOR = "make_corpus.py"
SECONDS_PER_FILE = 20


@dataclass(frozen=True)
class Imports:
    """The file imports: this many cases written, this many rows rejected, and optionally more to check."""

    imported: int
    rejected: int
    dates: tuple[str, ...] | None = None  # ISO dates of the imported cases, in row order
    identical: int = 0
    warnings: frozenset[str] = frozenset()  # warning keys that must be present
    no_warnings: frozenset[str] = frozenset()  # warning keys that must be absent
    error_keys: frozenset[str] = frozenset()  # row-error keys that must be present
    error_values: frozenset[str] = frozenset()  # offending values the row errors must list
    check: Callable[[ImportResult], None] | None = None


@dataclass(frozen=True)
class Refuses:
    """The file is refused as a whole with this error class and one of these catalogue keys."""

    error: type[SafetyError]
    keys: tuple[str, ...]
    mentions_file: bool = True
    alternatives: tuple[Imports, ...] = field(default=())  # importing like this is right too


D1, D2, D3 = "2024-03-15", "2024-04-02", "2024-05-20"
NOT_READ = Refuses(FileUnreadable, ("file.not_spreadsheet",))


def _long_description_kept(result: ImportResult) -> None:
    assert len(result.cases[0]["description"]) >= 10_000


def _formula_text_kept_as_text(result: ImportResult) -> None:
    assert result.cases[0]["description"] == "=1+1"


def _no_controls(result: ImportResult) -> None:
    assert [c["description"] for c in result.cases] == [
        "Ушиб руки при разгрузке",
        "Падение[31m с лестницы",
        "Падение груза рядом с рабочим",
    ]
    warning = next(w for w in result.warnings if w.key == "file.control_removed")
    assert warning.params == {"chars": 6, "cells": 4}


def _kazakh_values_mapped(result: ImportResult) -> None:
    assert [(c["kind"], c["severity"], c["gender"]) for c in result.cases] == [
        ("accident", "light", "male"),
        ("accident", "severe", "female"),
        ("near_miss", None, "male"),
    ]


def _merged_rows_filled(result: ImportResult) -> None:
    assert [c["accident_no"] for c in result.cases] == ["НС-1", "НС-1", "НС-2"]


def _merged_header_columns(result: ImportResult) -> None:
    assert result.header_row == 2
    assert {"occurred_on", "kind", "severity", "job_title", "gender", "age"} <= set(result.columns)


EXPECTED: dict[str, Imports | Refuses] = {
    # not usable at all
    "zero_bytes.xlsx": Refuses(FileUnreadable, ("file.empty",)),
    "pdf_renamed.xlsx": NOT_READ,
    "random_binary.xls": NOT_READ,
    "truncated.xlsx": NOT_READ,
    "garbage_xml.xlsx": Refuses(FileUnreadable, ("file.bad_sheet",)),  # the zip is sound, one sheet is not
    "encrypted_looking.xlsx": Refuses(FileUnreadable, ("file.encrypted",)),
    "html_table.xls": NOT_READ,
    "empty_sheet.xlsx": Refuses(FileUnreadable, ("file.empty",)),
    "zip_bomb.xlsx": Refuses(FileUnreadable, ("file.zip_bomb", "file.too_big")),
    "utf16.csv": Refuses(FileUnreadable, ("file.encoding",), alternatives=(Imports(3, 0, (D1, D2, D3)),)),
    # header problems
    "header_only.xlsx": Imports(0, 0),
    "header_only.csv": Imports(0, 0),
    "no_header.xlsx": Refuses(ValidationFailed, ("import.no_header",), mentions_file=False),
    "no_date_column.xlsx": Refuses(ValidationFailed, ("import.no_date_column",), mentions_file=False),
    "title_rows.xlsx": Imports(3, 0, (D1, D2, D3), check=lambda r: _header_at(r, 5)),
    "merged_title.xlsx": Imports(3, 0, (D1, D2, D3), check=lambda r: _header_at(r, 2)),
    "merged_header.xlsx": Imports(2, 0, (D1, D2), check=_merged_header_columns),
    "offset_data.xlsx": Imports(3, 0, (D1, D2, D3), check=lambda r: _header_at(r, 21)),
    "merged_group_accident.xlsx": Imports(3, 0, ("2024-03-15", "2024-03-15", "2024-05-20"), check=_merged_rows_filled),
    # dates
    "excel_serial_dates.xlsx": Imports(3, 0, (D1, "2024-04-14", "2024-05-14")),
    "serial_dates.csv": Imports(
        3, 0, (D1, "2024-04-14", "2024-05-14"), no_warnings=frozenset({"import.date_order_assumed"})
    ),
    "dmy_text_dates.xlsx": Imports(3, 0, (D1, D2, D3), no_warnings=frozenset({"import.date_order_assumed"})),
    "mdy_dates.csv": Imports(3, 0, (D1, D2, D3), check=lambda r: _order(r, "mdy")),
    "ambiguous_dates.csv": Imports(
        2, 0, ("2024-04-03", "2024-06-05"), warnings=frozenset({"import.date_order_assumed"})
    ),
    "future_and_old_dates.xlsx": Imports(1, 3, (D1,), error_keys=frozenset({"incident.future", "incident.too_old"})),
    "impossible_date.csv": Imports(
        1,
        3,
        (D1,),
        error_keys=frozenset({"import.bad_date"}),
        error_values=frozenset({"31.02.2024", "29.02.2023", "вчера"}),
    ),
    # values
    "unknown_severity.xlsx": Imports(
        1, 2, (D1,), error_keys=frozenset({"import.unmapped_value"}), error_values=frozenset({"средней тяжести", "???"})
    ),
    "bad_lost_days.xlsx": Imports(2, 2, (D1, D2), error_values=frozenset({"пять"})),
    "near_miss_with_days.xlsx": Imports(1, 2, (D3,), error_keys=frozenset({"incident.near_miss_days"})),
    "identical_rows.xlsx": Imports(4, 0, (D1, D1, D1, D2), identical=2, warnings=frozenset({"import.identical_row"})),
    "long_text.xlsx": Imports(1, 0, (D1,), check=_long_description_kept),
    "formulas_no_cache.xlsx": Imports(0, 2),  # no cached values: the date cells read as empty
    # CSV encodings and shapes
    "cp1251_semicolon.csv": Imports(3, 0, (D1, D2, D3)),
    "utf8_bom_comma.csv": Imports(3, 0, (D1, D2, D3), check=lambda r: _header_at(r, 1)),
    "ragged_rows.csv": Imports(2, 1, (D1, D2)),
    "formula_text.csv": Imports(1, 1, (D1,), error_values=frozenset({"=1+1"}), check=_formula_text_kept_as_text),
    "utf16_no_bom.csv": Imports(3, 0, (D1, D2, D3)),
    "utf16be_no_bom.csv": Imports(3, 0, (D1, D2, D3)),
    "utf16_no_bom_cut.csv": Refuses(FileUnreadable, ("file.utf16_no_bom",)),
    "control_chars.csv": Imports(3, 0, (D1, D2, D3), warnings=frozenset({"file.control_removed"}), check=_no_controls),
    "cr_line_ends.csv": Imports(3, 0, (D1, D2, D3)),
    # other languages and formats
    "kazakh_headings.xlsx": Imports(3, 0, (D1, D2, D3), check=_kazakh_values_mapped),
    "osha300.xlsx": Imports(0, 2, error_keys=frozenset({"incident.severity_needed"}), check=lambda r: _header_at(r, 4)),
    "osha300_with_degree.xlsx": Imports(2, 0, (D1, "2024-04-22"), check=lambda r: _order(r, "mdy")),
    "valid.xls": Imports(3, 0, (D1, D2, D3)),
    "valid.ods": Imports(3, 0, (D1, D2, D3)),
}

# Files the library once handled wrongly; an entry here marks a known bug (xfail, strict) until it is fixed.
XFAIL: dict[str, str] = {}


def _header_at(result: ImportResult, row: int) -> None:
    assert result.header_row == row


def _order(result: ImportResult, order: str) -> None:
    assert result.date_order == order


def corpus_files() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name != GENERATOR)


def _params():
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=XFAIL[name])) if name in XFAIL else name
        for name in corpus_files()
    ]


def counts(store) -> tuple[int, int]:
    return (
        store.query("SELECT count(*) FROM incidents")[0][0],
        store.query("SELECT count(*) FROM incident_imports")[0][0],
    )


def test_corpus_is_big_enough_small_and_fully_expected():
    names = corpus_files()
    assert len(names) >= 30
    assert set(names) == set(EXPECTED), "every file needs an expectation and every expectation a file"
    assert set(XFAIL) <= set(names)
    for name in names:
        size = (CORPUS / name).stat().st_size
        assert size < (1024 * 1024 if name == "zip_bomb.xlsx" else 50 * 1024), name


def _check_imported(expected: Imports, result: ImportResult) -> None:
    assert (result.imported, result.rejected) == (expected.imported, expected.rejected), result.errors
    assert len({e.row for e in result.errors}) == result.rejected
    if expected.dates is not None:
        assert tuple(c["occurred_on"].isoformat() for c in result.cases) == expected.dates
    assert all(isinstance(c["occurred_on"], dt.date) for c in result.cases)
    assert result.identical_in_file == expected.identical
    warning_keys = {w.key for w in result.warnings}
    assert expected.warnings <= warning_keys
    assert not expected.no_warnings & warning_keys
    assert expected.error_keys <= {e.key for e in result.errors}
    assert expected.error_values <= {e.value for e in result.errors}
    for key in {e.key for e in result.errors} | warning_keys:
        assert t(key, "ru") != key and t(key, "en") != key, f"{key} has no catalogue text"
    if expected.check:
        expected.check(result)


@pytest.mark.parametrize("name", _params())
def test_corpus_file_imports_or_is_refused_clearly(world, name):
    store, users, own, _ = world
    expected = EXPECTED[name]
    data = (CORPUS / name).read_bytes()
    before = counts(store)
    try:
        with time_limit(SECONDS_PER_FILE, "reading"):
            result = import_incidents(store, users["demo.officer"], data, name, own)
    except SafetyError as exc:
        assert counts(store) == before, "a refused file changed the database"
        assert isinstance(expected, Refuses), f"refused unexpectedly: {exc.key}: {exc.render('en')}"
        assert isinstance(exc, expected.error), type(exc).__name__
        assert exc.key in expected.keys, exc.render("en")
        for lang in ("ru", "en"):
            text = exc.render(lang)
            assert text.strip() and exc.key not in text, f"{lang}: {text!r} (no catalogue text)"
            assert "«»" not in text and "“”" not in text, f"{lang}: {text!r} (an empty name)"
            if expected.mentions_file:
                assert name in text, f"{lang}: {text!r} does not name the file"
        return
    after = counts(store)
    if isinstance(expected, Refuses):
        assert expected.alternatives, f"imported ({result.imported}, {result.rejected}) but should be refused"
        expected = expected.alternatives[0]
    _check_imported(expected, result)
    assert after == (before[0] + result.imported, before[1] + (1 if result.imported else 0))
