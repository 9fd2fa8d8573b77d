"""Benchmark of the PostgreSQL store against the DuckDB file: the dashboard's queries at national scale and the
100,000-row incident import, both stores in one run.

A benchmark, not a test: it prints figures, ratios and PASS/MISS against the targets, and asserts nothing.

    .venv/bin/python bench/pg_bench.py [--enterprises 10000] [--cases 2000000] [--repeat 7] [--db PATH]
                                       [--import-rows 100000] [--import-repeat 5] [--no-import] [--no-durable]

1. The national database of dashboard_bench.py (its builder, reused from --db when that file holds it), then a
   throw-away PostgreSQL server (tests/pg_server.PgServer: durability off) and a database on it filled from the
   DuckDB file by safety.copying.copy_database, then ANALYZE. Neither step is timed against a target; both times
   are printed.
2. For the region, the biggest district and the enterprise with the most cases: every library function the
   dashboard page calls (dashboard_bench.library_calls) and every SQL function those calls run (recorded on the
   DuckDB store during a warm-up, replayed alone on each store), median of --repeat warm runs on both stores,
   the ratio PostgreSQL / DuckDB, whether both stores gave the same result, and PASS/MISS against the target:
   every page query <= 250 ms median on PostgreSQL. Each miss gets EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL:
   its planning, execution and JIT times and the costliest plan nodes.
3. The incident import (import_bench.py's generated log and import_incidents) as the demo's officer into a fresh
   copy of a demo database on each store, taking turns; target: PostgreSQL's median within 2x of DuckDB's.
   A miss is profiled once (cProfile of the PostgreSQL import).
4. Unless --no-durable: the server restarted with PostgreSQL's default durability (fsync, synchronous_commit and
   full_page_writes on), then the region's page queries and the import again on PostgreSQL (DuckDB's import too,
   for the ratio), to show what durability costs reads (nothing expected) and writes.
Figures and machine facts go to stdout and bench/out/pg.json.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import gc
import inspect
import io
import json
import math
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PACKAGES = ("duckdb", "psycopg", "psycopg-binary", "psycopg-pool", "pyarrow", "python-calamine")
ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import dashboard_bench as dash  # noqa: E402
import import_bench as imports  # noqa: E402
import psycopg  # noqa: E402
import pyarrow as pa  # noqa: E402
from machine import machine_facts, verdict  # noqa: E402

from safety.access.auth import current_user  # noqa: E402
from safety.access.roles import SYSTEM  # noqa: E402
from safety.copying import copy_database  # noqa: E402
from safety.db import Store, meta  # noqa: E402
from safety.db import users as users_sql  # noqa: E402
from safety.db.results import SharedResults  # noqa: E402
from safety.demo import load_demo  # noqa: E402
from safety.indicators import formulas as indicator_lib  # noqa: E402
from safety.register.enterprises import list_enterprises  # noqa: E402
from safety.register.geography import DISTRICTS  # noqa: E402
from tests.pg_server import PgServer  # noqa: E402

OUT_FILE = ROOT / "bench" / "out" / "pg.json"
TARGET_PG_QUERY = 0.250  # seconds, median of one page query on PostgreSQL
TARGET_IMPORT_RATIO = 2.0  # PostgreSQL's import time over DuckDB's
IMPORT_BUDGET = 240.0  # seconds: the import stops taking turns once its runs have taken this long
EXPLAIN_TOP = 6
PROFILE_TOP = 15
# PgServer's options (tests/pg_server.py); the durable restart keeps all but the three durability switches.
FAST_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
COMMON_OPTIONS = "-c listen_addresses='' -c max_connections=200 -c shared_buffers=128MB"
SETTINGS = (
    "server_version",
    "fsync",
    "synchronous_commit",
    "full_page_writes",
    "shared_buffers",
    "work_mem",
    "effective_cache_size",
    "random_page_cost",
    "jit",
    "max_parallel_workers_per_gather",
)


def ms(seconds: float) -> str:
    """Seconds as milliseconds for a table cell."""
    return f"{seconds * 1000:.1f} ms"


def ratio_text(theirs: float, base: float) -> str:
    """theirs / base as "3.2×" (or "–" without a base)."""
    return f"{theirs / base:.2f}×" if base > 0 else "–"


# --------------------------------------------------------------------------- timing with CPU


def server_cpu(server: PgServer | None) -> float:
    """CPU seconds the server's processes have used so far: the postmaster with its reaped children (parallel
    workers that have exited) and every live child (the backends); 0 without a server."""
    if server is None:
        return 0.0
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    ticks = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == postmaster:
            ticks += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        elif int(fields[1]) == postmaster:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def timed(fn: Callable[[], Any], repeat: int, server: PgServer | None = None) -> dict[str, Any]:
    """Median, max and all wall-clock times of `repeat` runs of fn (the caller ran the warm-up), and the mean CPU
    per run: this process's (DuckDB's threads, the driver, Arrow and dict building) plus, given a server, its
    processes' (a mean: the kernel counts CPU in 10 ms ticks per process). Wall well above CPU means the work
    waited for a core (a busy machine); CPU above wall means parallel workers."""
    runs, cpu = [], 0.0
    for _ in range(repeat):
        gc.collect()
        server_start = server_cpu(server)
        cpu_start, start = time.process_time(), time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
        cpu += time.process_time() - cpu_start
        cpu += server_cpu(server) - server_start
    return {"median": statistics.median(runs), "max": max(runs), "runs": runs, "cpu_mean": cpu / repeat}


# --------------------------------------------------------------------------- the PostgreSQL server


def restart(server: PgServer, durable: bool) -> None:
    """Stop the server and start it again on the same data: with PostgreSQL's default durability when durable,
    else with PgServer's own options (durability off)."""
    options = f"-k {server.folder} {COMMON_OPTIONS}" + ("" if durable else f" {FAST_OPTIONS}")
    server._run("pg_ctl", "-D", str(server.data), "-m", "fast", "-w", "stop")
    server._run("pg_ctl", "-D", str(server.data), "-o", options, "-l", str(server.folder / "server.log"), "-w", "start")


def server_settings(server: PgServer) -> dict[str, str]:
    """The server settings that matter for these figures (read on the maintenance database)."""
    with psycopg.connect(server.url("postgres")) as conn:
        rows = conn.execute(
            "SELECT name, setting || coalesce(' ' || unit, '') FROM pg_settings WHERE name = ANY(%s)", [list(SETTINGS)]
        ).fetchall()
    return {name: value for name, value in sorted(rows, key=lambda r: SETTINGS.index(r[0]))}


def apply_settings(server: PgServer, database: str, settings: list[str]) -> None:
    """ALTER DATABASE … SET each NAME=VALUE: every later connection to that database has it."""
    for setting in settings:
        name, _, value = setting.partition("=")
        if not name.replace("_", "").isalnum() or not value:
            sys.exit(f"--set {setting!r}: expected NAME=VALUE")
        server.admin(f"ALTER DATABASE \"{database}\" SET {name} = '{value.replace(chr(39), '')}'")


def fill_postgres(server: PgServer, duck: Store, settings: list[str]) -> tuple[str, dict[str, Any]]:
    """A new database on the server (with `settings`), filled from the DuckDB store by copy_database, then ANALYZE;
    its URL and the times of both steps."""
    database = server.new_database()
    apply_settings(server, database, settings)
    url = server.url(database)
    start = time.perf_counter()
    with Store(url) as pg:
        opened = time.perf_counter() - start
        start = time.perf_counter()
        report = copy_database(SYSTEM, duck, pg)
        copied = time.perf_counter() - start
        start = time.perf_counter()
        with pg.cursor() as cur:
            cur.execute("ANALYZE")
        analyzed = time.perf_counter() - start
        size = pg.size() or 0
    print(
        f"  copy_database: {report.total:,} rows in {copied:.1f} s ({report.total / copied:,.0f} rows/s; "
        f"incidents {report.rows.get('incidents', 0):,}); ANALYZE {analyzed:.1f} s; migrations {opened:.1f} s; "
        f"database {size / 2**20:,.0f} MiB"
    )
    return url, {
        "migrate_seconds": opened,
        "copy_seconds": copied,
        "analyze_seconds": analyzed,
        "rows": report.rows,
        "bytes": size,
    }


# --------------------------------------------------------------------------- comparing results


def plain(value: Any) -> Any:
    """A result as plain Python values: Arrow tables as lists of dicts, dataclasses as dicts."""
    if isinstance(value, pa.Table):
        return value.to_pylist()
    if hasattr(value, "__dataclass_fields__"):
        return {k: plain(getattr(value, k)) for k in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def equal(a: Any, b: Any) -> bool:
    """Equal values, floats to 1e-9 relative."""
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or isinstance(a, str) or isinstance(b, str):
            return a == b
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def same_result(duck: Any, pg: Any) -> str:
    """ "same", "same, other order" or "DIFFERS" for one call's results on the two stores."""
    a, b = plain(duck), plain(pg)
    if equal(a, b):
        return "same"
    lists = isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
    if lists and equal(sorted(a, key=repr), sorted(b, key=repr)):
        return "same, other order"
    return "DIFFERS"


# --------------------------------------------------------------------------- timing the dashboard


def scopes_of(duck: Store, enterprises: int) -> dict[str, tuple[dict[str, Any], str]]:
    """The three scopes of dashboard_bench: the region, the biggest district, the enterprise with the most cases."""
    district = DISTRICTS[0]
    with duck.cursor() as cur:
        big_bin, big_cases = cur.execute("""
            SELECT e.bin, count(*) FROM incidents i JOIN enterprises e ON e.id = i.enterprise_id
            GROUP BY e.bin ORDER BY count(*) DESC, e.bin LIMIT 1""").fetchone()
        in_district = cur.execute("SELECT count(*) FROM enterprises WHERE kato = ?", [district.kato]).fetchone()[0]
    return {
        "region": ({}, f"Region: all {enterprises:,} enterprises"),
        "district": ({"district": district.kato}, f"District {district.kato} {district.ru}: {in_district:,}"),
        "enterprise": ({"bin_": big_bin}, f"Enterprise {big_bin} (the most cases: {big_cases:,})"),
    }


def compare_scope(
    stores: dict[str, Store],
    servers: dict[str, PgServer | None],
    recorder: dash.Recorder,
    scope_args: dict[str, Any],
    title: str,
    repeat: int,
    year: int,
    today: dt.date,
) -> dict[str, Any]:
    """Every library call and SQL query of one dashboard view, timed on both stores; printed and returned."""
    print(f"\n{title}")
    library: dict[str, dict[str, Any]] = {}
    page_calls: list[tuple[str, tuple, dict]] = []
    extra_calls: list[tuple[str, tuple, dict]] = []
    for kind, store in stores.items():
        scope = indicator_lib.scope_for(store, SYSTEM, **scope_args)
        for name, fn, on_page in dash.library_calls(store, scope_args, year, today):
            if kind == "duckdb":
                with recorder.recording() as calls:
                    fn(scope)  # the warm-up, recorded
                (page_calls if on_page else extra_calls).extend(calls)
            else:
                fn(scope)  # the warm-up
            entry = library.setdefault(name, {"on_page": on_page})
            entry[kind] = timed(lambda fn=fn, scope=scope: fn(scope), repeat, servers[kind])

    distinct: dict[str, dict[str, Any]] = {}
    for call in page_calls + extra_calls:
        key = dash.call_key(call)
        if key not in distinct:
            distinct[key] = {"call": call, "label": dash.call_label(call), "calls": 0}
    for call in page_calls:
        distinct[dash.call_key(call)]["calls"] += 1
    for entry in distinct.values():
        results = {}
        for kind, store in stores.items():
            results[kind] = recorder.replay(store, entry["call"])  # the warm-up, kept for the comparison
            entry[kind] = timed(
                lambda call=entry["call"], store=store: recorder.replay(store, call), repeat, servers[kind]
            )
        entry["result"] = (
            same_result(results["duckdb"], results["postgresql"]) if runs_sql(recorder, entry["call"]) else "no SQL"
        )
        entry["ratio"] = entry["postgresql"]["median"] / entry["duckdb"]["median"]
        entry["pass"] = entry["postgresql"]["median"] <= TARGET_PG_QUERY

    width = max(44, *(len(e["label"]) + 1 for e in distinct.values()), *(len(n) + 1 for n in library))
    head = f"  {{:<{width}}}{{:>11}}{{:>10}}{{:>11}}{{:>10}}{{:>10}}{{:>8}}"

    def cells(entry: dict[str, Any]) -> list[str]:
        """Both stores' median and CPU, PostgreSQL's max, the ratio of the medians."""
        duck, pg = entry["duckdb"], entry["postgresql"]
        return [
            ms(duck["median"]),
            ms(duck["cpu_mean"]),
            ms(pg["median"]),
            ms(pg["cpu_mean"]),
            ms(pg["max"]),
            ratio_text(pg["median"], duck["median"]),
        ]

    columns = ("DuckDB", "CPU", "PostgreSQL", "CPU", "PG max", "ratio")
    print(head.format("library function (what the page calls)", *columns))
    for name, entry in library.items():
        print(head.format(name, *cells(entry)) + ("" if entry["on_page"] else "  (not on the page)"))
    print(
        head.format("SQL query (safety.db.*)", *columns)
        + f"  calls  result             PG ≤ {TARGET_PG_QUERY * 1000:.0f} ms"
    )
    for entry in sorted(distinct.values(), key=lambda e: e["label"]):
        calls = str(entry["calls"]) if entry["calls"] else "extra"
        print(
            head.format(entry["label"], *cells(entry)) + f"  {calls:>5}  {entry['result']:<18} {verdict(entry['pass'])}"
        )
    sums = {kind: sum(e[kind]["median"] * e["calls"] for e in distinct.values()) for kind in ("duckdb", "postgresql")}
    library_sums = {
        kind: sum(e[kind]["median"] for e in library.values() if e["on_page"]) for kind in ("duckdb", "postgresql")
    }
    on_page = [e for e in distinct.values() if e["calls"]]
    misses = [e["label"] for e in sorted(on_page, key=lambda e: -e["postgresql"]["median"]) if not e["pass"]]
    for label, figures in (
        (f"one view's queries ({len(page_calls)} calls, Σ median × calls)", sums),
        ("one view's library functions (queries + Python)", library_sums),
    ):
        duck, pg = figures["duckdb"], figures["postgresql"]
        print(head.format(label, ms(duck), "", ms(pg), "", "", ratio_text(pg, duck)))
    differ = [e["label"] for e in distinct.values() if e["result"] == "DIFFERS"]
    print(
        f"  page queries over {TARGET_PG_QUERY * 1000:.0f} ms on PostgreSQL: {len(misses)} of {len(on_page)}"
        + (f" (slowest first: {', '.join(misses)})" if misses else "")
        + (f"; results that differ between the stores: {', '.join(differ)}" if differ else "")
    )
    return {
        "library": library,
        "queries": [
            {k: v for k, v in e.items() if k != "call"} | {"key": dash.call_key(e["call"])} for e in distinct.values()
        ],
        "query_calls": len(page_calls),
        "queries_sum_seconds": sums,
        "library_sum_seconds": library_sums,
        "page_queries": len(on_page),
        "misses": misses,
        "differ": differ,
        "_calls": {dash.call_key(e["call"]): e["call"] for e in distinct.values()},
    }


def runs_sql(recorder: dash.Recorder, call: tuple[str, tuple, dict]) -> bool:
    """Whether a recorded function takes a cursor (scope_params only builds a parameter list)."""
    function = recorder.originals[call[0]][2]
    return next(iter(inspect.signature(function).parameters), "") == "cur"


def retime_queries(
    pg: Store, server: PgServer, recorder: dash.Recorder, figures: dict[str, Any], repeat: int
) -> dict[str, Any]:
    """The page queries of one scope again on PostgreSQL alone (after the durable restart), beside the earlier
    figures."""
    out: dict[str, Any] = {}
    width = max(44, *(len(q["label"]) + 1 for q in figures["queries"]))
    head = f"  {{:<{width}}}{{:>11}}{{:>10}}{{:>16}}{{:>10}}{{:>8}}"
    print(head.format("SQL query (the region's page queries)", "durable", "CPU", "durability off", "CPU", "ratio"))
    for query in sorted(figures["queries"], key=lambda q: q["label"]):
        if not query["calls"] or query["result"] == "no SQL":
            continue
        call = figures["_calls"][query["key"]]
        recorder.replay(pg, call)  # the warm-up
        timing = timed(lambda call=call: recorder.replay(pg, call), repeat, server)
        before = query["postgresql"]
        out[query["label"]] = {"durable": timing, "durability_off": before}
        print(
            head.format(
                query["label"],
                ms(timing["median"]),
                ms(timing["cpu_mean"]),
                ms(before["median"]),
                ms(before["cpu_mean"]),
                ratio_text(timing["median"], before["median"]),
            )
            + f"  {verdict(timing['median'] <= TARGET_PG_QUERY)}"
        )
    return out


# --------------------------------------------------------------------------- EXPLAIN ANALYZE of the misses


def explain(pg: Store, recorder: dash.Recorder, call: tuple[str, tuple, dict]) -> list[dict[str, Any]]:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement one SQL function runs on PostgreSQL: planning, execution and
    JIT times, and the plan nodes that took the most time of their own."""
    out = []
    for sql, params in recorder.statements(pg, call):
        with pg.cursor() as cur:
            text = cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params).fetchone()[0]
        plan = json.loads(text)[0] if isinstance(text, str) else text[0]
        nodes: list[dict[str, Any]] = []

        def walk(node: dict[str, Any], nodes: list[dict[str, Any]] = nodes) -> float:
            """Add the node and its children; return the node's inclusive time over all its loops (ms)."""
            inclusive = float(node.get("Actual Total Time", 0)) * int(node.get("Actual Loops", 1) or 1)
            children = sum(walk(child) for child in node.get("Plans", []))
            detail = {
                k: node[k]
                for k in (
                    "Relation Name",
                    "Index Name",
                    "Group Key",
                    "Hash Cond",
                    "Filter",
                    "Index Cond",
                    "Sort Key",
                    "Strategy",
                    "Parent Relationship",
                    "Workers Launched",
                    "Disk Usage",
                    "Peak Memory Usage",
                    "Batches",
                )
                if node.get(k) is not None
            }
            nodes.append(
                {
                    "node": node.get("Node Type"),
                    "own_ms": max(inclusive - children, 0.0),
                    "rows": node.get("Actual Rows"),
                    "loops": node.get("Actual Loops"),
                    "detail": detail,
                }
            )
            return inclusive

        walk(plan["Plan"])
        jit = plan.get("JIT", {}).get("Timing", {}).get("Total")
        out.append(
            {
                "planning_ms": plan.get("Planning Time"),
                "execution_ms": plan.get("Execution Time"),
                "jit_ms": jit,
                "jit_functions": plan.get("JIT", {}).get("Functions"),
                "top_nodes": sorted(nodes, key=lambda n: -n["own_ms"])[:EXPLAIN_TOP],
                "plan": plan,
            }
        )
    return out


def explain_text(statements: list[dict[str, Any]]) -> str:
    """The summary of explain() as lines to print."""
    lines = []
    for statement in statements:
        jit = (
            f", JIT {statement['jit_ms']:.1f} ms ({statement['jit_functions']} functions)"
            if statement["jit_ms"]
            else ""
        )
        lines.append(
            f"  planning {statement['planning_ms']:.1f} ms, execution {statement['execution_ms']:.1f} ms{jit}; "
            "nodes by their own time (all loops):"
        )
        for node in statement["top_nodes"]:
            detail = json.dumps(node["detail"], ensure_ascii=False)
            lines.append(
                f"    {node['own_ms']:8.1f} ms  {node['node']:<18} {node['rows'] or 0:>9,} rows "
                f"×{node['loops'] or 1:<5} {detail[:150]}"
            )
    return "\n".join(lines)


# --------------------------------------------------------------------------- the import


class PgDemo:
    """A demo database on the server, built once; each import gets a fresh copy (CREATE DATABASE … TEMPLATE, not
    timed), dropped afterwards. The PostgreSQL side of import_bench.DemoDatabase."""

    def __init__(self, server: PgServer, import_incidents: Callable[..., Any], settings: list[str]):
        self.server = server
        self.import_incidents = import_incidents
        self.settings = settings
        self.template = server.new_database()
        apply_settings(server, self.template, settings)
        with Store(server.url(self.template)) as store:
            load_demo(store)
            with store.cursor() as cur:
                row = users_sql.by_username(cur, imports.OFFICER)
            assert row is not None, imports.OFFICER
            self.user_id = row["id"]
            user = current_user(store, self.user_id)
            assert user is not None, imports.OFFICER
            self.bin = list_enterprises(store, user)[0].bin
        self.store: Store | None = None
        self.name: str | None = None

    def open_fresh(self) -> None:
        """Set up a timed run: drop the previous copy, make and open a new one."""
        self.close()
        self.name = self.server.new_database(self.template)
        apply_settings(self.server, self.name, self.settings)  # a copy does not inherit them
        self.store = Store(self.server.url(self.name))

    def close(self) -> None:
        """Close and drop the open copy, if any."""
        if self.store is not None:
            self.store.close()
            self.store = None
        if self.name is not None:
            self.server.drop(self.name)
            self.name = None

    def import_log(self, data: bytes) -> Any:
        """The import of the log, for real, as the demo officer into the open copy."""
        assert self.store is not None
        user = current_user(self.store, self.user_id)
        assert user is not None
        return self.import_incidents(self.store, user, data, imports.FILENAME, self.bin)


def clocked(fn: Callable[[], Any], setup: Callable[[], Any], server: PgServer | None) -> tuple[float, float, Any]:
    """Wall-clock and CPU seconds (this process's, plus the server's when given) of one run of fn after setup
    (untimed) and a garbage collection, and what fn returned."""
    setup()
    gc.collect()
    server_start = server_cpu(server)
    cpu_start, start = time.process_time(), time.perf_counter()
    out = fn()
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start + server_cpu(server) - server_start
    return wall, cpu, out


def run_imports(
    demos: dict[str, Any], server: PgServer, data: bytes, rows: int, repeat: int, budget: float, label: str
) -> dict[str, Any]:
    """Import the log into fresh copies of both demo databases, taking turns (DuckDB, then PostgreSQL); print and
    return the medians of wall-clock and CPU time, each turn's ratio and the median ratio."""
    runs: dict[str, list[float]] = {"duckdb": [], "postgresql": []}
    cpu: dict[str, list[float]] = {"duckdb": [], "postgresql": []}
    servers = {"duckdb": None, "postgresql": server}
    results: dict[str, Any] = {}
    started = time.perf_counter()
    while len(runs["postgresql"]) < repeat and (time.perf_counter() - started < budget or not runs["postgresql"]):
        for kind, demo in demos.items():
            wall, used, results[kind] = clocked(lambda demo=demo: demo.import_log(data), demo.open_fresh, servers[kind])
            runs[kind].append(wall)
            cpu[kind].append(used)
            demo.close()
    turns = [pg / duck for duck, pg in zip(runs["duckdb"], runs["postgresql"], strict=True)]
    duck, pg = statistics.median(runs["duckdb"]), statistics.median(runs["postgresql"])
    duck_cpu, pg_cpu = statistics.median(cpu["duckdb"]), statistics.median(cpu["postgresql"])
    ratio = pg / duck
    print(f"\n{rows:,}-row incident import, {label}: {len(turns)} turns (DuckDB, then PostgreSQL), fresh copies")
    for name, kind, wall, used in (("DuckDB", "duckdb", duck, duck_cpu), ("PostgreSQL", "postgresql", pg, pg_cpu)):
        print(
            f"  {name:<12} median {wall:7.2f} s  {rows / wall:>9,.0f} rows/s  runs {imports.runs_text(runs[kind])}"
            f"   CPU median {used:.2f} s (runs {imports.runs_text(cpu[kind])})"
        )
    print(
        f"  PostgreSQL / DuckDB = {ratio:.2f}× (medians; turns " + "/".join(f"{t:.2f}" for t in turns) + ")   "
        f"target ≤ {TARGET_IMPORT_RATIO:g}×   {verdict(ratio <= TARGET_IMPORT_RATIO)};   CPU {pg_cpu / duck_cpu:.2f}×"
    )
    summaries = {kind: imports.import_summary(result) for kind, result in results.items()}
    for kind, summary in summaries.items():
        if summary["imported"] != rows:
            print(f"  WARNING: {kind} wrote {summary['imported']:,} of {rows:,} rows ({summary['first_errors']})")
    return {
        "duckdb": {"seconds": duck, "runs": runs["duckdb"], "cpu_seconds": duck_cpu, "cpu_runs": cpu["duckdb"]},
        "postgresql": {"seconds": pg, "runs": runs["postgresql"], "cpu_seconds": pg_cpu, "cpu_runs": cpu["postgresql"]},
        "turn_ratios": turns,
        "ratio": ratio,
        "cpu_ratio": pg_cpu / duck_cpu,
        "pass": ratio <= TARGET_IMPORT_RATIO,
        "import_results": summaries,
    }


def profile_import(demo: PgDemo, data: bytes) -> dict[str, Any]:
    """One PostgreSQL import under cProfile: the top functions by cumulative time, and the time inside the
    cursor's COPY paths (bulk_insert, load)."""
    demo.open_fresh()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    try:
        demo.import_log(data)
    finally:
        profiler.disable()
        total = time.perf_counter() - start
        demo.close()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(PROFILE_TOP)
    inside: dict[str, float] = {}
    for (file, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if file.endswith(os.path.join("safety", "db", "postgres.py")) and name in ("bulk_insert", "load", "execute"):
            inside[f"PgCursor.{name}"] = inside.get(f"PgCursor.{name}", 0.0) + cumulative
        if name == "write_row":
            inside["psycopg Copy.write_row"] = inside.get("psycopg Copy.write_row", 0.0) + cumulative
    lines = [
        line.rstrip().replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "")
        for line in text.getvalue().splitlines()
        if line.strip() and not line.lstrip().startswith(("Ordered by", "List reduced"))
    ]
    print(f"  cProfile of one PostgreSQL import: {total:.2f} s under the profiler (slower than the timed runs)")
    for name, seconds in sorted(inside.items(), key=lambda kv: -kv[1]):
        print(f"    inside {name:<26} {seconds:6.2f} s  {seconds / total:5.0%}")
    print("    top functions by cumulative time:")
    for line in lines:
        print("      " + line)
    return {"profiled_seconds": total, "inside": inside, "top": "\n".join(lines)}


# --------------------------------------------------------------------------- the run


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=10_000, help="enterprises (default %(default)s)")
    parser.add_argument("--cases", type=int, default=2_000_000, help="incidents over 5 years (default %(default)s)")
    parser.add_argument("--actions", type=int, default=None, help="corrective actions (default 30 per enterprise)")
    parser.add_argument("--seed", type=int, default=20261125, help="seed of the generated data")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per query after one warm-up")
    parser.add_argument(
        "--db", type=Path, default=None, help="the DuckDB bench database: built there when missing, else reused"
    )
    parser.add_argument("--no-dashboard", action="store_true", help="skip the dashboard queries (and the copy)")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows of the imported log")
    parser.add_argument("--import-repeat", type=int, default=5, help="import turns (each: DuckDB, PostgreSQL)")
    parser.add_argument("--no-import", action="store_true", help="skip the import")
    parser.add_argument(
        "--profile", choices=("auto", "always", "never"), default="auto", help="cProfile the PostgreSQL import"
    )
    parser.add_argument("--no-durable", action="store_true", help="skip the rerun with default durability")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL setting for the bench databases' connections (ALTER DATABASE … SET), to measure a "
        "proposed setting such as jit=off; repeatable",
    )
    parser.add_argument("--out", type=Path, default=OUT_FILE, help="where to write the JSON figures")
    args = parser.parse_args(argv)
    if args.actions is None:
        args.actions = 30 * args.enterprises
    return args


def main(argv: list[str] | None = None) -> int:
    """Run every part; print the figures and write them as JSON."""
    args = parse_args(argv)
    started = time.perf_counter()
    today = dt.date.today()
    facts = machine_facts(PACKAGES)
    load = facts["load_average"]
    print(
        f"Python {facts['python']}, {facts['cpu_count']} CPUs ({facts['cpus_usable']} usable), "
        f"{(facts['memory_bytes'] or 0) / 2**30:.0f} GiB RAM, git {facts['git_commit']}"
        f"{' (dirty)' if facts['git_dirty'] else ''}"
        + (f", load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}" if load else "")
    )
    print("  " + ", ".join(f"{k} {v}" for k, v in facts["packages"].items()))
    results: dict[str, Any] = {
        "machine": facts,
        "today": str(today),
        "repeat": args.repeat,
        "targets": {"pg_query_median_seconds_max": TARGET_PG_QUERY, "import_pg_over_duckdb_max": TARGET_IMPORT_RATIO},
        "sizes": {"enterprises": args.enterprises, "cases": args.cases, "actions": args.actions, "seed": args.seed},
    }
    tmp = Path(tempfile.mkdtemp(prefix="vz_pg_bench_"))
    server = PgServer()
    try:
        settings = server_settings(server)
        results["server"] = settings
        print(
            "PostgreSQL "
            + settings.get("server_version", "?")
            + " (tests/pg_server.PgServer, a Unix socket): DURABILITY OFF for the main figures (fsync "
            + f"{settings.get('fsync')}, synchronous_commit {settings.get('synchronous_commit')}, full_page_writes "
            + f"{settings.get('full_page_writes')}): a crash could lose or corrupt data"
            + ("" if args.no_durable else "; part 4 repeats with PostgreSQL's defaults")
        )
        print(
            "  "
            + ", ".join(f"{k} {v}" for k, v in settings.items() if k not in ("server_version", "fsync"))
            + " (PgServer's and PostgreSQL's defaults otherwise)"
        )
        results["database_settings"] = args.set
        if args.set:
            print("  the bench databases' connections also have: " + ", ".join(args.set) + " (--set)")
        if not args.no_dashboard:
            results["dashboard"] = run_dashboard(args, server, tmp, today)
        demos: dict[str, Any] = {}
        data = b""
        if not args.no_import:
            data, counts, built = imports.log_file(args.import_rows, fresh=False)
            print(
                f"\nIncident log: {args.import_rows:,} rows, {len(data) / 2**20:.1f} MiB"
                + (f" (written in {built:.0f} s)" if built is not None else " (reused from bench/out/logs/)")
            )
            import_incidents, _ = imports.import_function()
            demos = {
                "duckdb": imports.DemoDatabase(tmp, import_incidents),
                "postgresql": PgDemo(server, import_incidents, args.set),
            }
            results["import"] = run_imports(
                demos, server, data, args.import_rows, args.import_repeat, IMPORT_BUDGET, "durability off"
            )
            results["import"]["log_counts"] = counts
            if args.profile == "always" or (args.profile == "auto" and not results["import"]["pass"]):
                results["import"]["profile"] = profile_import(demos["postgresql"], data)
        if not args.no_durable:
            results["durable"] = run_durable(args, server, results, demos, data)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    summary(results)
    results.get("dashboard", {}).pop("recorder", None)
    results["wall_seconds"] = time.perf_counter() - started
    results["load_average_at_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    for part in (results.get("dashboard", {}).get("scopes", {})).values():
        part.pop("_calls", None)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    end = results["load_average_at_end"]
    print(
        f"\nWhole run {results['wall_seconds']:.0f} s"
        + (f" (load average at the end {end[0]:.2f} {end[1]:.2f} {end[2]:.2f})" if end else "")
        + f"; figures written to {args.out}"
    )
    return 0


def run_dashboard(args: argparse.Namespace, server: PgServer, tmp: Path, today: dt.date) -> dict[str, Any]:
    """Sections 1 and 2: the two national databases, then every scope's queries on both."""
    path, build = dash.prepare_database(args, tmp, today)
    out: dict[str, Any] = {"build": build, "duckdb_path": str(path)}
    with Store(path) as duck:
        print(f"  DuckDB file {path.stat().st_size / 2**20:,.0f} MiB")
        url, out["copy"] = fill_postgres(server, duck, args.set)
    out["url"] = url
    year = today.year
    recorder = dash.Recorder()
    with Store(path) as duck, Store(url) as pg:
        duck.results = SharedResults(max_entries=0)  # time the work itself, not the shared results
        pg.results = SharedResults(max_entries=0)
        with duck.cursor() as cur:
            stored = json.loads(meta.get(cur, dash.META_KEY) or "null")
        with pg.cursor() as cur:
            copied = json.loads(meta.get(cur, dash.META_KEY) or "null")
        if stored != copied:
            print(f"  WARNING: the PostgreSQL copy's bench marker differs: {copied} against {stored}")
        print(
            f"\nDashboard of {year} (today {today}): median and max of {args.repeat} warm runs on each store, "
            f"ratio = PostgreSQL / DuckDB; target: every page query ≤ {TARGET_PG_QUERY * 1000:.0f} ms on PostgreSQL"
        )
        out["scopes"] = {}
        for key, (scope_args, title) in scopes_of(duck, args.enterprises).items():
            out["scopes"][key] = compare_scope(
                {"duckdb": duck, "postgresql": pg},
                {"duckdb": None, "postgresql": server},
                recorder,
                scope_args,
                title,
                args.repeat,
                year,
                today,
            )
        misses = {
            q["key"]: q
            for figures in out["scopes"].values()
            for q in figures["queries"]
            if q["calls"] and not q["pass"]
        }
        out["explain"] = {}
        if misses:
            print(
                f"\nEXPLAIN (ANALYZE, BUFFERS) on PostgreSQL of the page queries over {TARGET_PG_QUERY * 1000:.0f} ms:"
            )
        calls = {k: v for figures in out["scopes"].values() for k, v in figures["_calls"].items()}
        for key, query in sorted(misses.items(), key=lambda kv: -kv[1]["postgresql"]["median"]):
            statements = explain(pg, recorder, calls[key])
            out["explain"][query["label"]] = statements
            print(f"{query['label']} (median {ms(query['postgresql']['median'])}):\n{explain_text(statements)}")
    out["recorder"] = recorder
    return out


def run_durable(
    args: argparse.Namespace, server: PgServer, results: dict[str, Any], demos: dict[str, Any], data: bytes
) -> dict[str, Any]:
    """Section 4: the server restarted with PostgreSQL's default durability; the region's page queries and the
    import again."""
    restart(server, durable=True)
    out: dict[str, Any] = {}
    dashboard = results.get("dashboard")
    out["server"] = server_settings(server)
    print(
        "\nPostgreSQL restarted with its default durability: "
        + ", ".join(f"{k} {out['server'].get(k)}" for k in ("fsync", "synchronous_commit", "full_page_writes"))
    )
    if dashboard:
        with Store(dashboard["url"]) as pg:
            pg.results = SharedResults(max_entries=0)
            out["region_queries"] = retime_queries(
                pg, server, dashboard["recorder"], dashboard["scopes"]["region"], args.repeat
            )
    if demos:
        out["import"] = run_imports(
            demos, server, data, args.import_rows, args.import_repeat, IMPORT_BUDGET, "PostgreSQL durable"
        )
    return out


def summary(results: dict[str, Any]) -> None:
    """The verdicts of the whole run, one line each."""
    print("\nSummary")
    dashboard = results.get("dashboard")
    if dashboard:
        for key, figures in dashboard["scopes"].items():
            sums = figures["queries_sum_seconds"]
            print(
                f"  {key:<11} {len(figures['misses'])} of {figures['page_queries']} page queries over "
                f"{TARGET_PG_QUERY * 1000:.0f} ms on PostgreSQL {verdict(not figures['misses'])}; one view's queries "
                f"DuckDB {ms(sums['duckdb'])}, PostgreSQL {ms(sums['postgresql'])} "
                f"({ratio_text(sums['postgresql'], sums['duckdb'])})"
                + (f"; {len(figures['differ'])} results differ" if figures["differ"] else "")
            )
    for label, part in (
        ("durability off", results.get("import")),
        ("durable", results.get("durable", {}).get("import")),
    ):
        if part:
            print(
                f"  import ({label}): DuckDB {part['duckdb']['seconds']:.2f} s, PostgreSQL "
                f"{part['postgresql']['seconds']:.2f} s, {part['ratio']:.2f}× (target ≤ {TARGET_IMPORT_RATIO:g}×) "
                f"{verdict(part['pass'])}"
            )


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
