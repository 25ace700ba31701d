"""The content of a pack as plain data: what a slide or a page says, not how it looks.

A section builder (``report.sections``) turns the store into blocks; the PowerPoint and
the PDF renderer each draw every kind of block. A block names the indicator-years it shows
(``shown``), so the renderer can put the right "Kilde: …" line and synthetic-data notice
on every slide, and says its key numbers in words (``notes``) for the speaker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Slice = tuple[str, int]  # (indicator id, year)


@dataclass(frozen=True)
class TitleBlock:
    """The first slide or the head of the report: who, which year, which data."""

    title: str
    subtitle: str
    lines: tuple[str, ...]
    notes: str
    shown: tuple[Slice, ...]


def ink_on(background: str) -> str:
    """Black or white text, whichever contrasts more with ``background`` (WCAG luminance)."""
    channels = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, a smaller second line ``sub`` (unit, interval, why a value is
    missing), and ``fill``, a background colour ("#RRGGBB"), with ``ink`` the text colour that
    contrasts with it."""

    text: str
    sub: str = ""
    fill: str | None = None
    ink: str = "#1F1F1F"
    bold: bool = False


@dataclass(frozen=True)
class TableRow:
    """A row of cells, or a heading row (``heading``: one cell across the table) that starts
    a group; ``spoken`` is the row in words for the speaker notes."""

    cells: tuple[Cell, ...]
    heading: bool = False
    spoken: str = ""
    shown: tuple[Slice, ...] = ()


@dataclass(frozen=True)
class TableBlock:
    """A table that may run over several slides; a slide never starts with a lone heading."""

    title: str
    intro: str
    columns: tuple[str, ...]
    widths: tuple[float, ...]  # relative widths of the columns
    rows: tuple[TableRow, ...]
    legend: str = ""

    @property
    def shown(self) -> tuple[Slice, ...]:
        return tuple(s for row in self.rows for s in row.shown)


@dataclass(frozen=True)
class Series:
    """One line or set of bars; None is a gap (a suppressed or missing year), never zero.
    ``colours`` colours each point of a bar series on its own (judgement colours)."""

    name: str
    values: tuple[float | None, ...]
    colour: str
    dashed: bool = False
    colours: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A chart PowerPoint can draw natively: ``kind`` is "line" (categories are years),
    "column" (bars over years) or "bar" (horizontal bars, categories are areas);
    ``axis_max`` gives charts side by side one scale."""

    title: str
    kind: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str
    decimals: int
    caption: str
    axis_max: float | None = None


@dataclass(frozen=True)
class ChartsBlock:
    """A patient group's story (or the kommuner of the area): a text and up to two charts
    side by side; ``missing`` says why a chart the story has could not be drawn."""

    title: str
    text: str
    charts: tuple[Chart, ...]
    notes: str
    shown: tuple[Slice, ...]
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class MapBlock:
    """The key indicator's map with the facts beside it: the kommuner's judgements
    (``status``: kommune code and judgement, sorted), drawn on ``geometry`` (a
    FeatureCollection) by the renderer at the size it needs, ``outline`` drawn thick."""

    title: str
    geometry: dict = field(compare=False)
    status: tuple[tuple[str, str], ...]
    outline: str | None
    side: tuple[str, ...]
    caption: str
    notes: str
    shown: tuple[Slice, ...]


@dataclass(frozen=True)
class TextBlock:
    """Terms with their text (definitions, sources), run over as many slides as they need."""

    title: str
    items: tuple[tuple[str, str], ...]
    notes: str
    shown: tuple[Slice, ...] = field(default=())


Block = TitleBlock | TableBlock | ChartsBlock | MapBlock | TextBlock
