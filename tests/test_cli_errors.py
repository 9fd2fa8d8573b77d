"""The command line never shows a traceback without --debug: every subcommand, given bad input, prints one clear
message to stderr and exits 2 (argparse's own usage errors exit 2 too)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from safety.access.roles import SYSTEM
from safety.cli import build_parser, main
from safety.db import Store
from safety.register.enterprises import list_enterprises

from conftest import DATA

GARBAGE = b"\x00\x01 this is no spreadsheet, no archive and no database \xff" * 40


def _subcommands() -> set[str]:
    """Every subcommand the parser knows, so a new one cannot slip past this test."""
    action = next(a for a in build_parser()._actions if a.dest == "command")
    return set(action.choices)


@pytest.fixture
def files(tmp_path: Path, demo_db_file: Path) -> dict[str, str]:
    """Paths of the bad inputs: a damaged database, a garbage file, a missing one, a demo copy, a bad mapping."""
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes(b"\x00" * 40960)
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(GARBAGE)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns: [this, is: not: a mapping\n", encoding="utf-8")
    demo = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_file, demo)
    with Store(demo) as store:
        own = list_enterprises(store, SYSTEM)[0].bin
    return {
        "bin": own,
        "good": str(DATA / "register_good.xlsx"),
        "damaged": str(damaged),
        "garbage": str(garbage),
        "missing": str(tmp_path / "no_such_file.xlsx"),
        "nodir": str(tmp_path / "no_such_dir" / "out.xlsx"),
        "mapping": str(mapping),
        "demo": str(demo),
        "fresh": str(tmp_path / "fresh.duckdb"),
        "bad_rows": str(DATA / "register_bad_bin_row5.xlsx"),
        "log": str(DATA / "logs" / "log_bad_rows.csv"),
    }


# (subcommand, arguments after the global ones, database to use, standard input): one row per kind of bad input.
CASES = [
    ("init", [], "damaged", ""),
    ("create-admin", ["--username", "boss"], "fresh", "short\n"),
    ("create-admin", ["--username", "boss"], "demo", "a long enough password\n"),
    ("demo", [], "damaged", ""),
    ("demo", ["--remove"], "damaged", ""),
    ("enterprises", ["--json"], "damaged", ""),
    ("import-enterprises", ["{missing}"], "fresh", ""),
    ("import-enterprises", ["{garbage}"], "fresh", ""),
    ("import-enterprises", ["{bad_rows}", "--dry-run"], "fresh", ""),
    ("import-enterprises", ["{good}"], "demo", ""),  # real records beside the demo
    ("export-enterprises", ["{nodir}"], "demo", ""),
    ("import-incidents", ["{log}", "--enterprise", "000000000000"], "demo", ""),
    ("import-incidents", ["{garbage}", "--enterprise", "{bin}"], "demo", ""),
    ("import-incidents", ["{log}", "--enterprise", "{bin}", "--mapping", "{mapping}"], "demo", ""),
    ("import-incidents", ["{log}", "--enterprise", "{bin}", "--mapping", "{missing}"], "demo", ""),
    ("import-incidents", ["{log}", "--enterprise", "{bin}", "--sheet", "7"], "demo", ""),
    ("imports", ["--json"], "damaged", ""),
    ("undo-import", ["999999"], "demo", ""),
    ("metrics", ["--year", "2025", "--district", "Атлантида"], "demo", ""),
    ("metrics", ["--year", "2025", "--enterprise", "123"], "demo", ""),
    ("unlock", ["nobody"], "demo", ""),
    ("check", [], "damaged", ""),
    ("rebuild-summaries", [], "damaged", ""),
    ("backup", ["{garbage}/out.vzbackup"], "demo", ""),  # its folder is a file
    ("backup", ["{fresh}.vzbackup"], "damaged", ""),
    ("restore", ["{garbage}"], "fresh", ""),
    ("restore", ["{missing}"], "fresh", ""),
    ("restore", ["{garbage}"], "demo", ""),
    ("copy", ["--from", "{demo}", "--to", "{demo}"], "demo", ""),  # one database
    ("copy", ["--from", "{fresh}", "--to", "{demo}"], "demo", ""),  # a target with data
    ("copy", ["--from", "{damaged}", "--to", "{fresh}"], "demo", ""),
    ("copy", ["--from", "{demo}", "--to", "postgresql://nobody@/nowhere?host=/no/such/folder"], "demo", ""),
    ("remind", ["--dry-run"], "damaged", ""),
    ("report", ["--year", "2025", "--enterprise", "000000000000", "--out", "{fresh}.pdf"], "demo", ""),
    ("report", ["--year", "2025", "--district", "Атлантида", "--out", "{fresh}.pdf"], "demo", ""),
    ("report", ["--year", "2025", "--enterprise", "{bin}", "--out", "{nodir}"], "demo", ""),  # no such folder
    ("report", ["--year", "2025", "--out", "{fresh}.pdf"], "damaged", ""),
]


def test_every_subcommand_has_a_bad_input_case():
    assert _subcommands() == {command for command, *_ in CASES}


@pytest.mark.parametrize(("command", "arguments", "database", "stdin"), CASES, ids=lambda v: str(v)[:30])
def test_bad_input_gives_a_message_and_exit_2(files, capsys, monkeypatch, command, arguments, database, stdin):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    argv = ["--db", files[database], "--lang", "en", command, *(a.format(**files) for a in arguments)]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (argv, out, err)
    assert err.strip() and "Traceback" not in err + out, err
    assert len(err.strip().splitlines()) <= 210  # a message (with its problems), not a dump


def test_usage_errors_exit_2_without_a_traceback(capsys):
    with pytest.raises(SystemExit) as info:
        main(["metrics", "--year", "not-a-year"])
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_debug_shows_the_traceback(files):
    with pytest.raises(Exception):  # noqa: B017 - whichever error: --debug lets it through
        main(["--db", files["damaged"], "--debug", "check"])


def test_a_bug_is_one_line_and_exit_2(files, capsys, monkeypatch):
    monkeypatch.setitem(__import__("safety.cli", fromlist=["COMMANDS"]).COMMANDS, "check", lambda *a: {}["missing"])
    assert main(["--db", files["fresh"], "--lang", "en", "check"]) == 2
    err = capsys.readouterr().err
    assert "Unexpected program error (KeyError" in err and "--debug" in err and "Traceback" not in err
