"""A throw-away PostgreSQL server for the tests: initdb and pg_ctl in a temporary folder, a Unix socket only (no
port to clash over between test workers), durability off (nothing here must survive a crash). Each test gets
its own database, copied from a migrated template with CREATE DATABASE … TEMPLATE (a few milliseconds)."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

SUPERUSER = "postgres"


def server_binaries() -> Path | None:
    """The folder of Debian's initdb and pg_ctl (the newest installed), or of those on PATH; None when absent."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class PgServer:
    """One running server in a temporary folder, and the databases the tests make on it."""

    def __init__(self) -> None:
        binaries = server_binaries()
        if binaries is None:
            raise RuntimeError("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
        # Not under pytest's own temporary folder: that one is private to root, and the server may run as postgres.
        folder = Path(tempfile.mkdtemp(prefix="vz-pg-"))
        self.folder = folder
        self.data = folder / "data"
        self._bin = binaries
        self._names = itertools.count(1)
        self._as_owner = []
        if os.geteuid() == 0:  # initdb refuses to run as root: the Debian package's postgres user runs the server
            shutil.chown(folder, "postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-sync")
        options = (
            f"-k {folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200 -c shared_buffers=128MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(folder / "server.log"), "-w", "start")

    def _run(self, program: str, *args: str) -> None:
        """Run one server program as the server's owner; raise with its output when it fails."""
        done = subprocess.run([*self._as_owner, str(self._bin / program), *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stdout}{done.stderr}")

    def url(self, database: str) -> str:
        """The URL of one database on this server, through the socket."""
        return f"postgresql://{SUPERUSER}@/{database}?host={self.folder}"

    def admin(self, sql: str) -> None:
        """Run one statement (CREATE or DROP DATABASE) outside any transaction, on the maintenance database."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]  # names made here, never user text

    def new_database(self, template: str | None = None) -> str:
        """Create an empty database (or a copy of `template`); return its name."""
        name = f"t{os.getpid()}_{next(self._names)}"
        # FILE_COPY copies the template's files as they are: several times faster than the default WAL_LOG here,
        # where the server runs without fsync.
        self.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}" STRATEGY = FILE_COPY' if template else ""))
        return name

    def drop(self, name: str) -> None:
        """Drop a database, closing whatever connections are still open to it."""
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server (its folder goes with the test session's temporary files)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
