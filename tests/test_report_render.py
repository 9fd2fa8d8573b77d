"""The report model's two renderers (safety/reports/pdf.py, safety/reports/xlsx.py) and the PDF writer under them
(safety/files/pdf.py), on a report built here with every kind of block, a table long enough to run over pages and
a chart, in each language: what a manager reads in the PDF and what the workbook holds."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from safety.files.pdf import ELLIPSIS, PdfDocument
from safety.i18n import format_change, format_number, t
from safety.indicators import charts
from safety.indicators.charts import sheet_title
from safety.reports.model import Chart, Column, Figures, Heading, Paragraph, Report, Section, Table
from safety.reports.pdf import report_pdf
from safety.reports.rendering import CHANGE_FORMAT, chart_pngs
from safety.reports.xlsx import report_xlsx

LANGS = ("ru", "kk", "en")
KAZAKH_LETTERS = "әғқңөұүһі"
ROWS = 120
HOSTILE = "=1+1"
# Words of each language for the synthetic report: a heading of the long table (one word, so it reads back
# whole), its first column's names, and a sentence.
WORDS = {
    "ru": (
        "Предприятие",
        "ТОО «Южный цех №{n}»",
        "Уровень травматизма снизился по сравнению с прошлым годом, отчёт ниже.",
    ),
    "kk": (
        "Кәсіпорын",
        "«Оңтүстік цех №{n}» ЖШС",
        "Өндірістегі жарақаттану деңгейі төмендеді; ұйымдар ғылыми және жаһандық тәжірибені үйренді.",
    ),
    "en": ("Enterprise", "South Works No. {n} LLP", "The injury rate fell compared with the year before."),
}
COLUMNS = (
    ("name", "text", 0, 3.0),
    ("workers", "count", 0, 1.2),
    ("hours", "number", 1, 1.4),
    ("kch", "number", 2, 1.0),
    ("change", "change", 0, 1.2),
    ("score", "score", 0, 1.0),
    ("assessed", "date", 0, 1.6),
)


def long_name(lang: str, n: int) -> str:
    """An enterprise's name; every seventh is far too long for its cell."""
    name = WORDS[lang][1].format(n=n)
    return name + (" — " + WORDS[lang][2]) * 2 if n % 7 == 3 else name


def table_rows(lang: str) -> list[tuple[Any, ...]]:
    """The long table's typed rows: whole numbers, decimals, changes, scores, dates, and gaps (None)."""
    rows: list[tuple[Any, ...]] = [
        (
            long_name(lang, n),
            1000 + 17 * n,
            1234.5 if n == 0 else 2000.25 * n,
            0.84 + n / 100,
            -22.68 + n * 0.5,
            60 + n % 40 + 0.25,
            dt.date(2025, 1, 1) + dt.timedelta(days=n),
        )
        for n in range(ROWS)
    ]
    rows[5] = (long_name(lang, 5), None, None, None, None, None, None)
    rows[6] = (None, 7, 1.5, 0.5, 0.0, 50.0, dt.date(2025, 2, 2))
    rows.append((HOSTILE, 1, 2.0, 3.0, 4.0, 5.0, dt.date(2025, 5, 5)))
    return rows


def build_report(lang: str) -> Report:
    """A report of three sections: every block kind, a chart shown twice, and a table that runs over pages."""
    years = [
        {"year": y, "kch": 0.6 + (y % 3) / 10, "kt": 18 + y % 4, "yoy_kch_pct": -5.5, "yoy_kt_pct": 3.2}
        for y in range(2022, 2026)
    ]
    chart = charts.figure(charts.yearly_chart(years, lang))
    heading, _, sentence = WORDS[lang]
    columns = tuple(
        Column(heading if key == "name" else f"{key}", kind, digits, width) for key, kind, digits, width in COLUMNS
    )
    summary = Section(
        "Summary",
        "Summary",
        [
            Paragraph(sentence, lead=True),
            Paragraph(sentence + " " + sentence),
            Figures((("Кч", "0,84", "−23,0 %"), ("Кт", "15,0", ""), ("LTIFR", "1,2", "+6,6 %"))),
            Chart(chart, "yearly", 0.5),
            Chart(chart, "yearly_again", 0.5),
        ],
    )
    table = Section(
        "Enterprises",
        "Enterprises: [all]",  # a sheet title Excel refuses as it stands
        [
            Heading("List"),
            Table(columns, table_rows(lang), title="All enterprises", note="Note below."),
            Chart(chart, "y"),
        ],
    )
    tail = Section("After", "After", [Paragraph(sentence)], new_page=False)
    return Report(
        title="Vision Zero",
        scope="Zhambyl · 2025",
        lang=lang,
        generated_by="Admin",
        generated_at=dt.datetime(2026, 3, 4, 10, 5),
        demo=True,
        sections=[summary, table, tail],
        file_stem="report",
    )


@pytest.fixture(scope="module", params=LANGS)
def rendered(request: pytest.FixtureRequest) -> tuple[Report, list[str], Any]:
    """A report in one language: the model, each page's text of its PDF, and its workbook read back."""
    report = build_report(request.param)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(report))).pages]
    data = report_xlsx(report)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        formulas = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and b"<f>" in archive.read(n)]
    assert formulas == []
    return report, pages, load_workbook(io.BytesIO(data))


# --- the PDF


def test_every_page_says_demo_and_its_number_of_all(rendered):
    report, pages, _ = rendered
    marker = t("report.demo_marker", report.lang)
    assert len(pages) >= 4  # the long table runs over pages
    for number, text in enumerate(pages, start=1):
        assert marker in text
        assert t("report.page_of", report.lang, page=number, pages=len(pages)) in text
        assert report.title in text


def test_the_long_table_repeats_its_heading_on_its_next_page(rendered):
    report, pages, _ = rendered
    heading, _, _ = WORDS[report.lang]
    first = next(i for i, text in enumerate(pages) if long_name(report.lang, 0) in text)
    assert long_name(report.lang, ROWS - 1) not in pages[first]
    later = pages[first + 1]
    name_start = WORDS[report.lang][1].split("{")[0]
    assert name_start in later and heading in later
    assert later.index(heading) < later.index(name_start)  # the heading row comes before the rows


def test_values_are_written_as_the_language_writes_them(rendered):
    report, pages, _ = rendered
    text = "\n".join(pages)
    lang = report.lang
    assert format_number(1234.5, lang, 1) in text  # «1 234,5» with a no-break space in ru and kk
    assert ("1\u00a0234,5" if lang != "en" else "1,234.5") in text
    assert format_change(-22.68, lang) in text and format_change(-22.68, lang).startswith("\u2212")
    assert format_change(0.32, lang) in text and format_change(0.32, lang).startswith("+")
    assert format_number(1000, lang) in text  # a count
    assert HOSTILE in text
    assert "None" not in text and "nan" not in text


def test_text_too_long_for_its_cell_ends_with_an_ellipsis_after_two_lines(rendered):
    report, pages, _ = rendered
    text = "\n".join(pages)
    assert ELLIPSIS in text
    assert WORDS[report.lang][2] + " — " + WORDS[report.lang][2] not in text  # never written whole in its cell


def test_the_letters_of_the_language_come_through(rendered):
    report, pages, _ = rendered
    text = "\n".join(pages)
    letters = KAZAKH_LETTERS if report.lang == "kk" else {"ru": "жюыцё", "en": "abcdefy"}[report.lang]
    assert all(letter in text for letter in letters)


# --- the workbook


def test_one_sheet_per_section_with_the_header_line(rendered):
    report, _, book = rendered
    used: set[str] = set()
    assert book.sheetnames == [sheet_title(s.sheet, used) for s in report.sections]
    for sheet, section in zip(book.worksheets, report.sections, strict=True):
        assert sheet["A1"].value == section.title and sheet["A1"].font.b
        assert t("report.demo_marker", report.lang) in sheet["A2"].value
        assert report.scope in sheet["A2"].value


def test_table_values_are_typed_and_formatted_by_their_kind(rendered):
    report, _, book = rendered
    sheet = book.worksheets[1]
    table = report.tables()[0]
    header = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == table.columns[0].heading)
    assert sheet.cell(header, 1).font.b and sheet.cell(header, 1).fill.fgColor.rgb.endswith("DDEBF7")
    assert sheet.freeze_panes == f"A{header + 1}"
    formats = {"count": "#,##0", "score": "0.0", "date": "DD.MM.YYYY", "change": CHANGE_FORMAT}
    for offset, row in enumerate(table.rows, start=1):
        for col, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            cell = sheet.cell(header + offset, col)
            if value is None:
                assert cell.value is None, (offset, col)
            elif isinstance(value, dt.date):
                assert cell.value.date() == value and cell.number_format == "DD.MM.YYYY"
            elif isinstance(value, str):
                assert cell.value == value and cell.data_type == "s"
            else:
                # a number, not its text; a float to the 15 significant digits Excel holds (openpyxl writes no more)
                assert isinstance(cell.value, int | float) and cell.value == pytest.approx(value, rel=1e-14)
                expected = formats.get(column.kind, "#,##0" + ("." + "0" * column.digits if column.digits else ""))
                assert cell.number_format == expected


def test_nothing_in_the_workbook_is_a_formula(rendered):
    _, _, book = rendered
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    hostile = [c for c in cells if c.value == HOSTILE]
    assert len(hostile) == 1 and hostile[0].data_type == "s" and hostile[0].quotePrefix
    assert not [c for c in cells if isinstance(c.value, str) and c.value in ("None", "nan")]


def test_charts_are_images_on_their_sheets(rendered):
    report, _, book = rendered
    assert [len(sheet._images) for sheet in book.worksheets] == [2, 1, 0]
    assert len(chart_pngs(report)) == 1  # one Figure shown three times is drawn once


# --- the writer itself


def document() -> PdfDocument:
    """An empty document with one page."""
    doc = PdfDocument("T", "S", "G", lambda page, pages: f"{page}/{pages}")
    doc.add_page()
    doc.set_font("DejaVu", "", 8)
    return doc


@pytest.mark.parametrize(
    "text",
    [
        "Короткий",
        "Очень длинное название предприятия, которое никак не помещается в одну узкую колонку таблицы",
        "Сверхдлинноеслово" * 6,
        "",
        "ұзын сөз " * 30,
    ],
)
def test_a_cell_wraps_to_two_lines_at_most_and_no_line_is_wider_than_its_cell(text):
    doc = document()
    lines = doc.fit_lines(text, 30.0, 2)
    assert 1 <= len(lines) <= 2
    assert all(doc.text_width(line) <= 30.0 for line in lines)
    joined = " ".join(lines)
    if doc.text_width(text) <= 30.0:
        assert lines == [text]
    elif len(text.split()) > 1 and not joined.endswith(ELLIPSIS):
        assert joined == " ".join(text.split())


def test_the_header_line_is_shortened_with_an_ellipsis():
    doc = document()
    line = doc.fit_line("Отчёт " * 80, 100.0)
    assert line.endswith(ELLIPSIS) and doc.text_width(line) <= 100.0


def test_a_chart_is_drawn_once_for_every_report_that_shows_what_it_draws(monkeypatch):
    from safety.reports import rendering

    drawn: list[object] = []
    monkeypatch.setattr(rendering, "chart_png", lambda chart, scale: drawn.append(chart) or b"png")
    rendering.forget_drawn()
    report = build_report("en")
    first, again = chart_pngs(report), chart_pngs(report)
    assert first == again and len(drawn) == 1
    assert chart_pngs(build_report("en")) and len(drawn) == 1  # new Figures of the same spec and data
    spec = Chart({"mark": "bar"}, "spec")  # a whole spec, kept the same way
    report.sections[0].blocks.append(spec)
    chart_pngs(report)
    chart_pngs(report)
    assert len(drawn) == 2
    chart_pngs(build_report("kk"))  # other words, other data: drawn
    assert len(drawn) == 3


def test_a_number_or_date_too_wide_for_its_cell_is_written_smaller_not_broken():
    doc = document()
    value = "2025\u00a0ж.\u00a016\u00a0қар."  # a date as the Kazakh table writes it, no-break spaces inside
    number = "+1\u00a0297,2\u00a0%"
    doc.data_table(["A", "B", "C"], [["x", value, number]], widths=[6.0, 1.0, 0.75], aligns=["L", "R", "R"])
    text = PdfReader(io.BytesIO(doc.pdf_bytes())).pages[0].extract_text()
    assert value in text and number in text


@pytest.mark.parametrize("lang", LANGS)
def test_a_table_of_indicators_writes_each_row_with_its_own_decimals(lang):
    columns = (Column("Indicator", width=3), Column("2025", "number"), Column("Change", "change", 1))
    rows = [("Кч", 0.7512, -23.04), ("Кч.см", 0.04412, None), ("Injured", 17, 10.0)]
    table = Table(columns, rows, row_digits=(2, 3, 0))
    report = Report("T", "S", lang, "A", dt.datetime(2026, 3, 4), False, [Section("One", "One", [table])], "t")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(report))).pages)
    for value, digits in ((0.7512, 2), (0.04412, 3), (17, 0)):
        assert format_number(value, lang, digits).replace(" ", "\u00a0") in text.replace(" ", "\u00a0")
    sheet = load_workbook(io.BytesIO(report_xlsx(report)))["One"]
    found = {row[0].value: row[1] for row in sheet.iter_rows() if row[0].value in ("Кч", "Кч.см", "Injured")}
    assert found["Кч"].value == 0.7512 and found["Кч"].number_format == "#,##0.00"
    assert found["Кч.см"].number_format == "#,##0.000" and found["Injured"].number_format == "#,##0"


def test_coloured_cells_keep_their_colour_and_read_white_on_a_dark_one():
    columns = (Column("Enterprise", width=3), Column("R1", "score"), Column("R2", "score"))
    table = Table(columns, [("A", 42.0, 91.5)], fills=((None, "#c62828", "#f9a825"),))
    report = Report("T", "S", "ru", "A", dt.datetime(2026, 3, 4), False, [Section("Heat", "Heat", [table])], "t")
    assert report_pdf(report).startswith(b"%PDF")
    sheet = load_workbook(io.BytesIO(report_xlsx(report)))["Heat"]
    [row] = [r for r in sheet.iter_rows() if r[0].value == "A"]
    assert (
        row[1].value == 42.0 and row[1].fill.fgColor.rgb.endswith("C62828") and row[1].font.color.rgb.endswith("FFFFFF")
    )
    assert row[2].fill.fgColor.rgb.endswith("F9A825") and (
        row[2].font.color is None or row[2].font.color.rgb != "FFFFFFFF"
    )
    assert row[0].fill.fill_type is None
