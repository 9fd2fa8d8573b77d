"""The command line: same functions as the UI, errors on stderr with exit status 2 and no traceback."""

import json
import shutil
import subprocess
import sys

import pytest

from safety.access.auth import SignInFailed, authenticate
from safety.db import Store
from safety.identifiers import is_valid_bin
from safety.register.geography import DISTRICTS_BY_KATO

from conftest import DATA, ROOT, cli, run


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("init", "demo", "enterprises", "import-enterprises", "export-enterprises", "metrics"):
        assert command in result.stdout


def test_demo_then_enterprises_json(tmp_path):
    db = str(tmp_path / "demo.duckdb")
    assert cli("--db", db, "demo").returncode == 0
    result = cli("--db", db, "enterprises", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 31 and len({r["bin"] for r in rows}) == 31
    for row in rows:
        assert is_valid_bin(row["bin"]) and row["kato"] in DISTRICTS_BY_KATO
        assert row["district"] == DISTRICTS_BY_KATO[row["kato"]].ru
        assert {"bin", "name_ru", "district", "kato", "oked", "joined_on"} <= set(row)


def test_db_path_from_environment(tmp_path):
    import os

    db = tmp_path / "env.duckdb"
    env = {**os.environ, "VZ_DB_PATH": str(db)}
    assert run("init", env=env).returncode == 0 and db.exists()
    assert json.loads(run("enterprises", "--json", env=env).stdout) == []


def test_import_export_round_trip(tmp_path):
    db = str(tmp_path / "r.duckdb")
    result = cli("--db", db, "--lang", "en", "import-enterprises", str(DATA / "register_good.xlsx"))
    assert result.returncode == 0 and "4 added" in result.stdout
    out = tmp_path / "out.xlsx"
    assert cli("--db", db, "export-enterprises", str(out)).returncode == 0
    again = cli("--db", db, "--lang", "en", "import-enterprises", str(out), "--dry-run")
    assert "4 unchanged" in again.stdout


def test_bad_file_exits_2_with_the_row_and_no_traceback(tmp_path):
    db = str(tmp_path / "b.duckdb")
    result = cli("--db", db, "--lang", "en", "import-enterprises", str(DATA / "register_bad_bin_row5.xlsx"))
    assert result.returncode == 2 and result.stdout == ""
    assert "row 5" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(cli("--db", db, "enterprises", "--json").stdout) == []


def test_missing_file_exits_2(tmp_path):
    result = cli("--db", str(tmp_path / "m.duckdb"), "import-enterprises", str(tmp_path / "nope.xlsx"))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "nope.xlsx" in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    empty = str(DATA / "register_zero_bytes.xlsx")
    result = run("--db", str(tmp_path / "d.duckdb"), "--debug", "import-enterprises", empty)
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_create_admin_refuses_a_short_password(tmp_path):
    db = str(tmp_path / "a.duckdb")
    result = subprocess.run(
        [sys.executable, "-m", "safety", "--db", db, "--lang", "en", "create-admin"],
        input="eleven char\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "at least 12 characters" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "safety", "--db", db, "--lang", "en", "create-admin", "--username", "boss"],
        input="twelve chars\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "boss" in result.stdout


def test_demo_prints_one_password_per_role(tmp_path):
    result = cli("--db", str(tmp_path / "d.duckdb"), "--lang", "en", "demo")
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith("  demo.")]
    assert [parts[0] for parts in lines] == ["demo.admin", "demo.region", "demo.head", "demo.officer"]
    assert all(len(parts[-1]) >= 12 for parts in lines)


def test_import_incidents_json_imports_and_undo(tmp_path):
    db = str(tmp_path / "i.duckdb")
    cli("--db", db, "demo")
    bin_ = json.loads(cli("--db", db, "enterprises", "--json").stdout)[0]["bin"]
    log = str(DATA / "logs" / "log_bad_rows.csv")
    result = cli("--db", db, "--lang", "en", "import-incidents", log, "--enterprise", bin_, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {
        "file",
        "sheet",
        "rows_read",
        "imported",
        "duplicates",
        "identical_in_file",
        "skipped",
        "rejected",
        "errors",
        "warnings",
    } <= set(report)
    assert (report["rows_read"], report["imported"], report["rejected"]) == (6, 1, 5)
    assert {"row", "column", "value", "message"} == set(report["errors"][0])
    imports = json.loads(cli("--db", db, "imports", "--json").stdout)
    assert imports[0]["file_name"] == "log_bad_rows.csv"
    assert cli("--db", db, "undo-import", str(imports[0]["id"])).returncode == 0
    again = cli("--db", db, "import-incidents", log, "--enterprise", bin_, "--dry-run", "--json")
    assert json.loads(again.stdout)["imported"] == 1


def test_import_incidents_refuses_a_broken_file_with_exit_2(tmp_path):
    db = str(tmp_path / "b.duckdb")
    cli("--db", db, "demo")
    bin_ = json.loads(cli("--db", db, "enterprises", "--json").stdout)[0]["bin"]
    result = cli(
        "--db",
        db,
        "--lang",
        "en",
        "import-incidents",
        str(DATA / "incidents" / "pdf_renamed.xlsx"),
        "--enterprise",
        bin_,
    )
    assert result.returncode == 2 and "not a spreadsheet" in result.stderr and "Traceback" not in result.stderr


def _demo_copy(demo_db_file, tmp_path) -> str:
    """A private copy of the session's demo database (building the demo again would cost a subprocess)."""
    import shutil

    path = tmp_path / "metrics.duckdb"
    shutil.copy(demo_db_file, path)
    return str(path)


def test_metrics_json_on_the_demo(demo_db_file, tmp_path):
    db = _demo_copy(demo_db_file, tmp_path)
    result = cli("--db", db, "metrics", "--year", "2026", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert {
        "injured",
        "killed",
        "lost_days",
        "headcount",
        "hours",
        "kch",
        "kt",
        "kp",
        "kch_fatal",
        "ltifr",
        "trir",
        "dart",
        "yoy_kch_pct",
        "previous",
    } <= set(figures)
    assert -30 < figures["yoy_kch_pct"] < -15
    before = figures["previous"]
    assert before["year"] == 2025 and before["kch"] > figures["kch"] > 0
    assert figures["yoy_kch_pct"] == pytest.approx((figures["kch"] - before["kch"]) / before["kch"] * 100)
    # a year before the demo's first: no headcount, so every rate is null (never 0)
    empty = json.loads(cli("--db", db, "metrics", "--year", "2019", "--json").stdout)
    assert empty["injured"] == 0 and empty["kch"] is None and empty["ltifr"] is None and empty["yoy_kch_pct"] is None
    # one enterprise and one district narrow the figures
    bin_ = json.loads(cli("--db", db, "enterprises", "--json").stdout)[0]["bin"]
    one = json.loads(cli("--db", db, "metrics", "--year", "2026", "--enterprise", bin_, "--json").stdout)
    assert one["scope"]["bin"] == bin_ and one["headcount"] < figures["headcount"]
    district = json.loads(cli("--db", db, "metrics", "--year", "2026", "--district", "311000000", "--json").stdout)
    assert district["scope"]["district"] == "311000000" and 0 < district["headcount"] < figures["headcount"]


def test_metrics_prints_a_table_in_the_language(demo_db_file, tmp_path):
    from safety.i18n import format_number, format_percent, t
    from safety.indicators.formulas import KEYS

    db = _demo_copy(demo_db_file, tmp_path)
    figures = json.loads(cli("--db", db, "metrics", "--year", "2026", "--json").stdout)
    for lang in ("en", "ru"):
        result = cli("--db", db, "--lang", lang, "metrics", "--year", "2026")
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert "2026" in lines[0] and t("cli.metrics.scope_all", lang) in lines[0]
        assert "2025" in lines[1] and t("indicator.yoy", lang) in lines[1]
        for key in KEYS:
            assert any(line.startswith(t("indicator." + key, lang) + " ") for line in lines), (lang, key)
        [kch] = [line for line in lines if line.startswith(t("indicator.kch", lang) + " ")]
        assert kch.rstrip().endswith(format_percent(figures["yoy_kch_pct"], lang))
        assert format_number(figures["kch"], lang, 2) in kch


def test_metrics_of_an_unknown_enterprise_or_district_exits_2(demo_db_file, tmp_path):
    db = _demo_copy(demo_db_file, tmp_path)
    result = cli("--db", db, "--lang", "en", "metrics", "--year", "2026", "--enterprise", "990101000000")
    assert result.returncode == 2 and result.stdout == ""
    assert "990101000000" in result.stderr and "Traceback" not in result.stderr
    result = cli("--db", db, "--lang", "en", "metrics", "--year", "2026", "--district", "Atlantis")
    assert result.returncode == 2 and "Atlantis" in result.stderr and "Traceback" not in result.stderr


def test_metrics_labels_are_in_the_catalogue():
    from safety.i18n import catalogue
    from safety.indicators.formulas import KEYS

    assert all("indicator." + key in catalogue() for key in (*KEYS, "yoy", "no_data"))


def test_unlock_lifts_a_lock(demo_db_file, tmp_path):
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_file, db)
    with Store(db) as store:
        for attempt in range(5):
            with pytest.raises(SignInFailed):
                authenticate(store, "demo.officer", f"wrong password {attempt}")
    result = cli("--db", str(db), "--lang", "en", "unlock", "demo.officer")
    assert result.returncode == 0 and "demo.officer is unlocked" in result.stdout
    with Store(db) as store:
        assert store.query("SELECT failed_attempts, locked_until FROM users WHERE username = 'demo.officer'") == [
            (0, None)
        ]
    missing = cli("--db", str(db), "unlock", "nobody")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
