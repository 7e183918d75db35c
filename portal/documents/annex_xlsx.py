"""A spreadsheet in the layout of an annex form (附件), with openpyxl: the form officials fill
in, print, sign and send up (003 Annex 2 and 3 are the model).

Each sheet, top to bottom: the annex label (附件2), the title, a line with 填报单位 on the left
and 填报时间 on the right, the header rows with their merged cells, one row per item, the
form's notes (填表说明), and the footer to sign (填报人 / 审核人 / 负责人). It prints on A4
landscape, one page wide, the header rows repeated on every page. openpyxl is imported only when a workbook is written.

**The column spec is the extension point.** A sheet is an ``AnnexSheet``: a list of
``Column`` (the key of its value in each row, its header path from the top, its width, its
number format) and the rows as dicts. A header path names the column's place under merged
headers: ``("查处情况", "处理方式")`` sits under 查处情况, which merges across its neighbours
with the same first element; a path shorter than the deepest one merges down to the last
header row (``("序号",)``). To add a column (another issue's channel, concealment or
zero-report counts, a campaign's own facts) append a ``Column`` and put its key in the rows;
nothing here changes. A value of None is a blank cell: never write 否 or 0 for a fact nobody
recorded. Text is written with ``cells.spreadsheet_text`` (no formulas).

The writer knows nothing of tickets or the store: the ledger (``portal.services.oversight.ledger``)
and any later form (campaigns) build the sheets.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Sequence

from portal.documents.cells import spreadsheet_text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FONT = "宋体"  #: SimSun, what the forms are printed in (WPS and Excel have it; LibreOffice substitutes)


@dataclass(frozen=True)
class Column:
    key: str  #: the row dict's key for this column's value
    header: tuple[str, ...]  #: header path from the top row: ("查处情况", "处理方式")
    width: float = 10  #: in characters
    number_format: str | None = None  #: for numbers, e.g. "0" or "0.00"
    align_left: bool = False  #: long text reads better left-aligned


@dataclass
class AnnexSheet:
    sheet_name: str  #: the tab (at most 31 characters)
    annex_label: str  #: 附件2
    title: str  #: 炎陵县违法违规用地清单
    unit_line: str  #: 填报单位：县查违控违领导小组办公室
    date_line: str  #: 填报时间：2026年11月23日
    columns: Sequence[Column]
    rows: Sequence[dict]
    notes: str = ""  #: 填表说明, one paragraph
    footer: Sequence[str] = field(default_factory=tuple)  #: 填报人： 审核人： 负责人：


def write_workbook(sheets: Sequence[AnnexSheet]) -> bytes:
    """The workbook, one worksheet per sheet, as XLSX bytes. openpyxl (which loads lxml when it
    is installed) is imported here, when a spreadsheet is asked for, not when the app starts."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        write_sheet(book.create_sheet(spec.sheet_name[:31]), spec)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _styles() -> SimpleNamespace:
    """The form's cell styles (openpyxl's, imported here)."""
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="000000")
    return SimpleNamespace(font=lambda size, bold=False: Font(name=FONT, size=size, bold=bold),
                           box=Border(left=thin, right=thin, top=thin, bottom=thin),
                           center=Alignment(horizontal="center", vertical="center", wrap_text=True),
                           left=Alignment(horizontal="left", vertical="center", wrap_text=True),
                           right=Alignment(horizontal="right"))


def write_sheet(ws: Worksheet, spec: AnnexSheet) -> None:
    from openpyxl.utils import get_column_letter

    st = _styles()
    width = len(spec.columns)
    last = get_column_letter(width)
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_options.horizontalCentered = True
    for n, column in enumerate(spec.columns, start=1):
        ws.column_dimensions[get_column_letter(n)].width = column.width

    ws.cell(1, 1, spreadsheet_text(spec.annex_label)).font = st.font(12, bold=True)
    ws.merge_cells(f"A2:{last}2")
    title = ws.cell(2, 1, spreadsheet_text(spec.title))
    title.font, title.alignment = st.font(18, bold=True), st.center
    ws.row_dimensions[2].height = 32
    half = max(1, width // 2)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=half)
    ws.merge_cells(start_row=3, start_column=half + 1, end_row=3, end_column=width)
    ws.cell(3, 1, spreadsheet_text(spec.unit_line)).font = st.font(11)
    date = ws.cell(3, half + 1, spreadsheet_text(spec.date_line))
    date.font, date.alignment = st.font(11), st.right

    first_header = 4
    depth = _write_headers(ws, spec.columns, first_header, st)
    first_data = first_header + depth
    ws.print_title_rows = f"{first_header}:{first_data - 1}"
    ws.freeze_panes = ws.cell(first_data, 1)
    for r, row in enumerate(spec.rows, start=first_data):
        for n, column in enumerate(spec.columns, start=1):
            value = row.get(column.key)
            cell = ws.cell(r, n, value if isinstance(value, (int, float)) and not isinstance(value, bool)
                           else (None if value is None else spreadsheet_text(value)))
            cell.border, cell.font = st.box, st.font(10)
            cell.alignment = st.left if column.align_left else st.center
            if column.number_format and isinstance(value, (int, float)):
                cell.number_format = column.number_format

    for r, row in enumerate(spec.rows, start=first_data):
        ws.row_dimensions[r].height = _height([(row.get(c.key), c.width) for c in spec.columns])

    r = first_data + len(spec.rows)
    if spec.notes:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        note = ws.cell(r, 1, spreadsheet_text(spec.notes))
        note.font, note.alignment = st.font(10), st.left
        ws.row_dimensions[r].height = 45
        r += 1
    if spec.footer:
        r += 1  # a blank line before the signatures
        span = max(1, width // len(spec.footer))
        for i, label in enumerate(spec.footer):
            start = 1 + i * span
            end = width if i == len(spec.footer) - 1 else start + span - 1
            ws.merge_cells(start_row=r, start_column=start, end_row=r, end_column=end)
            ws.cell(r, start, spreadsheet_text(label)).font = st.font(11)


LINE_PT = 13.5  #: one line of 10-point text


def text_width(text: str) -> int:
    """Display width in character cells: a CJK character (or a full-width form) takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _height(cells) -> float:
    """A row tall enough for its wrapped text: spreadsheet programs do not grow a row that a file
    gives no height, and LibreOffice prints it cut."""
    lines = 1
    for value, width in cells:
        if value is None:
            continue
        per_line = max(1, int(width * 1.1) - 1)
        lines = max(lines, -(-text_width(str(value)) // per_line))
    return max(18.0, lines * LINE_PT + 4)


def header_depth(columns: Sequence[Column]) -> int:
    return max(len(c.header) for c in columns)


def _write_headers(ws: Worksheet, columns: Sequence[Column], top: int, st: SimpleNamespace) -> int:
    """Header rows from ``top``: each level's runs of equal prefixes merged across, each path
    that ends early merged down to the last header row. Returns the number of header rows."""
    depth = header_depth(columns)
    for level in range(depth):
        n = 0
        while n < len(columns):
            path = columns[n].header
            if level >= len(path):
                n += 1
                continue
            end = n
            while (end + 1 < len(columns) and len(columns[end + 1].header) > level
                   and columns[end + 1].header[:level + 1] == path[:level + 1]):
                end += 1
            bottom = top + (depth - 1 if level == len(path) - 1 else level)
            row = top + level
            if end > n or bottom > row:
                ws.merge_cells(start_row=row, start_column=n + 1, end_row=bottom, end_column=end + 1)
            cell = ws.cell(row, n + 1, spreadsheet_text(path[level]))
            cell.font, cell.alignment = st.font(10, bold=True), st.center
            n = end + 1
    for row in ws.iter_rows(min_row=top, max_row=top + depth - 1, max_col=len(columns)):
        for cell in row:
            cell.border = st.box
    leaves = _height([(c.header[-1], c.width) for c in columns])
    for level in range(depth):
        ws.row_dimensions[top + level].height = leaves if level == depth - 1 else 20
    return depth
