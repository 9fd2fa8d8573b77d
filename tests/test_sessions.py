"""Sign-in sessions that survive a reload: an unguessable token, kept only as a hash, that resumes the session until
the idle limit, sign-out, a password change or reset, or a disabled account ends it."""

from __future__ import annotations

import datetime as dt

from safety.access.auth import change_password
from safety.access.sessions import end_session, resume_session, start_session, touch_session
from safety.access.users import create_user, reset_password, update_user

from conftest import PASSWORD, T0


def test_a_token_resumes_its_session_and_is_stored_only_as_a_hash(store, admin):
    token = start_session(store, admin, T0)
    assert len(token) >= 40 and start_session(store, admin, T0) != token
    assert resume_session(store, token, T0 + dt.timedelta(minutes=5)).username == "boss"
    stored = str(store.query("SELECT * FROM sign_in_sessions"))
    assert token not in stored
    assert resume_session(store, token + "x", T0) is None and resume_session(store, None, T0) is None


def test_an_idle_session_ends_and_use_keeps_it_open(store, admin, monkeypatch):
    monkeypatch.setenv("VZ_IDLE_MINUTES", "30")
    token = start_session(store, admin, T0)
    touch_session(store, token, T0 + dt.timedelta(minutes=25))
    assert resume_session(store, token, T0 + dt.timedelta(minutes=50)) is not None  # 25 min after its last use
    assert resume_session(store, token, T0 + dt.timedelta(minutes=90)) is None  # 40 min idle
    assert resume_session(store, token, T0 + dt.timedelta(minutes=51)) is None  # and it is gone for good
    assert store.query("SELECT count(*) FROM sign_in_sessions") == [(0,)]


def test_sign_out_ends_only_that_session(store, admin):
    here, there = start_session(store, admin, T0), start_session(store, admin, T0)
    end_session(store, here)
    assert resume_session(store, here, T0) is None and resume_session(store, there, T0) is not None


def test_a_new_password_a_reset_and_a_disabled_account_end_every_session(store, admin):
    token = start_session(store, admin, T0)
    change_password(store, admin, PASSWORD, "a brand new passphrase")
    assert resume_session(store, token, T0) is None
    user, _ = create_user(store, admin, {"username": "head", "full_name": "H", "role": "regional_manager"})
    token = start_session(store, user, T0)
    reset_password(store, admin, "head")
    assert resume_session(store, token, T0) is None
    token = start_session(store, user, T0)
    update_user(store, admin, "head", {"full_name": "H", "role": "regional_manager", "active": False})
    assert resume_session(store, token, T0) is None
    assert store.query("SELECT count(*) FROM sign_in_sessions WHERE user_id = ?", [user.id]) == [(0,)]
