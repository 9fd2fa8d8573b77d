"""Benchmark of the incident-log import: big Russian-headed .xlsx logs of 10,000, 100,000 and 1,000,000 rows.

A benchmark, not a test: it prints figures and PASS/MISS against the targets, and asserts nothing.

    .venv/bin/python bench/import_bench.py [--sizes 10000,100000,1000000] [--repeat R] [--budget S] [--pandas]

First, the largest log is imported in a child process, whose peak RSS (its VmHWM, read by the child itself) is
held against 1.5 GB. Then, for each size, on one generated log, in one run and taking turns (parse, pre-check,
import, parse, pre-check, import, ..., parse):

1. the bare python-calamine parse (CalamineWorkbook ... .to_python()), the floor any calamine-based import stands
   on, and the baseline every ratio is measured against;
2. the .xlsx pre-check alone (safety.files.reader._check_container: the zip-bomb guard and safety.files.xlsx), the
   part of ours that protects the process from files that make calamine abort it;
3. our full import_incidents (not a dry run) into a fresh copy of a prepared demo database each time.

A turn's ratio is its import's time over the mean of the parses just before and just after it; a size's ratio is
the median of its turns' ratios, held against 2x. Times shown are medians (time.perf_counter). A size takes up to
--repeat turns and stops once its runs have taken --budget seconds. --pandas adds pandas.read_excel(engine=
"openpyxl") at the sizes up to 100,000 rows (target: pandas+openpyxl / ours >= 10x). A size whose ratio misses is
profiled once (cProfile, top 15 by cumulative time), up to 100,000 rows unless --profile always.

Generated logs are kept in bench/out/logs/, named by their size and a digest of the generator's code, and reused
(openpyxl takes 5-6 minutes to write the 1,000,000-row one); --fresh-logs writes them again.
Figures go to stdout and to bench/out/incident_import.json.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import hashlib
import importlib
import inspect
import io
import json
import os
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

PACKAGES = ("python-calamine", "openpyxl", "pandas", "duckdb", "pyarrow")  # versions recorded with the figures
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
from safety.files.reader import MAX_BYTES, MAX_UNPACKED, _check_container  # noqa: E402
from safety.register.enterprises import list_enterprises  # noqa: E402

try:
    import pandas as pd
except ImportError:  # pandas is not a dependency of the app; without it the pandas figure is skipped
    pd = None

# where import_incidents lives (the child process of the memory measurement imports it by this name too)
IMPORT_MODULES = ("safety.incidents.imports.pipeline",)
OUT_DIR = ROOT / "bench" / "out"
OUT_FILE = OUT_DIR / "incident_import.json"
LOG_DIR = OUT_DIR / "logs"
FILENAME = "incident_log.xlsx"
OFFICER = "demo.officer"
SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_REPEAT = 5
DEFAULT_BUDGET = 150.0  # seconds: a size stops taking turns once its runs have taken this long
PANDAS_MAX_ROWS = 100_000  # pandas+openpyxl takes about 6 minutes per million rows
PROFILE_MAX_ROWS = 100_000  # a profiled import of a million rows takes minutes
TARGET_VS_PARSE = 2.0  # ours / bare calamine parse must be at most this
TARGET_VS_PANDAS = 10.0  # pandas.read_excel(openpyxl) / ours must be at least this
TARGET_PEAK_BYTES = 1.5e9  # peak RSS of the largest import, decimal GB as in the brief
PROFILE_TOP = 15
FIRST_DAY, LAST_DAY = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
SEED = 20241125
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
    """A value of `weighted`, drawn by its weights."""
    x = rng.random()
    for value, weight in weighted:
        x -= weight
        if x < 0:
            return value
    return weighted[-1][0]


def build_log(rows: int, seed: int = SEED) -> tuple[bytes, dict[str, int]]:
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
        severity: str | None
        job: str | None
        age: int | None
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


def log_file(rows: int, fresh: bool) -> tuple[bytes, dict[str, int], float | None]:
    """The log of `rows` rows: from bench/out/logs/ when this generator already wrote it, else built and kept there.
    Returns its bytes, its counts and the seconds building took (None when reused)."""
    code = "".join(inspect.getsource(part) for part in (build_log, _pick)) + repr(
        (SEED, FIRST_DAY, LAST_DAY, HEADINGS, KINDS, SEVERITY, PLACES, JOBS, ACTIONS, OBJECTS, EVENTS, OUTCOMES)
    )
    digest = hashlib.sha256(code.encode()).hexdigest()[:12]
    path = LOG_DIR / f"incident_log_{rows}_{digest}.xlsx"
    counts_path = path.with_suffix(".json")
    if not fresh and path.exists() and counts_path.exists():
        return path.read_bytes(), json.loads(counts_path.read_text()), None
    start = time.perf_counter()
    data, counts = build_log(rows, SEED)
    built = time.perf_counter() - start
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    for stale in LOG_DIR.glob(f"incident_log_{rows}_*"):  # an earlier generator's log of this size
        stale.unlink()
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    counts_path.write_text(json.dumps(counts))
    os.replace(partial, path)
    return data, counts, built


def import_function() -> tuple[Callable[..., Any], str]:
    """import_incidents and the module it came from (the first of IMPORT_MODULES that defines it)."""
    for name in IMPORT_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "import_incidents"):
            return module.import_incidents, name
    raise ImportError(f"none of {', '.join(IMPORT_MODULES)} defines import_incidents")


# --------------------------------------------------------------------------- the database and the contenders


class DemoDatabase:
    """A demo database built once; each import gets a fresh copy of its file (the copy is not timed)."""

    def __init__(self, root: Path, import_incidents: Callable[..., Any]):
        self.root = root
        self.import_incidents = import_incidents
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
        """A new copy of the demo database file."""
        self.count += 1
        path = self.root / f"run_{self.count}.duckdb"
        shutil.copy(self.template, path)
        return path

    def open_fresh(self) -> None:
        """Set up a timed run: close and delete the previous copy, open a new one."""
        self.close()
        self.store = Store(self.fresh_copy())

    def close(self) -> None:
        """Close and delete the open copy, if any."""
        if self.store is not None:
            path = Path(self.store.path)
            self.store.close()
            self.store = None
            for leftover in (path, path.with_name(path.name + ".wal")):
                leftover.unlink(missing_ok=True)

    def import_log(self, data: bytes) -> Any:
        """Our import of the log, for real, as the demo officer into the open copy."""
        assert self.store is not None
        user = current_user(self.store, self.user_id)
        assert user is not None
        return self.import_incidents(self.store, user, data, FILENAME, self.bin)


def parse_bare(data: bytes) -> int:
    """The bare python-calamine parse of the first sheet into Python values."""
    return len(CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python())


def pre_check(data: bytes) -> None:
    """The checks the reader makes before calamine sees an .xlsx (zip-bomb guard, sheet rectangles, strings)."""
    _check_container(data, FILENAME)


def read_pandas(data: bytes) -> int:
    """pandas.read_excel with the openpyxl engine (first sheet, default header)."""
    return len(pd.read_excel(io.BytesIO(data), engine="openpyxl"))


# --------------------------------------------------------------------------- measuring


def clocked(fn: Callable[[], Any], setup: Callable[[], Any] | None = None) -> tuple[float, Any]:
    """Wall-clock seconds of one run of fn (after setup, untimed, and a garbage collection), and what it returned."""
    if setup is not None:
        setup()
    gc.collect()
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


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
    import importlib, json, resource, sys, time
    def high_water():  # this process's own peak RSS in KiB (VmHWM starts afresh at exec, unlike ru_maxrss)
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    sys.path.insert(0, sys.argv[1])
    from safety.access.auth import current_user
    from safety.db import Store
    import_incidents = importlib.import_module(sys.argv[2]).import_incidents
    log, db, user_id, bin_, filename = sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6], sys.argv[7]
    if sys.argv[8] == "lift":  # this process only: let a log past the upload limits be read, to measure it
        import safety.files.reader as spreadsheet
        spreadsheet.MAX_BYTES = spreadsheet.MAX_UNPACKED = 1 << 40
    out = {"hwm_before_kib": high_water()}
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
    out["hwm_kib"] = high_water()
    out["maxrss_self_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(out))
""")


def child_import_peak(demo: DemoDatabase, module: str, data: bytes, lift_limits: bool) -> dict[str, Any]:
    """Run one import in a child process; return its figures and its peak RSS.

    The peak is the child's own VmHWM. getrusage's ru_maxrss is kept beside it: Linux carries the forking
    process's high-water mark over into the child, so it can show this process's size rather than the child's.
    """
    log = demo.root / "peak.xlsx"
    log.write_bytes(data)
    db = demo.fresh_copy()
    start = time.perf_counter()
    args = [str(ROOT), module, str(log), str(db), str(demo.user_id), demo.bin, FILENAME]
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, *args, "lift" if lift_limits else "keep"], capture_output=True, text=True
    )
    out: dict[str, Any] = {
        "returncode": proc.returncode,
        "child_wall_seconds": time.perf_counter() - start,
        "parent_maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "children_maxrss_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    }
    try:
        out |= json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        out["error"] = (proc.stderr.strip().splitlines() or ["no output"])[-1][:500]
    out["peak_rss_bytes"] = out.get("hwm_kib", 0) * 1024
    for leftover in (log, db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return out


# --------------------------------------------------------------------------- facts and report


def runs_text(runs: list[float]) -> str:
    """Run times as "0.12/0.13 s"."""
    return "/".join(f"{s:.2f}" for s in runs) + " s"


def import_summary(result: Any) -> dict[str, Any]:
    """What an import reported, for the JSON."""
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
        "first_errors": [repr(e)[:300] for e in result.errors[:5]],
    }


def unpacked_size(data: bytes) -> int:
    """The zip's members' sizes added up."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def limits_note(data: bytes) -> tuple[int, list[str]]:
    """The log's unpacked size and which of the reader's upload limits it is over."""
    unpacked = unpacked_size(data)
    over = [
        f"{what} {limit / 2**20:.0f} MiB"
        for what, size, limit in (("MAX_BYTES", len(data), MAX_BYTES), ("MAX_UNPACKED", unpacked, MAX_UNPACKED))
        if size > limit
    ]
    return unpacked, over


# --------------------------------------------------------------------------- the run


def main(argv: list[str] | None = None) -> int:
    """Measure every size, then the largest one's peak memory; print the figures and write them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in SIZES),
        help="data rows of the logs, comma-separated (default %(default)s)",
    )
    parser.add_argument(
        "--repeat", type=int, default=DEFAULT_REPEAT, help="turns per size (default %(default)s; median reported)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET,
        help="a size stops taking turns once its runs took this many seconds (default %(default)s)",
    )
    parser.add_argument("--pandas", action="store_true", help="also time pandas+openpyxl (sizes up to 100,000)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-RSS import of the largest size")
    parser.add_argument(
        "--lift-limits",
        action="store_true",
        help="raise safety.files.reader's size limits in the peak-RSS child only (for logs past them)",
    )
    parser.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default="auto",
        help=f"cProfile one import per size; auto = only when ours / bare parse > {TARGET_VS_PARSE:g} "
        f"(sizes up to {PROFILE_MAX_ROWS:,})",
    )
    parser.add_argument("--fresh-logs", action="store_true", help="write the logs again instead of reusing them")
    parser.add_argument("--out", type=Path, default=OUT_FILE, help="where to write the JSON figures")
    args = parser.parse_args(argv)
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    started = time.perf_counter()
    import_incidents, module = import_function()

    facts = machine_facts(PACKAGES)
    memory = f", {facts['memory_bytes'] / 2**30:.0f} GiB RAM" if facts["memory_bytes"] else ""
    print(
        f"Python {facts['python']} on {facts['platform']}, {facts['cpu_count']} CPUs "
        f"({facts['cpus_usable']} usable){memory}, git {facts['git_commit']}"
        f"{' (dirty)' if facts['git_dirty'] else ''}, load average {facts['load_average'][0]:.2f}"
    )
    print("  " + ", ".join(f"{k} {v}" for k, v in facts["packages"].items()) + f"; import from {module}")
    results: dict[str, Any] = {
        "machine": facts,
        "import_module": module,
        "repeat": args.repeat,
        "budget_seconds": args.budget,
        "targets": {
            "ours_over_bare_parse_max": TARGET_VS_PARSE,
            "pandas_over_ours_min": TARGET_VS_PANDAS,
            "peak_rss_bytes_max": TARGET_PEAK_BYTES,
        },
        "sizes": {},
    }

    with tempfile.TemporaryDirectory(prefix="vz_incident_bench_") as tmp:
        start = time.perf_counter()
        demo = DemoDatabase(Path(tmp), import_incidents)
        print(
            f"Demo database prepared in {time.perf_counter() - start:.1f} s (not timed per run); "
            f"user {OFFICER}, enterprise BIN {demo.bin}"
        )
        try:
            logs = {}
            for rows in sizes:
                data, counts, built = log_file(rows, args.fresh_logs)
                logs[rows] = data
                print(
                    f"Log of {rows:,} rows: {len(data) / 2**20:.1f} MiB .xlsx, "
                    + (f"built in {built:.0f} s" if built is not None else f"reused from {LOG_DIR.name}/")
                    + f" ({counts['date_cells']:,} date cells, {counts['date_strings']:,} date strings; "
                    f"{counts['near_misses']:,} near misses, {counts['micro_injuries']:,} micro-injuries, "
                    f"{counts['accidents']:,} accidents)"
                )
                results["sizes"][str(rows)] = {"input": {"rows": rows, "xlsx_bytes": len(data), **counts}}
            if not args.no_memory:  # first, while this process is small (see child_import_peak)
                results["peak_memory"] = run_peak(demo, module, sizes[-1], logs[sizes[-1]], args.lift_limits)
            parse_bare(logs[sizes[0]])  # warm-up: first-call costs (module imports, caches) are nobody's figure
            demo.open_fresh()
            demo.import_log(logs[sizes[0]])
            for rows in sizes:
                results["sizes"][str(rows)] |= run_size(args, demo, rows, logs[rows])
            demo.close()
            print_summary(results["sizes"], results.get("peak_memory"))
        finally:
            demo.close()

    results["wall_seconds"] = time.perf_counter() - started
    results["load_average_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print(
        f"\nWhole run {results['wall_seconds']:.0f} s, load average at the end {results['load_average_end'][0]:.2f}; "
        f"figures written to {args.out}"
    )
    return 0


def run_size(args: argparse.Namespace, demo: DemoDatabase, rows: int, data: bytes) -> dict[str, Any]:
    """Time the bare parse, the pre-check and our import of one log, taking turns; print and return the figures.

    Each import lies between two parses (parse, pre-check, import, parse, ...) and its turn's ratio is its time over
    the mean of those two, so a machine that slows down or speeds up during the run moves both sides of a ratio.
    """
    parse = [clocked(lambda: parse_bare(data))[0]]
    check: list[float] = []
    ours: list[float] = []
    result = None
    while len(ours) < args.repeat and sum(parse) + sum(check) + sum(ours) <= args.budget:
        check.append(clocked(lambda: pre_check(data))[0])
        seconds, result = clocked(lambda: demo.import_log(data), setup=demo.open_fresh)
        ours.append(seconds)
        parse.append(clocked(lambda: parse_bare(data))[0])
    demo.close()
    turns = [mine / ((before + after) / 2) for mine, before, after in zip(ours, parse, parse[1:], strict=False)]
    ratio = statistics.median(turns)
    figures: dict[str, Any] = {
        "bare_parse": {"seconds": statistics.median(parse), "runs": parse},
        "pre_check": {"seconds": statistics.median(check), "runs": check},
        "ours": {"seconds": statistics.median(ours), "runs": ours},
        "turn_ratios": turns,
        "ours_over_bare_parse": ratio,
        "ours_over_bare_parse_pass": ratio <= TARGET_VS_PARSE,
        "import_result": import_summary(result),
    }
    bare, mine = figures["bare_parse"]["seconds"], figures["ours"]["seconds"]
    figures["ratio_of_medians"] = mine / bare
    print(f"\n{rows:,} rows: {len(ours)} turns, medians")
    print(
        f"  (a) bare calamine parse (to_python)    {bare:8.3f} s  {rows / bare:>10,.0f} rows/s  runs {runs_text(parse)}"
    )
    print(
        f"  (b) .xlsx pre-check alone              {figures['pre_check']['seconds']:8.3f} s  "
        f"{figures['pre_check']['seconds'] / bare:>9.0%} of (a)  runs {runs_text(check)}"
    )
    print(
        f"  (c) ours: import_incidents, fresh db   {mine:8.3f} s  {rows / mine:>10,.0f} rows/s  runs {runs_text(ours)}"
    )
    if args.pandas and pd is not None and rows <= PANDAS_MAX_ROWS:
        seconds = clocked(lambda: read_pandas(data))[0]
        figures["pandas_openpyxl"] = {"seconds": seconds, "runs": [seconds]}
        figures["pandas_over_ours"] = seconds / mine
        figures["pandas_over_ours_pass"] = seconds / mine >= TARGET_VS_PANDAS
        print(f"  (d) pandas.read_excel(engine=openpyxl) {seconds:8.3f} s  {rows / seconds:>10,.0f} rows/s  (one run)")
    print(
        f"  ours / bare parse = {ratio:5.2f}×   target ≤ {TARGET_VS_PARSE:g}×   {verdict(ratio <= TARGET_VS_PARSE)}"
        f"   (median of the turns: " + "/".join(f"{r:.2f}" for r in turns) + f"; (c) / (a) = {mine / bare:.2f}×)"
    )
    if "pandas_over_ours" in figures:
        print(
            f"  pandas+openpyxl / ours = {figures['pandas_over_ours']:5.1f}×   target ≥ {TARGET_VS_PANDAS:g}×   "
            f"{verdict(figures['pandas_over_ours_pass'])}"
        )
    summary = figures["import_result"]
    print(
        f"  import: {summary['rows_read']:,} rows read, {summary['imported']:,} written, {summary['rejected']:,} "
        f"rejected, {summary['identical_in_file']:,} identical in file, {summary['warnings']:,} warnings, "
        f"date order {summary['date_order']}"
    )
    if summary["rows_read"] != rows or summary["imported"] != rows:
        print(f"  WARNING: the import read {summary['rows_read']:,} and wrote {summary['imported']:,} of {rows:,}")
    missed = not figures["ours_over_bare_parse_pass"]
    if args.profile == "always" or (args.profile == "auto" and missed and rows <= PROFILE_MAX_ROWS):
        demo.open_fresh()
        figures["profile"] = profile_summary(lambda: demo.import_log(data))
        demo.close()
        print(
            f"  cProfile of one import ({rows:,} rows, fresh db), top {PROFILE_TOP} by cumulative time "
            "(profiling slows Python code, so the total is above the timed median):"
        )
        print(textwrap.indent(figures["profile"], "    "))
    return figures


def print_summary(sizes: dict[str, dict[str, Any]], peak: dict[str, Any] | None) -> None:
    """One line per size (the parse, the pre-check, ours, the ratio and its verdict), then the peak memory."""
    print("\nSummary: ours / bare calamine parse (median of the turns), target ≤ 2×")
    print(f"  {'rows':>10}  {'parse':>8}  {'pre-check':>9}  {'ours':>8}  {'ratio':>6}")
    for rows, figures in sizes.items():
        print(
            f"  {int(rows):>10,}  {figures['bare_parse']['seconds']:7.2f}s  {figures['pre_check']['seconds']:8.2f}s  "
            f"{figures['ours']['seconds']:7.2f}s  {figures['ours_over_bare_parse']:5.2f}×  "
            f"{verdict(figures['ours_over_bare_parse_pass'])}"
        )
    if peak is not None:
        print(
            f"  peak RSS of the {peak['rows']:,}-row import: {peak['peak_rss_bytes'] / 1e9:.2f} GB, target "
            f"< {TARGET_PEAK_BYTES / 1e9:g} GB  "
            + ("NOT MEASURED (the import failed)" if "error" in peak else verdict(peak["pass"]))
        )


def run_peak(demo: DemoDatabase, module: str, rows: int, data: bytes, lift_limits: bool) -> dict[str, Any]:
    """Import the largest log once in a child process and hold its peak RSS against the target."""
    unpacked, over = limits_note(data)
    print(
        f"\nPeak memory: the {rows:,}-row log ({len(data) / 2**20:.1f} MiB .xlsx, {unpacked / 2**20:.0f} MiB "
        "unpacked) imported in a child process"
    )
    if over:
        print(
            f"  NOTE: the log is over safety.files.reader's limit(s) {', '.join(over)}: "
            + (
                "lifted in the child only (--lift-limits)"
                if lift_limits
                else "the import will refuse it; --lift-limits lifts them in the child to measure anyway"
            )
        )
    out = child_import_peak(demo, module, data, lift_limits)
    out |= {"rows": rows, "unpacked_bytes": unpacked, "over_limits": over, "limits_lifted": lift_limits and bool(over)}
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
        f"  peak RSS of the child (its VmHWM) = {peak / 1e9:.2f} GB ({peak / 2**20:,.0f} MiB); after imports and "
        f"opening the db, before reading: {out.get('hwm_before_kib', 0) / 2**10:,.0f} MiB; getrusage "
        f"RUSAGE_CHILDREN: {out['children_maxrss_bytes'] / 2**20:,.0f} MiB (this process: "
        f"{out['parent_maxrss_bytes'] / 2**20:,.0f} MiB)"
    )
    print(
        f"  target < {TARGET_PEAK_BYTES / 1e9:g} GB   "
        f"{'NOT MEASURED (the import failed)' if 'error' in out else verdict(out['pass'])}"
    )
    return out


if __name__ == "__main__":
    sys.exit(main())
