"""The catalogue: every key in ru, kk and en, the same placeholders, and no key used that is missing."""

import ast
import datetime as dt
import re

from app_pages.navigation import PAGES
from safety.i18n import LANGUAGES, catalogue, format_date, format_number, format_percent, placeholders, plain, t

from conftest import ROOT

CALLERS = {"t", "tr"}
KEY_HOLDERS = {
    "Problem",
    "custom",
    "SafetyError",
    "ValidationFailed",
    "NotFound",
    "Conflict",
    "StoreError",
    "StoreLocked",
    "SchemaTooNew",
    "StoreDamaged",
    "FileUnreadable",
    "PermissionDenied",
    "owned_row",
}
KEY_POSITION = {"owned_row": 3}  # owned_row(row, user, action, missing_key, …)


def _placeholders(text: str) -> set[str]:
    return placeholders(text)


def test_every_key_has_every_language_and_no_empty_text():
    for key, texts in catalogue().items():
        assert set(texts) == set(LANGUAGES), f"{key}: has {sorted(texts)}"
        for lang, text in texts.items():
            assert text.strip(), f"{key}: empty {lang} text"


def test_placeholders_are_the_same_in_every_language():
    for key, texts in catalogue().items():
        found = {lang: _placeholders(text) for lang, text in texts.items()}
        assert len({frozenset(v) for v in found.values()}) == 1, f"{key}: {found}"


def _used_keys() -> dict[str, str]:
    """Every literal catalogue key passed to t()/tr() or to an error/Problem, with the file it is in."""
    used = {}
    files = [ROOT / "app.py", *ROOT.glob("app_pages/*.py"), *ROOT.glob("safety/**/*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            first = node.args[KEY_POSITION.get(name, 0)] if len(node.args) > KEY_POSITION.get(name, 0) else None
            if name in CALLERS | KEY_HOLDERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                used[first.value] = path.name
    return used


def test_every_key_used_in_code_is_in_the_catalogue():
    used = _used_keys()
    assert len(used) > 80, "the scan found too few keys: it must be broken"
    missing = {key: where for key, where in used.items() if key not in catalogue()}
    assert not missing, f"keys missing from the catalogue: {missing}"


def test_composed_keys_exist():
    from safety.files.validation import _BUILTIN_KEYS
    from safety.register.enterprises import EnterpriseInput, YearInput
    from safety.register.spreadsheets import ENTERPRISE_COLUMNS, YEAR_COLUMNS

    for field in [*EnterpriseInput.model_fields, *YearInput.model_fields]:
        assert "label." + field in catalogue()
    for column in ENTERPRISE_COLUMNS + YEAR_COLUMNS:
        assert "register.col." + column in catalogue()
    for key in _BUILTIN_KEYS.values():
        assert key in catalogue()
    title_keys = [key for _, key, _, _ in PAGES]
    assert len(title_keys) >= 3 and all(key in catalogue() for key in title_keys), title_keys


def test_the_scan_would_catch_a_missing_key(tmp_path):
    source = 'tr("no.such.key")\nProblem("also.missing", row=1)\n'
    calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)]
    keys = {c.args[0].value for c in calls}
    assert keys == {"no.such.key", "also.missing"} and not keys & set(catalogue())


def test_plurals_follow_each_language_rules():
    """«1 ошибка, 2 ошибки, 5 ошибок, 21 ошибка» in Russian, "1 more problem" in English, one form in Kazakh."""
    said = {n: t("error.more_problems", "ru", count=n) for n in (1, 2, 5, 11, 21, 22)}
    assert [said[n].split()[-1] for n in (1, 2, 5, 11, 21, 22)] == [
        "ошибка.",
        "ошибки.",
        "ошибок.",
        "ошибок.",
        "ошибка.",
        "ошибки.",
    ]
    assert (t("error.more_problems", "en", count=1), t("error.more_problems", "en", count=3)) == (
        "…and 1 more problem.",
        "…and 3 more problems.",
    )
    assert t("error.more_problems", "kk", count=1) == "…тағы 1 қате бар."


def test_every_plural_is_well_formed_with_an_other_branch():
    """A text that uses the plural notation uses it whole (nothing of it left after the choice), with `other`."""
    for key, texts in catalogue().items():
        for lang, text in texts.items():
            if "plural," in text:
                names = placeholders(text)
                shown = t(key, lang, **dict.fromkeys(names, 7))
                assert "plural," not in shown and "#" not in shown, (key, lang, shown)
                assert "other {" in text, (key, lang)


def test_translation_fills_placeholders_and_falls_back_to_russian():
    assert t("where.row", "en", row=5) == "row 5"
    assert t("where.row", "xx", row=5) == "строка 5"


def test_numbers_and_dates_follow_the_language():
    assert format_number(1234567.891, "ru", 1) == "1\u00a0234\u00a0567,9"
    assert format_number(1234567.891, "en", 1) == "1,234,567.9"
    assert re.fullmatch(r"1\s234\s567,9", format_number(1234567.891, "kk", 1))
    assert format_percent(-21.5, "ru") == "-21,5\u00a0%" and format_percent(-21.5, "en") == "-21.5\u00a0%"
    assert format_number(None, "ru") == "–"
    day = dt.date(2026, 3, 5)
    assert format_date(day, "ru", "short") == "05.03.2026"
    assert format_date(day, "en") == "Mar 5, 2026"
    assert "2026" in format_date(day, "kk") and format_date(day, "kk") != format_date(day, "ru")


def test_errors_raised_without_parameters_need_none():
    """An error raised as Error("key") with no parameters must have texts without placeholders."""
    bare = re.compile(r"""(?:Error|Failed|Conflict|NotFound|Denied|Unreadable|Invalid|Locked|New)\("([a-z_.]+)"\)""")
    sources = [*ROOT.glob("safety/**/*.py"), ROOT / "app.py", *ROOT.glob("app_pages/*.py")]
    found = 0
    for path in sources:
        for key in bare.findall(path.read_text(encoding="utf-8")):
            found += 1
            for lang, text in catalogue()[key].items():
                assert not _placeholders(text), f"{path.name} raises {key} with no parameters, but {lang} needs some"
    assert found >= 5, "the scan found too few raise sites: it must be broken"


def test_plain_text_shows_as_typed_inside_markdown():
    hostile = "![](http://host.example/x.png) **bold** :red[x] $x$ <b>a_b</b>\nnext line"
    escaped = plain(hostile)
    assert "\n" not in escaped and "![" not in escaped and "](" not in escaped
    shown = re.sub(r"\\(.)", r"\1", escaped).replace("\u2060", "")
    assert shown == hostile.replace("\n", " ")  # only escapes and invisible word joiners were added
    for address in ("http://x.example/a", "see www.x.example", "mail me: a.b@x.example"):
        linked = re.sub(r"\\(.)", r"\1", plain(address))  # as the renderer reads it, escapes gone
        assert not re.search(r"https?://|www\.|\w@\w", linked), linked  # no bare address left to link
    assert plain("Нурланова Г.") == "Нурланова Г\\." and plain("") == ""


def test_a_select_takes_the_branch_its_word_names_and_other_for_any_other():
    from safety.i18n import _SELECT, _select_branch

    text = "{gender, select, masculine {снизился} neuter {снизилось} other {снизилась}}"
    [match] = _SELECT.finditer(text)
    assert _select_branch(match, {"gender": "neuter"}) == "снизилось"
    assert _select_branch(match, {"gender": "masculine"}) == "снизился"
    assert _select_branch(match, {"gender": "feminine"}) == "снизилась"
    assert placeholders("{subject} " + text) == {"subject", "gender"}
