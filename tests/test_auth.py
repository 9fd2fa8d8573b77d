"""Sign-in and passwords: argon2 hashes only, the lock after five failures (and its unlocking), one answer for every
refusal, idle expiry, first admin."""

import datetime as dt

import pytest
from argon2 import PasswordHasher

from safety.access.auth import (
    LOCK_MINUTES,
    SignInFailed,
    authenticate,
    change_password,
    create_admin,
    has_users,
    session_expired,
)
from safety.access.roles import SYSTEM, Role
from safety.access.users import create_user, reset_password, unlock_user
from safety.db import users as users_sql
from safety.errors import Conflict, PermissionDenied, ValidationFailed

from conftest import PASSWORD, T0


def _account(store, username):
    with store.cursor() as cur:
        return users_sql.by_username(cur, username)


def test_only_the_argon2_hash_is_stored(store, admin):
    row = _account(store, "boss")
    assert row["password_hash"].startswith("$argon2id$") and PASSWORD not in row["password_hash"]
    dump = str(store.query("SELECT * FROM users")) + str(store.query("SELECT * FROM audit_log"))
    assert PASSWORD not in dump


def test_a_hash_of_older_settings_still_signs_in_and_is_made_anew(store, admin):
    old = PasswordHasher(time_cost=3, memory_cost=65_536, parallelism=4).hash(PASSWORD)  # argon2-cffi's default
    with store.transaction() as cur:
        users_sql.renew_hash(cur, _account(store, "boss")["id"], old)
    assert authenticate(store, "boss", PASSWORD, T0).username == "boss"
    renewed = _account(store, "boss")["password_hash"]
    assert renewed != old and "$m=19456,t=2,p=1$" in renewed
    assert authenticate(store, "boss", PASSWORD, T0).username == "boss"
    assert _account(store, "boss")["password_hash"] == renewed  # made anew once, not at every sign-in


def test_right_password_signs_in_and_wrong_one_does_not(store, admin):
    assert authenticate(store, "BOSS", PASSWORD, T0).role is Role.ADMIN
    with pytest.raises(SignInFailed) as info:
        authenticate(store, "boss", "wrong password!", T0)
    assert info.value.key == "auth.failed"
    with pytest.raises(SignInFailed) as unknown:
        authenticate(store, "nobody", PASSWORD, T0)
    assert unknown.value.key == "auth.failed"  # the same answer: no hint that an account exists


def test_sixth_attempt_is_refused_even_with_the_right_password(store, admin):
    for attempt in range(5):
        with pytest.raises(SignInFailed) as info:
            authenticate(store, "boss", f"wrong {attempt} password", T0 + dt.timedelta(seconds=attempt))
    assert info.value.key == "auth.failed"  # the same answer as any refusal: no hint that the account is locked
    assert _account(store, "boss")["locked_until"] == T0 + dt.timedelta(seconds=4, minutes=LOCK_MINUTES)
    with pytest.raises(SignInFailed) as locked:
        authenticate(store, "boss", PASSWORD, T0 + dt.timedelta(minutes=1))
    assert locked.value.key == "auth.failed"
    assert authenticate(store, "boss", PASSWORD, T0 + dt.timedelta(minutes=LOCK_MINUTES, seconds=5)).username == "boss"
    assert store.query("SELECT count(*) FROM audit_log WHERE action = 'user.locked'") == [(1,)]


def test_a_success_resets_the_count_of_failures(store, admin):
    for attempt in range(4):
        with pytest.raises(SignInFailed):
            authenticate(store, "boss", f"wrong {attempt} password", T0)
    authenticate(store, "boss", PASSWORD, T0)
    for attempt in range(4):
        with pytest.raises(SignInFailed) as info:
            authenticate(store, "boss", f"wrong {attempt} password", T0)
        assert info.value.key == "auth.failed"


def test_idle_sessions_expire():
    assert not session_expired(T0, T0 + dt.timedelta(minutes=29), 30)
    assert session_expired(T0, T0 + dt.timedelta(minutes=31), 30)
    assert session_expired(None, T0, 30)


def test_first_admin_only_on_an_empty_user_table(store):
    assert not has_users(store)
    with pytest.raises(ValidationFailed) as info:
        create_admin(store, "boss", "short", "Boss")
    assert [p.key for p in info.value.problems] == ["password.too_short"]
    create_admin(store, "boss", PASSWORD, "Boss")
    with pytest.raises(Conflict):
        create_admin(store, "second", PASSWORD, "Second")
    create_admin(store, "second", PASSWORD, "Second", first_only=False)  # the CLI may add more
    with pytest.raises(Conflict):
        create_admin(store, "second", PASSWORD, "Again", first_only=False)


def test_one_time_password_must_be_changed(store, admin, demo_store):
    created, otp = create_user(
        store, SYSTEM, {"username": "reg.manager", "full_name": "Р. Менеджер", "role": "regional_manager"}
    )
    assert created.must_change_password and len(otp) >= 12
    signed_in = authenticate(store, "reg.manager", otp, T0)
    assert signed_in.must_change_password
    with pytest.raises(ValidationFailed) as same:
        change_password(store, signed_in, otp, otp)
    assert [p.key for p in same.value.problems] == ["password.same"]
    with pytest.raises(ValidationFailed) as short:
        change_password(store, signed_in, otp, "too short")
    assert [p.key for p in short.value.problems] == ["password.too_short"]
    with pytest.raises(ValidationFailed) as wrong:
        change_password(store, signed_in, "not the password", "a brand new password")
    assert [p.key for p in wrong.value.problems] == ["password.wrong_old"]
    change_password(store, signed_in, otp, "a brand new password")
    assert not authenticate(store, "reg.manager", "a brand new password", T0).must_change_password
    with pytest.raises(SignInFailed):
        authenticate(store, "reg.manager", otp, T0)


def test_reset_gives_a_new_one_time_password_and_lifts_the_lock(store, admin):
    for attempt in range(5):
        with pytest.raises(SignInFailed):
            authenticate(store, "boss", f"wrong {attempt} password", T0)
    otp = reset_password(store, admin, "boss")
    assert authenticate(store, "boss", otp, T0).must_change_password


def test_disabled_account_cannot_sign_in(store, admin):
    from safety.access.users import update_user

    create_user(store, admin, {"username": "leaver", "full_name": "L", "role": "regional_manager"})
    otp = reset_password(store, admin, "leaver")
    update_user(store, admin, "leaver", {"full_name": "L", "role": "regional_manager", "active": False})
    with pytest.raises(SignInFailed) as info:
        authenticate(store, "leaver", otp, T0)
    assert info.value.key == "auth.failed"


def test_an_unknown_name_a_wrong_password_a_lock_and_a_disabled_account_get_one_answer(store, admin):
    from safety.access.users import update_user

    create_user(store, admin, {"username": "leaver", "full_name": "L", "role": "regional_manager"})
    otp = reset_password(store, admin, "leaver")
    update_user(store, admin, "leaver", {"full_name": "L", "role": "regional_manager", "active": False})
    answers = []
    for username, password in (("nobody", PASSWORD), ("boss", "wrong password!"), ("leaver", otp)):
        with pytest.raises(SignInFailed) as info:
            authenticate(store, username, password, T0)
        answers.append(info.value.render("en"))
    for attempt in range(5):
        with pytest.raises(SignInFailed):
            authenticate(store, "boss", f"wrong {attempt} password", T0)
    with pytest.raises(SignInFailed) as locked:
        authenticate(store, "boss", PASSWORD, T0)
    answers.append(locked.value.render("en"))
    assert len(set(answers)) == 1


def test_an_administrator_unlocks_an_account(store, admin):
    for attempt in range(5):
        with pytest.raises(SignInFailed):
            authenticate(store, "boss", f"wrong {attempt} password", T0)
    create_user(store, admin, {"username": "helper", "full_name": "H", "role": "regional_manager"})
    with pytest.raises(PermissionDenied):
        unlock_user(store, authenticate(store, "helper", reset_password(store, admin, "helper"), T0), "boss")
    unlock_user(store, admin, "boss")
    assert _account(store, "boss")["failed_attempts"] == 0
    assert authenticate(store, "boss", PASSWORD, T0 + dt.timedelta(minutes=1)).username == "boss"
    assert store.query("SELECT count(*) FROM audit_log WHERE action = 'user.unlock'") == [(1,)]
