"""SQL for the enterprise register and its yearly headcount table."""

from __future__ import annotations

from typing import Any

from safety.db import summaries
from safety.db.cursors import Cursor, fetch_dicts, frame, registered

FIELDS = (
    "bin",
    "name_ru",
    "name_kk",
    "kato",
    "oked",
    "industry",
    "joined_on",
    "officer_name",
    "officer_phone",
    "officer_email",
)
EDITABLE = FIELDS[1:]  # the BIN is the identity of a record and never changes
COLUMNS = "id, " + ", ".join(FIELDS) + ", active, is_demo, created_at, updated_at"
# Tables whose rows belong to an enterprise; a row in any of them forbids a hard delete.
DEPENDENT_TABLES = (
    "enterprise_years",
    "users",
    "assessments",
    "corrective_actions",
    "incidents",
    "incident_imports",
    "mapping_profiles",
    "evidence_files",
)
# Tables whose rows belong to an assessment (deleted with the demo's assessments).
ASSESSMENT_TABLES = ("assessment_answers", "assessment_rule_scores")


def insert(cur: Cursor, record: dict[str, Any], *, is_demo: bool = False) -> int:
    """Insert an enterprise and return its id."""
    placeholders = ", ".join("?" for _ in FIELDS)
    row = cur.execute(
        f"INSERT INTO enterprises ({', '.join(FIELDS)}, is_demo) VALUES ({placeholders}, ?) RETURNING id",
        [record.get(name) for name in FIELDS] + [is_demo],
    ).fetchall()[0]
    return int(row[0])


def update(cur: Cursor, enterprise_id: int, record: dict[str, Any]) -> None:
    """Overwrite the editable fields of an enterprise."""
    assignments = ", ".join(f"{name} = ?" for name in EDITABLE)
    cur.execute(
        f"UPDATE enterprises SET {assignments}, updated_at = current_timestamp WHERE id = ?",
        [record.get(name) for name in EDITABLE] + [enterprise_id],
    )


def set_active(cur: Cursor, enterprise_id: int, active: bool) -> None:
    """Mark an enterprise active or inactive."""
    cur.execute(
        "UPDATE enterprises SET active = ?, updated_at = current_timestamp WHERE id = ?", [active, enterprise_id]
    )


def delete(cur: Cursor, enterprise_id: int) -> None:
    """Remove an enterprise row (callers check dependents first)."""
    cur.execute("DELETE FROM enterprises WHERE id = ?", [enterprise_id])


def dependent_rows(cur: Cursor, enterprise_id: int) -> int:
    """Count the rows in other tables that belong to the enterprise."""
    total = 0
    for table in DEPENDENT_TABLES:  # names come from the constant above, never from input
        total += cur.execute(f"SELECT count(*) FROM {table} WHERE enterprise_id = ?", [enterprise_id]).fetchall()[0][0]
    return int(total)


def by_bin(cur: Cursor, bin_: str) -> dict[str, Any] | None:
    """Return the enterprise with this BIN, or None."""
    rows = fetch_dicts(cur.execute(f"SELECT {COLUMNS} FROM enterprises WHERE bin = ?", [bin_]))
    return rows[0] if rows else None


def by_id(cur: Cursor, enterprise_id: int) -> dict[str, Any] | None:
    """Return the enterprise with this id, or None."""
    rows = fetch_dicts(cur.execute(f"SELECT {COLUMNS} FROM enterprises WHERE id = ?", [enterprise_id]))
    return rows[0] if rows else None


def select(
    cur: Cursor, *, include_inactive: bool = False, kato: str | None = None, text: str | None = None
) -> list[dict[str, Any]]:
    """List enterprises ordered by Russian name, optionally filtered by district and a search text."""
    sql = f"SELECT {COLUMNS} FROM enterprises WHERE (? OR active) AND (? IS NULL OR kato = ?)"
    params: list[Any] = [include_inactive, kato, kato]
    if text:
        sql += " AND (bin LIKE ? OR lower(name_ru) LIKE ? OR lower(name_kk) LIKE ?)"
        pattern = f"%{text.lower()}%"
        params += [f"%{text}%", pattern, pattern]
    return fetch_dicts(cur.execute(sql + " ORDER BY name_ru, bin", params))


def upsert_year(cur: Cursor, enterprise_id: int, year: int, headcount: int, hours: int | None) -> None:
    """Set an enterprise's average headcount and hours worked for a year."""
    cur.execute(
        "INSERT INTO enterprise_years (enterprise_id, year, avg_headcount, hours_worked) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (enterprise_id, year) DO UPDATE SET "
        "avg_headcount = excluded.avg_headcount, hours_worked = excluded.hours_worked",
        [enterprise_id, year, headcount, hours],
    )


def delete_year(cur: Cursor, enterprise_id: int, year: int) -> None:
    """Remove one year of an enterprise's headcount table."""
    cur.execute("DELETE FROM enterprise_years WHERE enterprise_id = ? AND year = ?", [enterprise_id, year])


def years(cur: Cursor, enterprise_id: int | None = None) -> list[dict[str, Any]]:
    """Return yearly headcount rows (with the BIN), for one enterprise or all, ordered by BIN and year."""
    return fetch_dicts(
        cur.execute(
            "SELECT e.bin, y.enterprise_id, y.year, y.avg_headcount, y.hours_worked "
            "FROM enterprise_years y JOIN enterprises e ON e.id = y.enterprise_id "
            "WHERE ? IS NULL OR y.enterprise_id = ? ORDER BY e.bin, y.year",
            [enterprise_id, enterprise_id],
        )
    )


def summary(cur: Cursor) -> dict[str, Any]:
    """Return programme figures: active enterprises, districts covered, latest year's headcount."""
    row = cur.execute(
        "WITH latest AS (SELECT max(year) AS year FROM enterprise_years) "
        "SELECT (SELECT count(*) FROM enterprises WHERE active), "
        "(SELECT count(DISTINCT kato) FROM enterprises WHERE active), "
        "(SELECT count(DISTINCT substr(oked, 1, 2)) FROM enterprises WHERE active), "
        "(SELECT year FROM latest), "
        "(SELECT sum(y.avg_headcount) FROM enterprise_years y JOIN enterprises e ON e.id = y.enterprise_id "
        " WHERE e.active AND y.year = (SELECT year FROM latest)), "
        "(SELECT count(*) FROM enterprises WHERE is_demo)"
    ).fetchall()[0]
    keys = ("enterprises", "districts", "industries", "latest_year", "headcount", "demo_enterprises")
    return dict(zip(keys, row, strict=True))


def latest_year(cur: Cursor) -> int | None:
    """The latest year of any enterprise's yearly figures (the summary's latest year), or None."""
    year = cur.execute("SELECT max(year) FROM enterprise_years").fetchall()[0][0]
    return None if year is None else int(year)


def by_district(cur: Cursor) -> list[dict[str, Any]]:
    """Count active enterprises per district (KATO)."""
    return fetch_dicts(
        cur.execute("SELECT kato, count(*) AS enterprises FROM enterprises WHERE active GROUP BY kato ORDER BY kato")
    )


def count(cur: Cursor, *, demo_only: bool = False) -> int:
    """Count enterprises (all, or only demo ones)."""
    return int(cur.execute("SELECT count(*) FROM enterprises WHERE NOT ? OR is_demo", [demo_only]).fetchall()[0][0])


def any_stored(cur: Cursor, *, demo: bool) -> bool:
    """True when any enterprise or account is stored that is demo data (demo=True) or real (demo=False)."""
    rows = cur.execute(
        "SELECT EXISTS (SELECT 1 FROM enterprises WHERE is_demo = ?) OR EXISTS (SELECT 1 FROM users WHERE is_demo = ?)",
        [demo, demo],
    ).fetchall()
    return bool(rows[0][0])


def delete_demo(cur: Cursor) -> int:
    """Delete every demo enterprise with all rows that belong to it; return how many enterprises went."""
    ids = [r[0] for r in cur.execute("SELECT id FROM enterprises WHERE is_demo").fetchall()]
    for table in ASSESSMENT_TABLES:  # names come from the constant, never from input
        cur.execute(
            f"DELETE FROM {table} WHERE assessment_id IN "
            "(SELECT a.id FROM assessments a JOIN enterprises e ON e.id = a.enterprise_id WHERE e.is_demo)"
        )
    for table in (*reversed(DEPENDENT_TABLES), *summaries.TABLES):  # names come from the constants, never from input
        cur.execute(f"DELETE FROM {table} WHERE enterprise_id IN (SELECT id FROM enterprises WHERE is_demo)")
    cur.execute("DELETE FROM enterprises WHERE is_demo")
    return len(ids)


# Bulk writes: the rows go in as one registered DataFrame and one statement each, not a statement per row
# (a statement costs DuckDB about 2 ms, which made a 10,000-enterprise register take minutes).
_INCOMING = "incoming_rows"


def insert_many(cur: Cursor, records: list[dict[str, Any]], *, is_demo: bool = False) -> None:
    """Insert many enterprises in one statement."""
    if not records:
        return
    with registered(cur, _INCOMING, frame(records, {name: "object" for name in FIELDS})):
        cur.execute(
            f"INSERT INTO enterprises ({', '.join(FIELDS)}, is_demo) "
            f"SELECT {', '.join(FIELDS[:6])}, CAST(joined_on AS DATE), {', '.join(FIELDS[7:])}, ? FROM {_INCOMING}",
            [is_demo],
        )


def update_many(cur: Cursor, records: list[dict[str, Any]]) -> None:
    """Overwrite the editable fields of many enterprises (matched by BIN) in one statement."""
    if not records:
        return
    with registered(cur, _INCOMING, frame(records, {name: "object" for name in FIELDS})):
        assignments = ", ".join(
            f"{name} = CAST(i.{name} AS DATE)" if name == "joined_on" else f"{name} = i.{name}" for name in EDITABLE
        )
        cur.execute(
            f"UPDATE enterprises SET {assignments}, updated_at = current_timestamp "
            f"FROM {_INCOMING} i WHERE enterprises.bin = i.bin"
        )


def set_active_many(cur: Cursor, flags: dict[str, bool]) -> None:
    """Set the active flag of many enterprises (by BIN) where it differs."""
    if not flags:
        return
    rows = [{"bin": b, "active": a} for b, a in flags.items()]
    with registered(cur, _INCOMING, frame(rows, {"bin": "object", "active": "boolean"})):
        cur.execute(
            f"UPDATE enterprises SET active = i.active, updated_at = current_timestamp "
            f"FROM {_INCOMING} i WHERE enterprises.bin = i.bin AND enterprises.active <> i.active"
        )


def upsert_years_many(cur: Cursor, rows: list[dict[str, Any]]) -> None:
    """Set many (bin, year) rows of headcount and hours in one statement; each pair must appear once."""
    if not rows:
        return
    columns = {"bin": "object", "year": "Int64", "avg_headcount": "Int64", "hours_worked": "Int64"}
    with registered(cur, _INCOMING, frame(rows, columns)):
        cur.execute(
            "INSERT INTO enterprise_years (enterprise_id, year, avg_headcount, hours_worked) "
            "SELECT e.id, i.year, i.avg_headcount, i.hours_worked "
            f"FROM {_INCOMING} i JOIN enterprises e ON e.bin = i.bin "
            "ON CONFLICT (enterprise_id, year) DO UPDATE SET "
            "avg_headcount = excluded.avg_headcount, hours_worked = excluded.hours_worked"
        )


def ids_by_bin(cur: Cursor) -> list[tuple[str, int]]:
    """Return (BIN, id) of every enterprise."""
    return cur.execute("SELECT bin, id FROM enterprises").fetchall()


def names(cur: Cursor) -> dict[str, tuple[str, str | None]]:
    """Every enterprise's BIN with its Russian and Kazakh names."""
    return {bin_: (ru, kk) for bin_, ru, kk in cur.execute("SELECT bin, name_ru, name_kk FROM enterprises").fetchall()}
