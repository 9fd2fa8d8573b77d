"""Load benchmark: many people at once on one app process, on a national-scale database.

A benchmark, not a test: it prints figures and PASS/MISS against the targets, and asserts nothing.

    python bench/load_bench.py [--sessions 1,10,20,50] [--enterprises 10000] [--cases 2000000] [--db PATH]

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
"""

from __future__ import annotations

import argparse
import asyncio
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
PACKAGES = ("streamlit", "duckdb", "websockets")


def prepare_accounts(path: Path) -> list[str]:
    """The user names the sessions sign in as: the regional manager, and officers of 25 enterprises (made once)."""
    with Store(path) as store:
        with store.cursor() as cur:
            existing = {r["username"] for r in users_sql.select(cur)}
        officers = [f"bench.officer.{n:02d}" for n in range(OFFICERS)]
        enterprises = list_enterprises(store, SYSTEM)[:OFFICERS]
        hashed = hash_password(PASSWORD)
        for name, enterprise in zip(officers, enterprises, strict=True):
            if name in existing:
                continue
            user, _ = create_user(
                store,
                SYSTEM,
                {
                    "username": name,
                    "full_name": "Бенчмарк Специалист",
                    "role": Role.SAFETY_OFFICER.value,
                    "enterprise_bin": enterprise.bin,
                },
            )
            with store.transaction() as cur:
                users_sql.set_password(cur, user.id, hashed, must_change=False)
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
        session.problems.append(f"{type(exc).__name__}: {exc}")
    return {
        "user": username,
        "timings": timings,
        "server_cpu": cpu,
        "problems": session.problems,
        "messages": session.messages,
    }


async def level(base: str, users: list[str], count: int, server: int | None = None) -> list[dict[str, Any]]:
    """`count` sessions released at the same moment; half regional managers, half officers."""
    start = asyncio.Event()
    names = [users[0] if n % 2 == 0 else users[1 + n // 2 % (len(users) - 1)] for n in range(count)]
    tasks = [asyncio.create_task(journey(base, name, start, server if count == 1 else None)) for name in names]
    await asyncio.sleep(0.1)
    start.set()
    return list(await asyncio.gather(*tasks))


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


def start_server(path: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`streamlit run app.py` on the bench database; wait until it answers."""
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
    process = subprocess.Popen(
        command, cwd=ROOT, env=os.environ | {"VZ_DB_PATH": str(path)}, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", default="1,10,20,50", help="the values of N, in order (default %(default)s)")
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--db", type=Path, default=None, help="build there, or reuse a database built there")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--out", type=Path, default=OUT_FILE)
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
    port = free_port()
    server = start_server(path, port, tmp / "streamlit.log")
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {
        "machine": facts,
        "sizes": {"enterprises": args.enterprises, "cases": args.cases},
        "levels": {},
    }
    try:
        asyncio.run(level(base, users, 1))  # a warm-up: the first run imports and caches what every run needs
        for count in counts:
            started, cpu_before = time.perf_counter(), cpu_seconds(server.pid)
            rounds = SINGLE_ROUNDS if count == 1 else 1
            sessions = [s for _ in range(rounds) for s in asyncio.run(level(base, users, count, server.pid))]
            cpu_after = cpu_seconds(server.pid)
            problems = [p for s in sessions for p in s["problems"]]
            steps = {step: [s["timings"][step] for s in sessions if step in s["timings"]] for step in STEPS}
            results["levels"][count] = {
                "seconds": time.perf_counter() - started,
                "server_cpu_seconds": None if cpu_before is None or cpu_after is None else cpu_after - cpu_before,
                "sessions": len(sessions),
                "errors": len(problems),
                "problems": problems[:20],
                "messages_shown": sum(len(s["messages"]) for s in sessions),
                "server_cpu_per_step": (
                    {
                        step: statistics.median(s["server_cpu"][step] for s in sessions)
                        for step in sessions[0]["server_cpu"]
                    }
                    if count == 1 and sessions[0]["server_cpu"]
                    else None
                ),
                "steps": {
                    step: {"p50": statistics.median(v), "p95": percentile(v, 0.95), "n": len(v)}
                    for step, v in steps.items()
                    if v
                },
            }
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(results, counts)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str))
    print(f"Figures written to {args.out}")
    return 0


def report(results: dict[str, Any], counts: list[int]) -> None:
    """Print p50/p95 per step and N, the ratios against N = 1, and the verdicts."""
    levels = results["levels"]
    single = levels.get(1, {}).get("steps", {})
    print(f"\n{'N':>4}  {'step':<11} {'p50':>8} {'p95':>8}  {'p95 / N=1':>9}  errors")
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
        if found.get("server_cpu_seconds") is not None:
            cpu = found["server_cpu_seconds"]
            took = found["seconds"]
            each = cpu / found.get("sessions", count)
            print(f"      level took {took:.1f} s; the server used {cpu:.1f} s of CPU, {each:.2f} s per session")
        for problem in found["problems"][:5]:
            print(f"      ! {problem}")
    verdicts = []
    verdicts.append(("0 errors at every N", all(levels[c]["errors"] == 0 for c in counts)))
    if 20 in levels and single:
        worst = max(levels[20]["steps"][s]["p95"] / single[s]["p50"] for s in STEPS if s in levels[20]["steps"])
        verdicts.append(
            (f"N = 20: p95 ≤ {TARGET_RATIO_20:.0f}× N = 1 (worst step {worst:.1f}×)", worst <= TARGET_RATIO_20)
        )
    if 50 in levels:
        worst_p95 = max(v["p95"] for v in levels[50]["steps"].values())
        verdicts.append(
            (
                f"N = 50: p95 ≤ {TARGET_P95_50:.0f} s (worst step {worst_p95:.1f} s)",
                worst_p95 <= TARGET_P95_50 and levels[50]["errors"] == 0,
            )
        )
    print()
    for text, passed in verdicts:
        print(f"  {text}: {'PASS' if passed else 'MISS'}")
    results["verdicts"] = {text: passed for text, passed in verdicts}


if __name__ == "__main__":
    sys.exit(main())
