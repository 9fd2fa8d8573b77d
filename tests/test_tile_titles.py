"""Tile titles are never cut («Просроченные меропри…»): a metric's own label is one line, cut with an ellipsis in a
narrow column, so every figure's title is written above it as text that wraps (ui.titled_metric)."""

import ast

import pytest
from streamlit.proto.LabelVisibility_pb2 import LabelVisibility

from safety.i18n import LANGUAGES, t

from conftest import ROOT

COLLAPSED = LabelVisibility.LabelVisibilityOptions.COLLAPSED


def test_no_page_draws_a_metric_with_its_own_label():
    """Only ui.titled_metric calls st.metric; the pages call it."""
    calls = []
    for path in [ROOT / "app.py", *ROOT.glob("app_pages/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "metric":
                calls.append(path.name)
    assert calls == ["ui.py"]


def _titled(at) -> list[str]:
    """The title of each metric on the page, checked to be written out in full above it."""
    texts = [m.value for m in at.markdown]
    titles = []
    for metric in at.metric:
        assert metric.proto.label_visibility.value == COLLAPSED, metric.label
        assert metric.label in texts, metric.label
        titles.append(metric.label)
    return titles


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_dashboard_tiles_show_their_whole_titles(demo_app, lang):
    at = demo_app("demo.region")
    if lang != "ru":
        at.sidebar.selectbox(key="lang").set_value(lang).run()
    at.switch_page("app_pages/dashboard.py").run()
    assert not at.exception
    titles = _titled(at)
    assert t("dashboard.tile.overdue_actions", lang) in titles and t("dashboard.tile.score", lang) in titles
    overdue = next(m for m in at.markdown if m.value == t("dashboard.tile.overdue_actions", lang))
    assert overdue.proto.help  # the dates compared, on the title's question mark


def test_the_home_figures_show_their_whole_titles(demo_app):
    at = demo_app("demo.admin")
    titles = _titled(at)
    assert t("home.metric.score", "ru") in titles and t("home.admin.db_size", "ru") in titles
