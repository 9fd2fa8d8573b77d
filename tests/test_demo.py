"""The demo data: fictional, deterministic, spread over the region, loaded only into a database never used."""

import pytest

from safety.access.roles import SYSTEM as ADMIN
from safety.demo import build_demo, demo_inputs, demo_loaded, ensure_demo, load_demo, mark_initialised, remove_demo
from safety.errors import Conflict
from safety.identifiers import is_valid_bin
from safety.register.enterprises import add_enterprise, enterprise_years, list_enterprises
from safety.register.geography import DISTRICTS_BY_KATO

from test_register import GOOD


def test_demo_is_deterministic():
    assert build_demo() == build_demo()


def test_demo_has_31_fictional_enterprises_over_the_region(demo_store):
    enterprises = list_enterprises(demo_store, ADMIN)
    assert len(enterprises) == 31 and len({e.bin for e in enterprises}) == 31
    assert all(is_valid_bin(e.bin) and e.bin[5] == "9" for e in enterprises)  # attribute 9: nobody's real BIN
    assert all(e.kato in DISTRICTS_BY_KATO and e.is_demo for e in enterprises)
    assert len({e.kato for e in enterprises}) == 11
    assert len({e.oked[:2] for e in enterprises}) >= 6
    assert all("демо" in e.name_ru and "демо" in e.name_kk for e in enterprises)


def test_demo_has_five_years_of_headcount_and_some_unknown_hours(demo_store):
    years = enterprise_years(demo_store, ADMIN)
    assert len(years) == 31 * 5 and {y.year for y in years} == set(demo_inputs().years)
    assert all(y.avg_headcount > 0 for y in years)
    unknown = [y for y in years if y.hours_worked is None]
    assert 0 < len(unknown) < len(years) / 2
    assert all(1500 < y.hours_worked / y.avg_headcount < 2000 for y in years if y.hours_worked)


def test_reloading_the_demo_replaces_it(demo_store):
    before = {e.bin for e in list_enterprises(demo_store, ADMIN)}
    report = load_demo(demo_store)
    assert report.enterprises == 31 and {e.bin for e in list_enterprises(demo_store, ADMIN)} == before


def test_the_demo_is_never_loaded_beside_real_records(store):
    add_enterprise(store, ADMIN, GOOD)
    with pytest.raises(Conflict) as info:
        load_demo(store)
    assert info.value.key == "demo.real_data"
    assert not demo_loaded(store) and len(list_enterprises(store, ADMIN)) == 1


def test_ensure_demo_fills_only_a_database_never_used(store):
    assert ensure_demo(store) and demo_loaded(store)
    assert not ensure_demo(store)
    remove_demo(store, ADMIN)
    assert not demo_loaded(store) and list_enterprises(store, ADMIN, include_inactive=True) == []
    assert not ensure_demo(store), "a removed demo must not come back on the next start"


def test_init_declines_the_demo(store):
    mark_initialised(store)
    assert not ensure_demo(store) and not demo_loaded(store)


def test_demo_inputs_are_checked_strictly():
    from pydantic import ValidationError

    from safety.demo import DemoInputs

    good = demo_inputs().model_dump()
    with pytest.raises(ValidationError, match="colour"):
        DemoInputs.model_validate({**good, "colour": "red"})
    fewer = {k: v for k, v in good["districts"].items() if k != "311000000"}
    with pytest.raises(ValidationError, match="every KATO"):
        DemoInputs.model_validate({**good, "districts": fewer})


def test_demo_accounts_one_per_role_shown_only_while_the_demo_is_loaded(store):
    from safety.access.auth import authenticate
    from safety.demo import demo_credentials

    report = load_demo(store)
    accounts = demo_credentials(store)
    assert [a["role"] for a in accounts] == ["admin", "regional_manager", "enterprise_manager", "safety_officer"]
    assert list(report.credentials) == accounts
    officer = authenticate(store, "demo.officer", accounts[3]["password"])
    assert officer.enterprise_id is not None
    again = load_demo(store)  # a reload makes new passwords
    assert again.credentials[0]["password"] != accounts[0]["password"]
    remove_demo(store, ADMIN)
    assert demo_credentials(store) == []
