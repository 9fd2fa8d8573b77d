"""Backup and restore of the whole database: the round trip (CLI, library, the administrator's download in the
app), the refusals (damaged archives, a newer schema, a target holding data, a user who is no administrator), a
backup taken while others write, and the daily backups' pruning rule."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from safety.access.audit import audit_entries
from safety.access.auth import create_admin, current_user
from safety.access.roles import SYSTEM
from safety.backup import (
    DAILY_BACKUP,
    MANIFEST,
    backup_bytes,
    backups_to_prune,
    daily_name,
    keep_daily_backup,
    prune_backups,
    restore_backup,
    start_daily_backup,
    write_backup,
)
from safety.db import Store, catalog
from safety.db import backup as backup_sql
from safety.db.migrations import LATEST
from safety.demo import mark_initialised
from safety.errors import BackupDamaged, BackupTooNew, Conflict, PermissionDenied
from safety.i18n import t
from safety.incidents.log import add_incident
from safety.incidents.summaries import check_summaries

from conftest import PASSWORD, cli, recorded_downloads, user_id_of

DEMO_INCIDENTS = 1433  # cases the demo loads without an audit row each


@pytest.fixture(scope="module")
def demo_archive(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup of the demo database, made once for the module (from a copy: a backup adds an audit row)."""
    folder = tmp_path_factory.mktemp("archive")
    copy = folder / "source.duckdb"
    shutil.copy(demo_db_file, copy)
    with Store(copy) as store:
        write_backup(store, SYSTEM, folder / "demo.vzbackup")
    return folder / "demo.vzbackup"


def _counts(path: Path) -> dict[str, int]:
    with Store(path) as store, store.cursor() as cur:
        return catalog.row_counts(cur)


def _audit(path: Path) -> list[dict]:
    with Store(path) as store:
        return sorted(audit_entries(store, SYSTEM), key=lambda r: (r["logged_at"], r["action"]))


def _manifest(archive: Path) -> dict:
    with zipfile.ZipFile(archive) as zf:
        return json.loads(zf.read(MANIFEST))


def _rewrite(archive: Path, out: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """Copy an archive member by member through change(name, data); a member it maps to None is left out."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = change(name, source.read(name))
            if data is not None:
                target.writestr(name, data)
    return out


def _with_manifest(archive: Path, out: Path, edit: Callable[[dict], None]) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    return _rewrite(archive, out, change)


def _refused(archive: Path, target: Path, error: type[Exception], key: str) -> None:
    """Restoring must fail with this error and key, leaving nothing at the target."""
    with pytest.raises(error) as caught:
        restore_backup(SYSTEM, archive, target)
    assert caught.value.key == key, caught.value
    assert not target.exists() and list(target.parent.glob(f".{target.name}*")) == []


# --- the round trip


def test_cli_backup_then_restore_keeps_every_table_the_figures_and_the_audit_trail(demo_db_file, tmp_path):
    source, restored, archive = tmp_path / "source.duckdb", tmp_path / "restored.duckdb", tmp_path / "b.vzbackup"
    shutil.copy(demo_db_file, source)
    made = cli("--db", str(source), "--lang", "en", "backup", str(archive))
    assert made.returncode == 0 and "Backup written to" in made.stdout, made.stderr
    back = cli("--db", str(restored), "--lang", "en", "restore", str(archive))
    assert back.returncode == 0 and "was restored from the backup" in back.stdout, back.stderr

    manifest = _manifest(archive)
    assert manifest["schema_version"] == LATEST and manifest["format"] == "vision-zero-backup"
    assert {"audit_log", "checklist_versions", "schema_migrations", "users", "incidents"} <= set(manifest["tables"])
    with zipfile.ZipFile(archive) as zf:
        for name, digest in manifest["files"].items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest

    # Each side has one audit row more than the archive: the source its backup, the copy its restore.
    expected = {table: entry["rows"] for table, entry in manifest["tables"].items()} | {
        "audit_log": manifest["tables"]["audit_log"]["rows"] + 1
    }
    assert _counts(source) == _counts(restored) == expected
    before, after = _audit(source), _audit(restored)
    assert before[:-1] == after[:-1] and len(before) == expected["audit_log"]
    assert before[-1]["action"] == "database.backup" and after[-1]["action"] == "database.restore"
    assert json.loads(after[-1]["after"])["file"] == "b.vzbackup"

    figures = [cli("--db", str(db), "metrics", "--year", "2025", "--json") for db in (source, restored)]
    assert figures[0].returncode == 0 and figures[0].stdout == figures[1].stdout
    assert json.loads(figures[0].stdout)["injured"] > 0  # the demo's 2025 holds cases


def test_new_rows_after_a_restore_take_new_ids(demo_archive, tmp_path):
    target = tmp_path / "restored.duckdb"
    restore_backup(SYSTEM, demo_archive, target)
    saved = _manifest(demo_archive)["sequences"]
    with Store(target) as store:
        with store.cursor() as cur:  # as the backup left them; the audit's moved on by the restore's own entry
            assert backup_sql.sequences(cur) == saved | {"audit_id_seq": saved["audit_id_seq"] + 1}
        old = {r[0] for r in store.query("SELECT id FROM incidents")}
        officer = current_user(store, user_id_of(store, "demo.officer"))
        assert officer is not None and officer.enterprise_id is not None
        [(bin_,)] = store.query("SELECT bin FROM enterprises WHERE id = ?", [officer.enterprise_id])
        case = add_incident(store, officer, bin_, {"occurred_on": dt.date(2026, 3, 2), "kind": "near_miss"})
        assert case["id"] == max(old) + 1
        [(rows, ids)] = store.query("SELECT count(*), count(DISTINCT id) FROM audit_log")
        assert rows == ids
    with Store(target) as store, store.cursor() as cur:  # the sequences' new places were written to the file
        assert backup_sql.sequences(cur)["incident_id_seq"] == case["id"]


def test_an_initialised_empty_database_may_be_the_target(demo_archive, tmp_path):
    target = tmp_path / "empty.duckdb"
    with Store(target) as store:
        mark_initialised(store)  # a meta row, which is no data
    report = restore_backup(SYSTEM, demo_archive, target)
    assert report.schema_version == LATEST and report.rows == sum(_counts(target).values()) - 1  # the restore row


def test_an_older_backup_is_restored_and_then_upgraded(tmp_path):
    old = tmp_path / "old.duckdb"
    with backup_sql.new_database(old, LATEST - 1) as store:
        pass
    with Store(old, migrate=False) as store:
        write_backup(store, SYSTEM, tmp_path / "old.vzbackup")
    assert _manifest(tmp_path / "old.vzbackup")["schema_version"] == LATEST - 1
    restore_backup(SYSTEM, tmp_path / "old.vzbackup", tmp_path / "new.duckdb")
    with Store(tmp_path / "new.duckdb") as store:
        [entry] = [e for e in audit_entries(store, SYSTEM) if e["action"] == "database.restore"]
        assert json.loads(entry["after"])["upgraded"] == [LATEST]
        assert store.query("SELECT max(version) FROM schema_migrations") == [(LATEST,)]


# --- refusals


def test_a_truncated_archive_is_refused(demo_archive, tmp_path):
    cut = tmp_path / "cut.vzbackup"
    cut.write_bytes(demo_archive.read_bytes()[: demo_archive.stat().st_size // 2])
    _refused(cut, tmp_path / "target.duckdb", BackupDamaged, "backup.not_archive")
    result = cli("--db", str(tmp_path / "target.duckdb"), "--lang", "en", "restore", str(cut))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == t("backup.not_archive", "en", file="cut.vzbackup")
    assert not (tmp_path / "target.duckdb").exists()


def test_an_altered_table_file_is_refused_by_its_checksum(demo_archive, tmp_path):
    def flip(name: str, data: bytes) -> bytes:
        return data[:100] + bytes([data[100] ^ 0xFF]) + data[101:] if name == "database/incidents.parquet" else data

    tampered = _rewrite(demo_archive, tmp_path / "tampered.vzbackup", flip)
    _refused(tampered, tmp_path / "target.duckdb", BackupDamaged, "backup.checksum")


def test_a_manifest_with_a_newer_schema_is_refused(demo_archive, tmp_path):
    newer = _with_manifest(demo_archive, tmp_path / "newer.vzbackup", lambda m: m.update(schema_version=LATEST + 1))
    _refused(newer, tmp_path / "target.duckdb", BackupTooNew, "backup.too_new")
    result = cli("--db", str(tmp_path / "target.duckdb"), "--lang", "en", "restore", str(newer))
    assert result.returncode == 2 and f"schema {LATEST + 1}" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "change", "key"),
    [
        ("no manifest", lambda name, data: None if name == MANIFEST else data, "backup.no_manifest"),
        ("a missing table file", lambda name, data: None if name == "database/users.parquet" else data, None),
        ("an unreadable manifest", lambda name, data: b"{not json" if name == MANIFEST else data, None),
    ],
)
def test_an_archive_missing_a_part_is_refused(demo_archive, tmp_path, name, change, key):
    keys = {"a missing table file": "backup.missing_file", "an unreadable manifest": "backup.bad_manifest"}
    damaged = _rewrite(demo_archive, tmp_path / "damaged.vzbackup", change)
    _refused(damaged, tmp_path / "target.duckdb", BackupDamaged, key or keys[name])


def test_a_row_count_that_differs_after_the_import_is_refused(demo_archive, tmp_path):
    def more(manifest: dict) -> None:
        manifest["tables"]["incidents"]["rows"] += 1

    wrong = _with_manifest(demo_archive, tmp_path / "wrong.vzbackup", more)
    with pytest.raises(BackupDamaged) as caught:
        restore_backup(SYSTEM, wrong, tmp_path / "target.duckdb")
    assert caught.value.key == "backup.count_differs" and caught.value.params["table"] == "incidents"
    assert not (tmp_path / "target.duckdb").exists() and len(list(tmp_path.iterdir())) == 1


def test_a_target_holding_data_is_refused_and_left_as_it_was(demo_archive, demo_db_file, tmp_path):
    target = tmp_path / "full.duckdb"
    shutil.copy(demo_db_file, target)
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    with pytest.raises(Conflict) as caught:
        restore_backup(SYSTEM, demo_archive, target)
    assert caught.value.key == "backup.target_not_empty" and "enterprises" in caught.value.params["tables"]
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    result = cli("--db", str(target), "--lang", "en", "restore", str(demo_archive))
    assert result.returncode == 2 and "already holds data" in result.stderr and "Traceback" not in result.stderr


def test_only_an_administrator_may_back_up_or_restore(world, tmp_path, demo_archive):
    store, users, _, _ = world
    for name in ("demo.region", "demo.head", "demo.officer"):
        with pytest.raises(PermissionDenied):
            backup_bytes(store, users[name])
        with pytest.raises(PermissionDenied):
            write_backup(store, users[name], tmp_path / "x.vzbackup")
        with pytest.raises(PermissionDenied):
            restore_backup(users[name], demo_archive, tmp_path / "x.duckdb")
    assert not list(tmp_path.glob("x.*"))
    data = backup_bytes(store, users["demo.admin"])
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    [entry] = [e for e in audit_entries(store, SYSTEM) if e["action"] == "database.backup"]
    assert entry["username"] == "demo.admin" and json.loads(entry["after"])["bytes"] == len(data)


# --- a backup while others write


def test_a_backup_taken_while_others_write_is_one_consistent_state(world, tmp_path):
    store, users, own, _ = world
    officer = users["demo.officer"]
    case = {"occurred_on": dt.date(2026, 3, 2), "kind": "near_miss", "description": "Искра у щита"}
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def write() -> None:
        while not stop.is_set():
            try:
                add_incident(store, officer, own, case)
            except BaseException as exc:
                errors.append(exc)
                return
            written.append(1)

    writers = [threading.Thread(target=write) for _ in range(4)]
    for writer in writers:
        writer.start()
    try:
        while not written:
            time.sleep(0.01)
        archives = []
        for number in range(3):
            archives.append(tmp_path / f"during{number}.vzbackup")
            archives[-1].write_bytes(backup_bytes(store, SYSTEM))
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert errors == []

    seen = []
    for archive in archives:
        target = archive.with_suffix(".duckdb")
        restore_backup(SYSTEM, archive, target)
        manifest = _manifest(archive)
        counts = _counts(target)
        assert {t: e["rows"] for t, e in manifest["tables"].items()} == counts | {"audit_log": counts["audit_log"] - 1}
        with Store(target) as restored:
            # Every case went in with its audit row and its summaries in one transaction: all three or none.
            [(logged,)] = restored.query("SELECT count(*) FROM audit_log WHERE action = 'incident.create'")
            assert counts["incidents"] - DEMO_INCIDENTS == logged
            assert check_summaries(restored, SYSTEM) == []
        seen.append(counts["incidents"])
    final = store.query("SELECT count(*) FROM incidents")[0][0]
    assert DEMO_INCIDENTS < seen[0] <= seen[1] <= seen[2] <= final == DEMO_INCIDENTS + len(written)


# --- the daily backups


def _days(last: dt.date, count: int) -> list[dt.date]:
    return [last - dt.timedelta(days=n) for n in range(count)]


def test_pruning_keeps_seven_days_and_the_newest_of_four_weeks_before_them():
    sunday = dt.date(2026, 11, 29)  # ISO week 48 runs from Monday the 23rd
    days = _days(sunday, 60)
    kept = sorted(set(days) - set(backups_to_prune(days)))
    weekly = [dt.date(2026, 11, 1), dt.date(2026, 11, 8), dt.date(2026, 11, 15), dt.date(2026, 11, 22)]
    assert kept == weekly + _days(sunday, 7)[::-1]
    assert backups_to_prune(kept) == []  # pruning again takes nothing more


def test_pruning_skips_the_weeks_the_daily_backups_already_cover():
    wednesday = dt.date(2026, 11, 25)  # the seven days reach back into week 47 (Thursday the 19th)
    days = _days(wednesday, 40)
    kept = set(days) - set(backups_to_prune(days))
    weekly = {dt.date(2026, 10, 25), dt.date(2026, 11, 1), dt.date(2026, 11, 8), dt.date(2026, 11, 15)}
    assert kept == weekly | set(_days(wednesday, 7))


def test_pruning_with_gaps_keeps_weeks_that_have_a_backup_and_crosses_the_year():
    days = [dt.date(2026, 1, 20) - dt.timedelta(days=3 * n) for n in range(20)]  # every third day
    kept = set(days) - set(backups_to_prune(days))
    # The seven newest reach back to Friday 2 January, in ISO week 2026-W01 (from Monday 29 December): the
    # 30th is in a covered week and goes; then one a week for 2025-W52, W51, W50 and W49.
    weekly = {dt.date(2025, 12, 27), dt.date(2025, 12, 21), dt.date(2025, 12, 12), dt.date(2025, 12, 6)}
    assert kept == weekly | set(days[:7])
    assert backups_to_prune(days[:7]) == [] and backups_to_prune([]) == []


def test_prune_backups_deletes_only_the_daily_files_it_lets_go(tmp_path):
    for day in _days(dt.date(2026, 11, 29), 20):
        (tmp_path / daily_name(day)).write_bytes(b"x")
    keep = [tmp_path / "mine.vzbackup", tmp_path / "vision_zero_2026-13-45.vzbackup", tmp_path / "notes.txt"]
    for path in keep:
        path.write_bytes(b"y")
    gone = prune_backups(tmp_path)
    assert len(gone) == 20 - 7 - 2 and not any(p.exists() for p in gone)  # weeks 47 and 46 keep one each
    assert all(p.exists() for p in keep)


def test_the_daily_backup_is_written_once_a_day_and_restores(store, admin, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    day = dt.date(2026, 11, 29)
    assert keep_daily_backup(store, folder, day) == folder / daily_name(day)
    assert keep_daily_backup(store, folder, day) is None
    restore_backup(SYSTEM, folder / daily_name(day), tmp_path / "restored.duckdb")
    with Store(tmp_path / "restored.duckdb") as restored:
        assert create_admin(restored, "second", PASSWORD, "Второй Администратор", first_only=False).id == admin.id + 1
    entries = [e for e in audit_entries(store, SYSTEM) if e["action"] == "database.backup"]
    assert [e["username"] for e in entries] == [DAILY_BACKUP.username]

    monkeypatch.setenv("VZ_BACKUP_DIR", str(folder))
    thread = start_daily_backup(store, day + dt.timedelta(days=1))
    assert thread is not None
    thread.join(60)
    assert (folder / daily_name(day + dt.timedelta(days=1))).exists()
    assert start_daily_backup(store, day + dt.timedelta(days=1)) is None  # once per day and process
    monkeypatch.delenv("VZ_BACKUP_DIR")
    assert start_daily_backup(store, day + dt.timedelta(days=2)) is None


# --- the app


def test_an_administrator_downloads_a_backup_from_the_audit_page(demo_app, monkeypatch, tmp_path):
    captured = recorded_downloads(monkeypatch, by="key")  # the file name holds the time
    at = demo_app("demo.admin")
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert t("backup.download", "ru") in [b.label for b in at.get("download_button")]
    archive = tmp_path / "downloaded.vzbackup"
    archive.write_bytes(captured["backup_download"]())  # what a click hands the browser

    restore_backup(SYSTEM, archive, tmp_path / "restored.duckdb")
    assert _counts(tmp_path / "restored.duckdb")["enterprises"] == 31
    with Store(at.db_path) as store:
        [entry] = [e for e in audit_entries(store, SYSTEM) if e["action"] == "database.backup"]
    assert entry["username"] == "demo.admin"


def test_the_app_keeps_the_daily_backup_when_a_folder_is_set(demo_app, monkeypatch, tmp_path):
    folder = tmp_path / "daily"
    monkeypatch.setenv("VZ_BACKUP_DIR", str(folder))
    at = demo_app()
    assert not at.exception
    for thread in [th for th in threading.enumerate() if th.name == "vz-daily-backup"]:
        thread.join(60)
    assert [p.name for p in folder.iterdir()] == [daily_name(dt.date.today())]
