"""Both reports as files, in every language and both formats, read back: the acceptance checks of the reports.

The PDF's text (pypdf) holds the Kazakh letters, the sentence on Кч with the figure `metrics` gives, and the number
of enterprises in Vision Zero; the workbook's figures are the indicator functions' own, and none of its cells is a
formula."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from safety.access.roles import SYSTEM
from safety.db import Store
from safety.i18n import LANGUAGES, format_percent, t
from safety.indicators.formulas import change_pct, metrics, scope_for, yearly
from safety.indicators.programme import programme_summary
from safety.indicators.registry import INDICATORS
from safety.register.enterprises import list_enterprises
from safety.reports import sentences as say
from safety.reports.files import report_file

from conftest import sheet_table

YEAR = 2025
KAZAKH = set("әғқңөұүһі")


def _squeezed(text: str) -> str:
    """Text without any white space or soft hyphen: a PDF's lines break where the page did, not the sentence."""
    return re.sub(r"[\s\u00ad]+", "", text)


@pytest.fixture(scope="module")
def files(demo_db_file):
    """Every report file: (kind, language, format) -> bytes, built as the page and the command line build them."""
    found = {}
    with Store(demo_db_file) as store:
        card = list_enterprises(store, SYSTEM)[0].bin
        for lang in LANGUAGES:
            for fmt in ("pdf", "xlsx"):
                found["regional", lang, fmt] = report_file(store, SYSTEM, year=YEAR, lang=lang, fmt=fmt)[1]
                found["card", lang, fmt] = report_file(store, SYSTEM, year=YEAR, lang=lang, fmt=fmt, bin_=card)[1]
        yield store, card, found


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_regional_pdf_says_the_kch_change_as_metrics_computes_it_and_the_members(files, lang):
    store, _, found = files
    text = _squeezed(_text(found["regional", lang, "pdf"]))
    figures = metrics(store, SYSTEM, YEAR)
    sentence = say.change_sentence("kch", figures["kch"], figures["previous"]["kch"], lang)
    figure = format_percent(abs(figures["yoy_kch_pct"]), lang)  # «0,6 %»; Kazakh writes the number with «пайызға»
    assert (figure if lang != "kk" else figure.split("\u00a0")[0] + " пайызға") in sentence
    assert _squeezed(sentence) in text
    members = programme_summary(store, SYSTEM).enterprises
    assert _squeezed(say.programme_sentence(YEAR, members, 0, lang).split(".")[0]) in text
    assert _squeezed(t("report.demo_marker", lang)) in text  # the demo data says so
    if lang == "kk":
        assert KAZAKH - {"һ"} <= set(text)  # һ is rare in Kazakh words; every other letter is there


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_regional_workbook_holds_the_indicator_functions_figures_and_no_formula(files, lang):
    store, _, found = files
    data = found["regional", lang, "xlsx"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not [n for n in sheets if b"<f>" in archive.read(n) or b"<f " in archive.read(n)]
    book = load_workbook(io.BytesIO(data))
    assert not [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    rows = sheet_table(book[t("report.regional.sheet.indicators", lang)], t("report.regional.col.indicator", lang))
    shown = {row[0]: row for row in rows[1:]}
    now, before = (
        yearly(store, scope_for(store, SYSTEM), YEAR, YEAR)[0],
        yearly(store, scope_for(store, SYSTEM), YEAR - 1, YEAR - 1)[0],
    )
    for indicator in INDICATORS:
        _, _, this_year, last_year, change = shown[indicator.name(lang)]
        for cell, value in ((this_year, now[indicator.key]), (last_year, before[indicator.key])):
            assert cell == pytest.approx(value, rel=1e-12) if value is not None else cell is None, indicator.key
        expected = change_pct(now[indicator.key], before[indicator.key])
        assert change == pytest.approx(expected, rel=1e-12) if expected is not None else change is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_card_in_both_formats_names_the_enterprise_and_holds_its_figures(files, lang):
    store, card, found = files
    enterprise = next(e for e in list_enterprises(store, SYSTEM) if e.bin == card)
    text = _text(found["card", lang, "pdf"])
    assert enterprise.bin in text and _squeezed(enterprise.name(lang)) in _squeezed(text)
    if lang == "kk":
        assert len(KAZAKH & set(text)) >= 6
    book = load_workbook(io.BytesIO(found["card", lang, "xlsx"]))
    assert not [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    kch = yearly(store, scope_for(store, SYSTEM, bin_=card), YEAR, YEAR)[0]["kch"]
    numbers = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, (int, float))]
    assert kch is None or any(v == pytest.approx(kch, rel=1e-12) for v in numbers)
