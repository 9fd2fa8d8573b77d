"""The Reports page through AppTest: every role in every language, the choices each role gets, and the two
download buttons whose files are built only when clicked."""

import pytest

from safety.i18n import LANGUAGES, t

from conftest import recorded_downloads

REPORTS = "app_pages/reports.py"
PICKERS = ("report_kind", "report_district", "report_division", "report_bin")  # keyed <name>@<language>


def _reports(demo_app, username):
    at = demo_app(username)
    at.switch_page(REPORTS).run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    return at


def _pickers(at):
    return {s.key.partition("@")[0] for s in at.selectbox} & set(PICKERS)


@pytest.mark.parametrize("username", ["demo.admin", "demo.region", "demo.head", "demo.officer"])
def test_the_page_shows_for_every_role_in_every_language(demo_app, monkeypatch, username):
    captured = recorded_downloads(monkeypatch, by="key")
    at = _reports(demo_app, username)
    for lang in LANGUAGES:
        if lang != "ru":
            at.sidebar.selectbox(key="lang").set_value(lang).run()
        assert not at.exception and not at.error, (lang, at.exception, [e.value for e in at.error])
        assert [title.value for title in at.title] == [t("page.reports", lang)]
        assert at.selectbox(key=f"report_lang@{lang}").value == lang  # the report's language follows the page's
        assert {"report_pdf", "report_xlsx"} <= set(captured)
        assert all(callable(data) for data in captured.values())  # nothing is built before a click
        scoped = username in ("demo.head", "demo.officer")
        assert _pickers(at) == (set() if scoped else {"report_kind", "report_district", "report_division"})


@pytest.mark.parametrize("username", ["demo.head", "demo.officer"])
def test_an_enterprise_user_gets_their_own_card(demo_app, monkeypatch, username):
    captured = recorded_downloads(monkeypatch, by="file_name")
    at = _reports(demo_app, username)
    assert not _pickers(at)
    [pdf] = [name for name in captured if name.endswith(".pdf")]
    assert pdf.startswith("report_card_") and at.caption  # the card of their enterprise, named on the page
    assert t("report.page.about.card", "ru") in [c.value for c in at.caption]
    assert captured[pdf]().startswith(b"%PDF")
    [xlsx] = [name for name in captured if name.endswith(".xlsx")]
    assert captured[xlsx]().startswith(b"PK")


def test_a_regional_manager_picks_the_card_of_any_enterprise(demo_app, monkeypatch):
    captured = recorded_downloads(monkeypatch, by="key")
    at = _reports(demo_app, "demo.region")
    at.selectbox(key="report_kind@ru").set_value("card").run()
    assert not at.exception and not at.error
    picker = at.selectbox(key="report_bin@ru")
    assert len(picker.options) == 31
    at.selectbox(key="report_district@ru").set_value("311000000").run()
    picker = at.selectbox(key="report_bin@ru")
    assert 1 < len(picker.options) < 31  # only Taraz's enterprises
    at.selectbox(key="report_lang@ru").set_value("kk").run()
    assert not at.exception and not at.error
    assert captured["report_pdf"]().startswith(b"%PDF")
    assert captured["report_xlsx"]().startswith(b"PK")


def test_the_regional_report_downloads(demo_app, monkeypatch):
    captured = recorded_downloads(monkeypatch, by="key")
    at = _reports(demo_app, "demo.admin")
    assert at.selectbox(key="report_kind@ru").value == "regional"
    assert t("report.page.about.regional", "ru") in [c.value for c in at.caption]  # what the report holds
    assert captured["report_pdf"]().startswith(b"%PDF")
    assert captured["report_xlsx"]().startswith(b"PK")
