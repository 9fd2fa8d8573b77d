"""Migration 11: evidence files (photos and documents) kept in the database, attached to an answer, a case or an
action, so that backups (and a later shared store) carry them."""

from safety.db.migrations.step import Migration

MIGRATION = Migration(
    11,
    "evidence files",
    (
        "CREATE SEQUENCE evidence_id_seq START 1",
        """CREATE TABLE evidence_files (
            id INTEGER PRIMARY KEY DEFAULT nextval('evidence_id_seq'),
            enterprise_id INTEGER NOT NULL,
            attached_to VARCHAR NOT NULL CHECK (attached_to IN ('answer', 'incident', 'action')),
            assessment_id INTEGER,
            item_id VARCHAR,
            incident_id INTEGER,
            action_id INTEGER,
            file_name VARCHAR NOT NULL,
            content_type VARCHAR NOT NULL,
            size_bytes BIGINT NOT NULL,
            sha256 VARCHAR NOT NULL,
            content BYTEA NOT NULL,
            thumbnail BYTEA,
            uploaded_by VARCHAR NOT NULL,
            uploaded_at TIMESTAMP NOT NULL
        )""",
    ),
)
