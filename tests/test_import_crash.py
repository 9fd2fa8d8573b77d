"""A process killed in the middle of a large import leaves no partial import behind."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap

from safety.db import Store

from conftest import ROOT

SCRIPT = textwrap.dedent("""
    import datetime as dt, io, sys, time
    from openpyxl import Workbook
    import safety.db.incidents as incident_sql
    from safety.access.roles import SYSTEM
    from safety.db import Store
    from safety.incidents.imports.pipeline import import_incidents
    from safety.register.enterprises import list_enterprises

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Дата", "Вид происшествия", "Тяжесть", "Дни нетрудоспособности", "Описание"])
    for n in range(20000):
        sheet.append([dt.date(2024, 1, 1) + dt.timedelta(days=n % 700), "микротравма", None, 0, f"Случай {n}"])
    buffer = io.BytesIO()
    book.save(buffer)
    real = incident_sql.insert_staged

    def insert_then_hang(cur, cases, *args):
        real(cur, cases, *args)  # every case is written inside the open transaction ...
        print("written", cases.num_rows, flush=True)
        time.sleep(120)  # ... and the process is killed before the commit

    incident_sql.insert_staged = insert_then_hang
    store = Store(sys.argv[1])
    bin_ = list_enterprises(store, SYSTEM)[0].bin
    import_incidents(store, SYSTEM, buffer.getvalue(), "big.xlsx", bin_)
""")


def test_killed_import_leaves_nothing(demo_db_file, tmp_path):
    path = tmp_path / "crash.duckdb"
    shutil.copy(demo_db_file, path)
    with Store(path) as store:
        before = store.query("SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM incident_imports)")
    child = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    try:
        line = child.stdout.readline()
        assert line.startswith("written 20000"), line
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    with Store(path) as store:
        after = store.query("SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM incident_imports)")
        assert after == before
        assert store.query("SELECT count(*) FROM incidents WHERE description LIKE 'Случай %'") == [(0,)]
