"""The meeting pack as PowerPoint (python-pptx): 16:9, large type, the app's colours, charts
as native PowerPoint charts the secretariat can restyle and edit, the map as a picture.

Every slide carries its "Kilde: …" line and, where its numbers are synthetic, the notice,
and its speaker notes say the key numbers in words. Tables and long texts run over as many
slides as they need; the slide is planned first (``plan``) and drawn after, so each slide
knows its number and the total.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from report.blocks import (
    Block,
    Cell,
    Chart,
    ChartsBlock,
    MapBlock,
    Slice,
    TableBlock,
    TableRow,
    TextBlock,
    TitleBlock,
)
from report.context import Shown
from report.map_image import map_picture

WIDTH, HEIGHT = Emu(12_192_000), Emu(6_858_000)  # 13⅓ × 7½ inches, PowerPoint's 16:9
MARGIN = Inches(0.5)
INNER = WIDTH - 2 * MARGIN
BODY_TOP = Inches(1.25)
FOOTER_TOP = Inches(6.45)
BODY_HEIGHT = FOOTER_TOP - BODY_TOP - Inches(0.1)
FONT = "Arial"  # every office suite has it or a metric twin (Liberation Sans)
INK = "#1F1F1F"
MUTED = "#474747"
NOTICE_FILL = "#FDEBD3"  # the app's warning colour behind the synthetic notice
HEADER_FILL = "#E4E4E4"
GROUP_FILL = "#D6E2F0"
STRIPE_FILL = "#F4F4F4"
TITLE_PT, LONG_TITLE_PT, TEXT_PT, TABLE_PT, SUB_PT, FOOTER_PT = 28, 24, 20, 15, 11, 11
LONG_TITLE = 46  # characters: a longer title gets LONG_TITLE_PT to stay on one line
DEFINITION_PT = 13
BAR_PT = 10
# Table rows per slide below the column headings, in rows with a second line (ROW inches);
# a group heading or a row of one line takes less.
TABLE_CAPACITY = 8.8
HEADING_ROW, ONE_LINE_ROW = 0.7, 0.75
ROW = 0.46
TEXT_LINE_CHARS = 165  # characters of DEFINITION_PT across the slide
TEXT_CAPACITY = 20  # lines of DEFINITION_PT in the body
TITLE_ONLY = 5  # the default template's "Title Only" layout: a real title for every slide
NUMBER_FORMATS = {0: "#,##0", 1: "#,##0.0", 2: "#,##0.00"}
MILLIONS = '#,##0.0,," mill."'  # kroner in millions, as the app writes them
DASH = MSO_LINE_DASH_STYLE.DASH


def rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


@dataclass(frozen=True)
class Page:
    """One planned slide: the block it draws, the part of it (rows or items) and its place
    among the block's slides."""

    block: Block
    part: tuple = ()
    index: int = 0
    count: int = 1

    @property
    def title(self) -> str:
        suffix = f" ({self.index + 1} av {self.count})" if self.count > 1 else ""
        return self.block.title + suffix

    @property
    def shown(self) -> tuple[Slice, ...]:
        if isinstance(self.block, TableBlock):
            return tuple(s for row in self.part for s in row.shown)
        return self.block.shown

    @property
    def notes(self) -> str:
        if isinstance(self.block, TableBlock):
            return " ".join(row.spoken for row in self.part if row.spoken)
        return self.block.notes


def _row_lines(row: TableRow) -> float:
    if row.heading:
        return HEADING_ROW
    return 1.0 if any(c.sub for c in row.cells) else ONE_LINE_ROW


def table_pages(rows: tuple[TableRow, ...], capacity: float) -> list[tuple[TableRow, ...]]:
    """Rows cut into slides of at most ``capacity`` rows; a group starts a new slide when it
    would not fit whole on the current one, and one too long for a slide goes on with its
    heading repeated."""
    groups: list[list[TableRow]] = []
    for row in rows:
        if row.heading or not groups:
            groups.append([])
        groups[-1].append(row)
    pages: list[list[TableRow]] = [[]]
    for group in groups:
        used = sum(_row_lines(r) for r in pages[-1])
        if pages[-1] and used + sum(_row_lines(r) for r in group) > capacity:
            pages.append([])
        for row in group:
            if sum(_row_lines(r) for r in pages[-1]) + _row_lines(row) > capacity:
                pages.append([group[0]] if not row.heading else [])
            pages[-1].append(row)
    return [tuple(page) for page in pages if page]


def _item_lines(item: tuple[str, str]) -> float:
    term, text = item
    return math.ceil((len(term) + len(text) + 2) / TEXT_LINE_CHARS) + 0.5  # + the space after


def text_pages(items: tuple[tuple[str, str], ...]) -> list[tuple[tuple[str, str], ...]]:
    """Items cut into slides that hold TEXT_CAPACITY lines."""
    pages: list[list[tuple[str, str]]] = [[]]
    for item in items:
        if pages[-1] and sum(map(_item_lines, pages[-1])) + _item_lines(item) > TEXT_CAPACITY:
            pages.append([])
        pages[-1].append(item)
    return [tuple(page) for page in pages]


def plan(blocks: Iterable[Block]) -> list[Page]:
    """The slides the blocks need, in order."""
    pages: list[Page] = []
    for block in blocks:
        if isinstance(block, TableBlock):
            parts = table_pages(block.rows, TABLE_CAPACITY)
        elif isinstance(block, TextBlock):
            parts = text_pages(block.items)
        else:
            pages.append(Page(block))
            continue
        pages += [Page(block, part, i, len(parts)) for i, part in enumerate(parts)]
    return pages


def _paragraph(frame, first: bool = False):
    return frame.paragraphs[0] if first else frame.add_paragraph()


def _run(paragraph, text: str, size: float, bold: bool = False, colour: str = INK) -> None:
    run = paragraph.add_run()
    run.text = text
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = rgb(colour)


def _textbox(slide: Slide, left: Emu, top: Emu, width: Emu, height: Emu):
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    return frame


def _set_title(slide: Slide, text: str, size: float | None = None) -> None:
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, Inches(0.3), INNER, Inches(0.85)
    frame = title.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    size = size or (TITLE_PT if len(text) <= LONG_TITLE else LONG_TITLE_PT)
    _run(paragraph, text, size, bold=True)


def _footer(slide: Slide, shown: Shown, where: str) -> None:
    """The notice (when synthetic) on its colour, then the source line and where we are."""
    top = FOOTER_TOP
    if shown.notice:
        box = slide.shapes.add_textbox(MARGIN, top, INNER, Inches(0.5))
        box.fill.solid()
        box.fill.fore_color.rgb = rgb(NOTICE_FILL)
        frame = box.text_frame
        frame.word_wrap = True
        _run(frame.paragraphs[0], shown.notice, FOOTER_PT, bold=True)
        top += Inches(0.62)
    frame = _textbox(slide, MARGIN, top, INNER, Inches(0.35))
    paragraph = frame.paragraphs[0]
    _run(paragraph, shown.line or "Kilde: –", FOOTER_PT, colour=MUTED)
    _run(paragraph, f"   ·   {where}", FOOTER_PT, colour=MUTED)


def _title_slide(slide: Slide, block: TitleBlock) -> None:
    _set_title(slide, block.title, 40)
    frame = _textbox(slide, MARGIN, Inches(1.3), INNER, Inches(0.8))
    _run(frame.paragraphs[0], block.subtitle, 28, bold=True, colour="#1A5FB4")
    frame = _textbox(slide, MARGIN, Inches(2.2), INNER, Inches(4.0))
    for i, line in enumerate(block.lines):
        paragraph = _paragraph(frame, first=i == 0)
        paragraph.space_after = Pt(8)
        _run(paragraph, line, TEXT_PT if i else 18)


def _cell(cell, content: Cell, size: float, fill: str | None) -> None:
    cell.margin_left = cell.margin_right = Inches(0.08)
    cell.margin_top = cell.margin_bottom = Inches(0.02)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    background = content.fill or fill
    if background:
        cell.fill.solid()
        cell.fill.fore_color.rgb = rgb(background)
    frame = cell.text_frame
    frame.word_wrap = True
    _run(frame.paragraphs[0], content.text, size, content.bold, content.ink)
    if content.sub:
        _run(
            frame.add_paragraph(),
            content.sub,
            SUB_PT,
            colour=MUTED if not content.fill else content.ink,
        )


def _table_slide(slide: Slide, block: TableBlock, rows: tuple[TableRow, ...]) -> None:
    columns = len(block.columns)
    top = BODY_TOP - Inches(0.1)
    shape = slide.shapes.add_table(len(rows) + 1, columns, MARGIN, top, INNER, Inches(3))
    table = shape.table
    table.first_row = True
    table.horz_banding = False
    total = sum(block.widths)
    for column, width in zip(table.columns, block.widths, strict=True):
        column.width = Emu(int(INNER * width / total))
    table.rows[0].height = Inches(0.36)
    for c, heading in enumerate(block.columns):
        _cell(table.cell(0, c), Cell(heading, bold=True), SUB_PT + 2, HEADER_FILL)
    body = 0
    for r, row in enumerate(rows, start=1):
        table.rows[r].height = Inches(ROW * _row_lines(row))
        if row.heading:
            table.cell(r, 0).merge(table.cell(r, columns - 1))
            _cell(table.cell(r, 0), row.cells[0], TABLE_PT + 1, GROUP_FILL)
            body = 0
            continue
        stripe = STRIPE_FILL if body % 2 else "#FFFFFF"
        for c, content in enumerate(row.cells):
            _cell(table.cell(r, c), content, TABLE_PT, stripe)
        body += 1
    frame = _textbox(slide, MARGIN, FOOTER_TOP - Inches(0.55), INNER, Inches(0.5))
    _run(frame.paragraphs[0], f"{block.intro} {block.legend}".strip(), SUB_PT, colour=MUTED)


def _number_format(decimals: int, unit: str = "") -> str:
    if unit == "kroner":
        return MILLIONS
    return NUMBER_FORMATS.get(decimals, "General")


def _chart(slide: Slide, chart: Chart, left: Emu, top: Emu, width: Emu, height: Emu) -> None:
    data = CategoryChartData(number_format=_number_format(chart.decimals))
    data.categories = chart.categories
    for series in chart.series:
        data.add_series(series.name, series.values)
    kind = {
        "line": XL_CHART_TYPE.LINE_MARKERS,
        "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
        "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    }[chart.kind]
    drawn = slide.shapes.add_chart(kind, left, top, width, height, data).chart
    drawn.font.name = FONT
    drawn.font.size = Pt(14)
    drawn.has_title = True
    title = drawn.chart_title.text_frame
    title.text = chart.title
    title.paragraphs[0].runs[0].font.size = Pt(16)
    title.paragraphs[0].runs[0].font.bold = True
    axis = drawn.value_axis
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = rgb("#D9D9D9")
    axis.tick_labels.number_format = _number_format(chart.decimals, chart.unit)
    axis.tick_labels.number_format_is_linked = False
    axis.format.line.fill.background()
    if chart.axis_max is not None:
        axis.minimum_scale, axis.maximum_scale = 0, chart.axis_max
    drawn.has_legend = len(chart.series) > 1
    if drawn.has_legend:
        drawn.legend.position = XL_LEGEND_POSITION.BOTTOM
        drawn.legend.include_in_layout = False
        drawn.legend.font.size = Pt(14)
    for series, drawn_series in zip(chart.series, drawn.plots[0].series, strict=True):
        if chart.kind == "line":
            line = drawn_series.format.line
            line.color.rgb = rgb(series.colour)
            line.width = Pt(2.75)
            line.dash_style = DASH if series.dashed else MSO_LINE_DASH_STYLE.SOLID
            drawn_series.smooth = False
            drawn_series.marker.style = XL_MARKER_STYLE.CIRCLE
            drawn_series.marker.size = 7
            drawn_series.marker.format.fill.solid()
            drawn_series.marker.format.fill.fore_color.rgb = rgb(series.colour)
            drawn_series.marker.format.line.color.rgb = rgb(series.colour)
            continue
        drawn_series.format.fill.solid()
        drawn_series.format.fill.fore_color.rgb = rgb(series.colour)
        for point, colour in enumerate(series.colours):
            fill = drawn_series.points[point].format.fill
            fill.solid()
            fill.fore_color.rgb = rgb(colour)
            drawn_series.points[point].format.line.color.rgb = rgb("#5A5A5A")
    if chart.kind == "bar":
        # Ten points for a chart of kommuner: LibreOffice leaves out every other name when
        # the chart's own font is larger, even with room to spare.
        drawn.font.size = Pt(BAR_PT)
        categories = drawn.category_axis
        categories.reverse_order = True  # the first kommune at the top
        categories.tick_labels.font.size = Pt(BAR_PT)
        # Every kommune named: PowerPoint would otherwise skip names when crowded.
        skip = categories._element.makeelement(qn("c:tickLblSkip"), {"val": "1"})
        categories._element.insert_element_before(skip, "c:tickMarkSkip", "c:noMultiLvlLbl")
        plot = drawn.plots[0]
        plot.gap_width = 40
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = _number_format(chart.decimals)
        labels.number_format_is_linked = False
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        labels.font.size = Pt(BAR_PT)


def _charts_slide(slide: Slide, block: ChartsBlock) -> None:
    """The text above the charts; kommune bars get the whole height with the text below
    them, for a name beside every bar (LibreOffice leaves names out of a short bar chart)."""
    bars = any(chart.kind == "bar" for chart in block.charts)
    lines = math.ceil(len(block.text) / 130)  # characters of 16 pt across the slide
    text_height = Inches(0.3 * lines)
    top = BODY_TOP - Inches(0.1) if bars else BODY_TOP + text_height
    caption_height = text_height if bars else Inches(0.5)
    text_top = FOOTER_TOP - text_height - Inches(0.1) if bars else BODY_TOP - Inches(0.1)
    frame = _textbox(slide, MARGIN, text_top, INNER, text_height)
    _run(frame.paragraphs[0], block.text, 14 if bars else 16)
    slots = len(block.charts) + len(block.missing)
    gap = Inches(0.3)
    width = Emu(int((INNER - gap * (slots - 1)) / max(slots, 1)))
    height = FOOTER_TOP - top - caption_height - Inches(0.1)
    for i, chart in enumerate(block.charts):
        left = MARGIN + (width + gap) * i
        _chart(slide, chart, left, top, width, height)
        if not bars:  # the bars share one caption, the text below them
            caption = _textbox(slide, left, top + height, width, Inches(0.45))
            _run(caption.paragraphs[0], chart.caption, SUB_PT, colour=MUTED)
    for i, text in enumerate(block.missing, start=len(block.charts)):
        box = _textbox(slide, MARGIN + (width + gap) * i, top + Inches(0.3), width, Inches(1.2))
        _run(box.paragraphs[0], text, 18, colour=MUTED)


def _map_slide(slide: Slide, block: MapBlock) -> None:
    picture = map_picture(block)
    height = BODY_HEIGHT
    width = Emu(int(height * picture.width_px / picture.height_px))
    slide.shapes.add_picture(io.BytesIO(picture.png), MARGIN, BODY_TOP, width, height)
    left = MARGIN + width + Inches(0.3)
    side_width = WIDTH - MARGIN - left
    frame = _textbox(slide, left, BODY_TOP, side_width, Inches(3.6))
    for i, line in enumerate(block.side):
        paragraph = _paragraph(frame, first=i == 0)
        paragraph.space_after = Pt(8)
        _run(paragraph, line, TEXT_PT if 0 < i < 3 else 16, bold=0 < i < 3)
    caption = _textbox(slide, left, BODY_TOP + Inches(3.7), side_width, Inches(1.4))
    _run(caption.paragraphs[0], block.caption, SUB_PT, colour=MUTED)


def _text_slide(slide: Slide, items: tuple[tuple[str, str], ...]) -> None:
    frame = _textbox(slide, MARGIN, BODY_TOP, INNER, BODY_HEIGHT)
    for i, (term, text) in enumerate(items):
        paragraph = _paragraph(frame, first=i == 0)
        paragraph.space_after = Pt(7)
        _run(paragraph, f"{term}: ", DEFINITION_PT, bold=True)
        _run(paragraph, text, DEFINITION_PT)


@dataclass(frozen=True)
class PackInfo:
    """What every slide's footer and the file's properties say about the pack."""

    title: str
    area: str
    year: int
    version: str
    made: datetime


def render_pptx(
    blocks: Iterable[Block], info: PackInfo, shown: Callable[[Iterable[Slice]], Shown]
) -> bytes:
    """The pack as a .pptx file's bytes; ``shown`` gives each slide's source and notice."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = WIDTH, HEIGHT
    pages = plan(blocks)
    for number, page in enumerate(pages, start=1):
        slide = presentation.slides.add_slide(presentation.slide_layouts[TITLE_ONLY])
        block = page.block
        if isinstance(block, TitleBlock):
            _title_slide(slide, block)
        else:
            _set_title(slide, page.title)
        if isinstance(block, TableBlock):
            _table_slide(slide, block, page.part)
        elif isinstance(block, ChartsBlock):
            _charts_slide(slide, block)
        elif isinstance(block, MapBlock):
            _map_slide(slide, block)
        elif isinstance(block, TextBlock):
            _text_slide(slide, page.part)
        where = f"{info.area} · {info.year} · dataversjon {info.version} · {number}/{len(pages)}"
        _footer(slide, shown(page.shown), where)
        slide.notes_slide.notes_text_frame.text = page.notes
    _properties(presentation, info)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _properties(presentation, info: PackInfo) -> None:
    """The file's properties from the data version, never from the clock: the same store
    gives the same file."""
    made = info.made.replace(tzinfo=None)
    properties = presentation.core_properties
    properties.title = info.title
    properties.subject = f"{info.area}, {info.year}"
    properties.author = properties.last_modified_by = "Samhandlingsbarometeret"
    properties.keywords = f"samhandling; helsefellesskap; dataversjon {info.version}"
    properties.language = "nb-NO"
    properties.revision = 1
    properties.created = properties.modified = properties.last_printed = made
