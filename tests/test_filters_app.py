"""The filters of the Actions, Incidents, enterprise card, Audit and register pages keep their choice through
language switches (ui.choose), and an empty dropdown speaks the page's language, not Streamlit's English."""

import pytest

from safety.i18n import t
from safety.register.geography import DISTRICTS

SWITCHES = ("en", "kk", "ru")


def _switch(at, lang: str) -> None:
    at.sidebar.selectbox(key="lang").set_value(lang).run()
    assert not at.exception, (lang, at.exception)


def _chosen(at, key: str, lang: str):
    box = at.selectbox(key=f"{key}@{lang}")
    return box.value, box.proto.placeholder


@pytest.mark.parametrize(
    ("page", "username", "filters"),
    [
        ("app_pages/actions.py", "demo.region", {"act_state": "in_progress", "act_rule": 3}),
        ("app_pages/incidents.py", "demo.region", {"inc_kind": "near_miss"}),
        ("app_pages/audit.py", "demo.admin", {"audit_action": "demo.load", "audit_user": "demo.admin"}),
        ("app_pages/enterprises.py", "demo.region", {"register_kato": DISTRICTS[1].kato}),
    ],
)
def test_a_filter_keeps_its_choice_through_language_switches(demo_app, page, username, filters):
    at = demo_app(username)
    at.switch_page(page).run()
    for key, value in filters.items():
        at.selectbox(key=f"{key}@ru").set_value(value).run()
    assert not at.exception
    for lang in SWITCHES:
        _switch(at, lang)
        for key, value in filters.items():
            chosen, placeholder = _chosen(at, key, lang)
            assert chosen == value, (lang, key)
            assert placeholder == t("common.choose", lang)


def test_the_enterprise_card_keeps_the_enterprise_and_opens_the_one_asked_for(demo_app):
    """The card's enterprise outlives a language switch; a page that opens an enterprise there still does."""
    at = demo_app("demo.region")
    at.switch_page("app_pages/enterprise.py").run()
    at.selectbox(key="enterprise_bin@ru").select_index(1).run()
    chosen = at.selectbox(key="enterprise_bin@ru").value
    for lang in SWITCHES:
        _switch(at, lang)
        assert at.selectbox(key=f"enterprise_bin@{lang}").value == chosen
    at.switch_page("app_pages/dashboard.py").run()
    league = at.dataframe[1].value
    other = next(b for b in league["bin"] if b != chosen)
    at.session_state["enterprise_bin"] = other  # as the league, the register and the home page do
    at.switch_page("app_pages/enterprise.py").run()
    assert at.selectbox(key="enterprise_bin@ru").value == other


def test_an_empty_multiselect_speaks_the_page_language(demo_app):
    """The dashboard's kinds emptied: «Выберите из списка», not "Choose options"."""
    at = demo_app("demo.region")
    at.switch_page("app_pages/dashboard.py").run()
    at.multiselect(key="dash_kinds@ru").set_value([]).run()
    assert not at.exception
    for lang in ("ru", "kk", "en"):
        if lang != "ru":
            _switch(at, lang)
        kinds = at.multiselect(key=f"dash_kinds@{lang}")
        assert kinds.value == [] and kinds.proto.placeholder == t("common.choose", lang)
