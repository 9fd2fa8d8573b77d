"""The home page per role through AppTest: the role's sections show in every language, every item opens the page
where its work is done with the right thing chosen, empty sections say so, no "None" and no raw catalogue key;
the sidebar counts the person's due items."""

import datetime as dt

import pytest

from safety.access.auth import user_from_row
from safety.access.roles import SYSTEM
from safety.checklists.actions import create_action
from safety.checklists.assessments import open_draft
from safety.db import Store
from safety.db import users as users_sql
from safety.i18n import LANGUAGES, t
from safety.incidents.log import add_incident
from safety.work.items import due_items

SECTIONS = {
    "demo.officer": [
        "home.mine.title",
        "work.kind.draft",
        "home.section.actions",
        "home.section.investigations",
        "home.section.assessment",
        "work.kind.last_import",
    ],
    "demo.head": ["home.mine.title", "work.kind.draft", "home.section.to_confirm", "home.section.actions"],
    "demo.region": ["home.attention.title", "home.programme"],
    "demo.admin": ["home.admin.title", "home.programme"],
}


def _user(at, name):
    with Store(at.db_path) as store, store.cursor() as cur:
        return user_from_row(users_sql.by_username(cur, name))


def _texts(at):
    """Every text the page shows: titles, headings, Markdown, captions, labels and the sidebar."""
    shown = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "warning") for e in at.get(kind)]
    shown += [b.label for b in at.button] + [m.label for m in at.metric] + [str(m.value) for m in at.metric]
    shown += [link.label for link in at.get("page_link")] + [e.value for e in at.sidebar.get("caption")]
    return [str(s) for s in shown]


def _headings(at):
    return [e.value for e in at.markdown] + [e.value for e in at.subheader]


def _sidebar_links(at):
    return [link.label for link in at.sidebar.get("page_link")]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(SECTIONS))
def test_each_role_sees_its_own_sections(demo_app, name, lang):
    at = demo_app(name)
    at.sidebar.selectbox(key="lang").set_value(lang).run()
    assert not at.exception, at.exception
    headings = " ".join(_headings(at))
    for key in SECTIONS[name]:
        assert t(key, lang) in headings, key
    texts = _texts(at)
    assert not [s for s in texts if "None" in s]
    assert not [s for s in texts if any(part in s for part in ("home.", "work.", "sidebar."))], texts
    absent = {"demo.officer": "home.section.to_confirm", "demo.head": "home.attention.title"}
    assert t(absent.get(name, "home.mine.title"), lang) not in headings


def test_the_officer_and_the_manager_no_longer_get_the_regions_figures(demo_app):
    for name in ("demo.officer", "demo.head"):
        at = demo_app(name)
        assert t("home.metric.enterprises", "ru") not in [m.label for m in at.metric]
    at = demo_app("demo.region")
    assert t("home.metric.enterprises", "ru") in [m.label for m in at.metric]


def test_the_sidebar_counts_the_due_items(demo_app):
    at = demo_app("demo.officer")
    with Store(at.db_path) as store:
        count = len(due_items(store, _user(at, "demo.officer"), dt.date.today(), "ru"))
    assert count > 0
    assert _sidebar_links(at) == [t("sidebar.due", "ru", count=count)]
    at.sidebar.selectbox(key="lang").set_value("kk").run()
    assert _sidebar_links(at) == [t("sidebar.due", "kk", count=count)]


def test_nothing_due_says_so_and_the_admin_gets_no_count(demo_app):
    at = demo_app("demo.admin")
    assert _sidebar_links(at) == []
    assert t("sidebar.due.none", "ru") not in [c.value for c in at.sidebar.get("caption")]
    at = demo_app("demo.head")
    with Store(at.db_path) as store, store.transaction() as cur:
        cur.execute("UPDATE corrective_actions SET state = 'done', completed_on = due_on")
        cur.execute("UPDATE assessments SET assessed_on = current_date WHERE status = 'submitted'")
    at.run()
    assert _sidebar_links(at) == []
    assert t("sidebar.due.none", "ru") in [c.value for c in at.sidebar.get("caption")]
    captions = [c.value for c in at.caption]
    for key in ("home.to_confirm.none", "home.actions.none", "home.investigations.none", "home.import.none"):
        assert t(key, "ru") in captions, key


def test_an_action_opens_on_the_actions_page_chosen(demo_app):
    at = demo_app("demo.officer")
    button = next(b for b in at.button if b.key.startswith("open:action_"))
    action_id = int(button.key.rsplit(":", 1)[1])
    button.click().run()
    assert not at.exception
    assert [x.value for x in at.title] == [t("actions.title", "ru")]
    assert at.selectbox(key="act_chosen").value == action_id
    assert at.selectbox(key="act_state@ru").value is None


def test_the_draft_continues_on_the_assessment_page(demo_app):
    at = demo_app("demo.officer")
    user = _user(at, "demo.officer")
    with Store(at.db_path) as store:
        bin_ = next(iter(_bins(store, user)))
        open_draft(store, user, bin_, "leading_indicators")
    at.run()
    assert t("home.continue", "ru") in [b.label for b in at.button]
    progress = [p.text for p in at.get("progress")]
    assert progress and "0" in progress[0]
    at.button(key="open:draft:leading_indicators").click().run()
    assert [x.value for x in at.title] == [t("assessment.title", "ru")]
    assert at.radio(key="assessment_checklist").value == "leading_indicators"


def _bins(store, user):
    with store.cursor() as cur:
        return [r[0] for r in cur.execute("SELECT bin FROM enterprises WHERE id = ?", [user.enterprise_id]).fetchall()]


def test_an_investigation_step_opens_the_accident_on_the_incidents_page(demo_app):
    at = demo_app("demo.officer")
    user = _user(at, "demo.officer")
    with Store(at.db_path) as store:
        [bin_] = _bins(store, user)
        case = add_incident(
            store,
            user,
            bin_,
            {"occurred_on": dt.date.today() - dt.timedelta(days=7), "kind": "accident", "severity": "fatal"},
        )
    at.run()
    markdown = " ".join(m.value for m in at.markdown)
    assert t("investigation.step.report", "ru") in markdown
    at.button(key=f"open:investigation_step:{case['id']}").click().run()
    assert not at.exception
    assert [x.value for x in at.title] == [t("incidents.title", "ru")]
    assert at.selectbox(key="inv_case").value == case["id"]
    assert at.selectbox(key="inc_bin@ru").value == bin_


def test_the_manager_confirms_a_proposal_from_the_home_page(demo_app):
    at = demo_app("demo.head")
    user = _user(at, "demo.head")
    with Store(at.db_path) as store:
        [bin_] = _bins(store, user)
        proposal = create_action(
            store, SYSTEM, bin_, {"title": "Обучить мастеров", "due_on": dt.date.today(), "state": "proposed"}
        )["id"]
    at.run()
    at.button(key=f"open:action_to_confirm:{proposal}").click().run()
    assert [x.value for x in at.title] == [t("actions.title", "ru")]
    assert at.selectbox(key="act_chosen").value == proposal
    at.button(key="act_confirm").click().run()
    at.switch_page("app_pages/home.py").run()
    assert f"open:action_to_confirm:{proposal}" not in [b.key for b in at.button]


def test_the_regional_manager_opens_an_enterprise_that_needs_attention(demo_app):
    at = demo_app("demo.region")
    button = next(b for b in at.button if b.key.startswith("attention:"))
    bin_ = button.key.split(":", 1)[1]
    first = next(m.value for m in at.markdown if m.value.startswith("**1."))
    assert bin_ in first
    button.click().run()
    assert [x.value for x in at.title] == [t("enterprise.title", "ru")]
    assert at.selectbox(key="enterprise_bin@ru").value == bin_


def test_the_administrator_sees_accounts_backup_and_size(demo_app):
    at = demo_app("demo.admin")
    labels = [m.label for m in at.metric]
    assert t("home.admin.db_size", "ru") in labels and t("home.admin.backup", "ru") in labels
    assert t("home.admin.backup.none", "ru") in [c.value for c in at.caption]
    table = at.dataframe[0].value
    assert list(table["total"]) == [1, 1, 1, 1]
    assert [link.label for link in at.get("page_link")][:2] == [t("page.users", "ru"), t("page.audit", "ru")]
