"""The report's generated sentences: every case of a change (fell, rose, no change, from zero, no figure for last
year, none for this year) in every language, Russian verbs agreeing with their subject's gender, plurals where a
number meets a noun, and the percentage equal to the one the metrics give."""

from __future__ import annotations

import datetime as dt

import pytest

from safety.access.roles import SYSTEM, Role, User
from safety.i18n import LANGUAGES, catalogue, format_number, format_percent, placeholders
from safety.indicators.formulas import metrics
from safety.indicators.registry import INDICATOR, RATES
from safety.reports import sentences as say
from safety.reports.sentences import CASES, COUNT_NOUNS, change_case, change_sentence, programme_sentence

pytestmark = pytest.mark.one_store  # rendering and file formats: DuckDB is enough (see conftest)

NBSP = "\u00a0"
SUBJECTS = (*RATES, *COUNT_NOUNS, "score")
# (now, before) for each case
EXAMPLES = {
    "fell": (0.75, 0.97),
    "rose": (0.97, 0.75),
    "same": (0.75, 0.75),
    "from_zero": (0.5, 0.0),
    "no_previous": (0.75, None),
    "no_data": (None, None),
    "no_data_before": (None, 0.97),
}


def test_the_cases_are_told_apart():
    assert {case: change_case(*values) for case, values in EXAMPLES.items()} == {case: case for case in EXAMPLES}
    assert set(EXAMPLES) == set(CASES)
    assert change_case(100.04, 100.0) == "same"  # +0.04 % rounds to 0,0 %
    assert change_case(0.0, 0.0) == "same"
    assert change_case(0.0, 2.0) == "fell"


def test_every_subject_has_its_texts_and_gender_in_every_language():
    genders = {"ru": {"masculine", "feminine", "neuter"}, "kk": {"other"}, "en": {"other"}}
    for key in SUBJECTS:
        texts = catalogue()[f"report.subject.{key}"]
        gender = catalogue()[f"report.subject.{key}.gender"]
        for lang in LANGUAGES:
            assert texts[lang].strip() and gender[lang] in genders[lang], (key, lang)
    for key in RATES:
        assert f"report.value.{INDICATOR[key].unit.removeprefix('unit.')}" in catalogue(), key


def test_change_texts_share_placeholders_and_carry_the_select_in_every_language():
    for kind in ("change", "count"):
        for case in CASES:
            texts = catalogue()[f"report.{kind}.{case}"]
            assert len({frozenset(placeholders(text)) for text in texts.values()}) == 1, (kind, case)
            if "gender" in placeholders(texts["ru"]):
                assert all("{gender, select," in text for text in texts.values()), (kind, case)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", [*RATES, *COUNT_NOUNS])
@pytest.mark.parametrize("case", CASES)
def test_every_case_of_every_figure_reads_whole(key, case, lang):
    now, before = EXAMPLES[case]
    if not INDICATOR[key].rate:  # a count: whole numbers
        now, before = (None if v is None else round(v * 40) for v in (now, before))
    text = change_sentence(key, now, before, lang)
    assert text.endswith(".") and text[0].isupper(), text
    for leftover in ("{", "}", "report.", "select,", "plural,", "#", "None"):
        assert leftover not in text, (leftover, text)
    assert text.startswith(catalogue()[f"report.subject.{key}"][lang])
    if case in ("fell", "rose"):
        pct = format_number(abs((now - before) / before * 100), lang, 1)
        assert pct in text


CASE_WORDS = {
    "ru": {
        "fell": "снизился на 22,7" + NBSP + "% — с 0,97 до 0,75 на 1" + NBSP + "000 работников.",
        "rose": "вырос на 29,3" + NBSP + "% — с 0,75 до 0,97 на 1" + NBSP + "000 работников.",
        "same": "не изменился: 0,75 на 1" + NBSP + "000 работников, годом ранее — 0,75.",
        "from_zero": "вырос с 0,00 до 0,50 на 1" + NBSP + "000 работников.",
        "no_previous": "составил 0,75 на 1" + NBSP + "000 работников; за предыдущий год данных нет",
        "no_data": "за этот год не рассчитан: данных нет.",
        "no_data_before": "не рассчитан: данных нет; годом ранее — 0,97 на 1" + NBSP + "000 работников.",
    },
    "kk": {
        "fell": "22,7 пайызға төмендеді: бір жыл бұрын 0,97 болса, енді 1" + NBSP + "000 жұмыскерге шаққанда 0,75.",
        "rose": "29,3 пайызға өсті: бір жыл бұрын 0,75 болса, енді 1" + NBSP + "000 жұмыскерге шаққанда 0,97.",
        "same": "өзгерген жоқ",
        "from_zero": "өсті: бір жыл бұрын 0,00 болса",
        "no_previous": "1" + NBSP + "000 жұмыскерге шаққанда 0,75 болды; алдыңғы жыл бойынша дерек жоқ",
        "no_data": "осы жыл бойынша есептелмеді: дерек жоқ.",
        "no_data_before": "бір жыл бұрын 1" + NBSP + "000 жұмыскерге шаққанда 0,97 болған.",
    },
    "en": {
        "fell": "fell by 22.7" + NBSP + "%, from 0.97 to 0.75 per 1,000 workers.",
        "rose": "rose by 29.3" + NBSP + "%, from 0.75 to 0.97 per 1,000 workers.",
        "same": "did not change: 0.75 per 1,000 workers, against 0.75 a year earlier.",
        "from_zero": "rose from 0.00 to 0.50 per 1,000 workers.",
        "no_previous": "was 0.75 per 1,000 workers; there is no figure for the year before",
        "no_data": "cannot be given for this year: there is no data.",
        "no_data_before": "(a year earlier it was 0.97 per 1,000 workers).",
    },
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", CASES)
def test_the_injury_rate_in_each_case_and_language(case, lang):
    assert CASE_WORDS[lang][case] in change_sentence("kch", *EXAMPLES[case], lang)


def test_the_examples_of_the_brief():
    assert change_sentence("kch", 0.75, 0.974, "ru") == (
        "Уровень производственного травматизма (Кч) снизился на 23,0" + NBSP + "% — с 0,97 до 0,75 на 1"
        f"{NBSP}000 работников."
    )
    assert change_sentence("injured", 42, 48, "ru") == "Число пострадавших снизилось на 12,5" + NBSP + "% — с 48 до 42."
    assert change_sentence("kch", 0.75, 0.974, "en") == (
        "The injury frequency rate (Kch) fell by 23.0" + NBSP + "%, from 0.97 to 0.75 per 1,000 workers."
    )
    assert change_sentence("kch", 0.75, 0.974, "kk") == (
        "Өндірістік жарақаттану деңгейі (Жк) 23,0 пайызға төмендеді: бір жыл бұрын 0,97 болса, енді 1"
        f"{NBSP}000 жұмыскерге шаққанда 0,75."
    )


def test_russian_verbs_agree_with_the_subjects_gender():
    fell = {key: change_sentence(key, 1.0, 2.0, "ru") for key in ("kch", "ltifr", "near_misses_per_accident")}
    assert "(Кч) снизился на" in fell["kch"]  # masculine
    assert "(LTIFR) снизилась на" in fell["ltifr"]  # feminine
    assert "случаев снизилось на" in fell["near_misses_per_accident"]  # neuter
    rose = {key: change_sentence(key, 2.0, 1.0, "ru") for key in ("kt", "kch_fatal", "injured")}
    assert "вырос на" in rose["kt"] and "выросла на" in rose["kch_fatal"] and "выросло на" in rose["injured"]
    same = {key: change_sentence(key, 1.0, 1.0, "ru") for key in ("kp", "trir", "killed")}
    assert "не изменился:" in same["kp"] and "не изменилась:" in same["trir"] and "не изменилось:" in same["killed"]
    assert "составила" in change_sentence("ltifr", 1.0, None, "ru")
    assert "не рассчитано" in change_sentence("near_misses_per_accident", None, None, "ru")


@pytest.mark.parametrize(
    "count,ru,kk,en",
    [
        (1, "1 человек,", "1 адам", "1,"),
        (2, "2 человека,", "2 адам", "2,"),
        (5, "5 человек,", "5 адам", "5,"),
        (11, "11 человек,", "11 адам", "11,"),
        (21, "21 человек,", "21 адам", "21,"),
    ],
)
def test_a_count_that_stayed_the_same_names_its_people_in_the_right_form(count, ru, kk, en):
    assert ru in change_sentence("injured", count, count, "ru")
    assert kk in change_sentence("injured", count, count, "kk")
    assert en in change_sentence("killed", count, count, "en")


@pytest.mark.parametrize(
    "count,ru,en",
    [
        (1, "участвовало 1 предприятие.", "1 enterprise took part"),
        (2, "участвовали 2 предприятия.", "2 enterprises took part"),
        (5, "участвовали 5 предприятий.", "5 enterprises took part"),
        (11, "участвовали 11 предприятий.", "11 enterprises took part"),
        (21, "участвовало 21 предприятие.", "21 enterprises took part"),
        (1465, f"участвовали 1{NBSP}465 предприятий.", "1,465 enterprises took part"),
    ],
)
def test_the_programme_sentence_is_plural_correct(count, ru, en):
    assert programme_sentence(2025, count, 0, "ru").startswith("В 2025 году в Vision Zero " + ru)
    assert en in programme_sentence(2025, count, 0, "en")
    assert programme_sentence(2025, count, 0, "kk").startswith(
        f"2025 жылы Vision Zero бағдарламасына {format_number(count, 'kk')} кәсіпорын қатысты."
    )


@pytest.mark.parametrize(
    "joined,ru,en",
    [
        (1, "присоединилось 1 предприятие.", "1 enterprise joined"),
        (2, "присоединились 2 предприятия.", "2 enterprises joined"),
        (5, "присоединились 5 предприятий.", "5 enterprises joined"),
        (11, "присоединились 11 предприятий.", "11 enterprises joined"),
        (21, "присоединилось 21 предприятие.", "21 enterprises joined"),
    ],
)
def test_the_members_who_joined_in_the_year_are_plural_correct(joined, ru, en):
    assert programme_sentence(2025, 40, joined, "ru").endswith(ru)
    assert en in programme_sentence(2025, 40, joined, "en")
    assert f"тағы {joined} кәсіпорын қосылды." in programme_sentence(2025, 40, joined, "kk")


def test_no_members_and_no_one_joining_are_said_plainly():
    assert programme_sentence(2025, 0, 0, "ru") == "В 2025 году ни одно предприятие ещё не участвовало в Vision Zero."
    assert "No enterprise joined" in programme_sentence(2025, 3, 0, "en")
    assert "жаңа қатысушылар қосылмады" in programme_sentence(2025, 3, 0, "kk")


@pytest.mark.parametrize(
    "count,ru",
    [
        (1, "проведена 1 самооценка по «7 золотым правилам» на 1 предприятии."),
        (2, "проведены 2 самооценки по «7 золотым правилам» на 2 предприятиях."),
        (5, "проведено 5 самооценок по «7 золотым правилам» на 5 предприятиях."),
        (11, "проведено 11 самооценок по «7 золотым правилам» на 11 предприятиях."),
        (21, "проведена 21 самооценка по «7 золотым правилам» на 21 предприятии."),
    ],
)
def test_the_other_sentences_are_plural_correct(count, ru):
    day = dt.date(2025, 12, 31)
    assert say.assessments_sentence(2025, count, count, "ru").endswith(ru)
    actions = say.overdue_actions_sentence(day, count, "ru")
    forms = {1: "просрочено 1 корректирующее мероприятие.", 2: "просрочены 2 корректирующих мероприятия."}
    forms |= {5: "просрочено 5 корректирующих мероприятий.", 11: "просрочено 11 корректирующих мероприятий."}
    forms |= {21: "просрочено 21 корректирующее мероприятие."}
    assert actions.endswith(forms[count]), actions
    steps = say.overdue_investigations_sentence(day, count, "ru")
    assert steps.endswith(f"у {count} несчастного случая." if count in (1, 21) else f"у {count} несчастных случаев.")
    cause = say.top_cause_sentence("Разлив масла", count, "ru")
    words = {1: "случай", 2: "случая", 5: "случаев", 11: "случаев", 21: "случай"}
    assert cause == f"Самая частая причина несчастных случаев — «Разлив масла» ({count} {words[count]})."
    assert say.causes_not_stated(count, "ru").startswith(
        f"Причина не указана в {count} {'случае' if count in (1, 21) else 'случаях'};"
    )
    for lang in ("kk", "en"):
        for text in (
            say.assessments_sentence(2025, count, count, lang),
            say.overdue_actions_sentence(day, count, lang),
            say.top_cause_sentence("X", count, lang),
            say.near_misses_sentence(count, count, lang),
        ):
            assert str(count) in text and "{" not in text and "#" not in text, text
    assert say.overdue_actions_sentence(day, 1, "en").endswith("1 corrective action was overdue.")
    assert say.overdue_actions_sentence(day, 2, "en").endswith("2 corrective actions were overdue.")


def test_none_of_them_is_said_plainly():
    day = dt.date(2025, 12, 31)
    for lang in LANGUAGES:
        for text in (
            say.assessments_sentence(2025, 0, 0, lang),
            say.overdue_actions_sentence(day, 0, lang),
            say.overdue_investigations_sentence(day, 0, lang),
            say.top_cause_sentence(None, 0, lang),
            say.top_red_sentence(None, "", 0, lang),
        ):
            assert text.endswith(".") and "{" not in text and " 0 " not in text, text
    assert say.causes_not_stated(0, "ru") == ""


def test_a_change_hidden_by_rounding_is_shown_with_more_decimals():
    assert "вырос на 0,6" + NBSP + "% — с 0,965 до 0,971" in change_sentence("kch", 0.97096, 0.96525, "ru")
    assert "from 0.97 to 0.75" in change_sentence("kch", 0.75, 0.97, "en")  # its own digits when they differ


def test_the_score_sentence():
    assert say.score_sentence(74.6, 73.7, "ru") == (
        "Средний балл «7 золотых правил» вырос на 1,2" + NBSP + "% — с 73,7 до 74,6 из 100."
    )
    assert "100 балдық шкала бойынша 74,6" in say.score_sentence(74.6, 73.7, "kk")
    assert say.score_sentence(None, None, "en").endswith("there is no data.")


def test_a_signed_change_is_written_as_the_charts_write_it():
    assert say.signed_change(-23.04, "ru") == "\u221223,0" + NBSP + "%"
    assert say.signed_change(10.66, "en") == "+10.7" + NBSP + "%"
    assert say.signed_change(-0.01, "ru") == "0,0" + NBSP + "%"
    assert say.signed_change(None, "ru") == ""


def test_a_count_without_a_noun_is_refused():
    with pytest.raises(ValueError):
        change_sentence("headcount", 10, 9, "ru")


@pytest.mark.parametrize("user", ["system", "regional"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_injury_rate_sentence_says_the_metrics_change_on_the_demo(world, user, lang):
    store, users, _, _ = world
    acting: User = SYSTEM if user == "system" else users["demo.region"]
    assert acting.role in (Role.ADMIN, Role.REGIONAL_MANAGER)
    for year in (2024, 2025, 2026):
        found = metrics(store, acting, year)
        pct = found["yoy_kch_pct"]
        assert pct is not None
        text = change_sentence("kch", found["kch"], found["previous"]["kch"], lang)
        written = format_percent(abs(pct), lang)  # «23,0 %»: the one-decimal figure of the metrics
        if lang == "kk":
            written = written.removesuffix(NBSP + "%") + " пайызға"
        if round(pct, 1) != 0:
            assert written in text, (text, pct)
        assert ("снизился" if pct < 0 else "вырос") in change_sentence(
            "kch", found["kch"], found["previous"]["kch"], "ru"
        )
