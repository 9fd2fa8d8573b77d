"""The self-assessment's ratings are a traffic light: each level is a badge in its colour, whose text keeps WCAG
AA contrast on the badge's tint."""

import re
import tomllib

import pytest

from safety.checklists.schema import load_checklists

from conftest import ROOT

# Streamlit's text colours in its light theme (streamlit/config.py: redTextColor, orangeTextColor, greenTextColor,
# grayTextColor), unless .streamlit/config.toml sets its own
PALETTE = {"red": "#9e303b", "orange": "#9b4519", "green": "#0c5a44", "gray": "#686255"}
# the badges' tints as Chromium draws them on the white page (measured on a screenshot of the assessment page)
TINTS = {"red": "#fff1f2", "orange": "#fff6ed", "green": "#f1fbf6", "gray": "#f5f4f2"}


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two colours."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_rating_options_carry_their_traffic_light(demo_app):
    at = demo_app("demo.officer")
    at.switch_page("app_pages/assessment.py").run()
    assert not at.exception
    box = next(r for r in at.radio if str(r.key).endswith(":rating"))
    scale = load_checklists()["golden_rules"].scale
    assert [level.id for level in scale] == ["green", "yellow", "red", "na"]
    badges = [re.fullmatch(r":(\w+)-badge\[(.+)\]", option) for option in box.options]
    assert [b[1] for b in badges if b] == ["green", "orange", "red", "gray"]
    assert [b[2] for b in badges if b] == [level.label.get("ru") for level in scale]
    box.set_value("yellow").run()  # the values are still the levels
    assert next(r for r in at.radio if r.key == box.key).value == "yellow"


@pytest.mark.parametrize("name", list(PALETTE))
def test_the_light_colours_keep_wcag_aa_contrast(name):
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")).get("theme", {})
    colour = theme.get(f"{name}TextColor", PALETTE[name])
    for background in ("#ffffff", TINTS[name]):
        assert contrast(colour, background) >= 4.5, (name, colour, background)
