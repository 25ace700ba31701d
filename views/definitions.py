"""Every indicator's definition in plain Norwegian without Streamlit: the facts table, the
small-count rule and the published anchor, and the search over them, so the Om indikatorene
page and the meeting pack explain a number the same way."""

from __future__ import annotations

from data.exporter import POLARITY_TEXT
from indicators.catalogue import Indicator
from indicators.vocabulary import Measure
from views.format import number
from views.labels import age_label

MEASURE_TEXT = {
    Measure.SHARE: "andel (teller / nevner × 100)",
    Measure.RATE: "rate (hendelser per innbyggere eller pasienter)",
    Measure.RATIO: "forholdstall (teller / nevner, uten konfidensintervall)",
    Measure.TOTAL: "sum i kroner (antall × årets pris)",
}


def suppression_text(indicator: Indicator) -> str:
    """The small-count rule for this indicator, in words a non-statistician can follow."""
    threshold = indicator.suppression_threshold
    if threshold <= 1:
        return "Tallene skjules ikke: de gjelder ikke enkeltpersoner."
    small = f"1–{threshold - 1}" if threshold > 2 else "1"
    text = f"Et tall skjules (prikkes) når telleren er {small}."
    if indicator.measure == Measure.SHARE:
        text += (
            f" For andeler skjules tallet også når {small} personer står utenfor telleren "
            "(nevner minus teller), for da ville de få som ikke fikk tjenesten kunne kjennes "
            "igjen."
        )
    return text + (
        " I tillegg skjules andre tall, slik at et skjult tall ikke kan regnes ut eller "
        f"snevres inn til færre enn {threshold} mulige verdier ved å kombinere publiserte tall, "
        "for eksempel helsefellesskapet minus fylket og de andre kommunene (sekundær prikking)."
    )


def anchor_text(indicator: Indicator) -> str:
    """The published national figure the demo level is tied to, or why there is none."""
    if indicator.anchor is None:
        return "Ingen publisert nasjonal verdi å sammenligne med; demonivået er et anslag."
    anchor = indicator.anchor
    value = number(anchor["value"], indicator.decimals)
    return f"{anchor['text']} (nasjonalt nivå {value} {indicator.unit} i {anchor['year']})."


def matches(indicator: Indicator, query: str) -> bool:
    """Case-insensitive search in every text a user might remember an indicator by."""
    texts = (
        indicator.id,
        indicator.title,
        indicator.short_title,
        indicator.description,
        indicator.numerator_definition,
        indicator.denominator_definition,
        indicator.source,
    )
    return query.casefold() in " ".join(texts).casefold()


def definition_table(indicator: Indicator) -> str:
    """The facts of one indicator as a two-column Markdown table."""
    bands = ", ".join(age_label(b) for b in indicator.age_bands)
    rows = [
        ("Teller", indicator.numerator_definition),
        ("Nevner", indicator.denominator_definition or "–"),
        ("Mål", MEASURE_TEXT[indicator.measure]),
        ("Enhet", indicator.unit),
        ("Kilde", indicator.source),
        ("Retning", POLARITY_TEXT[indicator.polarity].capitalize()),
        (
            "Aldersgruppe",
            f"{indicator.age_group}, delt i {bands}" if bands else indicator.age_group,
        ),
        ("Kjønn", "kvinner og menn hver for seg" if indicator.by_sex else "ingen oppdeling"),
        ("Publisert tall", anchor_text(indicator)),
        ("Begrensninger", indicator.limitations),
        ("Prikking", suppression_text(indicator)),
        ("Id", f"`{indicator.id}`"),
    ]
    lines = ["| Egenskap | Beskrivelse |", "| --- | --- |"]
    lines += [f"| **{name}** | {text.replace('|', '/')} |" for name, text in rows]
    return "\n".join(lines)
