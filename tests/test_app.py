"""Every page in every language through AppTest (signed in as the demo admin), the language switch, forms."""

import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import ui
from safety.access.auth import create_admin
from safety.access.roles import SYSTEM as ADMIN
from safety.db import Store
from safety.demo import mark_initialised
from safety.i18n import LANGUAGES, t
from safety.register.enterprises import get_enterprise, list_enterprises

from conftest import ROOT, at_once, held_by_another_process, signed_in

PAGES = {
    "app_pages/home.py": "home.title",
    "app_pages/enterprises.py": "register.title",
    "app_pages/enterprise.py": "enterprise.title",
    "app_pages/users.py": "users.title",
    "app_pages/audit.py": "audit.title",
    "app_pages/account.py": "account.title",
    "app_pages/actions.py": "actions.title",
    "app_pages/incidents.py": "incidents.title",
}


@pytest.fixture
def app(demo_app):
    """The app on a private copy of the demo database, signed in as the demo administrator."""
    return demo_app("demo.admin")


def _titles(at):
    return [title.value for title in at.title]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_in_every_language(app, lang):
    app.sidebar.selectbox(key="lang").set_value(lang).run()
    for page, title_key in PAGES.items():
        app.switch_page(page).run()
        assert not app.exception, f"{page} ({lang}): {app.exception}"
        assert not app.error, f"{page} ({lang}): {[e.value for e in app.error]}"
        assert _titles(app) == [t(title_key, lang)]
        assert t("demo.notice", lang) in [info.value for info in app.info]


def test_russian_is_the_default_and_home_shows_programme_figures(app):
    assert _titles(app) == [t("home.title", "ru")]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[t("home.metric.enterprises", "ru")] == "31"
    assert metrics[t("home.metric.districts", "ru")] == "11"


def test_switching_language_keeps_the_page_and_its_state(app):
    app.switch_page("app_pages/enterprises.py").run()
    app.text_input(key="register_search").set_value("Сахар").run()
    shown = len(app.dataframe[0].value)
    assert 0 < shown < 31
    app.sidebar.selectbox(key="lang").set_value("kk").run()
    assert _titles(app) == [t("register.title", "kk")]
    assert app.text_input(key="register_search").value == "Сахар"
    assert len(app.dataframe[0].value) == shown
    app.sidebar.selectbox(key="lang").set_value("en").run()
    assert _titles(app) == [t("register.title", "en")]


def test_add_enterprise_through_the_form(demo_app):
    app = demo_app("demo.admin", real=True)
    app.switch_page("app_pages/enterprises.py").run()
    form = app.get("form")[0]
    fields = {w.label: w for w in form.text_input}
    fields[t("label.bin", "ru")].input("210349000012")
    fields[t("label.name_ru", "ru")].input("ТОО «Тест»")
    fields[t("label.name_kk", "ru")].input("«Тест» ЖШС")
    fields[t("label.oked", "ru")].input("20150")
    fields[t("label.industry", "ru")].input("Удобрения")
    form.button[0].click().run()
    assert not app.exception and not app.error
    assert any("ТОО «Тест»" in s.value for s in app.success)
    with Store(app.db_path) as store:  # same process as the app: DuckDB shares its open database
        assert get_enterprise(store, ADMIN, "210349000012").name_kk == "«Тест» ЖШС"
        assert len(list_enterprises(store, ADMIN)) == 32


def test_add_with_a_bad_bin_shows_the_reason_and_saves_nothing(app):
    app.switch_page("app_pages/enterprises.py").run()
    form = app.get("form")[0]
    fields = {w.label: w for w in form.text_input}
    fields[t("label.bin", "ru")].input("21034900001A")
    form.button[0].click().run()
    assert len(app.error) == 1
    message = app.error[0].value
    assert "«A»" in message and t("label.name_ru", "ru") in message
    assert len(app.dataframe[0].value) == 31


def test_enterprise_page_opens_the_chosen_enterprise(app):
    app.session_state["enterprise_bin"] = None
    app.switch_page("app_pages/enterprise.py").run()
    chosen = app.selectbox(key="enterprise_bin@ru").value
    assert chosen and len(chosen) == 12
    assert len(app.data_editor) == 1 and len(app.data_editor[0].value) == 5  # five demo years
    app.button(key="toggle_active").click().run()
    assert t("enterprise.inactive", "ru") in [w.value for w in app.warning]


def test_empty_register_says_so(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    with Store(path) as store:
        mark_initialised(store)
        admin = create_admin(store, "boss", "a long enough password", "Boss")
    monkeypatch.setenv("VZ_DB_PATH", str(path))
    at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), admin.id).run()
    at.switch_page("app_pages/enterprise.py").run()
    assert not at.exception and t("enterprise.none", "ru") in [i.value for i in at.info]
    assert t("demo.notice", "ru") not in [i.value for i in at.info]


def test_locked_database_shows_a_message_not_a_traceback(tmp_path, monkeypatch):
    path = tmp_path / "held.duckdb"
    Store(path).close()
    monkeypatch.setenv("VZ_DB_PATH", str(path))
    with held_by_another_process(path):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1 and "другим процессом" in at.error[0].value


def test_new_database_is_filled_with_the_demo_on_first_start(tmp_path, monkeypatch):
    path = tmp_path / "fresh.duckdb"
    monkeypatch.setenv("VZ_DB_PATH", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and t("demo.notice", "ru") in [i.value for i in at.info]
    with Store(path) as store:
        assert len(list_enterprises(store, ADMIN)) == 31


def test_script_runs_beyond_the_slots_wait_their_turn_and_a_stopped_run_frees_its_slot():
    inside, most = [], []
    lock = threading.Lock()

    def run(number: int) -> None:
        with ui.script_slot():
            with lock:
                inside.append(number)
                most.append(len(inside))
            time.sleep(0.05)
            with lock:
                inside.remove(number)
            if number % 2:
                raise RuntimeError("st.stop and st.rerun end a run with an exception")

    _, errors = at_once(12, run)
    assert len(errors) == 6 and max(most) == ui.DEFAULT_CONCURRENT_RUNS
    acquired = [ui._RUNS.acquire(blocking=False) for _ in range(ui.DEFAULT_CONCURRENT_RUNS)]
    assert all(acquired)  # every slot came back, the failed runs' too
    for _ in acquired:
        ui._RUNS.release()
