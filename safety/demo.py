"""The fictional demo data set: the one place that knows how to build it (fixed seed, deterministic)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from safety.db import Store, meta
from safety.db import enterprises as sql
from safety.geography import DISTRICTS
from safety.identifiers import check_digit
from safety.register import EnterpriseInput, YearInput

SEED = 20260615
DEMO_ENTERPRISES = 31
DEMO_YEARS = tuple(range(2022, 2027))
DEMO_STATE_KEY = "demo_state"

# (OKED code, industry name, headcount range, Kazakh and Russian legal-form nouns)
_INDUSTRIES = {
    "08": ("08910", "Добыча минерального сырья для химических производств", (700, 2600), "Кен", "Рудник"),
    "20": ("20150", "Производство удобрений и азотных соединений", (500, 2200), "Химия", "Химпром"),
    "24": ("24100", "Производство ферросплавов", (600, 1800), "Металл", "Ферросплав"),
    "35": ("35110", "Производство электроэнергии", (250, 1100), "Энерго", "Энерго"),
    "06": ("06200", "Добыча природного газа", (150, 600), "Газ", "Газ"),
    "10": ("10810", "Производство сахара", (180, 700), "Қант", "Сахар"),
    "23": ("23510", "Производство цемента", (300, 900), "Цемент", "Цемент"),
    "41": ("41200", "Строительство жилых и нежилых зданий", (100, 500), "Құрылыс", "Строй"),
    "01": ("01110", "Выращивание зерновых культур", (40, 260), "Агро", "Агро"),
    "49": ("49410", "Грузовые перевозки автомобильным транспортом", (90, 450), "Көлік", "Транс"),
}
# Which industries a district hosts, by its KATO code (most enterprises sit in Taraz and the mining towns).
_DISTRICT_INDUSTRIES = {
    "311000000": ("20", "24", "35", "10", "41", "49", "23"),
    "313600000": ("10", "01"),
    "314000000": ("01", "41"),
    "314200000": ("01", "08"),
    "314800000": ("23", "01"),
    "315000000": ("01", "49"),
    "315400000": ("10", "01"),
    "315600000": ("06", "49"),
    "316000000": ("08", "20"),
    "316200000": ("08", "20"),
    "316600000": ("10", "35"),
}
_DISTRICT_COUNTS = {
    "311000000": 8, "313600000": 2, "314000000": 2, "314200000": 2, "314800000": 3, "315000000": 2,
    "315400000": 2, "315600000": 2, "316000000": 4, "316200000": 2, "316600000": 2,
}
_BRANDS = (
    "Ақбұлақ", "Береке", "Самалтау", "Нұрлыжол", "Алтындала", "Көкжиек", "Сұңқар", "Тұлпар", "Шуақ",
    "Айдынкөл", "Жасыл Өріс", "Қарлығаш", "Ақтерек", "Бозторғай", "Көктөбе", "Дала Жұлдызы", "Ертаң",
    "Ақмаржан", "Сарыарқа Нұры", "Таусамалы", "Жібек Жолы Демо", "Бірлестік", "Арнау", "Қыран",
    "Алатау Шыңы", "Керуен", "Көктем", "Саялы", "Ақниет", "Болашақ Өрнек", "Шыңғыс Бұлақ",
)
_OFFICERS = (
    "Абенов Д.", "Сериккызы А.", "Жумабеков Е.", "Ким О.", "Нурланова Г.", "Петренко С.", "Оспанов Б.",
    "Искакова М.", "Тлеуов Р.", "Ахметова Ж.", "Бекмуханов Н.", "Садыкова Л.",
)


@dataclass(frozen=True)
class DemoReport:
    """What the demo loader wrote."""

    enterprises: int
    years: int


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
    rng = random.Random(SEED)
    taken: set[str] = set()
    enterprises: list[EnterpriseInput] = []
    years: list[tuple[str, YearInput]] = []
    number = 0
    for district in DISTRICTS:
        for _ in range(_DISTRICT_COUNTS[district.kato]):
            industry_key = rng.choice(_DISTRICT_INDUSTRIES[district.kato])
            oked, industry, size, noun_kk, noun_ru = _INDUSTRIES[industry_key]
            brand = _BRANDS[number]
            number += 1
            enterprise = EnterpriseInput(
                bin=demo_bin(rng, taken),
                name_ru=f"ТОО «{brand} {noun_ru}» (демо)",
                name_kk=f"«{brand} {noun_kk}» ЖШС (демо)",
                kato=district.kato,
                oked=oked,
                industry=industry,
                joined_on=dt.date(2019, 6, 17) + dt.timedelta(days=rng.randint(0, 5 * 365)),
                officer_name=rng.choice(_OFFICERS),
                officer_phone=f"+7 7262 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                officer_email=f"ohs{number:02d}@enterprise.example",
            )
            enterprises.append(enterprise)
            headcount = rng.randint(*size)
            hours_known = industry_key not in ("01",) or rng.random() < 0.3
            for year in DEMO_YEARS:
                headcount = max(20, round(headcount * rng.uniform(0.94, 1.07)))
                hours = round(headcount * rng.uniform(1720, 1910)) if hours_known else None
                years.append((enterprise.bin, YearInput(year=year, avg_headcount=headcount, hours_worked=hours)))
    return enterprises, years


def load_demo(store: Store) -> DemoReport:
    """Replace any earlier demo data with a fresh copy of the demo set; real records are left alone."""
    enterprises, years = build_demo()
    with store.transaction() as cur:
        sql.delete_demo(cur)
        ids = {}
        for enterprise in enterprises:
            if sql.by_bin(cur, enterprise.bin) is not None:
                continue  # a real record that happens to hold the BIN wins
            ids[enterprise.bin] = sql.insert(cur, enterprise.model_dump(), is_demo=True)
        for bin_, year in years:
            if bin_ in ids:
                sql.upsert_year(cur, ids[bin_], year.year, year.avg_headcount, year.hours_worked)
        meta.put(cur, DEMO_STATE_KEY, "loaded")
    return DemoReport(enterprises=len(ids), years=sum(1 for b, _ in years if b in ids))


def remove_demo(store: Store) -> None:
    """Delete every demo record and remember not to load the demo again."""
    with store.transaction() as cur:
        sql.delete_demo(cur)
        meta.put(cur, DEMO_STATE_KEY, "removed")


def ensure_demo(store: Store) -> bool:
    """Load the demo into a database that has never held data; return True when it did."""
    with store.cursor() as cur:
        state = meta.get(cur, DEMO_STATE_KEY)
        empty = sql.count(cur) == 0
    if state is None and empty:
        load_demo(store)
        return True
    return False


def mark_initialised(store: Store) -> None:
    """Record that this database is meant to start empty, so the app never fills it with the demo."""
    with store.transaction() as cur:
        if meta.get(cur, DEMO_STATE_KEY) is None:
            meta.put(cur, DEMO_STATE_KEY, "declined")


def demo_loaded(store: Store) -> bool:
    """True while any demo record is in the database (the UI then shows the demo notice)."""
    with store.cursor() as cur:
        return sql.count(cur, demo_only=True) > 0
