"""The overview grid (Fingertips' "tartan rug"): every indicator for every kommune of one
helsefellesskap, each cell coloured by its comparison with the national value of the same
period, so a leader sees in one picture where the kommuner stand and where they differ.

Columns are the country, the helsefellesskap and its kommuner in Norwegian alphabetical
order; rows are the indicators in catalogue order, grouped by patient group. Each row shows
one period for every column, the newest the store has for that indicator: a single year, or
with ``pooled`` the indicator's pooled period (3 or 5 years) where it pools, so small
kommuner are judged on enough events. A cell is the published value or says why there is
none, in SSB's symbols: ``:`` hidden for privacy, ``..`` missing, ``.`` no one in the target
group. Never a hidden value: the store holds none.

``overview_cells`` is pure pandas on an area profile (tested on a hand-made one),
``overview_grid`` reads it through a ``Source``, and ``grid_html`` writes the table as HTML:
text the browser lays out cheaply, that screen readers read as a table, and whose cells are
links to the kommune and indicator.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geo.areas import NATIONAL_CODE, Level, kommuner, load_areas
from indicators.catalogue import Indicator, load_catalogue, patient_groups
from indicators.periods import display_period, parse_period
from indicators.stats import JUDGEMENT_LABELS
from indicators.vocabulary import Judgement
from views.barometer import PeriodDefault, default_period, pooled_lengths
from views.format import number, with_unit
from views.judgement import judgements
from views.labels import STANDARDISED_WORD
from views.selection import standardised_rows
from views.source import Source
from views.sources import FLAG_MARK
from views.theme import (
    JUDGEMENT_COLOURS,
    JUDGEMENT_ORDER,
    JUDGEMENT_SYMBOLS,
    SUPPRESSED_COLOUR,
    text_colour,
)

# A cell's status besides the judgements: hidden for privacy, no row in the store, a
# denominator of 0 (no one in the target group), and the national column itself.
SUPPRESSED = "suppressed"
MISSING = "missing"
NO_CASES = "no_cases"
NATIONAL = "national"
# SSB's table symbols (``:`` not published, ``..`` not available, ``.`` cannot occur).
STATUS_SYMBOLS = {SUPPRESSED: ":", MISSING: "..", NO_CASES: "."}
STATUS_WORDS = {
    SUPPRESSED: "skjult av personvernhensyn",
    MISSING: "mangler",
    NO_CASES: "ingen i målgruppen",
}
# The years a grid reads: an indicator's newest period must end in them. Five, so a source
# that publishes a year or two after the others still shows; fewer than the barometer's ten,
# since the grid needs no sparkline and reads every kommune of a helsefellesskap.
RECENT_YEARS = 5
# Kroner sums are shown in thousands: a million-kroner sum fits a narrow cell as "1 234".
KRONER_SCALE = 1000
KRONER_UNIT = "1 000 kr"
CELL_COLUMNS = [
    "indicator_id",
    "area_code",
    "period",
    "value",
    "ci_low",
    "ci_high",
    "denominator",
    "suppressed",
    "suppression_reason",
    "flag",
    "note",
    "national",
    "status",
]


@dataclass(frozen=True)
class GridArea:
    """A column: the area's code, its full name and the short name its heading shows."""

    code: str
    name: str
    short: str
    level: str


_NORWEGIAN_LAST = str.maketrans({"Æ": "{", "æ": "{", "Ø": "|", "ø": "|", "Å": "}", "å": "}"})


def norwegian_order(name: str) -> str:
    """A sort key that puts Æ, Ø and Å after Z, in that order, as Norwegian lists do."""
    return name.lower().translate(_NORWEGIAN_LAST)


def kommune_codes() -> set[str]:
    return set(kommuner()["code"])


def grid_areas(helsefellesskap: str) -> list[GridArea]:
    """The columns: the country, the helsefellesskap, then its kommuner by name (the
    helsefellesskap's full name is in its heading's title and in the picker above)."""
    areas = load_areas().set_index("code")
    members = areas[
        (areas["level"] == Level.KOMMUNE) & (areas["helsefellesskap_code"] == helsefellesskap)
    ]
    hf_name = str(areas.loc[helsefellesskap, "name"])
    return [
        GridArea(NATIONAL_CODE, "Hele landet", "Landet", Level.LAND),
        # Not its own name: Helsefellesskapet Bergen would head a column beside Bergen kommune.
        GridArea(helsefellesskap, hf_name, "Helsefellesskapet", Level.HELSEFELLESSKAP),
        *(
            GridArea(str(code), str(name), str(name), Level.KOMMUNE)
            for code, name in sorted(
                members["name"].items(), key=lambda item: norwegian_order(item[1])
            )
        ),
    ]


def _shown_rows(
    profile: pd.DataFrame,
    catalogue: dict[str, Indicator],
    pooled_profile: pd.DataFrame | None,
    standardised: bool,
) -> pd.DataFrame:
    """The rows each indicator is read from: its pooled periods where it pools and they are
    asked for, else single years; age-standardised where it has them and they are asked for."""
    pooling = (
        {i.id for i in catalogue.values() if i.pooled_years}
        if pooled_profile is not None
        else set()
    )
    parts = [profile[~profile["indicator_id"].isin(pooling)]]
    if pooled_profile is not None:
        parts.append(pooled_profile[pooled_profile["indicator_id"].isin(pooling)])
    rows = pd.concat(parts, ignore_index=True)
    rows = rows[rows["indicator_id"].isin(list(catalogue))]
    if standardised:
        is_std = rows["indicator_id"].isin([i.id for i in catalogue.values() if i.standardised])
        rows = pd.concat([rows[~is_std], standardised_rows(rows[is_std])], ignore_index=True)
    return rows


def overview_cells(
    profile: pd.DataFrame,
    area_codes: Sequence[str],
    catalogue: dict[str, Indicator],
    pooled_profile: pd.DataFrame | None = None,
    standardised: bool = True,
) -> pd.DataFrame:
    """A cell per indicator (catalogue order) and area (``area_codes`` order, the national
    code among them): the value of the indicator's newest period, the national value of that
    period and the cell's status (a judgement, or SUPPRESSED, MISSING, NO_CASES, NATIONAL).

    With ``pooled_profile``, indicators that pool read their newest pooled period from it.
    ``standardised`` shows age-standardised rates where the indicator has them; an area whose
    standardised rate is missing because an age band is hidden is shown as hidden, so a row
    never mixes standardised and crude values."""
    rows = _shown_rows(profile, catalogue, pooled_profile, standardised)
    newest = rows[rows["year"] == rows.groupby("indicator_id")["year"].transform("max")]
    newest = newest.drop_duplicates(["indicator_id", "area_code"])
    keys = pd.MultiIndex.from_product(
        [list(catalogue), list(area_codes)], names=["indicator_id", "area_code"]
    )
    cells = newest.set_index(["indicator_id", "area_code"]).reindex(keys).reset_index()
    first = newest.drop_duplicates("indicator_id").set_index("indicator_id")
    cells["period"] = cells["indicator_id"].map(first["period"])
    national = newest[newest["area_code"] == NATIONAL_CODE].set_index("indicator_id")["value"]
    cells["national"] = cells["indicator_id"].map(national).astype(float)
    judged = pd.Series(Judgement.NOT_TESTED, index=cells.index, dtype=object)
    for indicator_id, group in cells.groupby("indicator_id", sort=False):
        judged[group.index] = judgements(
            group, catalogue[indicator_id], group["national"].to_numpy()
        )
    no_value = cells["value"].isna()
    cells["status"] = np.select(
        [
            cells["year"].isna(),
            cells["suppressed"].eq(True),
            no_value & cells["denominator"].eq(0),
            no_value,
            cells["area_code"] == NATIONAL_CODE,
        ],
        [MISSING, SUPPRESSED, NO_CASES, MISSING, NATIONAL],
        default=judged.to_numpy(dtype=object),
    )
    return cells[CELL_COLUMNS]


def overview_grid(
    source: Source, helsefellesskap: str, pooled: bool = False, standardised: bool = True
) -> pd.DataFrame:
    """The cells of a helsefellesskap's grid from the store, over its last RECENT_YEARS years
    (an indicator with no value in them shows as missing rather than with an old value)."""
    codes = [area.code for area in grid_areas(helsefellesskap)]
    first_year = source.summary()["last_year"] - RECENT_YEARS + 1
    profile = source.area_profile(codes, first_year)
    pooled_profile = source.area_profile(codes, first_year, pooled=True) if pooled else None
    return overview_cells(profile, codes, load_catalogue(), pooled_profile, standardised)


def grid_period_default(cells: pd.DataFrame, catalogue: dict[str, Indicator]) -> PeriodDefault:
    """Pooled periods by default when single years leave more than the barometer's share of
    the kommune cells that can pool hidden, missing or untested (``default_period``)."""
    kommuner = cells[cells["area_code"].isin(kommune_codes())]
    judged = kommuner["status"].where(
        kommuner["status"].isin(list(Judgement)), Judgement.NOT_TESTED
    )
    return default_period(kommuner.assign(judgement=judged), catalogue)


def pooled_message(default: PeriodDefault, catalogue: dict[str, Indicator]) -> str:
    """Why the grid shows pooled periods without being asked to."""
    return (
        f"Viser {pooled_lengths(catalogue)} år samlet: med enkeltår ville "
        f"{number(default.hidden, 0)} av {number(default.poolable, 0)} kommunetall vært skjult "
        "eller ikke testet mot landet."
    )


def shown_slices(cells: pd.DataFrame) -> list[tuple[str, int]]:
    """Every indicator-year the grid shows: each year of each row's period."""
    rows = cells.dropna(subset=["period"]).drop_duplicates("indicator_id")
    return [
        (indicator_id, year)
        for indicator_id, period in zip(rows["indicator_id"], rows["period"], strict=True)
        for first, last in [parse_period(period)]
        for year in range(first, last + 1)
    ]


def status_counts(cells: pd.DataFrame) -> dict[str, int]:
    """How many kommune cells fall in each status: what the page says under the grid."""
    kommuner = cells[cells["area_code"].isin(kommune_codes())]
    return {str(k): int(v) for k, v in kommuner["status"].value_counts().items()}


# --- HTML -----------------------------------------------------------------------------------


def _status_style(status: str) -> tuple[str, str]:
    background = {
        SUPPRESSED: SUPPRESSED_COLOUR,
        MISSING: "#FFFFFF",
        NO_CASES: "#FFFFFF",
        NATIONAL: "#FFFFFF",
    }.get(status) or JUDGEMENT_COLOURS[status]
    return background, text_colour(background)


def _css() -> str:
    statuses = [*JUDGEMENT_ORDER, SUPPRESSED, MISSING, NO_CASES, NATIONAL]
    colours = "".join(
        f".og td.og-{s}, .og-legend .og-{s} {{background:{bg};color:{fg};}}"
        f".og td.og-{s} a {{color:{fg};}}"
        for s in statuses
        for bg, fg in [_status_style(s)]
    )
    return (
        "<style>"
        ".og-wrap {overflow:auto; max-height:82vh; width:fit-content; max-width:100%;"
        " border:1px solid #BDBDBD;}"
        ".og {border-collapse:separate; border-spacing:0; font-size:12.5px; line-height:1.2;"
        " font-variant-numeric:tabular-nums; margin:0;}"
        ".og th, .og td {padding:2px 3px; border:0; border-right:1px solid #FFF;"
        " border-bottom:1px solid #FFF; white-space:nowrap; text-align:right; font-weight:400;}"
        ".og td a {display:block; text-decoration:none; min-width:2.6em;}"
        ".og td a:hover, .og td a:focus {text-decoration:underline; outline:2px solid #000;"
        " outline-offset:-2px;}"
        ".og thead th {position:sticky; top:0; z-index:2; background:#FFF;"
        " vertical-align:bottom; text-align:center; border-bottom:2px solid #767676;}"
        ".og thead th a, .og thead th span.og-name {writing-mode:vertical-rl;"
        " transform:rotate(180deg); color:#1F1F1F; text-decoration:none; padding:2px 0;}"
        ".og thead th a:hover, .og thead th a:focus {text-decoration:underline;}"
        ".og thead th.og-corner {left:0; z-index:4; text-align:left; vertical-align:bottom;"
        " font-weight:600;}"
        ".og tbody th {position:sticky; left:0; z-index:1; background:#FFF; text-align:left;"
        " white-space:normal; min-width:15em; max-width:17em; border-bottom:1px solid #E0E0E0;}"
        ".og tbody th a {color:#1F1F1F; text-decoration:none; font-weight:600;}"
        ".og tbody th a:hover, .og tbody th a:focus {text-decoration:underline;}"
        ".og tbody th small {display:block; color:#474747; font-size:11px;}"
        ".og tr.og-group th {position:static; max-width:none; background:#F0F2F6;"
        " font-weight:700; font-size:13px; padding-top:5px; text-align:left;}"
        ".og .og-gname {position:sticky; left:4px;}"
        ".og caption {position:absolute; width:1px; height:1px; overflow:hidden;"
        " clip:rect(0 0 0 0); white-space:nowrap;}"
        ".og .og-agg {font-weight:700;}"
        ".og td.og-sep, .og th.og-sep {border-right:3px solid #767676;}"
        ".og-legend {display:flex; flex-wrap:wrap; gap:0.3em 0.9em; font-size:0.85rem;"
        " margin:0 0 0.4em; align-items:center;}"
        ".og-legend span.og-key {display:inline-block; padding:0 0.4em; border:1px solid #767676;"
        " border-radius:3px; font-variant-numeric:tabular-nums;}"
        f"{colours}"
        "</style>"
    )


def cell_text(value: float, indicator: Indicator) -> str:
    """The number a cell shows: the indicator's decimals, kroner in thousands; the unit is
    in the row heading."""
    if indicator.unit == "kroner":
        return number(value / KRONER_SCALE, 0)
    return number(value, indicator.decimals)


def row_unit(indicator: Indicator, standardised: bool) -> str:
    unit = KRONER_UNIT if indicator.unit == "kroner" else indicator.unit
    return f"{unit}, {STANDARDISED_WORD}" if standardised and indicator.standardised else unit


def _cell_html(cell: Any, area: GridArea, indicator: Indicator, href: str) -> str:
    """One cell (a row of ``overview_cells`` as a named tuple) as a link with its words in
    the title: the area, the value with its unit and the judgement or why there is none."""
    status = cell.status
    if status in STATUS_SYMBOLS:
        shown = STATUS_SYMBOLS[status]
        reason = cell.suppression_reason if status == SUPPRESSED else None
        words = STATUS_WORDS[status] + (f" ({reason})" if isinstance(reason, str) else "")
    else:
        value = cell_text(cell.value, indicator)
        symbol = "" if status in (NATIONAL, Judgement.NOT_TESTED) else JUDGEMENT_SYMBOLS[status]
        flag = cell.flag if isinstance(cell.flag, str) and cell.flag else None
        shown = f"{symbol}{value}{FLAG_MARK if flag else ''}"
        words = with_unit(cell.value, indicator) + (
            "" if status == NATIONAL else f" – {JUDGEMENT_LABELS[status].lower()}"
        )
        if flag:
            note = cell.note if isinstance(cell.note, str) else ""
            words += f" ({flag}{': ' + note if note else ''})"
    title = html.escape(f"{area.name}: {words}")
    classes = f"og-{status}" + (" og-agg" if area.level != Level.KOMMUNE else "")
    classes += " og-sep" if area.level == Level.HELSEFELLESSKAP else ""
    return f'<td class="{classes}"><a href="{html.escape(href)}" title="{title}">{shown}</a></td>'


def _legend() -> str:
    judged = "".join(
        f'<span><span class="og-key og-{j}">{JUDGEMENT_SYMBOLS[j]}</span> '
        f"{html.escape(JUDGEMENT_LABELS[j])}</span>"
        for j in JUDGEMENT_ORDER
        if j != Judgement.NOT_TESTED
    )
    plain = f'<span><span class="og-key og-{Judgement.NOT_TESTED}">12,3</span> ikke testet</span>'
    symbols = "".join(
        f'<span><span class="og-key og-{s}">{STATUS_SYMBOLS[s]}</span> {STATUS_WORDS[s]}</span>'
        for s in (SUPPRESSED, MISSING, NO_CASES)
    )
    return f'<div class="og-legend">{judged}{plain}{symbols}</div>'


def _heading(area: GridArea, href: str | None) -> str:
    title = html.escape(area.name)
    if href is None:
        return f'<span class="og-name" title="{title}">{html.escape(area.short)}</span>'
    return f'<a href="{html.escape(href)}" title="{title}">{html.escape(area.short)}</a>'


def grid_html(
    cells: pd.DataFrame,
    areas: Sequence[GridArea],
    catalogue: dict[str, Indicator],
    cell_href: Callable[[str, str], str],
    area_href: Callable[[str], str | None],
    indicator_href: Callable[[str], str],
    caption: str,
    standardised: bool = True,
) -> str:
    """The legend and the grid as one accessible HTML table (headings for rows and columns,
    a caption, a scrolling region that keeps the headings in view). ``cell_href(area,
    indicator)``, ``area_href(area)`` and ``indicator_href(indicator)`` say where a click on
    a cell, a column heading or a row heading goes (a heading without one is plain text)."""
    by_key = {(c.indicator_id, c.area_code): c for c in cells.itertuples(index=False)}
    head = "".join(
        f'<th scope="col" class="{"og-agg" if a.level != Level.KOMMUNE else ""}'
        f'{" og-sep" if a.level == Level.HELSEFELLESSKAP else ""}">{_heading(a, area_href(a.code))}'
        "</th>"
        for a in areas
    )
    body = []
    periods = cells.drop_duplicates("indicator_id").set_index("indicator_id")["period"]
    for group in patient_groups():
        members = [i for i in catalogue.values() if i.patient_group == group.id]
        if not members:
            continue
        rows = [
            f'<tr class="og-group"><th scope="rowgroup" colspan="{len(areas) + 1}">'
            f'<span class="og-gname">{html.escape(group.title)}</span></th></tr>'
        ]
        for indicator in members:
            period = periods.get(indicator.id)
            when = display_period(period) if isinstance(period, str) else "ingen tall"
            label = (
                f'<th scope="row"><a href="{html.escape(indicator_href(indicator.id))}" '
                f'title="{html.escape(indicator.title)}">{html.escape(indicator.short_title)}</a>'
                f"<small>{html.escape(when)} · {html.escape(row_unit(indicator, standardised))}"
                "</small></th>"
            )
            row = "".join(
                _cell_html(
                    by_key[indicator.id, a.code],
                    a,
                    indicator,
                    cell_href(a.code, indicator.id),
                )
                for a in areas
            )
            rows.append(f"<tr>{label}{row}</tr>")
        body.append(f"<tbody>{''.join(rows)}</tbody>")
    return (
        f"{_css()}{_legend()}"
        f'<div class="og-wrap" role="region" aria-label="{html.escape(caption)}" tabindex="0">'
        f'<table class="og"><caption>{html.escape(caption)}</caption>'
        f'<thead><tr><th scope="col" class="og-corner">Indikator</th>{head}</tr></thead>'
        f"{''.join(body)}</table></div>"
    )
