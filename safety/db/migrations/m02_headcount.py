"""Migration 2: the yearly average headcount and hours worked of each enterprise."""

from safety.db.migrations.step import Migration

MIGRATION = Migration(
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
)
