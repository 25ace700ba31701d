"""One call per output: the pack as PowerPoint or as PDF, for an area and year, from a store.

The app, the command line and the bench call these; each reads the store once through a
``PackContext`` and hands the blocks of ``SECTIONS`` to a renderer.
"""

from __future__ import annotations

from sqlalchemy import Engine

from report.context import PackContext
from report.document import render_pdf
from report.reproducible import fixed_zip
from report.sections import TITLE, build_blocks
from report.slides import PackInfo, render_pptx


def pack_info(context: PackContext) -> PackInfo:
    return PackInfo(
        f"{TITLE} – {context.area_name}, {context.year}",
        context.area_name,
        context.year,
        context.version.label,
        context.version.made,
    )


def make_pptx(engine: Engine, area: str, year: int | None = None) -> bytes:
    """The meeting pack (.pptx) for ``area`` (a helsefellesskap or kommune code) and ``year``
    (the store's newest when None); ReportError for an area or year it cannot be made for."""
    context = PackContext(engine, area, year)
    data = render_pptx(build_blocks(context), pack_info(context), context.shown)
    return fixed_zip(data, context.version.made)


def make_pdf(engine: Engine, area: str, year: int | None = None) -> bytes:
    """The A4 report (.pdf) for ``area`` and ``year``, as ``make_pptx``."""
    context = PackContext(engine, area, year)
    return render_pdf(build_blocks(context), pack_info(context), context.shown)


MAKERS = {"pptx": make_pptx, "pdf": make_pdf}
