"""A report of the model as a PDF file: the first section opens page 1 under the report's title and scope, each
section marked `new_page` starts a page, tables write their values in the report's language, and charts are
drawn as images (consecutive ones side by side when their widths fit one row)."""

from __future__ import annotations

from safety.files.pdf import PdfDocument
from safety.i18n import t
from safety.reports.model import Block, Chart, Column, Figures, Heading, Paragraph, Report, Table
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
    """A section's blocks in order; a heading stays on the page of the charts or table under it."""
    units = _units(blocks, pngs)
    for number, unit in enumerate(units):
        if isinstance(unit, list):
            doc.pictures(unit)
        elif isinstance(unit, Heading):
            after = units[number + 1] if number + 1 < len(units) else None
            keep = doc.pictures_height(after) if isinstance(after, list) else 18.0
            doc.heading(unit.text, 2, keep=min(keep, 150.0))
        elif isinstance(unit, Paragraph):
            doc.paragraph(unit.text, lead=unit.lead)
        elif isinstance(unit, Figures):
            doc.figures(unit.items)
        elif isinstance(unit, Table):
            _table(doc, unit, lang)


def _units(blocks: list[Block], pngs: dict[int, bytes]) -> list[Block | list[tuple[bytes, float]]]:
    """The blocks with each run of charts made rows of (png, width): side by side while their widths add up to 1."""
    units: list[Block | list[tuple[bytes, float]]] = []
    row: list[tuple[bytes, float]] = []
    for block in blocks:
        if isinstance(block, Chart) and (not row or sum(w for _, w in row) + block.width <= 1.0 + 1e-9):
            row.append((pngs[id(block.chart)], block.width))
            continue
        if row:
            units.append(row)
            row = []
        if isinstance(block, Chart):
            row.append((pngs[id(block.chart)], block.width))
        else:
            units.append(block)
    if row:
        units.append(row)
    return units


def _table(doc: PdfDocument, table: Table, lang: str) -> None:
    """A table with its values formatted for the language, numbers on the right."""
    columns = table.columns
    rows = [
        [_written(_at(row, i), table.column_in_row(c, r), lang) for i, c in enumerate(columns)]
        for r, row in enumerate(table.rows)
    ]
    doc.data_table(
        [c.heading for c in columns],
        rows,
        widths=[c.width for c in columns],
        aligns=[align(c) for c in columns],
        title=table.title,
        note=table.note,
        fills=table.fills,
    )


def _at(row: tuple[object, ...], index: int) -> object:
    """A row's value in a column (None past a short row's end)."""
    return row[index] if index < len(row) else None


def _written(value: object, column: Column, lang: str) -> str:
    """A value as the table shows it; a number, change or date is one unbreakable word (no-break spaces), so a
    narrow cell writes it smaller rather than over two lines («2025 ж.» / «16 қар.»)."""
    text = format_cell(value, column, lang)
    return text if column.kind == "text" else text.replace(" ", "\u00a0")
