"""Each role's working day in a real browser, in Russian, Kazakh and English.

A journey signs in, visits every page its role has, switches the language there and back on each, and does the
role's main task: the officer finishes and submits a self-assessment with a photo and records an incident; the
enterprise manager confirms a proposed action; the regional manager filters the dashboard, opens an enterprise and
downloads the regional report (in Kazakh); the administrator creates an account whose holder then signs in.

On every page it fails on an exception shown, a "None" in a table, a catalogue key shown raw, an error in the
browser's console, and on any serious or critical WCAG 2.1 AA violation axe-core finds (axe-core is the npm package
pinned in tests/a11y, injected into the page). Screenshots go to tests/artifacts/journeys/ (git-ignored).

The database is the demo with its records kept as real ones (an administrator may add accounts only beside real
data) and, per language, an officer of another enterprise whose draft has the first six rules answered, and a
proposed action for the enterprise manager.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_kit import (
    ARTIFACTS,
    REQUIRED,
    choose,
    chromium,
    expect_page_loaded,
    guarded_page,
    idle,
    pattern,
    serve,
    sign_in,
)
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect
from pypdf import PdfReader

from app_pages.navigation import PAGES
from safety.access.auth import change_password, current_user
from safety.access.roles import SYSTEM, Role, User, can
from safety.access.users import create_user, list_users
from safety.checklists.actions import create_action
from safety.checklists.assessments import open_draft, save_answer
from safety.checklists.schema import load_checklists
from safety.db import Store
from safety.demo import demo_credentials, load_demo
from safety.i18n import LANGUAGE_NAMES, LANGUAGES, catalogue, t
from safety.register.enterprises import list_enterprises
from safety.register.geography import DISTRICTS

from conftest import ROOT, made_real, user_id_of

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.exists():
    reason = f"{AXE} not found: run `npm ci --prefix tests/a11y`"
    if REQUIRED:
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)

SHOTS = ARTIFACTS / "journeys"
PASSWORD = "journey password 2026"  # of the accounts the fixture makes
CHECKLIST = "golden_rules"
OTHER = {"ru": "kk", "kk": "en", "en": "ru"}  # the language each journey switches to, and back, on every page
TITLES = {  # the catalogue key of each page's h1, by its address
    "home": "home.title",
    "dashboard": "dashboard.title",
    "enterprises": "register.title",
    "enterprise": "enterprise.title",
    "assessment": "assessment.title",
    "actions": "actions.title",
    "incidents": "incidents.title",
    "incident-import": "import.title",
    "users": "users.title",
    "audit": "audit.title",
    "account": "account.title",
    "reports": "page.reports",
}
EMPTY_WORDS = {"None", "none", "nan", "NaN", "NaT", "<NA>", "null", "undefined"}
# Any catalogue key, shown as itself, is a text the catalogue lacks (t() shows a missing key so).
RAW_KEY = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(k) for k in sorted(catalogue(), key=len, reverse=True)) + r")(?![\w.])"
)
AXE_RUN = """async () => {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({rule: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.html.slice(0, 160) + ' — ' + n.failureSummary.slice(0, 240))}));
}"""

WORLD: dict[str, dict] = {}  # what the fixture made: accounts, passwords, pages per role, seeded actions


def _pages_of(user: User) -> list[str]:
    """The addresses of the pages the user's navigation lists, in its order."""
    return [url for _, _, url, action in PAGES if can(user, action)]


def _seed(store: Store) -> None:
    """Demo data kept as real; per language an officer with a draft six rules in, and an action to confirm."""
    load_demo(store)
    passwords = {c["username"]: c["password"] for c in demo_credentials(store)}
    made_real(store)
    accounts = {u["username"]: u for u in list_users(store, SYSTEM)}
    head = current_user(store, user_id_of(store, "demo.head"))
    officer = current_user(store, user_id_of(store, "demo.officer"))
    assert head is not None and officer is not None
    others = [e for e in list_enterprises(store, SYSTEM) if e.bin != accounts["demo.officer"]["enterprise_bin"]]
    checklist = load_checklists()[CHECKLIST]
    WORLD.update(officer={}, actions={}, passwords=passwords)
    for language, enterprise in zip(LANGUAGES, others, strict=False):
        username = f"officer.{language}"
        made, one_time = create_user(
            store,
            SYSTEM,
            {
                "username": username,
                "full_name": f"Journey Officer {language}",
                "email": f"{username}@example.kz",
                "role": Role.SAFETY_OFFICER,
                "enterprise_bin": enterprise.bin,
            },
        )
        change_password(store, made, one_time, PASSWORD)
        fresh = current_user(store, made.id)
        assert fresh is not None
        draft = open_draft(store, fresh, enterprise.bin, CHECKLIST)
        for rule in checklist.rules[:-1]:
            for item in rule.items:
                save_answer(store, fresh, draft.id, item.id, rating="green")
        WORLD["officer"][language] = username
        WORLD["passwords"][username] = PASSWORD
        action = create_action(
            store,
            officer,
            accounts["demo.officer"]["enterprise_bin"],
            {"title": f"Journey {language}: fence the scaffold", "due_on": dt.date.today() + dt.timedelta(days=20),
             "state": "proposed", "priority": "high"},
        )  # fmt: skip
        WORLD["actions"][language] = action
    WORLD["card"] = others[-1].bin  # the enterprise the regional manager opens, found by its BIN
    WORLD["pages"] = {
        "officer": _pages_of(officer),
        "head": _pages_of(head),
        "region": _pages_of(_user(store, user_id_of(store, "demo.region"))),
        "admin": _pages_of(_user(store, user_id_of(store, "demo.admin"))),
    }


def _user(store: Store, user_id: int) -> User:
    found = current_user(store, user_id)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the journeys' database."""
    tmp = tmp_path_factory.mktemp("journeys")
    db_path = tmp / "journeys.duckdb"
    with Store(db_path) as store:
        _seed(store)
    with serve(db_path, tmp / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as each:
        yield each


def _account(role: str, language: str) -> str:
    return {"officer": WORLD["officer"].get(language), "head": "demo.head", "region": "demo.region"}.get(
        role, "demo.admin"
    )


# --- what every page is held to


def _arrived(page: Page, url: str, language: str) -> None:
    """The page's title in `language`, its run over, no dialog (the journeys' data is real: no demo notice)."""
    expect_page_loaded(page, TITLES[url], language, demo=False)


def _check(page: Page, where: str) -> None:
    """No exception, no empty word in a table, no raw catalogue key."""
    exceptions = page.get_by_test_id("stException")
    assert exceptions.count() == 0, f"{where}: {exceptions.first.inner_text()}"
    cells = page.locator("[data-testid=stDataFrame] table td, [data-testid=stTable] td").all_inner_texts()
    empty = sorted({c.strip() for c in cells} & EMPTY_WORDS)
    assert not empty, f"{where}: a table shows {empty}"
    raw = sorted(set(RAW_KEY.findall(page.get_by_test_id("stApp").inner_text())))
    assert not raw, f"{where}: raw catalogue keys on the page: {raw}"


def _accessible(page: Page, where: str) -> None:
    """axe-core finds no serious or critical WCAG 2.1 A/AA violation on the page as it stands, once its run is over
    and nothing is fading in (a half-faded text measured mid-transition fails the contrast rule)."""
    idle(page)
    expect(page.locator("[data-stale='true']")).to_have_count(0)
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    if not page.evaluate("typeof window.axe !== 'undefined'"):  # navigation keeps the document, and axe with it
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN)
    assert not violations, f"{where}: accessibility violations:\n" + "\n".join(
        f"{v['impact']} {v['rule']} ({v['help']}):\n    " + "\n    ".join(v["nodes"]) for v in violations
    )


def _shot(page: Page, name: str, *, whole: bool = True) -> None:
    """A screenshot (of the whole page, or of what the window shows), once the parts Streamlit draws late (badges in
    Markdown) are drawn."""
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=whole)


def _switch(page: Page, language: str) -> None:
    """Pick `language` in the sidebar's language box."""
    choose(page.get_by_test_id("stSidebar").locator(".st-key-lang"), LANGUAGE_NAMES[language])


def _nav(page: Page, url: str, language: str) -> None:
    """Open a page from the sidebar's navigation."""
    key = next(key for _, key, address, _ in PAGES if address == url)
    idle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=t(key, language), exact=True).click()
    _arrived(page, url, language)


def _visit_every_page(page: Page, role: str, language: str) -> None:
    """Every page of the role: checked and axe-checked. On the first, the language is switched away and back and the
    page checked again (every page is drawn in every language anyway: the journeys run in all three)."""
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    expect(links).to_have_count(len(WORLD["pages"][role]))
    for number, url in enumerate(WORLD["pages"][role]):
        where = f"{role}/{language}/{url}"
        _nav(page, url, language)
        _check(page, where)
        _accessible(page, where)
        _shot(page, f"{role}_{language}_{number:02d}_{url}", whole=False)
        for shown in (OTHER[language], language) if number == 0 else ():
            _switch(page, shown)
            _arrived(page, url, shown)
            _check(page, f"{where} → {shown}")


def _box(scope: Page | Locator, label: str) -> Locator:
    """The selectbox with this label, on the page or in a part of it."""
    root = scope if isinstance(scope, Page) else scope.page  # `has` is matched inside each box, from the page
    return scope.get_by_test_id("stSelectbox").filter(has=root.get_by_test_id("stWidgetLabel").get_by_text(label))


def _pick_typed(box: Locator, typed: str) -> None:
    """Pick from a long list by typing part of the option, then taking the one option left."""
    idle(box.page)
    box.get_by_role("combobox").fill(typed)
    option = box.page.get_by_role("option").filter(has_text=typed)
    expect(option).to_have_count(1)
    option.click()
    idle(box.page)


def _photo() -> bytes:
    """A small site photo (a PNG drawn here)."""
    image = Image.new("RGB", (96, 64), (200, 120, 40))
    image.paste((30, 90, 160), (20, 10, 70, 50))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- the roles' main tasks


def _officer_task(page: Page, language: str) -> None:
    """Finish the draft's last rule (one item yellow), attach a photo to its first item, submit, confirm the
    proposed action; then record a near miss."""
    checklist = load_checklists()[CHECKLIST]
    labels = {level.id: level.label.get(language) for level in checklist.scale}
    last = checklist.rules[-1]
    _nav(page, "assessment", language)
    page.get_by_role("tab").nth(len(checklist.rules) - 1).click()
    panel = page.get_by_role("tabpanel").filter(visible=True)
    for number in range(len(last.items)):
        group = panel.get_by_role("radiogroup").nth(number)
        rating = "yellow" if number == 0 else "green"
        idle(page)
        group.get_by_text(labels[rating], exact=True).click()
        expect(group.get_by_role("radio", name=labels[rating], exact=True)).to_be_checked()
    expect(page.get_by_role("tab").last).to_contain_text(f"{len(last.items)}/{len(last.items)}")

    idle(page)
    panel.get_by_role("button", name=t("evidence.button", language, count=0)).first.click()
    popover = page.get_by_test_id("stPopoverBody")
    popover.locator("input[type=file]").set_input_files(
        {"name": "scaffold.png", "mimeType": "image/png", "buffer": _photo()}
    )
    expect(popover.get_by_text("scaffold.png")).to_be_visible()
    expect(popover.get_by_role("img").first).to_be_visible()  # the thumbnail
    _shot(page, f"officer_{language}_task_photo")
    page.keyboard.press("Escape")
    expect(panel.get_by_role("button", name=t("evidence.button", language, count=1))).to_be_visible()

    idle(page)
    page.get_by_role("button", name=t("assessment.submit", language), exact=True).click()
    expect(page.get_by_text(t("assessment.submitted", language, count=1))).to_be_visible()
    _check(page, f"officer/{language}/submitted")
    _accessible(page, f"officer/{language}/submitted")
    _shot(page, f"officer_{language}_task_submitted")
    page.get_by_role("button", name=t("assessment.confirm_actions", language), exact=True).click()
    expect(page.get_by_text(t("assessment.actions_confirmed", language))).to_be_visible()

    _nav(page, "incidents", language)
    count = page.get_by_text(pattern("incidents.count", language, "count"))
    before = int(re.sub(r"\D", "", count.inner_text()))
    page.get_by_test_id("stExpander").filter(has_text=t("incidents.add", language)).locator("summary").click()
    form = page.get_by_test_id("stForm").filter(has=page.get_by_label(t("incident.col.description", language)))
    form.scroll_into_view_if_needed()
    choose(_box(form, t("incident.col.kind", language)), t("kind.near_miss", language))
    form.get_by_label(t("incident.col.description", language)).fill(f"Journey {language}: a pallet slid off a forklift")
    form.get_by_label(t("incident.col.place", language)).fill("Warehouse 2")
    form.get_by_role("button", name=t("action.add", language), exact=True).click()
    expect(page.get_by_text(t("incidents.count", language, count=before + 1), exact=True)).to_be_visible()
    _check(page, f"officer/{language}/incident recorded")
    _shot(page, f"officer_{language}_task_incident")


def _head_task(page: Page, language: str) -> None:
    """Confirm the action proposed for this language's journey."""
    action = WORLD["actions"][language]
    _nav(page, "actions", language)
    box = _box(page, t("actions.choose", language))
    _pick_typed(box, action["title"])
    confirm = page.get_by_role("button", name=t("actions.confirm", language), exact=True)
    confirm.click()
    idle(page)
    expect(confirm).to_have_count(0)  # no longer a proposal
    expect(box.get_by_role("combobox")).to_have_value(re.compile(re.escape(action["title"])))
    _check(page, f"head/{language}/confirmed")
    _shot(page, f"head_{language}_task_confirmed")


def _download_report(page: Page, language: str, fmt: str) -> bytes:
    """Open the Reports page with its default choices, click the format's button and return the file it gives."""
    _nav(page, "reports", language)
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name=t(f"report.page.{fmt}", language)).click()
    data = Path(download.value.path()).read_bytes()
    _check(page, f"reports/{language}/{fmt}")
    _shot(page, f"reports_{language}_{fmt}")
    return data


def _region_task(page: Page, language: str) -> None:
    """Filter the dashboard by a district, then open an enterprise's card."""
    _nav(page, "dashboard", language)
    district = DISTRICTS[1]
    choose(_box(page, t("label.kato", language)), district.name(language))
    expect(_box(page, t("label.kato", language)).get_by_role("combobox")).to_have_value(district.name(language))
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(6)
    for chart in charts.all():  # each drawn from the data it was sent
        expect(chart.locator("canvas, svg").first).to_be_attached()
    _check(page, f"region/{language}/dashboard filtered")
    _accessible(page, f"region/{language}/dashboard filtered")
    _shot(page, f"region_{language}_task_dashboard")
    _nav(page, "enterprise", language)
    box = _box(page, t("enterprise.choose", language))
    _pick_typed(box, WORLD["card"])
    expect(page.get_by_text(WORLD["card"]).first).to_be_visible()
    _check(page, f"region/{language}/enterprise opened")
    _shot(page, f"region_{language}_task_enterprise")
    if language == "kk":  # once, in the language with the most letters of its own
        pdf = _download_report(page, language, "pdf")  # the regional report
        assert pdf.startswith(b"%PDF") and len(PdfReader(io.BytesIO(pdf)).pages) > 5
        assert "қ" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def _admin_task(page: Page, language: str, browser: Browser, server: str) -> None:
    """Create a regional manager's account; its holder signs in with the one-time password and sets their own."""
    username = f"inspector.{language}"
    _nav(page, "users", language)
    adding = page.get_by_test_id("stExpander").filter(has_text=t("users.add", language))
    adding.locator("summary").click()
    form = adding.get_by_test_id("stForm")
    for label, value in (("username", username), ("full_name", f"Inspector {language}"), ("email", f"{username}@x.kz")):
        form.get_by_role("textbox", name=t("label." + label, language), exact=True).fill(value)
    choose(_box(form, t("label.role", language)), t("role.regional_manager", language))
    form.get_by_role("button", name=t("action.add", language), exact=True).click()
    expect(page.get_by_text(t("users.created", language, username=username))).to_be_visible()
    one_time = page.get_by_test_id("stCode").first.inner_text().strip()
    _check(page, f"admin/{language}/user created")
    _shot(page, f"admin_{language}_task_created")

    with guarded_page(browser, server) as newcomer:
        newcomer.goto(f"/?lang={language}")
        sign_in(newcomer, username, one_time, language)
        _arrived(newcomer, "account", language)
        expect(newcomer.get_by_text(t("account.must_change", language))).to_be_visible()
        newcomer.get_by_label(t("label.old_password", language), exact=True).fill(one_time)
        newcomer.get_by_label(t("label.new_password", language), exact=True).fill(PASSWORD)
        newcomer.get_by_label(t("label.password_again", language), exact=True).fill(PASSWORD)
        newcomer.get_by_role("button", name=t("account.change", language), exact=True).click()
        expect(newcomer.get_by_text(t("account.changed", language))).to_be_visible()
        _nav(newcomer, "home", language)  # the whole navigation is open now
        _check(newcomer, f"admin/{language}/newcomer home")
        _shot(newcomer, f"admin_{language}_task_newcomer_home")


TASKS: dict[str, Callable[..., None]] = {
    "officer": _officer_task,
    "head": _head_task,
    "region": _region_task,
    "admin": _admin_task,
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(TASKS))
def test_a_role_works_through_every_page(browser: Browser, server: str, role: str, language: str) -> None:
    """Sign in, every page (the language switched away and back on the first), the role's main task; no console
    error throughout."""
    username = _account(role, language)
    with guarded_page(browser, server, locale={"ru": "ru-RU", "kk": "kk-KZ", "en": "en-GB"}[language]) as page:
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
        page.goto(f"/?lang={language}")
        sign_in(page, username, WORLD["passwords"][username], language)
        _arrived(page, "home", language)
        _visit_every_page(page, role, language)
        if role == "admin":
            _admin_task(page, language, browser, server)
        else:
            TASKS[role](page, language)
        assert not console, f"{role}/{language}: errors in the browser's console: {console}"
