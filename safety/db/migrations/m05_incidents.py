"""Migration 5: the incident log, its imports and the saved column-mapping profiles."""

from safety.db.migrations.step import Migration

MIGRATION = Migration(
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
            experience_years DOUBLE PRECISION,
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
)
