"""Migration 10: sign-in sessions that survive a reload, each known by the hash of the token its browser holds."""

from safety.db.migrations.step import Migration

MIGRATION = Migration(
    10,
    "sign-in sessions that survive a reload",
    (
        """CREATE TABLE sign_in_sessions (
            token_hash VARCHAR PRIMARY KEY,
            user_id INTEGER NOT NULL,
            created_at TIMESTAMP NOT NULL,
            last_seen_at TIMESTAMP NOT NULL
        )""",
    ),
)
