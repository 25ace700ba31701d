"""What an export says about its rows, beside the data and never in it: the synthetic-data
notice where it applies, the filters, the columns, the definitions and sources of the
indicators and the legends. One description, written three ways: the README.md and the
Frictionless Data Package descriptor (datapackage.json) of the zip, and the notes sheet of the
XLSX. The Data Package descriptor is plain JSON written by hand: the standard is a published
schema, and writing it needs no library (the tests validate it with ``frictionless``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

import pandas as pd

from data.provenance import UNKNOWN_LABEL, describe_sources, fallback_source
from data.tidy import COLUMNS
from geo.areas import LEVELS
from indicators.catalogue import Indicator
from indicators.stats import JUDGEMENT_LABELS
from indicators.vocabulary import OBSERVATION_KEY, Flag, Polarity, Sex

JUDGEMENT_COLUMN = "sammenlignet_med_landet"
SOURCE_COLUMN = "kilde"
EXPORT_COLUMNS = [*COLUMNS, JUDGEMENT_COLUMN, SOURCE_COLUMN]
SOURCE_KEY = ["indicator_id", "year"]
SOURCE_FIELDS = ["label", "licence", "synthetic", "detail"]
TITLE = "Samhandlingsbarometeret – uttrekk"
DATA_FILE = "data.csv"
DEFAULT_SYNTHETIC_NOTICE = (
    "Syntetiske demodata: tallene er laget av en tilfeldig generator og må ikke brukes som "
    "statistikk."
)
SUPPRESSION_LEGEND = (
    "Prikking: tall under terskelen (vanligvis 1–4 personer, for andeler også 1–4 utenfor "
    "telleren) publiseres ikke. Andre tall skjules i tillegg, slik at ingen kombinasjon av "
    "publiserte tall (summer over kommuner, helsefellesskap, fylker, kjønn og alder) kan "
    "snevre inn et skjult tall til færre enn 5 mulige verdier (sekundær prikking). Prikkede "
    "rader har tomme tallfelt, suppressed = true og samme begrunnelse i suppression_reason, "
    "uansett hvorfor de er skjult; tall som kilden selv har skjult, har kildens begrunnelse."
)
POLARITY_TEXT = {
    Polarity.HIGHER_IS_BETTER: "høyere er bedre",
    Polarity.LOWER_IS_BETTER: "lavere er bedre",
    Polarity.NEUTRAL: "ingen vurdering av retning",
}
FLAG_TEXT = {
    Flag.ESTIMATED: (
        "tallene til en kommune som ble delt, er fordelt på kommunene den ble delt i etter "
        "befolkningsvekter (SSBs delingsnøkler); de er anslag, ikke tellinger."
    ),
    Flag.INCOMPLETE: (
        "et samlet tall (helsefellesskap, fylke, RHF eller landet) der noen av kommunene "
        "mangler; note sier hva som mangler."
    ),
}
COMPARISON_TEXT = (
    "Hvert område sammenlignes med landets verdi for samme indikator, år, kjønn og "
    "aldersgruppe, slik appen gjør: ligger hele 95 % konfidensintervallet over eller under "
    "landets verdi, er forskjellen sikker, og den leses etter indikatorens retning («Bedre enn "
    "landet» eller «Dårligere enn landet»; «Høyere enn landet» eller «Lavere enn landet» når "
    "ingen retning er bedre). Ellers står det «Ingen sikker forskjell». «Ikke testet» betyr at "
    "området eller landet mangler verdi eller konfidensintervall, for eksempel fordi tallet er "
    "prikket."
)
AREA_CODES_TEXT = (
    "Områdekoder: NO = hele landet, R1–R4 = RHF, H01–H19 = helsefellesskap, F + fylkesnummer "
    "= fylke, fire sifre = kommunenummer (2024)."
)
METHOD_TEXT = (
    "Verdien er beregnet fra summerte tellere og nevnere; 95 % konfidensintervall: Wilson for "
    "andeler, eksakt Poisson for rater. En samlet periode (2022-2024) summerer tellere og "
    "nevnere over årene og sammenlignes med landet i samme periode. Sammenligningen gjelder "
    "den ujusterte verdien (value), også der en aldersstandardisert rate er oppgitt."
)
_EMPTY_WHEN_HIDDEN = "Tom når tallet er prikket."
# Each column's Table Schema type, its description, and its allowed values where fixed.
FIELDS: dict[str, tuple[str, str, list[str] | None]] = {
    "indicator_id": ("string", "Indikatorens id (se «Indikatorer»).", None),
    "area_code": ("string", AREA_CODES_TEXT, None),
    "area_name": ("string", "Områdets navn.", None),
    "level": ("string", "Nivå: " + ", ".join(LEVELS) + ".", list(LEVELS)),
    "year": ("integer", "År; for en samlet periode det siste året i perioden.", None),
    "period": (
        "string",
        "Perioden tallet gjelder: et år (2024) eller flere år samlet (2022-2024), der tellere "
        "og nevnere er summert over årene. Små kommuner får slik tall som kan sammenlignes.",
        None,
    ),
    "sex": ("string", "Kjønn: alle, kvinner eller menn.", list(Sex)),
    "age_band": (
        "string",
        "Aldersgruppe: alle (hele indikatorens aldersgruppe) eller et intervall som 18-69 "
        "eller 70+.",
        None,
    ),
    "numerator": (
        "integer",
        "Teller. Tom når tallet er prikket eller kilden bare oppgir verdien.",
        None,
    ),
    "denominator": (
        "integer",
        "Nevner. Tom når tallet er prikket eller kilden bare oppgir verdien.",
        None,
    ),
    "value": ("number", f"Verdien i indikatorens enhet. {_EMPTY_WHEN_HIDDEN}", None),
    "ci_low": (
        "number",
        f"Nedre grense for 95 % konfidensintervall. {_EMPTY_WHEN_HIDDEN}",
        None,
    ),
    "ci_high": (
        "number",
        f"Øvre grense for 95 % konfidensintervall. {_EMPTY_WHEN_HIDDEN}",
        None,
    ),
    "std_value": (
        "number",
        "Aldersstandardisert rate (direkte standardisering til Norges befolkning 1.1.2021, "
        "SSB 07459) for indikatorer som standardiseres, på rader for hele aldersgruppen. Tom "
        "ellers, og når en av aldersgruppene er prikket.",
        None,
    ),
    "std_ci_low": (
        "number",
        "Nedre grense for 95 % konfidensintervall for den aldersstandardiserte raten "
        "(gammametoden, Fay og Feuer).",
        None,
    ),
    "std_ci_high": (
        "number",
        "Øvre grense for 95 % konfidensintervall for den aldersstandardiserte raten.",
        None,
    ),
    "suppressed": ("boolean", "true når tallet er skjult (prikket), ellers false.", None),
    "suppression_reason": ("string", "Hvorfor tallet er skjult.", None),
    "flag": (
        "string",
        "anslått eller ufullstendig (se «Flagg»); tom for et vanlig tall.",
        list(Flag),
    ),
    "note": ("string", "Forklaring til flagget, eller hvorfor et område mangler tall.", None),
    JUDGEMENT_COLUMN: (
        "string",
        "Området mot landet med de samme ordene som i appen (se «Sammenligning med landet»).",
        list(dict.fromkeys(JUDGEMENT_LABELS.values())),
    ),
    SOURCE_COLUMN: (
        "string",
        f"Kilden til indikatoren dette året; «{UNKNOWN_LABEL}» når datalageret ikke har den.",
        None,
    ),
}


def with_sources(rows: pd.DataFrame, sources: pd.DataFrame, meta: dict[str, str]) -> pd.DataFrame:
    """``rows`` with the source of their indicator-year (SOURCE_FIELDS): the recorded one,
    else the fallback of a store written before sources were recorded."""
    joined = rows.merge(sources[SOURCE_KEY + SOURCE_FIELDS], on=SOURCE_KEY, how="left")
    missing = joined["label"].isna().to_numpy()
    if missing.any():
        fallback = fallback_source(meta)
        for column in SOURCE_FIELDS:
            joined[column] = [
                getattr(fallback, column) if gap else value
                for gap, value in zip(missing, joined[column], strict=True)
            ]
    joined["synthetic"] = joined["synthetic"].astype(bool)
    return joined


@dataclass(frozen=True)
class IndicatorAbout:
    """An exported indicator and the sources of its exported years (indicator_id, year,
    label, licence, synthetic)."""

    indicator: Indicator
    sources: pd.DataFrame

    @property
    def synthetic(self) -> bool:
        return bool(self.sources["synthetic"].any())

    def describe_sources(self) -> str:
        return describe_sources(self.sources)


@dataclass(frozen=True)
class About:
    """Everything an export says about its rows."""

    built_at: str
    filters: str
    rows: int
    notice: str | None
    indicators: list[IndicatorAbout]

    def sources(self) -> pd.DataFrame:
        """Each source once (label, licence, synthetic), by label."""
        frames = [item.sources for item in self.indicators]
        if not frames:
            return pd.DataFrame(columns=["label", "licence", "synthetic"])
        every = pd.concat(frames)[["label", "licence", "synthetic"]]
        return every.drop_duplicates("label").sort_values("label").reset_index(drop=True)


def describe_export(
    meta: dict[str, str],
    filters: str,
    rows: int,
    pairs: list[tuple[str, int]],
    sources: pd.DataFrame,
    catalogue: dict[str, Indicator],
) -> About:
    """The description of an export of ``rows`` rows holding the indicator-years ``pairs``.

    ``sources`` is data.provenance.slice_sources; an indicator-year without one (written
    before sources were recorded) gets data.provenance.fallback_source."""
    exported = with_sources(pd.DataFrame(pairs, columns=["indicator_id", "year"]), sources, meta)
    indicators = [
        IndicatorAbout(catalogue[indicator_id], rows_of.reset_index(drop=True))
        for indicator_id, rows_of in exported.groupby("indicator_id", sort=False)
    ]
    synthetic = [item.indicator.id for item in indicators if item.synthetic]
    notice = None
    if synthetic:
        which = (
            "Det gjelder alle tallene i uttrekket."
            if len(synthetic) == len(indicators)
            else "Det gjelder indikatorene " + ", ".join(synthetic) + "."
        )
        notice = f"MERK: {meta.get('synthetic_notice', DEFAULT_SYNTHETIC_NOTICE)} {which}"
    return About(meta.get("built_at", "ukjent"), filters, rows, notice, indicators)


def _sentence(text: str) -> str:
    """Definitions in the catalogue may end without a full stop; in running text they need one."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _indicator_text(item: IndicatorAbout) -> str:
    ind = item.indicator
    return (
        f"{ind.title} ({ind.unit}). Teller: {_sentence(ind.numerator_definition)} "
        f"Nevner: {_sentence(ind.denominator_definition or '–')} "
        f"Retning: {POLARITY_TEXT[ind.polarity]}. Kilde: {item.describe_sources()}."
    )


def _source_text(source: pd.Series) -> str:
    if source["synthetic"]:
        return "syntetiske tall, ikke virkelige"
    return source["licence"] if isinstance(source["licence"], str) else "lisens ikke oppgitt"


# A section is a heading and its items: a term (a column, a flag, an indicator, a source)
# with its text, or a paragraph (no term).
Section = tuple[str, list[tuple[str | None, str]]]


def sections(about: About) -> list[Section]:
    """The description in headed sections, for the README and the notes sheet."""
    intro = [about.notice] if about.notice else []
    intro += [
        f"Datagrunnlag oppdatert: {about.built_at}",
        f"Utvalg: {about.filters}",
        f"Rader: {about.rows}",
    ]
    sources = [(row["label"], _source_text(row)) for _, row in about.sources().iterrows()]
    return [
        ("Om uttrekket", [(None, text) for text in intro]),
        ("Kolonner", [(name, FIELDS[name][1]) for name in EXPORT_COLUMNS]),
        ("Sammenligning med landet", [(None, COMPARISON_TEXT), (None, METHOD_TEXT)]),
        ("Flagg", [(str(flag), text) for flag, text in FLAG_TEXT.items()]),
        ("Prikking", [(None, SUPPRESSION_LEGEND), (None, AREA_CODES_TEXT)]),
        ("Indikatorer", [(item.indicator.id, _indicator_text(item)) for item in about.indicators]),
        ("Kilder og lisenser", sources or [(None, "Ingen rader, ingen kilder.")]),
    ]


def readme(about: About) -> str:
    """README.md of the zip, in bokmål: terms as list items, the rest as paragraphs."""
    blocks = [
        f"# {TITLE}",
        f"`{DATA_FILE}` har dataene: én rad per indikator, område, år, kjønn og aldersgruppe, "
        "komma som skilletegn, punktum som desimaltegn, UTF-8. `datapackage.json` beskriver "
        "dem som en Frictionless Data Package (<https://datapackage.org>), og denne filen "
        "forklarer dem.",
    ]
    for heading, items in sections(about):
        blocks.append(f"## {heading}")
        for is_list, run in groupby(items, key=lambda item: item[0] is not None):
            texts = [f"- `{term}`: {text}" if is_list else text for term, text in run]
            blocks += ["\n".join(texts)] if is_list else texts
    return "\n\n".join(blocks) + "\n"


def notes(about: About) -> list[list[str]]:
    """The notes sheet of the XLSX: the same sections, a term and its text per row."""
    rows = [[TITLE]]
    for heading, items in sections(about):
        rows += [[], [heading]]
        rows += [[term, text] if term else [text] for term, text in items]
    return rows


def _licences(licence: object) -> list[dict[str, str]]:
    """A licence as the Data Package writes it: "CC BY 4.0" is named CC-BY-4.0 (its SPDX id)."""
    if not isinstance(licence, str):
        return []
    return [{"name": re.sub(r"[^A-Za-z0-9._-]+", "-", licence.strip()), "title": licence}]


def _licence_property(licence: object) -> dict:
    """``licenses`` for a source that has one; a source without leaves it out."""
    licences = _licences(licence)
    return {"licenses": licences} if licences else {}


def _field(name: str) -> dict:
    kind, description, allowed = FIELDS[name]
    field: dict = {"name": name, "type": kind, "description": description}
    if kind == "boolean":
        field |= {"trueValues": ["true"], "falseValues": ["false"]}
    constraints: dict = {"required": True} if name in OBSERVATION_KEY else {}
    if allowed:
        constraints["enum"] = allowed
    if constraints:
        field["constraints"] = constraints
    return field


def datapackage(about: About) -> dict:
    """datapackage.json: a Frictionless Data Package (v2) with the field schema, the sources
    with their licences, and the indicators with their definitions and sources."""
    description = "\n\n".join(
        [*([about.notice] if about.notice else []), f"Utvalg: {about.filters}", METHOD_TEXT]
    )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "samhandlingsbarometeret-uttrekk",
        "title": TITLE,
        "description": description,
        "sources": [
            {
                "title": row["label"],
                "synthetic": bool(row["synthetic"]),
                **_licence_property(row["licence"]),
            }
            for _, row in about.sources().iterrows()
        ],
        "resources": [
            {
                "name": "data",
                "path": DATA_FILE,
                "type": "table",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": {
                    "fields": [_field(name) for name in EXPORT_COLUMNS],
                    "missingValues": [""],
                    "primaryKey": list(OBSERVATION_KEY),
                },
            }
        ],
        "indicators": [_indicator(item) for item in about.indicators],
        "suppression": SUPPRESSION_LEGEND,
        "flags": {str(flag): text for flag, text in FLAG_TEXT.items()},
        "comparison": COMPARISON_TEXT,
    }


def _indicator(item: IndicatorAbout) -> dict:
    ind = item.indicator
    return {
        "id": ind.id,
        "title": ind.title,
        "unit": ind.unit,
        "measure": str(ind.measure),
        "polarity": POLARITY_TEXT[ind.polarity],
        "numerator": ind.numerator_definition,
        "denominator": ind.denominator_definition or None,
        "description": ind.description,
        "synthetic": item.synthetic,
        "sources": [
            {
                "title": label,
                "years": sorted(int(y) for y in rows["year"]),
                **_licence_property(rows["licence"].iloc[0]),
                "synthetic": bool(rows["synthetic"].iloc[0]),
            }
            for label, rows in item.sources.groupby("label", sort=False)
        ],
    }
