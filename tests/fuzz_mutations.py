"""Seeded mutations of the fixture files, for the import fuzz test (tests/test_import_fuzz.py).

Only the standard library here: a memory-capped child process imports this module alone to read every mutated file
(see test_import_fuzz.test_reading_stays_within_memory). `mutated(batch, index)` replays one case.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).with_name("data")
BATCHES = 8
PER_BATCH = 25  # 200 mutated files
SPREADSHEET = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv"}
SKIPPED = {"zip_bomb.xlsx"}  # refused before parsing; mutated, it would only make the test slow
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
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)  # not the clock's: deterministic
            target.writestr(member, change(rnd, content) if i == chosen else content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# Cases that longer runs with other seeds found broken, kept as a batch of their own: an .xls whose looping sector
# chain made calamine fill 23 GB, an .xlsx whose cell references made it ask for 500 GB (both abort the process),
# and a CSV whose run of quotes kept csv.Sniffer busy for minutes.
REGRESSIONS = ((1203, 0), (24211, 0), (28110, 0))
ALL_BATCHES: tuple[int | str, ...] = (*range(BATCHES), "regressions")


def batch_cases(batch: int | str) -> list[tuple[int, int]]:
    """The (batch, index) pairs of one test batch; the batch "regressions" holds the cases once found broken."""
    return list(REGRESSIONS) if batch == "regressions" else [(int(batch), i) for i in range(PER_BATCH)]


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
