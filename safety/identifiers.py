"""Kazakh business identification numbers (BIN): check-digit validation with reasons."""

from __future__ import annotations

from safety.errors import Problem

_WEIGHTS_FIRST = tuple(range(1, 12))
_WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first_eleven: str) -> int | None:
    """Return the check digit for 11 digits, or None when no digit is valid (both sums give 10)."""
    digits = [int(ch) for ch in first_eleven]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS_FIRST, strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, _WEIGHTS_SECOND, strict=True)) % 11
    return None if total == 10 else total


def bin_problem(value: object) -> Problem | None:
    """Return why a BIN is invalid (empty, length, non-digit, check digit), or None when it is valid."""
    text = "" if value is None else str(value).strip()
    if not text:
        return Problem("bin.empty")
    for position, ch in enumerate(text, start=1):
        if not ch.isascii() or not ch.isdigit():
            return Problem("bin.not_digit", {"char": ch, "position": position})
    if len(text) != 12:
        return Problem("bin.length", {"length": len(text)})
    expected = check_digit(text[:11])
    if expected is None:
        return Problem("bin.no_check_digit")
    if expected != int(text[11]):
        return Problem("bin.check_digit", {"found": text[11], "expected": expected})
    return None


def is_valid_bin(value: object) -> bool:
    """True when the value is a BIN whose check digit matches."""
    return bin_problem(value) is None


def normalise_bin(value: object) -> str:
    """Return the BIN as text; a numeric cell gets back the leading zeros a spreadsheet dropped."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12:
        return str(value).zfill(12)
    return "" if value is None else str(value).strip()
