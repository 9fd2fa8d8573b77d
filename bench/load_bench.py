"""Load benchmark: many people at once on one app process, on a national-scale database; with --postgres, the same
sessions on two app processes sharing one PostgreSQL database, against the one DuckDB process of the same run.

A benchmark, not a test: it prints figures and PASS/MISS against the targets, and asserts nothing.

    python bench/load_bench.py [--sessions 1,10,20,50] [--enterprises 10000] [--cases 2000000] [--db PATH]
                               [--postgres [--processes 2] [--import-rows 10000]]

1. Builds the fictional national database with the dashboard benchmark's builder (or reuses the one at --db that
   an earlier run built), and adds the accounts the sessions sign in with: the regional manager and one safety
   officer for each of 25 enterprises.
2. Starts the real server, `streamlit run app.py`, on a free loopback port.
3. For each N, drives N sessions at once. Each is a websocket client that speaks Streamlit's own protocol (the
   BackMsg and ForwardMsg protobufs a browser exchanges): it loads the sign-in page and signs in (half as the
   regional manager, half as officers), opens the dashboard, changes the years, and opens the enterprise card.
   A step's time runs from the message sent to the end of the script run it starts (the page fully rendered).
   N = 1 is five lone sessions one after another (their medians, and the server's CPU for each step), so that one
   slow run does not set the yardstick; the server's CPU for each whole level is printed too.
4. Prints the errors (exceptions on the pages, a sign-in that did not open the app, dropped connections, steps over
   the time-out) and p50/p95 per step for every N, with the ratio of p95 to the N = 1 time measured in the same run.
   Error messages the pages show on purpose (an overdue investigation on the enterprise card) are counted apart.

Targets on 2 cores: 0 errors at every N; at N = 20, p95 of each step ≤ 4× its N = 1 time; at N = 50, p95 ≤ 10 s.

With --postgres, against the DuckDB process as the baseline, in the same run:
5. Starts a throw-away PostgreSQL server (tests/pg_server.PgServer), copies the DuckDB database into a database on it
   (safety.copying.copy_database, then ANALYZE), and starts --processes app processes with VZ_DATABASE_URL set,
   beside the DuckDB one.
6. At each N, runs the DuckDB level and then the same level on PostgreSQL, with the sessions dealt round-robin over
   its processes (as a proxy's sticky sessions would spread them; N = 1 alternates between them); taking the two
   in turns lets what else the machine runs weigh on both alike. The app processes' CPU and the database server's
   are counted apart. Prints each step against the DuckDB figures of the same N, and p95 against DuckDB's N = 1.
7. Runs one more level at the largest N while `python -m safety import-incidents` imports a log of --import-rows
   new cases into the same database, and checks that nothing was lost: cases before + imported == cases after,
   and every summary table still agrees with the cases.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import dashboard_bench
from machine import machine_facts

from safety.access.auth import hash_password
from safety.access.roles import SYSTEM, Role
from safety.access.users import create_user
from safety.db import Store
from safety.db import users as users_sql
from safety.db.store import ENV_DATABASE_URL
from safety.incidents.imports.report import COUNTS as COUNT_KEYS
from safety.incidents.summaries import check_summaries
from safety.register.enterprises import list_enterprises

ROOT = Path(__file__).resolve().parents[1]
OUT_FILE = ROOT / "bench" / "out" / "load.json"
PASSWORD = "bench-password-" + "x" * 8  # the dashboard benchmark gives its regional manager this one
OFFICERS = 25
STEPS = ("sign_in", "dashboard", "years", "enterprise")
STEP_TIMEOUT = 120.0  # seconds; a step that takes longer counts as an error
TARGET_RATIO_20 = 4.0
SINGLE_ROUNDS = 5  # N = 1 runs this many sessions one after another: its figures are their medians
TARGET_P95_50 = 10.0
PACKAGES = ("streamlit", "duckdb", "websockets", "psycopg", "psycopg-pool")
IMPORT_DELAY = 1.0  # seconds after the sessions are released that the command-line import starts


def prepare_accounts(path: Path) -> list[str]:
    """The user names the sessions sign in as: the regional manager, and officers of 25 enterprises (made once)."""
    officers = [f"bench.officer.{n:02d}" for n in range(OFFICERS)]
    with Store(path) as store:
        with store.cursor() as cur:
            existing = {r["username"] for r in users_sql.select(cur)}
        missing = [n for n in officers if n not in existing]
        if not missing:
            return [dashboard_bench.REGIONAL_USER, *officers]
        enterprises = dict(zip(officers, list_enterprises(store, SYSTEM)[:OFFICERS], strict=True))
        hashed = hash_password(PASSWORD)
        # The builder marks every enterprise fictional (demo), and no account may be added beside demo data: the
        # mark is lifted while the officers are made, and put back on every enterprise afterwards.
        with store.transaction() as cur:
            cur.execute("UPDATE enterprises SET is_demo = FALSE")
        try:
            for name in missing:
                user, _ = create_user(
                    store,
                    SYSTEM,
                    {
                        "username": name,
                        "full_name": "Бенчмарк Специалист",
                        "role": Role.SAFETY_OFFICER.value,
                        "enterprise_bin": enterprises[name].bin,
                    },
                )
                with store.transaction() as cur:
                    users_sql.set_password(cur, user.id, hashed, must_change=False)
        finally:
            with store.transaction() as cur:
                cur.execute("UPDATE enterprises SET is_demo = TRUE")
    return [dashboard_bench.REGIONAL_USER, *officers]


@dataclass
class Session:
    """One person's connection: the widgets and pages the last run showed, and what went wrong."""

    url: str
    socket: Any = None
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page script hash
    widgets: list[Any] = field(default_factory=list)  # the elements of the last run that have an id
    problems: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # error messages the pages showed (an overdue step, say)

    async def run(self, widget_states: list[Any] | None = None, page: str | None = None) -> None:
        """Ask for a script run (with widget values, on a page) and read until it has finished."""
        message = BackMsg()
        message.rerun_script.query_string = "lang=ru"
        message.rerun_script.page_script_hash = self.pages.get(page, "") if page else ""
        for state in widget_states or []:
            message.rerun_script.widget_states.widgets.append(state)
        await self.socket.send(message.SerializeToString())
        self.widgets = []
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await asyncio.wait_for(self.socket.recv(), STEP_TIMEOUT))
            kind = reply.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in reply.navigation.app_pages}
            elif kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                self._look_at(reply.delta.new_element)
            elif kind == "script_finished":
                if reply.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return
                if reply.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise RuntimeError("the script did not compile")

    def _look_at(self, element: Any) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.problems.append(f"exception: {element.exception.message[:200]}")
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            self.messages.append(element.alert.body[:200])
        elif kind in ("text_input", "button", "slider"):
            self.widgets.append(element)

    def widget(self, kind: str, number: int = 0) -> Any:
        """The `number`th widget of a kind in the last run."""
        found = [getattr(w, kind) for w in self.widgets if w.WhichOneof("type") == kind]
        if len(found) <= number:
            raise RuntimeError(f"no {kind} #{number} on the page")
        return found[number]


def _state(widget_id: str, **value: Any) -> Any:
    """One widget's value as the browser sends it."""
    state = WidgetState(id=widget_id)
    for name, given in value.items():
        if name == "double_array_value":
            state.double_array_value.data.extend(given)
        else:
            setattr(state, name, given)
    return state


async def journey(base: str, username: str, start: asyncio.Event, server: int | None = None) -> dict[str, Any]:
    """Sign in, open the dashboard, change the years, open the enterprise card; time each step (and, given the
    server's PID, the CPU the server spent on each: meaningful when this is the only session)."""
    session = Session(url=base.replace("http", "ws") + "/_stcore/stream")
    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}
    used = cpu_seconds(server) if server else None

    def step(name: str, began: float) -> None:
        nonlocal used
        timings[name] = time.perf_counter() - began
        now_used = cpu_seconds(server) if server else None
        if used is not None and now_used is not None:
            cpu[name] = now_used - used
        used = now_used

    await start.wait()
    try:
        began = time.perf_counter()
        async with websockets.connect(
            session.url, subprotocols=["streamlit"], max_size=None, open_timeout=STEP_TIMEOUT
        ) as sock:
            session.socket = sock
            await session.run()  # the sign-in form
            name, password = session.widget("text_input", 0), session.widget("text_input", 1)
            submit = session.widget("button", 0)
            await session.run(
                [
                    _state(name.id, string_value=username),
                    _state(password.id, string_value=PASSWORD),
                    _state(submit.id, trigger_value=True),
                ]
            )
            step("sign_in", began)
            if "dashboard" not in session.pages:
                raise RuntimeError(f"{username} is not signed in: {session.messages[-1:]}")
            began = time.perf_counter()
            await session.run(page="dashboard")
            step("dashboard", began)
            years = session.widget("slider", 0)
            last = max(years.value) if years.value else max(years.default)
            began = time.perf_counter()
            await session.run([_state(years.id, double_array_value=[last - 1, last])], page="dashboard")
            step("years", began)
            began = time.perf_counter()
            await session.run(page="enterprise")
            step("enterprise", began)
    except (OSError, RuntimeError, TimeoutError, websockets.WebSocketException) as exc:
        during = next((name for name in STEPS if name not in timings), "after the last step")
        session.problems.append(f"{type(exc).__name__} during {during}: {exc or f'over {STEP_TIMEOUT:.0f} s'}")
    return {
        "user": username,
        "timings": timings,
        "server_cpu": cpu,
        "problems": session.problems,
        "messages": session.messages,
    }


async def level(
    bases: list[str], users: list[str], count: int, servers: list[int] | None = None, first: int = 0
) -> list[dict[str, Any]]:
    """`count` sessions released at the same moment; half regional managers, half officers. Session n talks to
    app process (first + n) mod len(bases), as a proxy with sticky sessions would deal them out."""
    start = asyncio.Event()
    names = [users[0] if n % 2 == 0 else users[1 + n // 2 % (len(users) - 1)] for n in range(count)]
    tasks = []
    for n, name in enumerate(names):
        which = (first + n) % len(bases)
        server = servers[which] if servers and count == 1 else None
        tasks.append(asyncio.create_task(journey(bases[which], name, start, server)))
    await asyncio.sleep(0.1)
    start.set()
    return list(await asyncio.gather(*tasks))


async def level_with_import(
    bases: list[str], users: list[str], count: int, command: list[str]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A level during which a command-line import runs against the same database, started IMPORT_DELAY seconds
    after the sessions are released; returns the sessions and the import's exit status, output and timing."""
    began = time.perf_counter()

    async def sessions() -> tuple[list[dict[str, Any]], float]:
        found = await level(bases, users, count)
        return found, time.perf_counter() - began

    running = asyncio.create_task(sessions())
    await asyncio.sleep(0.1 + IMPORT_DELAY)
    started = time.perf_counter() - began
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    ended = time.perf_counter() - began
    found, level_seconds = await running
    facts = {
        "exit_status": process.returncode,
        "report": json.loads(out) if process.returncode == 0 else None,
        "stderr": err.decode(errors="replace")[-2000:],
        "started_at": started,
        "ended_at": ended,
        "level_seconds": level_seconds,
    }
    return found, facts


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far, from /proc; None where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A port nobody listens on, on the loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """`streamlit run app.py` with this environment (which names the database); wait until it answers."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.3)
    process.kill()
    sys.exit(f"the server did not start; see {log}")


@dataclass
class Apps:
    """The app processes of one configuration, and their addresses."""

    processes: list[subprocess.Popen[bytes]]
    bases: list[str]

    @property
    def pids(self) -> list[int]:
        """The processes' ids."""
        return [p.pid for p in self.processes]

    def cpu(self) -> float | None:
        """CPU seconds all the app processes have used so far."""
        used = [cpu_seconds(pid) for pid in self.pids]
        return None if None in used else sum(u for u in used if u is not None)


@contextmanager
def running_apps(env: dict[str, str], count: int, folder: Path, name: str) -> Iterator[Apps]:
    """`count` app processes with this environment, each on a free port; stopped afterwards."""
    apps = Apps([], [])
    try:
        for number in range(count):
            port = free_port()
            apps.processes.append(start_server(env, port, folder / f"streamlit_{name}_{number}.log"))
            apps.bases.append(f"http://127.0.0.1:{port}")
        yield apps
    finally:
        for process in apps.processes:
            process.terminate()
        for process in apps.processes:
            process.wait(timeout=30)


def cluster_cpu(data: Path) -> float | None:
    """CPU seconds the PostgreSQL server has used so far: its postmaster, the backends still running, and those
    that have ended (counted in the postmaster's children's time)."""
    try:
        postmaster = int((data / "postmaster.pid").read_text().split()[0])
        total = _stat_seconds(postmaster, with_children=True)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(fields[1]) == postmaster:
                        total += _stat_seconds(int(entry.name))
    except (OSError, IndexError, ValueError):
        return None
    return total


def _stat_seconds(pid: int, *, with_children: bool = False) -> float:
    """A process's user + system CPU seconds (with those of its ended children, when asked)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if with_children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def summarise(
    sessions: list[dict[str, Any]], count: int, seconds: float, app_cpu: float | None, database_cpu: float | None
) -> dict[str, Any]:
    """One level's figures: time, CPU, errors and p50/p95 per step."""
    problems = [p for s in sessions for p in s["problems"]]
    steps = {step: [s["timings"][step] for s in sessions if step in s["timings"]] for step in STEPS}
    return {
        "seconds": seconds,
        "server_cpu_seconds": app_cpu,
        "database_cpu_seconds": database_cpu,
        "sessions": len(sessions),
        "errors": len(problems),
        "problems": problems[:20],
        "messages_shown": sum(len(s["messages"]) for s in sessions),
        "server_cpu_per_step": (
            {step: statistics.median(s["server_cpu"][step] for s in sessions) for step in sessions[0]["server_cpu"]}
            if count == 1 and sessions[0]["server_cpu"]
            else None
        ),
        "steps": {
            step: {"p50": statistics.median(v), "p95": percentile(v, 0.95), "n": len(v)}
            for step, v in steps.items()
            if v
        },
    }


def _used(before: float | None, after: float | None) -> float | None:
    """The CPU used between two readings (None when either is missing)."""
    return None if before is None or after is None else after - before


def warm_up(apps: Apps, users: list[str]) -> None:
    """One lone session on each process first: it imports and caches what every run needs."""
    for number in range(len(apps.bases)):
        asyncio.run(level(apps.bases, users, 1, first=number))


def run_level(apps: Apps, users: list[str], count: int, database: Callable[[], float | None]) -> dict[str, Any]:
    """One level's sessions on these processes, and its figures; N = 1 is SINGLE_ROUNDS lone sessions, dealt over
    the processes in turn."""
    load = os.getloadavg()[0]  # others' work on the machine shows here (the apps are idle between levels)
    started, app_before, db_before = time.perf_counter(), apps.cpu(), database()
    rounds = SINGLE_ROUNDS if count == 1 else 1
    sessions = [s for r in range(rounds) for s in asyncio.run(level(apps.bases, users, count, apps.pids, first=r))]
    app_cpu, db_cpu = _used(app_before, apps.cpu()), _used(db_before, database())
    figures = summarise(sessions, count, time.perf_counter() - started, app_cpu, db_cpu)
    figures["load_average_before"] = load
    print(f"  N = {count} on {len(apps.bases)} process(es): {figures['seconds']:.1f} s", flush=True)
    return figures


def _no_database_cpu() -> float | None:
    """DuckDB runs inside the app process: no server of its own to count."""
    return None


def copy_to_postgres(path: Path, server: Any) -> tuple[str, dict[str, Any]]:
    """A new database on the server holding a copy of the DuckDB file (then ANALYZEd, as after any bulk load)."""
    from safety.copying import copy_database

    url = server.url(server.new_database())
    began = time.perf_counter()
    with Store(path) as source, Store(url) as target:
        copied = copy_database(SYSTEM, source, target)
        copy_seconds = time.perf_counter() - began
        with target.cursor() as cur:
            cur.execute("ANALYZE")
    facts = {"rows": copied.total, "copy_seconds": copy_seconds, "with_analyze_seconds": time.perf_counter() - began}
    print(
        f"Copied {copied.total:,} rows to PostgreSQL in {copy_seconds:.1f} s "
        f"(with ANALYZE {facts['with_analyze_seconds']:.1f} s)"
    )
    return url, facts


def count_cases(url: str, bin_: str) -> tuple[int, int]:
    """All cases in the database, and the enterprise's."""
    with Store(url) as store:
        every = store.query("SELECT count(*) FROM incidents")[0][0]
        own = store.query(
            "SELECT count(*) FROM incidents i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.bin = ?", [bin_]
        )[0][0]
    return int(every), int(own)


def import_during_level(
    apps: Apps, users: list[str], count: int, url: str, rows: int, folder: Path, database: Callable[[], float | None]
) -> dict[str, Any]:
    """One more level at `count` sessions while the command line imports a log of `rows` new cases into the same
    database; then check that nothing was lost."""
    import import_bench

    data, _ = import_bench.build_log(rows)
    log = folder / "import_during_load.xlsx"
    log.write_bytes(data)
    with Store(url) as store:
        bin_ = list_enterprises(store, SYSTEM)[-1].bin  # none of the sessions' officers works there
    before = count_cases(url, bin_)
    command = [sys.executable, "-m", "safety", "--db", url, "import-incidents", str(log), "--enterprise", bin_]
    load = os.getloadavg()[0]
    started, app_before, db_before = time.perf_counter(), apps.cpu(), database()
    sessions, facts = asyncio.run(level_with_import(apps.bases, users, count, [*command, "--json"]))
    app_cpu, db_cpu = _used(app_before, apps.cpu()), _used(db_before, database())
    after = count_cases(url, bin_)
    began = time.perf_counter()
    with Store(url) as store:
        mismatches = check_summaries(store, SYSTEM)
    imported = (facts["report"] or {}).get("imported", 0)
    facts |= {
        "rows": rows,
        "bin": bin_,
        "cases_before": before[0],
        "cases_after": after[0],
        "enterprise_before": before[1],
        "enterprise_after": after[1],
        "nothing_lost": facts["exit_status"] == 0 and before[0] + imported == after[0] and not mismatches,
        "summary_mismatches": [str(m) for m in mismatches][:10],
        "check_summaries_seconds": time.perf_counter() - began,
    }
    if facts["report"]:
        facts["report"] = {k: facts["report"].get(k) for k in COUNT_KEYS}
    level_figures = summarise(sessions, count, time.perf_counter() - started, app_cpu, db_cpu)
    level_figures["load_average_before"] = load
    return {"sessions": count, "level": level_figures, "import": facts}


def measure(args: argparse.Namespace, path: Path, users: list[str], counts: list[int], folder: Path) -> dict:
    """The levels on one DuckDB app process and, with --postgres, on app processes sharing a PostgreSQL copy of the
    database, taken in turns at each N (so that what else the machine runs weighs on both alike); then one more
    PostgreSQL level at the largest N with a command-line import alongside."""
    results: dict[str, Any] = {"levels": {}}
    with contextlib.ExitStack() as stack:
        if args.postgres:
            from tests.pg_server import PgServer

            server = PgServer()
            stack.callback(server.stop)
            url, copied = copy_to_postgres(path, server)  # before the DuckDB app holds the file

            def database() -> float | None:
                return cluster_cpu(server.data)

        duck_env = {k: v for k, v in os.environ.items() if k != ENV_DATABASE_URL} | {"VZ_DB_PATH": str(path)}
        duck = stack.enter_context(running_apps(duck_env, 1, folder, "duckdb"))
        warm_up(duck, users)
        if args.postgres:
            pg_env = {k: v for k, v in os.environ.items() if k != "VZ_DB_PATH"} | {ENV_DATABASE_URL: url}
            shared = stack.enter_context(running_apps(pg_env, args.processes, folder, "postgresql"))
            warm_up(shared, users)
            results["postgresql"] = {"processes": args.processes, "copy": copied, "levels": {}}
        for count in counts:
            results["levels"][count] = run_level(duck, users, count, _no_database_cpu)
            if args.postgres:
                results["postgresql"]["levels"][count] = run_level(shared, users, count, database)
        if args.postgres:
            try:
                during: dict[str, Any] = import_during_level(
                    shared, users, max(counts), url, args.import_rows, folder, database
                )
            except Exception as exc:  # the levels' figures are still worth printing
                during = {"failed": f"{type(exc).__name__}: {exc}"}
            results["postgresql"]["with_import"] = during
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", default="1,10,20,50", help="the values of N, in order (default %(default)s)")
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--db", type=Path, default=None, help="build there, or reuse a database built there")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="also run the levels on app processes sharing a PostgreSQL copy of the database (a throw-away server)",
    )
    parser.add_argument("--processes", type=int, default=2, help="app processes on PostgreSQL (default %(default)s)")
    parser.add_argument(
        "--import-rows",
        type=int,
        default=10_000,
        help="cases the import alongside the load brings (default %(default)s)",
    )
    args = parser.parse_args(argv)
    args.actions = 30 * args.enterprises
    counts = [int(n) for n in args.sessions.split(",")]
    facts = machine_facts(PACKAGES)
    print(
        f"Python {facts['python']}, {facts['cpu_count']} CPUs ({facts['cpus_usable']} usable), "
        f"git {facts['git_commit']}{' (dirty)' if facts['git_dirty'] else ''}; "
        + ", ".join(f"{k} {v}" for k, v in facts["packages"].items())
    )
    tmp = Path(tempfile.mkdtemp(prefix="vz_load_bench_"))
    path, _ = dashboard_bench.prepare_database(args, tmp if args.db is None else None, dt.date.today())
    users = prepare_accounts(path)
    results: dict[str, Any] = {"machine": facts, "sizes": {"enterprises": args.enterprises, "cases": args.cases}}
    results |= measure(args, path, users, counts, tmp)
    report(results, counts)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str))
    print(f"Figures written to {args.out}")
    return 0


def report(results: dict[str, Any], counts: list[int]) -> None:
    """Print p50/p95 per step and N, the ratios against N = 1, and the verdicts (and the same for PostgreSQL)."""
    levels = results["levels"]
    single = levels.get(1, {}).get("steps", {})
    print(f"\nDuckDB, 1 app process\n{'N':>4}  {'step':<11} {'p50':>8} {'p95':>8}  {'p95 / N=1':>9}  errors")
    for count in counts:
        found = levels[count]
        for step in STEPS:
            figures = found["steps"].get(step)
            if figures is None:
                print(f"{count:>4}  {step:<11} {'–':>8} {'–':>8}")
                continue
            base = single.get(step, {}).get("p50")
            ratio = f"{figures['p95'] / base:8.1f}×" if base else "        –"
            alone = (found.get("server_cpu_per_step") or {}).get(step)
            cpu = f"  server CPU {alone:.2f} s" if alone is not None else ""
            times = f"{figures['p50']:7.2f}s {figures['p95']:7.2f}s"
            print(f"{count:>4}  {step:<11} {times}  {ratio}  {found['errors']}{cpu}")
        print_level_cpu(found)
    verdicts = level_verdicts("", levels, single, counts)
    if "postgresql" in results:
        verdicts += report_postgres(results["postgresql"], levels, counts)
    print()
    for text, passed in verdicts:
        print(f"  {text}: {'PASS' if passed else 'MISS'}")
    results["verdicts"] = {text: passed for text, passed in verdicts}


def print_level_cpu(found: dict[str, Any]) -> None:
    """A level's wall time and the CPU the app processes (and the database server) used, and its first problems."""
    if found.get("server_cpu_seconds") is not None:
        cpu = found["server_cpu_seconds"]
        each = cpu / found["sessions"]
        line = f"      level took {found['seconds']:.1f} s; the app used {cpu:.1f} s of CPU, {each:.2f} s per session"
        database = found.get("database_cpu_seconds")
        if database is not None:
            line += f"; the database server {database:.1f} s, {database / found['sessions']:.2f} s per session"
        if found.get("load_average_before") is not None:
            line += f"; load average {found['load_average_before']:.1f} before it"
        print(line)
    for problem in found["problems"][:5]:
        print(f"      ! {problem}")


def level_verdicts(
    label: str, levels: dict[int, dict[str, Any]], single: dict[str, Any], counts: list[int]
) -> list[tuple[str, bool]]:
    """The targets: 0 errors; at N = 20, p95 ≤ 4× the N = 1 median (`single`); at N = 50, p95 ≤ 10 s."""
    verdicts = [(f"{label}0 errors at every N", all(levels[c]["errors"] == 0 for c in counts))]
    if 20 in levels and single:
        worst = max(levels[20]["steps"][s]["p95"] / single[s]["p50"] for s in STEPS if s in levels[20]["steps"])
        text = f"{label}N = 20: p95 ≤ {TARGET_RATIO_20:.0f}× N = 1 of DuckDB (worst step {worst:.1f}×)"
        verdicts.append((text, worst <= TARGET_RATIO_20))
    if 50 in levels:
        worst_p95 = max(v["p95"] for v in levels[50]["steps"].values())
        text = f"{label}N = 50: p95 ≤ {TARGET_P95_50:.0f} s (worst step {worst_p95:.1f} s)"
        verdicts.append((text, worst_p95 <= TARGET_P95_50 and levels[50]["errors"] == 0))
    return verdicts


def report_postgres(pg: dict[str, Any], duck: dict[int, dict[str, Any]], counts: list[int]) -> list[tuple[str, bool]]:
    """Print the PostgreSQL levels against the DuckDB ones of the same run; return their verdicts."""
    single = duck.get(1, {}).get("steps", {})
    copied = pg["copy"]
    print(
        f"\nPostgreSQL, {pg['processes']} app processes, sessions dealt round-robin "
        f"(copy of {copied['rows']:,} rows: {copied['copy_seconds']:.1f} s)"
    )
    print(
        f"{'N':>4}  {'step':<11} {'p50':>8} {'p95':>8}  {'p50 / DuckDB':>12} {'p95 / DuckDB':>12}  "
        f"{'p95 / DuckDB N=1':>16}  errors"
    )
    for count in counts:
        found = pg["levels"][count]
        for step in STEPS:
            figures = found["steps"].get(step)
            if figures is None:
                print(f"{count:>4}  {step:<11} {'–':>8} {'–':>8}")
                continue
            theirs = duck.get(count, {}).get("steps", {}).get(step)
            p50 = f"{figures['p50'] / theirs['p50']:11.2f}×" if theirs else f"{'–':>12}"
            p95 = f"{figures['p95'] / theirs['p95']:11.2f}×" if theirs else f"{'–':>12}"
            base = single.get(step, {}).get("p50")
            yardstick = f"{figures['p95'] / base:15.1f}×" if base else f"{'–':>16}"
            times = f"{figures['p50']:7.2f}s {figures['p95']:7.2f}s"
            alone = (found.get("server_cpu_per_step") or {}).get(step)
            cpu = f"  app CPU {alone:.2f} s" if alone is not None else ""
            print(f"{count:>4}  {step:<11} {times}  {p50} {p95}  {yardstick}  {found['errors']}{cpu}")
        print_level_cpu(found)
    verdicts = level_verdicts("PostgreSQL: ", pg["levels"], single, counts)
    during = pg["with_import"]
    if "failed" in during:
        print(f"\nThe level with an import alongside failed: {during['failed']}")
        return [*verdicts, ("PostgreSQL: an import during the load loses no case", False)]
    found, facts = during["level"], during["import"]
    print(f"\nPostgreSQL, N = {during['sessions']} again, with `python -m safety import-incidents` alongside")
    for step in STEPS:
        figures = found["steps"].get(step)
        if figures is not None:
            print(
                f"{during['sessions']:>4}  {step:<11} {figures['p50']:7.2f}s {figures['p95']:7.2f}s  {found['errors']}"
            )
    print_level_cpu(found)
    imported = facts["report"] or {}
    print(
        f"      import of {facts['rows']:,} rows: exit {facts['exit_status']}, ran {facts['started_at']:.1f}–"
        f"{facts['ended_at']:.1f} s into the level (which took {facts['level_seconds']:.1f} s); "
        + ", ".join(f"{k} {imported.get(k)}" for k in COUNT_KEYS)
    )
    print(
        f"      cases before {facts['cases_before']:,} + imported {imported.get('imported', 0):,} = "
        f"{facts['cases_before'] + (imported.get('imported') or 0):,}; after {facts['cases_after']:,}; summary "
        f"tables {'agree' if not facts['summary_mismatches'] else 'DIFFER'} ({facts['check_summaries_seconds']:.1f} s)"
    )
    if facts["exit_status"] != 0:
        print("      ! " + facts["stderr"].strip().replace("\n", "\n      ! "))
    overlapped = facts["ended_at"] > facts["started_at"] and facts["started_at"] < facts["level_seconds"]
    verdicts.append(("PostgreSQL: an import during the load loses no case", facts["nothing_lost"]))
    verdicts.append(("PostgreSQL: 0 errors in the level with the import", found["errors"] == 0))
    verdicts.append(("PostgreSQL: the import ran while the sessions did", overlapped))
    return verdicts


if __name__ == "__main__":
    sys.exit(main())
