"""Migrations are frozen history: a database built at every step, holding rows of every table that step has,
upgrades to the latest schema with its rows kept, the same schema as a new database, summaries equal to a fresh
count and fingerprints equal to today's rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from safety.access.roles import SYSTEM
from safety.db import Store
from safety.db.migrations import LATEST, MIGRATIONS, applied_version, m07_case_counts, m08_serious_accidents, migrate
from safety.incidents.fingerprints import refingerprint
from safety.incidents.summaries import check_summaries

# (the step that creates the table, statement, parameters): rows an older database holds, step by step.
ROWS: list[tuple[int, str, list]] = [
    (1, "INSERT INTO meta VALUES ('demo_state', 'declined')", []),
    (
        1,
        "INSERT INTO enterprises (bin, name_ru, name_kk, kato, oked, industry, joined_on) "
        "VALUES ('940140000385', 'ТОО «Старое»', '«Ескі» ЖШС', '311000000', '20150', 'Удобрения', DATE '2020-01-01')",
        [],
    ),
    (2, "INSERT INTO enterprise_years VALUES (1, 2024, 120, 230000), (1, 2025, 130, NULL)", []),
    (
        3,
        "INSERT INTO users (username, full_name, role, enterprise_id, password_hash) "
        "VALUES ('officer', 'Офицер', 'safety_officer', 1, 'x')",
        [],
    ),
    (
        3,
        "INSERT INTO audit_log (username, action, entity, entity_id, enterprise_id, after) "
        "VALUES ('cli', 'enterprise.create', 'enterprise', '1', 1, '{\"bin\": \"940140000385\"}')",
        [],
    ),
    (4, "INSERT INTO checklist_versions VALUES ('golden_rules', 1, 'hash', '{}', DATE '2025-01-01')", []),
    (
        4,
        "INSERT INTO assessments (enterprise_id, checklist_id, version, status, started_by, submitted_by, "
        "submitted_at, assessed_on, overall_score) VALUES (1, 'golden_rules', 1, 'submitted', 'officer', 'officer', "
        "TIMESTAMP '2025-03-01 10:00', DATE '2025-03-01', 71.5)",
        [],
    ),
    (
        4,
        "INSERT INTO assessment_answers (assessment_id, item_id, rating, comment) VALUES (1, 'r1.1', 'red', 'нет')",
        [],
    ),
    (4, "INSERT INTO assessment_rule_scores VALUES (1, 1, 40.0, 'red')", []),
    (
        4,
        "INSERT INTO corrective_actions (enterprise_id, assessment_id, item_id, rule_id, title, due_on, priority, "
        "state, created_by) VALUES (1, 1, 'r1.1', 1, 'Обучить', DATE '2025-04-01', 'high', 'open', 'officer')",
        [],
    ),
    (5, "INSERT INTO mapping_profiles VALUES (1, 'Журнал', '{}', 'officer', TIMESTAMP '2025-05-01 09:00')", []),
    (
        5,
        "INSERT INTO incident_imports (enterprise_id, file_name, sha256, username, rows_read, imported, duplicates, "
        "identical_in_file, skipped, rejected) VALUES (1, 'log.xlsx', 'abc', 'officer', 4, 4, 0, 1, 0, 0)",
        [],
    ),
    # Four cases: two identical rows of one group accident (one of them fatal in the twin below), a severe one
    # whose investigation closed, and a near miss with odd spacing in its description.
    (
        5,
        "INSERT INTO incidents (enterprise_id, occurred_on, kind, severity, lost_days, accident_no, place, "
        "description, fingerprint, import_id, created_by, reported_on, commission_on, closed_on, act_sent_on) VALUES "
        "(1, DATE '2025-02-03', 'accident', 'light', 5, 'НС-1', 'Цех №2', 'Упал  со стремянки', 'old', 1, 'officer',"
        " NULL, NULL, NULL, NULL),"
        "(1, DATE '2025-02-03', 'accident', 'light', 5, 'НС-1', 'Цех №2', 'Упал  со стремянки', 'old', 1, 'officer',"
        " NULL, NULL, NULL, NULL),"
        "(1, DATE '2025-06-10', 'accident', 'severe', 40, NULL, 'Склад', 'Перелом', 'old', 1, 'officer',"
        " DATE '2025-06-11', DATE '2025-06-12', DATE '2025-06-20', DATE '2025-06-23'),"
        "(1, DATE '2025-07-01', 'near_miss', NULL, 0, NULL, NULL, ' Искра\u00a0у щита ', 'old', 1, 'officer',"
        " NULL, NULL, NULL, NULL)",
        [],
    ),
]
TABLES = (
    "meta",
    "enterprises",
    "enterprise_years",
    "users",
    "audit_log",
    "checklist_versions",
    "assessments",
    "assessment_answers",
    "assessment_rule_scores",
    "corrective_actions",
    "mapping_profiles",
    "incident_imports",
    "incidents",
)


def build_at(path: Path, step: int) -> dict[str, int]:
    """A database at migration `step` holding the rows of every table it has; return the rows per table."""
    with Store(path, migrate=False) as old:
        migrate(old, target=step)
        with old.transaction() as cur:
            for created, statement, params in ROWS:
                if created <= step:
                    cur.execute(statement, params)
            if step >= 7:  # the code of those days kept its summaries on every write: fill them as it did
                for statement in m07_case_counts.MIGRATION.statements[3:]:
                    cur.execute(statement)
            if step >= 8:
                m08_serious_accidents.fill(cur)
        assert applied_version(old) == step
        return {t: old.query(f"SELECT count(*) FROM {t}")[0][0] for t in TABLES if _has(old, t)}


def _has(store: Store, table: str) -> bool:
    return bool(store.query("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table])[0][0])


def _schema(store: Store) -> list[tuple]:
    return store.query(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY ALL"
    )


@pytest.mark.parametrize("step", [m.number for m in MIGRATIONS])
def test_a_database_at_every_step_upgrades_with_its_rows(tmp_path, step):
    path = tmp_path / f"step{step}.duckdb"
    before = build_at(path, step)
    with Store(path) as upgraded, Store(tmp_path / "new.duckdb") as new:
        assert applied_version(upgraded) == LATEST
        assert _schema(upgraded) == _schema(new)
        after = {t: upgraded.query(f"SELECT count(*) FROM {t}")[0][0] for t in before}
        assert after == before
        assert upgraded.query("SELECT bin FROM enterprises") == [("940140000385",)]
        assert check_summaries(upgraded, SYSTEM) == []
        if step >= 5:
            stored = upgraded.query("SELECT id, fingerprint FROM incidents ORDER BY id")
            if step == 5:  # migration 6 computed them: they must be what today's rule computes
                with upgraded.transaction() as cur:
                    refingerprint(cur)
                assert upgraded.query("SELECT id, fingerprint FROM incidents ORDER BY id") == stored
                prints = [p for _, p in stored]
                assert prints[0].endswith(":1") and prints[1] == prints[0][:-1] + "2"  # identical rows numbered
            assert upgraded.query("SELECT count(*) FROM serious_accidents")[0][0] == 2  # the group and the severe


def test_migration_8_deadlines_skip_weekends_and_holidays(tmp_path):
    path = tmp_path / "step7.duckdb"
    build_at(path, 7)
    with Store(path) as upgraded:
        # commission formed on Thursday 12 June 2025: ten working days later is Thursday 26 June
        rows = upgraded.query(
            "SELECT report_due, investigation_due, act_due FROM serious_accidents WHERE occurred_on = DATE '2025-06-10'"
        )
    assert rows == [(dt.date(2025, 6, 11), dt.date(2025, 6, 26), dt.date(2025, 6, 25))]


def test_migration_9_merges_twin_drafts_into_one(tmp_path):
    path = tmp_path / "step8.duckdb"
    build_at(path, 8)
    with Store(path, migrate=False) as old, old.transaction() as cur:
        for started in ("2026-01-10 09:00", "2026-01-10 09:00:01"):  # two officers opened it at once
            cur.execute(
                "INSERT INTO assessments (enterprise_id, checklist_id, version, status, started_by, "
                f"started_at) VALUES (1, 'golden_rules', 1, 'draft', 'officer', TIMESTAMP '{started}')"
            )
        first, second = (
            r[0] for r in cur.execute("SELECT id FROM assessments WHERE status = 'draft' ORDER BY id").fetchall()
        )
        cur.execute(
            "INSERT INTO assessment_answers (assessment_id, item_id, rating, updated_at) VALUES "
            f"({first}, 'r1.1', 'red', TIMESTAMP '2026-01-10 09:05'), "
            f"({second}, 'r1.1', 'green', TIMESTAMP '2026-01-10 09:07'), "
            f"({second}, 'r2.1', 'yellow', TIMESTAMP '2026-01-10 09:06')"
        )
    with Store(path) as upgraded:
        drafts = upgraded.query("SELECT id, draft_key FROM assessments WHERE status = 'draft'")
        assert drafts == [(first, "1:golden_rules")]
        answers = upgraded.query(
            "SELECT item_id, rating FROM assessment_answers WHERE assessment_id = ? ORDER BY 1", [first]
        )
        assert answers == [("r1.1", "green"), ("r2.1", "yellow")]  # the latest answer of each item is kept
        assert upgraded.query("SELECT count(*) FROM assessment_answers WHERE assessment_id = ?", [second]) == [(0,)]
