"""Benchmark of the register import path: reading a big .xlsx, validating it, writing it to DuckDB, exporting it.

A benchmark, not a test: it prints figures and asserts nothing about speed.

    python bench/register_import_bench.py [--enterprises N] [--years Y] [--repeat R]

Times are the median of --repeat runs (time.perf_counter); peak memory is measured in separate runs under
tracemalloc, which sees Python allocations only (not calamine's Rust buffers nor DuckDB's C++ memory).
Figures go to stdout as a table and to bench/out/register_import.json.
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
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

PACKAGES = ("python-calamine", "openpyxl", "pandas", "duckdb", "pydantic")  # versions recorded with the figures
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from machine import machine_facts  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from safety.access.roles import SYSTEM  # noqa: E402
from safety.db.store import Store  # noqa: E402
from safety.demo import demo_bin, demo_inputs  # noqa: E402
from safety.files.reader import read_sheets  # noqa: E402
from safety.i18n import t  # noqa: E402
from safety.register.geography import DISTRICTS  # noqa: E402
from safety.register.spreadsheets import ENTERPRISE_COLUMNS, YEAR_COLUMNS, export_register, import_register  # noqa: E402

try:
    import pandas as pd
except ImportError:  # pandas is optional here: the app itself does not need it to import a register
    pd = None

OUT_DIR = ROOT / "bench" / "out"
OUT_FILE = OUT_DIR / "register_import.json"
FILENAME = "register.xlsx"
DEFAULT_ENTERPRISES = 1_500  # 10,000 (the first aim) takes 2.5-4.5 min per real import on a 2-CPU box: see README
SLOW_IMPORT_PER_10K = 30.0  # seconds per 10,000 enterprises beyond which --profile auto profiles the real import
SLOW_EXPORT_PER_10K = 10.0  # the same for export_register (openpyxl alone writes 60,000 rows in well under that)
DEFAULT_BUDGET = 30.0  # seconds: a measurement stops repeating once its runs have taken this long
PROFILE_TOP = 15
PROFILE_OWN_TOP = 8


# --------------------------------------------------------------------------- the input workbook


def build_workbook(enterprises: int, years: int, seed: int = 20240917) -> bytes:
    """Make a register workbook laid out as export_register writes it (Russian headings), fictional data."""
    rng = random.Random(seed)
    inputs = demo_inputs()
    industries = list(inputs.industries.values())
    last_year = dt.date.today().year - 1  # a year in the future is rejected by the import
    first_year = last_year - years + 1
    today = dt.date.today()
    join_span = (today - dt.date(2018, 1, 1)).days
    taken: set[str] = set()

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(t("register.sheet.enterprises", "ru"))
    sheet.append([t("register.col." + c, "ru") for c in ENTERPRISE_COLUMNS])
    year_rows: list[list[Any]] = []
    for number in range(1, enterprises + 1):
        district = rng.choice(DISTRICTS)
        kind = rng.choice(industries)
        bin_ = demo_bin(rng, taken)
        sheet.append(
            [
                bin_,
                f"ТОО «Предприятие {number} {kind.noun_ru}» (бенчмарк)",
                f"«Кәсіпорын {number} {kind.noun_kk}» ЖШС (бенчмарк)",
                district.name("ru"),
                district.kato,
                kind.oked,
                kind.name,
                dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, join_span)),
                rng.choice(inputs.officers),
                f"+7 7262 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                f"ohs{number:05d}@enterprise.example",
                t("common.yes", "ru"),
            ]
        )
        headcount = rng.randint(*kind.headcount)
        for year in range(first_year, last_year + 1):
            headcount = max(20, round(headcount * rng.uniform(0.94, 1.07)))
            hours = round(headcount * rng.uniform(1720, 1910)) if rng.random() < 0.9 else None
            year_rows.append([bin_, year, headcount, hours])
    year_sheet = workbook.create_sheet(t("register.sheet.years", "ru"))
    year_sheet.append([t("register.col." + c, "ru") for c in YEAR_COLUMNS])
    for row in year_rows:
        year_sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the readers compared


def read_ours(data: bytes) -> int:
    """safety.files.reader.read_sheets (python-calamine), the reader the app uses."""
    return sum(len(s.rows) for s in read_sheets(data, FILENAME))


def read_openpyxl(data: bytes) -> int:
    """openpyxl in read-only mode, every sheet's values as row lists."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return sum(len([list(r) for r in ws.iter_rows(values_only=True)]) for ws in workbook.worksheets)
    finally:
        workbook.close()


def read_pandas(data: bytes, engine: str) -> int:
    """pandas.read_excel of every sheet, no header row, with the given engine."""
    frames = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, engine=engine)
    return sum(len(f) for f in frames.values())


# --------------------------------------------------------------------------- measuring


def timed(
    fn: Callable[[], Any], repeat: int, setup: Callable[[], Any] | None = None, budget: float = DEFAULT_BUDGET
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


def peak_memory(fn: Callable[[], Any], setup: Callable[[], Any] | None = None) -> int:
    """Return the peak Python heap (bytes) above the starting point while fn runs, under tracemalloc."""
    if setup is not None:
        setup()
    gc.collect()
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - base


class FreshStore:
    """Hands out an empty migrated Store in a temp directory, closing the previous one unless it was kept."""

    def __init__(self, root: Path):
        self.root = root
        self.count = 0
        self.store: Store | None = None
        self.kept: list[Store] = []

    def new(self) -> Store:
        self.close()
        self.count += 1
        self.store = Store(self.root / f"bench_{self.count}.duckdb")
        return self.store

    def keep(self) -> Store:
        """Take the current store out of rotation (it stays open until close_all)."""
        assert self.store is not None
        store, self.store = self.store, None
        self.kept.append(store)
        return store

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def close_all(self) -> None:
        self.close()
        for store in self.kept:
            store.close()
        self.kept.clear()


def profile_summary(fn: Callable[[], Any]) -> str:
    """Run fn under cProfile and return the top functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        fn()
    finally:
        profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.strip_dirs().sort_stats(pstats.SortKey.CUMULATIVE).print_stats(PROFILE_TOP)
    text.write(f"--- the same run, top {PROFILE_OWN_TOP} by own time (tottime):\n")
    stats.sort_stats(pstats.SortKey.TIME).print_stats(PROFILE_OWN_TOP)
    return "\n".join(line.rstrip() for line in text.getvalue().splitlines() if line.strip()) + "\n"


# --------------------------------------------------------------------------- facts and report


def mib(n: int | None) -> str:
    return "-" if n is None else f"{n / 2**20:,.1f} MiB"


def secs(s: float | None) -> str:
    return "-" if s is None else f"{s:,.3f} s"


def per_sec(rows: int, s: float | None) -> str:
    return "-" if not s else f"{rows / s:,.0f} rows/s"


def compare(seconds: float, ours: float) -> str:
    return f"{seconds / ours:.1f}× slower" if seconds >= ours else f"{ours / seconds:.1f}× faster"


def runs_text(step: dict[str, Any]) -> str:
    return "/".join(f"{s:.2f}" for s in step["runs"]) + " s"


def print_table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(f"\n{title}")
    print(
        "  "
        + "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True)))
    )
    print("  " + "  ".join("-" * w for w in widths))
    for r in rows:
        print(
            "  "
            + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        )


# --------------------------------------------------------------------------- the run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--enterprises",
        "-n",
        type=int,
        default=DEFAULT_ENTERPRISES,
        help="enterprises in the workbook (default %(default)s)",
    )
    parser.add_argument("--years", type=int, default=5, help="yearly rows per enterprise")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement (median reported)")
    parser.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET,
        help="stop repeating a measurement once its runs took this many seconds (default %(default)s)",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default="auto",
        help=f"cProfile the real import and the export; auto = only when slower than "
        f"{SLOW_IMPORT_PER_10K:.0f} s (import) or {SLOW_EXPORT_PER_10K:.0f} s (export) "
        "per 10,000 enterprises",
    )
    parser.add_argument("--out", type=Path, default=OUT_FILE, help="where to write the JSON figures")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    facts = machine_facts(PACKAGES)
    print(
        f"Python {facts['python']} on {facts['platform']}, {facts['cpu_count']} CPUs "
        f"({facts['cpus_usable']} usable), git {facts['git_commit']}{' (dirty)' if facts['git_dirty'] else ''}"
    )
    print("  " + ", ".join(f"{k} {v}" for k, v in facts["packages"].items()))

    start = time.perf_counter()
    data = build_workbook(args.enterprises, args.years)
    year_rows = args.enterprises * args.years
    total_rows = args.enterprises + year_rows
    print(
        f"Workbook: {args.enterprises:,} enterprises + {year_rows:,} year rows = {total_rows:,} data rows, "
        f"{len(data) / 2**20:.2f} MiB .xlsx (built in {time.perf_counter() - start:.1f} s); "
        f"median of up to {args.repeat} runs (fewer once a measurement passed {args.budget:.0f} s)"
    )

    results: dict[str, Any] = {
        "machine": facts,
        "input": {
            "enterprises": args.enterprises,
            "years_per_enterprise": args.years,
            "year_rows": year_rows,
            "data_rows": total_rows,
            "xlsx_bytes": len(data),
        },
        "repeat": args.repeat,
        "budget_seconds": args.budget,
        "read": {},
        "import": {},
        "export": {},
    }

    # 1. Reading the workbook into rows --------------------------------------------------------------------
    readers: dict[str, Callable[[], int]] = {
        "ours (read_sheets, calamine)": lambda: read_ours(data),
        "openpyxl read_only": lambda: read_openpyxl(data),
    }
    if pd is not None:
        readers["pandas.read_excel openpyxl"] = lambda: read_pandas(data, "openpyxl")
        try:
            read_pandas(data, "calamine")
            readers["pandas.read_excel calamine"] = lambda: read_pandas(data, "calamine")
        except (ImportError, ValueError):
            pass
    for name, fn in readers.items():
        rows = fn()  # warm-up, and the row count the reader sees
        median, runs = timed(fn, args.repeat, budget=args.budget)
        results["read"][name] = {"rows": rows, "seconds": median, "runs": runs}
    if not args.no_memory:
        for name, fn in readers.items():
            results["read"][name]["peak_python_bytes"] = peak_memory(fn)
    ours = results["read"]["ours (read_sheets, calamine)"]["seconds"]
    print_table(
        "1. Reading the workbook into rows",
        ("reader", "rows", "median", "vs ours", "peak (tracemalloc)"),
        [
            (
                name,
                f"{r['rows']:,}",
                secs(r["seconds"]),
                compare(r["seconds"], ours) if not name.startswith("ours") else "—",
                mib(r.get("peak_python_bytes")),
            )
            for name, r in results["read"].items()
        ],
    )
    for name, r in results["read"].items():
        if not name.startswith("ours"):
            r["ratio_vs_ours"] = r["seconds"] / ours
    baseline = results["read"]["openpyxl read_only"]["seconds"]
    print(f"  => calamine (read_sheets) is {baseline / ours:.1f}× faster than openpyxl read_only")
    if "pandas.read_excel openpyxl" in results["read"]:
        print(
            f"  => calamine (read_sheets) is "
            f"{results['read']['pandas.read_excel openpyxl']['seconds'] / ours:.1f}× faster than "
            "pandas.read_excel(engine='openpyxl')"
        )

    # 2. The whole import ------------------------------------------------------------------------------------
    with tempfile.TemporaryDirectory(prefix="vz_bench_") as tmp:
        stores = FreshStore(Path(tmp))
        empty = Store(Path(tmp) / "dry_run.duckdb")  # stays empty: the dry runs write nothing
        try:
            plan = import_register(empty, SYSTEM, data, FILENAME, dry_run=True)  # warm-up, and the file is valid
            counts = {"added": len(plan.added), "updated": len(plan.updated), "years": len(plan.years)}
            median, runs = timed(
                lambda: import_register(empty, SYSTEM, data, FILENAME, dry_run=True), args.repeat, budget=args.budget
            )
            results["import"]["dry_run"] = {
                "seconds": median,
                "runs": runs,
                "rows_per_second": total_rows / median,
                "plan": counts,
            }

            median, runs = timed(
                lambda: import_register(stores.store, SYSTEM, data, FILENAME),
                args.repeat,
                setup=stores.new,
                budget=args.budget,
            )
            results["import"]["real"] = {"seconds": median, "runs": runs, "rows_per_second": total_rows / median}
            loaded = stores.keep()
            counted = loaded.query("SELECT (SELECT count(*) FROM enterprises), (SELECT count(*) FROM enterprise_years)")
            results["import"]["real"]["rows_in_database"] = {"enterprises": counted[0][0], "years": counted[0][1]}

            # 3. Export of the same database ---------------------------------------------------------------
            exported = export_register(loaded, SYSTEM, "ru")  # warm-up
            median, runs = timed(lambda: export_register(loaded, SYSTEM, "ru"), args.repeat, budget=args.budget)
            results["export"] = {
                "seconds": median,
                "runs": runs,
                "rows_per_second": total_rows / median,
                "xlsx_bytes": len(exported),
            }

            if not args.no_memory:
                results["import"]["dry_run"]["peak_python_bytes"] = peak_memory(
                    lambda: import_register(empty, SYSTEM, data, FILENAME, dry_run=True)
                )
                results["export"]["peak_python_bytes"] = peak_memory(lambda: export_register(loaded, SYSTEM, "ru"))
                results["import"]["real"]["peak_python_bytes"] = peak_memory(
                    lambda: import_register(stores.store, SYSTEM, data, FILENAME), setup=stores.new
                )

            for step, per_10k in (
                (results["import"]["real"], SLOW_IMPORT_PER_10K),
                (results["export"], SLOW_EXPORT_PER_10K),
            ):
                step["slow_limit_seconds"] = per_10k * args.enterprises / 10_000
                step["slow"] = step["seconds"] > step["slow_limit_seconds"]
            if args.profile == "always" or (args.profile == "auto" and results["export"]["slow"]):
                results["export"]["profile"] = profile_summary(lambda: export_register(loaded, SYSTEM, "ru"))
            if args.profile == "always" or (args.profile == "auto" and results["import"]["real"]["slow"]):
                stores.new()
                results["import"]["real"]["profile"] = profile_summary(
                    lambda: import_register(stores.store, SYSTEM, data, FILENAME)
                )
        finally:
            stores.close_all()
            empty.close()

    dry, real, export = results["import"]["dry_run"], results["import"]["real"], results["export"]
    write_only = real["seconds"] - dry["seconds"]
    results["import"]["write_only_estimate_seconds"] = write_only
    print_table(
        "2. Import (import_register) and 3. export (export_register)",
        ("step", "median", "rows/s", "peak (tracemalloc)"),
        [
            (
                "import dry_run (parse + validate)",
                secs(dry["seconds"]),
                per_sec(total_rows, dry["seconds"]),
                mib(dry.get("peak_python_bytes")),
            ),
            (
                "import real, empty db (+ write)",
                secs(real["seconds"]),
                per_sec(total_rows, real["seconds"]),
                mib(real.get("peak_python_bytes")),
            ),
            ("  of which writing (real - dry)", secs(write_only), per_sec(total_rows, write_only), ""),
            (
                "export_register (ru)",
                secs(export["seconds"]),
                per_sec(total_rows, export["seconds"]),
                mib(export.get("peak_python_bytes")),
            ),
        ],
    )
    print(
        f"  plan: {dry['plan']}; in database after real import: {real['rows_in_database']}; "
        f"export {export['xlsx_bytes'] / 2**20:.2f} MiB"
    )
    print(f"  runs: dry_run {runs_text(dry)}; real {runs_text(real)}; export {runs_text(export)}")
    if real["slow"]:
        print(
            f"\nFINDING: the real import took {real['seconds']:.1f} s for {args.enterprises:,} enterprises "
            f"(limit {real['slow_limit_seconds']:.0f} s = {SLOW_IMPORT_PER_10K:.0f} s per 10,000), "
            f"{real['seconds'] / total_rows * 1000:.2f} ms per row; writing is {write_only / real['seconds']:.0%} "
            f"of it."
            + (
                ""
                if args.enterprises == 10_000
                else f" At this rate 10,000 × {args.years} would take ~"
                f"{real['seconds'] / args.enterprises * 10_000:.0f} s."
            )
        )
    if export["slow"]:
        print(
            f"\nFINDING: export_register took {export['seconds']:.1f} s for {args.enterprises:,} enterprises "
            f"(limit {export['slow_limit_seconds']:.1f} s = {SLOW_EXPORT_PER_10K:.0f} s per 10,000)."
        )
    if "profile" in real:
        print(f"\ncProfile of one real import, top {PROFILE_TOP} by cumulative time:")
        print(real["profile"])
    if "profile" in export:
        print(f"\ncProfile of one export_register, top {PROFILE_TOP} by cumulative time:")
        print(export["profile"])

    results["wall_seconds"] = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nWhole run {results['wall_seconds']:.0f} s; figures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
