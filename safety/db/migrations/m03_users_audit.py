"""Migration 3: user accounts and the append-only audit trail."""

from safety.db.migrations.step import Migration

MIGRATION = Migration(
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
)
