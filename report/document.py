"""The report as an A4 PDF (reportlab), in the manner of FHI's folkehelseprofil: a title
band, the barometer table, the map and the key charts, definitions, sources and the data
version, with the source and any synthetic-data notice on every page.

Charts are reportlab graphics, so they stay vector and their numbers are text. The font is
DejaVu Sans from matplotlib's own files (a pinned runtime dependency, read offline): it has
æøå, the thin space of Norwegian numbers and the judgement symbols, which the PDF
standard fonts lack.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.ticker import MaxNLocator
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from report.blocks import (
    Block,
    Cell,
    Chart,
    ChartsBlock,
    MapBlock,
    Slice,
    TableBlock,
    TextBlock,
    TitleBlock,
)
from report.context import Shown
from report.map_image import map_picture
from report.slides import GROUP_FILL, HEADER_FILL, NOTICE_FILL, PackInfo
from views.format import kroner, number

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 16 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
BAND = colors.HexColor("#1A5FB4")
INK = colors.HexColor("#1F1F1F")
MUTED = colors.HexColor("#474747")
GRID = colors.HexColor("#D9D9D9")
CHART_HEIGHT = 72 * mm
LEGEND_ROW = 10  # points per row of a chart's legend
BAR_HEIGHT_MM = 4.6  # per kommune in the kommune chart


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """DejaVu Sans and its bold, from matplotlib's font folder; once per process."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, folder / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, folder / "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD)


def _style(name: str, size: float, bold: bool = False, colour=INK, **extra) -> ParagraphStyle:
    settings = {"leading": size * 1.3, "alignment": TA_LEFT, **extra}
    return ParagraphStyle(
        name, fontName=BOLD if bold else FONT, fontSize=size, textColor=colour, **settings
    )


STYLES = {
    "title": _style("title", 24, True, colors.white, leading=29),
    "subtitle": _style("subtitle", 14, False, colors.white),
    "h1": _style("h1", 15, True, spaceBefore=10, spaceAfter=5),
    "h2": _style("h2", 12, True, spaceBefore=6, spaceAfter=3),
    "body": _style("body", 9.5, spaceAfter=4),
    "small": _style("small", 8, colour=MUTED, spaceAfter=2),
    "cell": _style("cell", 8),
    "definition": _style("definition", 8.5, spaceAfter=4),
    "footer": _style("footer", 7.5, colour=MUTED),
    "notice": _style("notice", 7.5, True, backColor=colors.HexColor(NOTICE_FILL), borderPadding=2),
}


def _para(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text), STYLES[style])


def _cell(cell: Cell) -> Paragraph:
    text = escape(cell.text)
    if cell.bold:
        text = f"<b>{text}</b>"
    if cell.sub:
        ink = cell.ink if cell.fill else "#474747"
        text += f'<br/><font size="6.5" color="{ink}">{escape(cell.sub)}</font>'
    return Paragraph(f'<font color="{cell.ink}">{text}</font>', STYLES["cell"])


def _title(block: TitleBlock) -> list:
    band = Table(
        [[_para(block.title, "title")], [_para(block.subtitle, "subtitle")]],
        colWidths=[FRAME_WIDTH],
        style=TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), BAND),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
            ]
        ),
    )
    return [band, Spacer(1, 5 * mm), *[_para(line, "body") for line in block.lines]]


def _table(block: TableBlock) -> list:
    columns = len(block.columns)
    total = sum(block.widths)
    widths = [FRAME_WIDTH * w / total for w in block.widths]
    data = [[_cell(Cell(c, bold=True)) for c in block.columns]]
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_FILL)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for r, row in enumerate(block.rows, start=1):
        if row.heading:
            data.append([_cell(row.cells[0])] + [""] * (columns - 1))
            style += [
                ("SPAN", (0, r), (-1, r)),
                ("BACKGROUND", (0, r), (-1, r), colors.HexColor(GROUP_FILL)),
            ]
            continue
        data.append([_cell(cell) for cell in row.cells])
        style += [
            ("BACKGROUND", (c, r), (c, r), colors.HexColor(cell.fill))
            for c, cell in enumerate(row.cells)
            if cell.fill
        ]
    return [
        _para(block.title, "h1"),
        _para(block.intro, "body"),
        Table(data, colWidths=widths, repeatRows=1, style=TableStyle(style)),
        Spacer(1, 2 * mm),
        _para(block.legend, "small"),
    ]


def _value_axis(axis, chart: Chart, values: list[float]) -> None:
    """Round ticks from zero (or below, for negative values), in Norwegian numbers; kroner
    as the app writes them, whole numbers where the step is whole."""
    low, high = min(0.0, *values), chart.axis_max or max(values)
    ticks = MaxNLocator(5).tick_values(low, high if high > low else low + 1)
    axis.valueMin, axis.valueMax = float(ticks[0]), float(ticks[-1])
    axis.valueStep = float(ticks[1] - ticks[0])
    decimals = 0 if axis.valueStep >= 1 else chart.decimals
    axis.labelTextFormat = kroner if chart.unit == "kroner" else (lambda v: number(v, decimals))
    axis.labels.fontName = FONT
    axis.labels.fontSize = 7
    axis.visibleGrid = 1
    axis.gridStrokeColor = GRID


def _year_axis(axis, chart: Chart) -> None:
    axis.categoryNames = list(chart.categories)
    axis.labels.fontName = FONT
    axis.labels.fontSize = 7
    axis.labels.angle = 45
    axis.labels.boxAnchor = "ne"


def _runs(values: tuple[float | None, ...]) -> list[list[float | None]]:
    """A series cut where a year is missing, so the line breaks there instead of joining."""
    runs: list[list[float | None]] = []
    current: list[float | None] | None = None
    for i, value in enumerate(values):
        if value is None:
            current = None
            continue
        if current is None:
            current = [None] * len(values)
            runs.append(current)
        current[i] = value
    return runs


def _legend_rows(chart: Chart, width: float) -> list[list[tuple[float, int]]]:
    """Each series' place (x, index) in legend rows that fit ``width``."""
    rows: list[list[tuple[float, int]]] = [[]]
    x = 4.0
    for i, series in enumerate(chart.series):
        entry = 22 + pdfmetrics.stringWidth(series.name, FONT, 7.5) + 10
        if rows[-1] and x + entry > width:
            rows.append([])
            x = 4.0
        rows[-1].append((x, i))
        x += entry
    return rows


def _draw_legend(drawing: Drawing, chart: Chart, rows: list[list[tuple[float, int]]]) -> None:
    """A line swatch per series (dashed as drawn) with its name, the first row on top."""
    for row_number, row in enumerate(rows):
        y = 4 + LEGEND_ROW * (len(rows) - 1 - row_number)
        for x, i in row:
            series = chart.series[i]
            colour = colors.HexColor(series.colour)
            swatch = Line(x, y + 2.5, x + 16, y + 2.5, strokeColor=colour, strokeWidth=2)
            if series.dashed:
                swatch.strokeDashArray = (3, 2)
            drawing.add(swatch)
            drawing.add(String(x + 20, y, series.name, fontName=FONT, fontSize=7.5, fillColor=INK))


def _line_drawing(chart: Chart, width: float) -> Drawing:
    drawing = Drawing(width, CHART_HEIGHT)
    legend = _legend_rows(chart, width)
    plot = HorizontalLineChart()
    plot.x, plot.y = 34, 30 + LEGEND_ROW * len(legend)
    plot.width, plot.height = width - 44, CHART_HEIGHT - plot.y - 20
    rows, styles = [], []
    for series in chart.series:
        for run in _runs(series.values):
            rows.append(run)
            styles.append(series)
    plot.data = rows
    plot.joinedLines = 1
    _year_axis(plot.categoryAxis, chart)
    _value_axis(plot.valueAxis, chart, [v for s in chart.series for v in s.values if v is not None])
    for i, series in enumerate(styles):
        line = plot.lines[i]
        line.strokeColor = colors.HexColor(series.colour)
        line.strokeWidth = 1.8
        line.strokeDashArray = (4, 2.5) if series.dashed else None
        line.symbol = makeMarker("FilledCircle", size=3.2, fillColor=line.strokeColor)
    drawing.add(plot)
    drawing.add(String(4, CHART_HEIGHT - 10, chart.title, fontName=BOLD, fontSize=9, fillColor=INK))
    _draw_legend(drawing, chart, legend)
    return drawing


def _bar_drawing(chart: Chart, width: float) -> Drawing:
    """Kommuner as horizontal bars (the first at the top), or kroner per year as columns."""
    series = chart.series[0]
    values = [v if v is not None else 0.0 for v in series.values]
    horizontal = chart.kind == "bar"
    height = (len(values) * BAR_HEIGHT_MM * mm + 40) if horizontal else CHART_HEIGHT
    drawing = Drawing(width, height)
    if horizontal:
        plot = HorizontalBarChart()
        plot.x = max(pdfmetrics.stringWidth(c, FONT, 7.5) for c in chart.categories) + 8
        plot.y, plot.width = 22, width - plot.x - 36
        plot.categoryAxis.categoryNames = list(chart.categories)
        plot.categoryAxis.labels.fontName = FONT
        plot.categoryAxis.labels.fontSize = 7.5
        plot.categoryAxis.reverseDirection = 1
        plot.barLabelFormat = lambda v: number(v, chart.decimals)
        plot.barLabels.fontName = FONT
        plot.barLabels.fontSize = 7
        plot.barLabels.boxAnchor = "w"
        plot.barLabels.dx = 3
        plot.barSpacing = 1
    else:
        plot = VerticalBarChart()
        plot.x, plot.y, plot.width = 48, 30, width - 58
        _year_axis(plot.categoryAxis, chart)
    plot.height = height - plot.y - 18
    plot.data = [values]
    _value_axis(plot.valueAxis, chart, values)
    plot.bars[0].fillColor = colors.HexColor(series.colour)
    plot.bars.strokeColor = colors.HexColor("#5A5A5A")
    plot.bars.strokeWidth = 0.3
    for i, colour in enumerate(series.colours):
        plot.bars[(0, i)].fillColor = colors.HexColor(colour)
    drawing.add(plot)
    drawing.add(String(4, height - 10, chart.title, fontName=BOLD, fontSize=9, fillColor=INK))
    return drawing


def _drawing(chart: Chart, width: float) -> Drawing:
    return _line_drawing(chart, width) if chart.kind == "line" else _bar_drawing(chart, width)


def _joined(charts: tuple[Chart, ...]) -> Chart:
    """Bar charts shared out side by side on a slide, as one chart again."""
    first = charts[0]
    series = replace(
        first.series[0],
        values=tuple(v for c in charts for v in c.series[0].values),
        colours=tuple(colour for c in charts for colour in c.series[0].colours),
    )
    categories = tuple(name for c in charts for name in c.categories)
    title = first.title if len(charts) == 1 else ""
    return replace(first, title=title, categories=categories, series=(series,))


def _charts(block: ChartsBlock) -> list:
    head = [_para(block.title, "h1"), _para(block.text, "body")]
    slots = [*block.charts, *block.missing]
    if not slots:
        return head
    if any(chart.kind == "bar" for chart in block.charts):  # kommuner: a page holds them all
        whole = _joined(block.charts)
        return [KeepTogether([*head, _drawing(whole, FRAME_WIDTH), _para(whole.caption, "small")])]
    width = FRAME_WIDTH / len(slots)
    cells = [
        [_drawing(item, width - 4 * mm), _para(item.caption, "small")]
        if isinstance(item, Chart)
        else [_para(item, "body")]
        for item in slots
    ]
    grid = Table(
        [cells], colWidths=[width] * len(slots), style=[("VALIGN", (0, 0), (-1, -1), "TOP")]
    )
    return [KeepTogether([*head, grid])]


def _map(block: MapBlock) -> list:
    drawn = map_picture(block)
    width = FRAME_WIDTH * 0.62
    height = width * drawn.height_px / drawn.width_px
    picture = Image(io.BytesIO(drawn.png), width=width, height=height)
    side = [_para(line, "h2" if 0 < i < 3 else "body") for i, line in enumerate(block.side)] + [
        _para(block.caption, "small")
    ]
    grid = Table(
        [[picture, side]],
        colWidths=[width, FRAME_WIDTH - width],
        style=[("VALIGN", (0, 0), (-1, -1), "TOP")],
    )
    return [KeepTogether([_para(block.title, "h1"), grid])]


def _text(block: TextBlock) -> list:
    items = [
        Paragraph(f"<b>{escape(term)}:</b> {escape(text)}", STYLES["definition"])
        for term, text in block.items
    ]
    return [_para(block.title, "h1"), *items]


def _flowables(block: Block) -> list:
    if isinstance(block, TitleBlock):
        return _title(block)
    if isinstance(block, TableBlock):
        return _table(block)
    if isinstance(block, ChartsBlock):
        return _charts(block)
    if isinstance(block, MapBlock):
        return _map(block)
    return _text(block)


def render_pdf(
    blocks: Iterable[Block], info: PackInfo, shown: Callable[[Iterable[Slice]], Shown]
) -> bytes:
    """The report as PDF bytes; every page's footer names the sources of the whole report
    and carries its synthetic notice, when it has one."""
    register_fonts()
    blocks = list(blocks)
    footer = shown([s for block in blocks for s in block.shown])
    stamp = info.made.strftime("D:%Y%m%d%H%M%S+00'00'")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=(30 if footer.notice else 22) * mm,
        title=info.title,
        author="Samhandlingsbarometeret",
        subject=f"{info.area}, {info.year}",
        creator="Samhandlingsbarometeret",
        keywords=f"dataversjon {info.version}",
        lang="nb-NO",
        invariant=True,
    )

    def on_page(canvas, doc) -> None:
        canvas.setDateFormatter(lambda *_: stamp)
        canvas.saveState()
        parts = []
        if footer.notice:
            parts.append(_para(footer.notice, "notice"))
        parts.append(_para(footer.line, "footer"))
        parts.append(
            _para(
                f"{info.title} · dataversjon {info.version} · side {doc.page}",
                "footer",
            )
        )
        y = 8 * mm
        for paragraph in reversed(parts):
            _, height = paragraph.wrap(FRAME_WIDTH, 40 * mm)
            paragraph.drawOn(canvas, MARGIN, y)
            y += height + 2
        canvas.restoreState()

    story = [flowable for block in blocks for flowable in _flowables(block)]
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
