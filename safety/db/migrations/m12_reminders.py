"""Migration 12: each account's language for e-mail, and a log of the reminder digests sent, one per person a day."""

from safety.db.migrations.step import Migration

MIGRATION = Migration(
    12,
    "reminder e-mails",
    (
        "ALTER TABLE users ADD COLUMN language VARCHAR NOT NULL DEFAULT 'ru'",
        """CREATE TABLE reminders_sent (
            user_id INTEGER NOT NULL,
            sent_on DATE NOT NULL,
            sent_at TIMESTAMP NOT NULL,
            address VARCHAR NOT NULL,
            items INTEGER NOT NULL,
            PRIMARY KEY (user_id, sent_on)
        )""",
    ),
)
