"""The indicators against hand arithmetic on a small register built through the library (domain.md, "Indicators").

The fixture `world` holds two enterprises of very different size in two districts:

    A (district TARAZ)    2024: headcount 1800, hours 3 200 000    2025: headcount 2000, hours 3 600 000
    B (district BAIZAK)   2024: headcount   40, no hours           2025: headcount   50, no hours

Cases of 2025 at A (lost days / restricted days):
    accident light   10 / 0     lost time, DART
    accident severe  40 / 5     lost time, DART
    accident fatal    0 / 0     group accident "Г-7", lost time (fatal)
    accident severe  30 / 0     group accident "Г-7", lost time, DART
    accident light    0 / 3     DART only (restricted work)
    accident light    0 / 0     recordable only
    occupational disease 20 / 0 recordable, DART, never in Кч
    occupational disease  0 / 0 recordable, never in Кч
    micro-injury      2 / 0     never counted
    6 near misses
Cases of 2025 at B: accident light 12 / 0, 2 near misses.
Cases of 2024 at A: 4 light accidents of 5 lost days each. B has no case in 2024. Nobody has data for 2023.
"""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from safety.access.roles import SYSTEM, Role
from safety.access.users import create_user
from safety.db import Store
from safety.db import enterprises as enterprise_sql
from safety.db import incidents as incident_sql
from safety.demo import demo_bin
from safety.errors import SafetyError
from safety.incidents.fingerprints import refingerprint
from safety.incidents.log import add_incident
from safety.incidents.model import IncidentInput
from safety.incidents.summaries import writing_cases
from safety.indicators.formulas import (
    KEYS,
    by_group,
    change_pct,
    metrics,
    scope_for,
    with_kinds,
    yearly,
)
from safety.register.enterprises import add_enterprise, save_years, set_enterprise_active

TARAZ, BAIZAK = "311000000", "313600000"
approx = pytest.approx


def _enterprise(store, bin_: str, name: str, kato: str, oked: str) -> None:
    add_enterprise(
        store,
        SYSTEM,
        {
            "bin": bin_,
            "name_ru": f"ТОО «{name}»",
            "name_kk": f"«{name}» ЖШС",
            "kato": kato,
            "oked": oked,
            "industry": name,
            "joined_on": dt.date(2020, 1, 1),
        },
    )


def _case(
    store,
    bin_: str,
    day: dt.date,
    kind: str = "accident",
    severity: str | None = None,
    lost: int = 0,
    restricted: int = 0,
    accident_no: str | None = None,
    note: str = "",
) -> None:
    """Log one case by hand, as the safety officer's form does."""
    add_incident(store, SYSTEM, bin_, _record(day, kind, severity, lost, restricted, accident_no, note))


def _record(
    day: dt.date,
    kind: str = "accident",
    severity: str | None = None,
    lost: int = 0,
    restricted: int = 0,
    accident_no: str | None = None,
    note: str = "",
) -> dict:
    return {
        "occurred_on": day,
        "kind": kind,
        "severity": severity,
        "lost_days": lost,
        "restricted_days": restricted,
        "accident_no": accident_no,
        "description": note or None,
    }


def _cases(store, bin_: str, cases: list[dict]) -> None:
    """Write many validated cases of one enterprise in one statement, as the demo loader does (fast)."""
    rows = [IncidentInput.model_validate(case).model_dump() for case in cases]
    with writing_cases(store) as writes:
        enterprise_id = enterprise_sql.by_bin(writes.cursor, bin_)["id"]
        incident_sql.insert_many(
            writes, [row | {"enterprise_id": enterprise_id, "fingerprint": "", "created_by": "test"} for row in rows]
        )
        refingerprint(writes.cursor)


@pytest.fixture
def world(store):
    """The two enterprises of the module docstring, their years and their cases, in the empty `store`."""
    rng, taken = random.Random(2025), set()
    a, b = demo_bin(rng, taken), demo_bin(rng, taken)
    _enterprise(store, a, "Большое", TARAZ, "08110")
    _enterprise(store, b, "Малое", BAIZAK, "01110")
    save_years(
        store,
        SYSTEM,
        a,
        [
            {"year": 2024, "avg_headcount": 1800, "hours_worked": 3_200_000},
            {"year": 2025, "avg_headcount": 2000, "hours_worked": 3_600_000},
        ],
    )
    save_years(
        store,
        SYSTEM,
        b,
        [
            {"year": 2024, "avg_headcount": 40, "hours_worked": None},
            {"year": 2025, "avg_headcount": 50, "hours_worked": None},
        ],
    )
    on = dt.date(2025, 3, 10)
    _cases(
        store,
        a,
        [
            _record(on, severity="light", lost=10),
            _record(on, severity="severe", lost=40, restricted=5),
            _record(dt.date(2025, 5, 2), severity="fatal", accident_no="Г-7", note="первый пострадавший"),
            _record(dt.date(2025, 5, 2), severity="severe", lost=30, accident_no="Г-7", note="второй пострадавший"),
            _record(dt.date(2025, 6, 1), severity="light", restricted=3),
            _record(dt.date(2025, 6, 2), severity="light"),
            _record(dt.date(2025, 7, 1), kind="occupational_disease", lost=20),
            _record(dt.date(2025, 7, 2), kind="occupational_disease"),
            _record(dt.date(2025, 8, 1), kind="micro_injury", lost=2),
            *(_record(dt.date(2025, 9, day), kind="near_miss", note=f"почти случай {day}") for day in range(1, 7)),
            *(_record(dt.date(2024, 2, day), severity="light", lost=5) for day in range(1, 5)),
        ],
    )
    _cases(
        store,
        b,
        [
            _record(dt.date(2025, 4, 4), severity="light", lost=12),
            *(_record(dt.date(2025, 10, day), kind="near_miss", note=f"почти случай {day}") for day in range(1, 3)),
        ],
    )
    return SimpleNamespace(store=store, a=a, b=b)


def test_every_indicator_of_one_enterprise_by_hand(world):
    m = metrics(world.store, SYSTEM, 2025, bin_=world.a)
    # injured: the 6 accident cases (light 10, severe 40, fatal, severe 30, light 0/3, light 0); killed: 1
    assert (m["injured"], m["killed"], m["headcount"], m["hours"]) == (6, 1, 2000, 3_600_000)
    # lost days of the non-fatal accident cases: 10 + 40 + 30 + 0 + 0 = 80 (disease and micro-injury left out)
    assert m["lost_days"] == 80
    assert m["kch"] == approx(3.0)  # 6 × 1000 / 2000
    assert m["kt"] == approx(16.0)  # 80 / 5 non-fatal injured
    assert m["kp"] == approx(48.0)  # 3.0 × 16.0
    assert m["kch_fatal"] == approx(0.5)  # 1 × 1000 / 2000
    # lost-time injuries: light 10, severe 40, fatal, severe 30 = 4 → 4 × 1e6 / 3.6e6
    assert m["ltifr"] == approx(4 * 1_000_000 / 3_600_000)  # ≈ 1.111111
    # recordable: 6 accident cases + 2 occupational diseases = 8 → 8 × 200 000 / 3.6e6
    assert m["trir"] == approx(8 * 200_000 / 3_600_000)  # ≈ 0.444444
    # days away or restricted: light 10, severe 40/5, severe 30, light 0/3, disease 20 = 5 → 5 × 200 000 / 3.6e6
    assert m["dart"] == approx(5 * 200_000 / 3_600_000)  # ≈ 0.277778
    # accidents: 4 single ones + the group accident Г-7 = 5 events; 6 near misses → 6 / 5
    assert m["near_misses"] == 6
    assert m["near_misses_per_accident"] == approx(1.2)


def test_metrics_carries_every_key_and_the_previous_year(world):
    m = metrics(world.store, SYSTEM, 2025, bin_=world.a)
    assert set(KEYS) | {"year", "scope", "yoy_kch_pct", "previous"} <= set(m)
    assert m["scope"] == {"district": None, "bin": world.a}
    before = m["previous"]
    # 2024 at A: 4 light accidents × 5 days, headcount 1800, hours 3.2e6
    assert (before["year"], before["injured"], before["killed"], before["lost_days"]) == (2024, 4, 0, 20)
    assert before["kch"] == approx(4 * 1000 / 1800)  # ≈ 2.222222
    assert before["kt"] == approx(5.0)  # 20 / 4
    assert before["kp"] == approx(4 * 1000 / 1800 * 5)
    assert before["kch_fatal"] == 0.0
    assert before["ltifr"] == approx(4 * 1_000_000 / 3_200_000)  # 1.25
    assert before["trir"] == approx(4 * 200_000 / 3_200_000)  # 0.25
    assert before["dart"] == approx(4 * 200_000 / 3_200_000)
    assert before["near_misses_per_accident"] == 0.0  # 0 near misses / 4 accidents


def test_an_enterprise_without_hours_has_no_hour_rates_never_zero(world):
    m = metrics(world.store, SYSTEM, 2025, bin_=world.b)
    # B: 1 light accident of 12 days, headcount 50, hours unknown
    assert (m["injured"], m["headcount"], m["hours"]) == (1, 50, None)
    assert m["kch"] == approx(20.0)  # 1 × 1000 / 50
    assert m["kt"] == approx(12.0)  # 12 / 1
    assert m["kp"] == approx(240.0)  # 20 × 12
    assert m["ltifr"] is None and m["trir"] is None and m["dart"] is None
    assert m["near_misses_per_accident"] == approx(2.0)  # 2 near misses / 1 accident


def test_region_hour_rates_use_only_enterprises_with_hours(world):
    [row] = yearly(world.store, scope_for(world.store, SYSTEM), 2025, 2025)
    # hours known for A only: 2000 of 2050 workers
    assert row["hours"] == 3_600_000
    assert row["hours_coverage"] == approx(2000 / 2050) and row["hours_coverage"] < 1
    # B's lost-time, recordable and DART accident (12 days) stays out of the numerators: the figures are A's
    assert row["ltifr"] == approx(4 * 1_000_000 / 3_600_000)
    assert row["trir"] == approx(8 * 200_000 / 3_600_000)
    assert row["dart"] == approx(5 * 200_000 / 3_600_000)
    assert row["lost_time"] == 5 and row["recordable"] == 9 and row["dart_cases"] == 6  # the counts keep B's case


def test_region_rates_are_weighted_not_averaged(world):
    region = metrics(world.store, SYSTEM, 2025)
    # Σ injured = 6 + 1 = 7, Σ headcount = 2000 + 50 = 2050
    assert (region["injured"], region["killed"], region["headcount"]) == (7, 1, 2050)
    assert region["kch"] == approx(7 * 1000 / 2050)  # ≈ 3.414634
    # the mean of the enterprises' rates would be (3.0 + 20.0) / 2 = 11.5: not what the region shows
    kch_a = metrics(world.store, SYSTEM, 2025, bin_=world.a)["kch"]
    kch_b = metrics(world.store, SYSTEM, 2025, bin_=world.b)["kch"]
    assert (kch_a + kch_b) / 2 == approx(11.5)
    assert region["kch"] != approx(11.5)
    # Кт: (80 + 12) / (5 + 1) non-fatal; Кп = Кч × Кт; Кч.см = 1 × 1000 / 2050
    assert region["lost_days"] == 92
    assert region["kt"] == approx(92 / 6)  # ≈ 15.333333
    assert region["kp"] == approx(7 * 1000 / 2050 * 92 / 6)  # ≈ 52.357724
    assert region["kch_fatal"] == approx(1000 / 2050)  # ≈ 0.487805
    # near misses 6 + 2 = 8 over 5 + 1 = 6 accidents
    assert region["near_misses_per_accident"] == approx(8 / 6)


def test_by_group_gives_each_district_its_own_weighted_figures(world):
    rows = {r["key"]: r for r in by_group(world.store, scope_for(world.store, SYSTEM), "district", 2025)}
    assert set(rows) == {TARAZ, BAIZAK}
    assert rows[TARAZ]["kch"] == approx(3.0) and rows[BAIZAK]["kch"] == approx(20.0)
    assert rows[TARAZ]["previous_kch"] == approx(4 * 1000 / 1800)
    assert rows[TARAZ]["yoy_kch_pct"] == approx(35.0)  # (3.0 − 2.2222) / 2.2222 × 100 = (1.35 − 1) × 100
    assert rows[BAIZAK]["previous_kch"] == 0.0 and rows[BAIZAK]["yoy_kch_pct"] is None  # no case in 2024


def test_a_year_without_cases_has_kch_zero_and_no_kt(world):
    [row] = yearly(world.store, scope_for(world.store, SYSTEM, bin_=world.b), 2024, 2024)
    # B in 2024: headcount 40, no case at all
    assert (row["injured"], row["killed"], row["lost_days"], row["headcount"]) == (0, 0, 0, 40)
    assert row["kch"] == 0.0 and row["kch_fatal"] == 0.0
    assert row["kt"] is None and row["kp"] is None  # 0 days / 0 non-fatal injured: no data, not 0
    assert row["near_misses_per_accident"] is None  # no accident to divide by


def test_a_year_without_headcount_has_no_rates(world):
    [row] = yearly(world.store, scope_for(world.store, SYSTEM), 2023, 2023)
    assert row["injured"] == 0 and row["headcount"] is None
    assert all(row[name] is None for name in ("kch", "kt", "kp", "kch_fatal", "ltifr", "trir", "dart"))


def test_group_accident_with_one_fatal_case(world):
    store, a = world.store, world.a
    # a third enterprise holding only the group accident: 2 cases numbered "Н-1", one of them fatal
    c = demo_bin(random.Random(99), {a, world.b})
    _enterprise(store, c, "Третье", TARAZ, "24100")
    save_years(store, SYSTEM, c, [{"year": 2025, "avg_headcount": 400, "hours_worked": 700_000}])
    _case(store, c, dt.date(2025, 2, 3), severity="fatal", accident_no="Н-1", note="погиб")
    _case(store, c, dt.date(2025, 2, 3), severity="severe", lost=45, restricted=10, accident_no="Н-1")
    _cases(store, c, [_record(dt.date(2025, 3, day), kind="near_miss", note=f"почти {day}") for day in range(1, 4)])
    m = metrics(store, SYSTEM, 2025, bin_=c)
    assert (m["injured"], m["killed"], m["lost_days"]) == (2, 1, 45)
    assert m["kch"] == approx(5.0)  # 2 × 1000 / 400
    assert m["kch_fatal"] == approx(2.5)  # 1 × 1000 / 400
    assert m["kt"] == approx(45.0)  # 45 days / 1 non-fatal injured (the fatal case is left out)
    assert m["kp"] == approx(225.0)  # 5 × 45
    assert m["ltifr"] == approx(2 * 1_000_000 / 700_000)  # both cases are lost-time (fatal, 45 days)
    assert m["trir"] == approx(2 * 200_000 / 700_000)
    assert m["dart"] == approx(1 * 200_000 / 700_000)  # only the severe case has days away
    assert m["near_misses_per_accident"] == approx(3.0)  # 3 near misses / ONE accident


def test_year_on_year_change(world):
    region = metrics(world.store, SYSTEM, 2025)
    before = 4 * 1000 / 1840  # 2024: 4 injured (A), headcount 1800 + 40
    now = 7 * 1000 / 2050
    assert region["previous"]["kch"] == approx(before)  # ≈ 2.173913
    assert region["yoy_kch_pct"] == approx((now - before) / before * 100)  # ≈ 57.073171
    assert region["yoy_kt_pct"] == approx((92 / 6 - 5.0) / 5.0 * 100)  # Кт 5.0 → 15.333
    # 2024 against 2023: nobody had a headcount in 2023, so there is no earlier Кч
    assert metrics(world.store, SYSTEM, 2024)["previous"]["kch"] is None
    assert metrics(world.store, SYSTEM, 2024)["yoy_kch_pct"] is None
    # B 2025 against 2024: the earlier Кч is 0.0, a change in percent has no meaning
    small = metrics(world.store, SYSTEM, 2025, bin_=world.b)
    assert small["previous"]["kch"] == 0.0 and small["yoy_kch_pct"] is None


def test_change_pct():
    assert change_pct(0.75, 1.0) == approx(-25.0)  # (0.75 − 1) / 1 × 100
    assert change_pct(3.0, 2.0) == approx(50.0)
    assert change_pct(0.0, 2.0) == approx(-100.0)
    assert change_pct(1.0, None) is None and change_pct(1.0, 0) is None and change_pct(1.0, 0.0) is None
    assert change_pct(None, 1.0) is None


def test_near_misses_micro_injuries_and_diseases_never_count_in_kch(world):
    store, a = world.store, world.a
    base = metrics(store, SYSTEM, 2025, bin_=a)
    # ten more of each non-accident kind: nothing of Кч, Кт, Кп, Кч.см moves
    _cases(
        store,
        a,
        [
            _record(dt.date(2025, 11, day), kind=kind, note=f"ещё {day}", lost=1 if kind == "micro_injury" else 0)
            for day in range(1, 11)
            for kind in ("near_miss", "micro_injury", "occupational_disease")
        ],
    )
    after = metrics(store, SYSTEM, 2025, bin_=a)
    for name in ("injured", "killed", "lost_days", "kch", "kt", "kp", "kch_fatal", "ltifr"):
        assert after[name] == base[name], name
    assert after["near_misses"] == 16 and after["near_misses_per_accident"] == approx(16 / 5)
    assert after["trir"] == approx(18 * 200_000 / 3_600_000)  # diseases are recordable: 8 + 10
    # asked for explicitly, other kinds are counted: accidents 6 + micro-injuries 1 + 10
    wider = yearly(store, with_kinds(scope_for(store, SYSTEM, bin_=a), ("accident", "micro_injury")), 2025, 2025)
    assert wider[0]["injured"] == 17 and wider[0]["kch"] == approx(17 * 1000 / 2000)
    with pytest.raises(SafetyError):
        scope_for(store, SYSTEM, kinds=["injury"])


@pytest.mark.parametrize("role", [Role.ENTERPRISE_MANAGER, Role.SAFETY_OFFICER])
def test_a_scoped_user_gets_their_own_enterprise_whatever_they_ask(world, role):
    store, a, b = world.store, world.a, world.b
    user, _ = create_user(
        store,
        SYSTEM,
        {"username": f"own.{role.value}", "full_name": "Свой Сотрудник", "role": role.value, "enterprise_bin": a},
    )
    assert scope_for(store, user, district=BAIZAK, bin_=b).bin == a
    assert scope_for(store, user).bin == a and scope_for(store, user).district is None
    asked_other = metrics(store, user, 2025, bin_=b, district=BAIZAK)
    own = metrics(store, SYSTEM, 2025, bin_=a)
    assert asked_other == own
    assert asked_other["injured"] == 6 and asked_other["kch"] == approx(3.0)
    assert metrics(store, user, 2025) == own  # no filter: still not the region's 7 injured


def test_scoped_demo_users_see_their_enterprise(demo_store):
    from safety.access.auth import user_from_row
    from safety.db import users as users_sql
    from safety.register.enterprises import list_enterprises

    with demo_store.cursor() as cur:
        head = user_from_row(users_sql.by_username(cur, "demo.head"))
        officer = user_from_row(users_sql.by_username(cur, "demo.officer"))
    everyone = list_enterprises(demo_store, SYSTEM)
    own = next(e for e in everyone if e.id == head.enterprise_id)
    other = next(e for e in everyone if e.id != head.enterprise_id and e.kato != own.kato)
    expected = metrics(demo_store, SYSTEM, 2026, bin_=own.bin)
    for user in (head, officer):
        assert scope_for(demo_store, user, district=other.kato, bin_=other.bin).bin == own.bin
        assert metrics(demo_store, user, 2026, bin_=other.bin, district=other.kato) == expected


def test_unknown_bin_is_refused(world):
    with pytest.raises(SafetyError):
        metrics(world.store, SYSTEM, 2025, bin_="990149000000")


def test_demo_acceptance_kch_falls_by_about_a_fifth(demo_store):
    m = metrics(demo_store, SYSTEM, 2026)
    assert m["yoy_kch_pct"] is not None and -30 < m["yoy_kch_pct"] < -15
    # the change is computed from the two published rates
    assert m["yoy_kch_pct"] == approx((m["kch"] - m["previous"]["kch"]) / m["previous"]["kch"] * 100)
    assert m["kch"] == approx(m["injured"] * 1000 / m["headcount"])


def test_a_scoped_user_without_an_enterprise_sees_nothing(demo_store):
    from safety.access.roles import Role, User
    from safety.incidents.log import list_incidents

    lost = User(id=None, username="nobody", full_name="Nobody", role=Role.ENTERPRISE_MANAGER, enterprise_id=None)
    scope = scope_for(demo_store, lost)
    [row] = yearly(demo_store, scope, 2025, 2025)
    assert row["injured"] == 0 and row["headcount"] is None
    assert list_incidents(demo_store, lost) == []


LONE, OTHER = "990249846524", "980349693743"  # valid fictional BINs


# --- found while reviewing: a blank district with a BIN, a deactivated enterprise, an accident number like '#<id>'
def test_blank_district_with_a_bin_is_no_filter(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        add_enterprise(
            store,
            SYSTEM,
            {
                "bin": LONE,
                "name_ru": "А",
                "name_kk": "А",
                "kato": "311000000",
                "oked": "08110",
                "industry": "x",
                "joined_on": dt.date(2020, 1, 1),
            },
        )
        save_years(store, SYSTEM, LONE, [{"year": 2025, "avg_headcount": 2000, "hours_worked": 3_600_000}])
        add_incident(store, SYSTEM, LONE, {"occurred_on": dt.date(2025, 3, 1), "severity": "light", "lost_days": 5})
        assert scope_for(store, SYSTEM, district="").district is None
        assert metrics(store, SYSTEM, 2025, district="")["kch"] == 0.5
        assert scope_for(store, SYSTEM, bin_=LONE, district="").district is None
        assert metrics(store, SYSTEM, 2025, bin_=LONE, district="")["kch"] == 0.5


def test_a_deactivated_enterprise_is_left_out_of_the_figures(tmp_path):
    # enterprise.status.help: "A deactivated enterprise is hidden from the register and the figures"
    with Store(tmp_path / "t.duckdb") as store:
        for bin_, heads in ((LONE, 2000), (OTHER, 50)):
            add_enterprise(
                store,
                SYSTEM,
                {
                    "bin": bin_,
                    "name_ru": bin_,
                    "name_kk": bin_,
                    "kato": "311000000",
                    "oked": "08110",
                    "industry": "x",
                    "joined_on": dt.date(2020, 1, 1),
                },
            )
            save_years(store, SYSTEM, bin_, [{"year": 2025, "avg_headcount": heads, "hours_worked": None}])
            add_incident(store, SYSTEM, bin_, {"occurred_on": dt.date(2025, 3, 1), "severity": "light", "lost_days": 5})
        set_enterprise_active(store, SYSTEM, OTHER, False)
        region = metrics(store, SYSTEM, 2025)
        assert (region["injured"], region["headcount"]) == (1, 2000)


def test_an_accident_number_like_hash_id_is_not_merged_with_another_case(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        add_enterprise(
            store,
            SYSTEM,
            {
                "bin": LONE,
                "name_ru": "А",
                "name_kk": "А",
                "kato": "311000000",
                "oked": "08110",
                "industry": "x",
                "joined_on": dt.date(2020, 1, 1),
            },
        )
        save_years(store, SYSTEM, LONE, [{"year": 2025, "avg_headcount": 100, "hours_worked": None}])
        first = add_incident(store, SYSTEM, LONE, {"occurred_on": dt.date(2025, 3, 1), "severity": "light"})
        add_incident(
            store,
            SYSTEM,
            LONE,
            {"occurred_on": dt.date(2025, 4, 1), "severity": "light", "accident_no": f"#{first['id']}"},
        )
        add_incident(store, SYSTEM, LONE, {"occurred_on": dt.date(2025, 5, 1), "kind": "near_miss"})
        m = metrics(store, SYSTEM, 2025)
        assert m["near_misses_per_accident"] == 0.5  # 1 near miss / 2 separate accidents
