"""The command line: same functions as the UI, errors on stderr with exit status 2 and no traceback."""

import json
import subprocess
import sys

from safety.geography import DISTRICTS_BY_KATO
from safety.identifiers import is_valid_bin

from conftest import DATA, ROOT


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "safety", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env)


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("init", "demo", "enterprises", "import-enterprises", "export-enterprises"):
        assert command in result.stdout


def test_demo_then_enterprises_json(tmp_path):
    db = str(tmp_path / "demo.duckdb")
    assert run("--db", db, "demo").returncode == 0
    result = run("--db", db, "enterprises", "--json")
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
    result = run("--db", db, "--lang", "en", "import-enterprises", str(DATA / "register_good.xlsx"))
    assert result.returncode == 0 and "4 added" in result.stdout
    out = tmp_path / "out.xlsx"
    assert run("--db", db, "export-enterprises", str(out)).returncode == 0
    again = run("--db", db, "--lang", "en", "import-enterprises", str(out), "--dry-run")
    assert "4 unchanged" in again.stdout


def test_bad_file_exits_2_with_the_row_and_no_traceback(tmp_path):
    db = str(tmp_path / "b.duckdb")
    result = run("--db", db, "--lang", "en", "import-enterprises", str(DATA / "register_bad_bin_row5.xlsx"))
    assert result.returncode == 2 and result.stdout == ""
    assert "row 5" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(run("--db", db, "enterprises", "--json").stdout) == []


def test_missing_file_exits_2(tmp_path):
    result = run("--db", str(tmp_path / "m.duckdb"), "import-enterprises", str(tmp_path / "nope.xlsx"))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "nope.xlsx" in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    empty = str(DATA / "register_zero_bytes.xlsx")
    result = run("--db", str(tmp_path / "d.duckdb"), "--debug", "import-enterprises", empty)
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_create_admin_refuses_a_short_password(tmp_path):
    db = str(tmp_path / "a.duckdb")
    result = subprocess.run([sys.executable, "-m", "safety", "--db", db, "--lang", "en", "create-admin"],
                            input="eleven char\n", cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "at least 12 characters" in result.stderr
    result = subprocess.run([sys.executable, "-m", "safety", "--db", db, "--lang", "en", "create-admin",
                             "--username", "boss"], input="twelve chars\n", cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0 and "boss" in result.stdout


def test_demo_prints_one_password_per_role(tmp_path):
    result = run("--db", str(tmp_path / "d.duckdb"), "--lang", "en", "demo")
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith("  demo.")]
    assert [parts[0] for parts in lines] == ["demo.admin", "demo.region", "demo.head", "demo.officer"]
    assert all(len(parts[-1]) >= 12 for parts in lines)


def test_import_incidents_json_imports_and_undo(tmp_path):
    db = str(tmp_path / "i.duckdb")
    run("--db", db, "demo")
    bin_ = json.loads(run("--db", db, "enterprises", "--json").stdout)[0]["bin"]
    log = str(DATA / "logs" / "log_bad_rows.csv")
    result = run("--db", db, "--lang", "en", "import-incidents", log, "--enterprise", bin_, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"file", "sheet", "rows_read", "imported", "duplicates", "identical_in_file", "skipped", "rejected",
            "errors", "warnings"} <= set(report)
    assert (report["rows_read"], report["imported"], report["rejected"]) == (6, 1, 5)
    assert {"row", "column", "value", "message"} == set(report["errors"][0])
    imports = json.loads(run("--db", db, "imports", "--json").stdout)
    assert imports[0]["file_name"] == "log_bad_rows.csv"
    assert run("--db", db, "undo-import", str(imports[0]["id"])).returncode == 0
    again = run("--db", db, "import-incidents", log, "--enterprise", bin_, "--dry-run", "--json")
    assert json.loads(again.stdout)["imported"] == 1


def test_import_incidents_refuses_a_broken_file_with_exit_2(tmp_path):
    db = str(tmp_path / "b.duckdb")
    run("--db", db, "demo")
    bin_ = json.loads(run("--db", db, "enterprises", "--json").stdout)[0]["bin"]
    result = run("--db", db, "--lang", "en", "import-incidents", str(DATA / "incidents" / "pdf_renamed.xlsx"),
                 "--enterprise", bin_)
    assert result.returncode == 2 and "not a spreadsheet" in result.stderr and "Traceback" not in result.stderr
