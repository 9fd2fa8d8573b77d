"""The demo never guards real data: while its accounts' passwords are published, no real enterprise or account can
be added; an administrator removes the demo first, and after that no demo account signs in or is listed."""

import pytest
from streamlit.testing.v1 import AppTest

from safety.access.auth import authenticate, create_admin
from safety.access.roles import SYSTEM
from safety.access.users import create_user
from safety.demo import demo_credentials, demo_loaded, remove_demo
from safety.errors import Conflict, SafetyError
from safety.i18n import t
from safety.identifiers import is_valid_bin
from safety.register.enterprises import add_enterprise, list_enterprises
from safety.register.spreadsheets import import_register

from conftest import DATA, PASSWORD, ROOT, at_once, cli, signed_in, user_id_of
from test_register import GOOD

REAL_WRITES = {
    "add_enterprise": lambda s: add_enterprise(s, SYSTEM, GOOD),
    "import_register": lambda s: import_register(s, SYSTEM, (DATA / "register_good.xlsx").read_bytes(), "r.xlsx"),
    "import_register_check": lambda s: import_register(
        s, SYSTEM, (DATA / "register_good.xlsx").read_bytes(), "r.xlsx", dry_run=True
    ),
    "create_user": lambda s: create_user(s, SYSTEM, {"username": "inspector", "full_name": "И", "role": "admin"}),
    "create_admin": lambda s: create_admin(s, "boss", PASSWORD, "Босс", first_only=False),
}


def _counts(store) -> tuple:
    return tuple(store.query(f"SELECT count(*) FROM {table}")[0][0] for table in ("enterprises", "users", "audit_log"))


@pytest.mark.parametrize("write", REAL_WRITES)
def test_no_real_record_beside_the_demo(demo_store, write):
    before = _counts(demo_store)
    with pytest.raises(Conflict) as info:
        REAL_WRITES[write](demo_store)
    assert info.value.key == "demo.remove_first"
    assert "demo --remove" in info.value.render("en")
    assert _counts(demo_store) == before


def test_after_the_demo_is_removed_no_demo_account_signs_in_or_is_listed(demo_store):
    passwords = {a["username"]: a["password"] for a in demo_credentials(demo_store)}
    assert authenticate(demo_store, "demo.admin", passwords["demo.admin"])
    remove_demo(demo_store, SYSTEM)
    add_enterprise(demo_store, SYSTEM, GOOD)
    assert [e.bin for e in list_enterprises(demo_store, SYSTEM)] == [GOOD["bin"]]
    assert demo_credentials(demo_store) == [] and not demo_loaded(demo_store)
    for username, password in passwords.items():
        with pytest.raises(SafetyError):
            authenticate(demo_store, username, password)


def test_removing_the_demo_needs_an_administrator(world_demo):
    store, officer = world_demo
    with pytest.raises(SafetyError):
        remove_demo(store, officer)
    assert demo_loaded(store)


@pytest.fixture
def world_demo(demo_store):
    """The demo store and its safety officer."""
    from safety.access.auth import current_user

    return demo_store, current_user(demo_store, user_id_of(demo_store, "demo.officer"))


def test_removal_racing_real_writes_never_leaves_both(demo_store):
    """Whatever order the writers take, each real enterprise lands after the demo is gone, or is refused."""
    bins = [b for b in (f"2103490000{n:02d}" for n in range(100)) if is_valid_bin(b)][:4]

    def work(number: int):
        if number == 0:
            return remove_demo(demo_store, SYSTEM)
        return add_enterprise(demo_store, SYSTEM, GOOD | {"bin": bins[number - 1]})

    results, errors = at_once(5, work)
    assert all(isinstance(e, Conflict) and e.key == "demo.remove_first" for e in errors), errors
    assert not demo_loaded(demo_store)
    order = [a for (a,) in demo_store.query("SELECT action FROM audit_log ORDER BY id") if a != "demo.load"]
    assert order == ["demo.remove"] + ["enterprise.create"] * (len(results) - 1)


def test_the_demo_is_not_loaded_beside_real_records_by_the_command_line(tmp_path):
    db = str(tmp_path / "real.duckdb")
    assert cli("--db", db, "init").returncode == 0
    assert cli("--db", db, "import-enterprises", str(DATA / "register_good.xlsx")).returncode == 0
    refused = cli("--db", db, "--lang", "en", "demo")
    assert refused.returncode == 2 and "real enterprises" in refused.stderr and "Traceback" not in refused.stderr


def test_the_command_line_refuses_real_records_beside_the_demo(demo_db_file, tmp_path):
    import shutil

    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_file, db)
    result = cli("--db", str(db), "--lang", "en", "import-enterprises", str(DATA / "register_good.xlsx"))
    assert result.returncode == 2 and "demo --remove" in result.stderr and "Traceback" not in result.stderr


def test_the_administrator_removes_the_demo_in_the_app_and_starts_afresh(demo_db_file, tmp_path, monkeypatch):
    import shutil

    path = tmp_path / "app.duckdb"
    shutil.copy(demo_db_file, path)
    monkeypatch.setenv("VZ_DB_PATH", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    from safety.db import Store

    with Store(path) as store:
        signed_in(at, user_id_of(store, "demo.admin"))
    at.run()
    assert "demo --remove" in at.info[0].value  # the notice says how to remove the demo
    at.switch_page("app_pages/users.py").run()
    remove = at.button(key="demo_remove")
    assert remove.disabled  # only after the confirmation
    at.checkbox(key="demo_remove_sure").check().run()
    at.button(key="demo_remove").click().run()
    assert not at.exception
    # the demo administrator went with the demo: the app now asks for the first real administrator
    assert t("signin.first_admin", "ru") in [i.value for i in at.info]
    assert not [e for e in at.expander if e.label == t("signin.demo_accounts", "ru")]
    with Store(path) as store:
        assert not demo_loaded(store) and demo_credentials(store) == []
