"""The incident pages through AppTest: a whole import with a fixture log, value mapping, undo; the log."""

from safety.i18n import t

from conftest import DATA

LOGS = DATA / "logs"


def _upload(at, name):
    at.file_uploader(key="inc_file").set_value((name, (LOGS / name).read_bytes(), "application/octet-stream")).run()
    return at


def test_whole_import_through_the_page(demo_app):
    at = demo_app("demo.officer")
    at.switch_page("app_pages/incident_import.py").run()
    assert at.get("download_button")  # the incident template, on the import page itself
    _upload(at, "log_ru_titles.xlsx")
    assert not at.exception and not at.error, [e.value for e in at.error]
    counts = {m.label: m.value for m in at.metric}
    assert counts[t("import.count.rows_read", "ru")] == "7" and counts[t("import.count.imported", "ru")] == "7"
    assert t("import.identical_row", "ru", row=11) in [w.value for w in at.warning]
    at.button(key="inc_confirm").click().run()
    assert any(t("import.done", "ru", count=7, id=1)[:12] in s.value for s in at.success), [s.value for s in at.success]
    assert not [b for b in at.button if b.key == "inc_confirm"]  # the result, and no second import of it
    assert not at.metric  # no stale preview either
    _upload(at, "log_ru_titles.xlsx")  # the same file again: nothing new
    counts = {m.label: m.value for m in at.metric}
    assert counts[t("import.count.imported", "ru")] == "0" and counts[t("import.count.duplicates", "ru")] == "7"


def test_unmapped_values_are_mapped_on_the_page(demo_app):
    at = demo_app("demo.officer")
    at.switch_page("app_pages/incident_import.py").run()
    _upload(at, "log_bad_rows.csv")
    counts = {m.label: m.value for m in at.metric}
    assert counts[t("import.count.rejected", "ru")] == "5"
    at.selectbox(key="val:severity:средний@ru").set_value("light").run()
    counts = {m.label: m.value for m in at.metric}
    assert counts[t("import.count.rejected", "ru")] == "3" and counts[t("import.count.imported", "ru")] == "3"
    assert at.get("download_button")  # the rejected rows as .xlsx


def test_mapped_values_and_columns_survive_a_language_switch(demo_app):
    """Each choice is kept apart from its widget, which is keyed per language: Streamlit remembers a keyed
    selectbox's choice by the text it showed, and that text changes with the language."""
    at = demo_app("demo.officer")
    at.switch_page("app_pages/incident_import.py").run()
    _upload(at, "log_bad_rows.csv")
    at.selectbox(key="val:severity:средний@ru").set_value("light").run()
    mapped = {s.key: s.value for s in at.selectbox if s.key.startswith("map:")}
    for lang in ("en", "kk", "ru"):
        at.sidebar.selectbox(key="lang").set_value(lang).run()
        assert not at.exception
        assert at.selectbox(key=f"val:severity:средний@{lang}").value == "light"
        assert {s.key.replace(f"@{lang}", "@ru"): s.value for s in at.selectbox if s.key.startswith("map:")} == mapped
        assert {m.label: m.value for m in at.metric}[t("import.count.imported", lang)] == "3"


def test_incident_log_and_investigations_show_for_every_role(demo_app):
    for username in ("demo.admin", "demo.region", "demo.head", "demo.officer"):
        at = demo_app(username)
        at.switch_page("app_pages/incidents.py").run()
        assert not at.exception and not at.error, (username, [e.value for e in at.error])
        assert [title.value for title in at.title] == [t("incidents.title", "ru")]
        assert len(at.dataframe) == 2  # the log and the investigations; the demo imported no log:
        assert t("import.history.none", "ru") in [c.value for c in at.caption]


def test_enterprise_page_shows_overdue_investigations(demo_app):
    import datetime as dt

    from safety.access.roles import SYSTEM
    from safety.db import Store
    from safety.incidents.log import investigations

    at = demo_app("demo.admin")
    with Store(at.db_path) as store:
        late = [a for a in investigations(store, SYSTEM, today=dt.date.today()) if a["overdue"]]
    assert late
    at.session_state["enterprise_bin"] = late[0]["bin"]
    at.switch_page("app_pages/enterprise.py").run()
    count = sum(1 for a in late if a["bin"] == late[0]["bin"])
    assert t("enterprise.investigations_overdue", "ru", count=count) in [e.value for e in at.error]


def _open_first_case(at):
    at.switch_page("app_pages/incidents.py").run()
    picker = at.selectbox(key="inc_case")
    case_id = int(picker.options[0].split(" · ")[0].lstrip("№"))
    picker.set_value(case_id).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return case_id


def test_officer_creates_an_action_from_a_case_and_sees_it_there(demo_app):
    at = demo_app("demo.officer")
    case_id = _open_first_case(at)
    assert t("incidents.no_actions", "ru") in [c.value for c in at.caption]
    [title] = [w for w in at.text_input if w.label == t("label.action_title", "ru")]
    title.set_value("Провести внеплановый инструктаж по случаю")
    [owner] = [w for w in at.text_input if w.label == t("label.owner", "ru")]
    owner.set_value("Мастер участка")
    [create] = [b for b in at.button if b.label == t("incidents.create_action", "ru")]
    create.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert t("incidents.case_actions", "ru", id=case_id) in [m.value.strip("*") for m in at.markdown]
    titles = [v for df in at.dataframe if "title" in df.value.columns for v in df.value["title"]]
    assert titles == ["Провести внеплановый инструктаж по случаю"]

    head = demo_app("demo.head")  # the enterprise manager sees the case's actions but cannot add one
    assert _open_first_case(head) == case_id
    assert [v for df in head.dataframe if "title" in df.value.columns for v in df.value["title"]] == titles
    assert not [b for b in head.button if b.label == t("incidents.create_action", "ru")]


def test_the_upload_is_read_once_for_reruns_and_a_language_switch(demo_app, monkeypatch):
    from safety.incidents.imports import mapping, pipeline

    reads = []
    real = mapping.open_sheet
    for module in (mapping, pipeline):
        monkeypatch.setattr(module, "open_sheet", lambda *a, **k: reads.append(1) or real(*a, **k))
    at = demo_app("demo.officer")
    at.switch_page("app_pages/incident_import.py").run()
    _upload(at, "log_bad_rows.csv")
    first = len(reads)
    at.checkbox(key="inc_drop").check().run()  # a rerun that changes nothing the reading depends on
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert len(reads) == first and not at.exception
    at.selectbox(key="val:severity:средний@en").set_value("light").run()  # a new mapping: checked once more
    assert len(reads) == first + 1
    counts = {m.label: m.value for m in at.metric}
    assert counts[t("import.count.imported", "en")] == "3"
