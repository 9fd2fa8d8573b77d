"""Tables read in the page's language: numbers grouped and dates written as Babel writes them there, decimals with
the language's decimal sign, and an empty cell empty (never "None"), on every page with a table."""

import ast
import datetime as dt
import json
import re

import pyarrow as pa
import pytest
from babel import numbers as babel_numbers

from safety.i18n import BABEL_LOCALES, LANGUAGES, format_number, grid_date, grid_datetime, grid_integer, t
from safety.incidents.log import investigation_rows

from conftest import ROOT

# the pages with tables each demo role opens (the officer's own enterprise is the card's default)
PAGES = {
    "demo.region": (
        "app_pages/home.py",
        "app_pages/dashboard.py",
        "app_pages/enterprises.py",
        "app_pages/enterprise.py",
        "app_pages/actions.py",
        "app_pages/incidents.py",
    ),
    "demo.admin": ("app_pages/home.py", "app_pages/users.py", "app_pages/audit.py", "app_pages/enterprise.py"),
    "demo.officer": ("app_pages/incidents.py", "app_pages/actions.py", "app_pages/enterprise.py"),
}
ISO = {None, "", "iso8601", "localized", "YYYY-MM-DD"}  # formats that are ISO or follow the browser, not the page


def grouped_as_the_grid_does(value: int, pattern: str) -> str:
    """What Streamlit's grid (sprintf-js) shows for a whole number with the pattern: %,d groups with a comma,
    %'X,d with X."""
    match = re.fullmatch(r"%(?:'(.))?(,)?d", pattern)
    assert match, pattern
    digits = str(value)
    if not match[2]:
        return digits
    return re.sub(r"\B(?=(\d{3})+(?!\d))", match[1] or ",", digits)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_grid_groups_whole_numbers_as_babel_does(lang):
    """677649 hours read «677 649» in ru and kk (a comma there is a decimal comma) and 677,649 in en, exactly as
    format_number writes them; a year stays 2026."""
    for value in (7, 677649, 40651445):
        assert grouped_as_the_grid_does(value, grid_integer(lang)) == format_number(value, lang)
    assert grouped_as_the_grid_does(2026, grid_integer(lang, grouped=False)) == "2026"
    assert babel_numbers.get_group_symbol(BABEL_LOCALES[lang]) in grid_integer(lang)


def test_dates_are_never_iso_and_follow_the_language():
    """Dates in a table: day.month.year in ru and kk, the American order in en; the year always in full."""
    assert grid_date("ru") == grid_date("kk") == "DD.MM.YYYY"
    assert grid_date("en") == "M/D/YYYY"
    assert grid_datetime("ru") == "DD.MM.YYYY, HH:mm" and grid_datetime("en") == "M/D/YYYY, h:mm\u202fA"


def _tables(at):
    """Each table on the page: its data, column configs and the text shown for styled (decimal) cells."""
    for frame in at.dataframe:
        configs = json.loads(frame.proto.columns or "{}")
        shown = frame.proto.arrow_data.styler.display_values
        display = pa.ipc.open_stream(shown).read_all().to_pandas() if shown else None
        yield frame, configs, display


def _check_page(at, lang: str, where: str) -> int:
    """Every table of the page: typed numbers and dates formatted for the language, no "None"; the tables seen."""
    seen = 0
    for frame, configs, display in _tables(at):
        seen += 1
        assert frame.proto.HasField("placeholder") and frame.proto.placeholder == "", (where, "empty, not None")
        data = frame.value
        for name in [n for n in frame.proto.column_order or data.columns if n in data.columns]:
            column = data[name]
            config = configs.get(name, {}).get("type_config", {})
            assert not column.map(lambda v: isinstance(v, str) and v == "None").any(), (
                where,
                name,
                "a cell holds the text None",
            )
            kind = column.dtype.kind
            if kind in "iuf" and config.get("type") != "line_chart":
                if config.get("format"):  # a whole number, grouped by the language's sign (or a plain year, №)
                    assert config["format"] in (grid_integer(lang), grid_integer(lang, grouped=False)), (where, name)
                else:  # a decimal: written by Babel beside its value
                    assert display is not None and name in display, (where, name, "a decimal without its text")
                    texts = [v for v in display[name] if v]
                    wrong = "." if lang != "en" else ","
                    assert texts and not any(wrong in v for v in texts), (where, name, texts[:3])
            if kind == "M" or (kind == "O" and column.map(lambda v: hasattr(v, "isoformat")).any()):
                assert config.get("format") not in ISO, (where, name, config)
                assert config["format"] in (grid_date(lang), grid_datetime(lang)), (where, name, config)
    return seen


@pytest.mark.parametrize("username", list(PAGES))
def test_every_table_reads_in_the_page_language(demo_app, username):
    """On every page with a table, in Russian and in English: numbers, decimals and dates in the page's
    language, no ISO date, no "None"."""
    at = demo_app(username)
    for lang in ("ru", "en"):
        if lang != "ru":
            at.sidebar.selectbox(key="lang").set_value(lang).run()
        tables = 0
        for page in PAGES[username]:
            at.switch_page(page).run()
            assert not at.exception, (page, at.exception)
            tables += _check_page(at, lang, f"{username} {lang} {page}")
        assert tables >= len(PAGES[username]) - 1


def test_the_yearly_indicators_show_the_tiles_decimal_comma(demo_app):
    """The dashboard's yearly table writes Кт as the tile does («21,9», not "21.94"), and the hours grouped
    «40 651 445»: the values themselves stay numbers, to sort by."""
    at = demo_app("demo.region")
    at.switch_page("app_pages/dashboard.py").run()
    frame, configs, display = next(_tables(at))
    assert frame.value["kt"].dtype.kind == "f" and frame.value["hours"].dtype.kind in "iu"
    assert display["kt"][0] == format_number(frame.value["kt"][0], "ru", 1) and "," in display["kt"][0]
    assert configs["hours"]["type_config"]["format"] == "%'\u00a0,d"
    tile = next(m for m in at.metric if m.label == "Кт")
    assert tile.value == display["kt"][0]


def test_an_investigation_without_a_severity_shows_an_empty_cell():
    """A group accident whose cases gave no severity: an empty severity cell, not the raw key «severity.None»."""
    accident = {"bin": "990249962473", "occurred_on": dt.date(2026, 3, 2), "severity": None, "injured": 2}
    [row] = investigation_rows([accident | {"steps": [], "overdue": []}], "ru")
    assert row["severity"] is None
    [row] = investigation_rows([accident | {"severity": "fatal", "steps": [], "overdue": []}], "ru")
    assert row["severity"] == t("severity.fatal", "ru")


def test_every_table_goes_through_show_table():
    """No page draws a table itself: st.dataframe is called by ui.show_table only, and the one editor (the yearly
    headcount and hours) formats its numbers with grid_integer."""
    calls = []
    for path in [ROOT / "app.py", *ROOT.glob("app_pages/*.py")]:
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("dataframe", "table", "data_editor"):
                calls.append((path.name, node.func.attr))
                if node.func.attr == "data_editor":
                    assert "format=grid_integer(" in ast.get_source_segment(source, node), path.name
    assert sorted(calls) == [("enterprise.py", "data_editor"), ("ui.py", "dataframe")]
