"""The dashboard's library (safety/indicators/dashboard.py) against the figures it gave before it was made to run the
enterprise query once: the heatmap of the lowest-scored enterprises, the league from one query, the scatter from the
league's rows, the tiles and the rolling Кч from rows the page already has, and the enterprise filter's choices."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

import pyarrow as pa
import pytest

from safety.access.roles import SYSTEM, Role, User
from safety.checklists.actions import is_overdue as is_action_overdue
from safety.checklists.assessments import assessment_history
from safety.db import actions as action_sql
from safety.db import indicators as sql
from safety.demo import demo_bin
from safety.incidents.investigations import investigation_steps, overdue_steps
from safety.incidents.log import add_incident, set_investigation_dates
from safety.indicators import dashboard as dash
from safety.indicators.formulas import Scope, by_group, enterprise_trend, scope_for, yearly
from safety.register.enterprises import add_enterprise, list_enterprises, save_years, set_enterprise_active

YEAR, TODAY = 2025, dt.date(2026, 6, 30)
approx = pytest.approx
TARAZ = "311000000"


@pytest.fixture
def region(demo_store) -> Scope:
    return scope_for(demo_store, SYSTEM)


def _scopes(store) -> list[Scope]:
    """The region, a district, an industry, one enterprise, and other kinds of case."""
    some = list_enterprises(store, SYSTEM)[3]
    return [
        scope_for(store, SYSTEM),
        scope_for(store, SYSTEM, district=TARAZ),
        scope_for(store, SYSTEM, division=some.oked[:2]),
        scope_for(store, SYSTEM, bin_=some.bin),
        scope_for(store, SYSTEM, kinds=["accident", "micro_injury"]),
    ]


def _latest(store, scope: Scope) -> dict[str, dict[str, Any]]:
    """Each assessed enterprise's latest submitted golden-rules assessment in scope, from the assessment history
    (the scope's enterprises as safety/db/indicators.py's scope filter picks them)."""
    with store.cursor() as cur:
        in_scope = sql.enterprise_names(cur, **scope.params())
    out = {}
    for bin_ in in_scope:
        history = assessment_history(store, SYSTEM, bin_, "golden_rules")
        if history:
            out[bin_] = history[-1]
    return out


def _old_league(store, scope: Scope, year: int, lang: str, years: int) -> list[dict[str, Any]]:
    """The league as it was built before: by_group(enterprise, year) and enterprise_trend over the years."""
    names = dash._names(store, scope, lang)
    trend = enterprise_trend(store, scope, year - years + 1, year)
    scores = {bin_: latest["overall"] for bin_, latest in _latest(store, scope).items()}
    rows = []
    for row in by_group(store, scope, "enterprise", year):
        bin_ = row["key"]
        info = names.get(bin_, {})
        rows.append(
            {
                "bin": bin_,
                "name": info.get("name", bin_),
                "district": info.get("district"),
                "industry": info.get("industry"),
                "injured": row["injured"],
                "killed": row["killed"],
                "headcount": row["headcount"],
                "kch": row["kch"],
                "kt": row["kt"],
                "previous_kch": row["previous_kch"],
                "yoy_kch_pct": row["yoy_kch_pct"],
                "score": scores.get(bin_),
                "trend": [v if v is not None else math.nan for v in trend.get(bin_, [])],
            }
        )
    rows.sort(key=lambda r: (-(r["kch"] if r["kch"] is not None else -1), r["name"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def _same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to NaN (the trend's gaps)."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b and type(a) is type(b)


# --- the heatmap


def test_heatmap_shows_the_lowest_scored_enterprises_lowest_first(demo_store, region):
    latest = _latest(demo_store, region)
    ranked = sorted(latest, key=lambda b: (latest[b]["overall"] is None, latest[b]["overall"], b))
    rows = dash.heatmap(demo_store, region, "ru", limit=5)
    bins = list(dict.fromkeys(r["bin"] for r in rows))
    assert bins == ranked[:5]
    assert [r["overall"] for r in rows[::7]] == [latest[b]["overall"] for b in bins]
    assert [r["overall"] for r in rows[::7]] == sorted(r["overall"] for r in rows[::7])
    assert max(latest[b]["overall"] for b in bins) <= min(latest[b]["overall"] for b in ranked[5:])
    for bin_ in bins:  # every rule of each, in order, from that enterprise's latest assessment
        cells = [r for r in rows if r["bin"] == bin_]
        assert [c["rule"] for c in cells] == list(range(1, 8))
        assert [c["score"] for c in cells] == [latest[bin_]["rules"][n]["score"] for n in range(1, 8)]
        assert {c["assessed_on"] for c in cells} == {latest[bin_]["assessed_on"]}
    assert {r["assessed"] for r in rows} == {len(latest)}


def test_heatmap_by_default_holds_every_demo_enterprise_as_before(demo_store, region):
    latest = _latest(demo_store, region)
    assert len(latest) < dash.HEATMAP_ENTERPRISES
    rows = dash.heatmap(demo_store, region, "kk")
    expected = {(b, n, a["rules"][n]["score"], a["assessed_on"]) for b, a in latest.items() for n in a["rules"]}
    assert {(r["bin"], r["rule"], r["score"], r["assessed_on"]) for r in rows} == expected
    assert len(rows) == len(expected)
    names = dash._names(demo_store, region, "kk")
    assert all(r["name"] == names[r["bin"]]["name"] for r in rows)
    assert all(r["band"] == dash.band(r["score"]) for r in rows)


@pytest.mark.parametrize("which", range(5))
def test_scores_keep_the_scope_of_the_indicators(demo_store, which):
    scope = _scopes(demo_store)[which]
    latest = _latest(demo_store, scope)
    ranked = dash.league(demo_store, scope, YEAR, "ru").rows()
    found = {r["bin"]: r["score"] for r in ranked if r["score"] is not None}
    assert found == {b: a["overall"] for b, a in latest.items()}
    assert {r["bin"] for r in dash.heatmap(demo_store, scope, "ru")} == set(latest)


def test_a_deactivated_enterprise_leaves_the_heatmap_and_the_scores(demo_store, region):
    lowest = dash.heatmap(demo_store, region, "ru", limit=1)[0]
    set_enterprise_active(demo_store, SYSTEM, lowest["bin"], False)
    after = dash.heatmap(demo_store, region, "ru", limit=1)
    assert after[0]["bin"] != lowest["bin"] and after[0]["assessed"] == lowest["assessed"] - 1
    assert lowest["bin"] not in {r["bin"] for r in dash.league(demo_store, region, YEAR, "ru").rows(None)}


# --- the league and the scatter


@pytest.mark.parametrize("years", [5, 3, 1])
def test_league_from_one_query_equals_by_group_and_the_trend(demo_store, region, years):
    old = _old_league(demo_store, region, YEAR, "ru", years)
    new = dash.league(demo_store, region, YEAR, "ru", years=years).rows(None)
    assert len(new) == len(old) == 31
    for before, now in zip(old, new, strict=True):
        assert set(now) == set(before)
        assert all(_same(now[k], before[k]) for k in before), (before, now)


@pytest.mark.parametrize("which", range(5))
def test_league_equals_the_old_one_in_every_scope(demo_store, which):
    scope = _scopes(demo_store)[which]
    old = _old_league(demo_store, scope, 2024, "en", 4)
    new = dash.league(demo_store, scope, 2024, "en", years=4).rows(None)
    assert [r["bin"] for r in new] == [r["bin"] for r in old]
    assert all(_same(n[k], o[k]) for o, n in zip(old, new, strict=True) for k in o)


def test_the_league_shown_is_its_first_rows_as_one_arrow_table(demo_store, region, monkeypatch):
    ranked = dash.league(demo_store, region, YEAR, "ru", years=5)
    monkeypatch.setattr(dash, "LEAGUE_ROWS", 10)
    shown = ranked.shown
    assert shown is ranked.shown and shown.num_rows == 10  # made once per (shared) league
    expected = ranked.rows(10)
    for row, want in zip(shown.to_pylist(), expected, strict=True):
        assert row.keys() == want.keys() and row["bin"] == want["bin"] and row["rank"] == want["rank"]
        assert row["score"] is None or isinstance(row["score"], float)
        assert row["score"] == (None if want["score"] is None else float(want["score"]))


def test_league_runs_one_enterprise_query(demo_store, region, monkeypatch):
    calls = []
    lean, generic = sql.league, sql.indicators

    def counting(cur, **kwargs):
        calls.append(kwargs)
        return lean(cur, **kwargs)

    def refused(cur, **kwargs):
        raise AssertionError(f"the league asked the generic query: {kwargs}")

    monkeypatch.setattr(sql, "league", counting)
    monkeypatch.setattr(sql, "indicators", refused)
    table = dash.league(demo_store, region, YEAR, "ru", years=5)
    dash.scatter_from_league(table)
    assert [(c["first_year"], c["year"]) for c in calls] == [(YEAR - 4, YEAR)]
    monkeypatch.setattr(sql, "indicators", generic)


def test_league_by_hand_with_gaps_missing_years_and_no_headcount(store):
    """Four enterprises whose years have holes, ranked for 2025 with a 4-year trend (2022–2025)."""
    rng, taken = random.Random(7), set()
    gap, last_year_only, early, no_staff = (demo_bin(rng, taken) for _ in range(4))
    for bin_, name in ((gap, "Гэп"), (last_year_only, "Прошлогоднее"), (early, "Раннее"), (no_staff, "Безлюдное")):
        add_enterprise(
            store,
            SYSTEM,
            {
                "bin": bin_,
                "name_ru": name,
                "name_kk": name + " ЖШС",
                "kato": TARAZ,
                "oked": "08110",
                "industry": "Карьер",
                "joined_on": dt.date(2020, 1, 1),
            },
        )
    save_years(store, SYSTEM, gap, [{"year": y, "avg_headcount": 200} for y in (2022, 2024, 2025)])
    save_years(store, SYSTEM, last_year_only, [{"year": 2024, "avg_headcount": 50}])
    save_years(store, SYSTEM, early, [{"year": 2022, "avg_headcount": 10}])
    for bin_, day, severity, lost in (
        (gap, dt.date(2025, 2, 1), "light", 6),
        (gap, dt.date(2024, 5, 1), "fatal", 0),
        (last_year_only, dt.date(2024, 3, 3), "light", 4),
        (no_staff, dt.date(2025, 7, 7), "severe", 30),
    ):
        add_incident(
            store, SYSTEM, bin_, {"occurred_on": day, "kind": "accident", "severity": severity, "lost_days": lost}
        )
    rows = dash.league(store, scope_for(store, SYSTEM), 2025, "kk", years=4).rows()
    assert [r["bin"] for r in rows] == [gap, no_staff, last_year_only]  # Кч 5.0, then none (by name)
    top, unstaffed, previous = rows
    assert (top["rank"], top["name"], top["injured"], top["killed"], top["headcount"]) == (1, "Гэп ЖШС", 1, 0, 200)
    assert top["kch"] == approx(5.0) and top["kt"] == approx(6.0) and top["previous_kch"] == approx(5.0)
    assert top["yoy_kch_pct"] == approx(0.0)
    assert _same(top["trend"], [0.0, math.nan, 5.0, 5.0])  # 2023 has no data at all: a gap, not a zero
    assert (unstaffed["injured"], unstaffed["headcount"], unstaffed["kch"], unstaffed["kt"]) == (1, None, None, 30.0)
    assert _same(unstaffed["trend"], [math.nan, math.nan, math.nan, math.nan])
    assert (previous["injured"], previous["kch"], previous["previous_kch"]) == (0, None, approx(20.0))
    assert previous["yoy_kch_pct"] is None and previous["district"] == dash.DISTRICTS_BY_KATO[TARAZ].name("kk")
    assert previous["industry"] == "08 " + dash.division_name("08", "kk")
    assert all(
        _same(n[k], o[k])
        for o, n in zip(_old_league(store, scope_for(store, SYSTEM), 2025, "kk", 4), rows, strict=True)
        for k in o
    )
    one_year = dash.league(store, scope_for(store, SYSTEM), 2025, "ru", years=1).rows()
    assert [r["trend"] for r in one_year if r["bin"] == last_year_only] == [[]]  # nothing in the span itself


def test_scatter_from_the_league_rows_equals_the_old_scatter(demo_store, region):
    latest = _latest(demo_store, region)
    names = dash._names(demo_store, region, "ru")
    old = []
    for row in by_group(demo_store, region, "enterprise", YEAR):  # the scatter as it was built before
        score = latest.get(row["key"], {}).get("overall")
        if score is None or row["kch"] is None:
            continue
        old.append(
            {
                "bin": row["key"],
                "name": names[row["key"]]["name"],
                "score": float(score),
                "kch": row["kch"],
                "injured": row["injured"],
            }
        )
    points, correlation = dash.scatter_from_league(dash.league(demo_store, region, YEAR, "ru", years=5))
    assert points == old and len(points) > 10
    assert correlation == dash.pearson([p["score"] for p in old], [p["kch"] for p in old])
    assert correlation.r is not None and correlation.n == len(old)
    shared = dash.scatter(demo_store, region, YEAR, "ru", years=5)
    assert (shared.points(), shared.correlation) == (points, correlation)
    assert dash.scatter(demo_store, region, YEAR, "ru").points() == points  # the trend's years change no point


def test_scatter_leaves_out_enterprises_without_a_score_or_a_kch():
    rows = [
        {"bin": "3", "name": "В", "score": 70.0, "kch": 1.5, "injured": 2},
        {"bin": "1", "name": "А", "score": None, "kch": 2.0, "injured": 1},
        {"bin": "2", "name": "Б", "score": 55.5, "kch": None, "injured": 0},
    ]
    points, correlation = dash.scatter_from_league(dash.League(pa.Table.from_pylist(rows), "ru"))
    assert points == [{"bin": "3", "name": "В", "score": 70.0, "kch": 1.5, "injured": 2}]
    assert correlation == dash.Correlation(None, 1)


# --- the tiles and the rolling Кч


def test_tiles_are_unchanged_whether_or_not_the_yearly_rows_are_given(demo_store, region):
    [now] = yearly(demo_store, region, YEAR, YEAR)  # the tiles as they were computed before
    [before] = yearly(demo_store, region, YEAR - 1, YEAR - 1)
    queried = dash.tiles(demo_store, region, YEAR, TODAY)
    given = dash.tiles(demo_store, region, YEAR, TODAY, yearly_rows=yearly(demo_store, region, YEAR - 4, YEAR))
    assert given == queried
    shown = {tile.key: tile for tile in queried}
    for key, name in (
        ("dashboard.tile.injured", "injured"),
        ("dashboard.tile.killed", "killed"),
        ("indicator.kch", "kch"),
        ("indicator.kt", "kt"),
    ):
        assert (shown[key].value, shown[key].previous) == (now[name], before[name])
    assert len(queried) == 8


def test_tiles_query_the_years_the_given_rows_lack(demo_store, region):
    only_this_year = yearly(demo_store, region, YEAR, YEAR)
    assert dash.tiles(demo_store, region, YEAR, TODAY, yearly_rows=only_this_year) == dash.tiles(
        demo_store, region, YEAR, TODAY
    )


@pytest.mark.parametrize("which", [0, 1, 3, 4])
def test_rolling_kch_from_the_pages_monthly_rows_equals_its_own_query(demo_store, which):
    scope = _scopes(demo_store)[which]
    months = dash.monthly(demo_store, scope, 2021, 2025, "ru")
    assert dash.rolling_kch(demo_store, scope, 2022, 2025, TODAY, months=months) == dash.rolling_kch(
        demo_store, scope, 2022, 2025, TODAY
    )
    assert any(r["kch_12m"] is not None for r in dash.rolling_kch(demo_store, scope, 2022, 2025, TODAY))


@pytest.mark.parametrize("which", range(5))
def test_districts_and_industries_from_one_query_equal_each_alone(demo_store, which):
    scope = _scopes(demo_store)[which]
    together = dash.splits(demo_store, scope, YEAR, "kk", ("district", "division", "enterprise"))
    assert list(together) == ["district", "division", "enterprise"]
    for group, rows in together.items():
        alone = dash.groups(demo_store, scope, group, YEAR, "kk")
        assert rows == alone and rows, group


def test_splits_refuse_what_is_not_a_grouping(demo_store, region):
    for groups in ((), ("total",), ("district", "bin")):
        with pytest.raises(ValueError):
            dash.splits(demo_store, region, YEAR, "ru", groups)


# --- the overdue figures on a day: today, and the end of the year before


def _register_one(store) -> tuple[str, int]:
    rng, taken = random.Random(11), set()
    bin_ = demo_bin(rng, taken)
    add_enterprise(
        store,
        SYSTEM,
        {
            "bin": bin_,
            "name_ru": "Одно",
            "name_kk": "Бір",
            "kato": TARAZ,
            "oked": "08110",
            "industry": "Карьер",
            "joined_on": dt.date(2020, 1, 1),
        },
    )
    return bin_, store.query("SELECT id FROM enterprises WHERE bin = ?", [bin_])[0][0]


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def test_overdue_actions_on_a_past_day(store):
    bin_, enterprise_id = _register_one(store)
    d = dt.date
    rows = [  # title, created, due, state, completed, last change
        ("done late", d(2025, 1, 10), d(2025, 3, 1), "done", d(2025, 4, 1), d(2025, 4, 1)),
        ("cancelled before due", d(2025, 1, 10), d(2025, 6, 1), "cancelled", None, d(2025, 5, 20)),
        ("open since November", d(2025, 11, 1), d(2025, 11, 10), "open", None, d(2025, 11, 1)),
        ("recorded in January", d(2026, 1, 5), d(2025, 12, 1), "in_progress", None, d(2026, 1, 5)),
        ("done on time, marked later", d(2025, 1, 10), d(2025, 4, 1), "done", d(2025, 3, 20), d(2025, 9, 1)),
        ("cancelled late", d(2025, 1, 10), d(2025, 2, 1), "cancelled", None, d(2025, 7, 1)),
    ]
    with store.transaction() as cur:
        action_sql.insert_many(
            cur,
            [
                {
                    "enterprise_id": enterprise_id,
                    "title": title,
                    "due_on": due,
                    "priority": "high",
                    "state": state,
                    "completed_on": completed,
                    "cancel_reason": "—" if state == "cancelled" else None,
                    "created_by": "test",
                    "created_at": _at(created),
                    "updated_at": _at(changed),
                }
                for title, created, due, state, completed, changed in rows
            ],
        )
    scope = scope_for(store, SYSTEM, bin_=bin_)

    def overdue(day: dt.date) -> int:
        with store.cursor() as cur:
            [count] = sql.overdue_actions(cur, [day], **scope.params())
        return count

    assert overdue(d(2025, 1, 31)) == 0  # nothing due yet
    assert overdue(d(2025, 3, 15)) == 2  # "done late" (done only on 1 April) and "cancelled late"
    assert overdue(d(2025, 4, 2)) == 1  # "cancelled late" until its last change on 1 July
    assert overdue(d(2025, 7, 1)) == 0
    assert overdue(d(2025, 12, 31)) == 1  # "open since November"; "recorded in January" did not exist yet
    today = d(2026, 6, 30)
    with store.cursor() as cur:
        listed = cur.execute("SELECT state, due_on FROM corrective_actions").fetchall()
    assert (
        overdue(today)
        == sum(1 for state, due in listed if is_action_overdue({"state": state, "due_on": due}, today))
        == 2
    )
    days = [d(2025, 3, 15), today, d(2025, 1, 31), d(2025, 12, 31), d(2025, 3, 15)]  # any days, in any order
    with store.cursor() as cur:
        assert sql.overdue_actions(cur, days, **scope.params()) == [2, 2, 0, 1, 2]


def test_overdue_actions_today_follow_the_actions_rule_on_the_demo(demo_store, region):
    with demo_store.cursor() as cur:
        listed = cur.execute("SELECT state, due_on FROM corrective_actions").fetchall()
        [found] = sql.overdue_actions(cur, [TODAY], **region.params())
    assert found == sum(is_action_overdue({"state": s, "due_on": due}, TODAY) for s, due in listed) > 0


def test_overdue_investigations_on_a_past_day(store):
    bin_, _ = _register_one(store)
    d = dt.date

    def accident(day: dt.date, severity: str, number: str | None = None) -> int:
        return add_incident(
            store,
            SYSTEM,
            bin_,
            {
                "occurred_on": day,
                "kind": "accident",
                "severity": severity,
                "lost_days": 0 if severity == "fatal" else 20,
                "accident_no": number,
            },
        )["id"]

    # Severe, 3 March 2025: reported and commission the next day, closed only on 30 April (the 10 working days ran
    # out on 19 March: Nauryz falls on 21–25 March), act on 2 May.
    late = accident(d(2025, 3, 3), "severe")
    set_investigation_dates(
        store,
        SYSTEM,
        late,
        {
            "reported_on": d(2025, 3, 4),
            "commission_on": d(2025, 3, 4),
            "closed_on": d(2025, 4, 30),
            "act_sent_on": d(2025, 5, 2),
        },
    )
    # A group accident of 10 November 2025 with two light cases, reported on time and nothing since.
    group = [accident(d(2025, 11, 10), "light", "Г-1"), accident(d(2025, 11, 10), "light", "Г-1")]
    set_investigation_dates(store, SYSTEM, group[0], {"reported_on": d(2025, 11, 11)})
    accident(d(2025, 6, 1), "light")  # one light case: no special investigation
    scope = scope_for(store, SYSTEM, bin_=bin_)

    def overdue(day: dt.date) -> int:
        [count] = dash.overdue_investigations(store, scope, day)
        return count

    assert overdue(d(2025, 3, 4)) == 0  # reported on the day it was due
    assert overdue(d(2025, 3, 19)) == 0 and overdue(d(2025, 3, 20)) == 1  # the investigation's deadline passes
    assert overdue(d(2025, 4, 29)) == 1 and overdue(d(2025, 4, 30)) == 0  # closed on the 30th, the act in time
    assert overdue(d(2025, 11, 11)) == 0  # the group accident: report done, no commission yet (no deadline)
    assert overdue(d(2025, 12, 31)) == 0 and overdue(d(2026, 6, 30)) == 0
    set_investigation_dates(store, SYSTEM, group[0], {"reported_on": d(2025, 11, 11), "commission_on": d(2025, 11, 12)})
    assert overdue(d(2025, 11, 20)) == 0 and overdue(d(2025, 12, 31)) == 1  # 10 working days from 12 November
    assert overdue(d(2025, 11, 11)) == 0  # the commission of the 12th did not exist on the 11th
    days = [d(2025, 3, 20), d(2025, 12, 31), d(2025, 3, 4), d(2025, 11, 20)]
    assert dash.overdue_investigations(store, scope, *days) == [overdue(day) for day in days] == [1, 1, 0, 0]


def test_overdue_investigations_agree_with_the_steps_on_drawn_investigations(store):
    """60 drawn serious accidents (any step missing, done in time or late, around holidays), asked on 40 days: the
    SQL count equals the Python steps' answer with every date after the day unknown."""
    bin_, _ = _register_one(store)
    rng = random.Random(186)
    cases = []
    for _ in range(60):
        occurred = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(400))
        dates, last = {}, occurred
        for name in ("reported_on", "commission_on", "closed_on", "act_sent_on"):
            last += dt.timedelta(days=rng.randrange(0, 25))
            chained = name in ("reported_on", "commission_on") or dates.get(
                "commission_on" if name == "closed_on" else "closed_on"
            )
            dates[name] = last if chained and rng.random() < 0.7 else None
        case = add_incident(
            store,
            SYSTEM,
            bin_,
            {"occurred_on": occurred, "kind": "accident", "severity": rng.choice(("severe", "fatal")), "lost_days": 0},
        )
        set_investigation_dates(store, SYSTEM, case["id"], dates, today=dt.date(2026, 12, 31))
        cases.append((occurred, dates))
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(480)) for _ in range(40)]

    def expected(day: dt.date) -> int:
        count = 0
        for occurred, dates in cases:
            known = {k: v if v is not None and v <= day else None for k, v in dates.items()}
            if occurred <= day and known["act_sent_on"] is None:
                count += bool(overdue_steps(investigation_steps(occurred, *known.values()), day))
        return count

    found = dash.overdue_investigations(store, scope_for(store, SYSTEM, bin_=bin_), *days)
    assert found == [expected(day) for day in days]
    assert len(set(found)) > 5  # the days saw different situations


def test_tiles_compare_the_overdue_figures_with_the_end_of_the_year_before(demo_store, region):
    shown = {tile.key: tile for tile in dash.tiles(demo_store, region, 2026, TODAY)}
    for key in ("dashboard.tile.overdue_actions", "dashboard.tile.overdue_investigations", "dashboard.tile.score"):
        assert (shown[key].as_of, shown[key].previous_as_of) == (TODAY, dt.date(2025, 12, 31))
    with demo_store.cursor() as cur:
        now, before = sql.overdue_actions(cur, [TODAY, dt.date(2025, 12, 31)], **region.params())
    actions = shown["dashboard.tile.overdue_actions"]
    assert (actions.value, actions.previous) == (now, before) and before > 0
    assert actions.change_pct == approx((now - before) / before * 100)
    investigations = shown["dashboard.tile.overdue_investigations"]
    assert [investigations.value] == dash.overdue_investigations(demo_store, region, TODAY)
    assert [investigations.previous] == dash.overdue_investigations(demo_store, region, dt.date(2025, 12, 31))
    past = {tile.key: tile for tile in dash.tiles(demo_store, region, 2024, TODAY)}  # a past year: its last day
    assert past["dashboard.tile.overdue_actions"].as_of == dt.date(2024, 12, 31)
    assert shown["indicator.kch"].as_of is None  # a figure of the year, not of a day


# --- the enterprise filter's choices


def _user(role: Role, enterprise_id: int | None) -> User:
    return User(id=1, username="u", full_name="U", role=role, enterprise_id=enterprise_id)


def test_enterprise_choices_are_the_register_the_user_may_list(demo_store):
    everyone = list_enterprises(demo_store, SYSTEM)
    for user in (SYSTEM, _user(Role.ADMIN, None), _user(Role.REGIONAL_MANAGER, None)):
        choices = dash.enterprise_choices(demo_store, user)
        assert [(c.bin, c.name_ru, c.name_kk, c.kato, c.division) for c in choices] == [
            (e.bin, e.name_ru, e.name_kk, e.kato, e.oked[:2]) for e in everyone
        ]
        assert choices[0].name("kk") == everyone[0].name("kk") and choices[0].name("en") == everyone[0].name_ru


@pytest.mark.parametrize("role", [Role.ENTERPRISE_MANAGER, Role.SAFETY_OFFICER])
def test_an_enterprise_user_may_choose_only_their_own_even_deactivated(demo_store, role):
    own = list_enterprises(demo_store, SYSTEM)[5]
    user = _user(role, own.id)
    assert [c.bin for c in dash.enterprise_choices(demo_store, user)] == [own.bin]
    set_enterprise_active(demo_store, SYSTEM, own.bin, False)
    assert [c.bin for c in dash.enterprise_choices(demo_store, user)] == [own.bin]
    assert own.bin not in {c.bin for c in dash.enterprise_choices(demo_store, SYSTEM)}
    assert dash.enterprise_choices(demo_store, _user(role, None)) == []  # bound to no enterprise: nothing


def test_enterprise_labels_of_a_district_or_a_division_and_with_the_deactivated(demo_store):
    everyone = list_enterprises(demo_store, SYSTEM, include_inactive=True)
    labels = dash.enterprise_labels(demo_store, SYSTEM, "kk")
    assert labels == {e.bin: f"{e.name('kk')} · {e.bin}" for e in everyone}
    one = everyone[3]
    by_district = dash.enterprise_labels(demo_store, SYSTEM, "ru", district=one.kato)
    assert one.bin in by_district and set(by_district) == {e.bin for e in everyone if e.kato == one.kato}
    by_division = dash.enterprise_labels(demo_store, SYSTEM, "ru", division=one.oked[:2])
    assert set(by_division) == {e.bin for e in everyone if e.oked[:2] == one.oked[:2]}
    set_enterprise_active(demo_store, SYSTEM, one.bin, False)
    assert one.bin not in dash.enterprise_labels(demo_store, SYSTEM, "ru")
    assert one.bin in dash.enterprise_labels(demo_store, SYSTEM, "ru", include_inactive=True)
    dash.enterprise_labels(demo_store, SYSTEM, "ru").clear()  # a private copy: nobody else loses theirs
    assert len(dash.enterprise_labels(demo_store, SYSTEM, "ru")) == len(everyone) - 1


def test_enterprise_choices_need_a_signed_in_active_user(demo_store):
    from safety.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        dash.enterprise_choices(demo_store, None)
    inactive = User(id=1, username="u", full_name="U", role=Role.ADMIN, active=False)
    with pytest.raises(PermissionDenied):
        dash.enterprise_choices(demo_store, inactive)
