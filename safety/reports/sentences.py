"""Sentences a report writes from its figures, in the report's language and with its grammar.

A figure's change is told by the sign of its year-on-year change in percent (`formulas.change_pct`, rounded to one
decimal as the dashboard shows it): fell, rose, no change, or no figure to compare with. Each figure the sentences
speak of has a subject in the catalogue (`report.subject.<key>`) and its grammatical gender
(`report.subject.<key>.gender`: masculine, feminine or neuter in Russian, `other` in Kazakh and English), which the
catalogue's ICU select turns into the verb's ending. Where a number meets a noun, the catalogue's ICU plural picks
the noun's form («1 предприятие, 2 предприятия, 5 предприятий»).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from safety.i18n import format_change, format_date, format_number, t
from safety.indicators.formulas import change_pct
from safety.indicators.registry import INDICATOR

# The counts a sentence speaks of, and the noun their number takes («42 человека»).
COUNT_NOUNS = {"injured": "report.noun.people", "killed": "report.noun.people"}
# Change sentences: "change" for a value with a unit, "count" for a number of people.
CASES = ("fell", "rose", "same", "from_zero", "no_previous", "no_data", "no_data_before")
SCORE_DIGITS = 1


class Number(int):
    """A whole number that a catalogue text writes grouped as its language writes it («1 465»), while the text's
    ICU plural still reads it as a number."""

    lang: str = "ru"

    def __new__(cls, value: int, lang: str) -> Number:
        number = super().__new__(cls, value)
        number.lang = lang
        return number

    def __format__(self, spec: str) -> str:
        return format_number(int(self), self.lang) if not spec else format(int(self), spec)


def counted(value: int, lang: str) -> Number:
    """`value` as a parameter of a catalogue text: chooses the plural form, and shows grouped."""
    return Number(int(value), lang)


def subject(key: str, lang: str) -> dict[str, str]:
    """The subject of a figure's sentence and the gender its verb agrees with: `subject` and `gender` parameters."""
    return {"subject": t(f"report.subject.{key}", lang), "gender": t(f"report.subject.{key}.gender", lang)}


def change_case(now: float | None, before: float | None) -> str:
    """Which sentence tells the change from `before` to `now` (one of CASES)."""
    if now is None:
        return "no_data" if before is None else "no_data_before"
    if before is None:
        return "no_previous"
    pct = change_pct(now, before)
    if pct is None:  # last year was 0
        return "same" if now == before else "from_zero"
    rounded = round(pct, 1)
    return "same" if rounded == 0 or now == before else "fell" if rounded < 0 else "rose"


def change_sentence(key: str, now: float | None, before: float | None, lang: str) -> str:
    """The sentence on an indicator's change over the year: «Уровень производственного травматизма (Кч) снизился
    на 23,0 % — с 0,97 до 0,75 на 1 000 работников.» `key` is a rate of the indicator registry, or one of the
    counts of COUNT_NOUNS (injured, killed)."""
    indicator = INDICATOR[key]
    if not indicator.rate:
        if key not in COUNT_NOUNS:
            raise ValueError(f"no sentence for the count {key}")
        return _count_sentence(key, now, before, lang)
    unit = "report.value." + indicator.unit.removeprefix("unit.")
    return _value_sentence(subject(key, lang), now, before, indicator.digits, unit, lang)


def score_sentence(now: float | None, before: float | None, lang: str) -> str:
    """The sentence on the average golden-rules score of one day against another's, the end of the year before
    («Средний балл «7 золотых правил» вырос на 4,1 % — с 68,3 до 71,1 из 100.»)."""
    return _value_sentence(subject("score", lang), now, before, SCORE_DIGITS, "report.value.out_of_100", lang)


def _value_sentence(
    named: dict[str, str], now: float | None, before: float | None, digits: int, unit: str, lang: str
) -> str:
    """A change sentence of a value written with its unit (the unit goes where the language puts it)."""

    case = change_case(now, before)
    if case in ("fell", "rose"):
        digits = _telling(now, before, digits, lang)

    def shown(value: float) -> str:
        return t(unit, lang, value=format_number(value, lang, digits))

    params: dict[str, Any] = dict(named)
    if now is not None:
        params["now"] = shown(now)
    if before is not None:
        # the value the year before has its unit only where the sentence gives no value after it
        params["before"] = shown(before) if case == "no_data_before" else format_number(before, lang, digits)
    if case in ("fell", "rose"):
        params["pct"] = _percent(now, before, lang)
    return t(f"report.change.{case}", lang, **params)


def _telling(now: float | None, before: float | None, digits: int, lang: str) -> int:
    """The decimals that show a change: the figure's own, or up to two more when those would write both values
    alike («вырос на 0,6 % — с 0,965 до 0,971», not «с 0,97 до 0,97»)."""
    for more in range(3):
        if format_number(now, lang, digits + more) != format_number(before, lang, digits + more):
            return digits + more
    return digits


def _count_sentence(key: str, now: float | None, before: float | None, lang: str) -> str:
    """A change sentence of a count of people: «Число пострадавших снизилось на 12,5 % — с 48 до 42.»"""
    case = change_case(now, before)
    params: dict[str, Any] = subject(key, lang)
    if now is not None:
        params["now"] = format_number(now, lang)
        params["people"] = t(COUNT_NOUNS[key], lang, count=counted(int(now), lang))
    if before is not None:
        params["before"] = format_number(before, lang)
        if now is None:
            params["people"] = t(COUNT_NOUNS[key], lang, count=counted(int(before), lang))
    if case in ("fell", "rose"):
        params["pct"] = _percent(now, before, lang)
    return t(f"report.count.{case}", lang, **params)


def _percent(now: float | None, before: float | None, lang: str) -> str:
    """The size of a change, without its sign (the verb says which way): «23,0» for −23.0 %."""
    pct = change_pct(now, before)
    assert pct is not None  # only asked for a change that has one
    return format_number(abs(pct), lang, 1)


def signed_change(pct: float | None, lang: str) -> str:
    """A change in percent with its sign, as the charts write it («+10,7 %», «−23,0 %»), or "" without one."""
    return "" if pct is None else format_change(pct, lang)


def programme_sentence(year: int, enterprises: int, joined: int, lang: str) -> str:
    """How many enterprises took part in Vision Zero in `year` and how many of them joined that year: «В 2025 году
    в Vision Zero участвовало 31 предприятие. За год к программе присоединились 3 предприятия.»"""
    if not enterprises:
        return t("report.programme.none", lang, year=year)
    members = t("report.programme.members", lang, year=year, count=counted(enterprises, lang))
    if not joined:
        return members + " " + t("report.programme.joined_none", lang)
    return members + " " + t("report.programme.joined", lang, count=counted(joined, lang))


def assessments_sentence(year: int, assessments: int, enterprises: int, lang: str) -> str:
    """How many golden-rules self-assessments were submitted in `year`, by how many enterprises."""
    if not assessments:
        return t("report.assessments.none", lang, year=year)
    return t(
        "report.assessments.done",
        lang,
        year=year,
        count=counted(assessments, lang),
        enterprises=counted(enterprises, lang),
    )


def overdue_actions_sentence(day: dt.date, count: int, lang: str) -> str:
    """How many corrective actions were overdue on `day`."""
    date = format_date(day, lang)
    if not count:
        return t("report.overdue.actions_none", lang, date=date)
    return t("report.overdue.actions", lang, date=date, count=counted(count, lang))


def overdue_investigations_sentence(day: dt.date, count: int, lang: str) -> str:
    """How many accidents had an investigation step past its deadline on `day`."""
    date = format_date(day, lang)
    if not count:
        return t("report.overdue.investigations_none", lang, date=date)
    return t("report.overdue.investigations", lang, date=date, count=counted(count, lang))


def overdue_shown(shown: int, total: int, lang: str) -> str:
    """The note under a list cut to its first rows: which of how many it shows."""
    return t("report.overdue.shown", lang, shown=counted(shown, lang), total=counted(total, lang))


def top_cause_sentence(cause: str | None, count: int, lang: str) -> str:
    """The most frequent cause of the year's accidents and how many accidents it was given for."""
    if not cause:
        return t("report.causes.none", lang)
    return t("report.causes.top", lang, cause=cause, count=counted(count, lang))


def causes_not_stated(count: int, lang: str) -> str:
    """The note on the accidents whose cause was not recorded ("" when there are none)."""
    return t("report.causes.not_stated", lang, count=counted(count, lang)) if count else ""


def top_red_sentence(rule: int | None, title: str, count: int, lang: str) -> str:
    """The golden rule with the most items rated red in the latest self-assessments."""
    if rule is None or not count:
        return t("report.red.none", lang)
    return t("report.red.top", lang, rule=rule, title=title, count=counted(count, lang))


def near_misses_sentence(near_misses: int, accidents: int, lang: str) -> str:
    """How many near misses were reported against how many accidents."""
    return t("report.near_misses.counts", lang, near=counted(near_misses, lang), accidents=counted(accidents, lang))
