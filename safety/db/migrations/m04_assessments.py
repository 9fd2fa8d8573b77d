"""Migration 4: checklist versions, self-assessments with their answers and rule scores, and corrective actions."""

from safety.db.migrations.step import Migration

MIGRATION = Migration(
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
            overall_score DOUBLE PRECISION
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
            score DOUBLE PRECISION,
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
)
