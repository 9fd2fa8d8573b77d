"""The two stores answer alike: the demo in a DuckDB file and the same demo copied into PostgreSQL give equal
metrics for every demo year, equal dashboard figures (tiles, monthly, groups, heatmap, league, scatter) in several
scopes, and equal programme and report figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyarrow as pa
import pytest

from safety.access.roles import SYSTEM
from safety.copying import copy_database
from safety.db import Store
from safety.indicators import dashboard as dash
from safety.indicators.formulas import metrics, scope_for, yearly
from safety.indicators.programme import programme_summary
from safety.register.enterprises import list_enterprises

from conftest import pg_store

TODAY = dt.date(2026, 11, 25)
YEARS = range(2021, 2027)


@pytest.fixture(scope="module")
def both(demo_db_file, pg, pg_template) -> Iterator[tuple[Store, Store]]:
    """The demo in its DuckDB file and copied into a PostgreSQL database (both only read here)."""
    with Store(demo_db_file) as duck, pg_store(pg, pg_template) as postgres:
        copy_database(SYSTEM, duck, postgres)
        yield duck, postgres


def _scopes(store: Store) -> list[dict]:
    """The region, a district, an industry, one enterprise and other kinds of case."""
    some = list_enterprises(store, SYSTEM)[3]
    return [
        {},
        {"district": some.kato},
        {"division": some.oked[:2]},
        {"bin_": some.bin},
        {"kinds": ("near_miss",)},
    ]


def _plain(value):
    """Arrow tables and dataclasses as plain values, so two answers compare with ==."""
    if isinstance(value, pa.Table):
        return value.to_pylist()
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("year", YEARS)
def test_metrics_of_every_demo_year_are_equal(both, year):
    duck, postgres = both
    assert metrics(postgres, SYSTEM, year) == metrics(duck, SYSTEM, year)


@pytest.mark.parametrize("which", range(5))
def test_the_dashboards_queries_and_the_league_are_equal(both, which):
    duck, postgres = both
    answers = []
    for store in (duck, postgres):
        scope = scope_for(store, SYSTEM, **_scopes(store)[which])
        answers.append(
            _plain(
                {
                    "tiles": dash.tiles(store, scope, 2025, TODAY),
                    "yearly": yearly(store, scope, 2021, 2026),
                    "monthly": dash.monthly(store, scope, 2024, 2026, "ru"),
                    "districts": dash.groups(store, scope, "district", 2025, "kk"),
                    "industries": dash.groups(store, scope, "division", 2025, "ru"),
                    "heatmap": dash.heatmap(store, scope, "ru"),
                    "league": dash.league(store, scope, 2025, "ru").rows(),
                    "scatter": dash.scatter(store, scope, 2025, "en").points(),
                    "overdue": dash.overdue_investigations(store, scope, TODAY, dt.date(2025, 12, 31)),
                }
            )
        )
    duck_answer, pg_answer = answers
    for key in duck_answer:
        assert pg_answer[key] == duck_answer[key], key


def test_the_programme_summary_is_equal(both):
    duck, postgres = both
    assert _plain(programme_summary(postgres, SYSTEM, today=TODAY)) == _plain(
        programme_summary(duck, SYSTEM, today=TODAY)
    )
