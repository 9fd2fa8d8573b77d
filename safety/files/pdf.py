"""The one way the project writes PDF files (with fpdf2): A4 pages in the bundled DejaVu Sans, a header and a footer
on every page, headings, paragraphs, key-figure tiles, long tables and images.

Headless and language-free: every text, the header's and footer's too, comes from the caller already in its
language. No text ever runs out of its box: a table cell wraps to at most two lines and ends with «…» beyond, a
header line is shortened the same way.

Table cells are drawn with `FPDF.text` at positions worked out here from the font's own glyph widths, not with
`FPDF.cell`: a cell() call goes through fpdf2's whole text machinery (markdown, fragments, bidi) and costs about
a tenth of a millisecond, which a table of 10,000 rows × 7 columns pays 70,000 times (6 to 9 seconds); text()
writes the same glyphs in a fifth of that time.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image

from safety.files.writer import is_dark, rgb

FONT_DIR = Path(__file__).parents[1] / "fonts"  # safety/fonts
FONT = "DejaVu"
ELLIPSIS = "\u2026"
MARGIN = 15.0  # mm, left and right
BOTTOM = 18.0  # mm kept free above the page's bottom edge for the footer
TEXT = (33, 33, 33)
GREY = (110, 110, 110)
RULE = (190, 190, 190)
HEADER_FILL = (221, 235, 247)  # the workbooks' heading fill (safety/files/writer.py)
ZEBRA_FILL = (244, 246, 248)
DEMO_FILL = (253, 236, 234)
DEMO_TEXT = (183, 28, 28)
TILE_BORDER = (200, 205, 210)
HEADING_FLOOR = 7.0  # pt: a table heading's size at which each of its words must fit its column
HEADING_SIZES = {0: 20.0, 1: 15.0, 2: 12.0, 3: 10.5}
TABLE_SIZE = 8.0  # pt
CELL_PAD = 1.2  # mm, left and right of a cell's text
ROW_PAD = 0.9  # mm, above and below it
PICTURE_GAP = 4.0  # mm between images side by side
LINE = 1.25  # a line's height as a share of the font's size
SMALLEST = 6.0  # pt: a table's text is never written smaller
WIDTHS_KEPT = 200_000  # measured texts remembered


# Where a line may break: spaces and line breaks, never a no-break space (U+00A0, U+202F: «1 234», «5 %»).
_BREAKS = re.compile(r"[ \t\n\r\f\v\u2028\u2029]+")


def mm(points: float) -> float:
    """A length in points as millimetres."""
    return points * 25.4 / 72


class PdfDocument(FPDF):
    """An A4 portrait document in DejaVu Sans whose every page carries `title` · `scope` and, when `demo` is set,
    `demo_marker` at the top, and `generated` with the page's number (`page_of(page, pages)`) at the bottom."""

    def __init__(
        self,
        title: str,
        scope: str,
        generated: str,
        page_of: Callable[[str, str], str],
        demo: bool = False,
        demo_marker: str = "",
        lang: str = "",
    ) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._widths: dict[tuple[str, float, str], float] = {}  # texts measured: a table repeats many values
        self.report_title, self.scope, self.generated = title, scope, generated
        self.page_of, self.demo, self.demo_marker = page_of, demo, demo_marker
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, 24.0 if demo else 17.0, MARGIN)
        self.set_auto_page_break(True, BOTTOM)
        self.alias_nb_pages()
        self.set_title(title)
        self.set_creator("Vision Zero Tracker")
        if lang:
            self.set_lang(lang)
        self.set_font(FONT, "", 10)

    # --- every page

    def header(self) -> None:
        """The report's title and scope in one small grey line, and the demo marker in a tinted band."""
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        line = " · ".join(part for part in (self.report_title, self.scope) if part)
        self.set_xy(self.l_margin, 8)
        self.cell(self.epw, 4, self.fit_line(line, self.epw - 2 * self.c_margin), align="L")
        if self.demo:
            self.set_font(FONT, "B", 8.5)
            self.set_fill_color(*DEMO_FILL)
            self.set_text_color(*DEMO_TEXT)
            self.set_xy(self.l_margin, 13)
            marker = self.fit_line(self.demo_marker, self.epw - 2 * self.c_margin)
            self.cell(self.epw, 6, marker, align="C", fill=True)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        rule_y = 20.5 if self.demo else 13.5
        self.line(self.l_margin, rule_y, self.w - self.r_margin, rule_y)
        self.set_text_color(*TEXT)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        """Who generated the report and when on the left, the page's number of all on the right."""
        y = self.h - BOTTOM + 6
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, y - 1.5, self.w - self.r_margin, y - 1.5)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        pages = self.page_of(str(self.page_no()), self.str_alias_nb_pages or "")
        right = self.get_string_width(pages) + 2 * self.c_margin + 2
        self.set_xy(self.l_margin, y)
        self.cell(self.epw - right, 4, self.fit_line(self.generated, self.epw - right - 2 * self.c_margin))
        self.set_xy(self.w - self.r_margin - right, y)
        self.cell(right, 4, pages, align="R")
        self.set_text_color(*TEXT)

    # --- blocks

    def heading(self, text: str, level: int = 1, keep: float = 18.0) -> None:
        """A bold heading (level 0 the document's title, 1 a section's, 2 and 3 smaller), never alone at a page's
        foot: on a new page unless `keep` mm of what follows fit below it."""
        size = HEADING_SIZES.get(level, HEADING_SIZES[3])
        self.set_font(FONT, "B", size)
        self.set_text_color(*TEXT)
        height = mm(size) * LINE
        lines = len(self.fit_lines(text, self.epw - 2 * self.c_margin, 10))
        space_before = height * 0.6 if self._below_top() else 0.0
        self._keep(space_before + height * lines + keep)
        if self._below_top():  # no space above a heading at a page's top
            self.ln(space_before)
        self.set_x(self.l_margin)
        self.multi_cell(self.epw, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(height * 0.3)

    def paragraph(self, text: str, lead: bool = False) -> None:
        """Wrapped text; a `lead` one bigger and bold."""
        size = 11.0 if lead else 9.5
        self.set_font(FONT, "B" if lead else "", size)
        self.set_text_color(*TEXT)
        self.set_x(self.l_margin)
        self.multi_cell(self.epw, mm(size) * 1.4, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(mm(size) * 0.6)

    def note(self, text: str, size: float = 8.0) -> None:
        """Small grey wrapped text: a scope under a title, a table's note."""
        self.set_font(FONT, "", size)
        self.set_text_color(*GREY)
        self.set_x(self.l_margin)
        self.multi_cell(self.epw, mm(size) * 1.4, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*TEXT)
        self.ln(mm(size) * 0.5)

    def figures(self, items: Sequence[tuple[str, str, str]]) -> None:
        """Key figures as boxed tiles, three or four a row: each its label (up to two lines), its value and its
        change."""
        if not items:
            return
        per_row = 3 if len(items) in (3, 5, 6, 9) else 4
        gap, height = 3.0, 24.0
        width = (self.epw - gap * (per_row - 1)) / per_row
        inner = width - 2 * CELL_PAD - 1
        for start in range(0, len(items), per_row):
            self._keep(height + gap)
            top = self.y
            for i, (label, value, change) in enumerate(items[start : start + per_row]):
                x = self.l_margin + i * (width + gap)
                self.set_draw_color(*TILE_BORDER)
                self.set_line_width(0.3)
                self.rect(x, top, width, height)
                self.set_text_color(*GREY)
                self._lines(x + CELL_PAD + 0.5, top + 1.5, inner, label, "", 7.5, 2)
                self.set_text_color(*TEXT)
                self._lines(x + CELL_PAD + 0.5, top + 10.0, inner, value, "B", 14.0, 1)
                if change:
                    self._lines(x + CELL_PAD + 0.5, top + 17.5, inner, change, "", 8.0, 1)
            self.set_xy(self.l_margin, top + height + gap)
        self.ln(1)

    def data_table(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float] | None = None,
        aligns: Sequence[str] | None = None,
        title: str = "",
        note: str = "",
        zebra: bool = True,
        fills: Sequence[Sequence[str | None]] = (),
    ) -> None:
        """A table of texts already formatted: columns share the page's width by `widths` (relative), each aligned
        'L' or 'R'; its heading row comes again at the top of every page it runs on; a cell wraps to two lines at
        most and ends with «…» beyond. `fills` colours cells ("#rrggbb", row by row), their text white on a dark
        colour."""
        count = len(headings)
        shares = list(widths or [1.0] * count)
        total = sum(shares) or 1.0
        cols = self._room_for_headings([str(h) for h in headings], [self.epw * share / total for share in shares])
        lefts = [self.l_margin + sum(cols[:i]) for i in range(count)]
        aligns = list(aligns or ["L"] * count)
        line = mm(TABLE_SIZE) * LINE
        if title:
            self.set_font(FONT, "B", 10)
            self._keep(mm(10) * 1.6 + 2 * line + 4 * ROW_PAD + 2 * line)
            self.set_x(self.l_margin)
            self.multi_cell(self.epw, mm(10) * 1.5, title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(0.5)
        head_size = self._heading_size([str(h) for h in headings], cols)
        self.set_font(FONT, "B", head_size)
        head = [self.fit_lines(str(h), w - 2 * CELL_PAD, 3) for h, w in zip(headings, cols, strict=True)]
        head_height = max((len(lines) for lines in head), default=1) * mm(head_size) * LINE + 2 * ROW_PAD
        self._keep(head_height + line + 2 * ROW_PAD)
        self._table_head(head, lefts, cols, aligns, head_height)
        self._body_style()
        bottom = self.page_break_trigger
        y = self.y
        for number, row in enumerate(rows):
            cells = [self._cell(str(v), w - 2 * CELL_PAD) for v, w in zip(row, cols, strict=True)]
            height = max((len(lines) for lines, _ in cells), default=1) * line + 2 * ROW_PAD
            if y + height > bottom:
                self.add_page()
                self.set_font(FONT, "B", head_size)
                self._table_head(head, lefts, cols, aligns, head_height)
                self._body_style()
                y = self.y
            if zebra and number % 2:
                self.set_fill_color(*ZEBRA_FILL)
                self.rect(self.l_margin, y, self.epw, height, style="F")
                self.set_fill_color(*TEXT)
            shades = fills[number] if number < len(fills) else ()
            for column, ((lines, size), left, width, align) in enumerate(zip(cells, lefts, cols, aligns, strict=True)):
                shade = shades[column] if column < len(shades) else None
                if shade:
                    self._shade(shade, left, y, width, height)
                if size == TABLE_SIZE:
                    self._cell_lines(lines, left, width, align, y, line)
                else:
                    self.set_font(FONT, "", size)
                    self._cell_lines(lines, left, width, align, y, line)
                    self.set_font(FONT, "", TABLE_SIZE)
                if shade:
                    self._body_style()
            y += height
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, y, self.l_margin + self.epw, y)
        self.set_xy(self.l_margin, y + 1.5)
        if note:
            self.note(note, 7.5)
        self.ln(2)

    def picture(self, png: bytes, width: float = 1.0) -> None:
        """A PNG image `width` of the page's text width wide (at most a page tall), its aspect kept; on a new page
        when it does not fit on this one."""
        self.pictures([(png, width)])

    def pictures(self, items: Sequence[tuple[bytes, float]]) -> None:
        """PNG images side by side in one row, each (png, share of the text width) with its aspect kept (shares
        adding up to more than 1 are scaled down, and the row to at most a page's height); on a new page when the
        row does not fit on this one."""
        if not items:
            return
        sizes = self._picture_sizes(items)
        tallest = max(h for _, h in sizes)
        if self.y + tallest > self.page_break_trigger:
            self.add_page()
        x = self.l_margin
        for (png, _), (w, h) in zip(items, sizes, strict=True):
            self.image(io.BytesIO(png), x=x, y=self.y, w=w, h=h)
            x += w + PICTURE_GAP
        self.set_xy(self.l_margin, self.y + tallest + 3)

    def pictures_height(self, items: Sequence[tuple[bytes, float]]) -> float:
        """How tall `pictures(items)` would be, in mm (to keep a heading with them)."""
        return max((h for _, h in self._picture_sizes(items)), default=0.0) + 3

    def _picture_sizes(self, items: Sequence[tuple[bytes, float]]) -> list[tuple[float, float]]:
        """Each image's (width, height) in mm in a row of them (see pictures)."""
        room = self.epw - PICTURE_GAP * (len(items) - 1)
        shares = [max(0.05, min(width, 1.0)) for _, width in items]
        scale = min(1.0, room / (self.epw * sum(shares)))
        sizes = []
        for (png, _), share in zip(items, shares, strict=True):
            with Image.open(io.BytesIO(png)) as picture:
                pixels_wide, pixels_high = picture.size
            w = self.epw * share * scale
            sizes.append((w, w * pixels_high / pixels_wide))
        tallest = max(h for _, h in sizes)
        page = self.page_break_trigger - self.t_margin
        if tallest > page:
            sizes = [(w * page / tallest, h * page / tallest) for w, h in sizes]
        return sizes

    def pdf_bytes(self) -> bytes:
        """The finished document as bytes."""
        return bytes(self.output())

    # --- text that fits

    def text_width(self, text: str) -> float:
        """The width of a text in the current font and size, in mm (straight from the glyphs' widths)."""
        font = self.current_font
        assert font is not None
        key = (font.fontkey, self.font_size_pt, text)
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) > WIDTHS_KEPT:
                self._widths.clear()
            width = self._widths[key] = float(font.get_text_width(text, self.font_size_pt, None)[1]) / self.k
        return width

    def fit_line(self, text: str, width: float) -> str:
        """The text on one line of `width` mm in the current font, shortened with «…» when it is longer."""
        return self.fit_lines(text, width, 1)[0]

    def fit_lines(self, text: str, width: float, max_lines: int) -> list[str]:
        """The text wrapped at spaces (a word too long for a line broken anywhere) into at most `max_lines` lines of
        `width` mm in the current font, the last shortened with «…» when the text goes on."""
        if "\n" not in text and self.text_width(text) <= width:
            return [text]
        lines: list[str] = []
        rest = [word for word in _BREAKS.split(text) if word]
        while rest:
            if len(lines) >= max_lines - 1:  # the last line: all that is left, shortened if need be
                tail = " ".join(rest)
                if self.text_width(tail) > width:
                    tail = tail[: self._fitting_prefix(tail, width - self.text_width(ELLIPSIS))].rstrip() + ELLIPSIS
                lines.append(tail)
                break
            taken, current = 0, ""
            for word in rest:
                candidate = f"{current} {word}" if current else word
                if self.text_width(candidate) > width:
                    break
                taken, current = taken + 1, candidate
            if taken:
                lines.append(current)
                rest = rest[taken:]
            else:  # a word longer than the line: broken where the line ends
                cut = self._fitting_prefix(rest[0], width)
                lines.append(rest[0][:cut])
                rest = [rest[0][cut:], *rest[1:]]
        return lines or [""]

    def _fitting_prefix(self, text: str, width: float) -> int:
        """How many of the text's first characters fit `width` mm (at least one, so a line is never empty)."""
        low, high = 1, len(text)
        while low < high:  # the longest prefix that fits, by halving
            middle = (low + high + 1) // 2
            if self.text_width(text[:middle]) <= width:
                low = middle
            else:
                high = middle - 1
        return low

    # --- pieces

    def _keep(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one."""
        if self.y + height > self.page_break_trigger and self._below_top():
            self.add_page()

    def _below_top(self) -> bool:
        """Whether something is already on this page (the position is below the top margin)."""
        return self.y > self.t_margin + 0.01

    def _lines(self, x: float, y: float, width: float, text: str, style: str, size: float, max_lines: int) -> None:
        """Text at (x, y) in lines that fit `width` (at most `max_lines`), in the given style and size."""
        self.set_font(FONT, style, size)
        line = mm(size) * LINE
        for i, part in enumerate(self.fit_lines(text, width, max_lines)):
            self.text(x, y + i * line + 0.5 * line + 0.3 * mm(size), part)

    def _cell(self, text: str, width: float) -> tuple[list[str], float]:
        """A body cell's lines and font size: its text wrapped (see fit_lines), or one word that does not fit
        written smaller, so a number or an identifier is never broken while a size from 6 pt up holds it."""
        lines = self.fit_lines(text, width, 2)
        if len(lines) == 1 or _BREAKS.search(text.strip()):
            return lines, TABLE_SIZE
        size = TABLE_SIZE
        while size > SMALLEST:
            size -= 0.5
            self.set_font(FONT, "", size)
            if self.text_width(text) <= width:
                self.set_font(FONT, "", TABLE_SIZE)
                return [text], size
        self.set_font(FONT, "", TABLE_SIZE)
        return lines, TABLE_SIZE

    def _room_for_headings(self, headings: list[str], cols: list[float]) -> list[float]:
        """The columns' widths with room for each heading's longest word at the heading size (so no word is broken
        in two, «Пострад / авшие»): a narrow column takes what it lacks from the columns that have width to spare
        over their own longest word, in proportion to it."""
        self.set_font(FONT, "B", HEADING_FLOOR)
        needed = [max((self.text_width(w) for w in h.split()), default=0.0) + 2 * CELL_PAD for h in headings]
        lacking = sum(max(0.0, n - c) for n, c in zip(needed, cols, strict=True))
        spare = [max(0.0, c - n) for n, c in zip(needed, cols, strict=True)]
        if lacking == 0 or sum(spare) < lacking:
            return cols
        taken = lacking / sum(spare)
        return [max(n, c - s * taken) if n > c else c - s * taken for n, c, s in zip(needed, cols, spare, strict=True)]

    def _heading_size(self, headings: list[str], cols: list[float]) -> float:
        """The size of a table's headings (bold) at which each of their words fits its column, down to 6 pt."""
        size = TABLE_SIZE
        while size > SMALLEST:
            self.set_font(FONT, "B", size)
            if all(
                self.text_width(w) <= c - 2 * CELL_PAD for h, c in zip(headings, cols, strict=True) for w in h.split()
            ):
                break
            size -= 0.5
        return size

    def _table_head(
        self, head: list[list[str]], lefts: list[float], cols: list[float], aligns: list[str], height: float
    ) -> None:
        """The table's heading row (the current font bold) at the current position, filled, a rule below."""
        y = self.y
        self.set_fill_color(*HEADER_FILL)
        self.rect(self.l_margin, y, self.epw, height, style="F")
        self.set_text_color(*TEXT)
        line = mm(self.font_size_pt) * LINE
        for lines, left, width, align in zip(head, lefts, cols, aligns, strict=True):
            self._cell_lines(lines, left, width, align, y, line)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, y + height, self.l_margin + self.epw, y + height)
        self.set_xy(self.l_margin, y + height)

    def _shade(self, colour: str, left: float, top: float, width: float, height: float) -> None:
        """Fill a cell with `colour` ("#rrggbb") and write its text white on a dark one, dark on a light one."""
        self.set_fill_color(*rgb(colour))
        self.rect(left, top, width, height, style="F")
        ink = (255, 255, 255) if is_dark(colour) else TEXT
        self.set_text_color(*ink)
        self.set_fill_color(*ink)

    def _body_style(self) -> None:
        """The table body's font and colours; the fill colour is the text's, so text() sets no colour of its own."""
        self.set_font(FONT, "", TABLE_SIZE)
        self.set_text_color(*TEXT)
        self.set_fill_color(*TEXT)

    def _cell_lines(self, lines: list[str], left: float, width: float, align: str, top: float, line: float) -> None:
        """A cell's lines (already fitting) in the current font, `line` mm apart from `top`, aligned 'L' or 'R'."""
        lift = 0.5 * line + 0.3 * self.font_size  # from a line's top to its baseline, as fpdf2's cell() places it
        for i, part in enumerate(lines):
            if part:
                x = left + CELL_PAD if align != "R" else left + width - CELL_PAD - self.text_width(part)
                self.text(x, top + ROW_PAD + i * line + lift, part)
