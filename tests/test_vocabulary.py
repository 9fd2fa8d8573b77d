"""Category words as officers write them: at least 60 real-world spellings, each with the category it must give."""

import pytest

from safety.incidents.imports.mapping import SOURCE

SPELLINGS = [
    # kind: near misses
    ("kind", "Инцидент (без травмы)", "near_miss"),
    ("kind", "инцидент", "near_miss"),
    ("kind", "ПОП", "near_miss"),
    ("kind", "поп.", "near_miss"),
    ("kind", "Потенциально опасное происшествие", "near_miss"),
    ("kind", "потенциально-опасное происшествие", "near_miss"),
    ("kind", "Опасное происшествие (без пострадавших)", "near_miss"),
    ("kind", "Происшествие без травмы", "near_miss"),
    ("kind", "Near miss", "near_miss"),
    ("kind", "NEAR-MISS", "near_miss"),
    ("kind", "near miss (no injury)", "near_miss"),
    ("kind", "Қауіпті оқиға", "near_miss"),
    ("kind", "қауіпті жағдай", "near_miss"),
    # kind: occupational diseases
    ("kind", "Профзаболевание", "occupational_disease"),
    ("kind", "проф. заболевание", "occupational_disease"),
    ("kind", "Профессиональное заболевание", "occupational_disease"),
    ("kind", "профзаболевание (хроническое)", "occupational_disease"),
    ("kind", "Occupational illness", "occupational_disease"),
    ("kind", "Occupational disease", "occupational_disease"),
    ("kind", "Кәсіптік ауру", "occupational_disease"),
    # kind: micro-injuries
    ("kind", "Микротравма", "micro_injury"),
    ("kind", "МИКРОТРАВМА", "micro_injury"),
    ("kind", "микро-травма", "micro_injury"),
    ("kind", "Микротравма (первая помощь)", "micro_injury"),
    ("kind", "micro injury", "micro_injury"),
    ("kind", "Micro-injury", "micro_injury"),
    ("kind", "First aid case", "micro_injury"),
    ("kind", "Микрожарақат", "micro_injury"),
    # kind: accidents
    ("kind", "НС со смертельным исходом", "accident"),
    ("kind", "Несчастный случай", "accident"),
    ("kind", "несчастный случай на производстве", "accident"),
    ("kind", "Несчастный случай (групповой)", "accident"),
    ("kind", "НС", "accident"),
    ("kind", "н/с", None),  # too short to tell: left to the person mapping
    ("kind", "Травма", "accident"),
    ("kind", "травма на производстве.", "accident"),
    ("kind", "Accident", "accident"),
    ("kind", "Lost time injury", "accident"),
    ("kind", "LTI", "accident"),
    ("kind", "Жазатайым оқиға", "accident"),
    ("kind", "өндірістегі жарақат", "accident"),
    # severity
    ("severity", "лёгкая степень", "light"),
    ("severity", "Легкая", "light"),
    ("severity", "ЛЁГКИЙ", "light"),
    ("severity", "лёгкая травма", "light"),
    ("severity", "лег.", "light"),
    ("severity", "Minor", "light"),
    ("severity", "slight injury", "light"),
    ("severity", "жеңіл", "light"),
    ("severity", "Тяжёлая", "severe"),
    ("severity", "тяжелый", "severe"),
    ("severity", "Тяж.", "severe"),
    ("severity", "тяжелая травма", "severe"),
    ("severity", "Serious", "severe"),
    ("severity", "ауыр", "severe"),
    ("severity", "Со смертельным исходом", "fatal"),
    ("severity", "смертельный", "fatal"),
    ("severity", "летальный исход", "fatal"),
    ("severity", "Fatal", "fatal"),
    ("severity", "death", "fatal"),
    ("severity", "Өліммен аяқталған", "fatal"),
    ("severity", "средней тяжести", None),  # no such category here: the person decides
    # gender
    ("gender", "муж.", "male"),
    ("gender", "М", "male"),
    ("gender", "Мужской", "male"),
    ("gender", "male", "male"),
    ("gender", "жен.", "female"),
    ("gender", "Ж", "female"),
    ("gender", "Женский", "female"),
    ("gender", "Female", "female"),
    ("gender", "әйел", "female"),
    ("gender", "ер", "male"),
]


def test_the_table_is_big_enough():
    assert len(SPELLINGS) >= 60


@pytest.mark.parametrize(("field", "value", "category"), SPELLINGS, ids=lambda v: str(v))
def test_a_spelling_gives_its_category(field, value, category):
    assert SOURCE.propose(field, value) == category
