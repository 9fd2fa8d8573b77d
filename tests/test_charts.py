"""The dashboard's charts (safety/indicators/charts.py) built from the demo data in every language, their PNG
export with the bundled font, the tables workbook, and that the module stays headless (no streamlit)."""

from __future__ import annotations

import ast
import datetime as dt
import io
import json
import math
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from openpyxl import load_workbook

from safety.access.roles import SYSTEM
from safety.i18n import LANGUAGES, t
from safety.indicators import charts, figures
from safety.indicators import dashboard as dash
from safety.indicators.arrow import arrow_table
from safety.indicators.dashboard import Correlation
from safety.indicators.formulas import scope_for, yearly

from conftest import ROOT

pytestmark = pytest.mark.one_store  # rendering and file formats: DuckDB is enough (see conftest)

FIRST, LAST, YEAR = 2022, 2026, 2025
# A few titles spelt out, so a test fails if a label is left untranslated or shows its key.
EXPECTED = {
    "ru": {"rolling": "Кч за 12 месяцев", "yoy": "Изменение за год", "score": "Балл «7 золотых правил», %"},
    "kk": {"rolling": "Жк (12 ай)", "yoy": "Жылдық өзгеріс", "score": "«7 алтын ереже» балы, %"},
    "en": {
        "rolling": "Frequency rate (Kch), rolling 12 months",
        "yoy": "Year-on-year change",
        "score": "Golden-rules score, %",
    },
}


def _values(spec: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline rows a (sub)chart's data points to."""
    return spec["datasets"][data["name"]]


def _walk(node: Any):
    """Every dict in a spec, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _tooltip_fields(encoding: dict[str, Any]) -> dict[str, str]:
    return {tip["field"]: tip["title"] for tip in encoding["tooltip"]}


def _assert_configured(spec: dict[str, Any], lang: str) -> None:
    """The bundled font, the language's number format, and no data fetched from anywhere."""
    assert spec["config"]["font"] == "DejaVu Sans"
    decimal = spec["config"]["locale"]["number"]["decimal"]
    assert decimal == ("." if lang == "en" else ",")
    assert not [d for d in _walk(spec) if "url" in d], "a chart must carry its data inline"
    titles = [d.get("title") for d in _walk(spec) if isinstance(d.get("title"), str)]
    assert titles and not [x for x in titles if x.startswith(("chart.", "indicator.", "dashboard."))], titles


@pytest.fixture
def scope(demo_store):
    return scope_for(demo_store, SYSTEM)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_monthly_chart_stacks_cases_and_draws_the_rolling_kch_on_its_own_axis(demo_store, scope, lang):
    rows = dash.monthly(demo_store, scope, FIRST, LAST, lang)
    rolling = dash.rolling_kch(demo_store, scope, FIRST, LAST)
    spec = charts.monthly_chart(rows, rolling, lang)
    _assert_configured(spec, lang)
    bars, line = spec["layer"]
    assert bars["mark"]["type"] == "bar" and line["mark"]["type"] == "line"
    assert spec["resolve"]["scale"]["y"] == "independent"
    x = bars["encoding"]["x"]
    assert (x["field"], x["type"], x["timeUnit"]) == ("month", "temporal", "yearmonth")
    assert x["title"] == t("chart.month", lang) and x["axis"]["format"] == "%b %Y"
    assert bars["encoding"]["y"]["field"] == "cases" and bars["encoding"]["y"]["title"] == t("chart.cases", lang)
    color = bars["encoding"]["color"]
    assert color["field"] == "group" and color["title"] == t("chart.case_group", lang)
    assert set(color["scale"]["domain"]) == {r["group"] for r in rows}
    assert color["scale"]["domain"][0] == t("kind.accident", lang) + " · " + t("severity.light", lang)
    assert line["encoding"]["y"]["axis"]["orient"] == "right"
    assert line["encoding"]["y"]["title"] == EXPECTED[lang]["rolling"]
    assert set(_tooltip_fields(bars["encoding"])) == {"month_label", "group", "cases"}
    assert set(_tooltip_fields(line["encoding"])) == {"month_label", "kch_12m"}
    shown = _values(spec, bars["data"])
    assert sum(r["cases"] for r in shown) == sum(r["cases"] for r in rows)
    assert shown[0]["month"] == "2022-01-01T00:00:00"  # a local date-time: no month shifts by time zone
    months = {"ru": "январь 2022", "kk": "Қаңтар 2022", "en": "January 2022"}
    assert shown[0]["month_label"] == months[lang]
    assert len(_values(spec, line["data"])) == len(rolling)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_yearly_chart_writes_the_change_on_each_bar_of_kch_and_kt(demo_store, scope, lang):
    rows = yearly(demo_store, scope, FIRST, LAST)
    spec = charts.yearly_chart(rows, lang)
    _assert_configured(spec, lang)
    assert len(spec["hconcat"]) == 2
    for panel, indicator in zip(spec["hconcat"], ("kch", "kt"), strict=True):
        bars, text = panel["layer"]
        assert panel["title"] == t(f"indicator.{indicator}", lang)
        assert bars["mark"]["type"] == "bar" and text["mark"]["type"] == "text"
        assert bars["encoding"]["y"]["field"] == indicator and bars["encoding"]["x"]["field"] == "year_label"
        assert text["encoding"]["text"]["field"] == f"yoy_{indicator}_label"
        tips = _tooltip_fields(bars["encoding"])
        assert tips[f"yoy_{indicator}_label"] == EXPECTED[lang]["yoy"]
        assert tips["injured"] == t("indicator.injured", lang)
    values = _values(spec, spec["hconcat"][0]["data"])
    assert [v["year_label"] for v in values] == [str(y) for y in range(FIRST, LAST + 1)]
    assert values[0]["yoy_kch_label"] == "–"  # no year before the first to compare with
    second = rows[1]["yoy_kch_pct"]
    assert second is not None
    expected = f"{abs(second):.1f}".replace(".", "," if lang != "en" else ".")
    assert values[1]["yoy_kch_label"] == ("+" if second > 0 else "\u2212") + expected + "\u00a0%"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_group_chart_sorts_bars_and_keeps_a_row_without_a_value(demo_store, scope, lang):
    rows = dash.groups(demo_store, scope, "district", YEAR, lang)
    rows.append({"name": "Без численности", "kch": None, "injured": 0, "headcount": None, "yoy_kch_pct": None})
    spec = charts.group_chart(rows, "kch", lang)
    _assert_configured(spec, lang)
    assert spec["mark"]["type"] == "bar"
    x, y = spec["encoding"]["x"], spec["encoding"]["y"]
    assert (x["field"], x["type"], x["title"]) == ("kch", "quantitative", t("indicator.kch", lang))
    assert (y["field"], y["type"]) == ("name", "nominal")
    ranked = sorted((r for r in rows if r["kch"] is not None), key=lambda r: -r["kch"])
    assert y["scale"]["domain"][0] == ranked[0]["name"] and y["scale"]["domain"][-1] == "Без численности"
    assert y["sort"] == y["scale"]["domain"] and len(y["sort"]) == len(rows)
    tips = _tooltip_fields(spec["encoding"])
    assert set(tips) == {"name", "kch", "injured", "headcount", "change_label"}
    assert tips["headcount"] == t("indicator.headcount", lang) and tips["change_label"] == EXPECTED[lang]["yoy"]
    empty = [v for v in _values(spec, spec["data"]) if v["name"] == "Без численности"]
    assert empty[0]["kch"] is None and empty[0]["change_label"] == "–"


def test_group_chart_of_a_count_shows_whole_numbers_once(demo_store, scope):
    spec = charts.group_chart(dash.groups(demo_store, scope, "division", YEAR, "kk"), "injured", "kk")
    tips = spec["encoding"]["tooltip"]
    assert [tip["field"] for tip in tips] == ["name", "injured", "headcount", "change_label"]
    assert tips[1]["format"] == ",.0f" and tips[1]["title"] == t("indicator.injured", "kk")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_heatmap_chart_colours_cells_by_band_and_writes_the_score(demo_store, scope, lang):
    rows = dash.heatmap(demo_store, scope, lang)
    spec = charts.heatmap_chart(rows, lang)
    _assert_configured(spec, lang)
    cells, text = spec["layer"]
    assert cells["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    x, y = cells["encoding"]["x"], cells["encoding"]["y"]
    assert x["field"] == "rule_label" and y["field"] == "name" and text["encoding"]["x"] == x
    assert x["sort"] == [t("dashboard.rule_short", lang, n=n) for n in range(1, 8)]
    assert x["title"] == t("chart.rule", lang)
    color = cells["encoding"]["color"]
    assert color["scale"]["domain"] == [t(f"chart.band.{b}", lang) for b in ("green", "yellow", "red", "none")]
    assert color["scale"]["range"] == ["#2e7d32", "#f9a825", "#c62828", "#9e9e9e"]
    assert color["title"] == t("chart.band", lang)
    assert text["encoding"]["text"]["field"] == "score_text"
    tips = _tooltip_fields(cells["encoding"])
    assert set(tips) == {"name", "rule_label", "score_label", "band_label", "assessed_label"}
    assert tips["score_label"] == EXPECTED[lang]["score"]
    values = _values(spec, spec["data"])
    assert len(values) == len(rows)
    sample = next(v for v in values if v["score"] is not None and v["score"] % 1)
    assert sample["score_text"] == str(round(sample["score"]))
    assert sample["band_label"] == t(f"chart.band.{sample['band']}", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_heatmap_chart_says_when_it_shows_only_the_lowest_scored_enterprises(demo_store, scope, lang):
    rows = dash.heatmap(demo_store, scope, lang, limit=5)
    spec = charts.heatmap_chart(rows, lang)
    assert spec["title"] == {
        "text": t("chart.heatmap.title", lang),
        "subtitle": [t("chart.heatmap.lowest", lang, n="5", total="31")],
    }
    assert spec["layer"][0]["encoding"]["y"]["sort"] == list(dict.fromkeys(r["name"] for r in rows))  # lowest first
    assert len(_values(spec, spec["data"])) == 5 * 7
    whole = charts.heatmap_chart(dash.heatmap(demo_store, scope, lang), lang)
    assert whole["title"] == t("chart.heatmap.title", lang)  # all 31 shown: nothing to say


def test_chart_data_never_goes_through_jsonschema(monkeypatch):
    """Altair validates schema objects row by row (seconds for thousands of rows): the rows must reach the spec as
    plain named datasets, never through Altair's validation."""
    from altair.utils import schemapi

    validated = []  # whether each validated spec held a row (the marker is in a field no encoding names)
    original = schemapi._get_errors_from_spec

    def spy(spec, *args, **kwargs):
        validated.append("Ж-метка" in json.dumps(spec, ensure_ascii=False, default=str))
        return original(spec, *args, **kwargs)

    monkeypatch.setattr(schemapi, "_get_errors_from_spec", spy)
    points = [
        {"bin": f"Ж-метка {i}", "name": str(i), "score": 50.0 + i % 40, "kch": (i % 13) / 3, "injured": i % 5}
        for i in range(2000)
    ]
    scatter = charts.scatter_chart(points, dash.pearson([p["score"] for p in points], [p["kch"] for p in points]), "ru")
    cells = [
        {
            "bin": f"Ж-метка {i}",
            "name": str(i),
            "rule": n,
            "rule_label": str(n),
            "score": 50.0,
            "band": "red",
            "assessed_on": None,
        }
        for i in range(40)
        for n in range(1, 8)
    ]
    heat = charts.heatmap_chart(cells, "ru")
    assert validated and not any(validated)
    assert len(_values(scatter, scatter["data"])) == 2000 and len(_values(heat, heat["data"])) == 280


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scatter_chart_states_r_and_n_and_draws_the_regression_line(demo_store, scope, lang):
    found = dash.scatter(demo_store, scope, YEAR, lang)
    points, correlation = found.points(), found.correlation
    assert correlation.r is not None and correlation.n == len(points) > 10
    spec = charts.scatter_chart(points, correlation, lang)
    _assert_configured(spec, lang)
    dots, line = spec["layer"]
    assert dots["mark"]["type"] == "circle" and line["mark"]["type"] == "line"
    assert line["transform"] == [{"on": "score", "regression": "kch"}]
    assert dots["encoding"]["x"]["field"] == "score" and dots["encoding"]["y"]["field"] == "kch"
    assert dots["encoding"]["x"]["title"] == EXPECTED[lang]["score"]
    assert set(_tooltip_fields(dots["encoding"])) == {"name", "score", "kch", "injured"}
    assert spec["title"]["text"] == t("chart.scatter.title", lang)
    stated, caveat = spec["title"]["subtitle"]
    r = f"{abs(correlation.r):.2f}".replace(".", "," if lang != "en" else ".")
    assert ("\u2212" if correlation.r < 0 else "") + r in stated and str(correlation.n) in stated
    assert caveat == t("chart.causation", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scatter_chart_without_r_says_so_and_draws_no_line(lang):
    points = [
        {"bin": "1", "name": "А", "score": 80.0, "kch": 1.0, "injured": 1},
        {"bin": "2", "name": "Ә", "score": 60.0, "kch": 2.0, "injured": 2},
    ]
    spec = charts.scatter_chart(points, dash.pearson([80.0, 60.0], [1.0, 2.0]), lang)
    assert len(spec["layer"]) == 1 and "transform" not in spec["layer"][0]
    assert spec["title"]["subtitle"][0] == t("chart.correlation.too_few", lang, n=2)
    assert charts.correlation_text(Correlation(-0.314, 31), "en") == "Pearson r = \u22120.31, n = 31 enterprises"


def test_charts_build_from_empty_rows():
    for lang in LANGUAGES:
        for chart in (
            charts.monthly_chart([], [], lang),
            charts.yearly_chart([], lang),
            charts.group_chart([], "kt", lang),
            charts.heatmap_chart([], lang),
            charts.scatter_chart([], Correlation(None, 0), lang),
        ):
            assert chart["config"]["font"] == "DejaVu Sans"


def test_locale_has_the_languages_month_names_and_separators():
    ru, kk, en = (charts.vega_locale(lang) for lang in ("ru", "kk", "en"))
    assert ru["time"]["shortMonths"][0] == "янв." and ru["time"]["days"][0] == "воскресенье"
    assert kk["time"]["months"][0] == "Қаңтар"
    assert en["time"]["months"][11] == "December" and en["time"]["days"][1] == "Monday"
    assert (ru["number"]["decimal"], ru["number"]["thousands"]) == (",", "\u00a0")
    assert (en["number"]["decimal"], en["number"]["thousands"]) == (".", ",")


def test_png_renders_kazakh_letters_with_the_bundled_font():
    assert (charts.FONT_DIR / "DejaVuSans.ttf").stat().st_size > 100_000
    assert (charts.FONT_DIR / "LICENSE-DejaVu.txt").exists()
    rows = [
        {"year": 2024, "kch": 1.25, "kt": 30.0, "yoy_kch_pct": None, "yoy_kt_pct": None, "injured": 3, "killed": 0},
        {"year": 2025, "kch": 0.95, "kt": 28.5, "yoy_kch_pct": -24.0, "yoy_kt_pct": -5.0, "injured": 2, "killed": 0},
    ]

    def png(title: str) -> bytes:
        return charts.chart_png(charts.yearly_chart(rows, "kk") | {"title": title}, scale=1.0)

    first = png("Жарақаттану: ӘӘӘ ҒҒҒ ҚҚҚ")
    assert first.startswith(b"\x89PNG\r\n\x1a\n") and len(first) > 20_000
    # Missing glyphs would draw as the same box (or nothing): different Kazakh letters must draw differently.
    assert png("Жарақаттану: ҢҢҢ ҮҮҮ ӨӨӨ") != first


def test_png_of_a_dashboard_chart_at_double_scale(demo_store, scope):
    chart = charts.heatmap_chart(dash.heatmap(demo_store, scope, "ru"), "ru")
    image = charts.chart_png(chart)
    assert image.startswith(b"\x89PNG") and len(image) > 100_000
    width = int.from_bytes(image[16:20], "big")
    assert width > 2 * 300


def test_a_figure_carries_its_data_as_rows_and_as_the_same_arrow(demo_store, scope):
    chart = charts.heatmap_chart(dash.heatmap(demo_store, scope, "ru"), "ru")
    found = charts.figure(chart)
    assert found.vega_lite() == chart
    assert "datasets" not in found.spec and found.arrow.keys() == chart["datasets"].keys()
    for name, rows in chart["datasets"].items():
        assert pa.ipc.open_stream(found.arrow[name]).read_all().to_pylist() == rows
    page = found.with_arrow_data()
    page.pop("datasets")  # what Streamlit does to the spec it is given: the shared one keeps its data
    assert found.with_arrow_data()["datasets"] == found.arrow
    assert charts.chart_png(found) == charts.chart_png(chart)


def test_a_column_of_mixed_values_goes_to_arrow_as_text():
    found = charts.figure(
        charts.district_chart([{"district": 1, "enterprises": 2}, {"district": "Б", "enterprises": None}], "ru")
    )
    (data,) = found.arrow.values()
    assert pa.ipc.open_stream(data).read_all().to_pylist() == [
        {"district": "1", "enterprises": 2},
        {"district": "Б", "enterprises": None},
    ]


def test_rows_become_one_arrow_table_with_decimals_as_floats_and_missing_values_null():
    table = arrow_table([{"a": Decimal("1.5"), "b": "x"}, {"a": 2, "c": dt.date(2026, 1, 5)}])
    assert table.column_names == ["a", "b", "c"]
    assert table.to_pylist() == [
        {"a": 1.5, "b": "x", "c": None},
        {"a": 2.0, "b": None, "c": dt.date(2026, 1, 5)},
    ]
    assert arrow_table([]).num_rows == 0


def test_figures_are_built_once_per_key_and_shared(demo_store, scope, monkeypatch):
    built = []
    real = charts.figure
    monkeypatch.setattr(charts, "figure", lambda chart: built.append(1) or real(chart))
    first = figures.heatmap(demo_store, scope, "ru")
    assert figures.heatmap(demo_store, scope, "ru") is first and len(built) == 1
    assert figures.heatmap(demo_store, scope, "kk") is not first and len(built) == 2


def test_png_refuses_to_fetch_remote_data():
    remote = {"data": {"url": "https://example.com/data.json"}, "mark": "point", "encoding": {"x": {"field": "a"}}}
    with pytest.raises(Exception, match="not allowed"):
        charts.chart_png(remote)


def test_workbook_has_one_sheet_per_table_with_excel_safe_titles():
    long_title = "Показатели по районам за 2025 год (Кч, Кт)"
    sheets = {
        long_title: (["Район", "Кч"], [["Тараз қаласы", 0.8], ["Жамбыл ауданы", math.nan]]),
        long_title + " ещё": (["Район", "Кт"], [["Шу ауданы", 12.5]]),
        "Лига: 2025/26 [демо]?": (["№", "Предприятие"], [[1, "ТОО «Тұлпар Цемент»"]]),
        "лига_ 2025_26 _демо__": (["A"], []),
    }
    book = load_workbook(io.BytesIO(charts.table_workbook(sheets)))
    titles = book.sheetnames
    assert len(titles) == 4 and all(len(title) <= 31 for title in titles)
    assert len({title.casefold() for title in titles}) == 4
    assert titles[0] == long_title[:31].rstrip() and titles[1].endswith(" (2)")
    assert titles[2] == "Лига_ 2025_26 _демо__" and titles[3] == "лига_ 2025_26 _демо__ (2)"
    first = book[titles[0]]
    assert [c.value for c in first[1]] == ["Район", "Кч"]
    assert [c.value for c in first[2]] == ["Тараз қаласы", 0.8]
    assert [c.value for c in first[3]] == ["Жамбыл ауданы", None]  # NaN is an empty cell, not an Excel error
    assert first.freeze_panes == "A2" and first["A1"].font.b
    assert [c.value for c in book[titles[2]][2]] == [1, "ТОО «Тұлпар Цемент»"]
    assert book[titles[3]].max_row == 1


def test_workbook_without_tables_is_still_a_valid_file():
    book = load_workbook(io.BytesIO(charts.table_workbook({})))
    assert book.sheetnames == ["Sheet"]


def test_charts_module_never_imports_streamlit():
    tree = ast.parse((ROOT / "safety" / "indicators" / "charts.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not [name for name in imported if name.split(".")[0] == "streamlit"]
    script = (
        "import sys, safety.indicators.charts as c; c.chart_png(c.group_chart([], 'kch', 'ru'), scale=0.5); "
        "bad = [m for m in sys.modules if m.split('.')[0] == 'streamlit']; print(bad); sys.exit(bool(bad))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_chart_renderer_warms_up_once_per_process_in_the_background():
    first = charts.warm_up()
    assert charts.warm_up() is first and first.daemon
    first.join(120)
    assert not first.is_alive()
