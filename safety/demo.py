"""The fictional demo data set: the one place that knows how to build it (fixed seed, deterministic)."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from safety.access.auth import hash_password, one_time_password
from safety.access.roles import Role, User, require
from safety.checklists.assessments import checklist_version
from safety.checklists.schema import load_checklists
from safety.checklists.scoring import overall_score, score_rules
from safety.db import Store, meta, retry_conflicts
from safety.db import actions as action_sql
from safety.db import assessments as assessment_sql
from safety.db import audit as audit_sql
from safety.db import enterprises as sql
from safety.db import incidents as incident_sql
from safety.db import users as users_sql
from safety.db.cursors import Cursor
from safety.db.results import shared
from safety.db.store import PROJECT_ROOT
from safety.errors import Conflict
from safety.identifiers import check_digit
from safety.incidents.fingerprints import refingerprint
from safety.incidents.investigations import add_working_days
from safety.incidents.model import IncidentInput
from safety.incidents.summaries import recounting
from safety.register.enterprises import EnterpriseInput, YearInput
from safety.register.geography import DISTRICTS, DISTRICTS_BY_KATO

DEMO_INPUTS = PROJECT_ROOT / "data" / "demo_inputs.yaml"
DEMO_STATE_KEY = "demo_state"
DEMO_LAST_ASSESSMENT = dt.date(2026, 10, 31)  # fixed, so the demo is the same whenever it is built


class _Industry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    oked: str
    name: str
    headcount: tuple[int, int]
    noun_kk: str
    noun_ru: str


class _District(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enterprises: int = Field(ge=0)
    industries: list[str] = Field(min_length=1)


class DemoInputs(BaseModel):
    """The generator's inputs from data/demo_inputs.yaml: seed, years, industries, districts, names."""

    model_config = ConfigDict(extra="forbid")
    seed: int
    first_year: int
    last_year: int
    industries: dict[str, _Industry]
    districts: dict[str, _District]
    brands: list[str]
    officers: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> DemoInputs:
        if set(self.districts) != set(DISTRICTS_BY_KATO):
            raise ValueError("districts must list every KATO code of the region once")
        unknown = {i for d in self.districts.values() for i in d.industries} - set(self.industries)
        if unknown:
            raise ValueError(f"districts name industries that are not defined: {sorted(unknown)}")
        if len(self.brands) < sum(d.enterprises for d in self.districts.values()):
            raise ValueError("there must be a brand word for every enterprise")
        return self

    @property
    def years(self) -> range:
        """The demo's years."""
        return range(self.first_year, self.last_year + 1)


@lru_cache(maxsize=1)
def demo_inputs() -> DemoInputs:
    """Load and check the generator's inputs."""
    with DEMO_INPUTS.open(encoding="utf-8") as fh:
        return DemoInputs.model_validate(yaml.safe_load(fh))


DEMO_CREDENTIALS_KEY = "demo_credentials"
# One demo account per role; the enterprise roles belong to the first demo enterprise.
DEMO_ACCOUNTS = (
    ("demo.admin", "Демо Администратор", Role.ADMIN),
    ("demo.region", "Демо Инспекция области", Role.REGIONAL_MANAGER),
    ("demo.head", "Демо Руководитель предприятия", Role.ENTERPRISE_MANAGER),
    ("demo.officer", "Демо Специалист по ОТ", Role.SAFETY_OFFICER),
)
DEMO_ACTOR = User(id=None, username="demo", full_name="Demo data loader", role=Role.ADMIN)


@dataclass(frozen=True)
class DemoReport:
    """What the demo loader wrote, with the demo accounts' passwords (shown once by the CLI)."""

    enterprises: int
    years: int
    credentials: tuple[dict[str, str], ...] = ()


def demo_bin(rng: random.Random, taken: set[str]) -> str:
    """Make a BIN with a valid check digit and the unassigned attribute digit 9, so it is nobody's real BIN."""
    while True:
        head = f"{rng.randint(95, 99):02d}{rng.randint(1, 12):02d}49{rng.randint(0, 99999):05d}"
        digit = check_digit(head)
        if digit is not None and head + str(digit) not in taken:
            taken.add(head + str(digit))
            return head + str(digit)


def build_demo() -> tuple[list[EnterpriseInput], list[tuple[str, YearInput]]]:
    """Build the demo enterprises and their yearly headcount and hours, always the same for the same seed."""
    inputs = demo_inputs()
    rng = random.Random(inputs.seed)
    taken: set[str] = set()
    enterprises: list[EnterpriseInput] = []
    years: list[tuple[str, YearInput]] = []
    number = 0
    for district in DISTRICTS:
        plan = inputs.districts[district.kato]
        for _ in range(plan.enterprises):
            industry_key = rng.choice(plan.industries)
            kind = inputs.industries[industry_key]
            brand = inputs.brands[number]
            number += 1
            enterprise = EnterpriseInput(
                bin=demo_bin(rng, taken),
                name_ru=f"ТОО «{brand} {kind.noun_ru}» (демо)",
                name_kk=f"«{brand} {kind.noun_kk}» ЖШС (демо)",
                kato=district.kato,
                oked=kind.oked,
                industry=kind.name,
                joined_on=dt.date(2019, 6, 17) + dt.timedelta(days=rng.randint(0, 5 * 365)),
                officer_name=rng.choice(inputs.officers),
                officer_phone=f"+7 7262 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                officer_email=f"ohs{number:02d}@enterprise.example",
            )
            enterprises.append(enterprise)
            headcount = rng.randint(*kind.headcount)
            hours_known = industry_key != "01" or rng.random() < 0.3  # farms often do not count hours
            for year in inputs.years:
                headcount = max(20, round(headcount * rng.uniform(0.94, 1.07)))
                hours = round(headcount * rng.uniform(1720, 1910)) if hours_known else None
                years.append((enterprise.bin, YearInput(year=year, avg_headcount=headcount, hours_worked=hours)))
    return enterprises, years


@retry_conflicts
def load_demo(store: Store) -> DemoReport:
    """Replace any earlier demo data with a fresh copy of the demo set; a database holding real records (an
    enterprise or an account that is not the demo's) is refused, since the demo's published passwords would reach
    them."""
    enterprises, years = build_demo()
    credentials = tuple(
        {"username": name, "role": role.value, "password": one_time_password()} for name, _, role in DEMO_ACCOUNTS
    )
    hashes = {c["username"]: hash_password(c["password"]) for c in credentials}
    with store.transaction() as cur:
        if sql.any_stored(cur, demo=False):
            raise Conflict("demo.real_data")
        users_sql.delete_demo(cur)
        sql.delete_demo(cur)
        # a real record that happens to hold a demo BIN wins
        fresh = [e.model_dump() for e in enterprises if sql.by_bin(cur, e.bin) is None]
        sql.insert_many(cur, fresh, is_demo=True)
        loaded = {e["bin"] for e in fresh}
        year_rows = [{"bin": bin_, **year.model_dump()} for bin_, year in years if bin_ in loaded]
        sql.upsert_years_many(cur, year_rows)
        # the demo's own users belong to the first demo enterprise actually loaded, never to a real record
        home = next((sql.by_bin(cur, e.bin) for e in enterprises if e.bin in loaded), None)
        for name, full_name, role in DEMO_ACCOUNTS:
            if users_sql.by_username(cur, name) is None:  # a real account of that name wins
                users_sql.insert(
                    cur,
                    {
                        "username": name,
                        "full_name": full_name,
                        "role": role.value,
                        "enterprise_id": home["id"] if role.scoped and home else None,
                        "password_hash": hashes[name],
                        "is_demo": True,
                    },
                )
        _load_assessments(cur, [e for e in enterprises if e.bin in loaded], {e["bin"]: e for e in fresh})
        _load_incidents(cur, [e for e in enterprises if e.bin in loaded], [y for y in year_rows])
        meta.put(cur, DEMO_STATE_KEY, "loaded")
        meta.put(cur, DEMO_CREDENTIALS_KEY, json.dumps(credentials))
        audit_sql.write(
            cur,
            [
                audit_sql.entry(
                    DEMO_ACTOR,
                    "demo.load",
                    "demo",
                    None,
                    None,
                    after={"enterprises": len(fresh), "years": len(year_rows)},
                )
            ],
        )
    return DemoReport(enterprises=len(fresh), years=len(year_rows), credentials=credentials)


def _load_assessments(cur: Cursor, enterprises: list[EnterpriseInput], records: dict[str, Any]) -> None:
    """Give every demo enterprise 2–5 submitted golden-rules assessments, some improving and some slipping,
    with the corrective actions they proposed (older ones mostly done, some recent ones overdue)."""
    checklist = load_checklists()["golden_rules"]
    checklist_version(cur, checklist)
    rng = random.Random(demo_inputs().seed + 1)
    ids = dict(sql.ids_by_bin(cur))
    answers: list[dict[str, Any]] = []
    rule_rows: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    for enterprise in enterprises:
        count = rng.randint(2, 5)
        quality = rng.uniform(0.35, 0.85)  # the share of items fully in place at the first assessment
        trend = rng.choice((0.08, 0.05, 0.02, -0.04, -0.07))  # most improve, some slip
        first = max(enterprise.joined_on + dt.timedelta(days=60), dt.date(2021, 3, 1))
        dates = [DEMO_LAST_ASSESSMENT - dt.timedelta(days=rng.randint(0, 290))]  # the latest within this year
        while len(dates) < count and dates[0] - dt.timedelta(days=270) >= first:
            dates.insert(0, dates[0] - dt.timedelta(days=rng.randint(270, 450)))  # roughly yearly before it
        for number, on in enumerate(dates):
            level = min(0.97, max(0.1, quality + trend * number + rng.uniform(-0.05, 0.05)))
            ratings = {}
            for _, item in checklist.items():
                draw = rng.random()
                ratings[item.id] = (
                    "na"
                    if draw > 0.985
                    else "green"
                    if draw < level
                    else "yellow"
                    if draw < level + (1 - level) * 0.65
                    else "red"
                )
            rules = score_rules(checklist, ratings)
            assessment_id = assessment_sql.insert(
                cur,
                {
                    "enterprise_id": ids[enterprise.bin],
                    "checklist_id": checklist.id,
                    "version": checklist.version,
                    "status": "submitted",
                    "started_by": "demo.officer",
                    "submitted_by": "demo.officer",
                    "started_at": dt.datetime.combine(on, dt.time(9)),
                    "submitted_at": dt.datetime.combine(on, dt.time(16)),
                    "assessed_on": on,
                    "overall_score": overall_score(rules),
                },
            )
            answers += [
                {
                    "assessment_id": assessment_id,
                    "item_id": item_id,
                    "rating": rating,
                    "na_reason": "Нет такого участка (демо)" if rating == "na" else None,
                }
                for item_id, rating in ratings.items()
            ]
            rule_rows += [
                {"assessment_id": assessment_id, "rule_id": r.rule_id, "score": r.score, "status": r.status}
                for r in rules
            ]
            latest = number == len(dates) - 1
            for rule, item in checklist.items():
                if ratings[item.id] not in ("red", "yellow"):
                    continue
                red = ratings[item.id] == "red"
                due = on + dt.timedelta(days=30 if red else 90)
                if not latest:
                    state = rng.choice(("done", "done", "done", "done", "cancelled"))
                elif due < DEMO_LAST_ASSESSMENT:  # mostly closed in time; the rest is overdue
                    state = rng.choice(("done", "done", "done", "done", "done", "open", "in_progress"))
                else:
                    state = rng.choice(("open", "in_progress", "in_progress", "done"))
                created = dt.datetime.combine(on, dt.time(16, 30))  # proposed when the assessment was submitted
                took = dt.timedelta(days=rng.randint(5, 80)) if state == "done" else None
                # mostly done in time; every seventh one of the older assessments late (no extra draw from rng)
                completed = (
                    None
                    if took is None
                    else due + took
                    if not latest and len(actions) % 7 == 0
                    else min(due, on + took)
                )
                changed = (
                    dt.datetime.combine(completed, dt.time(17))
                    if completed
                    # cancelled within a few weeks (no draw from rng: the rest of the demo stays the same)
                    else dt.datetime.combine(on + dt.timedelta(days=3 + len(actions) % 23), dt.time(11))
                    if state == "cancelled"
                    else created
                )
                actions.append(
                    {
                        "enterprise_id": ids[enterprise.bin],
                        "assessment_id": assessment_id,
                        "item_id": item.id,
                        "rule_id": rule.id,
                        "title": item.text.ru,
                        "owner": records[enterprise.bin]["officer_name"],
                        "due_on": due,
                        "priority": "high" if red else "medium",
                        "state": state,
                        "completed_on": completed,
                        "completion_note": "Выполнено (демо)" if state == "done" else None,
                        "cancel_reason": "Заменено другим мероприятием (демо)" if state == "cancelled" else None,
                        "created_by": "demo.officer",
                        "created_at": created,
                        "updated_at": changed,
                    }
                )
    assessment_sql.insert_many_answers(cur, answers)
    assessment_sql.insert_many_rule_scores(cur, rule_rows)
    action_sql.insert_many(cur, actions)


# Injured per 1,000 workers by year: flat, then a fall of about a fifth (the regional report's 21.5 %).
DEMO_RATES = {2022: 1.19, 2023: 1.27, 2024: 0.97, 2025: 0.96, 2026: 0.75}
_RISK = {"08": 2.2, "24": 2.0, "20": 1.5, "23": 1.5, "06": 1.3, "41": 1.6, "49": 1.2, "35": 0.9, "10": 0.8, "01": 0.7}
_PLACES = ("Цех №1", "Цех №2", "Карьер", "Склад", "Ремонтный участок", "Транспортный участок", "Котельная")
_ACCIDENTS = (
    ("Падение с высоты при обслуживании оборудования", "Отсутствие страховочной привязи", 2),
    ("Захват руки движущимися частями конвейера", "Работа без отключения и блокировки", 5),
    ("Наезд погрузчика на пешехода", "Нарушение схемы движения", 4),
    ("Ожог при работе с горячей водой", "Неисправность запорной арматуры", 5),
    ("Порез кисти при ручной резке", "Не использовались перчатки", 5),
    ("Падение на скользкой поверхности", "Неубранный разлив масла", 4),
    ("Удар падающим предметом", "Незакреплённый груз", 2),
)
_NEAR_MISSES = (
    "Обрыв стропа без пострадавших",
    "Падение инструмента с высоты рядом с людьми",
    "Короткое замыкание в щите",
    "Разлив кислоты в зоне проезда",
    "Срабатывание защиты при пуске",
)
_JOBS = (
    "Слесарь-ремонтник",
    "Машинист крана",
    "Водитель погрузчика",
    "Электромонтёр",
    "Горнорабочий",
    "Аппаратчик",
    "Оператор",
    "Подсобный рабочий",
)


def _load_incidents(cur: Cursor, enterprises: list[EnterpriseInput], years: list[dict[str, Any]]) -> None:
    """Five years of fictional cases at plausible rates (near misses far more common than accidents), falling by
    about a fifth over the last two years, with investigation dates on the serious ones (one overdue)."""
    rng = random.Random(demo_inputs().seed + 2)
    ids = dict(sql.ids_by_bin(cur))
    risk = {e.bin: _RISK.get(e.oked[:2], 1.0) for e in enterprises}
    # an enterprise that keeps the golden rules well gets fewer accidents (the story the scatter should tell)
    scores = dict(
        cur.execute(
            "SELECT e.bin, (array_agg(a.overall_score ORDER BY a.assessed_on DESC, a.id DESC) "
            "FILTER (WHERE a.overall_score IS NOT NULL AND a.assessed_on IS NOT NULL))[1] FROM assessments a "
            "JOIN enterprises e ON e.id = a.enterprise_id WHERE a.status = 'submitted' "
            "GROUP BY e.bin"
        ).fetchall()
    )
    risk = {b: r * (1.8 - (scores.get(b) or 60.0) / 80) for b, r in risk.items()}
    cases: list[dict[str, Any]] = []
    for year, rate in DEMO_RATES.items():
        heads = {y["bin"]: y["avg_headcount"] for y in years if y["year"] == year}
        weights = {b: heads[b] * risk[b] for b in heads}
        injured = round(rate * sum(heads.values()) / 1000)
        # exactly that many injured, spread over the enterprises by headcount and risk
        counts = Counter(rng.choices(list(weights), weights=list(weights.values()), k=injured))
        last_day = DEMO_LAST_ASSESSMENT if year == 2026 else dt.date(year, 12, 31)
        span = (last_day - dt.date(year, 1, 1)).days
        for bin_ in weights:
            for kind, n in (
                ("accident", counts[bin_]),
                ("micro_injury", rng.randint(0, 3)),
                ("near_miss", rng.randint(3, 12)),
            ):
                for _ in range(n):
                    on = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, span))
                    case: dict[str, Any] = {
                        "occurred_on": on,
                        "kind": kind,
                        "place": rng.choice(_PLACES),
                        "job_title": rng.choice(_JOBS),
                        "lost_days": 0,
                        "restricted_days": 0,
                    }
                    if kind == "near_miss":
                        case["description"] = rng.choice(_NEAR_MISSES)
                        case["job_title"] = None
                    else:
                        what, cause, rule = rng.choice(_ACCIDENTS)
                        case |= {
                            "description": what,
                            "cause": cause,
                            "rule": rule,
                            "gender": rng.choice(("male", "male", "male", "female")),
                            "age": rng.randint(19, 62),
                        }
                    if kind == "accident":
                        draw = rng.random()
                        case["severity"] = "fatal" if draw < 0.05 else "severe" if draw < 0.17 else "light"
                        case["lost_days"] = {"light": rng.randint(3, 40), "severe": rng.randint(30, 160), "fatal": 0}[
                            case["severity"]
                        ]
                    elif kind == "micro_injury":
                        case["description"] = "Микротравма: " + case["description"].lower()
                    cases.append(case | {"bin": bin_})
    for number, case in enumerate(c for c in cases if c.get("severity") in ("severe", "fatal")):
        occurred = case["occurred_on"]
        case["reported_on"] = occurred + dt.timedelta(days=1)
        case["commission_on"] = occurred + dt.timedelta(days=2)
        if number == 0 or occurred.year < 2026 or case["commission_on"] + dt.timedelta(days=20) < DEMO_LAST_ASSESSMENT:
            case["closed_on"] = add_working_days(case["commission_on"], rng.randint(6, 10))
            case["act_sent_on"] = add_working_days(case["closed_on"], rng.randint(1, 3))
    serious_2026 = [c for c in cases if c.get("severity") in ("severe", "fatal") and c["occurred_on"].year == 2026]
    if serious_2026:  # one investigation runs late: the commission sits, the act is not closed
        late = min(serious_2026, key=lambda c: c["occurred_on"])
        late["closed_on"] = late["act_sent_on"] = None
    rows = []
    for case in cases:
        enterprise_id = ids[case.pop("bin")]
        record = IncidentInput.model_validate({k: v for k, v in case.items() if k in IncidentInput.model_fields})
        data = record.model_dump()
        rows.append(
            data
            | {
                "enterprise_id": enterprise_id,
                "fingerprint": "",
                "created_by": "demo.officer",
                **{k: case.get(k) for k in ("reported_on", "commission_on", "closed_on", "act_sent_on")},
            }
        )
    with recounting(cur) as writes:
        incident_sql.insert_many(writes, rows)
        refingerprint(cur)


def demo_credentials(store: Store) -> list[dict[str, str]]:
    """Return the demo accounts and their passwords while the demo is loaded (for the sign-in page)."""
    with store.cursor() as cur:
        if sql.count(cur, demo_only=True) == 0:
            return []
        stored = meta.get(cur, DEMO_CREDENTIALS_KEY)
    return json.loads(stored) if stored else []


@retry_conflicts
def remove_demo(store: Store, actor: User) -> None:
    """Delete every demo record, its accounts too, and remember not to load the demo again (administrators)."""
    require(actor, "users.manage")
    with store.transaction() as cur:
        users_sql.delete_demo(cur)
        sql.delete_demo(cur)
        meta.put(cur, DEMO_STATE_KEY, "removed")
        meta.put(cur, DEMO_CREDENTIALS_KEY, "[]")
        audit_sql.write(cur, [audit_sql.entry(actor, "demo.remove", "demo", None, None)])


def ensure_demo(store: Store) -> bool:
    """Load the demo into a database that has never held data; return True when it did."""
    with store.cursor() as cur:
        state = meta.get(cur, DEMO_STATE_KEY)
        empty = sql.count(cur) == 0
    if state is None and empty:
        load_demo(store)
        return True
    return False


@retry_conflicts
def mark_initialised(store: Store) -> None:
    """Record that this database is meant to start empty, so the app never fills it with the demo."""
    with store.transaction() as cur:
        if meta.get(cur, DEMO_STATE_KEY) is None:
            meta.put(cur, DEMO_STATE_KEY, "declined")


@shared()  # asked on every page view
def demo_loaded(store: Store) -> bool:
    """True while any demo record is in the database (the UI then shows the demo notice)."""
    with store.cursor() as cur:
        return sql.count(cur, demo_only=True) > 0
