"""A small log in an officer's own words: values are proposed by meaning for the person to confirm, and a severity
written against a micro-injury or an occupational disease imports with a warning instead of refusing the row."""

import datetime as dt

import pytest

from safety.i18n import format_date, t
from safety.incidents.imports.mapping import MappingProfile
from safety.incidents.imports.pipeline import import_incidents
from safety.incidents.imports.report import PREVIEW_FIELDS, import_report, preview_rows, rejected_rows

from conftest import DATA

pytestmark = pytest.mark.one_store  # rendering and file formats: DuckDB is enough (see conftest)

LOG = (DATA / "logs" / "log_officer_words.csv").read_bytes()


def _import(world, profile=None, dry_run=True):
    store, users, own, _ = world
    return import_incidents(store, users["demo.officer"], LOG, "log.csv", own, profile=profile, dry_run=dry_run)


def test_words_not_known_exactly_are_proposed_not_applied(world):
    result = _import(world)
    assert result.proposals["kind"] == {
        "Инцидент (без травмы)": "near_miss",
        "НС со смертельным исходом": "accident",
    }
    assert "средней тяжести" not in result.proposals.get("severity", {})  # no category means that
    assert result.rejected == 2  # until the person confirms, the two rows wait
    assert import_report(result, "ru")["proposed_values"] == result.proposals


def test_confirmed_proposals_import_every_row_and_a_stray_severity_is_a_warning(world):
    profile = MappingProfile(values={"kind": _import(world).proposals["kind"]})
    result = _import(world, profile, dry_run=False)
    assert (result.imported, result.rejected) == (6, 0), result.errors
    assert [w.key for w in result.warnings] == ["import.severity_dropped"]
    assert result.warnings[0].params == {"count": 2}  # the micro-injury's and the disease's
    kinds = [c["kind"] for c in result.cases]
    severities = [c["severity"] for c in result.cases]
    assert kinds == ["accident", "micro_injury", "near_miss", "occupational_disease", "accident", "near_miss"]
    assert severities == ["light", None, None, None, "fatal", None]


def test_the_import_page_preselects_the_proposals_for_the_person_to_confirm(demo_app):
    at = demo_app("demo.officer")
    at.switch_page("app_pages/incident_import.py").run()
    at.file_uploader(key="inc_file").set_value(("log.csv", LOG, "text/csv")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.selectbox(key="val:kind:Инцидент (без травмы)@ru").value == "near_miss"
    assert at.selectbox(key="val:kind:НС со смертельным исходом@ru").value == "accident"
    counts = {m.label: m.value for m in at.metric}
    assert counts[t("import.count.imported", "ru")] == "6" and counts[t("import.count.rejected", "ru")] == "0"
    assert t("import.severity_dropped", "ru", count=2) in [w.value for w in at.warning]


def test_the_preview_and_the_rejected_rows_read_in_the_language(world):
    result = _import(world)
    kk = preview_rows(result, "kk")
    assert list(kk[0]) == [t("import.col.row", "kk")] + [t("incident.col." + f, "kk") for f in PREVIEW_FIELDS]
    assert kk[0][t("incident.col.kind", "kk")] == t("kind.accident", "kk")
    assert kk[0][t("incident.col.occurred_on", "kk")] == format_date(dt.date(2025, 2, 3), "kk")
    assert kk[0][t("incident.col.place", "kk")] == ""  # a blank is empty, never None
    assert all(None not in row.values() for row in kk)
    en = rejected_rows(result, "en")
    assert [row["Row"] for row in en] == [4, 6] and set(en[0]) == {"Row", "Column", "Value", "Reason"}


def test_a_saved_profile_remembers_the_confirmed_proposals(demo_app):
    """Saved with the proposals confirmed, the profile maps those words itself: nothing is left to confirm."""
    at = demo_app("demo.officer")
    at.switch_page("app_pages/incident_import.py").run()
    at.file_uploader(key="inc_file").set_value(("log.csv", LOG, "text/csv")).run()
    at.text_input[0].set_value("Журнал цеха")
    next(b for b in at.button if b.label == t("import.profile_save", "ru")).click().run()
    assert t("import.profile_saved", "ru", name="Журнал цеха") in [s.value for s in at.success]
    assert at.selectbox(key="inc_profile@ru").value == "Журнал цеха"  # the saved profile is now the one in use
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert not [s for s in at.selectbox if s.key.startswith("val:")]  # every word is the profile's now
    counts = {m.label: m.value for m in at.metric}
    assert counts[t("import.count.imported", "ru")] == "6" and counts[t("import.count.rejected", "ru")] == "0"
