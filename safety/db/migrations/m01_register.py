"""Migration 1: the enterprise register and the meta table."""

from safety.db.migrations.step import Migration

MIGRATION = Migration(
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
)
