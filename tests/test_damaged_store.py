"""A damaged database file is refused at the door: the store, the command line and the app each say which file and
what to do, without a traceback, and change nothing in the file."""

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from safety.db import Store
from safety.errors import StoreDamaged

from conftest import ROOT, run, signed_in


def _damage(source: Path, target: Path, how: str) -> Path:
    """A copy of the demo database spoilt in one of the ways a disk, a copy or a person spoils files."""
    size = source.stat().st_size
    if how == "truncated":
        shutil.copy(source, target)
        os.truncate(target, size // 2)
    elif how == "last_page_lost":
        shutil.copy(source, target)
        os.truncate(target, size - 4096)
    elif how == "zeroed":
        target.write_bytes(b"\0" * size)
    elif how == "foreign":
        target.write_bytes(b"%PDF-1.7 this is a report, not a database\n" * 500)
    elif how == "sqlite":
        with sqlite3.connect(target) as con:
            con.execute("CREATE TABLE enterprises (bin TEXT)")
    elif how == "overwritten_middle":  # a block of the cases' column data, written over (a bad sector)
        shutil.copy(source, target)
        with Store(source, migrate=False) as store:
            (block,) = store.query("SELECT max(block_id) FROM pragma_storage_info('incidents') WHERE block_id >= 0")[0]
            block_size = store.query("SELECT block_size FROM pragma_database_size()")[0][0]
        with target.open("r+b") as f:
            f.seek(3 * 4096 + block * block_size + 64)
            f.write(b"\xa5" * 4096)
    return target


QUICK = ["truncated", "last_page_lost", "zeroed", "foreign", "sqlite"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("how", QUICK)
def test_opening_a_damaged_file_is_refused_and_changes_nothing(demo_db_file, tmp_path, how):
    path = _damage(demo_db_file, tmp_path / f"{how}.duckdb", how)
    before = _digest(path)
    with pytest.raises(StoreDamaged) as info:
        Store(path)
    message = info.value.render("en")
    assert str(path.resolve()) in message and "restore" in message and "VZ_BACKUP_DIR" in message
    assert "повреждён" in info.value.render("ru") and "бүлінген" in info.value.render("kk")
    assert _digest(path) == before
    assert not Path(f"{path}.wal").exists()


def test_a_sound_file_passes_both_checks(demo_db_file, tmp_path):
    path = tmp_path / "sound.duckdb"
    shutil.copy(demo_db_file, path)
    with Store(path) as store:
        store.check(thorough=True)


def test_the_thorough_check_finds_a_block_the_quick_one_cannot_see(demo_db_file, tmp_path):
    path = _damage(demo_db_file, tmp_path / "middle.duckdb", "overwritten_middle")
    with Store(path) as store, pytest.raises(StoreDamaged) as info:  # same length, sound header: it opens
        store.check(thorough=True)
    assert "checksum" in info.value.render("en")


@pytest.mark.parametrize("how", [*QUICK, "overwritten_middle"])
def test_the_command_line_exits_2_with_the_message_and_no_traceback(demo_db_file, tmp_path, how):
    path = _damage(demo_db_file, tmp_path / f"{how}.duckdb", how)
    result = run("--db", str(path), "--lang", "en", "check")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert str(path.resolve()) in result.stderr and "restore" in result.stderr


@pytest.mark.parametrize("how", ["truncated", "foreign"])
def test_the_app_shows_one_clear_page(demo_db_file, tmp_path, monkeypatch, how):
    path = _damage(demo_db_file, tmp_path / f"{how}.duckdb", how)
    monkeypatch.setenv("VZ_DB_PATH", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["База данных недоступна"]
    assert len(at.error) == 1
    text = at.error[0].value
    assert "повреждён" in text and "restore" in text
    assert not at.text_input  # no sign-in form in front of a database that cannot be read


def test_damage_met_after_opening_is_a_message_on_the_page(demo_db_file, tmp_path, monkeypatch):
    path = _damage(demo_db_file, tmp_path / "middle.duckdb", "overwritten_middle")
    monkeypatch.setenv("VZ_DB_PATH", str(path))
    with Store(path) as store:
        admin = store.query("SELECT id FROM users WHERE username = 'demo.admin'")[0][0]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    signed_in(at, admin)
    for page in ("app_pages/dashboard.py", "app_pages/enterprises.py", "app_pages/incidents.py"):
        at.switch_page(page).run()
        assert not at.exception, page
    assert any("повреждён" in e.value for e in at.error)  # the incidents page reads the damaged block
