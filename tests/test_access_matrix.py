"""The authorization matrix: every role × every library function × own and other enterprise.

Allowed calls succeed and write an audit row; every other call raises PermissionDenied and leaves the database
exactly as it was.
"""

import datetime as dt

import pytest

from safety.access.audit import audit_entries, export_audit
from safety.access.auth import user_from_row
from safety.access.roles import Role, User
from safety.access.users import create_user, list_users, reset_password, update_user
from safety.db import users as users_sql
from safety.errors import Conflict, PermissionDenied, ValidationFailed
from safety.indicators.programme import latest_year, programme_summary
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
from safety.register.spreadsheets import export_register, import_register

from conftest import DATA, made_real

TABLES = ("enterprises", "enterprise_years", "users", "audit_log", "meta")
NEW = {
    "bin": "210349000012",
    "name_ru": "ТОО «Новое»",
    "name_kk": "«Жаңа» ЖШС",
    "kato": "311000000",
    "oked": "20150",
    "industry": "Удобрения",
    "joined_on": dt.date(2021, 1, 1),
}


def snapshot(store):
    return {table: sorted(store.query(f"SELECT * FROM {table}"), key=repr) for table in TABLES}


def audit_count(store):
    return store.query("SELECT count(*) FROM audit_log")[0][0]


# Each write: (name, call(store, user, bin)). The bin is the enterprise the call touches.
def _editable(store, bin_):
    from safety.access.roles import SYSTEM

    return get_enterprise(store, SYSTEM, bin_).as_input()


WRITES = {
    "add_enterprise": lambda s, u, b: add_enterprise(s, u, NEW),
    "update_enterprise": lambda s, u, b: update_enterprise(s, u, b, _editable(s, b) | {"name_ru": "Изменено"}),
    "deactivate_enterprise": lambda s, u, b: set_enterprise_active(s, u, b, False),
    "delete_enterprise": lambda s, u, b: (add_enterprise(s, _admin(s), NEW), delete_enterprise(s, u, NEW["bin"])),
    "save_years": lambda s, u, b: save_years(s, u, b, [{"year": 2025, "avg_headcount": 10, "hours_worked": None}]),
    "import_register": lambda s, u, b: import_register(s, u, (DATA / "register_good.xlsx").read_bytes(), "r.xlsx"),
    "create_user": lambda s, u, b: create_user(
        s, u, {"username": "new.officer", "full_name": "Н. Офицер", "role": "safety_officer", "enterprise_bin": b}
    ),
    "update_user": lambda s, u, b: update_user(
        s, u, "demo.officer", {"full_name": "Другое Имя", "role": "safety_officer", "enterprise_bin": b}
    ),
    "reset_password": lambda s, u, b: reset_password(s, u, "demo.officer"),
}
ALLOWED_WRITES = {Role.ADMIN: set(WRITES)}


def _admin(store):
    with store.cursor() as cur:
        return user_from_row(users_sql.by_username(cur, "demo.admin"))


@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("username", ["demo.admin", "demo.region", "demo.head", "demo.officer"])
def test_write_matrix(world, username, write, where):
    store, users, own, other = world
    made_real(store)  # new enterprises and accounts go beside the demo's records only once they are real
    user = users[username]
    target = own if where == "own" else other
    if write in ALLOWED_WRITES.get(user.role, set()):
        before = audit_count(store)
        WRITES[write](store, user, target)
        assert audit_count(store) > before, f"{write} wrote no audit row"
    else:
        if write == "delete_enterprise":  # the enterprise to delete is set up by an admin first
            add_enterprise(store, _admin(store), NEW)
            before = snapshot(store)
            with pytest.raises(PermissionDenied):
                delete_enterprise(store, user, NEW["bin"])
        else:
            before = snapshot(store)
            with pytest.raises(PermissionDenied):
                WRITES[write](store, user, target)
        assert snapshot(store) == before, f"{username} {write}: the database changed after a denied call"


READS = {
    "get_enterprise": lambda s, u, b: get_enterprise(s, u, b),
    "enterprise_years": lambda s, u, b: enterprise_years(s, u, b),
}
LIST_READS = {
    "register_rows": (lambda s, u: register_rows(s, u, "ru"), {Role.ADMIN, Role.REGIONAL_MANAGER}),
    "export_register": (lambda s, u: export_register(s, u, "ru"), {Role.ADMIN, Role.REGIONAL_MANAGER}),
    "list_users": (lambda s, u: list_users(s, u), {Role.ADMIN}),
    "audit_entries": (lambda s, u: audit_entries(s, u), {Role.ADMIN}),
    "export_audit": (lambda s, u: export_audit(s, u, [], "ru"), {Role.ADMIN}),
    "programme_summary": (lambda s, u: programme_summary(s, u), set(Role)),
    "latest_year": (lambda s, u: latest_year(s, u), set(Role)),
}


@pytest.mark.parametrize("read", list(READS))
@pytest.mark.parametrize("username", ["demo.admin", "demo.region", "demo.head", "demo.officer"])
def test_enterprise_reads_are_scoped(world, username, read):
    store, users, own, other = world
    user = users[username]
    assert READS[read](store, user, own) is not None
    if user.role.scoped:
        with pytest.raises(PermissionDenied):
            READS[read](store, user, other)
        with pytest.raises(PermissionDenied):  # an unknown BIN gives the same answer as another's
            READS[read](store, user, "210349000099")
    else:
        assert READS[read](store, user, other) is not None


@pytest.mark.parametrize("read", list(LIST_READS))
@pytest.mark.parametrize("username", ["demo.admin", "demo.region", "demo.head", "demo.officer"])
def test_listing_reads_by_role(world, username, read):
    store, users, _, _ = world
    user = users[username]
    call, allowed = LIST_READS[read]
    if user.role in allowed:
        call(store, user)
    else:
        with pytest.raises(PermissionDenied):
            call(store, user)


@pytest.mark.parametrize("username", ["demo.head", "demo.officer"])
def test_scoped_users_list_only_their_enterprise(world, username):
    store, users, own, _ = world
    assert [e.bin for e in list_enterprises(store, users[username])] == [own]
    assert {y.bin for y in enterprise_years(store, users[username])} == {own}


def test_disabled_or_missing_user_is_denied(world):
    store, users, own, _ = world
    disabled = User(**{**users["demo.admin"].__dict__, "active": False})
    with pytest.raises(PermissionDenied):
        add_enterprise(store, disabled, NEW)
    with pytest.raises(PermissionDenied):
        get_enterprise(store, None, own)


def test_failed_writes_leave_no_audit_row(world):
    store, users, own, _ = world
    made_real(store)  # each write fails for its own reason, not for the demo beside it
    admin = users["demo.admin"]
    before = snapshot(store)
    with pytest.raises(ValidationFailed):
        add_enterprise(store, admin, NEW | {"bin": "210349000013"})
    with pytest.raises(Conflict):
        add_enterprise(store, admin, NEW | {"bin": own})
    with pytest.raises(ValidationFailed):
        save_years(store, admin, own, [{"year": 2025, "avg_headcount": 0}])
    with pytest.raises(Conflict):
        delete_enterprise(store, admin, own)
    with pytest.raises(ValidationFailed):
        import_register(store, admin, (DATA / "register_bad_bin_row5.xlsx").read_bytes(), "bad.xlsx")
    with pytest.raises(Conflict):
        create_user(store, admin, {"username": "demo.officer", "full_name": "X", "role": "regional_manager"})
    with pytest.raises(Conflict):
        update_user(store, admin, "demo.admin", {"full_name": "Me", "role": "regional_manager"})
    assert snapshot(store) == before
