"""Dashboard: injury indicators and Vision Zero progress of the region, a district, an industry or one enterprise.

An enterprise's manager and safety officer get no district, industry or enterprise filter, and scope_for holds
them to their own enterprise whatever the session asks for.
"""

import datetime as dt
from functools import partial

import streamlit as st

from app_pages.indicators_section import chart_block, number_columns, yearly_table
from app_pages.ui import Col, choose, choose_many, lang, show_error, show_table, store, titled_metric, tr, user
from safety.access.roles import enterprise_scope
from safety.errors import SafetyError
from safety.i18n import format_date, format_number, format_percent
from safety.incidents.model import KINDS
from safety.indicators import figures
from safety.indicators.charts import correlation_text
from safety.indicators.dashboard import (
    enterprise_choices,
    enterprise_labels,
    league,
    scatter,
    splits,
    tiles,
)
from safety.indicators.formulas import scope_for, yearly
from safety.indicators.programme import latest_year
from safety.indicators.registry import EXPLAINED, INDICATOR
from safety.register.enterprises import VISION_ZERO_LAUNCH
from safety.register.geography import DISTRICTS, DIVISIONS
from safety.reports.dashboard import LEAGUE, SPLITS, dashboard_report
from safety.reports.scope import scope_text
from safety.reports.xlsx import report_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COMPARED = ("kch", "kt", "kp", "kch_fatal", "ltifr", "trir", "dart", "injured", "killed")  # keys of INDICATOR


def show_tile(column, tile, year: int) -> None:
    """One KPI tile: the value, its change in percent (green when it moved the better way) and last year's."""
    value = tr("indicator.no_data") if tile.value is None else format_number(tile.value, lang(), tile.digits)
    delta = (
        None
        if tile.change_pct is None
        else ("+" if tile.change_pct > 0 else "") + format_percent(tile.change_pct, lang())
    )
    colour = {"down": "inverse", "up": "normal"}.get(tile.better, "off")
    unchanged = tile.change_pct is not None and round(tile.change_pct, 1) == 0  # no arrow, no colour for «0,0 %»
    previous = format_number(tile.previous, lang(), tile.digits)
    helper = (
        tr(
            "dashboard.tile.as_of",
            date=format_date(tile.as_of, lang()),
            previous_date=format_date(tile.previous_as_of, lang()),
            value=previous,
        )
        if tile.as_of
        else tr("dashboard.tile.previous", year=year - 1, value=previous)
    )
    titled_metric(
        column,
        tr(tile.key),
        value,
        delta,
        delta_color="off" if unchanged else colour,
        delta_arrow="off" if unchanged else "auto",
        help=helper,
        border=True,
    )


me = user()
scoped = enterprise_scope(me) is not None
st.title(tr("dashboard.title"))

latest = latest_year(store(), me) or dt.date.today().year
top = max(latest, dt.date.today().year)
first, last = st.slider(
    tr("dashboard.years"),
    VISION_ZERO_LAUNCH.year,
    top,
    (max(latest - 4, VISION_ZERO_LAUNCH.year), latest),
    key="dash_years",
)
kind_names = {k: tr("kind." + k) for k in KINDS}
kinds = choose_many(st, tr("dashboard.kinds"), list(KINDS), "dash_kinds", kind_names.__getitem__, ["accident"])
district = division = bin_ = None
if not scoped:
    cols = st.columns(3)
    everyone = {None: tr("common.all")}
    districts = everyone | {d.kato: d.name(lang()) for d in DISTRICTS}
    district = choose(cols[0], tr("label.kato"), list(districts), "dash_district", districts.__getitem__)
    divisions = everyone | {d.code: f"{d.code} · {d.name(lang())}" for d in DIVISIONS}
    division = choose(cols[1], tr("label.division"), list(divisions), "dash_division", divisions.__getitem__)
    names = everyone | enterprise_labels(store(), me, lang(), district=district, division=division)
    bin_ = choose(cols[2], tr("enterprise.choose"), list(names), "dash_bin", names.__getitem__)
else:
    own = enterprise_choices(store(), me)
    st.caption(tr("dashboard.own", name=own[0].name(lang()) if own else "–"))
try:
    scope = scope_for(store(), me, district=district, division=division, bin_=bin_, kinds=kinds)
except SafetyError as exc:
    show_error(exc)
    st.stop()

by_year = yearly(store(), scope, first, last)
st.subheader(tr("dashboard.tiles", year=last, previous=last - 1))
shown = tiles(store(), scope, last, yearly_rows=by_year)
for row in range(0, len(shown), 4):
    for column, tile in zip(st.columns(4), shown[row : row + 4], strict=False):
        show_tile(column, tile, last)

chart_block(figures.monthly(store(), scope, first, last, lang()), "monthly")
chart_block(figures.yearly(store(), scope, first, last, lang()), "yearly")
yearly_table(by_year)

compared = "kch"
if not scoped:
    indicators = {k: tr(INDICATOR[k].label) for k in COMPARED}
    compared = choose(st, tr("dashboard.indicator"), list(COMPARED), "dash_indicator", indicators.__getitem__)
    left, right = st.columns(2)
    groupings = tuple(group for group, *_ in SPLITS)
    split = splits(store(), scope, last, lang(), groupings)
    for column, (group, name, title, _) in zip((left, right), SPLITS, strict=True):
        with column:
            st.subheader(tr(title, year=last))
            chart_block(figures.split(store(), scope, last, lang(), groupings, group, compared), name)

chart_block(figures.heatmap(store(), scope, lang()), "heatmap")

years = last - first + 1  # the league's trend; the scatter's points come from the same league
ranked = league(store(), scope, last, lang(), years=years)
chart_block(figures.scatter(store(), scope, last, lang(), years), "scatter")
found = scatter(store(), scope, last, lang(), years)
st.caption(correlation_text(found.correlation, lang()))

st.subheader(tr("dashboard.league", year=last))
st.caption(tr("dashboard.league.help"))
table = ranked.shown
if len(ranked) > len(table):
    st.caption(tr("dashboard.league.top", shown=len(table), total=len(ranked)))
# the rank, the name and the figures first; where the enterprise is and what it does after
columns = {"rank": Col.number(tr(LEAGUE["rank"]), grouped=False, width="small")}
columns |= {"name": Col.text(tr(LEAGUE["name"]), width="medium")}
columns |= number_columns({k: LEAGUE[k] for k in ("kch", "kt", "yoy_kch_pct", "injured", "killed")})
columns |= {
    "score": Col.number(tr(LEAGUE["score"]), 1, width="small"),
    "trend": Col.trend(tr("dashboard.col.trend"), 120),
}
columns |= number_columns({"headcount": LEAGUE["headcount"]})
columns |= {"district": Col.text(tr(LEAGUE["district"]), width="medium")}
columns |= {"industry": Col.text(tr(LEAGUE["industry"]), width="large"), "bin": Col.text(tr(LEAGUE["bin"]), width=110)}
event = show_table(table, columns, on_select="rerun", selection_mode="single-row", key="dash_league")
picked = event.selection.rows if event and event.selection else []
if picked:
    st.session_state["enterprise_bin"] = table.column("bin")[picked[0]].as_py()
    st.switch_page("app_pages/enterprise.py")

with st.expander(tr("dashboard.explained"), icon=":material/functions:"):
    for name in EXPLAINED:
        st.markdown(f"**{tr('indicator.' + name)}** — {tr('indicator.' + name + '.help')}")

workbook = partial(
    dashboard_report,
    store(),
    me,
    scope,
    first,
    last,
    lang(),
    scope_text=scope_text(store(), me, scope, lang()),
    compared=compared,
    comparisons=not scoped,
)
st.download_button(
    tr("dashboard.download"),
    data=lambda: report_xlsx(workbook()),  # built only when it is asked for
    file_name=f"vision_zero_indicators_{first}_{last}.xlsx",
    mime=XLSX,
    key="dash_xlsx",
    on_click="ignore",
    icon=":material/download:",
)
