"""Access through the UI (AppTest): sign-in, role navigation, idle expiry, first admin, users and audit pages."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import ui
from safety.access.roles import SYSTEM, Role
from safety.access.users import create_user, update_user
from safety.db import Store
from safety.demo import demo_credentials, mark_initialised
from safety.i18n import plain, t

from conftest import ROOT, signed_in, user_id_of

ALL_PAGES = [
    "app_pages/home.py",
    "app_pages/enterprises.py",
    "app_pages/enterprise.py",
    "app_pages/assessment.py",
    "app_pages/actions.py",
    "app_pages/incidents.py",
    "app_pages/incident_import.py",
    "app_pages/users.py",
    "app_pages/audit.py",
    "app_pages/account.py",
    "app_pages/reports.py",
]
EVERYONE = {
    "app_pages/home.py",
    "app_pages/enterprise.py",
    "app_pages/actions.py",
    "app_pages/incidents.py",
    "app_pages/account.py",
    "app_pages/reports.py",
}
OFFICER_ONLY = {"app_pages/assessment.py", "app_pages/incident_import.py"}
ROLE_PAGES = {
    "demo.admin": set(ALL_PAGES) - OFFICER_ONLY,
    "demo.region": EVERYONE | {"app_pages/enterprises.py"},
    "demo.head": EVERYONE,
    "demo.officer": EVERYONE | OFFICER_ONLY,
}


def _titles(at):
    return [title.value for title in at.title]


def _fill(form, values):
    fields = {w.label: w for w in form.text_input}
    for label, value in values.items():
        fields[label].input(value)


def test_signed_out_every_page_is_the_sign_in_form(demo_app):
    at = demo_app()
    assert _titles(at) == [t("signin.title", "ru")] and not at.exception
    [form] = at.get("form")
    assert [w.label for w in form.text_input] == [t("label.username", "ru"), t("label.password", "ru")]
    assert not at.metric and len(at.dataframe) == 1  # no programme figures: only the demo accounts table
    for page in ALL_PAGES:
        with pytest.raises(ValueError):  # no page of the app is registered while signed out
            at.switch_page(page)
    assert all(b.key != "sign_out" for b in at.sidebar.button)


def test_sign_in_with_the_form_and_out_again(demo_app):
    at = demo_app()
    with Store(at.db_path) as store:
        password = {c["username"]: c["password"] for c in demo_credentials(store)}["demo.region"]
    table = at.dataframe[0].value
    assert list(table["username"]) == ["demo.admin", "demo.region", "demo.head", "demo.officer"]
    form = at.get("form")[0]
    _fill(form, {t("label.username", "ru"): "demo.region", t("label.password", "ru"): "wrong password here"})
    form.button[0].click().run()
    assert [e.value for e in at.error] == [t("auth.failed", "ru")]
    form = at.get("form")[0]
    assert form.text_input[1].value == "" and form.text_input[0].value == "demo.region"  # the password is not kept
    _fill(form, {t("label.username", "ru"): "demo.region", t("label.password", "ru"): password})
    form.button[0].click().run()
    assert _titles(at) == [t("home.title", "ru")] and not at.exception
    at.sidebar.button(key="sign_out").click().run()
    assert _titles(at) == [t("signin.title", "ru")]


@pytest.mark.parametrize("username", list(ROLE_PAGES))
def test_navigation_shows_only_the_role_pages(demo_app, username):
    at = demo_app(username)
    assert _titles(at) == [t("home.title", "ru")]
    for page in ALL_PAGES:
        if page in ROLE_PAGES[username]:
            at.switch_page(page).run()
            assert not at.exception and not at.error, (username, page, [e.value for e in at.error])
        else:
            with pytest.raises(ValueError):
                at.switch_page(page)


@pytest.mark.parametrize("username", ["demo.head", "demo.officer"])
def test_enterprise_roles_see_one_enterprise_read_only(demo_app, username):
    at = demo_app(username)
    at.switch_page("app_pages/enterprise.py").run()
    assert len(at.selectbox(key="enterprise_bin@ru").options) == 1
    assert not [b for b in at.button if b.key in ("save_years", "toggle_active", "delete_enterprise")]


def test_idle_session_is_sent_to_sign_in(demo_app):
    at = demo_app("demo.admin")
    assert _titles(at) == [t("home.title", "ru")]
    at.session_state["last_seen"] = at.session_state["last_seen"] - dt.timedelta(minutes=31)
    at.run()
    assert _titles(at) == [t("signin.title", "ru")]
    assert t("auth.expired", "ru") in [w.value for w in at.warning]


def test_one_time_password_user_sees_only_the_account_page(demo_app):
    at = demo_app(real=True)
    with Store(at.db_path) as store:
        create_user(store, SYSTEM, {"username": "new.region", "full_name": "Н. Регион", "role": "regional_manager"})
        user_id = user_id_of(store, "new.region")
    signed_in(at, user_id).run()
    assert _titles(at) == [t("account.title", "ru")]
    assert t("account.must_change", "ru") in [w.value for w in at.warning]
    with pytest.raises(ValueError):
        at.switch_page("app_pages/home.py")


def test_first_start_without_users_asks_for_the_first_admin(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    with Store(path) as store:
        mark_initialised(store)
    monkeypatch.setenv("VZ_DB_PATH", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert t("signin.first_admin", "ru") in [i.value for i in at.info]
    form = at.get("form")[0]
    _fill(
        form,
        {
            t("label.full_name", "ru"): "Первый Админ",
            t("label.password", "ru"): "short",
            t("label.password_again", "ru"): "short",
        },
    )
    form.button[0].click().run()
    assert "12" in at.error[0].value
    form = at.get("form")[0]
    _fill(
        form,
        {
            t("label.full_name", "ru"): "Первый Админ",
            t("label.password", "ru"): "a long enough password",
            t("label.password_again", "ru"): "a long enough password",
        },
    )
    form.button[0].click().run()
    assert _titles(at) == [t("home.title", "ru")] and not at.exception


def test_admin_creates_a_user_and_sees_the_one_time_password(demo_app):
    at = demo_app("demo.admin", real=True)
    at.switch_page("app_pages/users.py").run()
    form = at.get("form")[0]
    _fill(form, {t("label.username", "ru"): "reg.inspector", t("label.full_name", "ru"): "Инспектор Области"})
    {box.label: box for box in form.selectbox}[t("label.role", "ru")].set_value(Role.REGIONAL_MANAGER)
    form.button[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(plain("reg.inspector") in s.value for s in at.success)  # escaped: it sits in Markdown
    assert len(at.code[0].value) >= 12


def test_audit_page_lists_changes_and_filters(demo_app):
    at = demo_app("demo.admin")
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception and at.dataframe
    assert "demo.load" in set(at.dataframe[0].value["action"])
    at.selectbox(key="audit_action@ru").set_value("demo.load").run()
    assert set(at.dataframe[0].value["action"]) == {"demo.load"}
    assert at.get("download_button")


def test_names_people_typed_show_as_text_not_markdown(demo_app):
    hostile = "![](http://host.example/x.png) **Boss** :red[x]"
    at = demo_app("demo.admin")
    update_user(ui.store(), SYSTEM, "demo.admin", {"full_name": hostile, "role": "admin"})  # the app's own store
    at.run()
    shown = [m.value for m in at.sidebar.markdown]
    assert f"**{plain(hostile)}**  \n{t('role.admin', 'ru')}" in shown
    at.switch_page("app_pages/account.py").run()
    assert at.markdown[0].value.startswith(f"**{plain(hostile)}** · demo\\.admin")


def test_the_first_password_change_says_it_is_done(demo_app):
    """After a one-time password the change reruns the app to unlock its pages, and still says «Пароль изменён.»."""
    at = demo_app("demo.admin", real=True)
    created, otp = create_user(
        ui.store(), SYSTEM, {"username": "new.officer", "full_name": "Новый Сотрудник", "role": "admin"}
    )
    signed_in(at, created.id).run()
    at.switch_page("app_pages/account.py").run()
    assert t("account.must_change", "ru") in [w.value for w in at.warning]
    for box, text in zip(at.text_input, (otp, "a brand new password", "a brand new password"), strict=True):
        box.set_value(text)
    next(b for b in at.button if b.label == t("account.change", "ru")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert t("account.changed", "ru") in [s.value for s in at.success]
    assert t("account.must_change", "ru") not in [w.value for w in at.warning]


def test_an_added_user_shows_in_the_table_and_the_form_is_empty_again(demo_app):
    """Adding an account reruns the page: the table lists it, its one-time password shows once, the form is new."""
    at = demo_app("demo.admin", real=True)
    at.switch_page("app_pages/users.py").run()
    form = [box for box in at.text_input if box.label in (t("label.username", "ru"), t("label.full_name", "ru"))]
    form[0].set_value("new.head")
    form[1].set_value("Новый Руководитель")
    next(box for box in at.selectbox if box.label == t("label.role", "ru")).set_value(Role.REGIONAL_MANAGER)
    next(b for b in at.button if b.label == t("action.add", "ru")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert t("users.created", "ru", username="new\\.head") in [s.value for s in at.success]
    assert len(at.code) == 1 and len(at.code[0].value) >= 12  # the one-time password, shown once
    assert "new.head" in list(at.dataframe[0].value["username"])
    assert next(box.value for box in at.text_input if box.label == t("label.username", "ru")) == ""
    at.run()
    assert not at.code and t("users.created", "ru", username="new\\.head") not in [s.value for s in at.success]
