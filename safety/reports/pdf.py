"""A report of the model as a PDF file: the first section opens page 1 under the report's title and scope, each
section marked `new_page` starts a page, tables write their values in the report's language, and charts are
drawn as images (consecutive ones side by side when their widths fit one row)."""

from __future__ import annotations

from safety.files.pdf import PdfDocument
from safety.i18n import t
from safety.reports.model import Block, Chart, Figures, Heading, Paragraph, Report, Table
from safety.reports.rendering import align, chart_pngs, format_cell, generated_text


def report_pdf(report: Report) -> bytes:
    """The report as the bytes of a PDF file in its language."""
    lang = report.lang
    pngs = chart_pngs(report)
    doc = PdfDocument(
        title=report.title,
        scope=report.scope,
        generated=generated_text(report),
        page_of=lambda page, pages: t("report.page_of", lang, page=page, pages=pages),
        demo=report.demo,
        demo_marker=t("report.demo_marker", lang),
        lang=lang,
    )
    doc.add_page()
    doc.heading(report.title, 0)
    if report.scope:
        doc.note(report.scope, 11)
    for number, section in enumerate(report.sections):
        if number and section.new_page:
            doc.add_page()
        doc.heading(section.title, 1)
        _blocks(doc, section.blocks, pngs, lang)
    return doc.pdf_bytes()


def _blocks(doc: PdfDocument, blocks: list[Block], pngs: dict[int, bytes], lang: str) -> None:
    """A section's blocks in order; charts that follow one another share a row while their widths add up to 1."""
    row: list[Chart] = []
    for block in blocks:
        if isinstance(block, Chart):
            if row and sum(c.width for c in row) + block.width > 1.0 + 1e-9:
                doc.pictures([(pngs[id(c.chart)], c.width) for c in row])
                row = []
            row.append(block)
            continue
        if row:
            doc.pictures([(pngs[id(c.chart)], c.width) for c in row])
            row = []
        if isinstance(block, Heading):
            doc.heading(block.text, 2)
        elif isinstance(block, Paragraph):
            doc.paragraph(block.text, lead=block.lead)
        elif isinstance(block, Figures):
            doc.figures(block.items)
        elif isinstance(block, Table):
            _table(doc, block, lang)
    if row:
        doc.pictures([(pngs[id(c.chart)], c.width) for c in row])


def _table(doc: PdfDocument, table: Table, lang: str) -> None:
    """A table with its values formatted for the language, numbers on the right."""
    columns = table.columns
    rows = [[format_cell(_at(row, i), c, lang) for i, c in enumerate(columns)] for row in table.rows]
    doc.data_table(
        [c.heading for c in columns],
        rows,
        widths=[c.width for c in columns],
        aligns=[align(c) for c in columns],
        title=table.title,
        note=table.note,
    )


def _at(row: tuple[object, ...], index: int) -> object:
    """A row's value in a column (None past a short row's end)."""
    return row[index] if index < len(row) else None
