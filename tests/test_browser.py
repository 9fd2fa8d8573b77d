"""Real-browser journeys: the app served by `streamlit run`, driven in Debian's Chromium through Playwright.

The server runs on a free loopback port with a fresh database (so it loads the demo data); the browser talks to
127.0.0.1 only: any other request is aborted and fails the test. A screenshot of every step goes to
tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from browser_kit import (
    TIMEOUT,
    VIEWPORT,
    choose,
    chromium,
    expect_page_loaded,
    guarded_page,
    idle,
    language_box,
    nav_link,
    pattern,
    serve,
    shot,
    title,
)
from browser_kit import sign_in as sign_in_with
from playwright.sync_api import Browser, Locator, Page, expect

from safety.access.roles import SYSTEM
from safety.access.users import list_users, update_user
from safety.db import Store
from safety.demo import demo_credentials, load_demo
from safety.i18n import LANGUAGE_NAMES, t
from safety.register.enterprises import get_enterprise, update_enterprise
from safety.register.geography import DISTRICTS

pytestmark = pytest.mark.browser

PASSWORDS: dict[str, str] = {}
DEMO_ENTERPRISES = "31"


# Names as an attacker would type them: Markdown and HTML that, rendered, would fetch from outside or add elements.
OUTSIDE = "203.0.113.7"  # TEST-NET-3: never a real host
HOSTILE_NAME = (
    f"Иван ![x](http://{OUTSIDE}/name.png) <img src='http://{OUTSIDE}/tag.png' id='injected-name'> **жирный** "
    ":red[красный] $x^2$"
)
HOSTILE_ENTERPRISE = (
    f"ТОО [ссылка](http://{OUTSIDE}/link) ![y](http://{OUTSIDE}/enterprise.png) <b id='injected-bin'>x</b>"
)


def _make_names_hostile(store: Store) -> None:
    """Give the demo officer and their enterprise the hostile names (through the library, as a form would)."""
    officer = next(u for u in list_users(store, SYSTEM) if u["username"] == "demo.officer")
    fields = ("full_name", "email", "role", "enterprise_bin", "active")
    update_user(store, SYSTEM, "demo.officer", {k: officer[k] for k in fields} | {"full_name": HOSTILE_NAME})
    own = get_enterprise(store, SYSTEM, officer["enterprise_bin"])
    update_enterprise(store, SYSTEM, own.bin, own.as_input() | {"name_ru": HOSTILE_ENTERPRISE})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `streamlit run app.py` on a fresh demo database with hostile names; yield its base URL."""
    tmp = tmp_path_factory.mktemp("browser")
    db_path = tmp / "browser.duckdb"
    with Store(db_path) as store:  # the demo is built here, so the test knows the demo accounts' passwords
        load_demo(store)
        PASSWORDS.update({c["username"]: c["password"] for c in demo_credentials(store)})
        _make_names_hostile(store)
    with serve(db_path, tmp / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as each:
        yield each


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A fresh, guarded browser context: see browser_kit.guarded_page."""
    with guarded_page(browser, server) as each:
        yield each


def _sign_in(page: Page, username: str, language: str) -> None:
    """Sign in with a demo account."""
    sign_in_with(page, username, PASSWORDS[username], language)


def test_home_language_switch_and_register(page: Page):
    # 1. Home in Russian, the default language. The default page is served at "/": st.Page(default=True)
    #    ignores url_path="home", so /home answers with a "Page not found" dialog.
    page.goto("/")
    _sign_in(page, "demo.admin", "ru")
    expect_page_loaded(page, "home.title", "ru")
    metric = page.get_by_test_id("stMetric").filter(has_text=t("home.metric.enterprises", "ru"))
    expect(metric.get_by_test_id("stMetricValue")).to_have_text(DEMO_ENTERPRISES)
    expect(page.get_by_test_id("stVegaLiteChart")).to_be_visible()
    shot(page, "01_home_ru")

    # 2. Switch to English in the sidebar: the same (home) page, now in English, and ?lang=en in the URL.
    language_box(page, "ru").click()
    page.get_by_role("option", name="English", exact=True).click()
    expect_page_loaded(page, "home.title", "en")
    expect(page).to_have_url(re.compile(r"/\?lang=en$"))
    expect(nav_link(page, "page.home", "en")).to_have_attribute("aria-current", "page")
    metric = page.get_by_test_id("stMetric").filter(has_text=t("home.metric.enterprises", "en"))
    expect(metric.get_by_test_id("stMetricValue")).to_have_text(DEMO_ENTERPRISES)
    expect(language_box(page, "en")).to_have_value("English")
    shot(page, "02_home_en")

    # 3. The register through the sidebar navigation: the session keeps English; the table is drawn.
    nav_link(page, "page.enterprises", "en").click()
    expect(page).to_have_url(re.compile(r"/enterprises(\?.*)?$"))
    expect_page_loaded(page, "register.title", "en")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    expect(page.get_by_text(t("register.count", "en", count=int(DEMO_ENTERPRISES)))).to_be_visible()
    shot(page, "03_register_en")

    # 4. Reload: a new Streamlit session, which the session cookie keeps signed in, and whose language comes from
    #    ?lang= alone. Page links drop the query string; the app writes it back on every run, so the address's
    #    page (the register) opens again in English.
    expect(page).to_have_url(re.compile(r"/enterprises\?lang=en$"))
    page.reload()
    expect_page_loaded(page, "register.title", "en")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    shot(page, "04_register_reloaded")


def test_deep_link_keeps_language_across_pages(page: Page):
    # A link with ?lang=en opens a page in English, and the sidebar navigation then stays in English.
    page.goto("/enterprises?lang=en")
    _sign_in(page, "demo.region", "en")
    expect_page_loaded(page, "register.title", "en")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    shot(page, "05_register_deep_link_en")

    nav_link(page, "page.enterprise", "en").click()
    expect_page_loaded(page, "enterprise.title", "en")
    shot(page, "06_enterprise_en")

    nav_link(page, "page.home", "en").click()
    expect_page_loaded(page, "home.title", "en")
    shot(page, "07_home_en")


def test_dashboard_filters_survive_switching_the_language_twice(page: Page):
    """Kinds and district chosen, the language switched there and back: no error, and the choices stay, shown in
    the new language (Streamlit keeps a keyed box's choice by the text it showed, which a switch changes)."""
    page.goto("/dashboard")
    _sign_in(page, "demo.region", "ru")
    expect_page_loaded(page, "dashboard.title", "ru")
    district = DISTRICTS[0]
    choose(page.get_by_test_id("stSelectbox").filter(has_text=t("label.kato", "ru")), district.name("ru"))
    kinds = page.get_by_test_id("stMultiSelect")
    choose(kinds, t("kind.near_miss", "ru"))
    page.keyboard.press("Escape")  # the multiselect keeps its list open for another pick
    shot(page, "23_dashboard_filters_chosen_ru")
    for language, before in (("en", "ru"), ("ru", "en"), ("kk", "ru"), ("ru", "kk")):
        idle(page)
        language_box(page, before).click()
        page.get_by_role("option", name=LANGUAGE_NAMES[language], exact=True).click()
        expect_page_loaded(page, "dashboard.title", language)
        idle(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        for kind in ("accident", "near_miss"):
            expect(kinds.get_by_text(t("kind." + kind, language), exact=True)).to_be_visible()
        area = page.get_by_test_id("stSelectbox").filter(has_text=t("label.kato", language))
        expect(area.get_by_role("combobox")).to_have_value(district.name(language))
    shot(page, "23_dashboard_filters_after_switches")


def _sign_out(page: Page, language: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("button", name=t("auth.sign_out", language), exact=True).click()
    expect(title(page, "signin.title", language)).to_be_visible()


def test_a_reload_and_a_new_tab_keep_the_session_until_sign_out(page: Page):
    page.goto("/")
    _sign_in(page, "demo.region", "ru")
    expect_page_loaded(page, "home.title", "ru")
    # The cookie is set by a script in the page, a moment after the page appears: reload once it is there.
    page.wait_for_function("document.cookie.includes('vz_session=')")
    page.reload()
    expect_page_loaded(page, "home.title", "ru")  # still signed in: the cookie resumed the session
    shot(page, "13_session_after_reload")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "vz_session"]
    assert len(cookie["value"]) >= 40 and cookie["sameSite"] == "Strict" and cookie["value"] not in page.url
    other = page.context.new_page()
    other.goto("/dashboard")
    expect_page_loaded(other, "dashboard.title", "ru")
    other.close()
    _sign_out(page, "ru")
    page.reload()
    expect(title(page, "signin.title", "ru")).to_be_visible()  # signed out for good
    shot(page, "14_session_after_sign_out")


def test_two_browsers_fill_one_self_assessment_at_once(page: Page, browser: Browser, server: str):
    second = browser.new_context(base_url=server, viewport=VIEWPORT, locale="ru-RU")
    second.set_default_timeout(TIMEOUT)
    other = second.new_page()
    try:
        for each in (page, other):
            each.goto("/assessment")
            _sign_in(each, "demo.officer", "ru")
            expect_page_loaded(each, "assessment.title", "ru")
        groups = [each.get_by_role("radiogroup") for each in (page, other)]
        progress = [each.get_by_test_id("stProgress") for each in (page, other)]
        before = [bar.inner_text() for bar in progress]
        labels = {"green": "Полностью выполняется", "yellow": "Есть возможности для улучшения"}  # the checklist's
        # the first radio group picks the checklist; the next ones are the first rule's items
        groups[0].nth(1).get_by_text(labels["green"], exact=True).click()
        groups[1].nth(2).get_by_text(labels["yellow"], exact=True).click()
        for bar, text in zip(progress, before, strict=True):
            # The answer is saved before the run that redraws the progress, so a new count proves it is stored (no
            # status widget yet may only mean the run has not begun).
            expect(bar).not_to_have_text(text)
        page.reload()
        expect_page_loaded(page, "assessment.title", "ru")
        reloaded = page.get_by_role("radiogroup")
        expect(reloaded.nth(1).get_by_role("radio", name=labels["green"], exact=True)).to_be_checked()
        expect(reloaded.nth(2).get_by_role("radio", name=labels["yellow"], exact=True)).to_be_checked()
        shot(page, "15_one_draft_two_browsers")
    finally:
        second.close()


def _shown(text: str) -> str:
    """Text as a reader sees it: without the invisible word joiners that keep addresses from becoming links."""
    return text.replace("\u2060", "")


def test_names_people_typed_show_as_text_and_fetch_nothing(page: Page):
    """A full name and an enterprise name full of Markdown and HTML show as typed on every page that shows them;
    no element is injected, and no request leaves the machine (the page fixture fails the test on one)."""
    page.goto("/")
    _sign_in(page, "demo.officer", "ru")
    expect_page_loaded(page, "home.title", "ru")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Иван", exact=False)).to_be_visible()
    assert HOSTILE_NAME in _shown(sidebar.inner_text())  # literally, brackets and all
    for key, path in (
        ("enterprise.title", "/enterprise"),
        ("dashboard.title", "/dashboard"),
        ("assessment.title", "/assessment"),
        ("incidents.title", "/incidents"),
        ("account.title", "/account"),
    ):
        page.goto(path)
        expect_page_loaded(page, key, "ru")
        page.wait_for_load_state("networkidle")
        assert page.locator("#injected-name, #injected-bin").count() == 0, path
        leaks = page.locator(f"img[src*='{OUTSIDE}'], a[href*='{OUTSIDE}']")
        found = leaks.evaluate_all(
            "els => els.map(e => (e.closest('[data-testid]') || {}).dataset?.testid + ' ' + e.outerHTML)"
        )
        assert not found, f"{path}: {found}"
    assert HOSTILE_NAME in _shown(page.get_by_test_id("stMain").inner_text())  # the account page, as typed
    shot(page, "16_hostile_names_account")


IMPORTED_POISONING = "Отравление при прогреве двигателя в боксе"
IMPORT_FILE = "журнал_браузер.csv"


def _import_log() -> bytes:
    """A small Russian log of this season: a kind the catalogue knows, one proposed by its words ("без травмы"), and
    one no word points to ("Отравление…"), which the officer maps by hand. Dates a month or more back, so they are in
    the Incidents page's default period and none is in the future."""
    today = dt.date.today()
    rows = [
        ("Несчастный случай", "лёгкая", 4, "Порез ладони о кромку листа"),
        ("Инцидент (без травмы)", "", 0, "Обрыв стропа при подъёме поддона"),
        ("Отравление угарным газом", "тяжёлая", 21, IMPORTED_POISONING),
    ]
    lines = ["Дата;Вид происшествия;Тяжесть;Дни нетрудоспособности;Описание"] + [
        f"{today - dt.timedelta(days=30 * (3 - n)):%d.%m.%Y};{kind};{severity};{days};{text}"
        for n, (kind, severity, days, text) in enumerate(rows)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _value_box(page: Page, value: str) -> Locator:
    """The import page's selectbox mapping a log's value, found by the value in its label as shown."""
    boxes = page.get_by_test_id("stSelectbox")
    return boxes.filter(has_text=f"«{value}»").or_(boxes.filter(has_text=f"“{value}”"))


def test_officer_imports_a_log_mapping_a_value_across_a_language_switch(page: Page):
    """The officer uploads a Russian log, maps a value by hand, switches language and back, imports once, sees it."""
    page.goto("/incidents")
    _sign_in(page, "demo.officer", "ru")
    expect_page_loaded(page, "incidents.title", "ru")
    count = page.get_by_text(pattern("incidents.count", "ru", "count"))
    expect(count).to_be_visible()
    before = int(re.sub(r"\D", "", count.inner_text()))

    # 1. The Import page: the file is read, one value is proposed, one waits for the officer.
    nav_link(page, "page.incident_import", "ru").click()
    expect_page_loaded(page, "import.title", "ru")
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(
        {"name": IMPORT_FILE, "mimeType": "text/csv", "buffer": _import_log()}
    )
    expect(page.get_by_role("heading", name=t("import.values", "ru"))).to_be_visible()
    expect(_value_box(page, "Инцидент (без травмы)").get_by_role("combobox")).to_have_value(t("kind.near_miss", "ru"))
    poisoning = "Отравление угарным газом"
    expect(_value_box(page, poisoning).get_by_role("combobox")).to_have_value("—")
    confirm = page.locator(".st-key-inc_confirm").get_by_role("button")
    expect(confirm).to_have_text(t("import.confirm", "ru", count=2))  # the unmapped row waits
    shot(page, "17_import_uploaded_ru")

    # 2. The officer maps the value no word pointed to: the row joins the import.
    choose(_value_box(page, poisoning), t("kind.accident", "ru"))
    expect(_value_box(page, poisoning).get_by_role("combobox")).to_have_value(t("kind.accident", "ru"))
    expect(confirm).to_have_text(t("import.confirm", "ru", count=3))
    shot(page, "18_import_value_mapped_ru")

    # 3. English and back to Russian: the file, the confirmed proposal and the officer's choice stay, in the words of
    #    the language now chosen.
    for new, name in (("en", "English"), ("ru", "Русский")):
        choose(page.get_by_test_id("stSidebar").locator(".st-key-lang"), name)
        expect_page_loaded(page, "import.title", new)
        _value_box(page, poisoning).scroll_into_view_if_needed()
        shot(page, f"19_import_after_switch_to_{new}")
        expect(_value_box(page, poisoning).get_by_role("combobox")).to_have_value(t("kind.accident", new))
        expect(_value_box(page, "Инцидент (без травмы)").get_by_role("combobox")).to_have_value(
            t("kind.near_miss", new)
        )
        expect(confirm).to_have_text(t("import.confirm", new, count=3))

    # 4. Import: the number, a link to the log, and no second import of the same file.
    confirm.click()
    done = page.get_by_test_id("stAlert").filter(has_text=pattern("import.done", "ru", "id", count=3))
    expect(done).to_be_visible()
    match = pattern("import.done", "ru", "id", count=3).search(done.inner_text())
    assert match is not None
    import_id = match.group(1)
    to_log = page.get_by_test_id("stMain").get_by_role("link", name=t("import.to_log", "ru"))
    expect(to_log).to_be_visible()
    expect(page.locator(".st-key-inc_confirm")).to_have_count(0)
    expect(page.get_by_role("button", name=pattern("import.confirm", "ru", "count"))).to_have_count(0)
    shot(page, "20_import_done_ru")

    # 5. The log: three more cases, the hand-mapped one as an accident, and the import listed under its number.
    to_log.click()
    expect_page_loaded(page, "incidents.title", "ru")
    expect(page.get_by_text(t("incidents.count", "ru", count=before + 3), exact=True)).to_be_visible()
    idle(page)
    case_box = page.locator(".st-key-inc_case").get_by_role("combobox")
    case_box.fill(IMPORTED_POISONING[:20])  # typing filters the cases
    option = page.get_by_role("option").filter(has_text=IMPORTED_POISONING)
    expect(option).to_have_count(1)
    expect(option).to_contain_text(t("kind.accident", "ru"))
    shot(page, "21_incidents_imported_case_ru")
    page.keyboard.press("Escape")
    page.get_by_test_id("stExpander").filter(has_text=t("incidents.imports", "ru")).locator("summary").click()
    undo = page.locator(".st-key-undo_id").get_by_role("combobox")
    expect(undo).to_have_value(f"№{import_id} · {IMPORT_FILE}")
    undo.scroll_into_view_if_needed()
    shot(page, "22_incidents_imports_ru")
