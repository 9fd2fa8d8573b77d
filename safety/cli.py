"""The command line: it calls the same library functions as the UI and turns errors into messages and exit 2."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from safety.access.auth import create_admin
from safety.access.roles import SYSTEM
from safety.access.users import unlock_user
from safety.backup import restore_backup, write_backup
from safety.copying import copy_database
from safety.db import Store, default_target, open_store, summaries
from safety.db.targets import shown
from safety.demo import load_demo, mark_initialised, remove_demo
from safety.errors import SafetyError, ValidationFailed
from safety.i18n import LANGUAGES, format_number, format_percent, normalise_language, t
from safety.incidents.imports.history import list_imports, undo_import
from safety.incidents.imports.mapping import load_profile
from safety.incidents.imports.pipeline import import_incidents
from safety.incidents.imports.report import COUNTS, import_report
from safety.incidents.summaries import check_summaries, rebuild_summaries
from safety.indicators.formulas import change_pct, metrics
from safety.indicators.registry import INDICATORS
from safety.register.enterprises import get_enterprise, list_enterprises
from safety.register.geography import DISTRICTS_BY_KATO, district_for
from safety.register.spreadsheets import export_register, import_register
from safety.reports.files import FORMATS, report_file
from safety.work.mail import MailNotConfigured, load_mail_settings
from safety.work.reminders import ALREADY_SENT, FAILED, NO_EMAIL, SENT, WOULD_SEND, send_reminders


def build_parser() -> argparse.ArgumentParser:
    """Describe the commands and their options."""
    parser = argparse.ArgumentParser(prog="python -m safety", description="Vision Zero Tracker command line.")
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help="database: a DuckDB file, or postgresql://user@host/db "
        "(default: $VZ_DATABASE_URL, else $VZ_DB_PATH, else data/vision_zero.duckdb)",
    )
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=os.environ.get("VZ_LANG", "ru"), help="language of messages (default: ru)"
    )
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("init", help="create or upgrade the database, empty (no demo data)")
    admin = commands.add_parser("create-admin", help="create an administrator (asks for the password)")
    admin.add_argument("--username", default="admin")
    admin.add_argument("--full-name", default="Administrator")
    demo = commands.add_parser("demo", help="load the fictional demo data (replaces earlier demo data)")
    demo.add_argument("--remove", action="store_true", help="delete the demo data instead")

    listing = commands.add_parser("enterprises", help="list the enterprise register")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.add_argument("--all", action="store_true", help="include deactivated enterprises")

    imp = commands.add_parser("import-enterprises", help="import the register from .xlsx/.xls/.ods/.csv")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check the file and report, write nothing")

    exp = commands.add_parser("export-enterprises", help="export the register to .xlsx")
    exp.add_argument("file", type=Path)

    inc = commands.add_parser("import-incidents", help="import an incident log (.xlsx/.xls/.ods/.csv)")
    inc.add_argument("file", type=Path)
    inc.add_argument("--enterprise", required=True, metavar="BIN")
    inc.add_argument("--mapping", type=Path, metavar="PROFILE.yaml", help="a mapping profile")
    inc.add_argument("--sheet", help="sheet name or 1-based number (default: the first with data)")
    inc.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    inc.add_argument("--drop-identical", action="store_true", help="drop rows identical to an earlier row")
    inc.add_argument("--json", action="store_true", help="print the report as JSON")
    imports = commands.add_parser("imports", help="list incident imports")
    imports.add_argument("--json", action="store_true")
    undo = commands.add_parser("undo-import", help="remove every case an import wrote")
    undo.add_argument("id", type=int)
    backup = commands.add_parser("backup", help="write a backup archive of the whole database (zip, .vzbackup)")
    backup.add_argument("file", type=Path)
    restore = commands.add_parser("restore", help="restore a backup archive into an empty database (--db)")
    restore.add_argument("file", type=Path)
    copy = commands.add_parser(
        "copy", help="copy a whole database into an empty one (DuckDB file or postgresql:// URL, either way)"
    )
    copy.add_argument("--from", dest="source", required=True, metavar="PATH|URL")
    copy.add_argument("--to", dest="target", required=True, metavar="PATH|URL")

    figures = commands.add_parser(
        "metrics", help="injury indicators of a year (Кч, Кт, Кп, LTIFR, TRIR, DART) against the year before"
    )
    figures.add_argument("--year", type=int, required=True)
    figures.add_argument("--enterprise", metavar="BIN", help="one enterprise (default: the whole region)")
    figures.add_argument("--district", metavar="KATO", help="one district: KATO code or name")
    figures.add_argument("--json", action="store_true", help="print the figures as JSON (null where no data)")

    report = commands.add_parser(
        "report", help="write the regional report, or one enterprise's report card, as PDF or .xlsx (all or nothing)"
    )
    report.add_argument("--year", type=int, required=True)
    report.add_argument("--district", metavar="KATO", help="one district: KATO code or name (default: the region)")
    report.add_argument("--division", metavar="NN", help="one industry: its two-digit OKED division")
    report.add_argument("--enterprise", metavar="BIN", help="the report card of this enterprise instead")
    report.add_argument("--format", choices=FORMATS, dest="fmt", help="pdf or xlsx (default: the --out extension)")
    report.add_argument("--out", type=Path, required=True, metavar="FILE", help="the file to write")
    # the same option as the global --lang, also accepted after the command; left out, the global one holds
    report.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help="language of the report")

    unlock = commands.add_parser("unlock", help="lift the lock that failed sign-ins put on an account")
    unlock.add_argument("username")

    commands.add_parser(
        "check",
        help="read every stored value (exit 2 when the file is damaged), then compare every summary table with a "
        "fresh count of the cases (exit 1 when one differs)",
    )
    commands.add_parser("rebuild-summaries", help="rebuild every summary table from the cases, in one transaction")
    remind = commands.add_parser(
        "remind",
        help="e-mail each person a digest of their items overdue or due within 14 days (at most once a day; SMTP "
        "settings from .streamlit/secrets.toml [smtp] or VZ_SMTP_*); exit 1 when a digest failed",
    )
    remind.add_argument("--dry-run", action="store_true", help="list who would get what; send and record nothing")
    remind.add_argument(
        "--today", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="the day to remind of (default: today)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status (2 on any error)."""
    args = build_parser().parse_args(argv)
    lang = normalise_language(args.lang)
    try:
        if args.command == "restore":  # builds the target beside it and moves it in, so it must not hold it open
            return _restore(args, lang)
        if args.command == "copy":  # opens its own two databases; --db plays no part
            return _copy(args, lang)
        with open_store(args.db) as store:
            return COMMANDS[args.command](store, args, lang)
    except SafetyError as exc:
        if args.debug:
            raise
        print(exc.render(lang, max_problems=200), file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader (say, `| head`) stopped early: not an error of ours
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python from failing again on exit
        return 0
    except OSError as exc:
        if args.debug:
            raise
        print(t("error.os", lang, detail=str(exc)), file=sys.stderr)
        return 2
    except Exception as exc:  # a bug of ours: still one line and exit 2; --debug shows where
        if args.debug:
            raise
        print(t("error.unexpected", lang, detail=f"{type(exc).__name__}: {exc}"[:300]), file=sys.stderr)
        return 2


def _init(store: Store, args: argparse.Namespace, lang: str) -> int:
    mark_initialised(store)
    print(t("cli.init_done", lang, path=store.path))
    return 0


def _create_admin(store: Store, args: argparse.Namespace, lang: str) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass(t("cli.password", lang))
        if getpass.getpass(t("cli.password_again", lang)) != password:
            print(t("cli.password_mismatch", lang), file=sys.stderr)
            return 2
    else:  # scripted: the password is the first line of standard input
        password = sys.stdin.readline().rstrip("\r\n")
    admin = create_admin(store, args.username, password, args.full_name, first_only=False)
    print(t("cli.admin_created", lang, username=admin.username))
    return 0


def _demo(store: Store, args: argparse.Namespace, lang: str) -> int:
    if args.remove:
        remove_demo(store, SYSTEM)
        print(t("cli.demo_removed", lang))
        return 0
    report = load_demo(store)
    print(t("cli.demo_loaded", lang, enterprises=report.enterprises, years=report.years, path=store.path))
    print(t("cli.demo_accounts", lang))
    for account in report.credentials:
        print(f"  {account['username']:<14} {t('role.' + account['role'], lang):<36} {account['password']}")
    return 0


def _enterprises(store: Store, args: argparse.Namespace, lang: str) -> int:
    rows = list_enterprises(store, SYSTEM, include_inactive=args.all)
    if args.json:
        payload = [
            {
                "bin": e.bin,
                "name_ru": e.name_ru,
                "name_kk": e.name_kk,
                "district": e.district_name(lang),
                "kato": e.kato,
                "oked": e.oked,
                "industry": e.industry,
                "joined_on": e.joined_on.isoformat(),
                "active": e.active,
                "demo": e.is_demo,
            }
            for e in rows
        ]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for e in rows:
        print(f"{e.bin}  {e.kato}  {e.oked:<5}  {e.joined_on.isoformat()}  {e.name(lang)}")
    print(t("cli.enterprises_total", lang, count=len(rows)))
    return 0


def _import(store: Store, args: argparse.Namespace, lang: str) -> int:
    report = import_register(store, SYSTEM, args.file.read_bytes(), args.file.name, dry_run=args.dry_run)
    key = "cli.import_checked" if args.dry_run else "cli.import_done"
    print(
        t(
            key,
            lang,
            added=len(report.added),
            updated=len(report.updated),
            unchanged=report.unchanged,
            years=len(report.years),
        )
    )
    for warning in report.warnings:
        print("  ! " + warning.render(lang))
    return 0


def _export(store: Store, args: argparse.Namespace, lang: str) -> int:
    args.file.write_bytes(export_register(store, SYSTEM, lang))
    print(t("cli.export_done", lang, path=str(args.file)))
    return 0


def _import_incidents(store: Store, args: argparse.Namespace, lang: str) -> int:
    profile = load_profile(args.mapping) if args.mapping else None
    sheet = int(args.sheet) if args.sheet and args.sheet.isdigit() else args.sheet
    result = import_incidents(
        store,
        SYSTEM,
        args.file.read_bytes(),
        args.file.name,
        args.enterprise,
        profile=profile,
        sheet=sheet,
        dry_run=args.dry_run,
        drop_identical=args.drop_identical,
    )
    report = import_report(result, lang)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return 0
    key = "cli.incidents_checked" if args.dry_run else "cli.incidents_imported"
    print(
        t(
            key,
            lang,
            **{k: report[k] for k in ("file", "sheet", *COUNTS)},
        )
    )
    for error in report["errors"][:50]:
        print(f"  {t('where.row', lang, row=error['row'])}, {error['column']}: {error['value']!r} — {error['message']}")
    for warning in report["warnings"][:20]:
        print("  ! " + warning)
    for name, proposals in report["proposed_values"].items():
        for value, category in proposals.items():
            shown = t(f"{name}.{category}", lang)
            print("  ? " + t("cli.proposed", lang, field=t("incident.col." + name, lang), value=value, category=shown))
    return 0


def _imports(store: Store, args: argparse.Namespace, lang: str) -> int:
    rows = list_imports(store, SYSTEM)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return 0
    for r in rows:
        state = " (undone)" if r["undone_at"] else ""
        print(
            f"{r['id']:>5}  {r['imported_at']:%Y-%m-%d %H:%M}  {r['bin']}  {r['file_name']}  "
            f"+{r['imported']} ={r['duplicates']} ×{r['rejected']}{state}"
        )
    return 0


def _undo_import(store: Store, args: argparse.Namespace, lang: str) -> int:
    removed = undo_import(store, SYSTEM, args.id)
    print(t("cli.import_undone", lang, id=args.id, count=removed))
    return 0


def _metrics(store: Store, args: argparse.Namespace, lang: str) -> int:
    district = None
    if args.district is not None:
        found = district_for(args.district)
        if found is None:
            raise ValidationFailed("district.unknown", value=args.district)
        district = found.kato
    figures = metrics(store, SYSTEM, args.year, bin_=args.enterprise or None, district=district)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    scope = figures["scope"]
    if scope["bin"]:
        where = t(
            "cli.metrics.scope_enterprise",
            lang,
            name=get_enterprise(store, SYSTEM, scope["bin"]).name(lang),
            bin=scope["bin"],
        )
    elif scope["district"]:
        where = DISTRICTS_BY_KATO[scope["district"]].name(lang)
    else:
        where = t("cli.metrics.scope_all", lang)
    before = figures["previous"]
    rows = [(t("cli.metrics.indicator", lang), str(figures["year"]), str(before["year"]), t("indicator.yoy", lang))]
    for indicator in INDICATORS:
        key = indicator.key
        change = change_pct(figures[key], before[key])
        rows.append(
            (
                indicator.name(lang),
                format_number(figures[key], lang, indicator.digits),
                format_number(before[key], lang, indicator.digits),
                ("+" if change is not None and change > 0 else "") + format_percent(change, lang),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    print(t("cli.metrics.title", lang, year=figures["year"], scope=where))
    for label, this_year, last_year, shift in rows:
        print(f"{label:<{widths[0]}}  {this_year:>{widths[1]}}  {last_year:>{widths[2]}}  {shift:>{widths[3]}}")
    print(f"– {t('indicator.no_data', lang)}")
    return 0


def _check(store: Store, args: argparse.Namespace, lang: str) -> int:
    store.check(thorough=True)
    found = check_summaries(store, SYSTEM)
    for d in found:
        print(
            t(
                "cli.check_differs",
                lang,
                table=d["table"],
                missing=d["missing"],
                extra=d["extra"],
                enterprises=", ".join(d["bins"][:20]) + (" …" if len(d["bins"]) > 20 else ""),
            )
        )
    print(t("cli.check_hint", lang) if found else t("cli.check_ok", lang, count=len(summaries.TABLES)))
    return 1 if found else 0


def _rebuild_summaries(store: Store, args: argparse.Namespace, lang: str) -> int:
    mended = rebuild_summaries(store, SYSTEM)
    print(
        t("cli.rebuild_done", lang, count=len(summaries.TABLES), mended=sum(d["missing"] + d["extra"] for d in mended))
    )
    return 0


def _report(store: Store, args: argparse.Namespace, lang: str) -> int:
    district = None
    if args.district is not None:
        found = district_for(args.district)
        if found is None:
            raise ValidationFailed("district.unknown", value=args.district)
        district = found.kato
    fmt = args.fmt or args.out.suffix.lstrip(".").lower()
    _, data = report_file(
        store,
        SYSTEM,
        year=args.year,
        lang=lang,
        fmt=fmt,
        district=district,
        division=args.division,
        bin_=args.enterprise,
    )
    _write_whole(args.out, data)
    print(t("report.cli.written", lang, path=str(args.out)))
    return 0


def _write_whole(path: Path, data: bytes) -> None:
    """Write a file all or nothing: into a temporary file beside it, then moved into place, so the path never holds
    half a file (and an earlier file stays whole when the write fails)."""
    partial = path.with_name(f".{path.name}.part-{secrets.token_hex(4)}")
    try:
        with partial.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _unlock(store: Store, args: argparse.Namespace, lang: str) -> int:
    unlock_user(store, SYSTEM, args.username)
    print(t("cli.unlocked", lang, username=args.username))
    return 0


def _remind(store: Store, args: argparse.Namespace, lang: str) -> int:
    settings = load_mail_settings()  # checked in a dry run too, when there are any
    if settings is None and not args.dry_run:
        raise MailNotConfigured()
    today = args.today or dt.date.today()
    report = send_reminders(store, SYSTEM, today, settings, dry_run=args.dry_run)
    for o in report.outcomes:
        status = t("cli.remind." + o.status, lang, reason=o.reason(lang))
        items = t("cli.remind.items", lang, count=o.items)
        print(f"{o.username}  {o.full_name} <{o.address or '–'}>  {items}  {status}")
        if o.status == WOULD_SEND and o.digest is not None:
            print(f"    {o.digest.subject}")
            for line in o.digest.lines:
                print(f"      {line}")
    if not report.outcomes:
        print(t("cli.remind.nobody", lang, date=today.isoformat()))
    print(
        t(
            "cli.remind.total_dry" if args.dry_run else "cli.remind.total",
            lang,
            date=today.isoformat(),
            sent=report.count(WOULD_SEND if args.dry_run else SENT),
            skipped=report.count(ALREADY_SENT) + report.count(NO_EMAIL),
            failed=report.count(FAILED),
        )
    )
    return 1 if report.count(FAILED) else 0


def _backup(store: Store, args: argparse.Namespace, lang: str) -> int:
    report = write_backup(store, SYSTEM, args.file)
    size = format_number(report.size / 1024, lang, 0)
    print(t("cli.backup_done", lang, path=str(args.file), tables=report.tables, rows=report.rows, size=size))
    return 0


def _copy(args: argparse.Namespace, lang: str) -> int:
    with open_store(args.source) as source, open_store(args.target) as target:
        report = copy_database(SYSTEM, source, target)
        print(
            t("cli.copy_done", lang, source=source.path, target=target.path, tables=len(report.rows), rows=report.total)
        )
    return 0


def _restore(args: argparse.Namespace, lang: str) -> int:
    target = args.db or default_target()
    report = restore_backup(SYSTEM, args.file, target)
    print(
        t(
            "cli.restore_done",
            lang,
            path=shown(target),
            created_at=report.created_at,
            version=report.schema_version,
            tables=report.tables,
            rows=report.rows,
        )
    )
    return 0


COMMANDS = {
    "backup": _backup,
    "remind": _remind,
    "unlock": _unlock,
    "check": _check,
    "rebuild-summaries": _rebuild_summaries,
    "metrics": _metrics,
    "report": _report,
    "import-incidents": _import_incidents,
    "imports": _imports,
    "undo-import": _undo_import,
    "init": _init,
    "create-admin": _create_admin,
    "demo": _demo,
    "enterprises": _enterprises,
    "import-enterprises": _import,
    "export-enterprises": _export,
}
