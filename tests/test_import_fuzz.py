"""Fuzzing both imports: 200 seeded mutations of the fixture files each either import or are refused with a
SafetyError that renders in every language, and a refused file leaves every table as it was.

The mutations are deterministic (one random.Random per batch, seeded by the batch number): bytes flipped, inserted
or deleted, files cut short, chunks repeated, two files spliced, a huge field, control characters, text recoded as
UTF-16 without a byte-order mark, and the same changes made inside one member of an .xlsx/.ods zip (so the zip
itself stays sound and the damage reaches the XML parser). A failure lists every case that broke, with its seed,
so it can be replayed with `mutated(batch, index)`.
"""

from __future__ import annotations

import io
import random
import signal
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest

from safety.access.roles import SYSTEM
from safety.errors import SafetyError
from safety.incidents.imports import import_incidents, import_report
from safety.register.spreadsheets import import_register

from conftest import DATA

BATCHES = 8
PER_BATCH = 25  # 200 mutated files, each imported as a register and as an incident log
SECONDS_PER_IMPORT = 20
SPREADSHEET = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv"}
SKIPPED = {"zip_bomb.xlsx"}  # refused before parsing; mutated, it would only make the test slow
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
CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u200b\u200e\u202e\u2066\ufeff\U000e0041\r"


def corpus() -> list[Path]:
    """Every spreadsheet fixture: the register files, the incident corpus and the example logs."""
    folders = (DATA, DATA / "incidents", DATA / "logs")
    return sorted(
        p for folder in folders for p in folder.iterdir() if p.suffix.lower() in SPREADSHEET and p.name not in SKIPPED
    )


FILES = corpus()
CONTENTS = {p: p.read_bytes() for p in FILES}


def _flip(rnd: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        if out:
            out[rnd.randrange(len(out))] ^= 1 << rnd.randrange(8)
    return bytes(out)


def _insert(rnd: random.Random, data: bytes) -> bytes:
    at = rnd.randint(0, len(data))
    return data[:at] + rnd.randbytes(rnd.randint(1, 64)) + data[at:]


def _delete(rnd: random.Random, data: bytes) -> bytes:
    at = rnd.randint(0, len(data))
    return data[:at] + data[at + rnd.randint(1, 256) :]


def _truncate(rnd: random.Random, data: bytes) -> bytes:
    return data[: rnd.randint(0, len(data))]


def _duplicate(rnd: random.Random, data: bytes) -> bytes:
    at = rnd.randint(0, len(data))
    chunk = data[at : at + rnd.randint(1, 512)]
    return data[:at] + chunk * rnd.randint(2, 20) + data[at:]


def _huge_field(rnd: random.Random, data: bytes) -> bytes:
    at = rnd.randint(0, len(data))
    length = rnd.choice((33_000, 140_000))  # past Excel's cell limit; past the csv module's own limit
    return data[:at] + rnd.choice(("я", "x", '"', ";")).encode() * length + data[at:]


def _controls(rnd: random.Random, data: bytes) -> bytes:
    out = data
    for _ in range(rnd.randint(1, 12)):
        at = rnd.randint(0, len(out))
        out = out[:at] + rnd.choice(CONTROLS).encode() + out[at:]
    return out


def _utf16(rnd: random.Random, data: bytes) -> bytes:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")
    encoded = text.encode(rnd.choice(("utf-16-le", "utf-16-be")), errors="surrogatepass")
    return encoded[:-1] if rnd.random() < 0.2 else encoded  # sometimes half a character short


BYTE_CHANGES: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "flip": _flip,
    "insert": _insert,
    "delete": _delete,
    "truncate": _truncate,
    "duplicate": _duplicate,
    "huge_field": _huge_field,
    "controls": _controls,
}


def _inside_zip(rnd: random.Random, data: bytes, change: Callable[[random.Random, bytes], bytes]) -> bytes | None:
    """The zip with one member changed (and its checksums right), or None when the data is no zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            members = [(info, source.read(info.filename)) for info in source.infolist()]
    except Exception:  # a zip damaged by an earlier change fails in many ways (zlib.error, EOFError, …)
        return None
    if not members:
        return None
    xml = [i for i, (info, _) in enumerate(members) if info.filename.endswith(".xml")] or list(range(len(members)))
    chosen = rnd.choice(xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for i, (info, content) in enumerate(members):
            target.writestr(info.filename, change(rnd, content) if i == chosen else content)
    return out.getvalue()


def mutated(batch: int, index: int) -> tuple[str, bytes, str]:
    """The index-th mutated file of a batch: (file name, bytes, what was done to it)."""
    rnd = random.Random(f"import-fuzz {batch} {index}")
    source = rnd.choice(FILES)
    data, name, done = CONTENTS[source], source.name, [source.name]
    for _ in range(rnd.choice((1, 1, 2, 3))):
        kind = rnd.choice((*BYTE_CHANGES, "splice", "utf16", "in_zip", "rename"))
        if data[:4] == b"PK\x03\x04" and rnd.random() < 0.6:  # most changes to the zip itself stop at its checksums
            kind = "in_zip"
        if kind == "splice":
            other = rnd.choice(FILES)
            data = data[: rnd.randint(0, len(data))] + CONTENTS[other][rnd.randint(0, len(CONTENTS[other])) :]
            done.append(f"splice:{other.name}")
        elif kind == "utf16":
            data = _utf16(rnd, data)
            done.append("utf16")
        elif kind == "in_zip":
            change = rnd.choice(list(BYTE_CHANGES))
            zipped = _inside_zip(rnd, data, BYTE_CHANGES[change])
            data = zipped if zipped is not None else BYTE_CHANGES[change](rnd, data)
            done.append(f"{'in_zip:' if zipped is not None else ''}{change}")
        elif kind == "rename":
            name = Path(name).stem + rnd.choice(sorted(SPREADSHEET))
            done.append(f"rename:{name}")
        else:
            data = BYTE_CHANGES[kind](rnd, data)
            done.append(kind)
    return name, data, " ".join(done)


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail one import that takes too long instead of hanging the run."""

    def stop(*_: object) -> None:
        raise TimeoutError(f"the import took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


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
        with time_limit(SECONDS_PER_IMPORT):
            result = run()
    except SafetyError as exc:
        if counts(store) != before:
            return f"refused with {exc.key} but the tables changed"
        return _rendered(exc)
    except Exception as exc:  # the finding itself
        return f"{type(exc).__name__}: {exc}"[:300]
    report(result)  # the outcome renders in every language
    return None


@pytest.mark.parametrize("batch", range(BATCHES))
def test_mutated_files_import_or_are_refused_cleanly(world, store, batch):
    demo, users, own, _ = world
    officer = users["demo.officer"]
    found = []
    for index in range(PER_BATCH):
        name, data, done = mutated(batch, index)
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
            f"mutated({batch}, {index}) [{done}] {what}: {error}"
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
