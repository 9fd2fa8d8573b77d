"""Numbered schema migrations, each applied once in its own transaction and recorded in schema_migrations.

No FOREIGN KEY constraints: DuckDB checks them against the state before the transaction, so a delete of
child and parent rows in one transaction fails. The library keeps references whole instead (all writes go
through it, and deletes remove children first in the same transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from safety.db import incident_counts as counts
from safety.db.incidents import refingerprint
from safety.errors import SchemaTooNew

if TYPE_CHECKING:
    from safety.db.store import Store


@dataclass(frozen=True)
class Migration:
    """One schema step: its number, a short name and the statements it runs."""

    number: int
    name: str
    statements: tuple[str, ...]
    run: Callable[[Any], None] | None = None  # a step SQL alone cannot do, given the cursor, after the statements


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "enterprise register",
        (
            "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
            "CREATE SEQUENCE enterprise_id_seq START 1",
            """CREATE TABLE enterprises (
                id INTEGER PRIMARY KEY DEFAULT nextval('enterprise_id_seq'),
                bin VARCHAR NOT NULL UNIQUE,
                name_ru VARCHAR NOT NULL,
                name_kk VARCHAR NOT NULL,
                kato VARCHAR NOT NULL,
                oked VARCHAR NOT NULL,
                industry VARCHAR NOT NULL,
                joined_on DATE NOT NULL,
                officer_name VARCHAR,
                officer_phone VARCHAR,
                officer_email VARCHAR,
                active BOOLEAN NOT NULL DEFAULT TRUE,
                is_demo BOOLEAN NOT NULL DEFAULT FALSE,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
        ),
    ),
    Migration(
        2,
        "yearly headcount and hours",
        (
            """CREATE TABLE enterprise_years (
                enterprise_id INTEGER NOT NULL,
                year INTEGER NOT NULL,
                avg_headcount INTEGER NOT NULL CHECK (avg_headcount > 0),
                hours_worked BIGINT CHECK (hours_worked IS NULL OR hours_worked > 0),
                PRIMARY KEY (enterprise_id, year)
            )""",
        ),
    ),
)
MIGRATIONS += (
    Migration(
        3,
        "users and audit trail",
        (
            "CREATE SEQUENCE user_id_seq START 1",
            """CREATE TABLE users (
                id INTEGER PRIMARY KEY DEFAULT nextval('user_id_seq'),
                username VARCHAR NOT NULL UNIQUE,
                full_name VARCHAR NOT NULL,
                email VARCHAR,
                role VARCHAR NOT NULL
                    CHECK (role IN ('admin', 'regional_manager', 'enterprise_manager', 'safety_officer')),
                enterprise_id INTEGER,
                password_hash VARCHAR NOT NULL,
                must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
                failed_attempts INTEGER NOT NULL DEFAULT 0,
                locked_until TIMESTAMP,
                active BOOLEAN NOT NULL DEFAULT TRUE,
                is_demo BOOLEAN NOT NULL DEFAULT FALSE,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                last_sign_in_at TIMESTAMP
            )""",
            "CREATE SEQUENCE audit_id_seq START 1",
            # Append-only: the library has no function that updates or deletes these rows.
            """CREATE TABLE audit_log (
                id BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
                logged_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                user_id INTEGER,
                username VARCHAR NOT NULL,
                action VARCHAR NOT NULL,
                entity VARCHAR NOT NULL,
                entity_id VARCHAR,
                enterprise_id INTEGER,
                before JSON,
                after JSON
            )""",
        ),
    ),
)
MIGRATIONS += (
    Migration(
        4,
        "assessments and corrective actions",
        (
            # A checklist version is frozen by its first assessment: its content is kept here for good.
            """CREATE TABLE checklist_versions (
                checklist_id VARCHAR NOT NULL,
                version INTEGER NOT NULL,
                content_hash VARCHAR NOT NULL,
                definition JSON NOT NULL,
                frozen_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                PRIMARY KEY (checklist_id, version)
            )""",
            "CREATE SEQUENCE assessment_id_seq START 1",
            """CREATE TABLE assessments (
                id INTEGER PRIMARY KEY DEFAULT nextval('assessment_id_seq'),
                enterprise_id INTEGER NOT NULL,
                checklist_id VARCHAR NOT NULL,
                version INTEGER NOT NULL,
                status VARCHAR NOT NULL CHECK (status IN ('draft', 'submitted')),
                started_by VARCHAR NOT NULL,
                started_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                submitted_by VARCHAR,
                submitted_at TIMESTAMP,
                assessed_on DATE,
                overall_score DOUBLE
            )""",
            """CREATE TABLE assessment_answers (
                assessment_id INTEGER NOT NULL,
                item_id VARCHAR NOT NULL,
                rating VARCHAR CHECK (rating IS NULL OR rating IN ('green', 'yellow', 'red', 'na')),
                comment VARCHAR,
                evidence VARCHAR,
                na_reason VARCHAR,
                updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                PRIMARY KEY (assessment_id, item_id)
            )""",
            """CREATE TABLE assessment_rule_scores (
                assessment_id INTEGER NOT NULL,
                rule_id INTEGER NOT NULL,
                score DOUBLE,
                status VARCHAR NOT NULL,
                PRIMARY KEY (assessment_id, rule_id)
            )""",
            "CREATE SEQUENCE action_id_seq START 1",
            """CREATE TABLE corrective_actions (
                id INTEGER PRIMARY KEY DEFAULT nextval('action_id_seq'),
                enterprise_id INTEGER NOT NULL,
                assessment_id INTEGER,
                item_id VARCHAR,
                rule_id INTEGER,
                incident_id INTEGER,
                title VARCHAR NOT NULL,
                owner VARCHAR,
                due_on DATE NOT NULL,
                priority VARCHAR NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
                state VARCHAR NOT NULL
                    CHECK (state IN ('proposed', 'open', 'in_progress', 'done', 'cancelled')),
                completed_on DATE,
                completion_note VARCHAR,
                cancel_reason VARCHAR,
                created_by VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
        ),
    ),
)
MIGRATIONS += (
    Migration(
        5,
        "incident log, imports and investigations",
        (
            """CREATE TABLE mapping_profiles (
                enterprise_id INTEGER NOT NULL,
                name VARCHAR NOT NULL,
                profile JSON NOT NULL,
                saved_by VARCHAR NOT NULL,
                saved_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                PRIMARY KEY (enterprise_id, name)
            )""",
            "CREATE SEQUENCE import_id_seq START 1",
            """CREATE TABLE incident_imports (
                id INTEGER PRIMARY KEY DEFAULT nextval('import_id_seq'),
                enterprise_id INTEGER NOT NULL,
                file_name VARCHAR NOT NULL,
                sha256 VARCHAR NOT NULL,
                sheet VARCHAR,
                profile VARCHAR,
                username VARCHAR NOT NULL,
                imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                rows_read INTEGER NOT NULL,
                imported INTEGER NOT NULL,
                duplicates INTEGER NOT NULL,
                identical_in_file INTEGER NOT NULL,
                skipped INTEGER NOT NULL,
                rejected INTEGER NOT NULL,
                undone_at TIMESTAMP,
                undone_by VARCHAR
            )""",
            "CREATE SEQUENCE incident_id_seq START 1",
            """CREATE TABLE incidents (
                id INTEGER PRIMARY KEY DEFAULT nextval('incident_id_seq'),
                enterprise_id INTEGER NOT NULL,
                occurred_on DATE NOT NULL,
                occurred_at TIME,
                kind VARCHAR NOT NULL
                    CHECK (kind IN ('accident', 'near_miss', 'micro_injury', 'occupational_disease')),
                severity VARCHAR CHECK (severity IS NULL OR severity IN ('light', 'severe', 'fatal')),
                lost_days INTEGER NOT NULL DEFAULT 0,
                restricted_days INTEGER NOT NULL DEFAULT 0,
                accident_no VARCHAR,
                place VARCHAR,
                description VARCHAR,
                cause VARCHAR,
                job_title VARCHAR,
                gender VARCHAR,
                age INTEGER,
                experience_years DOUBLE,
                rule INTEGER,
                external_id VARCHAR,
                person_name VARCHAR,
                fingerprint VARCHAR NOT NULL,
                import_id INTEGER,
                reported_on DATE,
                commission_on DATE,
                closed_on DATE,
                act_sent_on DATE,
                created_by VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
        ),
    ),
)
MIGRATIONS += (
    Migration(6, "case fingerprints: md5 of the normalised fields, computed in bulk", (), refingerprint),
)
MIGRATIONS += (
    Migration(7, "case counts per enterprise, month, kind and severity, for the indicators", counts.SCHEMA,
              lambda cur: counts.refresh_all(cur, counts.CASE_TABLES)),
)
MIGRATIONS += (
    Migration(8, "accidents that need a special investigation, for the dashboard's overdue tile",
              counts.INVESTIGATION_SCHEMA,
              lambda cur: counts.refresh_all(cur, counts.INVESTIGATION_TABLES)),
)
LATEST = MIGRATIONS[-1].number


def applied_version(store: Store) -> int:
    """Return the highest migration number recorded in the database (0 for a new one)."""
    with store.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
        row = cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0]) if row else 0


def migrate(store: Store, target: int = LATEST) -> list[int]:
    """Apply the missing migrations up to target; refuse a database newer than this code."""
    current = applied_version(store)
    if current > LATEST:
        raise SchemaTooNew(path=store.path, found=current, known=LATEST)
    done = []
    for migration in MIGRATIONS:
        if current < migration.number <= target:
            with store.transaction() as cur:
                for statement in migration.statements:
                    cur.execute(statement)
                if migration.run:
                    migration.run(cur)
                cur.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    [migration.number, migration.name],
                )
            done.append(migration.number)
    return done
