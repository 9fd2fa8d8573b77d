"""The translation catalogue (ru, kk, en) and locale-aware number and date formatting."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

LANGUAGES: tuple[str, ...] = ("ru", "kk", "en")
DEFAULT_LANGUAGE = "ru"
BABEL_LOCALES = {"ru": "ru_KZ", "kk": "kk_KZ", "en": "en"}
LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}
CATALOGUE_PATH = Path(__file__).with_name("locale") / "messages.yaml"


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # ASCII punctuation: what Markdown may take as syntax
# The GFM renderer turns a bare http://…, www.… or name@host into a link after escapes and character references
# are read, so only a change to the text itself stops it: an invisible word joiner (U+2060) after each colon,
# before each at sign and after `www`.
_JOINER = "\u2060"
_NO_LINK = {":": "\\:" + _JOINER, "@": _JOINER + "\\@"}
_WWW = re.compile(r"(www)(\\\.)", re.IGNORECASE)
# A plural in a catalogue text, in ICU's notation: {count, plural, one {# строка} few {# строки} many {# строк}
# other {# строки}}. The branch is chosen by the language's plural rules (CLDR, through Babel); # is the number.
_PLURAL = re.compile(r"\{(\w+), plural,((?:\s*(?:zero|one|two|few|many|other)\s*\{[^{}]*\})+)\s*\}")
_BRANCH = re.compile(r"(zero|one|two|few|many|other)\s*\{([^{}]*)\}")
# A choice by a word, in ICU's notation: {gender, select, masculine {снизился} neuter {снизилось} other {…}}; the
# word is a parameter (a grammatical gender the catalogue gives a term, as Fluent's term attributes do).
_SELECT = re.compile(r"\{(\w+), select,((?:\s*\w+\s*\{[^{}]*\})+)\s*\}")
_CHOICE = re.compile(r"(\w+)\s*\{([^{}]*)\}")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Load the catalogue: key -> {language -> text}."""
    with CATALOGUE_PATH.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {str(key): {str(k): str(v) for k, v in texts.items()} for key, texts in data.items()}


def plain(text: object) -> str:
    """Text someone typed or imported, made safe to put inside Markdown: it shows as typed. Every ASCII punctuation
    mark is backslash-escaped (so `![](http://…)` is no image to fetch, and `:red[…]`, `$…$` or `**` do nothing)
    and line breaks become spaces. A word joiner after a colon, before an at sign and after `www` keeps a bare
    address from becoming a link."""
    escaped = _PUNCTUATION.sub(lambda m: _NO_LINK.get(m[1], "\\" + m[1]), " ".join(str(text).splitlines()))
    return _WWW.sub(r"\1" + _JOINER + r"\2", escaped)


def quoted(params: dict[str, Any], quote: Callable[[str], str] | None = plain) -> dict[str, Any]:
    """The parameters with every text passed through quote (plain, for Markdown); numbers stay numbers, for their
    format, and no quote leaves them all as they are."""
    if quote is None:
        return params
    return {k: quote(v) if isinstance(v, str) else v for k, v in params.items()}


def normalise_language(lang: str | None) -> str:
    """Return a supported language code, falling back to Russian."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """Translate a key; a key missing from the catalogue shows as itself (a test forbids that)."""
    texts = catalogue().get(key)
    if texts is None:
        return key
    lang = normalise_language(lang)
    text = texts.get(lang) or texts.get("en") or key
    if "plural," in text:
        text = _PLURAL.sub(lambda match: _plural_branch(match, lang, params), text)
    if "select," in text:
        text = _SELECT.sub(lambda match: _select_branch(match, params), text)
    return text.format(**params) if params else text


def _plural_branch(match: re.Match[str], lang: str, params: dict[str, Any]) -> str:
    """The branch of a plural that the number in params takes in the language, its # made the placeholder."""
    name, branches = match[1], {str(form): str(text) for form, text in _BRANCH.findall(match[2])}
    number = params.get(name)
    locale = Locale.parse(BABEL_LOCALES[lang])
    form = locale.plural_form(number) if isinstance(number, (int, float)) and locale is not None else "other"
    return branches.get(str(form), branches["other"]).replace("#", "{" + name + "}")


def _select_branch(match: re.Match[str], params: dict[str, Any]) -> str:
    """The branch of a select named by the word in params (its "other" branch for any other word)."""
    branches = dict(_CHOICE.findall(match[2]))
    return str(branches.get(str(params.get(match[1])), branches["other"]))


def placeholders(text: str) -> set[str]:
    """The names a catalogue text takes ({name}, the number of each plural and the word of each select)."""
    plain_text = _PLURAL.sub(lambda match: "{" + match[1] + "}", text)
    plain_text = _SELECT.sub(lambda match: "{" + match[1] + "}", plain_text)
    return {name for _, name, _, _ in string.Formatter().parse(plain_text) if name}


def texts_for(key: str) -> dict[str, str]:
    """Return all translations of a key, used to recognise headings in any language."""
    return dict(catalogue().get(key, {}))


def format_number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """Format a number for the language; None shows as an en dash."""
    if value is None:
        return "–"
    # what babel_numbers.format_decimal does, with the locale and the pattern parsed once (a report's long table
    # formats tens of thousands of numbers, and parsing them each time took most of the time)
    return _number_pattern(digits).apply(value, _locale(lang))


@cache
def _number_pattern(digits: int) -> babel_numbers.NumberPattern:
    """The number pattern of `digits` decimals, grouped, parsed."""
    return babel_numbers.parse_pattern("#,##0" + ("." + "0" * digits if digits else ""))


@cache
def _locale(lang: str) -> Locale:
    """The language's Babel locale, parsed."""
    return Locale.parse(BABEL_LOCALES[normalise_language(lang)])


def format_percent(value: float | None, lang: str, digits: int = 1) -> str:
    """Format a share given in percent (21.5 -> «21,5 %») for the language."""
    if value is None:
        return "–"
    return format_number(value, lang, digits) + "\u00a0%"


def format_change(value: float | None, lang: str, digits: int = 1) -> str:
    """A change in percent with its sign («+6,6 %», «−23,0 %», a true minus); an en dash when there is none (None
    or NaN). A change that rounds to zero has no sign."""
    if value is None or value != value:  # NaN is the one value unequal to itself
        return format_percent(None, lang)
    shown = round(value, digits)
    sign = "+" if shown > 0 else "\u2212" if shown < 0 else ""
    return sign + format_percent(abs(value), lang, digits)


def format_datetime(value: dt.datetime | None, lang: str) -> str:
    """Format a moment (date and time to the minute) for the language; None shows empty."""
    if value is None:
        return ""
    return babel_dates.format_datetime(value, format="short", locale=BABEL_LOCALES[normalise_language(lang)])


def bilingual(ru: str, kk: str | None, lang: str) -> str:
    """A name kept in Russian and Kazakh (an enterprise's) in the language: the Kazakh one for kk when there is one,
    otherwise the Russian."""
    return kk if lang == "kk" and kk else ru


def list_separator(lang: str) -> str:
    """What separates the values of a CSV file for the language: a semicolon where the decimal sign is a comma (as
    Excel expects in ru and kk), a comma elsewhere."""
    decimal = babel_numbers.get_decimal_symbol(BABEL_LOCALES[normalise_language(lang)])
    return ";" if decimal == "," else ","


def format_date(value: dt.date | None, lang: str, fmt: str = "medium") -> str:
    """Format a date for the language; None shows as an en dash."""
    if value is None:
        return "–"
    return babel_dates.format_date(value, format=fmt, locale=_locale(lang))


# Streamlit's table grid formats its cells in the browser: a whole number by a printf pattern (sprintf-js, whose
# `'X,` flag groups digits with X), a date by a moment.js pattern. These are made from Babel's locale data, so a
# table groups and writes dates as format_number and format_date do in the page's language, whatever the browser's
# own locale is (Streamlit's "localized" follows the browser). The grid has no decimal sign to choose: decimals
# are written by format_number (ui.table hands them to the grid as display text beside the typed values).
_CLDR_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|.", re.DOTALL)
_MOMENT = {"d": "D", "dd": "DD", "a": "A"}  # CLDR letters moment.js writes otherwise (H, m, M are the same)


def grid_integer(lang: str, grouped: bool = True) -> str:
    """The grid's printf pattern of a whole number in the language: grouped by Babel's group sign («677 649» in ru
    and kk, "677,649" in en), or plain for a year or a number that names a row."""
    if not grouped:
        return "%d"
    group = babel_numbers.get_group_symbol(BABEL_LOCALES[normalise_language(lang)])
    return "%,d" if group == "," else f"%'{group},d"


def _moment(pattern: str) -> str:
    """A CLDR date pattern as moment.js writes it (the year always in full, quoted text in brackets)."""
    out = []
    for match in _CLDR_TOKEN.finditer(pattern):
        token = match[0]
        if token.startswith("'"):
            out.append("[" + (token[1:-1].replace("''", "'") or "'") + "]")
        elif match[1]:
            out.append("YYYY" if token[0] == "y" else _MOMENT.get(token, token))
        else:
            out.append(token)
    return "".join(out)


def grid_date(lang: str) -> str:
    """The grid's moment.js pattern of a date in the language: Babel's short one with the year in full
    (DD.MM.YYYY in ru and kk, M/D/YYYY in en)."""
    return _moment(Locale.parse(BABEL_LOCALES[normalise_language(lang)]).date_formats["short"].pattern)


def grid_datetime(lang: str) -> str:
    """The grid's moment.js pattern of a moment (date and time to the minute) in the language."""
    locale = Locale.parse(BABEL_LOCALES[normalise_language(lang)])
    joined = str(locale.datetime_formats["short"])
    return joined.replace("{1}", grid_date(lang)).replace("{0}", _moment(locale.time_formats["short"].pattern))
