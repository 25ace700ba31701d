"""The standard population that rates are directly age-standardised to: Norway on 1 January
2021 by sex and single year of age (SSB 07459), built by
``data/open_data/build_standard_population.py``, which says why this standard."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.ages import age_range
from indicators.metadata import load_checked_yaml
from indicators.vocabulary import Sex

STANDARD_FILE = Path(__file__).with_name("standard_population.csv")
META_FILE = Path(__file__).with_name("standard_population.meta.yml")
SCHEMA_FILE = Path(__file__).with_name("standard_population.meta.schema.json")


@lru_cache(maxsize=1)
def _standard() -> pd.DataFrame:
    return pd.read_csv(STANDARD_FILE, dtype={"sex": str})


@lru_cache(maxsize=1)
def standard_meta() -> dict:
    """What the standard is (title, source, year): pages and exports name it."""
    return load_checked_yaml(META_FILE, SCHEMA_FILE)


def standard_weights(bands: tuple[str, ...], sex: str) -> np.ndarray:
    """Persons of the standard in each age band, of one sex, or of both for ``alle``: the
    weights of a directly standardised rate of that sex."""
    table = _standard()
    if sex != Sex.ALL:
        table = table[table["sex"] == sex]
    weights = []
    for band in bands:
        first, last = age_range(band)
        weights.append(float(table.loc[table["age"].between(first, last), "persons"].sum()))
    return np.array(weights)
