"""A notice (通报) as a Word document (.docx), with python-docx, laid out after the national
standard for official documents (GB/T 9704: A4, title in 小标宋 2号, body in 仿宋 3号, level-one
headings in 黑体, level-two in 楷体, tables in 宋体, the issuer and date at the end on the right).
It opens in WPS, Word and LibreOffice (a test converts it with LibreOffice headless).

**The section list is the extension point.** A ``Notice`` is a title, an optional line under
it (the period), and ``blocks``: ``Heading``, ``Paragraph``, ``Table`` (a header row, rows of
cells, optional column widths in cm) and ``Signature``. A service builds the blocks (the
quarterly notice and the half-year ranking in ``portal.services.oversight.notice``; a campaign's
fortnightly notice later) and ``render`` lays them out; adding a kind of content is adding
blocks, not changing this module.

python-docx (and lxml under it) is imported inside ``render`` only: the app, and the Lambda
function, start without it, and only a request for a document pays for the import.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Sequence, Union

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312"}
TABLE_FONT = "宋体"


@dataclass(frozen=True)
class Heading:
    text: str  #: with its own numbering: "一、总体情况"
    level: int = 1  #: 1 (黑体) or 2 (楷体)


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    indent: bool = True  #: the first line indented by two characters, as body text is


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[object]]  #: a None cell is left blank
    widths_cm: Sequence[float] = ()
    caption: str = ""  #: a line above the table (表1 ...)


@dataclass(frozen=True)
class Signature:
    lines: Sequence[str]  #: the issuing office, then the date; right-aligned


Block = Union[Heading, Paragraph, Table, Signature]


@dataclass
class Notice:
    title: str
    subtitle: str = ""  #: under the title, e.g. the period
    blocks: list[Block] = field(default_factory=list)


def render(notice: Notice) -> bytes:
    """The .docx bytes of ``notice``."""
    import docx  # noqa: PLC0415 - lazily: only a request for a document pays for python-docx and lxml
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    document.core_properties.title = notice.title

    def font(run, name: str, size: float, bold: bool = False) -> None:
        run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

    def paragraph(text: str, name: str, size: float, *, bold: bool = False, align=None, indent: bool = False,
                  exact: float | None = 28):
        p = document.add_paragraph()
        if align is not None:
            p.alignment = align
        fmt = p.paragraph_format
        if exact:
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(exact)
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        font(p.add_run(text), name, size, bold)
        return p

    paragraph(notice.title, TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER, exact=36)
    if notice.subtitle:
        paragraph(notice.subtitle, BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph("", BODY_FONT, 16)
    for block in notice.blocks:
        if isinstance(block, Heading):
            paragraph(block.text, HEADING_FONTS.get(block.level, HEADING_FONTS[2]), 16, indent=True)
        elif isinstance(block, Paragraph):
            paragraph(block.text, BODY_FONT, 16, bold=block.bold, indent=block.indent)
        elif isinstance(block, Table):
            if block.caption:
                paragraph(block.caption, HEADING_FONTS[1], 12, align=WD_ALIGN_PARAGRAPH.CENTER, exact=22)
            table = document.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            table.autofit = not block.widths_cm
            for cell, text in zip(table.rows[0].cells, block.header):
                cell.text = ""
                font(cell.paragraphs[0].add_run(str(text)), HEADING_FONTS[1], 10.5)
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            for values in block.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, values):
                    cell.text = ""
                    font(cell.paragraphs[0].add_run("" if value is None else str(value)), TABLE_FONT, 10.5)
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            for n, width in enumerate(block.widths_cm):  # the grid (LibreOffice) and every cell (Word)
                table.columns[n].width = Cm(width)
                for row in table.rows:
                    row.cells[n].width = Cm(width)
            paragraph("", BODY_FONT, 10, exact=None)
        elif isinstance(block, Signature):
            paragraph("", BODY_FONT, 16)
            for line in block.lines:
                p = paragraph(line, BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
                p.paragraph_format.right_indent = Pt(32)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
