"""The one list of injury indicators: what each is called, how it is computed, how it is shown and read.

The dashboard, the command line, the exports and the reports all read this list. Adding an indicator takes one
entry here, its SQL (safety/db/indicators.py) and its catalogue texts: `indicator.<key>` (its name),
`indicator.<key>.help` (what it means) and, for a rate, `report.subject.<key>` (how a sentence names it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from safety.i18n import format_number, t

_TERM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Indicator:
    """One indicator: its key, its formula over other figures' keys, its decimals and unit, and which way is
    better ("down" for injuries, "up" for near misses reported, "" for a plain count like headcount)."""

    key: str
    formula: str = ""  # e.g. "{injured} × 1000 / {headcount}"; each {term} is a catalogue key `indicator.<term>`
    digits: int = 0
    unit: str = ""  # catalogue key of the unit a sentence writes after a value ("" for none)
    better: str = "down"
    needs_hours: bool = False
    rate: bool = True  # a ratio ("no data" without its denominator); False for a count

    @property
    def label(self) -> str:
        """The catalogue key of the indicator's name."""
        return f"indicator.{self.key}"

    @property
    def help(self) -> str:
        """The catalogue key of what the indicator means."""
        return f"indicator.{self.key}.help"

    def name(self, lang: str) -> str:
        """The indicator's name in the language."""
        return t(self.label, lang)

    def formula_text(self, lang: str) -> str:
        """The formula in the language: each term named from the catalogue, numbers written as the language
        writes them («пострадавшие × 1 000 / среднесписочная численность»)."""
        words = _TERM.sub(lambda m: _in_sentence(t(f"indicator.{m[1]}", lang)), self.formula)
        return re.sub(r"\b\d{4,}\b", lambda m: format_number(int(m[0]), lang), words)

    def show(self, value: float | None, lang: str) -> str:
        """A value with the indicator's decimals, or «нет данных»."""
        return t("indicator.no_data", lang) if value is None else format_number(value, lang, self.digits)


def _in_sentence(name: str) -> str:
    """A name inside a sentence: its capital dropped unless it is an abbreviation («Кч», "LTIFR")."""
    first = name.split(maxsplit=1)[0] if name else ""
    return name[:1].lower() + name[1:] if len(first) > 3 and first[1:].islower() else name


def _count(key: str, better: str = "down") -> Indicator:
    return Indicator(key, better=better, rate=False)


INDICATORS: tuple[Indicator, ...] = (
    _count("injured"),
    _count("killed"),
    _count("lost_days"),
    _count("headcount", better=""),
    _count("hours", better=""),
    Indicator("kch", "{injured} × 1000 / {headcount}", 2, "unit.per_1000_workers"),
    Indicator("kt", "{lost_days} / {nonfatal}", 1, "unit.days_per_case"),
    Indicator("kp", "{kch} × {kt}", 1, "unit.days_per_1000_workers"),
    Indicator("kch_fatal", "{killed} × 1000 / {headcount}", 3, "unit.per_1000_workers"),
    Indicator("ltifr", "{lost_time} × 1000000 / {hours}", 2, "unit.per_million_hours", needs_hours=True),
    Indicator("trir", "{recordable} × 200000 / {hours}", 2, "unit.per_200000_hours", needs_hours=True),
    Indicator("dart", "{dart_cases} × 200000 / {hours}", 2, "unit.per_200000_hours", needs_hours=True),
    _count("near_misses", better=""),
    Indicator("near_misses_per_accident", "{near_misses} / {accidents}", 1, "unit.per_accident", better="up"),
)
INDICATOR: dict[str, Indicator] = {i.key: i for i in INDICATORS}
KEYS: tuple[str, ...] = tuple(INDICATOR)  # the order the CLI prints them and the exports carry them
RATES: tuple[str, ...] = tuple(i.key for i in INDICATORS if i.rate)
# What the dashboard explains under its charts: every rate, and the year-on-year change.
EXPLAINED: tuple[str, ...] = (*RATES, "yoy")


def digits(key: str) -> int:
    """The decimals a figure is shown with: the indicator's, 0 for anything else (a count)."""
    found = INDICATOR.get(key)
    return found.digits if found else 0
