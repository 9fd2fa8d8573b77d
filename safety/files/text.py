"""What text from outside may hold: the longest cell we accept, and the invisible characters we remove from it.

Removed: control characters (Unicode category Cc) except tab and line feed, invisible format characters (Cf:
zero-width space, byte-order mark, soft hyphen, bidirectional overrides that can make text read differently from
what it holds, …) except the zero-width joiner and non-joiner, which some scripts and emoji need, and lone
surrogates (Cs), which no database can store. A carriage return, alone or before a line feed, becomes a line feed
and is not counted as removed. Importers strip cells with `strip_control`; forms can refuse input with
`control_chars`.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

MAX_CELL_CHARS = 32_767  # the most characters an Excel cell holds; a longer cell is a row error
_KEPT = "\t\n\r\u200c\u200d"  # CR is not kept: strip_control turns it into LF


@functools.cache
def _invisible() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns for one character that strip_control removes, inside the BMP and above it (built once, from the
    Unicode database). Two patterns, because a class that reaches above the BMP makes `re` about five times
    slower on every character."""
    ranges: list[tuple[int, int]] = []
    for code in itertools.chain(range(0x20000), range(0xE0000, 0xE1000)):  # no other plane holds Cc, Cf or Cs
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Cs") and chr(code) not in _KEPT:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))

    def pattern(kept: list[tuple[int, int]]) -> re.Pattern[str]:
        return re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in kept) + "]")

    return pattern([r for r in ranges if r[1] <= 0xFFFF]), pattern([r for r in ranges if r[0] > 0xFFFF])


def _patterns(text: str) -> list[re.Pattern[str]]:
    """The patterns worth running over the text: none for printable text (the common case, checked in C)."""
    if text.isprintable():
        return []
    bmp, astral = _invisible()
    above_bmp = len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text)  # faster than max(text)
    return [bmp, astral] if above_bmp else [bmp]


def control_chars(text: str) -> int:
    """How many invisible control or format characters the text holds (a carriage return is not counted)."""
    patterns = _patterns(text)
    return sum(len(p.findall(text)) for p in patterns) if patterns else 0


def strip_control(text: str) -> str:
    """The text without its invisible control and format characters, its line breaks as LF (tabs stay)."""
    return _stripped(text)[0]


def _stripped(text: str) -> tuple[str, int]:
    """The text as strip_control returns it, and how many characters were removed."""
    removed = 0
    for p in _patterns(text):
        text, count = p.subn("", text)
        removed += count
    return (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text), removed


@dataclass
class Removed:
    """A tally of the invisible characters removed from imported cells: how many, and from how many cells."""

    chars: int = 0
    cells: int = 0

    def strip(self, text: str) -> str:
        """Return strip_control(text), counting what it removed."""
        text, count = _stripped(text)
        self.add(count)
        return text

    def add(self, chars: int, cells: int = 1) -> None:
        """Count `chars` characters removed from `cells` cells (nothing when `chars` is 0)."""
        if chars:
            self.chars += chars
            self.cells += cells
