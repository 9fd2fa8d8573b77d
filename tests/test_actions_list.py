"""The corrective actions list as people read it: the enterprise by name, titles short enough to fit."""

from safety.access.roles import SYSTEM
from safety.checklists.actions import SHORT_TITLE, shortened
from safety.db import Store
from safety.register.enterprises import list_enterprises


def test_a_long_action_title_is_cut_at_a_word():
    """A title taken from a checklist question fits a list: cut at a word, with an ellipsis; a short one stays."""
    question = "Определены ли ответственные лица за охрану труда на каждом участке, и знают ли они свои обязанности?"
    short = shortened(question)
    assert len(short) <= SHORT_TITLE and short.endswith("…") and question.startswith(short[:-1])
    assert not short[:-1].endswith(" ") and shortened("Обучить мастеров") == "Обучить мастеров"


def test_the_actions_list_names_the_enterprise_and_shows_short_titles(demo_app):
    """The list shows each enterprise's name, not only its BIN, and titles short enough to fit."""
    at = demo_app("demo.region")
    at.switch_page("app_pages/actions.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value
    with Store(at.db_path) as store:
        names = {e.name("ru") for e in list_enterprises(store, SYSTEM)}
    assert set(table["enterprise"]) <= names and len(set(table["enterprise"])) > 1
    assert table["title"].str.len().max() <= SHORT_TITLE
    assert list(table.columns[:5]) == ["id", "enterprise", "due_on", "state", "overdue"]
