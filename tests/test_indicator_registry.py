"""The indicator registry: one entry per indicator, whose texts, formula terms and figures all exist."""

from __future__ import annotations

import datetime as dt

import pytest

from safety.access.roles import SYSTEM
from safety.i18n import LANGUAGES, catalogue, t
from safety.indicators.dashboard import tiles
from safety.indicators.formulas import metrics, scope_for, yearly
from safety.indicators.registry import EXPLAINED, INDICATOR, INDICATORS, KEYS, RATES, digits


def test_every_indicator_has_its_texts_in_every_language():
    texts = catalogue()
    for indicator in INDICATORS:
        assert indicator.label in texts, indicator.key
        if indicator.rate:
            assert indicator.help in texts, indicator.key
            assert indicator.unit in texts, indicator.key
    for name in EXPLAINED:
        assert f"indicator.{name}.help" in texts


@pytest.mark.parametrize("lang", LANGUAGES)
def test_formulas_name_their_terms_in_the_language(lang):
    for key in RATES:
        text = INDICATOR[key].formula_text(lang)
        assert "{" not in text and "indicator." not in text, (key, text)
    assert INDICATOR["kch"].formula_text("ru") == "пострадавшие × 1\xa0000 / среднесписочная численность"
    assert INDICATOR["kp"].formula_text("ru") == "Кч × Кт"  # abbreviations keep their capitals
    assert INDICATOR["ltifr"].formula_text("en") == "lost-time cases × 1,000,000 / hours worked"


def test_the_keys_are_the_registry_in_order_and_the_computed_figures_carry_them(demo_store):
    assert tuple(i.key for i in INDICATORS) == KEYS
    assert set(RATES) < set(KEYS)
    found = metrics(demo_store, SYSTEM, 2025)
    assert set(KEYS) <= set(found)
    [row] = yearly(demo_store, scope_for(demo_store, SYSTEM), 2025, 2025)
    assert set(KEYS) <= set(row)


def test_the_dashboard_tiles_take_name_digits_and_direction_from_the_registry(demo_store):
    shown = {tile.key: tile for tile in tiles(demo_store, scope_for(demo_store, SYSTEM), 2025, dt.date(2026, 6, 1))}
    for key in ("kch", "kt"):
        tile = shown[INDICATOR[key].label]
        assert (tile.digits, tile.better) == (INDICATOR[key].digits, INDICATOR[key].better)


def test_a_value_shows_with_the_indicators_digits_or_as_no_data():
    assert INDICATOR["kch"].show(0.7512, "ru") == "0,75"
    assert INDICATOR["kch_fatal"].show(0.0512, "en") == "0.051"
    assert INDICATOR["kt"].show(None, "kk") == t("indicator.no_data", "kk")
    assert digits("injured") == 0 and digits("not an indicator") == 0
