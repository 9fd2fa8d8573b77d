"""Fuzzing both imports: 200 seeded mutations of the fixture files each either import or are refused with a
SafetyError that renders in every language, and a refused file leaves every table as it was.

The mutations (tests/fuzz_mutations.py) are deterministic, one random.Random per case: bytes flipped, inserted or
deleted, files cut short, chunks repeated, two files spliced, a huge field, control characters, text recoded as
UTF-16 without a byte-order mark, and the same changes made inside one member of an .xlsx/.ods zip (so the zip
itself stays sound and the damage reaches the XML parser). Every file is first read in a child process with capped
memory, since a reader that runs away (calamine once did, on a damaged .xls) would kill the process that runs it.
A failure lists every case that broke; `mutated(batch, index)` replays one.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from functools import partial

import pytest
from fuzz_mutations import ALL_BATCHES, BATCHES, BYTE_CHANGES, FILES, PER_BATCH, batch_cases, mutated

from safety.access.roles import SYSTEM
from safety.errors import SafetyError
from safety.incidents.imports.pipeline import import_incidents
from safety.incidents.imports.report import import_report
from safety.register.spreadsheets import import_register

from conftest import ROOT, time_limit

pytestmark = pytest.mark.one_store  # rendering and file formats: DuckDB is enough (see conftest)

SECONDS_PER_IMPORT = 20
TABLES = (
    "enterprises",
    "enterprise_years",
    "incidents",
    "incident_imports",
    "serious_accidents",
    "incident_counts",
    "monthly_counts",
    "accident_counts",
    "audit_log",
)
MEMORY_CAP = 1 << 30  # address space of the reading child: 20× what it needs, far below what a runaway takes
CHILD = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
    sys.path[:0] = [{root!r}, {tests!r}]
    from fuzz_mutations import ALL_BATCHES, batch_cases, mutated
    from safety.files.reader import open_sheet, read_sheets
    for batch, index in [case for group in ALL_BATCHES for case in batch_cases(group)]:
        name, data, done = mutated(batch, index)
        print(batch, index, done, flush=True)
        for read in (read_sheets, lambda d, n: list(open_sheet(d, n).rows())):
            try:
                read(data, name)
            except Exception:
                pass  # whether it is the right error is the import test's question; here it only has to live
    print("done", flush=True)
""")


@pytest.fixture(scope="module")
def reading_survives() -> str | None:
    """Read every mutated file in a child process whose memory is capped; None when it lived, else the case that
    killed it. The imports run in this process only after that: a reader that runs away would take the test
    run, or the machine, with it."""
    script = CHILD.format(cap=MEMORY_CAP, root=str(ROOT), tests=str(ROOT / "tests"))
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
    lines = child.stdout.splitlines()
    if child.returncode == 0 and lines[-1:] == ["done"]:
        return None
    last = lines[-1] if lines else "before the first case"
    return f"the reader died (exit {child.returncode}) on mutated case {last}: {child.stderr.strip()[-500:]}"


def test_reading_stays_within_memory(reading_survives):
    assert reading_survives is None, reading_survives


def counts(store) -> dict[str, int]:
    """The row count of every table an import may write (one UNION: scalar subqueries take DuckDB 20× longer)."""
    return dict(store.query(" UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in TABLES)))


def _rendered(exc: SafetyError) -> str | None:
    """None when the error renders cleanly in every language, else what is wrong."""
    for lang in ("ru", "kk", "en"):
        text = exc.render(lang)
        if not text.strip() or exc.key in text:
            return f"{lang}: no catalogue text: {text!r}"
        exc.problem_rows(lang)
    return None


def _attempt(store, run: Callable[[], object], report: Callable[[object], object]) -> str | None:
    """Run one import; None when it imported or was refused cleanly (and the refusal wrote nothing)."""
    before = counts(store)
    try:
        with time_limit(SECONDS_PER_IMPORT, "the import"):
            result = run()
    except SafetyError as exc:
        if counts(store) != before:
            return f"refused with {exc.key} but the tables changed"
        return _rendered(exc)
    except Exception as exc:  # the finding itself
        return f"{type(exc).__name__}: {exc}"[:300]
    report(result)  # the outcome renders in every language
    return None


@pytest.mark.parametrize("batch", ALL_BATCHES)
def test_mutated_files_import_or_are_refused_cleanly(world, store, batch, reading_survives):
    if reading_survives is not None:
        pytest.fail("not imported: " + reading_survives)
    demo, users, own, _ = world
    officer = users["demo.officer"]
    found = []
    for case, index in batch_cases(batch):
        name, data, done = mutated(case, index)
        dry_run = index % 4 == 0
        register = _attempt(
            store,
            partial(import_register, store, SYSTEM, data, name, dry_run=dry_run),
            lambda plan: [w.render(lang) for w in plan.warnings for lang in ("ru", "kk", "en")],
        )
        incidents = _attempt(
            demo,
            partial(import_incidents, demo, officer, data, name, own, dry_run=dry_run),
            lambda result: [import_report(result, lang) for lang in ("ru", "kk", "en")],
        )
        found += [
            f"mutated({case}, {index}) [{done}] {what}: {error}"
            for what, error in (("register", register), ("incidents", incidents))
            if error
        ]
    assert not found, "\n".join(found)


def test_the_mutations_are_deterministic_and_varied():
    assert len(FILES) >= 40
    names = [mutated(b, i) for b in range(BATCHES) for i in range(PER_BATCH)]
    assert names[:5] == [mutated(b, i) for b, i in [(0, 0), (0, 1), (0, 2), (0, 3), (0, 4)]]
    kinds = {word.split(":")[0] for _, _, done in names for word in done.split()[1:]}
    assert set(BYTE_CHANGES) | {"splice", "utf16", "in_zip", "rename"} <= kinds
