"""Backup and restore of the whole database.

A backup is one zip archive: DuckDB's Parquet export of every table (`database/…`, the audit trail, the checklist
versions and the migrations' record among them) and `manifest.json` with the format and schema versions, the time
it was made, every table's row count, the sequences' last values and the SHA-256 of every file. A restore checks
all of that, builds the database in a new file beside the target with this app's own migrations, loads the tables
in one transaction, counts them again, and only then moves the file into place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from safety import __version__
from safety.access.roles import Role, User, require
from safety.copying import copy_database
from safety.db import Store, catalog, is_url
from safety.db import audit as audit_sql
from safety.db import backup as sql
from safety.db.migrations import LATEST
from safety.errors import BackupDamaged, BackupTooNew, Conflict, StoreError

FORMAT = "vision-zero-backup"
FORMAT_VERSION = 1
SUFFIX = ".vzbackup"
MANIFEST = "manifest.json"
FOLDER = "database/"
ENV_BACKUP_DIR = "VZ_BACKUP_DIR"
KEEP_DAILY = 7  # the most recent daily backups kept
KEEP_WEEKLY = 4  # and, beyond those, the newest backup of this many ISO weeks
_MEMBER = re.compile(r"database/[a-z0-9_]+\.(parquet|sql)")
_DAILY = re.compile(r"vision_zero_(\d{4}-\d{2}-\d{2})" + re.escape(SUFFIX))
_CHUNK = 1 << 20
log = logging.getLogger(__name__)

# The daily backup acts under its own name in the audit trail, with the command line's rights.
DAILY_BACKUP = User(id=None, username="daily-backup", full_name="Daily backup", role=Role.ADMIN, system=True)


@dataclass(frozen=True)
class BackupReport:
    """What a backup or a restore handled: the manifest's versions and time, tables, rows and the archive's size."""

    schema_version: int
    created_at: str
    tables: int
    rows: int
    size: int


def backup_bytes(store: Store, user: User) -> bytes:
    """Return a backup archive of the whole database (administrators only); the backup goes into the audit trail."""
    require(user, "database.maintain")
    with tempfile.TemporaryDirectory(prefix="vz-backup-") as work:
        archive = Path(work) / ("backup" + SUFFIX)
        manifest = _write_archive(store, archive, Path(work) / "export")
        data = archive.read_bytes()
    _record(store, user, manifest, len(data), None)
    return data


def write_backup(store: Store, user: User, path: Path) -> BackupReport:
    """Write a backup archive to path (administrators only): built in a temporary file beside it and moved into
    place whole, so the path never holds half an archive."""
    require(user, "database.maintain")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part-{secrets.token_hex(4)}")
    try:
        with tempfile.TemporaryDirectory(prefix="vz-backup-") as work:
            manifest = _write_archive(store, partial, Path(work) / "export")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    size = path.stat().st_size
    _record(store, user, manifest, size, path.name)
    return _report(manifest, size)


def _write_archive(store: Store, archive: Path, export: Path) -> dict[str, Any]:
    """Export the database into the folder `export` and pack it with its manifest into `archive`; return the
    manifest."""
    snapshot = sql.export_snapshot(store, export)
    files = {FOLDER + p.name: _sha256(p) for p in sorted(export.iterdir()) if p.is_file()}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "schema_version": snapshot.schema_version,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tables": {t: {"rows": n, "file": f"{FOLDER}{t}.parquet"} for t, n in snapshot.rows.items()},
        "sequences": snapshot.sequences,
        "files": files,
    }
    with archive.open("wb") as out:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in files:
                zf.write(export / name.removeprefix(FOLDER), name)
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
        out.flush()
        os.fsync(out.fileno())
    return manifest


def _sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _record(store: Store, user: User, manifest: dict[str, Any], size: int, file_name: str | None) -> None:
    """Write the backup into the audit trail (after the snapshot, so the archive does not hold its own entry)."""
    after = {
        "file": file_name,
        "bytes": size,
        "schema_version": manifest["schema_version"],
        "created_at": manifest["created_at"],
        "rows": sum(t["rows"] for t in manifest["tables"].values()),
    }
    with store.transaction(changes_figures=False) as cur:
        audit_sql.write(cur, [audit_sql.entry(user, "database.backup", "database", None, None, after=after)])


def _report(manifest: dict[str, Any], size: int) -> BackupReport:
    """Summarise a manifest."""
    return BackupReport(
        schema_version=manifest["schema_version"],
        created_at=manifest["created_at"],
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"].values()),
        size=size,
    )


def restore_backup(user: User, archive: Path, target: Path | str) -> BackupReport:
    """Restore an archive into the database at target (a file, or a postgresql:// URL), which must hold no data
    yet (administrators only). Refuses a damaged archive or one newer than this app, saying why; nothing is written
    at target unless every check passed. A PostgreSQL target gets the archive restored into a file first, then
    copied in one transaction."""
    require(user, "database.maintain")
    if is_url(target):
        with tempfile.TemporaryDirectory(prefix="vz-restore-") as work:
            staged = Path(work) / "restored.duckdb"
            report = restore_backup(user, archive, staged)
            with Store(staged) as source, Store(target) as into:
                copy_database(user, source, into)
        return report
    archive, target = Path(archive), Path(target)
    with tempfile.TemporaryDirectory(prefix="vz-restore-") as work:
        manifest, files = _unpack(archive, Path(work))
        if target.exists() or _wal(target).exists():
            _require_empty(target)
        building = target.with_name(f".{target.name}.restore-{secrets.token_hex(4)}")
        try:
            _build(building, manifest, files, user, archive)
            os.replace(building, target)
        finally:
            for leftover in (building, _wal(building)):
                leftover.unlink(missing_ok=True)
    return _report(manifest, archive.stat().st_size)


def _wal(path: Path) -> Path:
    """The write-ahead log DuckDB keeps beside a database file."""
    return path.with_name(path.name + ".wal")


def _require_empty(target: Path) -> None:
    """Refuse a target database that holds data. Opening it also replays and clears a write-ahead log left there,
    which must not be replayed onto the restored file."""
    with Store(target) as existing, existing.cursor() as cur:
        full = sql.tables_with_data(cur)
    if full:
        raise Conflict("backup.target_not_empty", path=str(target), tables=", ".join(full))


def _unpack(archive: Path, work: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """Check an archive (a zip, a readable manifest of a known format and schema, every file it names present and
    unaltered, nothing else in it) and unpack its tables into work; return the manifest and table -> file."""
    name = archive.name
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise BackupDamaged("backup.not_archive", file=name) from exc
    with zf:
        members = set(zf.namelist())
        if MANIFEST not in members:
            raise BackupDamaged("backup.no_manifest", file=name)
        manifest = _manifest(zf, name)
        files: dict[str, str] = manifest["files"]
        missing, unexpected = sorted(files.keys() - members), sorted(members - files.keys() - {MANIFEST})
        if missing:
            raise BackupDamaged("backup.missing_file", file=name, member=missing[0])
        if unexpected:
            raise BackupDamaged("backup.unexpected_file", file=name, member=unexpected[0])
        for member, expected in sorted(files.items()):
            try:
                with zf.open(member) as source, (work / member.removeprefix(FOLDER)).open("wb") as out:
                    found = _copy_hashing(source, out)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise BackupDamaged("backup.unreadable", file=name, member=member, detail=str(exc)[:200]) from exc
            if found != expected:
                raise BackupDamaged("backup.checksum", file=name, member=member)
    return manifest, {t: work / entry["file"].removeprefix(FOLDER) for t, entry in manifest["tables"].items()}


def _manifest(zf: zipfile.ZipFile, name: str) -> dict[str, Any]:
    """Read and check the manifest's shape, format and schema version."""
    try:
        manifest = json.loads(zf.read(MANIFEST))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ValueError("not the manifest of a Vision Zero Tracker backup")
        version, schema = manifest["format_version"], manifest["schema_version"]
        tables, files, sequences = manifest["tables"], manifest["files"], manifest["sequences"]
        if not (isinstance(version, int) and isinstance(schema, int) and schema >= 1):
            raise ValueError("versions are not whole numbers")
        if not all(_MEMBER.fullmatch(m) and isinstance(h, str) for m, h in files.items()):
            raise ValueError("a file name or checksum is not of the expected form")
        for table, entry in tables.items():
            if not isinstance(entry["rows"], int) or entry["file"] != f"{FOLDER}{table}.parquet":
                raise ValueError(f"the entry of table {table!r} is not of the expected form")
            if entry["file"] not in files:
                raise ValueError(f"the file of table {table!r} has no checksum")
        if not all(v is None or isinstance(v, int) for v in sequences.values()):
            raise ValueError("a sequence value is not a whole number")
    except (ValueError, KeyError, TypeError, AttributeError, zipfile.BadZipFile, zlib.error) as exc:
        raise BackupDamaged("backup.bad_manifest", file=name, detail=str(exc)[:200]) from exc
    if version > FORMAT_VERSION:
        raise BackupTooNew("backup.format_too_new", file=name, found=version, known=FORMAT_VERSION)
    if schema > LATEST:
        raise BackupTooNew("backup.too_new", file=name, found=schema, known=LATEST)
    return manifest


def _copy_hashing(source: IO[bytes], out: IO[bytes]) -> str:
    """Copy a stream and return the SHA-256 of what passed."""
    digest = hashlib.sha256()
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        out.write(chunk)
    return digest.hexdigest()


def _build(path: Path, manifest: dict[str, Any], files: dict[str, Path], user: User, archive: Path) -> None:
    """Build the restored database at path: the schema of the backup's version, its tables loaded and counted in
    one transaction, the sequences moved past the restored ids, then the newer migrations and the audit entry."""
    name = archive.name
    with sql.new_database(path, manifest["schema_version"]) as store:
        with store.transaction() as cur:
            here, there = set(catalog.tables(cur)), set(manifest["tables"])
            if here != there:
                differ = ", ".join(sorted(here ^ there))
                raise BackupDamaged(
                    "backup.tables_differ", file=name, version=manifest["schema_version"], tables=differ
                )
            for table in sorted(there):
                try:
                    sql.load_table(cur, table, files[table])
                except StoreError as exc:
                    detail = str(exc.params.get("detail", exc))[:200]
                    raise BackupDamaged(
                        "backup.unreadable", file=name, member=f"{FOLDER}{table}.parquet", detail=detail
                    ) from exc
            counts = catalog.row_counts(cur)
            for table in sorted(there):
                expected = manifest["tables"][table]["rows"]
                if counts[table] != expected:
                    raise BackupDamaged(
                        "backup.count_differs", file=name, table=table, expected=expected, found=counts[table]
                    )
            if sql.schema_version(cur) != manifest["schema_version"]:
                raise BackupDamaged("backup.bad_manifest", file=name, detail="schema_migrations disagrees")
            sql.continue_sequences(cur, manifest["sequences"])
        upgraded = sql.upgrade(store)
        after = {"file": name, "created_at": manifest["created_at"], "schema_version": manifest["schema_version"]}
        with store.transaction() as cur:
            audit_sql.write(
                cur,
                [
                    audit_sql.entry(
                        user, "database.restore", "database", None, None, after=after | {"upgraded": upgraded}
                    )
                ],
            )


# --- the daily backups of $VZ_BACKUP_DIR

_DAILY_LOCK = threading.Lock()
_DAILY_SEEN: dict[str, dt.date] = {}  # folder -> the last day this process started its backup


def backup_dir() -> Path | None:
    """Return the folder of the daily backups ($VZ_BACKUP_DIR), or None when it is not set."""
    value = os.environ.get(ENV_BACKUP_DIR, "").strip()
    return Path(value).expanduser() if value else None


def daily_name(day: dt.date) -> str:
    """The file name of a day's backup."""
    return f"vision_zero_{day.isoformat()}{SUFFIX}"


def backups_to_prune(days: Iterable[dt.date], *, daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY) -> list[dt.date]:
    """Return the days whose backups go: keep the `daily` most recent days, and beyond them the newest day of each of
    the `weekly` most recent ISO weeks that none of the kept days falls in; everything else goes, oldest first."""
    newest_first = sorted(set(days), reverse=True)
    kept = newest_first[:daily]
    covered = {d.isocalendar()[:2] for d in kept}
    weeks: set[tuple[int, int]] = set()
    prune = []
    for day in newest_first[daily:]:
        week = day.isocalendar()[:2]
        if week in covered or week in weeks or len(weeks) >= weekly:
            prune.append(day)
        else:
            weeks.add(week)
    return sorted(prune)


def prune_backups(directory: Path) -> list[Path]:
    """Delete the daily backups of a folder that backups_to_prune lets go (other files stay); return them."""
    found = {}
    for path in directory.iterdir():
        matched = _DAILY.fullmatch(path.name)
        if matched and path.is_file():
            try:
                found[dt.date.fromisoformat(matched.group(1))] = path
            except ValueError:
                continue
    gone = [found[day] for day in backups_to_prune(found)]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def keep_daily_backup(store: Store, directory: Path, today: dt.date) -> Path | None:
    """Write today's backup into directory unless it is there already, then prune the old ones; return the file
    written, or None when there was one."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / daily_name(today)
    written = None
    if not path.exists():
        write_backup(store, DAILY_BACKUP, path)
        written = path
    prune_backups(directory)
    return written


def start_daily_backup(store: Store, today: dt.date | None = None) -> threading.Thread | None:
    """When $VZ_BACKUP_DIR is set, start keep_daily_backup in a background thread on the first call of each day in
    this process; return the thread (None when nothing was started)."""
    directory = backup_dir()
    if directory is None:
        return None
    today = today or dt.date.today()
    with _DAILY_LOCK:
        if _DAILY_SEEN.get(str(directory)) == today:
            return None
        _DAILY_SEEN[str(directory)] = today
    thread = threading.Thread(target=_daily_backup, args=(store, directory, today), name="vz-daily-backup", daemon=True)
    thread.start()
    return thread


def _daily_backup(store: Store, directory: Path, today: dt.date) -> None:
    """keep_daily_backup for the background thread: a failure is logged, never raised into the app."""
    try:
        keep_daily_backup(store, directory, today)
    except Exception:
        log.exception("the daily backup into %s failed", directory)
