"""Category words as officers write them: a log's value is proposed for a category by the words it holds, not only
when it equals a known synonym ("Инцидент (без травмы)" is a near miss, "лёгкая степень" is light).

A proposal is only a proposal: the import page shows it preselected for the user to confirm, and a saved mapping
profile remembers the confirmation. Exact synonyms (VALUE_SYNONYMS, and the catalogue's own words) need none.
"""

from __future__ import annotations

import re

# Values seen in real logs that mean one category exactly, compared without case, spaces or punctuation.
VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "kind": {
        "несчастный случай": "accident",
        "нс": "accident",
        "травма": "accident",
        "accident": "accident",
        "injury": "accident",
        "жазатайым оқиға": "accident",
        "микротравма": "micro_injury",
        "micro injury": "micro_injury",
        "микрожарақат": "micro_injury",
        "near miss": "near_miss",
        "потенциально опасное происшествие": "near_miss",
        "поп": "near_miss",
        "опасное происшествие": "near_miss",
        "инцидент": "near_miss",
        "қауіпті оқиға": "near_miss",
        "профзаболевание": "occupational_disease",
        "профессиональное заболевание": "occupational_disease",
        "occupational disease": "occupational_disease",
        "illness": "occupational_disease",
        "кәсіптік ауру": "occupational_disease",
    },
    "severity": {
        "легкий": "light",
        "лёгкий": "light",
        "легкая": "light",
        "лёгкая": "light",
        "легкая травма": "light",
        "light": "light",
        "minor": "light",
        "жеңіл": "light",
        "тяжелый": "severe",
        "тяжёлый": "severe",
        "тяжелая": "severe",
        "тяжёлая": "severe",
        "severe": "severe",
        "serious": "severe",
        "ауыр": "severe",
        "смертельный": "fatal",
        "со смертельным исходом": "fatal",
        "смерть": "fatal",
        "fatal": "fatal",
        "death": "fatal",
        "fatality": "fatal",
        "өліммен аяқталған": "fatal",
        "өлім": "fatal",
    },
    "gender": {
        "м": "male",
        "муж": "male",
        "мужской": "male",
        "male": "male",
        "m": "male",
        "ер": "male",
        "ж": "female",
        "жен": "female",
        "женский": "female",
        "female": "female",
        "f": "female",
        "әйел": "female",
    },
}

# Per field, (stems, category) in the order they are tried: the first whose pattern occurs in the value wins, so a
# more specific meaning comes before a broader one ("без травмы" before "травма", "микротравма" before "травма").
# A stem matches at the start of a word: "смертельн" finds "смертельным", "со смертельным исходом"; a stem ending in
# a space is a whole word ("нс ", "м ").
_MEANINGS: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "kind": (
        (
            (
                "без травм",
                "без пострадав",
                "инцидент",
                "поп ",
                "потенциально опасн",
                "опасное происшеств",
                "опасное событ",
                "опасная ситуац",
                "near miss",
                "nearmiss",
                "near-miss",
                "dangerous occurrence",
                "қауіпті оқиға",
                "қауіпті жағдай",
            ),
            "near_miss",
        ),
        (
            (
                "профзаболев",
                "проф заболев",
                "профессиональн",
                "occupational",
                "illness",
                "disease",
                "кәсіптік ауру",
                "кәсіби ауру",
            ),
            "occupational_disease",
        ),
        (("микротравм", "микро травм", "micro injur", "microinjur", "first aid", "микрожарақат"), "micro_injury"),
        (
            (
                "несчастн",
                "нс ",
                "травм",
                "смертельн",
                "групповой",
                "accident",
                "injury",
                "lost time",
                "lti ",
                "жазатайым",
                "жарақат",
            ),
            "accident",
        ),
    ),
    "severity": (
        (("смерт", "летальн", "гибел", "погиб", "fatal", "death", "died", "өлім", "қаза"), "fatal"),
        (("тяжел", "тяж ", "severe", "serious", "major", "ауыр"), "severe"),
        (("легк", "лег ", "light", "minor", "slight", "жеңіл"), "light"),
    ),
    "gender": (
        (("жен", "female", "woman", "әйел", "ж "), "female"),
        (("муж", "male", "man ", "ер ", "м "), "male"),
    ),
}


def normal(text: object) -> str:
    """The value as the matcher reads it: lower case, ё as е, punctuation and brackets as spaces, one space between
    words, with a space at each end so that a stem can be matched as a whole word too ("нс", "м ")."""
    words = re.sub(r"[\W_]+", " ", str(text).casefold().replace("ё", "е")).split()
    return " " + " ".join(words) + " "


def _pattern(stem: str) -> re.Pattern[str]:
    """A stem, read as values are (normal), found at the start of a word; one ending in a space (an abbreviation:
    нс, поп, lti) only as a whole word. normal() puts a space at each end, so its own form does both at once."""
    read = normal(stem) if stem.endswith(" ") else normal(stem).rstrip()
    return re.compile(re.escape(read))


_COMPILED = {
    field: tuple((tuple(map(_pattern, stems)), category) for stems, category in meanings)
    for field, meanings in _MEANINGS.items()
}


def propose(field: str, value: object) -> str | None:
    """The category the value's words point to for this field, or None when none does."""
    text = normal(value)
    for patterns, category in _COMPILED.get(field, ()):
        if any(p.search(text) for p in patterns):
            return category
    return None
