"""Migration 7: case counts per enterprise, year (and month), kind and severity, and accidents per enterprise-year,
filled from the cases already stored (the live queries that keep them are in safety/db/summaries.py)."""

from safety.db.migrations.step import Migration

MIGRATION = Migration(
    7,
    "case counts per enterprise, month, kind and severity, for the indicators",
    (
        """CREATE TABLE incident_counts (
            enterprise_id INTEGER NOT NULL, year INTEGER NOT NULL, kind VARCHAR NOT NULL, severity VARCHAR,
            cases BIGINT NOT NULL, lost_days BIGINT NOT NULL, lost_time BIGINT NOT NULL, dart_cases BIGINT NOT NULL)""",
        """CREATE TABLE monthly_counts (
            enterprise_id INTEGER NOT NULL, year INTEGER NOT NULL, month INTEGER NOT NULL, kind VARCHAR NOT NULL,
            severity VARCHAR, cases BIGINT NOT NULL)""",
        """CREATE TABLE accident_counts (
            enterprise_id INTEGER NOT NULL, year INTEGER NOT NULL, accidents BIGINT NOT NULL)""",
        """INSERT INTO incident_counts
            SELECT enterprise_id, year(occurred_on) AS year, kind, severity,
                   count(*) AS cases, coalesce(sum(lost_days), 0) AS lost_days,
                   count(*) FILTER (WHERE lost_days > 0 OR severity = 'fatal') AS lost_time,
                   count(*) FILTER (WHERE lost_days > 0 OR restricted_days > 0) AS dart_cases
            FROM incidents GROUP BY 1, 2, 3, 4""",
        """INSERT INTO monthly_counts
            SELECT enterprise_id, year(occurred_on) AS year, month(occurred_on) AS month, kind, severity,
                   count(*) AS cases
            FROM incidents GROUP BY 1, 2, 3, 4, 5""",
        """INSERT INTO accident_counts
            SELECT enterprise_id, year(occurred_on) AS year,
                   count(DISTINCT accident_no) + count(*) FILTER (WHERE accident_no IS NULL) AS accidents
            FROM incidents WHERE kind = 'accident' GROUP BY 1, 2""",
    ),
)
