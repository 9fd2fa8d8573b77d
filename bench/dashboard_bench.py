"""Benchmark of the managers' dashboard on a national-scale database: every query the page runs, timed.

A benchmark, not a test: it prints figures and PASS/MISS against the targets, and asserts nothing.

    /work/venv/bin/python bench/dashboard_bench.py [--enterprises 10000] [--cases 2000000] [--repeat 7]
                                                   [--db PATH] [--keep] [--explain] [--profile-page]

1. Builds (untimed; the build time is printed) a fictional database: a fresh Store (so the migrations run), then bulk
   inserts in DuckDB SQL (hash()-based draws, an ASOF join to spread cases over enterprises by size): enterprises with
   valid demo-style BINs over the 11 districts and the OKED divisions of safety.register.geography, five years of
   headcount and hours (~30 % without hours), the incident log, one submitted golden-rules assessment
   per enterprise with its 7 rule scores, corrective actions (some overdue), and a regional manager.
2. Times, for three scopes (the region as a regional manager sees it, one district, one enterprise), every
   library function app_pages/dashboard.py calls, in page order (latest_year, enterprise_choices, scope_for,
   tiles, indicators.yearly, monthly, rolling_kch, splits (districts and industries), heatmap, league, scatter; and
   groups by enterprise, which is not on the page), then every SQL function those calls ran (safety.db.indicators,
   enterprises, assessments: recorded during the warm-up run, replayed alone). Medians and maxima of --repeat runs
   after one warm-up. Targets: <= 100 ms median per query, <= 0.5 s for one page view's queries. --explain
   profiles the region's queries that miss (DuckDB's EXPLAIN ANALYZE figures, the costliest operators).
3. If app_pages/dashboard.py exists, runs the whole app through streamlit.testing.v1.AppTest as a regional manager
   with VZ_DB_PATH at the bench database and prints the page's wall time (else says it was skipped);
   --profile-page adds a cProfile of one more view.
4. Baseline in the same run: the same yearly indicators computed the naive pandas way (load incidents and
   enterprise_years into DataFrames, group), against ours.
Figures and machine facts go to stdout and bench/out/dashboard.json.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import functools
import gc
import inspect
import io
import json
import logging
import math
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PACKAGES = ("duckdb", "pandas", "pyarrow", "numpy", "streamlit")  # versions recorded with the figures
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
from machine import machine_facts, verdict  # noqa: E402

import safety.db.indicators as raw_sql  # noqa: E402
from safety.access.auth import hash_password, now  # noqa: E402
from safety.access.roles import SYSTEM, Role  # noqa: E402
from safety.access.users import create_user  # noqa: E402
from safety.checklists.assessments import checklist_version  # noqa: E402
from safety.checklists.schema import load_checklists  # noqa: E402
from safety.db import Store, meta, summaries  # noqa: E402
from safety.db import assessments as assessment_sql  # noqa: E402
from safety.db import enterprises as enterprise_sql  # noqa: E402
from safety.db import scores as score_sql  # noqa: E402
from safety.db import users as users_sql  # noqa: E402
from safety.db.results import SharedResults  # noqa: E402
from safety.demo import demo_bin, mark_initialised  # noqa: E402
from safety.identifiers import is_valid_bin  # noqa: E402
from safety.incidents.investigations import deadlines  # noqa: E402
from safety.indicators import dashboard  # noqa: E402
from safety.indicators import formulas as indicator_lib  # noqa: E402
from safety.indicators.programme import latest_year  # noqa: E402
from safety.register.enterprises import VISION_ZERO_LAUNCH  # noqa: E402
from safety.register.geography import DISTRICTS, DIVISIONS  # noqa: E402

try:
    import pandas as pd
except ImportError:  # without pandas the baseline is skipped
    pd = None

OUT_DIR = ROOT / "bench" / "out"
OUT_FILE = OUT_DIR / "dashboard.json"
APP_FILE = ROOT / "app.py"
DASHBOARD_PAGE = "app_pages/dashboard.py"
META_KEY = "bench_dashboard"
DATA_VERSION = 2  # raised whenever the generated data changes: an older bench database is then refused
REGIONAL_USER = "bench.region"
CHECKLIST = "golden_rules"
LANG = "ru"
YEARS = 5
TARGET_QUERY = 0.100  # seconds, median of one query
TARGET_DASHBOARD = 0.5  # seconds, the sum of one whole dashboard's queries
GROUP_SHARE = 0.002  # share of 3-case blocks that become one group accident (2 or 3 injured)

# District shares: the city of Taraz holds about a third of the region's enterprises.
DISTRICT_WEIGHTS = (30, 7, 8, 5, 9, 6, 7, 4, 5, 5, 8)
# Enterprises per OKED division and the division's accident risk (the demo's factors, others 1.0).
DIVISION_WEIGHTS = {
    "01": 12,
    "06": 3,
    "08": 6,
    "10": 12,
    "20": 4,
    "23": 6,
    "24": 3,
    "35": 6,
    "36": 4,
    "41": 10,
    "42": 8,
    "43": 10,
    "49": 10,
    "52": 6,
}
DIVISION_RISK = {
    "08": 2.2,
    "24": 2.0,
    "20": 1.5,
    "23": 1.5,
    "06": 1.3,
    "41": 1.6,
    "49": 1.2,
    "35": 0.9,
    "10": 0.8,
    "01": 0.7,
}
PLACES = [
    "Цех №1",
    "Цех №2",
    "Цех №3",
    "Карьер",
    "Склад",
    "Ремонтный участок",
    "Транспортный участок",
    "Котельная",
    "Участок погрузки",
    "Электроцех",
    "Обогатительная фабрика",
]
ACCIDENTS = [
    "Падение с высоты при обслуживании оборудования",
    "Захват руки движущимися частями конвейера",
    "Наезд погрузчика на пешехода",
    "Ожог при работе с горячей водой",
    "Порез кисти при ручной резке",
    "Падение на скользкой поверхности",
    "Удар падающим предметом",
    "Поражение электрическим током",
]
NEAR_MISSES = [
    "Обрыв стропа без пострадавших",
    "Падение инструмента с высоты рядом с людьми",
    "Короткое замыкание в щите",
    "Разлив кислоты в зоне проезда",
    "Срабатывание защиты при пуске",
    "Отсутствие ограждения вращающихся частей",
    "Утечка газа, работы остановлены",
]
JOBS = [
    "Слесарь-ремонтник",
    "Машинист крана",
    "Водитель погрузчика",
    "Электромонтёр",
    "Горнорабочий",
    "Аппаратчик",
    "Оператор",
    "Подсобный рабочий",
    "Электрогазосварщик",
    "Стропальщик",
    "Литейщик",
    "Бетонщик",
]
ACTION_TITLES = [
    "Провести внеплановый инструктаж",
    "Установить ограждение",
    "Заменить стропы",
    "Обновить схему движения транспорта",
    "Проверить знания по охране труда",
    "Выдать средства индивидуальной защиты",
    "Провести оценку профессиональных рисков",
    "Отремонтировать освещение",
    "Внедрить систему блокировки (LOTO)",
    "Разметить проходы",
]


def sql_text_list(values: list[str]) -> str:
    """A constant SQL list of strings (our own constants, never user text)."""
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


# --------------------------------------------------------------------------- building the database


def years_of(today: dt.date) -> range:
    return range(today.year - YEARS + 1, today.year + 1)


def build_database(store: Store, args: argparse.Namespace, today: dt.date) -> dict[str, Any]:
    """Fill a freshly migrated store with the fictional national-scale data set; return counts and step times."""
    years = years_of(today)
    first_day = dt.date(years[0], 1, 1)
    steps: dict[str, float] = {}
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        steps[name] = time.perf_counter() - clock
        clock = time.perf_counter()

    # A regional manager for the app page, with a known password that need not be changed: made first, as no
    # account may be added beside the fictional (demo-marked) enterprises below.
    user, _ = create_user(
        store,
        SYSTEM,
        {"username": REGIONAL_USER, "full_name": "Бенчмарк Инспекция области", "role": Role.REGIONAL_MANAGER.value},
    )
    with store.transaction() as cur:
        users_sql.set_password(cur, user.id, hash_password("bench-password-" + "x" * 8), must_change=False)

    # Enterprise attributes, vectorised (10,000 rows): BINs from the demo's generator (valid check digit, the
    # unassigned attribute digit 9), district and division by share, size log-uniform 20..5000.
    n = args.enterprises
    rng = random.Random(args.seed)
    taken: set[str] = set()
    bins = [demo_bin(rng, taken) for _ in range(n)]
    gen = np.random.default_rng(args.seed)
    district_p = np.array(DISTRICT_WEIGHTS, dtype=float) / sum(DISTRICT_WEIGHTS)
    division_codes = [d.code for d in DIVISIONS]
    division_p = np.array([DIVISION_WEIGHTS.get(c, 1) for c in division_codes], dtype=float)
    division_p /= division_p.sum()
    join_span = (first_day - VISION_ZERO_LAUNCH).days  # joined before the first year of data
    frame = pa.table(
        {
            "k": pa.array(np.arange(n, dtype=np.int64)),
            "bin": pa.array(bins, pa.string()),
            "district_i": pa.array(gen.choice(len(DISTRICTS), size=n, p=district_p).astype(np.int64)),
            "division_i": pa.array(gen.choice(len(DIVISIONS), size=n, p=division_p).astype(np.int64)),
            "base_head": pa.array(np.rint(np.exp(gen.uniform(math.log(20), math.log(5000), size=n))).astype(np.int64)),
            "joined_days": pa.array(gen.integers(0, join_span, size=n).astype(np.int64)),
            "oked_tail": pa.array(gen.integers(10, 100, size=n).astype(np.int64)),
        }
    )
    districts = pa.table({"i": list(range(len(DISTRICTS))), "kato": [d.kato for d in DISTRICTS]})
    divisions = pa.table(
        {
            "i": list(range(len(DIVISIONS))),
            "code": division_codes,
            "name_ru": [d.ru for d in DIVISIONS],
            "risk": [DIVISION_RISK.get(c, 1.0) for c in division_codes],
        }
    )

    with store.cursor() as cur:
        cur.execute("CREATE OR REPLACE TEMP MACRO bench_u(h) AS ((h) % 1000000007) / 1000000007.0")
        cur.load("bench_frame", frame)
        cur.load("bench_districts", districts)
        cur.load("bench_divisions", divisions)
        cur.execute(
            """
            INSERT INTO enterprises (bin, name_ru, name_kk, kato, oked, industry, joined_on, active, is_demo)
            SELECT f.bin, printf('Предприятие %05d (демо)', f.k + 1), printf('Кәсіпорын %05d (демо)', f.k + 1),
                   d.kato, v.code || CAST(f.oked_tail AS VARCHAR) || '0', v.name_ru,
                   CAST(? AS DATE) + CAST(f.joined_days AS INTEGER), TRUE, TRUE
            FROM bench_frame f JOIN bench_districts d ON d.i = f.district_i JOIN bench_divisions v ON v.i = f.division_i
            ORDER BY f.k""",
            [VISION_ZERO_LAUNCH],
        )
        # enterprise id, size and incident weight (size × division risk), with cumulative weights for the ASOF join
        cur.execute("""
            CREATE TEMP TABLE bench_ent AS
            SELECT e.id, f.k, f.base_head, f.base_head * v.risk AS weight,
                   sum(f.base_head * v.risk) OVER (ORDER BY f.k) - f.base_head * v.risk AS cum_lo
            FROM enterprises e JOIN bench_frame f ON f.bin = e.bin JOIN bench_divisions v ON v.i = f.division_i""")
        total_weight = cur.execute("SELECT sum(weight) FROM bench_ent").fetchone()[0]
        step("enterprises")

        cur.execute(
            """
            INSERT INTO enterprise_years (enterprise_id, year, avg_headcount, hours_worked)
            SELECT id, year, headcount,
                   CASE WHEN bench_u(hash(k, year, 12)) < 0.30 THEN NULL
                        ELSE CAST(round(headcount * 1750 * (0.95 + 0.10 * bench_u(hash(k, year, 13)))) AS BIGINT)
                   END
            FROM (SELECT id, k, year,
                         CAST(greatest(20, least(5000, round(base_head * (0.90 + 0.20 * bench_u(hash(k, year, 11))))))
                              AS INTEGER) AS headcount
                  FROM bench_ent, range(?, ?) t(year))""",
            [years[0], years[-1] + 1],
        )
        step("enterprise_years")

        span = (today - first_day).days + 1  # cases up to today, none in the future
        cur.execute(f"""
            INSERT INTO incidents (enterprise_id, occurred_on, kind, severity, lost_days, restricted_days,
                                   accident_no, place, description, job_title, gender, age, rule, fingerprint,
                                   reported_on, commission_on, closed_on, act_sent_on, created_by)
            WITH grouped AS (
                SELECT range AS n,
                       CASE WHEN bench_u(hash(range - range % 3, 21)) < {GROUP_SHARE}
                                 AND (range % 3 < 2 OR bench_u(hash(range - range % 3, 22)) < 0.5)
                            THEN range - range % 3 END AS grp
                FROM range({args.cases})),
            drawn AS (
                SELECT n, grp, coalesce(grp, n) AS key,
                       bench_u(hash(coalesce(grp, n), 1)) * {total_weight!r} AS w,
                       DATE '{first_day}' + CAST(floor(bench_u(hash(coalesce(grp, n), 2)) * {span}) AS INTEGER)
                           AS occurred_on,
                       bench_u(hash(n, 3)) AS u_kind, bench_u(hash(n, 4)) AS u_sev, bench_u(hash(n, 5)) AS u_days,
                       bench_u(hash(n, 6)) AS u_misc, bench_u(hash(coalesce(grp, n), 7)) AS u_inv,
                       hash(n, 8) AS h_pick, hash(coalesce(grp, n), 9) AS h_inv
                FROM grouped),
            typed AS (
                SELECT *,
                       CASE WHEN grp IS NOT NULL OR u_kind < 0.10 THEN 'accident'
                            WHEN u_kind < 0.85 THEN 'near_miss'
                            WHEN u_kind < 0.97 THEN 'micro_injury'
                            ELSE 'occupational_disease' END AS kind
                FROM drawn),
            rated AS (
                SELECT *,
                       CASE WHEN kind = 'accident' THEN CASE WHEN u_sev < 0.83 THEN 'light'
                                                             WHEN u_sev < 0.97 THEN 'severe' ELSE 'fatal' END
                       END AS severity
                FROM typed),
            investigated AS (
                SELECT *,
                       kind = 'accident' AND (severity IN ('severe', 'fatal') OR grp IS NOT NULL) AS serious,
                       occurred_on + 1 + CAST(u_inv < 0.05 AS INTEGER) AS rep,
                       occurred_on + 1 + CAST(h_inv % 3 AS INTEGER) AS com,
                       occurred_on + 1 + CAST(h_inv % 3 AS INTEGER) + 8 + CAST((h_inv // 3) % 7 AS INTEGER) AS clo,
                       occurred_on + 1 + CAST(h_inv % 3 AS INTEGER) + 8 + CAST((h_inv // 3) % 7 AS INTEGER)
                           + 2 + CAST((h_inv // 21) % 4 AS INTEGER) AS act
                FROM rated),
            placed AS (
                SELECT c.*, e.id AS enterprise_id, e.k
                FROM investigated c ASOF JOIN bench_ent e ON c.w >= e.cum_lo)
            SELECT enterprise_id, occurred_on, kind, severity,
                   CAST(CASE kind
                        WHEN 'accident' THEN CASE severity WHEN 'light' THEN 1 + floor(u_days * 45)
                                                           WHEN 'severe' THEN 30 + floor(u_days * 151) ELSE 0 END
                        WHEN 'micro_injury' THEN CASE WHEN u_days < 0.7 THEN 0 ELSE 1 + floor((u_days - 0.7) * 6.6) END
                        WHEN 'occupational_disease' THEN floor(u_days * 61)
                        ELSE 0 END AS INTEGER) AS lost_days,
                   CASE WHEN severity = 'light' AND u_misc < 0.2 THEN 1 + CAST(floor(u_misc * 50) AS INTEGER)
                        ELSE 0 END AS restricted_days,
                   CASE WHEN grp IS NOT NULL THEN 'БЕНЧ-Г-' || grp
                        WHEN kind = 'accident' AND u_misc > 0.7 THEN 'НС-' || n END AS accident_no,
                   list_element({sql_text_list(PLACES)}, CAST(1 + h_pick % {len(PLACES)} AS INTEGER)) AS place,
                   CASE WHEN kind = 'near_miss'
                        THEN list_element({sql_text_list(NEAR_MISSES)},
                                          CAST(1 + (h_pick // 16) % {len(NEAR_MISSES)} AS INTEGER))
                        ELSE list_element({sql_text_list(ACCIDENTS)},
                                          CAST(1 + (h_pick // 16) % {len(ACCIDENTS)} AS INTEGER)) END AS description,
                   CASE WHEN kind <> 'near_miss'
                        THEN list_element({sql_text_list(JOBS)}, CAST(1 + (h_pick // 256) % {len(JOBS)} AS INTEGER))
                   END AS job_title,
                   CASE WHEN kind <> 'near_miss' THEN CASE WHEN u_misc < 0.8 THEN 'male' ELSE 'female' END END
                       AS gender,
                   CASE WHEN kind <> 'near_miss' THEN CAST(19 + (h_pick // 4096) % 44 AS INTEGER) END AS age,
                   CASE WHEN kind = 'accident' THEN CAST(1 + (h_pick // 65536) % 7 AS INTEGER) END AS rule,
                   md5('bench:' || n) AS fingerprint,
                   -- serious and group accidents: most investigations complete, some stuck, none in the future
                   CASE WHEN serious AND rep <= DATE '{today}' THEN rep END AS reported_on,
                   CASE WHEN serious AND u_inv < 0.97 AND com <= DATE '{today}' THEN com END AS commission_on,
                   CASE WHEN serious AND u_inv < 0.93 AND clo <= DATE '{today}' THEN clo END AS closed_on,
                   CASE WHEN serious AND u_inv < 0.88 AND act <= DATE '{today}' THEN act END AS act_sent_on,
                   'bench' AS created_by
            FROM placed
            ORDER BY year(occurred_on), k, occurred_on, n""")
        step("incidents")
        summaries.rebuild(cur, deadlines)  # the library keeps these on every write; a bulk insert must do it itself
        step("case summaries")

        checklist = load_checklists()[CHECKLIST]
        checklist_version(cur, checklist)  # the frozen version the assessments refer to
        rules = [r.id for r in checklist.rules]
        cur.execute(f"""
            CREATE TEMP TABLE bench_scores AS
            SELECT k, rule_id, score,
                   CASE WHEN score >= 80 THEN 'green' WHEN score >= 50 THEN 'yellow' ELSE 'red' END AS status
            FROM (SELECT e.k, r.rule_id,
                         round(greatest(0, least(100, 35 + 55 * bench_u(hash(e.k, 41))
                                                       + 40 * (bench_u(hash(e.k, r.rule_id, 42)) - 0.5))), 1) AS score
                  FROM bench_ent e, unnest({rules}) r(rule_id))""")
        cur.execute(
            f"""
            INSERT INTO assessments (enterprise_id, checklist_id, version, status, started_by, started_at,
                                     submitted_by, submitted_at, assessed_on, overall_score)
            SELECT e.id, ?, ?, 'submitted', 'bench', on_day + TIME '09:00', 'bench', on_day + TIME '16:00', on_day,
                   s.overall
            FROM (SELECT *, DATE '{today}' - CAST(floor(bench_u(hash(k, 40)) * 330) AS INTEGER) AS on_day
                  FROM bench_ent) e
            JOIN (SELECT k, round(avg(score), 1) AS overall FROM bench_scores GROUP BY k) s ON s.k = e.k
            ORDER BY e.k""",
            [checklist.id, checklist.version],
        )
        cur.execute("""
            INSERT INTO assessment_rule_scores (assessment_id, rule_id, score, status)
            SELECT a.id, s.rule_id, s.score, s.status
            FROM assessments a JOIN bench_ent e ON e.id = a.enterprise_id JOIN bench_scores s ON s.k = e.k
            WHERE a.started_by = 'bench'""")
        step("assessments")

        cur.execute(f"""
            INSERT INTO corrective_actions (enterprise_id, assessment_id, rule_id, title, owner, due_on, priority,
                                            state, completed_on, completion_note, cancel_reason, created_by,
                                            created_at, updated_at)
            WITH drawn AS (
                SELECT range AS m, e.id AS enterprise_id, a.id AS assessment_id, a.assessed_on,
                       DATE '{first_day}' + CAST(floor(bench_u(hash(range, 51)) * {span + 120}) AS INTEGER) AS due_on,
                       bench_u(hash(range, 52)) AS u_state, hash(range, 53) AS h_pick
                FROM range({args.actions})
                JOIN bench_ent e ON e.k = CAST(hash(range, 50) % {n} AS BIGINT)
                JOIN assessments a ON a.enterprise_id = e.id AND a.started_by = 'bench'),
            stated AS (
                SELECT *,
                       CASE WHEN due_on >= DATE '{today}'
                            THEN CASE WHEN u_state < 0.25 THEN 'proposed' WHEN u_state < 0.60 THEN 'open'
                                      WHEN u_state < 0.90 THEN 'in_progress' ELSE 'done' END
                            ELSE CASE WHEN u_state < 0.85 THEN 'done' WHEN u_state < 0.90 THEN 'cancelled'
                                      WHEN u_state < 0.95 THEN 'open' ELSE 'in_progress' END END AS state
                FROM drawn),
            -- recorded 30–119 days before it is due (none in the future), done before it is due, cancelled two
            -- weeks after it was recorded: what the overdue tile reads for a past day
            dated AS (
                SELECT *, least(DATE '{today}', due_on - CAST(30 + (h_pick // 1048576) % 90 AS INTEGER)) AS recorded,
                       CASE WHEN state = 'done'
                            THEN least(DATE '{today}', greatest(due_on - CAST((h_pick // 65536) % 40 AS INTEGER),
                                       least(DATE '{today}', due_on - CAST(30 + (h_pick // 1048576) % 90
                                                                          AS INTEGER)))) END AS completed
                FROM stated)
            SELECT enterprise_id, CASE WHEN due_on > assessed_on THEN assessment_id END,
                   CAST(1 + h_pick % 7 AS INTEGER),
                   list_element({sql_text_list(ACTION_TITLES)}, CAST(1 + (h_pick // 8) % {len(ACTION_TITLES)}
                                                                     AS INTEGER)),
                   list_element({sql_text_list(JOBS)}, CAST(1 + (h_pick // 128) % {len(JOBS)} AS INTEGER)),
                   due_on, list_element(['high', 'medium', 'low'], CAST(1 + (h_pick // 4096) % 3 AS INTEGER)), state,
                   completed,
                   CASE WHEN state = 'done' THEN 'Выполнено (бенчмарк)' END,
                   CASE WHEN state = 'cancelled' THEN 'Заменено другим мероприятием (бенчмарк)' END,
                   'bench', recorded + TIME '10:00',
                   CASE state WHEN 'done' THEN completed + TIME '17:00'
                              WHEN 'cancelled' THEN least(DATE '{today}', recorded + 14) + TIME '11:00'
                              ELSE recorded + TIME '10:00' END
            FROM dated ORDER BY due_on, m""")
        step("corrective_actions")

        for table in ("bench_frame", "bench_districts", "bench_divisions"):
            cur.unload(table)
        cur.execute("DROP TABLE bench_ent")
        cur.execute("DROP TABLE bench_scores")

    mark_initialised(store)  # the app must never fill this database with the demo
    counts = table_counts(store)
    with store.transaction() as cur:
        meta.put(
            cur,
            META_KEY,
            json.dumps(
                {
                    "enterprises": args.enterprises,
                    "cases": args.cases,
                    "actions": args.actions,
                    "seed": args.seed,
                    "version": DATA_VERSION,
                    "built_on": str(today),
                }
            ),
        )
    with store.cursor() as cur:
        cur.execute("CHECKPOINT")
    step("user, checkpoint")
    return {"steps_seconds": steps, "counts": counts}


def table_counts(store: Store) -> dict[str, int]:
    tables = (
        "enterprises",
        "enterprise_years",
        "incidents",
        "assessments",
        "assessment_rule_scores",
        "corrective_actions",
        "checklist_versions",
        "users",
    )
    with store.cursor() as cur:
        return {t: int(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}


def data_facts(store: Store, today: dt.date) -> dict[str, Any]:
    """A few checks and shares of what was built, to print next to the build time."""
    with store.cursor() as cur:
        kinds = dict(cur.execute("SELECT kind, count(*) FROM incidents GROUP BY kind").fetchall())
        severities = dict(
            cur.execute("SELECT severity, count(*) FROM incidents WHERE kind = 'accident' GROUP BY severity").fetchall()
        )
        group_accidents, in_groups = cur.execute("""
            SELECT count(*), coalesce(sum(c), 0) FROM (SELECT accident_no, count(*) AS c FROM incidents
            WHERE accident_no IS NOT NULL GROUP BY accident_no HAVING count(*) >= 2)""").fetchone()
        hours_null = cur.execute("SELECT avg(CAST(hours_worked IS NULL AS INTEGER)) FROM enterprise_years").fetchone()[
            0
        ]
        serious, no_act = cur.execute("""
            SELECT count(*), count(*) FILTER (WHERE act_sent_on IS NULL) FROM incidents
            WHERE kind = 'accident' AND severity IN ('severe', 'fatal')""").fetchone()
        overdue = cur.execute(
            "SELECT count(*) FROM corrective_actions WHERE due_on < ? AND state NOT IN ('done', 'cancelled')", [today]
        ).fetchone()[0]
        bins = [r[0] for r in cur.execute("SELECT bin FROM enterprises").fetchall()]
        span = cur.execute("SELECT min(occurred_on), max(occurred_on) FROM incidents").fetchone()
    return {
        "kinds": kinds,
        "accident_severity": severities,
        "group_accidents": int(group_accidents),
        "cases_in_group_accidents": int(in_groups),
        "enterprise_years_without_hours": float(hours_null or 0),
        "serious_accidents": int(serious),
        "serious_without_act": int(no_act),
        "overdue_actions": int(overdue),
        "bins_valid": all(is_valid_bin(b) for b in bins),
        "bins_unique": len(set(bins)) == len(bins),
        "first_case": str(span[0]),
        "last_case": str(span[1]),
    }


# --------------------------------------------------------------------------- recording the raw SQL calls


class Recorder:
    """While active, wraps every public function of the SQL modules the page reaches (safety.db.indicators, and
    safety.db.enterprises / assessments for the programme figures, the enterprise list and scope_for) to record
    its calls: (module.name, arguments).

    The library modules look these functions up on the module at call time (`sql.indicators(...)`), so patching
    the module's attributes sees every call; the originals are put back afterwards and used for the replays.
    """

    def __init__(self) -> None:
        self.originals: dict[str, tuple[Any, str, Callable[..., Any]]] = {}
        for module in (raw_sql, enterprise_sql, assessment_sql, score_sql):
            short = module.__name__.rsplit(".", 1)[-1]
            for name, fn in vars(module).items():
                if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_"):
                    self.originals[f"{short}.{name}"] = (module, name, fn)
        self.calls: list[tuple[str, tuple, dict]] | None = None

    @contextlib.contextmanager
    def recording(self) -> Any:
        self.calls = []
        for qualified, (module, name, fn) in self.originals.items():
            setattr(module, name, self._wrap(qualified, fn))
        try:
            yield self.calls
        finally:
            for module, name, fn in self.originals.values():
                setattr(module, name, fn)
            self.calls = None

    def _wrap(self, qualified: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(cur: Any, *args: Any, **kwargs: Any) -> Any:
            if self.calls is not None:
                self.calls.append((qualified, args, dict(kwargs)))
            return fn(cur, *args, **kwargs)

        return wrapper

    def replay(self, store: Store, call: tuple[str, tuple, dict]) -> Any:
        qualified, args, kwargs = call
        with store.cursor() as cur:
            return self.originals[qualified][2](cur, *args, **kwargs)

    def statements(self, store: Store, call: tuple[str, tuple, dict]) -> list[tuple[str, list[Any]]]:
        """The SQL statements (and parameters) one raw call executes."""
        seen: list[tuple[str, list[Any]]] = []
        qualified, args, kwargs = call
        with store.cursor() as cur:

            class Spy:
                dialect = cur.dialect

                def execute(self, sql: str, params: Any = None) -> Any:
                    seen.append((sql, list(params or [])))
                    return cur.execute(sql, params or [])

                def arrow(self, sql: str, params: Any = None) -> Any:
                    seen.append((sql, list(params or [])))
                    return cur.arrow(sql, params or [])

            self.originals[qualified][2](Spy(), *args, **kwargs)
        return seen


def call_key(call: tuple[str, tuple, dict]) -> str:
    name, args, kwargs = call
    return name + repr(args) + repr(sorted(kwargs.items()))


def call_label(call: tuple[str, tuple, dict]) -> str:
    """A short label of a raw call: its name (without "indicators." for safety.db.indicators) and the arguments
    that are not the scope (the scope is the section's title)."""
    name, args, kwargs = call
    name = name.removeprefix("indicators.")
    parts = []
    for value in args:
        if isinstance(value, dt.date):
            parts.append(str(value))
        elif isinstance(value, list) and value and all(isinstance(v, dt.date) for v in value):
            parts.append(", ".join(map(str, value)))
        elif value != CHECKLIST:
            parts.append(repr(value))
    if "group" in kwargs:
        group = kwargs["group"]
        parts.append(group if isinstance(group, str) else "+".join(group))
    first, last = kwargs.get("first_year"), kwargs.get("last_year", kwargs.get("year"))
    if first is not None:
        parts.append(f"{first}–{last}" if first != last else str(first))
    elif last is not None:
        parts.append(str(last))
    kinds = kwargs.get("kinds")
    if kinds and list(kinds) != list(indicator_lib.DEFAULT_KINDS):
        parts.append("kinds=" + "+".join(kinds))
    return f"{name}({', '.join(parts)})"


# --------------------------------------------------------------------------- measuring


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, Any]:
    """Median, max and all wall-clock times of `repeat` runs of fn (the caller ran the warm-up), and the median
    CPU time of the process (all threads, DuckDB's included): on a busy machine wall >> CPU means waiting."""
    runs, cpu = [], []
    for _ in range(repeat):
        gc.collect()
        cpu_start, start = time.process_time(), time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return {"median": statistics.median(runs), "max": max(runs), "runs": runs, "cpu_median": statistics.median(cpu)}


def library_calls(
    store: Store, scope_args: dict[str, Any], year: int, today: dt.date
) -> list[tuple[str, Callable[[Any], Any], bool]]:
    """What app_pages/dashboard.py calls for one scope, in page order (name, call, on the page), as a regional
    manager sees it with the page's default years (the last five, ending with the latest year of data).

    groups by enterprise is not on the page (the league covers it); it is timed but left out of the sums.
    """
    first = year - YEARS + 1
    kept: dict[str, Any] = {}  # rows the page passes on from one call to the next

    def keep(name: str, value: Any) -> Any:
        kept[name] = value
        return value

    return [
        ("latest_year (the opening year)", lambda s: latest_year(store, SYSTEM), True),
        ("enterprise_choices (the filter)", lambda s: dashboard.enterprise_choices(store, SYSTEM), True),
        ("scope_for", lambda s: indicator_lib.scope_for(store, SYSTEM, **scope_args), True),
        ("indicators.yearly (5 years)", lambda s: keep("yearly", indicator_lib.yearly(store, s, first, year)), True),
        (
            "tiles (from the yearly rows)",
            lambda s: dashboard.tiles(store, s, year, today, yearly_rows=kept["yearly"]),
            True,
        ),
        (
            "monthly (5 years + the year before)",
            lambda s: keep("months", dashboard.monthly(store, s, first - 1, year, LANG)),
            True,
        ),
        (
            "rolling_kch (from the monthly rows)",
            lambda s: dashboard.rolling_kch(store, s, first, year, today, months=kept["months"]),
            True,
        ),
        ("splits (districts and industries)", lambda s: dashboard.splits(store, s, year, LANG), True),
        ("heatmap (40 lowest)", lambda s: dashboard.heatmap(store, s, LANG), True),
        ("league (5-year trend)", lambda s: keep("league", dashboard.league(store, s, year, LANG, years=YEARS)), True),
        ("scatter_from_league", lambda s: dashboard.scatter_from_league(kept["league"]), True),
        (
            f"league rows shown (top {dashboard.LEAGUE_ROWS})",
            lambda s: kept["league"].rows(dashboard.LEAGUE_ROWS),
            True,
        ),
        ("groups enterprise (not on the page)", lambda s: dashboard.groups(store, s, "enterprise", year, LANG), False),
    ]


def measure_scope(
    store: Store,
    recorder: Recorder,
    scope_args: dict[str, Any],
    title: str,
    args: argparse.Namespace,
    year: int,
    today: dt.date,
) -> dict[str, Any]:
    print(f"\n{title}")
    scope = indicator_lib.scope_for(store, SYSTEM, **scope_args)
    lib: dict[str, Any] = {}
    page_calls: list[tuple[str, tuple, dict]] = []
    extra_calls: list[tuple[str, tuple, dict]] = []
    for name, fn, on_page in library_calls(store, scope_args, year, today):
        with recorder.recording() as calls:
            result = fn(scope)  # the warm-up run, recorded
        figures = timed(lambda fn=fn: fn(scope), args.repeat)
        figures |= {"queries": [call_key(c) for c in calls], "rows": rows_of(result), "on_page": on_page}
        lib[name] = figures
        (page_calls if on_page else extra_calls).extend(calls)

    distinct: dict[str, dict[str, Any]] = {}
    for call in page_calls + extra_calls:
        key = call_key(call)
        if key not in distinct:
            distinct[key] = {"call": call, "label": call_label(call), "calls": 0}
    for call in page_calls:
        distinct[call_key(call)]["calls"] += 1
    for entry in distinct.values():
        recorder.replay(store, entry["call"])  # warm-up
        entry |= timed(lambda call=entry["call"]: recorder.replay(store, call), args.repeat)
        entry["pass"] = entry["median"] <= TARGET_QUERY

    width = max(44, *(len(e["label"]) + 1 for e in distinct.values()))
    print(f"  {'library function (what the page calls)':<{width}}{'median':>10}{'max':>10}{'CPU':>10}  queries")
    for name, f in lib.items():
        print(
            f"  {name:<{width}}{ms(f['median']):>10}{ms(f['max']):>10}{ms(f['cpu_median']):>10}  {len(f['queries']):>7}"
        )
    print(
        f"  {'SQL query (safety.db.*)':<{width}}{'median':>10}{'max':>10}{'CPU':>10}  calls  target ≤ "
        f"{TARGET_QUERY * 1000:.0f} ms"
    )
    for entry in sorted(distinct.values(), key=lambda e: e["label"]):
        calls = str(entry["calls"]) if entry["calls"] else "extra"
        print(
            f"  {entry['label']:<{width}}{ms(entry['median']):>10}{ms(entry['max']):>10}"
            f"{ms(entry['cpu_median']):>10}  {calls:>5}  {verdict(entry['pass'])}"
        )
    queries_sum = sum(e["median"] * e["calls"] for e in distinct.values())
    library_sum = sum(f["median"] for f in lib.values() if f["on_page"])
    slowest_first = sorted(distinct.values(), key=lambda e: -e["median"])
    misses = [e["label"] for e in slowest_first if not e["pass"] and e["calls"]]  # the targets are the page's
    extra_misses = [e["label"] for e in slowest_first if not e["pass"] and not e["calls"]]
    on_page = sum(1 for e in distinct.values() if e["calls"])
    calls_text = f"({len(page_calls)} calls, {on_page} distinct)"
    print(
        f"  {'sum of one dashboard' + chr(39) + 's queries ' + calls_text:<{width + 10}}{queries_sum:10.3f} s  "
        f"target ≤ {TARGET_DASHBOARD:g} s  {verdict(queries_sum <= TARGET_DASHBOARD)}"
    )
    print(
        f"  {'sum of the page' + chr(39) + 's library functions (queries + Python)':<{width + 10}}"
        f"{library_sum:10.3f} s  target ≤ {TARGET_DASHBOARD:g} s  {verdict(library_sum <= TARGET_DASHBOARD)}"
    )
    print(
        f"  page queries over {TARGET_QUERY * 1000:.0f} ms: {len(misses)} of {on_page}"
        + (f" (slowest first: {', '.join(misses)})" if misses else "")
        + (f"; not on the page: {', '.join(extra_misses)}" if extra_misses else "")
    )
    return {
        "scope": {"district": scope.district, "division": scope.division, "bin": scope.bin, "kinds": list(scope.kinds)},
        "library": lib,
        "queries": [
            {k: v for k, v in e.items() if k != "call"} | {"key": call_key(e["call"])} for e in distinct.values()
        ],
        "query_calls": len(page_calls),
        "queries_sum_seconds": queries_sum,
        "queries_sum_pass": queries_sum <= TARGET_DASHBOARD,
        "library_sum_seconds": library_sum,
        "library_sum_pass": library_sum <= TARGET_DASHBOARD,
        "misses": misses,
        "page_queries": on_page,
        "extra_misses": extra_misses,
        "_calls": {call_key(e["call"]): e["call"] for e in distinct.values()},
    }


def rows_of(result: Any) -> int | None:
    if isinstance(result, tuple):
        result = result[0]
    return len(result) if isinstance(result, list) else None


EXPLAIN_TOP = 8


def explain(store: Store, recorder: Recorder, call: tuple[str, tuple, dict], folder: Path) -> dict[str, Any]:
    """Profile each statement one raw call runs (DuckDB's JSON profile, the same figures as EXPLAIN ANALYZE):
    its total and CPU time and its most expensive operators."""
    out: dict[str, Any] = {"statements": []}
    output = folder / "profile.json"
    for sql, params in recorder.statements(store, call):
        with store.cursor() as cur:
            cur.execute("PRAGMA enable_profiling = 'json'")
            cur.execute(f"PRAGMA profiling_output = '{output}'")
            rows = len(cur.execute(sql, params).fetchall())
            cur.execute("PRAGMA disable_profiling")
        profile = json.loads(output.read_text(encoding="utf-8"))
        operators: list[dict[str, Any]] = []

        def walk(node: dict[str, Any], operators: list[dict[str, Any]] = operators) -> None:
            extra = node.get("extra_info") or {}
            detail = {
                k: extra[k]
                for k in ("Table", "Groups", "Aggregates", "Join Type", "Conditions", "Projections")
                if extra.get(k)
            }
            operators.append(
                {
                    "operator": node.get("name"),
                    "seconds": float(node.get("timing") or 0),
                    "rows": node.get("intermediate_rows"),
                    "detail": detail,
                }
            )
            for child in node.get("children", []):
                walk(child)

        for node in profile.get("operator", []):
            walk(node)
        query = profile.get("query", {})
        out["statements"].append(
            {
                "rows_returned": rows,
                "total_seconds": query.get("total_time"),
                "cpu_seconds": query.get("cpu_time"),
                "rows_scanned": query.get("total_rows_scanned"),
                "top_operators": sorted(operators, key=lambda o: -o["seconds"])[:EXPLAIN_TOP],
            }
        )
    output.unlink(missing_ok=True)
    return out


def explain_text(profile: dict[str, Any]) -> str:
    lines = []
    for statement in profile["statements"]:
        lines.append(
            f"  total {statement['total_seconds'] or 0:.3f} s, operators' CPU "
            f"{statement['cpu_seconds'] or 0:.3f} s, {statement['rows_scanned'] or 0:,} rows scanned, "
            f"{statement['rows_returned']:,} returned; top operators:"
        )
        for op in statement["top_operators"]:
            detail = json.dumps(op["detail"], ensure_ascii=False)
            lines.append(
                f"    {op['seconds'] * 1000:8.1f} ms  {op['operator']:<16} {op['rows'] or 0:>10,} rows  {detail[:110]}"
            )
    return "\n".join(lines)


# --------------------------------------------------------------------------- the pandas baseline


INCIDENT_COLUMNS = "id, enterprise_id, occurred_on, kind, severity, lost_days, restricted_days, accident_no"


def pandas_load(store: Store) -> tuple[Any, Any]:
    with store.cursor() as cur:
        incidents = cur.arrow(f"SELECT {INCIDENT_COLUMNS} FROM incidents").to_pandas()
        years = cur.arrow("SELECT enterprise_id, year, avg_headcount, hours_worked FROM enterprise_years").to_pandas()
    return incidents, years


def pandas_yearly(incidents: Any, years: Any, first: int, last: int, kinds: tuple[str, ...]) -> dict[int, dict]:
    """The region's yearly indicators the naive pandas way: group the cases per enterprise-year, merge the
    headcount, sum per year (the same definitions as safety.db.indicators)."""
    inc = incidents
    inc = inc.assign(year=pd.to_datetime(inc["occurred_on"]).dt.year)
    inc = inc[(inc["year"] >= first) & (inc["year"] <= last)]
    counted = inc["kind"].isin(kinds)
    fatal = inc["severity"] == "fatal"
    accident = inc["kind"] == "accident"
    recordable = inc["kind"].isin(["accident", "occupational_disease"])
    lost = inc["lost_days"] > 0
    frame = pd.DataFrame(
        {
            "enterprise_id": inc["enterprise_id"],
            "year": inc["year"],
            "injured": counted,
            "killed": counted & fatal,
            "lost_days": inc["lost_days"].where(counted & ~fatal, 0),
            "nonfatal": counted & ~fatal,
            "lost_time": accident & (lost | fatal),
            "recordable": recordable,
            "dart_cases": recordable & (lost | (inc["restricted_days"] > 0)),
            "near_misses": inc["kind"] == "near_miss",
        }
    )
    per = frame.groupby(["enterprise_id", "year"], as_index=False).sum()
    acc = inc[accident]
    acc_ids = acc["accident_no"].fillna("#" + acc["id"].astype(str))
    accidents = (
        pd.DataFrame({"enterprise_id": acc["enterprise_id"], "year": acc["year"], "a": acc_ids})
        .groupby(["enterprise_id", "year"])["a"]
        .nunique()
        .rename("accidents")
        .reset_index()
    )
    per = per.merge(accidents, on=["enterprise_id", "year"], how="left")
    staff = years[(years["year"] >= first) & (years["year"] <= last)]
    ey = per.merge(staff, on=["enterprise_id", "year"], how="outer")
    for column in (
        "injured",
        "killed",
        "lost_days",
        "nonfatal",
        "lost_time",
        "recordable",
        "dart_cases",
        "near_misses",
        "accidents",
    ):
        ey[column] = ey[column].fillna(0)
    staffed, hours = ey["avg_headcount"].notna(), ey["hours_worked"].notna()
    ey = ey.assign(
        injured_staffed=ey["injured"].where(staffed, 0),
        killed_staffed=ey["killed"].where(staffed, 0),
        lost_time_hours=ey["lost_time"].where(hours, 0),
        recordable_hours=ey["recordable"].where(hours, 0),
        dart_hours=ey["dart_cases"].where(hours, 0),
    )
    sums = ey.groupby("year").sum(numeric_only=True)
    out = {}
    for year, row in sums.iterrows():
        head, hrs, nonfatal = row["avg_headcount"], row["hours_worked"], row["nonfatal"]
        out[int(year)] = {
            "injured": int(row["injured"]),
            "killed": int(row["killed"]),
            "lost_days": int(row["lost_days"]),
            "headcount": int(head),
            "hours": int(hrs),
            "near_misses": int(row["near_misses"]),
            "accidents": int(row["accidents"]),
            "kch": row["injured_staffed"] * 1000 / head if head else None,
            "kt": row["lost_days"] / nonfatal if nonfatal else None,
            "kch_fatal": row["killed_staffed"] * 1000 / head if head else None,
            "ltifr": row["lost_time_hours"] * 1e6 / hrs if hrs else None,
            "trir": row["recordable_hours"] * 2e5 / hrs if hrs else None,
            "dart": row["dart_hours"] * 2e5 / hrs if hrs else None,
        }
    return out


def compare(ours: list[dict[str, Any]], theirs: dict[int, dict]) -> list[str]:
    """The figures where the pandas baseline and ours differ (empty when they agree)."""
    differ = []
    for row in ours:
        other = theirs.get(row["year"], {})
        for key, value in other.items():
            mine = row.get(key)
            if value is None or mine is None:
                if (value is None) != (mine is None):
                    differ.append(f"{row['year']} {key}: ours {mine} pandas {value}")
            elif not math.isclose(float(mine), float(value), rel_tol=1e-9, abs_tol=1e-9):
                differ.append(f"{row['year']} {key}: ours {mine} pandas {value}")
    return differ


def run_baseline(store: Store, region: Any, year: int, ours: dict[str, Any], repeat: int) -> dict[str, Any]:
    first = year - YEARS + 1
    print(
        f"\nBaseline: the region's yearly indicators {first}–{year} (safety.indicators.formulas.yearly) "
        "against the naive pandas way"
    )
    if pd is None:
        print("  pandas is not installed: skipped")
        return {"skipped": "pandas not installed"}
    incidents, years = pandas_load(store)  # warm-up, and the frames for the group-only figure
    theirs = pandas_yearly(incidents, years, first, year, region.kinds)
    differ = compare(indicator_lib.yearly(store, region, first, year), theirs)
    load_group = timed(lambda: pandas_yearly(*pandas_load(store), first, year, region.kinds), repeat)
    group_only = timed(lambda: pandas_yearly(incidents, years, first, year, region.kinds), repeat)
    frame_bytes = int(incidents.memory_usage(deep=True).sum() + years.memory_usage(deep=True).sum())
    mine = ours["median"]
    print(f"  {'ours: safety.indicators.formulas.yearly (one SQL query)':<58}{ms(mine):>10}")
    print(
        f"  {'pandas: load incidents + enterprise_years, then group':<58}{ms(load_group['median']):>10}   "
        f"{relative(load_group['median'], mine)}"
    )
    print(
        f"  {f'pandas: group only ({frame_bytes / 2**20:,.0f} MiB of DataFrames already loaded)':<58}"
        f"{ms(group_only['median']):>10}   {relative(group_only['median'], mine)}"
    )
    print(f"  figures agree: {'yes' if not differ else 'NO: ' + '; '.join(differ[:5])}")
    return {
        "ours_seconds": mine,
        "pandas_load_group": load_group,
        "pandas_group_only": group_only,
        "pandas_load_group_over_ours": load_group["median"] / mine,
        "pandas_group_only_over_ours": group_only["median"] / mine,
        "frames_bytes": frame_bytes,
        "figures_differ": differ,
    }


# --------------------------------------------------------------------------- the page through AppTest


def run_app_page(db_path: Path, page: str, repeat: int, profile: bool) -> dict[str, Any]:
    """The whole page as the regional manager, through AppTest, on the bench database."""
    print(f"\nApp page {page} through streamlit.testing.v1.AppTest as {REGIONAL_USER} (regional manager)")
    if not (ROOT / page).exists():
        print(f"  {page} does not exist yet: skipped")
        return {"skipped": f"{page} missing"}
    from streamlit.testing.v1 import AppTest

    # AppTest drives the script outside a server; Streamlit then warns "missing ScriptRunContext" now and then
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )
    os.environ["VZ_DB_PATH"] = str(db_path)
    with Store(db_path) as store, store.cursor() as cur:
        user_id = users_sql.by_username(cur, REGIONAL_USER)["id"]
    at = AppTest.from_file(str(APP_FILE), default_timeout=900)
    at.session_state["user_id"] = user_id
    at.session_state["last_seen"] = now()
    out: dict[str, Any] = {"page": page}
    start = time.perf_counter()
    at.run()
    out["home_first_run_seconds"] = time.perf_counter() - start
    problems = app_problems(at)
    if problems:
        print(f"  the home page failed: {problems}")
        return out | {"problems": problems}
    start = time.perf_counter()
    try:
        at.switch_page(page).run()
    except Exception as exc:  # report whatever AppTest raises
        print(f"  switching to the page failed: {type(exc).__name__}: {exc}")
        return out | {"problems": [f"{type(exc).__name__}: {exc}"]}
    out["first_view_seconds"] = time.perf_counter() - start
    out["problems"] = app_problems(at)
    reruns = []
    for _ in range(repeat):
        at.session_state["last_seen"] = now()
        start = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - start)
    out["reruns"] = {"median": statistics.median(reruns), "max": max(reruns), "runs": reruns} if reruns else None
    out["problems"] += [p for p in app_problems(at) if p not in out["problems"]]
    out["titles"] = [t.value for t in at.title]
    out["elements"] = {"metrics": len(at.metric), "dataframes": len(at.dataframe), "charts": count_charts(at)}
    print(f"  {'home page, first run (opens the store)':<50}{out['home_first_run_seconds']:>8.2f} s")
    print(f"  {page + ', first view (switch_page)':<50}{out['first_view_seconds']:>8.2f} s")
    if reruns:
        print(
            f"  {page + f', rerun ×{repeat} median':<50}{out['reruns']['median']:>8.2f} s   max "
            f"{out['reruns']['max']:.2f} s"
        )
    print(
        f"  shown: title {out['titles']}, {out['elements']['metrics']} metrics, {out['elements']['dataframes']} "
        f"tables, {out['elements']['charts']} charts; problems: {out['problems'] or 'none'}"
    )
    if profile:
        out["profile"] = profile_page(at)
        print(
            f"  cProfile of one more rerun (the script thread): the project's top {PROFILE_TOP} functions by "
            "cumulative time, then the top 8 by own time (profiling slows Python code, so the total is above the "
            "rerun's median):"
        )
        print(textwrap.indent(out["profile"], "    "))
    return out


PROFILE_TOP = 15


def profile_page(at: Any) -> str:
    """Run the page once more with cProfile on AppTest's script thread; the top functions by cumulative time."""
    from streamlit.testing.v1 import local_script_runner

    profiler = cProfile.Profile()
    runner = local_script_runner.LocalScriptRunner
    original = runner._run_script_thread

    def profiled(self: Any) -> None:
        profiler.enable()
        try:
            original(self)
        finally:
            profiler.disable()

    runner._run_script_thread = profiled
    try:
        at.session_state["last_seen"] = now()
        at.run()
    finally:
        runner._run_script_thread = original
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).sort_stats(pstats.SortKey.CUMULATIVE)
    # the project's own functions (pages, library, charts), then the heaviest third-party ones by own time
    stats.print_stats(r"/(safety|app_pages)/", PROFILE_TOP)
    stats.sort_stats(pstats.SortKey.TIME).print_stats(8)
    lines = [
        line.rstrip().replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "")
        for line in text.getvalue().splitlines()
        if line.strip()
    ]
    return "\n".join(line for line in lines if not line.lstrip().startswith(("Ordered by", "List reduced")))


def app_problems(at: Any) -> list[str]:
    return [f"exception: {str(e.value)[:300]}" for e in at.exception] + [
        f"error: {str(e.value)[:300]}" for e in at.error
    ]


def count_charts(at: Any) -> int:
    kinds = ("vega_lite_chart", "arrow_vega_lite_chart", "plotly_chart", "pyplot")
    total = 0
    for kind in kinds:
        with contextlib.suppress(Exception):
            total += len(at.get(kind))
    return total


# --------------------------------------------------------------------------- facts and report


def relative(theirs: float, ours: float) -> str:
    ratio = theirs / ours
    return f"{ratio:.1f}× slower than ours" if ratio >= 1 else f"{1 / ratio:.1f}× faster than ours"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def prepare_database(args: argparse.Namespace, tmp: Path | None, today: dt.date) -> tuple[Path, dict[str, Any]]:
    """Build the database (or reuse the one at --db that an earlier run of this script built with the same sizes)."""
    path = args.db if args.db is not None else tmp / "dashboard_bench.duckdb"
    wanted = {
        "enterprises": args.enterprises,
        "cases": args.cases,
        "actions": args.actions,
        "seed": args.seed,
        "version": DATA_VERSION,
    }
    if path.exists():
        with Store(path) as store, store.cursor() as cur:
            stored = json.loads(meta.get(cur, META_KEY) or "null")
        if stored is None:
            sys.exit(f"{path} exists and was not built by this script: refusing to touch it")
        if {k: stored.get(k) for k in wanted} != wanted:
            sys.exit(
                f"{path} holds a bench database of other sizes or an older version of the data ({stored}); "
                "delete it or pick another --db"
            )
        if stored.get("built_on") != str(today):
            print(f"NOTE: {path} was built on {stored.get('built_on')}; its last year is partial as of that day")
        print(f"Reusing the bench database {path} ({stored})")
        with Store(path) as store:
            return path, {"reused": True, "meta": stored, "counts": table_counts(store)}
    print(
        f"Building {args.enterprises:,} enterprises, {args.cases:,} cases, {args.actions:,} corrective actions in "
        f"{path} ...",
        flush=True,
    )
    start = time.perf_counter()
    with Store(path) as store:
        build = build_database(store, args, today)
    build["seconds"] = time.perf_counter() - start
    build["reused"] = False
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in build["steps_seconds"].items())
    print(f"Built in {build['seconds']:.1f} s (not timed below): {steps}")
    return path, build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=10_000, help="enterprises (default %(default)s)")
    parser.add_argument("--cases", type=int, default=2_000_000, help="incidents over 5 years (default %(default)s)")
    parser.add_argument(
        "--actions", type=int, default=None, help="corrective actions (default 30 per enterprise: 300,000 for 10,000)"
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per measurement after one warm-up")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="build the database here (kept); a database this script built with the same sizes "
        "is reused without rebuilding",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and print its path")
    parser.add_argument("--seed", type=int, default=20261125, help="seed of the generated data")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN ANALYZE of every query that misses the target (regional scope)",
    )
    parser.add_argument(
        "--page",
        default=DASHBOARD_PAGE,
        help="the page run through AppTest (default %(default)s; another page tests the harness)",
    )
    parser.add_argument("--no-app", action="store_true", help="skip the AppTest run of the page")
    parser.add_argument(
        "--profile-page", action="store_true", help="run the page once more under cProfile and print the top functions"
    )
    parser.add_argument("--out", type=Path, default=OUT_FILE, help="where to write the JSON figures")
    args = parser.parse_args(argv)
    if args.actions is None:
        args.actions = 30 * args.enterprises
    started = time.perf_counter()
    today = dt.date.today()
    year = today.year

    facts = machine_facts(PACKAGES)
    memory = f", {facts['memory_bytes'] / 2**30:.0f} GiB RAM" if facts["memory_bytes"] else ""
    load = facts["load_average"]
    print(
        f"Python {facts['python']} on {facts['platform']}, {facts['cpu_count']} CPUs "
        f"({facts['cpus_usable']} usable){memory}, git {facts['git_commit']}"
        f"{' (dirty)' if facts['git_dirty'] else ''}"
        + (f", load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}" if load else "")
    )
    print("  " + ", ".join(f"{k} {v}" for k, v in facts["packages"].items()))
    results: dict[str, Any] = {
        "machine": facts,
        "repeat": args.repeat,
        "today": str(today),
        "year": year,
        "targets": {"query_median_seconds_max": TARGET_QUERY, "dashboard_queries_sum_seconds_max": TARGET_DASHBOARD},
        "sizes": {"enterprises": args.enterprises, "cases": args.cases, "actions": args.actions, "seed": args.seed},
    }

    tmp = Path(tempfile.mkdtemp(prefix="vz_dashboard_bench_")) if args.db is None else None
    try:
        path, build = prepare_database(args, tmp, today)
        results["build"] = build
        with Store(path) as store:
            store.results = SharedResults(max_entries=0)  # time the work itself, not the shared results
            facts_data = data_facts(store, today)
            results["data"] = facts_data
            counts = build["counts"]
            kinds = facts_data["kinds"]
            total_cases = sum(kinds.values())
            sev = facts_data["accident_severity"]
            accidents = sum(sev.values())
            print(
                f"  {counts['enterprises']:,} enterprises, {counts['enterprise_years']:,} enterprise-years "
                f"({facts_data['enterprise_years_without_hours']:.0%} without hours), {counts['incidents']:,} cases "
                f"{facts_data['first_case']}..{facts_data['last_case']}, {counts['assessments']:,} assessments, "
                f"{counts['assessment_rule_scores']:,} rule scores, {counts['corrective_actions']:,} actions "
                f"({facts_data['overdue_actions']:,} overdue)"
            )
            print(
                "  cases: "
                + ", ".join(f"{k} {v / total_cases:.1%}" for k, v in sorted(kinds.items()))
                + "; accidents: "
                + ", ".join(f"{k} {v / accidents:.1%}" for k, v in sorted(sev.items()))
                + f"; {facts_data['group_accidents']:,} group accidents ({facts_data['cases_in_group_accidents']:,}"
                f" cases); {facts_data['serious_without_act']:,} of {facts_data['serious_accidents']:,} severe/fatal "
                f"without an act; BINs valid {facts_data['bins_valid']}, unique {facts_data['bins_unique']}"
            )
            print(f"  database file {path.stat().st_size / 2**20:,.0f} MiB")

            district = DISTRICTS[0]
            with store.cursor() as cur:
                big_bin, big_cases = cur.execute("""
                    SELECT e.bin, count(*) FROM incidents i JOIN enterprises e ON e.id = i.enterprise_id
                    GROUP BY e.bin ORDER BY count(*) DESC, e.bin LIMIT 1""").fetchone()
                district_enterprises = cur.execute(
                    "SELECT count(*) FROM enterprises WHERE kato = ?", [district.kato]
                ).fetchone()[0]
            scopes = {
                "region": ({}, f"Region: scope_for(store, SYSTEM), all {counts['enterprises']:,} enterprises"),
                "district": (
                    {"district": district.kato},
                    f"District {district.kato} {district.ru}: {district_enterprises:,} enterprises",
                ),
                "enterprise": (
                    {"bin_": big_bin},
                    f"Enterprise {big_bin} (the one with the most cases: "
                    f"{big_cases:,}), as the regional manager picks it",
                ),
            }
            print(
                f"\nDashboard of {year} (today {today}), {LANG}; median and max of {args.repeat} runs after one "
                f"warm-up (time.perf_counter)"
            )
            recorder = Recorder()
            results["scopes"] = {}
            for key, (scope_args, title) in scopes.items():
                results["scopes"][key] = measure_scope(store, recorder, scope_args, title, args, year, today)

            print("\nTotals (target: each query ≤ 100 ms median, one dashboard's queries ≤ 0.5 s)")
            for key, figures in results["scopes"].items():
                print(
                    f"  {key:<11} queries {figures['queries_sum_seconds']:6.3f} s "
                    f"{verdict(figures['queries_sum_pass'])}   library {figures['library_sum_seconds']:6.3f} s "
                    f"{verdict(figures['library_sum_pass'])}   "
                    f"{len(figures['misses'])} of {figures['page_queries']} page queries over 100 ms"
                )

            if args.explain:
                region = results["scopes"]["region"]
                missed = sorted((q for q in region["queries"] if not q["pass"]), key=lambda q: -q["median"])
                results["explain"] = {}
                if missed:
                    print(
                        f"\nProfiles (EXPLAIN ANALYZE figures, one run each) of the region's queries over "
                        f"{TARGET_QUERY * 1000:.0f} ms:"
                    )
                profile_dir = Path(tempfile.mkdtemp(prefix="vz_dashboard_profile_"))
                try:
                    for q in missed:
                        profile = explain(store, recorder, region["_calls"][q["key"]], profile_dir)
                        results["explain"][q["label"]] = profile
                        print(f"{q['label']}:\n{explain_text(profile)}")
                finally:
                    shutil.rmtree(profile_dir, ignore_errors=True)

            results["baseline"] = run_baseline(
                store,
                indicator_lib.scope_for(store, SYSTEM),
                year,
                results["scopes"]["region"]["library"]["indicators.yearly (5 years)"],
                args.repeat,
            )
        for figures in results["scopes"].values():
            figures.pop("_calls", None)

        if args.no_app:
            results["app_page"] = {"skipped": "--no-app"}
        else:
            results["app_page"] = run_app_page(path, args.page, min(args.repeat, 3), args.profile_page)
    finally:
        if tmp is not None:
            if args.keep:
                print(f"\nKept the database: {tmp / 'dashboard_bench.duckdb'} (reuse it with --db)")
            else:
                shutil.rmtree(tmp, ignore_errors=True)

    results["wall_seconds"] = time.perf_counter() - started
    results["load_average_at_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    end_load = results["load_average_at_end"]
    print(
        f"\nWhole run {results['wall_seconds']:.0f} s"
        + (f" (load average at the end {end_load[0]:.2f} {end_load[1]:.2f} {end_load[2]:.2f})" if end_load else "")
        + f"; figures written to {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
