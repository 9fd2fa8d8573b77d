"""Benchmark of the incident-log import: a big Russian-headed .xlsx log through safety.incidents.imports.

A benchmark, not a test: it prints figures and PASS/MISS against the targets, and asserts nothing.

    /work/venv/bin/python bench/import_bench.py [-n ROWS] [--repeat R] [--budget S] [--million] [--no-timing]

In one run, on one generated log of -n rows (default 100,000):

1. the bare python-calamine parse (CalamineWorkbook ... .to_python()), the floor any calamine-based import stands on;
2. our full import_incidents (not a dry run) into a fresh copy of a prepared demo database each time;
3. pandas.read_excel(engine="openpyxl"), the usual "just use pandas" alternative.

Times are the median of --repeat runs (time.perf_counter); a measurement stops repeating once its runs have taken
--budget seconds. Targets: ours / bare parse <= 2x, pandas+openpyxl / ours >= 10x. If ours misses the 2x target,
one import is run under cProfile and the top 15 functions by cumulative time are printed.

--million also builds a 1,000,000-row log and measures the peak RSS of a child process that does only the import
(resource.getrusage(RUSAGE_CHILDREN).ru_maxrss in this process after the child ended); target < 1.5 GB.
Figures go to stdout and to bench/out/incident_import.json.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

PACKAGES = ("python-calamine", "openpyxl", "pandas", "duckdb", "pydantic")  # versions recorded with the figures
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from machine import machine_facts, verdict  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from safety.access.auth import current_user  # noqa: E402
from safety.db import Store  # noqa: E402
from safety.db import users as users_sql  # noqa: E402
from safety.demo import load_demo  # noqa: E402
from safety.files.reader import MAX_BYTES, MAX_UNPACKED  # noqa: E402
from safety.incidents.imports import ImportResult, import_incidents  # noqa: E402
from safety.register.enterprises import list_enterprises  # noqa: E402

try:
    import pandas as pd
except ImportError:  # pandas is not a dependency of the app; without it the pandas figure is skipped
    pd = None

OUT_DIR = ROOT / "bench" / "out"
OUT_FILE = OUT_DIR / "incident_import.json"
FILENAME = "incident_log.xlsx"
OFFICER = "demo.officer"
DEFAULT_ROWS = 100_000
MILLION = 1_000_000
DEFAULT_BUDGET = 60.0  # seconds: a measurement stops repeating once its runs have taken this long
TARGET_VS_PARSE = 2.0  # ours / bare calamine parse must be at most this
TARGET_VS_PANDAS = 10.0  # pandas.read_excel(openpyxl) / ours must be at least this
TARGET_PEAK_BYTES = 1.5e9  # peak RSS of the 1,000,000-row import, decimal GB as in the brief
PROFILE_TOP = 15
FIRST_DAY, LAST_DAY = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
HEADINGS = (
    "Дата",
    "Вид происшествия",
    "Тяжесть",
    "Дни нетрудоспособности",
    "Цех (участок)",
    "Описание",
    "Профессия",
    "Возраст",
)

# --------------------------------------------------------------------------- the input log (fictional data)

KINDS = (("потенциально опасное происшествие", 0.55), ("микротравма", 0.30), ("несчастный случай", 0.15))
SEVERITY = (("лёгкий", 0.85), ("тяжёлый", 0.12), ("смертельный", 0.03))
PLACES = tuple(
    [
        f"Цех №{n} ({w})"
        for n, w in enumerate(
            (
                "литейный",
                "механический",
                "сборочный",
                "ремонтно-механический",
                "кузнечно-прессовый",
                "термический",
                "окрасочный",
                "инструментальный",
            ),
            start=1,
        )
    ]
    + [
        "Участок погрузки",
        "Склад готовой продукции",
        "Склад ГСМ",
        "Котельная",
        "Транспортный участок",
        "Карьер, уступ 3",
        "Карьер, уступ 5",
        "Обогатительная фабрика",
        "Дробильный участок",
        "Электроцех",
        "Участок сварки",
        "Компрессорная",
        "Ремонтный участок",
        "Лаборатория ОТК",
        "Административный корпус",
    ]
)
JOBS = (
    "Слесарь-ремонтник",
    "Электрогазосварщик",
    "Водитель погрузчика",
    "Машинист крана",
    "Токарь",
    "Оператор станков с ЧПУ",
    "Подсобный рабочий",
    "Электромонтёр",
    "Стропальщик",
    "Кладовщик",
    "Машинист экскаватора",
    "Водитель автомобиля",
    "Мастер участка",
    "Литейщик",
    "Формовщик",
    "Маляр",
    "Аппаратчик",
    "Лаборант",
    "Грузчик",
    "Монтажник",
    "Бетонщик",
    "Дробильщик",
    "Инженер-механик",
)
ACTIONS = (
    "При перемещении",
    "Во время погрузки",
    "При ремонте",
    "При очистке",
    "Во время осмотра",
    "При демонтаже",
    "При монтаже",
    "Во время переналадки",
    "При транспортировке",
    "При спуске с",
    "При подъёме на",
    "Во время уборки",
)
OBJECTS = (
    "поддона с арматурой",
    "редуктора конвейера",
    "кран-балки",
    "рольганга",
    "станка",
    "ёмкости с маслом",
    "электрощита",
    "лестничного марша",
    "погрузчика",
    "металлоконструкции",
    "трубопровода пара",
    "бункера дробилки",
    "листа металла",
    "стеллажа",
    "ковша экскаватора",
    "вентиляционного короба",
)
EVENTS = (
    "работник поскользнулся на масляном пятне",
    "произошло падение груза",
    "сорвался строп",
    "работник споткнулся о кабель",
    "произошёл выброс горячей жидкости",
    "защемило руку",
    "отлетела стружка",
    "обрушилась часть штабеля",
    "сработала защита, останов без последствий",
    "обнаружено отсутствие ограждения",
    "работник оступился на ступени",
    "произошло замыкание",
    "зажало пальцы между валками",
    "выявлена утечка газа",
    "ударило отскочившей деталью",
)
OUTCOMES = (
    "ушиб левой кисти",
    "ушиб правого колена",
    "порез ладони",
    "растяжение связок голеностопа",
    "ожог предплечья",
    "перелом пальца",
    "травма глаза",
    "сотрясение головного мозга",
    "ссадина лба",
    "перелом голени",
    "множественные травмы",
)


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    x = rng.random()
    for value, weight in weighted:
        x -= weight
        if x < 0:
            return value
    return weighted[-1][0]


def build_log(rows: int, seed: int = 20241125) -> tuple[bytes, dict[str, int]]:
    """Make an incident log workbook: two title rows, the Russian header, then rows of fictional cases."""
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Журнал")
    sheet.append(["Журнал регистрации несчастных случаев, микротравм и потенциально опасных происшествий"])
    sheet.append([f"ТОО «Бенчмарк» (вымышленное предприятие), {FIRST_DAY:%d.%m.%Y}–{LAST_DAY:%d.%m.%Y}"])
    sheet.append(list(HEADINGS))
    counts = {"date_cells": 0, "date_strings": 0, "accidents": 0, "micro_injuries": 0, "near_misses": 0}
    for number in range(1, rows + 1):
        day = FIRST_DAY + dt.timedelta(days=rng.randint(0, span))
        if rng.random() < 0.85:
            date_cell = WriteOnlyCell(sheet, value=day)
            date_cell.number_format = "DD.MM.YYYY"
            date: Any = date_cell
            counts["date_cells"] += 1
        else:
            date = f"{day:%d.%m.%Y}"
            counts["date_strings"] += 1
        kind = _pick(rng, KINDS)
        place = rng.choice(PLACES)
        machine = f"№{rng.randint(1, 250)}"
        action = f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)} {machine} {rng.choice(EVENTS)}"
        if kind == "несчастный случай":
            severity = _pick(rng, SEVERITY)
            lost = {"лёгкий": rng.randint(1, 45), "тяжёлый": rng.randint(30, 180), "смертельный": 0}[severity]
            description = f"{action}; {rng.choice(OUTCOMES)}. Смена {rng.randint(1, 3)}, запись {number}."
            job, age = rng.choice(JOBS), rng.randint(19, 63)
            counts["accidents"] += 1
        elif kind == "микротравма":
            severity, lost = None, rng.choice((0, 0, 0, 1, 2))
            description = f"{action}; {rng.choice(OUTCOMES[:5])}, оказана первая помощь. Запись {number}."
            job, age = rng.choice(JOBS), rng.randint(19, 63)
            counts["micro_injuries"] += 1
        else:
            severity, lost = None, 0
            description = f"{action}. Пострадавших нет, меры приняты. Запись {number}."
            job, age = (rng.choice(JOBS), None) if rng.random() < 0.6 else (None, None)
            counts["near_misses"] += 1
        sheet.append([date, kind, severity, lost, place, description, job, age])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), counts


# --------------------------------------------------------------------------- the database and the three contenders


class DemoDatabase:
    """A demo database built once; each import gets a fresh copy of its file (the copy is not timed)."""

    def __init__(self, root: Path):
        self.root = root
        self.template = root / "demo.duckdb"
        with Store(self.template) as store:
            load_demo(store)
            with store.cursor() as cur:
                row = users_sql.by_username(cur, OFFICER)
            assert row is not None, OFFICER
            self.user_id = row["id"]
            user = current_user(store, self.user_id)
            assert user is not None, OFFICER
            self.bin = list_enterprises(store, user)[0].bin
        self.count = 0
        self.store: Store | None = None

    def fresh_copy(self) -> Path:
        self.count += 1
        path = self.root / f"run_{self.count}.duckdb"
        shutil.copy(self.template, path)
        return path

    def open_fresh(self) -> None:
        """setup of a timed run: close and delete the previous copy, open a new one."""
        self.close()
        self.store = Store(self.fresh_copy())

    def close(self) -> None:
        if self.store is not None:
            path = Path(self.store.path)
            self.store.close()
            self.store = None
            for leftover in (path, path.with_name(path.name + ".wal")):
                leftover.unlink(missing_ok=True)

    def import_log(self, data: bytes) -> ImportResult:
        assert self.store is not None
        user = current_user(self.store, self.user_id)
        assert user is not None
        return import_incidents(self.store, user, data, FILENAME, self.bin)


def parse_bare(data: bytes) -> int:
    """The bare python-calamine parse of the first sheet into Python values."""
    return len(CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python())


def read_pandas(data: bytes) -> int:
    """pandas.read_excel with the openpyxl engine (first sheet, default header)."""
    return len(pd.read_excel(io.BytesIO(data), engine="openpyxl"))


# --------------------------------------------------------------------------- measuring


def timed(
    fn: Callable[[], Any], repeat: int, budget: float, setup: Callable[[], Any] | None = None
) -> tuple[float, list[float]]:
    """Return the median and all wall-clock times of fn, run repeat times or until the runs exceed budget seconds.

    setup, if any, runs untimed before each run.
    """
    times: list[float] = []
    while len(times) < repeat and sum(times) <= budget:
        if setup is not None:
            setup()
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def profile_summary(fn: Callable[[], Any]) -> str:
    """Run fn under cProfile and return the top functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        fn()
    finally:
        profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(pstats.SortKey.CUMULATIVE).print_stats(PROFILE_TOP)
    return "\n".join(line.rstrip() for line in text.getvalue().splitlines() if line.strip()) + "\n"


CHILD = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, sys.argv[1])
    from safety.access.auth import current_user
    from safety.db import Store
    from safety.incidents.imports import import_incidents
    log, db, user_id, bin_, filename = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
    if sys.argv[7] == "lift":  # this process only: let a log past the upload limits be read, to measure it
        import safety.files.reader as spreadsheet
        spreadsheet.MAX_BYTES = spreadsheet.MAX_UNPACKED = 1 << 40
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = {"maxrss_before_kib": before}
    with Store(db) as store:
        user = current_user(store, user_id)
        data = open(log, "rb").read()
        start = time.perf_counter()
        try:
            result = import_incidents(store, user, data, filename, bin_)
            out.update(rows_read=result.rows_read, imported=result.imported, rejected=result.rejected)
        except Exception as exc:
            out["error"] = f"{type(exc).__name__}: {exc}"
        out["seconds"] = time.perf_counter() - start
    out["maxrss_self_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(out))
""")


def child_import_peak(demo: DemoDatabase, data: bytes, lift_limits: bool) -> dict[str, Any]:
    """Run one import in a child process; return its figures and its peak RSS as getrusage sees it."""
    log = demo.root / "million.xlsx"
    log.write_bytes(data)
    db = demo.fresh_copy()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(ROOT),
            str(log),
            str(db),
            str(demo.user_id),
            demo.bin,
            FILENAME,
            "lift" if lift_limits else "keep",
        ],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    out: dict[str, Any] = {
        "returncode": proc.returncode,
        "child_wall_seconds": wall,
        "children_maxrss_before_bytes": children_before * 1024,
        "peak_rss_bytes": children_after * 1024,
    }
    try:
        out |= json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        out["error"] = (proc.stderr.strip().splitlines() or ["no output"])[-1][:500]
    if children_after <= children_before and "maxrss_self_kib" in out:
        out["peak_rss_bytes"] = out["maxrss_self_kib"] * 1024  # an earlier child was bigger: use the child's own
    for leftover in (log, db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return out


# --------------------------------------------------------------------------- facts and report


def runs_text(runs: list[float]) -> str:
    return "/".join(f"{s:.2f}" for s in runs) + " s"


def import_summary(result: ImportResult) -> dict[str, Any]:
    return {
        "rows_read": result.rows_read,
        "imported": result.imported,
        "rejected": result.rejected,
        "duplicates": result.duplicates,
        "identical_in_file": result.identical_in_file,
        "skipped": result.skipped,
        "warnings": len(result.warnings),
        "date_order": result.date_order,
        "columns": result.columns,
        "first_errors": [f"row {e.row} {e.column}: {e.value!r} {e.key}" for e in result.errors[:5]],
    }


# --------------------------------------------------------------------------- the run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "-n", "--rows", type=int, default=DEFAULT_ROWS, help="data rows in the log (default %(default)s)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement (median reported)")
    parser.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET,
        help="stop repeating a measurement once its runs took this many seconds (default %(default)s)",
    )
    parser.add_argument(
        "--million",
        action="store_true",
        help="also measure the peak RSS of importing a 1,000,000-row log in a child process (slow)",
    )
    parser.add_argument(
        "--lift-limits",
        action="store_true",
        help="with --million: raise safety.files.reader's size limits in the child process only",
    )
    parser.add_argument("--no-timing", action="store_true", help="skip the timings (with --million: memory only)")
    parser.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default="auto",
        help=f"cProfile one import; auto = only when ours / bare parse > {TARGET_VS_PARSE:g}",
    )
    parser.add_argument("--out", type=Path, default=OUT_FILE, help="where to write the JSON figures")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    facts = machine_facts(PACKAGES)
    memory = f", {facts['memory_bytes'] / 2**30:.0f} GiB RAM" if facts["memory_bytes"] else ""
    print(
        f"Python {facts['python']} on {facts['platform']}, {facts['cpu_count']} CPUs "
        f"({facts['cpus_usable']} usable){memory}, git {facts['git_commit']}"
        f"{' (dirty)' if facts['git_dirty'] else ''}"
    )
    print("  " + ", ".join(f"{k} {v}" for k, v in facts["packages"].items()))
    results: dict[str, Any] = {
        "machine": facts,
        "repeat": args.repeat,
        "budget_seconds": args.budget,
        "targets": {
            "ours_over_bare_parse_max": TARGET_VS_PARSE,
            "pandas_over_ours_min": TARGET_VS_PANDAS,
            "million_peak_rss_bytes_max": TARGET_PEAK_BYTES,
        },
    }

    with tempfile.TemporaryDirectory(prefix="vz_incident_bench_") as tmp:
        start = time.perf_counter()
        demo = DemoDatabase(Path(tmp))
        print(
            f"Demo database prepared in {time.perf_counter() - start:.1f} s (not timed per run); "
            f"user {OFFICER}, enterprise BIN {demo.bin}"
        )
        try:
            if not args.no_timing:
                results["timing"] = run_timings(args, demo)
            if args.million:
                results["million"] = run_million(demo, args.lift_limits)
        finally:
            demo.close()

    results["wall_seconds"] = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nWhole run {results['wall_seconds']:.0f} s; figures written to {args.out}")
    return 0


def run_timings(args: argparse.Namespace, demo: DemoDatabase) -> dict[str, Any]:
    start = time.perf_counter()
    data, counts = build_log(args.rows)
    print(
        f"Log: {args.rows:,} data rows ({counts['date_cells']:,} date cells, {counts['date_strings']:,} date "
        f"strings; {counts['near_misses']:,} near misses, {counts['micro_injuries']:,} micro-injuries, "
        f"{counts['accidents']:,} accidents), {len(data) / 2**20:.2f} MiB .xlsx, built in "
        f"{time.perf_counter() - start:.1f} s; median of up to {args.repeat} runs "
        f"(fewer once a measurement passed {args.budget:.0f} s)"
    )
    timing: dict[str, Any] = {"input": {"rows": args.rows, "xlsx_bytes": len(data), **counts}}

    # warm-ups (imports of modules, first-call caches) and checks that every contender reads every row
    parsed_rows = parse_bare(data)
    demo.open_fresh()
    check = demo.import_log(data)
    timing["import_result"] = import_summary(check)
    if check.rows_read != args.rows or check.imported != args.rows:
        print(
            f"  WARNING: the import read {check.rows_read:,} rows and would write {check.imported:,} of "
            f"{args.rows:,}: {timing['import_result']}"
        )

    median, runs = timed(lambda: parse_bare(data), args.repeat, args.budget)
    timing["bare_parse"] = {"seconds": median, "runs": runs, "rows": parsed_rows}
    median, runs = timed(lambda: demo.import_log(data), args.repeat, args.budget, setup=demo.open_fresh)
    demo.close()
    timing["ours"] = {"seconds": median, "runs": runs}
    if pd is not None:
        median, runs = timed(lambda: read_pandas(data), args.repeat, args.budget)
        timing["pandas_openpyxl"] = {"seconds": median, "runs": runs}

    bare, ours = timing["bare_parse"]["seconds"], timing["ours"]["seconds"]
    vs_parse = ours / bare
    timing["ours_over_bare_parse"] = vs_parse
    timing["ours_over_bare_parse_pass"] = vs_parse <= TARGET_VS_PARSE
    print(f"\n1. {args.rows:,}-row incident log, wall-clock medians")
    print(
        f"  (a) bare calamine parse (to_python)     {bare:8.3f} s  {args.rows / bare:>10,.0f} rows/s  "
        f"runs {runs_text(timing['bare_parse']['runs'])}"
    )
    print(
        f"  (b) ours: import_incidents, fresh db    {ours:8.3f} s  {args.rows / ours:>10,.0f} rows/s  "
        f"runs {runs_text(timing['ours']['runs'])}"
    )
    if "pandas_openpyxl" in timing:
        pandas = timing["pandas_openpyxl"]["seconds"]
        print(
            f"  (c) pandas.read_excel(engine=openpyxl)  {pandas:8.3f} s  {args.rows / pandas:>10,.0f} rows/s  "
            f"runs {runs_text(timing['pandas_openpyxl']['runs'])}"
        )
    else:
        print("  (c) pandas.read_excel: pandas is not installed, skipped")
    print(
        f"\n  ours / bare parse       = {vs_parse:5.2f}×   target ≤ {TARGET_VS_PARSE:g}×   "
        f"{verdict(vs_parse <= TARGET_VS_PARSE)}"
    )
    if "pandas_openpyxl" in timing:
        vs_pandas = timing["pandas_openpyxl"]["seconds"] / ours
        timing["pandas_over_ours"] = vs_pandas
        timing["pandas_over_ours_pass"] = vs_pandas >= TARGET_VS_PANDAS
        print(
            f"  pandas+openpyxl / ours  = {vs_pandas:5.2f}×   target ≥ {TARGET_VS_PANDAS:g}×  "
            f"{verdict(vs_pandas >= TARGET_VS_PANDAS)}"
        )
    result = timing["import_result"]
    print(
        f"  import: {result['rows_read']:,} rows read, {result['imported']:,} written, {result['rejected']:,} "
        f"rejected, {result['identical_in_file']:,} identical in file, {result['warnings']:,} warnings, "
        f"date order {result['date_order']}"
    )

    if args.profile == "always" or (args.profile == "auto" and vs_parse > TARGET_VS_PARSE):
        demo.open_fresh()
        timing["profile"] = profile_summary(lambda: demo.import_log(data))
        demo.close()
        print(
            f"\ncProfile of one import_incidents ({args.rows:,} rows, fresh db), top {PROFILE_TOP} by cumulative "
            "time (profiling slows Python code, so the total is above the timed median):"
        )
        print(timing["profile"])
    return timing


def unpacked_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def run_million(demo: DemoDatabase, lift_limits: bool) -> dict[str, Any]:
    start = time.perf_counter()
    data, counts = build_log(MILLION)
    built = time.perf_counter() - start
    unpacked = unpacked_size(data)
    print(
        f"\n2. Peak memory: {MILLION:,}-row log, {len(data) / 2**20:.1f} MiB .xlsx ({unpacked / 2**20:.0f} MiB "
        f"unpacked; built in {built:.0f} s), imported in a child process"
    )
    over = [
        f"{what} {limit / 2**20:.0f} MiB"
        for what, size, limit in (("MAX_BYTES", len(data), MAX_BYTES), ("MAX_UNPACKED", unpacked, MAX_UNPACKED))
        if size > limit
    ]
    if over:
        print(
            f"  NOTE: the log is over safety.files.reader's limit(s) {', '.join(over)}: "
            + (
                "lifted in the child only (--lift-limits)"
                if lift_limits
                else "the import will refuse it; --lift-limits lifts them in the child to measure anyway"
            )
        )
    out = child_import_peak(demo, data, lift_limits)
    out |= {
        "rows": MILLION,
        "xlsx_bytes": len(data),
        "unpacked_bytes": unpacked,
        "build_seconds": built,
        "over_limits": over,
        "limits_lifted": lift_limits and bool(over),
        **counts,
    }
    peak = out["peak_rss_bytes"]
    out["pass"] = peak < TARGET_PEAK_BYTES and "error" not in out
    if "error" in out:
        print(f"  the child failed: {out['error']}")
    else:
        print(
            f"  import: {out['rows_read']:,} rows read, {out['imported']:,} written, {out['rejected']:,} rejected, "
            f"{out['seconds']:.1f} s in the child"
        )
    print(
        f"  peak RSS of the child (getrusage RUSAGE_CHILDREN) = {peak / 1e9:.2f} GB ({peak / 2**20:,.0f} MiB); "
        f"after imports and opening the db, before reading: {out.get('maxrss_before_kib', 0) / 2**10:,.0f} MiB"
    )
    print(
        f"  target < {TARGET_PEAK_BYTES / 1e9:g} GB   "
        f"{'NOT MEASURED (the import failed)' if 'error' in out else verdict(out['pass'])}"
    )
    return out


if __name__ == "__main__":
    sys.exit(main())
