"""Indicator blocks shared by the dashboard and the enterprise card: a chart with its PNG download, the yearly
indicators table, and the enterprise card's "Indicators" section."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import streamlit as st

from app_pages.ui import Col, draw, lang, show_error, show_table, store, tr
from safety.access.roles import User
from safety.errors import SafetyError
from safety.i18n import catalogue
from safety.indicators import figures
from safety.indicators.arrow import arrow_table
from safety.indicators.charts import Figure, chart_png
from safety.indicators.formulas import scope_for, yearly
from safety.indicators.registry import digits
from safety.register.enterprises import enterprise_years
from safety.reports.dashboard import YEARLY

CHANGES = ("yoy_kch_pct", "yoy_kt_pct")


def chart_block(chart: Figure, name: str) -> None:
    """Draw a shared chart and a PNG download that renders the picture only when it is clicked."""
    draw(chart)
    st.download_button(
        tr("dashboard.png"),
        data=partial(chart_png, chart),
        file_name=f"{name}.png",
        mime="image/png",
        key=f"png_{name}",
        on_click="ignore",
        icon=":material/image:",
    )


def number_columns(columns: dict[str, str]) -> dict[str, Col]:
    """Narrow number columns headed from the catalogue: rates with the tiles' decimals, changes in percent, counts
    grouped, the year plain. Hovering a heading explains the rate, or shows the whole heading that was cut."""
    found: dict[str, Col] = {}
    for name, key in columns.items():
        explained = "indicator.yoy.help" if name in CHANGES else f"indicator.{name}.help"
        hover = tr(explained) if explained in catalogue() else tr(key)
        if name in CHANGES:
            found[name] = Col.change(tr(key), help=hover)
        else:
            found[name] = Col.number(tr(key), digits(name), grouped=name != "year", width="small", help=hover)
    return found


def yearly_table(rows: list[dict[str, Any]]) -> None:
    """The indicators of each year, newest first."""
    show_table(arrow_table(reversed(rows)), number_columns(YEARLY))


def indicators_section(me: User, bin_: str) -> None:
    """The enterprise card's indicators: the last five years' table and chart (scope_for holds a scoped user to
    their own enterprise)."""
    st.subheader(tr("enterprise.indicators"))
    st.caption(tr("enterprise.indicators.help"))
    try:
        last = max((y.year for y in enterprise_years(store(), me, bin_)), default=dt.date.today().year)
        scope = scope_for(store(), me, bin_=bin_)
        rows = yearly(store(), scope, last - 4, last)
    except SafetyError as exc:
        show_error(exc)
        return
    yearly_table(rows)
    chart_block(figures.yearly(store(), scope, last - 4, last, lang()), f"indicators_{bin_}")
