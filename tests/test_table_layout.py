"""Wide tables at 1400 px: the columns that matter come first and fit beside the sidebar, every column has a width,
and the columns a page does not show are not sent to the browser at all."""

import json

import pytest

from safety.i18n import t

# Streamlit's named column widths, in pixels
WIDTHS = {"small": 75, "medium": 200, "large": 400}
# The main area of a 1400 px window: 1100 px beside the open 300 px sidebar, less 80 px margins either side
MAIN_AREA = 940
# page -> the columns that matter, which its (first) table starts with
FIRST = {
    "app_pages/incidents.py": ["id", "occurred_on", "enterprise", "kind", "severity", "lost_days"],
    "app_pages/actions.py": ["id", "enterprise", "due_on", "state", "overdue", "title"],
    "app_pages/enterprises.py": ["name", "bin", "district", "joined_on", "officer", "phone"],
    "app_pages/users.py": ["username", "full_name", "role", "enterprise_bin", "active", "last_sign_in_at"],
    "app_pages/audit.py": ["logged_at", "username", "action", "entity", "entity_id", "enterprise_bin"],
}
ROLES = {"app_pages/users.py": "demo.admin", "app_pages/audit.py": "demo.admin"}  # the others: the regional manager
# the enterprise card's tables, by their first column
CARD = {
    "year": ["year", "kch", "kt", "kp", "kch_fatal", "ltifr", "trir", "dart", "injured", "killed", "lost_days"],
    "id": ["id", "occurred_on", "kind", "severity", "lost_days", "description"],
    "due": ["id", "due_on", "state", "overdue", "title"],
    "occurred_on": ["occurred_on", "severity", "injured", "report", "investigation", "act", "overdue"],
    "rule": ["rule", "item", "text", "before", "after", "change"],
}


def _layout(frame) -> dict[str, int]:
    """The columns a table shows, in order, with the width of each in pixels (0: none given)."""
    configs = json.loads(frame.proto.columns or "{}")
    width = {n: configs.get(n, {}).get("width") for n in frame.proto.column_order}
    return {n: WIDTHS.get(w, w) if w else 0 for n, w in width.items()}


def _fits(layout: dict[str, int], first: list[str], where: str) -> None:
    """The table starts with the columns that matter, they fit the main area, and every column has a width."""
    assert list(layout)[: len(first)] == first, (where, list(layout))
    assert sum(layout[n] for n in first) <= MAIN_AREA, (where, {n: layout[n] for n in first})
    assert all(layout.values()), (where, layout)


@pytest.mark.parametrize("page", list(FIRST))
def test_the_columns_that_matter_come_first_and_fit(demo_app, page):
    at = demo_app(ROLES.get(page, "demo.region"))
    at.switch_page(page).run()
    assert not at.exception
    frame = at.dataframe[0]
    layout = _layout(frame)
    _fits(layout, FIRST[page], page)
    assert list(frame.value.columns) == list(layout), "columns the page does not show are not sent to the browser"


def test_the_enterprise_card_tables_fit(demo_app):
    """The card's indicators, cases, actions, investigations and assessment changes fit the same way."""
    at = demo_app("demo.officer")
    at.switch_page("app_pages/enterprise.py").run()
    assert not at.exception
    seen = set()
    for frame in at.dataframe:
        if frame.editing_mode != "read_only":
            continue  # the yearly headcount editor: three number columns
        layout = _layout(frame)
        name = "due" if "due_on" in layout else next(iter(layout))
        _fits(layout, CARD[name], f"enterprise card: {name}")
        assert set(frame.value.columns) <= set(layout)
        seen.add(name)
    assert seen >= {"year", "id", "due", "rule"}


def test_the_incidents_list_sends_no_personal_data(demo_app):
    """A case's person name and the other columns the list does not show stay on the server."""
    at = demo_app("demo.officer")
    at.switch_page("app_pages/incidents.py").run()
    sent = set(at.dataframe[0].value.columns)
    assert sent and not sent & {"person_name", "bin", "enterprise_id", "fingerprint", "created_by"}


def test_a_heading_cut_by_its_narrow_column_shows_whole_on_hover(demo_app):
    """«Дни нетрудоспособности» in a 75 px column: its whole heading is the column's hover text."""
    at = demo_app("demo.region")
    at.switch_page("app_pages/incidents.py").run()
    configs = json.loads(at.dataframe[0].proto.columns)
    assert configs["lost_days"]["help"] == configs["lost_days"]["label"] == t("incident.col.lost_days", "ru")
    assert "help" not in configs["id"]  # «№» fits
