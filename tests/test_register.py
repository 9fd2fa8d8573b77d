"""The register's library functions: validation with reasons, edits, deactivation, safe delete, yearly table."""

import datetime as dt

import pytest

from safety.access.roles import SYSTEM as ADMIN
from safety.errors import Conflict, NotFound, ValidationFailed
from safety.register.enterprises import (
    add_enterprise,
    delete_enterprise,
    enterprise_years,
    get_enterprise,
    list_enterprises,
    register_rows,
    save_years,
    set_enterprise_active,
    update_enterprise,
)

GOOD = {
    "bin": "210349000012",
    "name_ru": "ТОО «Тест»",
    "name_kk": "«Тест» ЖШС",
    "kato": "311000000",
    "oked": "20150",
    "industry": "Удобрения",
    "joined_on": dt.date(2020, 3, 1),
    "officer_name": "Иванов И.",
    "officer_phone": "+7 7262 11 22 33",
    "officer_email": "a@test.example",
}


def _problems(info):
    return {(p.field, p.key) for p in info.value.problems}


def test_add_and_read_back(store):
    added = add_enterprise(store, ADMIN, GOOD)
    assert added.bin == "210349000012" and added.active and not added.is_demo
    assert get_enterprise(store, ADMIN, "210349000012") == added
    assert added.district_name("en") == "Taraz city" and added.division_name("ru") == "Химическая промышленность"


def test_each_wrong_field_is_reported_with_its_reason(store):
    bad = {
        **GOOD,
        "bin": "21034900001",
        "name_ru": " ",
        "kato": "999",
        "oked": "2A",
        "joined_on": dt.date(2010, 1, 1),
        "officer_email": "nobody",
        "officer_phone": "call me",
    }
    with pytest.raises(ValidationFailed) as info:
        add_enterprise(store, ADMIN, bad)
    assert _problems(info) == {
        ("bin", "bin.length"),
        ("name_ru", "field.required"),
        ("kato", "district.unknown"),
        ("oked", "oked.format"),
        ("joined_on", "joined.range"),
        ("officer_email", "email.format"),
        ("officer_phone", "phone.format"),
    }
    text = info.value.render("ru")
    assert "БИН: в БИН должно быть 12 цифр, а здесь 11" in text
    assert list_enterprises(store, ADMIN, include_inactive=True) == []


def test_district_may_be_given_by_name_and_optional_contacts_may_be_blank(store):
    added = add_enterprise(store, ADMIN, {**GOOD, "kato": "Шу ауданы", "officer_phone": "", "officer_email": "  "})
    assert added.kato == "316600000" and added.officer_phone is None and added.officer_email is None


def test_duplicate_bin_is_a_conflict(store):
    add_enterprise(store, ADMIN, GOOD)
    with pytest.raises(Conflict) as info:
        add_enterprise(store, ADMIN, {**GOOD, "name_ru": "Другое"})
    assert "210349000012" in info.value.render("en")


def test_update_changes_fields_but_never_the_bin(store):
    add_enterprise(store, ADMIN, GOOD)
    updated = update_enterprise(store, ADMIN, "210349000012", {**GOOD, "name_ru": "ТОО «Новое»", "kato": "316600000"})
    assert updated.name_ru == "ТОО «Новое»" and updated.kato == "316600000"
    with pytest.raises(ValidationFailed) as info:
        update_enterprise(store, ADMIN, "210349000012", {**GOOD, "bin": "210349000022"})
    assert _problems(info) == {("bin", "bin.immutable")}
    with pytest.raises(NotFound):
        update_enterprise(store, ADMIN, "210349000022", {**GOOD, "bin": "210349000022"})


def test_deactivated_enterprises_leave_the_default_list_but_keep_their_data(store):
    add_enterprise(store, ADMIN, GOOD)
    save_years(store, ADMIN, "210349000012", [{"year": 2024, "avg_headcount": 100, "hours_worked": 180000}])
    set_enterprise_active(store, ADMIN, "210349000012", False)
    assert list_enterprises(store, ADMIN) == []
    assert [e.bin for e in list_enterprises(store, ADMIN, include_inactive=True)] == ["210349000012"]
    assert len(enterprise_years(store, ADMIN, "210349000012")) == 1
    assert set_enterprise_active(store, ADMIN, "210349000012", True).active


def test_enterprise_with_data_cannot_be_deleted(store):
    add_enterprise(store, ADMIN, GOOD)
    save_years(store, ADMIN, "210349000012", [{"year": 2024, "avg_headcount": 100}])
    with pytest.raises(Conflict) as info:
        delete_enterprise(store, ADMIN, "210349000012")
    assert info.value.key == "enterprise.has_data" and "Deactivate" in info.value.render("en")
    assert get_enterprise(store, ADMIN, "210349000012")


def test_enterprise_without_data_can_be_deleted(store):
    add_enterprise(store, ADMIN, GOOD)
    delete_enterprise(store, ADMIN, "210349000012")
    with pytest.raises(NotFound):
        get_enterprise(store, ADMIN, "210349000012")


def test_save_years_replaces_the_table_and_accepts_unknown_hours(store):
    add_enterprise(store, ADMIN, GOOD)
    save_years(
        store,
        ADMIN,
        "210349000012",
        [
            {"year": 2023, "avg_headcount": 90, "hours_worked": 160000},
            {"year": 2024, "avg_headcount": 100, "hours_worked": None},
        ],
    )
    rows = save_years(
        store,
        ADMIN,
        "210349000012",
        [
            {"year": 2024, "avg_headcount": 110, "hours_worked": float("nan")},
            {"year": None, "avg_headcount": None, "hours_worked": None},
        ],
    )
    assert [(y.year, y.avg_headcount, y.hours_worked) for y in rows] == [(2024, 110, None)]


def test_bad_year_rows_write_nothing(store):
    add_enterprise(store, ADMIN, GOOD)
    save_years(store, ADMIN, "210349000012", [{"year": 2023, "avg_headcount": 90}])
    this_year = dt.date.today().year
    with pytest.raises(ValidationFailed) as info:
        save_years(
            store,
            ADMIN,
            "210349000012",
            [
                {"year": 2024, "avg_headcount": 0},
                {"year": 2024, "avg_headcount": 10, "hours_worked": 10 * 9000},
                {"year": this_year + 1, "avg_headcount": 5},
                {"year": 2022, "avg_headcount": 5},
                {"year": 2022, "avg_headcount": 6},
            ],
        )
    assert {(p.row, p.key) for p in info.value.problems} == {
        (1, "field.greater_than"),
        (2, "hours.too_many"),
        (3, "year.future"),
        (5, "year.duplicate"),
    }
    assert [y.year for y in enterprise_years(store, ADMIN, "210349000012")] == [2023]


def test_register_rows_resolve_names_in_the_language(demo_store):
    kk = register_rows(demo_store, ADMIN, "kk")
    assert len(kk) == 31 and all(r["name"].endswith("ЖШС (демо)") for r in kk)
    taraz = register_rows(demo_store, ADMIN, "en", kato="311000000")
    assert taraz and {r["district"] for r in taraz} == {"Taraz city"}
    found = register_rows(demo_store, ADMIN, "ru", text=kk[0]["bin"])
    assert [r["bin"] for r in found] == [kk[0]["bin"]]
