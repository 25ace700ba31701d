"""What the meeting pack and the report say, section by section, as plain blocks.

``SECTIONS`` is the order of the pack; each entry takes the ``PackContext`` and returns its
blocks, so a new section is a function and one line in the list. The slides and the PDF draw
the same blocks, and the words come from the view layer the app uses (judgements, labels,
number formats, sources, stories), so a pack never disagrees with the screen.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from data.export_about import COMPARISON_TEXT, POLARITY_TEXT
from data.provenance import describe_sources
from geo.areas import NATIONAL_CODE, Level, area_names
from indicators.catalogue import Indicator, patient_groups
from indicators.periods import display_period
from indicators.standard_population import standard_meta
from indicators.stats import JUDGEMENT_LABELS
from indicators.vocabulary import ALL, Measure, Polarity
from report.blocks import (
    Block,
    Cell,
    Chart,
    ChartsBlock,
    MapBlock,
    Series,
    Slice,
    TableBlock,
    TableRow,
    TextBlock,
    TitleBlock,
    ink_on,
)
from report.context import PackContext, kommune_geometry, norwegian_date
from views import changes, map_text
from views.barometer import (
    HEADLINE_INDICATORS,
    JUDGED,
    TREND_LABELS,
    TREND_MEANING_WORDS,
    TREND_NOT_TESTED,
    judgement_counts,
    shown_slices,
    target_status,
)
from views.charts import NATIONAL_NAME
from views.comparison import short_name
from views.format import display_value, interval, number, with_unit
from views.judgement import SUPPRESSED, area_status
from views.labels import age_label
from views.maps import STATUS_LABELS, STATUS_ORDER, geometry_credit
from views.selection import Selection, SliceView, slice_view
from views.sources import FLAG_MARK, shown_sources
from views.stories import ChartView, load_stories, story_chart
from views.theme import AREA_COLOURS, JUDGEMENT_COLOURS, JUDGEMENT_SYMBOLS, NATIONAL_COLOUR

Section = Callable[[PackContext], list[Block]]

TITLE = "Samhandlingsbarometeret"
INTRO = (
    "Samhandling mellom kommuner og sykehus for de fem pasientgruppene i Nasjonal helse- og "
    "samhandlingsplan 2024–2027, sammenlignet med landet."
)
# The figure most discussed between the parties, on the map and the kommune chart.
KEY_INDICATOR = "utskrivningsklare_somatikk_dogn"
SUPPRESSED_TEXT = "Skjult"
SUPPRESSED_NOTE = "av personvernhensyn"
MISSING_TEXT = "Mangler"
NO_CASES_TEXT = "Ingen i målgruppen"
BAROMETER_COLUMNS = ("Indikator", "Verdi", "Landet", "Sammenlignet med landet", "Utvikling")
BAROMETER_WIDTHS = (4.0, 1.95, 1.35, 2.8, 2.2)
BAROMETER_LEGEND = (
    "Sammenlignet med landet med 95 % konfidensintervall; «høyere/lavere» der ingen retning "
    "er bedre. Utvikling: økende eller synkende er testet på antallene for de fem siste "
    "enkeltårene (99,8 %-nivå); «ikke testet» der et år er skjult eller mangler."
)
SUPPRESSION_TEXT = (
    "Tall for svært få personer publiseres ikke: de står som «Skjult», aldri som null, og "
    "andre tall skjules i tillegg, slik at et skjult tall ikke kan regnes ut av de publiserte "
    "(sekundær prikking). Små kommuner vises derfor over flere år samlet der det trengs."
)
NO_CHART = "Ingen tall å vise for «{title}»: de mangler eller er skjult."
LINES = "Heltrukket linje er området, stiplet er landet; et brudd er et skjult år."
KOMMUNE_BARS_PER_CHART = 15  # more kommuner are shared out over charts side by side
CHOSEN_MARK = "◄"  # after the name of the kommune a pack is made for, among its neighbours


def judgement_cell(judgement: str) -> Cell:
    """Symbol and words on the judgement's colour, so colour is never the only cue."""
    colour = JUDGEMENT_COLOURS[judgement]
    text = f"{JUDGEMENT_SYMBOLS[judgement]} {JUDGEMENT_LABELS[judgement]}"
    return Cell(text, fill=colour, ink=ink_on(colour), bold=True)


def _period(row: pd.Series) -> str:
    return display_period(row["period"]) if isinstance(row["period"], str) else ""


def _value_cell(row: pd.Series, indicator: Indicator) -> Cell:
    """The value with its interval below, or why there is none, as the app's barometer."""
    if row["suppressed"]:
        return Cell(SUPPRESSED_TEXT, bold=True, sub=SUPPRESSED_NOTE)
    if row["denominator"] == 0:
        return Cell("–", bold=True, sub=NO_CASES_TEXT)
    if math.isnan(row["value"]):
        return Cell(MISSING_TEXT, bold=True)
    value = display_value(row["value"], indicator)
    flag = row["flag"] if isinstance(row["flag"], str) and row["flag"] else None
    ci = interval(row["ci_low"], row["ci_high"], indicator)
    sub = " · ".join(
        part for part in (f"KI {ci}" if ci else "", f"{FLAG_MARK} {flag}" if flag else "") if part
    )
    return Cell(f"{value} {FLAG_MARK}" if flag else value, bold=True, sub=sub)


def _indicator_cell(row: pd.Series, indicator: Indicator) -> Cell:
    """The title, with the unit, year or period and the kind of rate below it."""
    parts = [] if indicator.unit in ("%", "kroner") else [indicator.unit]
    parts.append(_period(row))
    if indicator.standardised:
        parts.append("aldersstandardisert" if row["standardised"] else "rå rate")
    return Cell(str(row["title"]), sub=" · ".join(p for p in parts if p))


def trend_text(row: pd.Series) -> str:
    """The tested trend of the last five years in words: "Økende (bedre)"."""
    if pd.isna(row["trend"]):
        return TREND_NOT_TESTED
    word = TREND_MEANING_WORDS.get(row["trend_meaning"])
    label = TREND_LABELS[row["trend"]]
    return f"{label} ({word})" if word else label


def spoken(row: pd.Series, indicator: Indicator) -> str:
    """One indicator in words for the speaker: "Utskrivningsklare døgn, somatikk: 14,8 døgn
    per 1 000 innbyggere, landet 20,0, bedre enn landet." """
    name = row["title"]
    if row["suppressed"]:
        return f"{name}: skjult av personvernhensyn."
    if math.isnan(row["value"]):
        return f"{name}: ingen tall."
    if indicator.measure == Measure.TOTAL:  # a sum for the area: the country's is no yardstick
        return f"{name}: {display_value(row['value'], indicator)}."
    text = f"{name}: {with_unit(row['value'], indicator)}"
    if not math.isnan(row["national"]):
        text += f", landet {display_value(row['national'], indicator)}"
    text = f"{text}, {row['judgement_label'].lower()}."
    status = target_status(row)
    return f"{text} Eget {status}." if status else text


def barometer_row(context: PackContext, indicator_id: str) -> pd.Series:
    """An indicator's row of the area's barometer."""
    table = context.barometer
    return table[table["indicator_id"] == indicator_id].iloc[0]


def _period_slices(row: pd.Series) -> tuple[Slice, ...]:
    if pd.isna(row["year"]):
        return ()
    last = int(row["year"])
    return tuple((row["indicator_id"], y) for y in range(last - row["period_years"] + 1, last + 1))


def _barometer_rows(context: PackContext) -> tuple[TableRow, ...]:
    rows = []
    table = context.barometer
    for group in patient_groups():
        rows.append(TableRow((Cell(group.title, bold=True),), heading=True))
        for _, row in table[table["group_id"] == group.id].iterrows():
            indicator = context.catalogue[row["indicator_id"]]
            cells = (
                _indicator_cell(row, indicator),
                _value_cell(row, indicator),
                Cell(display_value(row["national"], indicator), sub=target_status(row) or ""),
                judgement_cell(row["judgement"]),
                Cell(trend_text(row)),
            )
            rows.append(TableRow(cells, spoken=spoken(row, indicator), shown=_period_slices(row)))
    return tuple(rows)


def _headline(context: PackContext) -> list[str]:
    """How many indicators are better, similar or worse, and the three headline figures."""
    table = context.barometer
    counts = judgement_counts(table[table["polarity"] != Polarity.NEUTRAL])
    tested = sum(counts[code] for code in JUDGED)
    lines = [
        " · ".join(
            f"{JUDGEMENT_SYMBOLS[code]} {JUDGEMENT_LABELS[code]}: {counts[code]} av {tested}"
            for code in JUDGED
        )
    ]
    by_id = table.set_index("indicator_id")
    for indicator_id in HEADLINE_INDICATORS:
        lines.append(spoken(by_id.loc[indicator_id], context.catalogue[indicator_id]))
    return lines


def title_section(context: PackContext) -> list[Block]:
    """Who, which year, the headline and the data version the pack was made from."""
    version = context.version
    headline = _headline(context)
    lines = [INTRO, *headline]
    if context.pooled_message:
        lines.append(context.pooled_message)
    lines.append(f"Dataversjon {version.label} · laget fra data per {norwegian_date(version.made)}")
    notes = (
        f"{context.area_name}, tall for {context.year}. Av indikatorene der høyere eller "
        f"lavere er bedre: {headline[0]}. " + " ".join(headline[1:])
    )
    return [
        TitleBlock(
            TITLE,
            f"{context.area_name} · tall for {context.year}",
            tuple(lines),
            notes,
            tuple(shown_slices(context.barometer)),
        )
    ]


NOTHING_TO_COMPARE = "Lageret har verken en tidligere dataversjon eller året før å sammenligne med."
NOTHING_CHANGED = "Ingen vurderinger mot landet, egne mål eller nye år har endret seg."


def changes_section(context: PackContext) -> list[Block]:
    """What has changed since the last data version (or year): the first question of every
    meeting, so the first content slide."""
    found = context.what_changed
    title = f"Hva har endret seg – {context.short_name}"
    shown = tuple(shown_slices(context.barometer))
    if found is None:
        return [
            TextBlock(
                title, (("Ingen sammenligning", NOTHING_TO_COMPARE),), NOTHING_TO_COMPARE, shown
            )
        ]
    intro = f"{found.after.capitalize()} mot {found.before}."
    rows: list[TableRow] = []
    for heading, lines in changes.change_groups(found, context.catalogue):
        rows.append(TableRow((Cell(heading, bold=True),), heading=True))
        rows += [TableRow((Cell(line),), spoken=line, shown=shown) for line in lines]
    if not rows:
        rows.append(TableRow((Cell(NOTHING_CHANGED),), spoken=NOTHING_CHANGED, shown=shown))
    return [TableBlock(title, intro, ("Endring",), (1.0,), tuple(rows))]


def barometer_section(context: PackContext) -> list[Block]:
    """Every indicator against the national value, grouped by patient group."""
    intro = (
        f"Verdiene gjelder {context.year} (eller siste år eller periode før), mot landet i "
        "samme år eller periode."
    )
    if context.pooled_message:
        intro += " " + context.pooled_message
    return [
        TableBlock(
            f"Barometer – {context.short_name}",
            intro,
            BAROMETER_COLUMNS,
            BAROMETER_WIDTHS,
            _barometer_rows(context),
            BAROMETER_LEGEND,
        )
    ]


def _key_view(context: PackContext) -> tuple[SliceView, str | None]:
    """The key indicator's kommuner in the helsefellesskap, pooled where the Kart page would
    pool them (fewer kommuner hidden or untested)."""
    indicator = context.catalogue[KEY_INDICATOR]
    row = barometer_row(context, KEY_INDICATOR)
    year = context.year if pd.isna(row["year"]) else int(row["year"])
    selection = Selection(
        indicator,
        year,
        area=context.area,
        standardised=indicator.standardised,
    )
    within = context.helsefellesskap
    single = slice_view(context.source, selection, within)
    if not indicator.pooled_years or year != context.newest_year:
        return single, None
    pooled = slice_view(context.source, replace(selection, pooled=True), within)
    if map_text.prefer_pooled(single, pooled):
        return pooled, map_text.pooled_note(single, pooled)
    return single, None


def _view_slices(view: SliceView) -> tuple[Slice, ...]:
    chosen = view.selection
    length = chosen.indicator.pooled_years if chosen.pooled else 1
    return tuple((chosen.indicator.id, y) for y in range(chosen.year - length + 1, chosen.year + 1))


def _status_words(status: pd.Series) -> str:
    counts = status.value_counts()
    return ", ".join(
        f"{STATUS_LABELS[code].split(' ', 1)[1].lower()}: {counts[code]}"
        for code in STATUS_ORDER
        if code in counts
    )


def map_section(context: PackContext) -> list[Block]:
    """The key indicator on a map of the helsefellesskap's kommuner, and the kommuner as
    bars beside each other."""
    view, pooled_note = _key_view(context)
    if view.rows.empty:
        return []
    indicator = view.selection.indicator
    status = area_status(view.rows, indicator, view.national).set_axis(view.rows["area_code"])
    collection, official = kommune_geometry(context.engine)
    outline = context.area if context.level == Level.KOMMUNE else None
    hf_name = short_name(area_names()[context.helsefellesskap])
    row = barometer_row(context, KEY_INDICATOR)
    national = with_unit(view.national, indicator)
    side = [
        f"{indicator.title}, {indicator.unit}, i kommunene i {hf_name}.",
        f"{context.area_name}: {display_value(row['value'], indicator)}",
        f"Landet: {display_value(view.national, indicator)}",
        f"Av {len(status)} kommuner i {hf_name}: {_status_words(status)}.",
    ]
    if pooled_note:
        side.append(pooled_note)
    click_hint = map_text.LEVEL_WORDS[Level.KOMMUNE].click_hint + " "
    caption = map_text.caption(view, "comparison", official).replace(click_hint, "")
    notes = (
        f"{spoken(row, indicator)} Kartet viser kommunene i {hf_name} i "
        f"{view.selection.period} mot landet ({national}); "
        f"{_status_words(status)}."
    )
    shown = _view_slices(view)
    blocks: list[Block] = [
        MapBlock(
            f"Kart: {indicator.short_title}, {view.selection.period}",
            collection,
            tuple(sorted(status.items())),
            outline,
            tuple(side),
            caption,
            notes,
            shown,
        )
    ]
    bars = _kommune_bars(view, status, hf_name)
    if bars is not None:
        blocks.append(bars)
    return blocks


def nice_maximum(value: float) -> float:
    """The axis end at or above ``value`` on a round number (120 for 114,9)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    steps = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
    return next(step * power for step in steps if step * power >= value)


def _kommune_bars(view: SliceView, status: pd.Series, hf_name: str) -> ChartsBlock | None:
    """The kommuner with a value as bars, highest first, each in its judgement's colour,
    shared out over charts side by side on one scale."""
    indicator = view.selection.indicator
    rows = view.rows.assign(status=status.to_numpy())
    shown = rows[rows["status"] != SUPPRESSED].sort_values(
        ["value", "area_name"], ascending=[False, True]
    )
    if len(rows) < 2 or shown.empty:
        return None
    hidden = sorted(rows.loc[rows["status"] == SUPPRESSED, "area_name"])
    size = math.ceil(len(shown) / math.ceil(len(shown) / KOMMUNE_BARS_PER_CHART))
    starts = range(0, len(shown), size)
    national = display_value(view.national, indicator)
    top = nice_maximum(float(shown["value"].max()))
    charts = tuple(
        Chart(
            f"Nr. {start + 1}–{min(start + size, len(shown))}"
            if len(starts) > 1
            else view.selection.period,
            "bar",
            tuple(
                f"{name} {CHOSEN_MARK}" if code == view.selection.area else name
                for code, name in zip(part["area_code"], part["area_name"], strict=True)
            ),
            (
                Series(
                    indicator.unit,
                    tuple(round(float(v), indicator.decimals) for v in part["value"]),
                    AREA_COLOURS[0],
                    colours=tuple(JUDGEMENT_COLOURS[s] for s in part["status"]),
                ),
            ),
            indicator.unit,
            indicator.decimals,
            f"Fargen er kommunens vurdering mot landet ({national}).",
            top,
        )
        for start in starts
        for part in [shown.iloc[start : start + size]]
    )
    kinds = ", ".join(
        f"{JUDGEMENT_SYMBOLS[code]} {JUDGEMENT_LABELS[code].lower()}"
        for code in STATUS_ORDER
        if code in set(shown["status"])
    )
    text = (
        f"{indicator.title} ({indicator.unit}), {view.selection.period}, høyest først. "
        f"Landet: {national}. Fargen viser sammenligningen med landet: {kinds}."
    )
    if hidden:
        text += f" Skjult (prikket): {', '.join(hidden)}."
    hidden_words = f"{len(hidden)} kommuner er skjult" if hidden else "ingen kommuner er skjult"
    first, last = shown.iloc[0], shown.iloc[-1]
    notes = (
        f"{indicator.short_title} i kommunene i {hf_name}, {view.selection.period}: høyest i "
        f"{first['area_name']} med {display_value(first['value'], indicator)}, lavest i "
        f"{last['area_name']} med {display_value(last['value'], indicator)}; landet "
        f"{national}; {hidden_words}."
    )
    return ChartsBlock(
        f"Kommunene i {hf_name}: {indicator.short_title}", text, charts, notes, _view_slices(view)
    )


def by_year(frame: pd.DataFrame, years: list[int], decimals: int) -> tuple[float | None, ...]:
    """A series' values for ``years`` at the indicator's precision; None where the year is
    suppressed or missing, so the chart shows a gap, never a zero."""
    values = {
        int(year): None if hidden or pd.isna(value) else round(float(value), decimals)
        for year, value, hidden in zip(
            frame["year"], frame["value"], frame["suppressed"], strict=True
        )
    }
    return tuple(values.get(year) for year in years)


def _native_chart(
    context: PackContext, view: ChartView, kind: str, indicator: Indicator
) -> tuple[Chart, tuple[Slice, ...]]:
    """A story chart as PowerPoint draws it natively, with the years it shows: the area solid
    and the country dashed over the years (one colour per age band), or the kroner as columns.
    The values are the store's, read as the story chart reads them, every year in place."""
    source, area, decimals = context.source, context.area, indicator.decimals
    if kind == "cost":
        rows = source.time_series(indicator.id, [area])
        years = sorted(int(y) for y in rows["year"])
        series = (Series("Betaling (kr)", by_year(rows, years, 0), AREA_COLOURS[0]),)
        chart = Chart(
            view.title, "column", tuple(map(str, years)), series, "kroner", 0, view.caption
        )
        return chart, tuple((indicator.id, y) for y in years)
    bands = indicator.age_bands if kind == "age" else (ALL,)
    frames = {
        code: source.time_series(indicator.id, [code], age_bands=bands)
        for code in (area, NATIONAL_CODE)
    }
    years = sorted({int(y) for frame in frames.values() for y in frame["year"]})
    series = []
    for code, frame in frames.items():
        national = code == NATIONAL_CODE
        for i, band in enumerate(bands):
            rows = frame[frame["age_band"] == band]
            name = NATIONAL_NAME if national else area_names()[area]
            colour = NATIONAL_COLOUR if national and kind != "age" else AREA_COLOURS[i]
            if kind == "age":
                name = age_label(band) + (" – landet" if national else "")
            series.append(Series(name, by_year(rows, years, decimals), colour, dashed=national))
    # The app's trend caption names a CI band that a native line chart does not draw.
    caption = view.caption if kind == "age" else f"{indicator.title}, {indicator.unit}. {LINES}"
    chart = Chart(
        view.title, "line", tuple(map(str, years)), tuple(series), indicator.unit, decimals, caption
    )
    return chart, tuple((indicator.id, y) for y in years)


def _chart_notes(context: PackContext, indicator: Indicator, view: ChartView, kind: str) -> str:
    row = barometer_row(context, indicator.id)
    first, last = int(view.table["År"].iloc[0]), int(view.table["År"].iloc[-1])
    if kind == "cost":
        latest = view.table.iloc[-1]
        paid = display_value(latest["Betaling (kr)"], indicator)
        days, price = number(latest["Liggedøgn"], 0), number(latest["Døgnsats (kr)"], 0)
        return f"{indicator.short_title} i {last}: {paid} for {days} liggedøgn à {price} kr."
    return (
        f"{spoken(row, indicator)} Utvikling de fem siste årene: {trend_text(row).lower()}. "
        f"Figuren viser {first}–{last}."
    )


def _group_block(context: PackContext, group_id: str) -> ChartsBlock:
    group = next(g for g in patient_groups() if g.id == group_id)
    story = load_stories()[group_id]
    charts, notes, missing, shown = [], [], [], []
    for item in story.charts:
        indicator = context.catalogue[item.indicator_id]
        view = story_chart(context.source, item, context.area)
        if view is None:  # hidden or missing: the slide still names the source it would have
            missing.append(NO_CHART.format(title=indicator.short_title))
            shown += _period_slices(barometer_row(context, indicator.id))
            continue
        chart, years = _native_chart(context, view, item.kind, indicator)
        charts.append(chart)
        shown += years
        notes.append(_chart_notes(context, indicator, view, item.kind))
    return ChartsBlock(
        group.title,
        story.fact,
        tuple(charts),
        " ".join(notes + missing),
        tuple(shown),
        tuple(missing),
    )


def stories_section(context: PackContext) -> list[Block]:
    """Each patient group's story with its two charts, in the order of the plan."""
    return [_group_block(context, group_id) for group_id in load_stories()]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def definitions_section(context: PackContext) -> list[Block]:
    """What every indicator counts, in the catalogue's words."""
    items = tuple(
        (
            indicator.short_title,
            f"{_sentence(indicator.title)} Teller: {_sentence(indicator.numerator_definition)} "
            f"Nevner: {_sentence(indicator.denominator_definition or '–')} Enhet: "
            f"{indicator.unit}; {POLARITY_TEXT[indicator.polarity]}.",
        )
        for indicator in context.catalogue.values()
    )
    return [
        TextBlock(
            "Definisjoner",
            items,
            f"Definisjonene av de {len(items)} indikatorene i barometeret, fra katalogen.",
            tuple(shown_slices(context.barometer)),
        )
    ]


def _which(rows: pd.DataFrame, every: set[str], context: PackContext) -> str:
    """The indicators a source holds: all of them, or their names."""
    ids = list(dict.fromkeys(rows["indicator_id"]))
    if set(ids) == every:
        return f"alle de {len(ids)} indikatorene"
    return ", ".join(f"«{context.catalogue[i].short_title}»" for i in ids)


def sources_section(context: PackContext) -> list[Block]:
    """Where the numbers come from, how they are compared and which data version they are."""
    shown = tuple(shown_slices(context.barometer))
    sources, fallback = context.sources_frame
    frame = shown_sources(shown, sources, fallback)
    every = set(frame["indicator_id"])
    items = [
        (str(rows["label"].iloc[0]), f"{describe_sources(rows)}: {_which(rows, every, context)}.")
        for _, rows in frame.groupby("label", sort=True)
    ]
    notice = context.shown(shown).notice
    if notice:
        items.append(("Syntetiske data", notice))
    meta = standard_meta()
    items += [
        ("Sammenligning med landet", COMPARISON_TEXT),
        (
            "Aldersstandardisering",
            f"Aldersstandardiserte rater er vektet til Norges befolkning 1. januar {meta['year']} "
            f"({meta['source']}), så områder med ulik alderssammensetning kan sammenlignes.",
        ),
        ("Prikking", SUPPRESSION_TEXT),
        ("Kart", geometry_credit(kommune_geometry(context.engine)[1]) + "."),
        (
            "Dataversjon",
            f"{context.version.label}; laget fra data per {norwegian_date(context.version.made)}. "
            "Samme dataversjon gir de samme tallene.",
        ),
    ]
    return [
        TextBlock(
            "Kilder og metode",
            tuple(items),
            f"Tallene kommer fra {context.shown(shown).line.removeprefix('Kilde: ')}. "
            f"Dataversjon {context.version.label}.",
            shown,
        )
    ]


SECTIONS: list[Section] = [
    title_section,
    changes_section,
    barometer_section,
    map_section,
    stories_section,
    definitions_section,
    sources_section,
]


def build_blocks(context: PackContext, sections: list[Section] | None = None) -> list[Block]:
    """Every block of the pack, section by section."""
    return [block for section in sections or SECTIONS for block in section(context)]
