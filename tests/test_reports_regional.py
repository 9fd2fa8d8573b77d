"""The regional report's model on the demo: every section in every language, who may have it, its figures equal
to the dashboard's and the indicators', its filters, and its lists and tables against the library's own."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from safety.access.roles import SYSTEM
from safety.db import Store
from safety.errors import PermissionDenied, ValidationFailed
from safety.i18n import LANGUAGES, t
from safety.incidents.investigations import working_days_left
from safety.indicators import dashboard, formulas
from safety.indicators.charts import BAND_COLOURS
from safety.indicators.formulas import metrics, scope_for
from safety.indicators.registry import INDICATOR, KEYS
from safety.register.geography import DISTRICTS_BY_KATO, division_name
from safety.reports import sentences as say
from safety.reports.card import red_items
from safety.reports.model import Chart, Figures, Heading, Paragraph, Report, Table
from safety.reports.regional import regional_report, working_days_late
from safety.reports.scope import author

YEAR = 2025
SHEETS = ("summary", "programme", "indicators", "charts", "risks", "overdue", "enterprises")


def _texts(report: Report) -> list[str]:
    """Every text of the report a reader sees but the values in table cells: titles, headings, paragraphs,
    columns, notes, key figures."""
    found = [report.title, report.scope]
    for section in report.sections:
        found += [section.title, section.sheet]
        for block in section.blocks:
            if isinstance(block, (Heading, Paragraph)):
                found.append(block.text)
            elif isinstance(block, Table):
                found += [block.title, block.note, *(c.heading for c in block.columns)]
            elif isinstance(block, Figures):
                found += [text for item in block.items for text in item]
    return found


def _indicator_rows(report: Report, lang: str) -> dict[str, tuple]:
    """The indicators section's rows by indicator name."""
    section = report.sections[SHEETS.index("indicators")]
    return {row[0]: row for block in section.blocks if isinstance(block, Table) for row in block.rows}


@pytest.fixture(scope="module")
def reports(demo_db_file):
    """The report of YEAR in each language, built once (read only) as the command line does."""
    with Store(demo_db_file) as store:
        yield store, {lang: regional_report(store, SYSTEM, YEAR, lang) for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_section_is_there_named_and_filled(reports, lang):
    _, built = reports
    report = built[lang]
    assert report.lang == lang and report.title == t("report.regional.title", lang)
    assert report.scope == f"{t('report.scope.region', lang)} · {YEAR}"
    assert report.generated_by == author(SYSTEM, lang) and report.demo is True
    assert report.generated_by.startswith(t("report.by_cli", lang, account="")[:5])  # in the report's language
    assert report.file_stem == f"vision_zero_report_{YEAR}"
    assert [s.sheet for s in report.sections] == [t(f"report.regional.sheet.{k}", lang) for k in SHEETS]
    assert len({s.sheet.casefold() for s in report.sections}) == len(SHEETS)
    for section in report.sections:
        assert section.blocks and section.title and len(section.sheet) <= 31
        for block in section.blocks:
            if isinstance(block, Table):
                assert block.rows and all(len(row) == len(block.columns) for row in block.rows), block.title
    charts = [b.name for b in report.sections[SHEETS.index("charts")].blocks if isinstance(b, Chart)]
    assert charts == ["monthly", "yearly", "kch_by_district", "kch_by_division", "scatter"]


def test_the_heatmap_is_a_table_of_traffic_lights_in_the_dashboards_order(reports):
    store, built = reports
    report = built["ru"]
    [table] = [b for b in report.tables() if b.title == t("chart.heatmap.title", "ru")]
    cells = dashboard.heatmap(store, formulas.scope_for(store, SYSTEM), "ru")
    names = list(dict.fromkeys(c["name"] for c in cells))  # lowest overall score first
    assert [row[0] for row in table.rows] == names
    first = [c for c in cells if c["name"] == names[0]]
    assert list(table.rows[0][1:8]) == [c["score"] for c in sorted(first, key=lambda c: c["rule"])]
    assert list(table.fills[0][1:8]) == [BAND_COLOURS[c["band"]] for c in sorted(first, key=lambda c: c["rule"])]
    assert table.fills[0][0] is None and table.rows[0][8] == first[0]["overall"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalogue_key_placeholder_or_none_shows(reports, lang):
    _, built = reports
    for text in _texts(built[lang]):
        for leftover in ("report.", "dashboard.", "indicator.", "chart.", "{", "}", "None", "select,", "plural,"):
            assert leftover not in text, (leftover, text)


def test_the_kazakh_and_english_reports_are_in_their_language(reports):
    _, built = reports
    kk = " ".join(built["kk"].paragraphs())
    en = " ".join(built["en"].paragraphs())
    assert "кәсіпорын" in kk and "Жк" in kk and "enterprises" in en and "Kch" in en
    assert "предприят" not in kk and "предприят" not in en


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_injury_rate_in_the_table_is_the_indicators_and_the_metrics(reports, lang):
    store, built = reports
    found = metrics(store, SYSTEM, YEAR)
    [row] = formulas.yearly(store, formulas.Scope(), YEAR, YEAR)
    table = _indicator_rows(built[lang], lang)
    _, _, now, before, change = table[INDICATOR["kch"].name(lang)]
    assert now == found["kch"] == row["kch"]
    assert before == found["previous"]["kch"]
    assert change == found["yoy_kch_pct"]
    for key in KEYS:  # every registry indicator has its row, with this year's and last year's figure
        assert table[INDICATOR[key].name(lang)][2:4] == (found[key], found["previous"][key]), key
    sentence = say.change_sentence("kch", found["kch"], found["previous"]["kch"], lang)
    assert sentence in built[lang].paragraphs()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_summary_says_the_members_the_dashboard_tile_says(reports, lang):
    store, built = reports
    [members] = [x for x in dashboard.tiles(store, formulas.Scope(), YEAR) if x.key == "dashboard.tile.enterprises"]
    summary = built[lang].sections[0]
    lead = [b for b in summary.blocks if isinstance(b, Paragraph) and b.lead]
    assert lead[0].text.startswith(say.programme_sentence(YEAR, int(members.value), 0, lang).split(".")[0])
    assert str(int(members.value)) in lead[0].text
    [tiles] = [b for b in summary.blocks if isinstance(b, Figures)]
    assert (t("dashboard.tile.enterprises", lang), str(int(members.value))) == tiles.items[0][:2]
    assert len(tiles.items) == 8
    heading = next(b for b in summary.blocks if b == Heading(t("report.regional.heading.quotes", lang)))
    quotes = summary.blocks[summary.blocks.index(heading) + 1 :]
    assert 3 <= len(quotes) <= 5 and all(isinstance(b, Paragraph) for b in quotes)
    programme = built[lang].sections[1]
    joined = next(b for b in programme.blocks if isinstance(b, Table))
    assert joined.rows[-1][0] == str(YEAR) and joined.rows[-1][2] == members.value


def test_enterprise_users_are_refused_and_the_regional_manager_may_filter(world):
    store, users, _, _ = world
    for name in ("demo.head", "demo.officer"):
        with pytest.raises(PermissionDenied):
            regional_report(store, users[name], YEAR, "ru")
    region = users["demo.region"]
    assert len(regional_report(store, region, YEAR, "ru").sections) == len(SHEETS)
    with store.cursor() as cur:
        kato, division = cur.execute(
            "SELECT kato, left(oked, 2), count(*) FROM enterprises GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1"
        ).fetchall()[0][:2]
    district = DISTRICTS_BY_KATO[kato]
    report = regional_report(store, region, YEAR, "ru", district=kato)
    assert report.scope == f"{district.name('ru')} · {YEAR}" and report.file_stem == f"vision_zero_report_{kato}_{YEAR}"
    ranked = report.tables()[-1]
    assert ranked.rows and {row[3] for row in ranked.rows} == {district.name("ru")}
    charts = [b.name for b in report.sections[SHEETS.index("charts")].blocks if isinstance(b, Chart)]
    assert "kch_by_district" not in charts and "kch_by_division" in charts
    both = regional_report(store, region, YEAR, "en", district=kato, division=division)
    assert both.scope == f"{district.name('en')} · {division} {division_name(division, 'en')} · {YEAR}"
    scope = scope_for(store, region, district=kato, division=division)
    [row] = formulas.yearly(store, scope, YEAR, YEAR)
    assert _indicator_rows(both, "en")[INDICATOR["kch"].name("en")][2] == row["kch"]
    assert len(both.tables()[-1].rows) == len(dashboard.league(store, scope, YEAR, "en"))


def test_bad_choices_are_refused(world):
    store, users, _, _ = world
    region = users["demo.region"]
    for kwargs in ({"district": "999999999"}, {"division": "xx"}):
        with pytest.raises(ValidationFailed):
            regional_report(store, region, YEAR, "ru", **kwargs)
    with pytest.raises(ValidationFailed):
        regional_report(store, region, dt.date.today().year + 1, "ru")
    with pytest.raises(ValidationFailed):
        regional_report(store, region, YEAR, "de")


def test_the_enterprises_are_the_leagues_in_its_order(reports):
    store, built = reports
    league = dashboard.league(store, formulas.Scope(), YEAR, "kk", years=5).rows()
    table = built["kk"].tables()[-1]
    assert [row[:3] for row in table.rows] == [(r["rank"], r["name"], r["bin"]) for r in league]
    assert [row[4:] for row in table.rows] == [
        (r["kch"], r["kt"], r["yoy_kch_pct"], r["injured"], r["score"]) for r in league
    ]


def test_the_overdue_lists_hold_what_the_tiles_count(demo_store):
    today = dt.date(2026, 11, 29)
    region_tiles = {x.key: x.value for x in dashboard.tiles(demo_store, formulas.Scope(), 2026, today)}
    report = regional_report(demo_store, SYSTEM, 2026, "ru", today=today)
    overdue = report.sections[SHEETS.index("overdue")]
    tables = {b.title: b for b in overdue.blocks if isinstance(b, Table)}
    actions = tables[t("report.regional.heading.actions", "ru")]
    count = region_tiles["dashboard.tile.overdue_actions"]
    assert len(actions.rows) == min(count, 50)
    assert actions.note == (say.overdue_shown(50, count, "ru") if count > 50 else "")
    assert [row[3] for row in actions.rows] == sorted((row[3] for row in actions.rows), reverse=True)
    assert all(row[3] == (today - row[2]).days > 0 for row in actions.rows)
    assert say.overdue_actions_sentence(today, count, "ru") in report.paragraphs()
    steps = tables.get(t("report.regional.heading.steps", "ru"))
    assert bool(steps) == bool(region_tiles["dashboard.tile.overdue_investigations"])


def test_the_overdue_steps_belong_to_the_accidents_the_tile_counts(demo_store):
    from safety.db import reports as sql
    from safety.db.indicators import overdue_investigations

    day = dt.date(2022, 1, 1)
    with demo_store.cursor() as cur:
        while day < dt.date(2026, 12, 31):
            _, steps, accidents = sql.overdue_steps(cur, day, 50)
            assert accidents == overdue_investigations(cur, [day])[0] and steps >= accidents, day
            day += dt.timedelta(days=23)


def test_causes_are_grouped_trimmed_and_the_unstated_counted(demo_store):
    with demo_store.transaction() as cur:
        ids = [
            r[0]
            for r in cur.execute(
                "SELECT id FROM incidents WHERE kind = 'accident' AND year(occurred_on) = ? ORDER BY id", [YEAR]
            ).fetchall()
        ]
        cur.execute("UPDATE incidents SET cause = '  неубранный РАЗЛИВ масла ' WHERE id = ?", [ids[0]])
        cur.execute("UPDATE incidents SET cause = NULL WHERE id IN (?, ?)", [ids[1], ids[2]])
        cur.execute("UPDATE incidents SET cause = '   ' WHERE id = ?", [ids[3]])
        expected = cur.execute(
            "SELECT lower(trim(cause)), count(*) FROM incidents WHERE kind = 'accident' AND year(occurred_on) = ? "
            "AND trim(cause) <> '' GROUP BY 1 ORDER BY 2 DESC, 1",
            [YEAR],
        ).fetchall()
        grouped = cur.execute(
            "SELECT count(DISTINCT accident_no) FROM incidents WHERE accident_no IS NOT NULL AND year(occurred_on) = ?",
            [YEAR],
        ).fetchall()[0][0]
    assert grouped == 0  # the demo's accidents are one person each: each case is one accident
    report = regional_report(demo_store, SYSTEM, YEAR, "ru")
    [causes] = [
        b for b in report.sections[SHEETS.index("risks")].blocks if isinstance(b, Table) and len(b.columns) == 2
    ]
    assert {cause.lower(): count for cause, count in causes.rows} == dict(expected[:10])
    assert [count for _, count in causes.rows] == sorted((count for _, count in causes.rows), reverse=True)
    assert "Неубранный разлив масла" in [cause for cause, _ in causes.rows]  # the spelling most cases use
    assert causes.note == say.causes_not_stated(3, "ru")


def test_red_ratings_are_those_of_each_enterprises_latest_assessment(demo_store):
    store = demo_store
    year = dt.date.today().year  # as of today: the card's last assessment is the report's latest
    report = regional_report(store, SYSTEM, year, "en")
    risks = report.sections[SHEETS.index("risks")]
    by_rule = next(b for b in risks.blocks if isinstance(b, Table) and len(b.columns) == 3)
    with store.cursor() as cur:
        bins = [r[0] for r in cur.execute("SELECT bin FROM enterprises WHERE active").fetchall()]
    total = sum(len(red_items(store, SYSTEM, bin_, "en")[1]) for bin_ in bins)
    assert sum(row[2] for row in by_rule.rows) == total > 0
    assert [row[2] for row in by_rule.rows] == sorted((row[2] for row in by_rule.rows), reverse=True)


def test_rule_scores_are_the_mean_of_the_latest_ones(world):
    store, _, _, _ = world
    year = dt.date.today().year
    report = regional_report(store, SYSTEM, year, "ru")
    rules = next(b for b in report.sections[1].blocks if isinstance(b, Table) and len(b.columns) == 5)
    latest = dashboard.heatmap(store, formulas.Scope(), "ru", limit=10_000)
    for rule_id, _, now, _, _ in rules.rows:
        scores = [r["score"] for r in latest if r["rule"] == rule_id and r["score"] is not None]
        assert now == pytest.approx(sum(scores) / len(scores))


@pytest.mark.parametrize("year", [2019, 2022, dt.date.today().year])
def test_years_without_data_the_year_before_still_make_a_report(demo_store, year):
    report = regional_report(demo_store, SYSTEM, year, "kk")
    assert len(report.sections) == len(SHEETS)
    for text in _texts(report):
        assert "report." not in text and "{" not in text


def test_an_empty_register_makes_a_report_that_says_so(store):
    report = regional_report(store, SYSTEM, YEAR, "ru")
    assert report.demo is False
    assert say.programme_sentence(YEAR, 0, 0, "ru") in report.paragraphs()
    for text in _texts(report):
        assert "report." not in text and "{" not in text


def test_working_days_late_are_counted_as_the_investigations_count_them():
    rng = random.Random(16)
    for _ in range(500):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
        dues = [day - dt.timedelta(days=rng.randint(1, 900)) for _ in range(3)]
        assert working_days_late(dues, day) == [-working_days_left(due, day) for due in dues]
    assert working_days_late([], dt.date(2026, 1, 1)) == []
    assert working_days_late([dt.date(2026, 11, 27)], dt.date(2026, 11, 28)) == [1]  # Friday's deadline on Saturday
