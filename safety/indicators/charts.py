"""The managers' dashboard and the enterprise card as charts (Vega-Lite specs: each mark and its encoding written
with Altair, put together as plain dicts), and their export as PNG images and an .xlsx workbook.

Headless: this module never imports streamlit, so charts can be built and exported by tests, the CLI or a job.
The rows come from `safety.indicators.dashboard` and `safety.indicators.formulas`. Every label is from the catalogue;
numbers and months are formatted for the language (a d3 locale built from Babel goes into each chart's config). Charts
carry their data inline and fetch nothing; PNGs are drawn with the bundled DejaVu Sans (safety/fonts), so Cyrillic and
Kazakh letters render whatever fonts the machine has.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import pyarrow as pa
import vl_convert
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from safety.files.writer import new_workbook, workbook_bytes, write_table
from safety.i18n import (
    BABEL_LOCALES,
    format_change,
    format_date,
    format_number,
    format_percent,
    normalise_language,
    t,
)
from safety.incidents.model import KINDS, SEVERITIES
from safety.indicators.arrow import arrow_table, ipc_bytes
from safety.indicators.dashboard import Correlation
from safety.indicators.registry import RATES

FONT = "DejaVu Sans"
FONT_DIR = Path(__file__).parents[1] / "fonts"  # safety/fonts
BAND_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "none": "#9e9e9e"}
# Bars of cases by kind and severity: the same colour for the same group in every language.
CASE_COLOURS = {
    ("accident", "light"): "#f4a261",
    ("accident", "severe"): "#e76f51",
    ("accident", "fatal"): "#8d0801",
    ("accident", None): "#e9c46a",
    ("near_miss", None): "#8ecae6",
    ("micro_injury", None): "#90be6d",
    ("occupational_disease", None): "#7b2cbf",
}
OTHER_COLOUR = "#757575"
LINE_COLOUR = "#212121"
BAR_COLOUR = "#1f77b4"
TREND_COLOUR = "#c62828"
RATE_FORMAT = ",.2f"
COUNT_FORMAT = ",.0f"
EXCEL_TITLE_MAX = 31
EXCEL_TITLE_FORBIDDEN = set("[]:*?/\\")


@dataclass(frozen=True)
class Figure:
    """A finished chart: its Vega-Lite spec without data, and each named dataset as Arrow IPC bytes (what the page
    sends the browser, and a quarter of the memory of the rows). Built once, a Figure is shared by every session
    that shows it, so nothing in it is ever changed; `__deepcopy__` hands out the same one."""

    spec: dict[str, Any]
    arrow: dict[str, bytes]

    def __deepcopy__(self, memo: dict[int, Any]) -> Figure:
        return self

    def vega_lite(self) -> dict[str, Any]:
        """The whole Vega-Lite spec, its data inline as rows (read back from the Arrow: for a PNG, now and then)."""
        rows = {name: pa.ipc.open_stream(data).read_all().to_pylist() for name, data in self.arrow.items()}
        return {**self.spec, "datasets": rows}

    def with_arrow_data(self) -> dict[str, Any]:
        """A new top-level spec whose datasets are the Arrow bytes (the form a page's chart takes without
        converting the rows again)."""
        return {**self.spec, "datasets": dict(self.arrow)}


def figure(chart: dict[str, Any]) -> Figure:
    """A chart's spec (from the functions below) as a Figure: its data apart, as Arrow."""
    spec = dict(chart)
    rows = spec.pop("datasets", {})
    return Figure(spec, {name: ipc_bytes(arrow_table(values)) for name, values in rows.items()})


# --- monthly cases and the rolling Кч


def monthly_chart(monthly_rows: list[dict[str, Any]], rolling_rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Cases per month stacked by kind · severity, with the rolling 12-month Кч as a line on the right-hand axis."""
    groups = _case_groups(monthly_rows)
    labels, colours = [g for g, _ in groups], [c for _, c in groups]
    bars_data = [
        r | {"month_label": _month_label(r["month"], lang), "stack": labels.index(r["group"])} for r in monthly_rows
    ]
    line_data = [r | {"month_label": _month_label(r["month"], lang)} for r in rolling_rows]
    month, cases, group = t("chart.month", lang), t("chart.cases", lang), t("chart.case_group", lang)
    kch_12m = t("chart.rolling_12m", lang, name=t("indicator.kch", lang))
    x = alt.X("month:T", timeUnit="yearmonth", title=month, axis=alt.Axis(format="%b %Y", labelAngle=-40))
    data = _Datasets()
    bars = _unit(
        alt.Chart()
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("cases:Q", stack="zero", title=cases),
            color=alt.Color(
                "group:N",
                title=group,
                sort=labels,
                scale=alt.Scale(domain=labels, range=colours),
                legend=alt.Legend(labelLimit=320),
            ),
            order=alt.Order("stack:Q"),
            tooltip=[
                alt.Tooltip("month_label:N", title=month),
                alt.Tooltip("group:N", title=group),
                alt.Tooltip("cases:Q", title=cases, format=COUNT_FORMAT),
            ],
        )
    )
    bars["data"] = data.add(bars_data)
    dots = alt.OverlayMarkDef(size=18, color=LINE_COLOUR)
    line = _unit(
        alt.Chart()
        .mark_line(color=LINE_COLOUR, point=dots)
        .encode(
            x=x,
            y=alt.Y("kch_12m:Q", title=kch_12m, axis=alt.Axis(orient="right", titleColor=LINE_COLOUR)),
            tooltip=[
                alt.Tooltip("month_label:N", title=month),
                alt.Tooltip("kch_12m:Q", title=kch_12m, format=RATE_FORMAT),
            ],
        )
    )
    line["data"] = data.add(line_data)
    chart = {
        "layer": [bars, line],
        "resolve": {"scale": {"y": "independent"}},
        "title": t("chart.monthly.title", lang),
        "width": 640,
        "height": 320,
    }
    return _finish(chart, lang, data)


def _case_groups(rows: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """The (label, colour) of each kind · severity present, in the order of kinds and severities."""
    found = {(r["kind"], r["severity"]): r["group"] for r in rows}
    rank = {(k, s): (i, j) for i, k in enumerate(KINDS) for j, s in enumerate((None, *SEVERITIES))}
    keys = sorted(found, key=lambda key: (rank.get(key, (len(KINDS), 0)), str(key)))
    return [(found[key], CASE_COLOURS.get(key) or CASE_COLOURS.get((key[0], None), OTHER_COLOUR)) for key in keys]


def _month_label(month: dt.date, lang: str) -> str:
    """A month for tooltips: «март 2024», «Наурыз 2024», "March 2024"."""
    return format_date(month, lang, "LLLL y")


# --- Кч and Кт by year


def yearly_chart(yearly_rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Bars of Кч and of Кт per year side by side, each bar with its year-on-year change written above it."""
    rows = [
        r
        | {
            "year_label": str(r["year"]),
            "yoy_kch_label": _signed_percent(r.get("yoy_kch_pct"), lang),
            "yoy_kt_label": _signed_percent(r.get("yoy_kt_pct"), lang),
        }
        for r in yearly_rows
    ]
    data = _Datasets()
    panels = [_year_panel(rows, indicator, lang) | {"data": data.add(rows)} for indicator in ("kch", "kt")]
    return _finish({"hconcat": panels, "title": t("chart.yearly.title", lang)}, lang, data)


def _year_panel(rows: list[dict[str, Any]], indicator: str, lang: str) -> dict[str, Any]:
    """One indicator's bars per year with the change as text above each bar."""
    label = t(f"indicator.{indicator}", lang)
    year = t("chart.year", lang)
    top = max((r[indicator] for r in rows if r.get(indicator) is not None), default=0) or 1
    base = alt.Chart().encode(
        x=alt.X("year_label:O", title=year, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{indicator}:Q", title=label, scale=alt.Scale(domain=[0, top * 1.15], nice=False)),
        tooltip=[
            alt.Tooltip("year_label:N", title=year),
            alt.Tooltip(f"{indicator}:Q", title=label, format=RATE_FORMAT),
            alt.Tooltip(f"yoy_{indicator}_label:N", title=t("indicator.yoy", lang)),
            alt.Tooltip("injured:Q", title=t("indicator.injured", lang), format=COUNT_FORMAT),
            alt.Tooltip("killed:Q", title=t("indicator.killed", lang), format=COUNT_FORMAT),
        ],
    )
    bars = _unit(base.mark_bar(color=BAR_COLOUR))
    text = _unit(base.mark_text(baseline="bottom", dy=-3, fontSize=11).encode(text=f"yoy_{indicator}_label:N"))
    return {"layer": [bars, text], "title": label, "width": {"step": 56}, "height": 260}


def _signed_percent(value: float | None, lang: str) -> str:
    """A change in percent with its sign («+6,6 %», «−29,0 %»); an en dash when there is none."""
    return format_change(value, lang)


# --- one indicator by district, industry or enterprise


def group_chart(rows: list[dict[str, Any]], indicator: str, lang: str) -> dict[str, Any]:
    """Horizontal bars of one indicator by name, highest first; a name without a value keeps its row, no bar."""
    label = t(f"indicator.{indicator}", lang)
    ordered = sorted(rows, key=lambda r: (r.get(indicator) is None, -(r.get(indicator) or 0), str(r.get("name"))))
    names = list(dict.fromkeys(str(r.get("name")) for r in ordered))
    change = f"yoy_{indicator}_pct"
    data = [r | {"name": str(r.get("name")), "change_label": _signed_percent(r.get(change), lang)} for r in ordered]
    fields = {indicator: (label, RATE_FORMAT if indicator in RATES else COUNT_FORMAT)}
    fields |= {k: (t(f"indicator.{k}", lang), COUNT_FORMAT) for k in ("injured", "headcount") if k != indicator}
    tooltip = [alt.Tooltip("name:N", title=t("chart.name", lang))]
    tooltip += [alt.Tooltip(f"{k}:Q", title=title, format=fmt) for k, (title, fmt) in fields.items()]
    if any(change in r for r in rows):
        tooltip.append(alt.Tooltip("change_label:N", title=t("indicator.yoy", lang)))
    datasets = _Datasets()
    chart = _unit(
        alt.Chart()
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X(f"{indicator}:Q", title=label),
            y=alt.Y("name:N", title=None, sort=names, scale=alt.Scale(domain=names), axis=alt.Axis(labelLimit=320)),
            tooltip=tooltip,
        )
    )
    chart |= {"data": datasets.add(data), "title": label, "width": 420, "height": {"step": 20}}
    return _finish(chart, lang, datasets)


# --- golden-rule heatmap


def heatmap_chart(rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Enterprises × golden rules: traffic-light cells by band with the score written in each, enterprises in the
    rows' order (`safety.indicators.dashboard.heatmap`: lowest overall score first). When the rows say more
    enterprises were assessed than they hold ("assessed"), the subtitle says these are the lowest n of them."""
    bands = {band: t(f"chart.band.{band}", lang) for band in BAND_COLOURS}
    data = [
        r
        | {
            "band_label": bands.get(r.get("band") or "none", bands["none"]),
            "score_text": format_number(r.get("score"), lang),
            "score_label": format_percent(r.get("score"), lang),
            "assessed_label": format_date(r.get("assessed_on"), lang),
        }
        for r in rows
    ]
    rules = [r["rule_label"] for r in sorted({r["rule"]: r for r in rows}.values(), key=lambda r: r["rule"])]
    names = list(dict.fromkeys(str(r["name"]) for r in rows))
    shown = len({r.get("bin", r["name"]) for r in rows})
    assessed = max((r.get("assessed") or 0 for r in rows), default=0)
    title: Any = t("chart.heatmap.title", lang)
    if assessed > shown:
        subtitle = t("chart.heatmap.lowest", lang, n=format_number(shown, lang), total=format_number(assessed, lang))
        title = {"text": title, "subtitle": [subtitle]}
    base = alt.Chart().encode(
        x=alt.X("rule_label:O", title=t("chart.rule", lang), sort=rules, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("name:N", title=None, sort=names, axis=alt.Axis(labelLimit=320)),
        tooltip=[
            alt.Tooltip("name:N", title=t("chart.enterprise", lang)),
            alt.Tooltip("rule_label:N", title=t("chart.rule", lang)),
            alt.Tooltip("score_label:N", title=t("chart.score", lang)),
            alt.Tooltip("band_label:N", title=t("chart.band", lang)),
            alt.Tooltip("assessed_label:N", title=t("chart.assessed_on", lang)),
        ],
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "band_label:N",
            title=t("chart.band", lang),
            sort=list(bands.values()),
            scale=alt.Scale(domain=list(bands.values()), range=list(BAND_COLOURS.values())),
        )
    )
    light = alt.FieldOneOfPredicate(field="band", oneOf=["green", "red"])
    text = base.mark_text(fontSize=11).encode(
        text="score_text:N", color=alt.when(light).then(alt.value("white")).otherwise(alt.value(LINE_COLOUR))
    )
    datasets = _Datasets()
    chart = {
        "layer": [_unit(cells), _unit(text)],
        "data": datasets.add(data),
        "title": title,
        "width": {"step": 44},
        "height": {"step": 20},
    }
    return _finish(chart, lang, datasets)


# --- leading against lagging


def scatter_chart(points: list[dict[str, Any]], correlation: Correlation, lang: str) -> dict[str, Any]:
    """Each enterprise's score against its Кч, a least-squares line when r exists, and r and n in the subtitle."""
    score = t("chart.score", lang)
    kch = t("indicator.kch", lang)
    base = alt.Chart().encode(
        x=alt.X("score:Q", title=score, scale=alt.Scale(zero=False)),
        y=alt.Y("kch:Q", title=kch),
    )
    dots = base.mark_circle(size=70, opacity=0.8, color=BAR_COLOUR).encode(
        tooltip=[
            alt.Tooltip("name:N", title=t("chart.enterprise", lang)),
            alt.Tooltip("score:Q", title=score, format=",.1f"),
            alt.Tooltip("kch:Q", title=kch, format=RATE_FORMAT),
            alt.Tooltip("injured:Q", title=t("indicator.injured", lang), format=COUNT_FORMAT),
        ]
    )
    layers = [_unit(dots)]
    if correlation.r is not None:
        line = base.transform_regression("score", "kch").mark_line(color=TREND_COLOUR, strokeDash=[6, 4])
        layers.append(_unit(line))
    title = {
        "text": t("chart.scatter.title", lang),
        "subtitle": [correlation_text(correlation, lang), t("chart.causation", lang)],
    }
    datasets = _Datasets()
    chart = {"layer": layers, "data": datasets.add(points), "title": title, "width": 480, "height": 320}
    return _finish(chart, lang, datasets)


def correlation_text(correlation: Correlation, lang: str) -> str:
    """Pearson's r and n in words («r Пирсона = −0,31; предприятий: 31»), or why there is no r."""
    if correlation.r is None:
        return t("chart.correlation.too_few", lang, n=correlation.n)
    r = format_number(abs(correlation.r), lang, 2)
    return t("chart.correlation", lang, r=("\u2212" if correlation.r < 0 else "") + r, n=correlation.n)


# --- an enterprise's golden-rule assessments

STATUS_COLOURS = {"green": "#2E7D32", "yellow": "#F9A825", "red": "#C62828", "na": "#9E9E9E"}


def history_chart(points: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The overall score (a thick line) and each rule's score over the assessments' dates; `points` are
    `checklists.assessments.history_points` with each series' name in the language."""
    when, score, series = t("export.assessed_on", lang), t("history.score", lang), t("history.series", lang)
    chart = _unit(
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=alt.X("assessed_on:T", title=when, axis=alt.Axis(format="%m.%Y")),
            y=alt.Y("score:Q", title=score, scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("name:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=400)),
            strokeWidth=alt.when(alt.datum.series == "overall").then(alt.value(4)).otherwise(alt.value(1.5)),
            tooltip=[
                alt.Tooltip("name:N", title=series),
                alt.Tooltip("assessed_on:T", title=when, format="%d.%m.%Y"),
                alt.Tooltip("score:Q", title=score),
            ],
        )
    )
    datasets = _Datasets()
    return _finish(chart | {"data": datasets.add(points)}, lang, datasets)


def profile_chart(rules: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The latest assessment's score per rule as bars coloured by status, rules in their order."""
    score = t("history.score", lang)
    chart = _unit(
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("score:Q", title=score, scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("rule:N", title=None, sort=None, axis=alt.Axis(labelLimit=400)),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
                legend=None,
            ),
            tooltip=[alt.Tooltip("rule:N", title=t("actions.rule", lang)), alt.Tooltip("score:Q", title=score)],
        )
    )
    datasets = _Datasets()
    return _finish(chart | {"data": datasets.add(rules)}, lang, datasets)


# --- the home page's enterprises by district


def district_chart(rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Horizontal bars of the Vision Zero enterprises in each district, most first."""
    enterprises = t("home.axis.enterprises", lang)
    chart = _unit(
        alt.Chart()
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X("enterprises:Q", title=enterprises, axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("district:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            tooltip=[
                alt.Tooltip("district:N", title=t("label.kato", lang)),
                alt.Tooltip("enterprises:Q", title=enterprises, format=COUNT_FORMAT),
            ],
        )
    )
    datasets = _Datasets()
    return _finish(chart | {"data": datasets.add(rows)}, lang, datasets)


# --- shared pieces


def _unit(chart: alt.Chart) -> dict[str, Any]:
    """One mark and its encoding as Vega-Lite, written with Altair's typed API. Charts are put together from these
    as dicts: composing Altair objects (layers, concatenation, configuration) deep-copies and validates them
    again at each step, a tenth of a second per chart, which many sessions would pay over and over."""
    spec = chart.to_dict(validate=False)
    for key in ("$schema", "config", "data", "datasets"):  # a unit has no data of its own: Altair adds a stand-in
        spec.pop(key, None)
    return spec


class _Datasets(dict[str, list[dict[str, Any]]]):
    """A chart's named datasets: rows of plain JSON values (nothing is fetched), named by a hash of their content
    as Altair names them, so the same rows in two places are sent once."""

    def add(self, rows: Iterable[dict[str, Any]]) -> dict[str, str]:
        """Hold the rows; return the data reference a (sub)chart points at them with."""
        values = [{str(k): _plain(v) for k, v in r.items()} for r in rows]
        name = "data-" + hashlib.md5(json.dumps(values, sort_keys=True).encode(), usedforsecurity=False).hexdigest()
        self[name] = values
        return {"name": name}


def _plain(value: Any) -> Any:
    """A JSON value: a date as a local date-time (so months never shift by time zone), NaN as null."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat() + "T00:00:00"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _finish(chart: dict[str, Any], lang: str, datasets: _Datasets) -> dict[str, Any]:
    """The whole Vega-Lite spec: the chart, its datasets, the bundled font and the language's number and date
    formats."""
    config = {
        "view": {"continuousWidth": 300, "continuousHeight": 300},
        "font": FONT,
        "locale": vega_locale(lang),
        "padding": {"left": 5, "top": 5, "right": 16, "bottom": 5},  # room for the last letters of a legend
        "title": {"anchor": "start", "subtitleColor": "#555"},
    }
    return {"$schema": alt.SCHEMA_URL, "config": config, **chart, "datasets": dict(datasets)}


def vega_locale(lang: str) -> dict[str, Any]:
    """d3 number and time formats of the language (decimal comma, month names), from Babel (a new copy)."""
    return copy.deepcopy(_vega_locale(normalise_language(lang)))


@cache
def _vega_locale(lang: str) -> dict[str, Any]:
    locale = BABEL_LOCALES[normalise_language(lang)]
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # Babel counts days from Monday, d3 from Sunday
    days = babel_dates.get_day_names("wide", context="stand-alone", locale=locale)
    short_days = babel_dates.get_day_names("abbreviated", context="stand-alone", locale=locale)
    months = babel_dates.get_month_names("wide", context="stand-alone", locale=locale)
    short_months = babel_dates.get_month_names("abbreviated", context="stand-alone", locale=locale)
    date = "%m/%d/%Y" if lang == "en" else "%d.%m.%Y"
    return {
        "number": {
            "decimal": babel_numbers.get_decimal_symbol(locale),
            "thousands": babel_numbers.get_group_symbol(locale),
            "grouping": [3],
            "currency": ["", "\u00a0₸"],
            "minus": "\u2212",
        },
        "time": {
            "dateTime": f"{date} %H:%M:%S",
            "date": date,
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [days[i] for i in sunday_first],
            "shortDays": [short_days[i] for i in sunday_first],
            "months": [months[i] for i in range(1, 13)],
            "shortMonths": [short_months[i] for i in range(1, 13)],
        },
    }


# --- export


@cache
def _register_fonts() -> None:
    """Make the bundled fonts known to vl-convert (once per process)."""
    vl_convert.register_font_directory(str(FONT_DIR))


_warming = threading.Lock()
_warmed: list[threading.Thread] = []


def warm_up() -> threading.Thread:
    """Start vl-convert's JavaScript engine and load the fonts in the background, once per process: the first
    picture drawn otherwise waits for them (about 1.5 s), and that is the first report someone asks for."""
    with _warming:
        if not _warmed:
            tiny = {"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x"}}}
            _warmed.append(threading.Thread(target=chart_png, args=(tiny, 1.0), name="vz-charts-warm-up", daemon=True))
            _warmed[0].start()
        return _warmed[0]


def chart_png(chart: dict[str, Any] | Figure, scale: float = 2.0) -> bytes:
    """The chart as a PNG image, drawn with the bundled DejaVu Sans and without any network access."""
    _register_fonts()
    spec = chart.vega_lite() if isinstance(chart, Figure) else chart
    return vl_convert.vegalite_to_png(spec, scale=scale, allowed_base_urls=[])


def table_workbook(sheets: dict[str, tuple[list[str], Any]]) -> bytes:
    """An .xlsx with one sheet per entry, title → (headings, rows), where rows may be a function giving them (called
    now); titles fit Excel's 31 characters, unique."""
    book = new_workbook()
    book.remove(book.active)
    used: set[str] = set()
    for title, (headings, given) in sheets.items():
        rows = given() if callable(given) else given
        cells = [[None if isinstance(v, float) and math.isnan(v) else v for v in row] for row in rows]
        write_table(book.create_sheet(sheet_title(title, used)), list(headings), cells)
    if not book.worksheets:
        book.create_sheet(sheet_title("", used))
    return workbook_bytes(book)


def sheet_title(title: str, used: set[str]) -> str:
    """A valid Excel sheet title (no []:*?/\\, at most 31 characters) unlike those in `used`, which it joins."""
    base = "".join("_" if c in EXCEL_TITLE_FORBIDDEN else c for c in str(title)).strip().strip("'").strip()
    base = base or "Sheet"
    name, number = base[:EXCEL_TITLE_MAX].rstrip(), 1
    while name.casefold() in used:
        number += 1
        suffix = f" ({number})"
        name = base[: EXCEL_TITLE_MAX - len(suffix)].rstrip() + suffix
    used.add(name.casefold())
    return name
