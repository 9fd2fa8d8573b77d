"""Incident log import on real shapes of logs: title rows, merged headers, serial and text dates, cp1251 CSV,
month-first dates, identical rows, re-import and overlap, profiles, undo, and nothing half written."""

import datetime as dt
import re

import pytest

from safety.errors import PermissionDenied, ValidationFailed
from safety.i18n import t
from safety.incidents.imports.history import list_imports, undo_import
from safety.incidents.imports.mapping import load_profile, parse_profile
from safety.incidents.imports.pipeline import import_incidents
from safety.incidents.imports.report import HISTORY_COLUMNS, history_rows
from safety.incidents.log import list_incidents

from conftest import DATA

LOGS = DATA / "logs"


def _import(world, name, **options):
    store, users, own, _ = world
    return import_incidents(store, users["demo.officer"], (LOGS / name).read_bytes(), name, own, **options)


def _count(store):
    cases = store.query("SELECT count(*) FROM incidents")[0][0]
    return cases, store.query("SELECT count(*) FROM incident_imports")[0][0]


def test_russian_log_with_title_rows_and_mixed_dates(world):
    store = world[0]
    before = _count(store)
    result = _import(world, "log_ru_titles.xlsx")
    assert (result.sheet, result.header_row, result.rows_read) == ("Журнал", 4, 7)
    assert (result.imported, result.rejected, result.identical_in_file) == (7, 0, 1)
    assert [w.key for w in result.warnings] == ["import.identical_row"]
    dates = [c["occurred_on"] for c in result.cases]
    assert dates[:3] == [dt.date(2024, 3, 5), dt.date(2024, 4, 17), dt.date(2024, 7, 27)]  # native, text, serial 45500
    assert [c["kind"] for c in result.cases[:3]] == ["accident", "micro_injury", "near_miss"]
    assert result.cases[3]["severity"] == result.cases[4]["severity"] == "severe"
    assert all(c["person_name"] is None for c in result.cases)  # names stay out unless a profile asks
    assert _count(store) == (before[0] + 7, before[1] + 1)


def test_reimport_adds_nothing_and_overlap_adds_only_new_rows(world, tmp_path):
    store, users, own, _ = world
    first = _import(world, "log_cp1251.csv")
    assert first.imported == 3
    again = _import(world, "log_cp1251.csv")
    assert (again.imported, again.duplicates) == (0, 3) and again.import_id is None
    more = (LOGS / "log_cp1251.csv").read_bytes() + "12.02.2025;микротравма;;0;Цех 3;Ссадина\r\n".encode("cp1251")
    overlap = import_incidents(store, users["demo.officer"], more, "bigger.csv", own)
    assert (overlap.imported, overlap.duplicates) == (1, 3)


def test_identical_rows_are_kept_unless_dropped(world):
    dropped = _import(world, "log_ru_titles.xlsx", drop_identical=True, dry_run=True)
    assert (dropped.imported, dropped.identical_in_file) == (6, 1)
    kept = _import(world, "log_ru_titles.xlsx")
    assert kept.imported == 7
    assert _import(world, "log_ru_titles.xlsx").imported == 0  # both identical rows are recognised again


def test_cp1251_csv_with_semicolons(world):
    result = _import(world, "log_cp1251.csv", dry_run=True)
    assert [(c["occurred_on"], c["kind"], c["lost_days"]) for c in result.cases] == [
        (dt.date(2024, 3, 5), "accident", 3),
        (dt.date(2024, 3, 25), "micro_injury", 0),
        (dt.date(2025, 2, 11), "near_miss", 0),
    ]


def test_month_first_column_is_decided_from_all_its_values(world):
    result = _import(world, "log_mdy.csv", dry_run=True)
    assert result.date_order == "mdy"
    assert [c["occurred_on"] for c in result.cases] == [dt.date(2024, 3, 25), dt.date(2024, 4, 5), dt.date(2024, 12, 1)]


def test_ambiguous_dates_assume_day_first_with_a_warning_unless_the_profile_says(world):
    result = _import(world, "log_ambiguous_dates.csv", dry_run=True)
    assert result.date_order == "dmy" and "import.date_order_assumed" in [w.key for w in result.warnings]
    assert result.cases[0]["occurred_on"] == dt.date(2024, 3, 5)
    mdy = _import(world, "log_ambiguous_dates.csv", dry_run=True, profile=parse_profile("date_order: mdy"))
    assert mdy.cases[0]["occurred_on"] == dt.date(2024, 5, 3)
    assert "import.date_order_assumed" not in [w.key for w in mdy.warnings]


def test_merged_header_cells(world):
    result = _import(world, "log_merged_header.xlsx", dry_run=True)
    assert result.columns["severity"] == "Тяжесть" and result.columns["lost_days"] == "Дни нетрудоспособности"
    assert [(c["severity"], c["lost_days"]) for c in result.cases] == [("light", 7), (None, 0)]


def test_merged_cells_of_a_log_drawn_from_column_b_fill_their_own_columns(world):
    """A log with an empty column A: a date and a kind merged over two rows belong to both rows."""
    result = _import(world, "log_column_b_merged.xlsx", dry_run=True)
    assert (result.imported, result.rejected) == (2, 0), result.errors
    assert [(c["occurred_on"], c["kind"], c["severity"], c["lost_days"]) for c in result.cases] == [
        (dt.date(2025, 3, 4), "accident", "light", 5),
        (dt.date(2025, 3, 4), "accident", "severe", 12),
    ]


def test_bad_rows_are_listed_with_row_column_value_and_reason(world):
    result = _import(world, "log_bad_rows.csv", dry_run=True)
    assert result.imported == 1 and result.rejected == 5
    found = {(e.row, e.column, e.value, e.key) for e in result.errors}
    assert (2, "Тяжесть", "средний", "import.unmapped_value") in found
    assert (5, "Дата", "01.01.2199", "incident.future") in {(e.row, e.column, e.value, e.key) for e in result.errors}
    assert any(e.row == 6 and e.key == "incident.too_old" for e in result.errors)
    assert any(e.row == 7 and e.key == "incident.near_miss_days" for e in result.errors)
    assert result.unmapped == {"severity": {"средний": 2}}
    assert {(e.file, e.sheet) for e in result.errors} == {("log_bad_rows.csv", "log_bad_rows")}  # one Problem type


def test_profile_maps_columns_values_defaults_and_skips(world):
    profile = load_profile(LOGS / "msha_profile.yaml")
    result = _import(world, "log_msha.csv", profile=profile, dry_run=True)
    assert (result.imported, result.skipped, result.rejected) == (2, 1, 0)
    assert [(c["severity"], c["lost_days"], c["kind"]) for c in result.cases] == [
        ("light", 4, "accident"),
        ("fatal", 0, "accident"),
    ]
    assert "MINE_ID" in result.unmapped_columns


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("colums: {}", "colums"),
        ("columns: {occured_on: Date}", "occured_on"),
        ("values: {severity: {Bad: medium}}", "medium"),
        ("date_order: european", "date_order"),
        ("- a\n- b", "mapping"),
    ],
)
def test_bad_profiles_name_the_key(text, words):
    with pytest.raises(ValidationFailed) as info:
        parse_profile(text, "mine.yaml")
    assert "mine.yaml" in info.value.render("en") and words in info.value.render("en")


def test_a_profile_heading_missing_from_the_file_is_a_clear_error(world):
    with pytest.raises(ValidationFailed) as info:
        _import(world, "log_cp1251.csv", profile=parse_profile("columns: {occurred_on: ACCIDENT_DT}"))
    assert "ACCIDENT_DT" in info.value.render("en")


def test_history_and_undo(world):
    store, users, own, _ = world
    officer = users["demo.officer"]
    before = _count(store)[0]
    result = _import(world, "log_cp1251.csv")
    [record] = [r for r in list_imports(store, officer, own) if r["id"] == result.import_id]
    assert (record["file_name"], record["imported"], record["username"]) == ("log_cp1251.csv", 3, "demo.officer")
    assert len(record["sha256"]) == 64
    assert undo_import(store, officer, result.import_id) == 3
    assert _count(store)[0] == before
    with pytest.raises(ValidationFailed):
        undo_import(store, officer, result.import_id)
    assert _import(world, "log_cp1251.csv").imported == 3  # after an undo the file imports again
    assert len(list_incidents(store, officer, bin_=own)) >= 3


def test_the_history_reads_in_the_language_with_empty_cells_empty(world):
    """Headings in the language, times as it writes them, and an import not undone shows an empty cell."""
    store, users, own, _ = world
    officer = users["demo.officer"]
    kept, undone = _import(world, "log_cp1251.csv"), _import(world, "log_ru_titles.xlsx")
    undo_import(store, officer, undone.import_id)
    for lang in ("ru", "kk", "en"):
        rows = {r[t("import.history.id", lang)]: r for r in history_rows(list_imports(store, officer, own), lang)}
        assert set(rows[kept.import_id]) == {t(key, lang) for key in HISTORY_COLUMNS.values()}
        assert rows[kept.import_id][t("import.history.undone", lang)] == ""
        assert None not in rows[kept.import_id].values()
        when = rows[undone.import_id][t("import.history.undone", lang)]
        assert when and (re.fullmatch(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d", when) if lang == "ru" else True)


def test_only_the_own_officer_imports(world):
    store, users, own, other = world
    data = (LOGS / "log_cp1251.csv").read_bytes()
    for name in ("demo.admin", "demo.region", "demo.head"):
        with pytest.raises(PermissionDenied):
            import_incidents(store, users[name], data, "x.csv", own)
    with pytest.raises(PermissionDenied):
        import_incidents(store, users["demo.officer"], data, "x.csv", other)
