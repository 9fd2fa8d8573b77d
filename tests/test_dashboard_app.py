"""The dashboard and the enterprise card's indicators through AppTest: every language, the tiles against
safety.indicators.formulas, scoped users held to their own enterprise, the league opening an enterprise, the
downloads."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from safety.access.auth import current_user
from safety.access.roles import SYSTEM
from safety.db import Store
from safety.i18n import LANGUAGES, format_date, format_number, format_percent, plain, t
from safety.indicators.formulas import scope_for, yearly
from safety.register.enterprises import list_enterprises

from conftest import recorded_downloads, sheet_table, user_id_of

DASHBOARD = "app_pages/dashboard.py"
ENTERPRISE = "app_pages/enterprise.py"
FILTERS = ("dash_district", "dash_division", "dash_bin")  # each keyed <name>@<language> (ui.choose)
CHARTS = ("monthly", "yearly", "districts", "industries", "heatmap", "scatter")


def _figures(at, username, year, **filters):
    """The user's indicators of `year` straight from the library, for the filters given."""
    with Store(at.db_path) as store:
        user = current_user(store, user_id_of(store, username))
        [row] = yearly(store, scope_for(store, user, **filters), year, year)
    return row


def _tiles(at):
    return {m.label: m.value for m in at.metric}


def _league(at):
    return next(d for d in at.dataframe if d.key == "dash_league").value


def _dashboard(demo_app, username):
    at = demo_app(username)
    at.switch_page(DASHBOARD).run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    return at


def test_dashboard_in_every_language_shows_the_region_figures(demo_app):
    at = _dashboard(demo_app, "demo.region")
    first, last = at.slider(key="dash_years").value
    assert last - first == 4  # five years ending with the latest year that has data
    region = _figures(at, "demo.region", last)
    assert region["injured"] > 0
    for lang in LANGUAGES:
        if lang != "ru":  # Russian is the default
            at.sidebar.selectbox(key="lang").set_value(lang).run()
        assert not at.exception and not at.error, (lang, at.exception, [e.value for e in at.error])
        assert [title.value for title in at.title] == [t("dashboard.title", lang)]
        tiles = _tiles(at)
        assert len(tiles) == 8
        assert tiles[t("dashboard.tile.injured", lang)] == format_number(region["injured"], lang)
        assert tiles[t("dashboard.tile.killed", lang)] == format_number(region["killed"], lang)
        assert tiles[t("indicator.kch", lang)] == format_number(region["kch"], lang, 2)
        overdue = next(m for m in at.metric if m.label == t("dashboard.tile.overdue_actions", lang))
        assert overdue.delta  # compared with the end of the year before, like the other tiles
        title = next(m for m in at.markdown if m.value == overdue.label)  # the tile's title, with its help
        assert plain(format_date(dt.date(last - 1, 12, 31), lang)) in title.proto.help  # escaped for Markdown
        assert {s.key for s in at.selectbox} >= {f"{name}@{lang}" for name in FILTERS}
        assert len(at.get("vega_lite_chart")) == len(CHARTS)
        assert len(_league(at)) == 31
        explained = " ".join(m.value for m in at.expander[0].markdown)
        assert t("indicator.kch.help", lang) in explained and t("indicator.yoy.help", lang) in explained


def test_filters_narrow_the_figures_and_the_downloads_hold_them(demo_app, monkeypatch):
    captured = recorded_downloads(monkeypatch)
    at = _dashboard(demo_app, "demo.region")
    first, last = at.slider(key="dash_years").value
    assert {f"{name}.png" for name in CHARTS} <= set(captured)
    book = load_workbook(io.BytesIO(captured[f"vision_zero_indicators_{first}_{last}.xlsx"]()))
    sheets = (
        "export.summary",
        "dashboard.sheet.yearly",
        "dashboard.sheet.monthly",
        "dashboard.sheet.districts",
        "dashboard.sheet.industries",
        "dashboard.sheet.league",
        "dashboard.sheet.heatmap",
        "dashboard.sheet.scatter",
    )
    assert {t(k, "ru")[:31] for k in sheets} <= set(book.sheetnames)
    rows = sheet_table(book[t("dashboard.sheet.yearly", "ru")], t("label.year", "ru"))
    assert [r[0] for r in rows[1:]] == list(range(first, last + 1))
    assert len(sheet_table(book[t("dashboard.sheet.league", "ru")], t("dashboard.col.rank", "ru"))) == 1 + 31
    heatmap = sheet_table(book[t("dashboard.sheet.heatmap", "ru")], t("label.name", "ru"))
    assert len(heatmap) == 1 + 31 * 7  # the heatmap's cells
    assert captured["yearly.png"]().startswith(b"\x89PNG")  # drawn only now, as on a click

    at.selectbox(key="dash_district@ru").set_value("311000000").run()
    assert not at.exception and not at.error
    taraz = _figures(at, "demo.region", last, district="311000000")
    assert _tiles(at)[t("dashboard.tile.injured", "ru")] == format_number(taraz["injured"], "ru")
    assert 1 < len(at.selectbox(key="dash_bin@ru").options) < 32  # only Taraz's enterprises (and "all")
    assert len(_league(at)) == len(at.selectbox(key="dash_bin@ru").options) - 1


@pytest.mark.parametrize("username", ["demo.head", "demo.officer"])
def test_an_enterprise_user_sees_only_their_enterprise(demo_app, username):
    at = _dashboard(demo_app, username)
    assert not [s for s in at.selectbox if s.key.partition("@")[0] in FILTERS]
    assert len(at.get("vega_lite_chart")) == len(CHARTS) - 2  # no charts by district and by industry
    at.slider(key="dash_years").set_value((2020, 2024)).run()
    own, region = _figures(at, username, 2024), _figures(at, "demo.region", 2024)
    assert own["injured"] != region["injured"]
    assert _tiles(at)[t("dashboard.tile.injured", "ru")] == format_number(own["injured"], "ru")
    [own_bin] = list(_league(at)["bin"])

    before = _tiles(at)
    with Store(at.db_path) as store:
        other = next(e.bin for e in list_enterprises(store, SYSTEM) if e.bin != own_bin)
    at.session_state["chosen:dash_bin"] = other  # what a crafted session or link could ask for
    at.session_state["chosen:dash_district"] = "311000000"
    at.session_state["chosen:dash_division"] = "10"
    at.query_params["bin"] = other
    at.run()
    assert not at.exception and not at.error
    assert _tiles(at) == before
    assert list(_league(at)["bin"]) == [own_bin]


def test_selecting_a_league_row_opens_that_enterprise(demo_app):
    at = _dashboard(demo_app, "demo.region")
    chosen = _league(at)["bin"][2]
    # AppTest cannot click a table row; it takes the selection through the table's session state.
    at.session_state["dash_league"] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert [title.value for title in at.title] == [t("enterprise.title", "ru")]
    assert at.selectbox(key="enterprise_bin@ru").value == chosen
    at.switch_page(DASHBOARD).run()  # coming back does not bounce to the enterprise again
    assert [title.value for title in at.title] == [t("dashboard.title", "ru")]


def test_a_long_league_shows_its_top_and_the_workbook_holds_all(demo_app, monkeypatch):
    import safety.indicators.dashboard

    captured = recorded_downloads(monkeypatch)
    monkeypatch.setattr(safety.indicators.dashboard, "LEAGUE_ROWS", 10)
    at = _dashboard(demo_app, "demo.region")
    shown = _league(at)
    assert len(shown) == 10 and list(shown["rank"]) == list(range(1, 11))
    assert t("dashboard.league.top", "ru", shown=10, total=31) in [c.value for c in at.caption]
    first, last = at.slider(key="dash_years").value
    book = load_workbook(io.BytesIO(captured[f"vision_zero_indicators_{first}_{last}.xlsx"]()))
    league_rows = sheet_table(book[t("dashboard.sheet.league", "ru")], t("dashboard.col.rank", "ru"))
    assert len(league_rows) == 1 + 31 and [r[0] for r in league_rows[1:]] == list(range(1, 32))
    assert [r[2] for r in league_rows[1:11]] == list(shown["bin"])
    scatter = sheet_table(book[t("dashboard.sheet.scatter", "ru")], t("label.name", "ru"))
    assert len(scatter) - 1 > 10  # the scatter keeps every enterprise, not only the ones shown
    at.session_state["dash_league"] = {"selection": {"rows": [9], "columns": [], "cells": []}}
    at.run()
    assert at.selectbox(key="enterprise_bin@ru").value == shown["bin"][9]


@pytest.mark.parametrize("username", ["demo.region", "demo.head"])
def test_enterprise_page_shows_indicators_cases_actions_investigations_and_assessments(demo_app, username):
    at = demo_app(username)
    at.switch_page(ENTERPRISE).run()
    assert not at.exception, at.exception
    bin_ = at.selectbox(key="enterprise_bin@ru").value
    tabs = at.tabs
    assert [tab.label for tab in tabs] == [
        t(k, "ru")
        for k in (
            "page.dashboard",
            "page.incidents",
            "page.actions",
            "enterprise.tab.investigations",
            "page.assessment",
        )
    ]
    assert [s.value for s in tabs[0].subheader] == [t("enterprise.indicators", "ru")]
    assert [s.value for s in tabs[4].subheader] == [t("history.title", "ru")]
    table = tabs[0].dataframe[0].value
    years = sorted(table["year"])
    assert len(years) == 5
    with Store(at.db_path) as store:
        user = current_user(store, user_id_of(store, username))
        expected = yearly(store, scope_for(store, user, bin_=bin_), years[0], years[-1])
    for column in ("injured", "killed", "lost_days", "headcount"):
        assert list(table[column]) == [r[column] for r in reversed(expected)], column
    assert len(tabs[0].get("vega_lite_chart")) == 1
    for tab in tabs[1:4]:  # cases, actions, investigations: a table, or a note that there is none
        assert len(tab.dataframe) + len(tab.info) == 1


def test_one_view_runs_the_enterprise_query_once(demo_app, monkeypatch):
    from safety.db import indicators as sql

    groups = []
    original, lean = sql.indicators, sql.league

    def counting(cur, **kwargs):
        groups.append(kwargs["group"] if isinstance(kwargs["group"], str) else "+".join(kwargs["group"]))
        return original(cur, **kwargs)

    def league(cur, **kwargs):
        groups.append("league")
        return lean(cur, **kwargs)

    at = demo_app("demo.region")
    monkeypatch.setattr(sql, "indicators", counting)
    monkeypatch.setattr(sql, "league", league)
    at.switch_page(DASHBOARD).run()
    assert not at.exception and not at.error
    # the yearly figures (the tiles reuse them), the districts with the industries, and the league (the scatter's)
    assert sorted(groups) == ["district+division", "league", "total"]


def test_a_tile_with_no_change_shows_neither_arrow_nor_colour(demo_app):
    """«0,0 %» is no rise: the tile of a figure that did not move is grey and has no arrow."""
    at = _dashboard(demo_app, "demo.region")
    at.selectbox(key="dash_district@ru").set_value("311000000").run()
    tiles = {m.label: m.proto for m in at.metric}
    still = [label for label, proto in tiles.items() if proto.delta.lstrip("+").startswith(format_percent(0, "ru"))]
    assert still, "the demo's Taraz has a tile that did not change"
    for label in still:
        assert (tiles[label].direction, tiles[label].color) == (tiles[label].NONE, tiles[label].GRAY), label
    moved = [proto for proto in tiles.values() if proto.delta and proto.delta.lstrip("+")[0] != "0"]
    assert moved and all(proto.direction != proto.NONE for proto in moved)
