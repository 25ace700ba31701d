"""Each area against the national value: one rule for every page, chart, map and export.

It lives here, below both the view layer and the store, so that a download computes the
judgement exactly as the page that shows it. The national value may be one number for a
whole slice or one per row (an export holds many slices); NaN means there is none, and the
area is then "not tested".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from indicators.catalogue import Indicator
from indicators.stats import judge_against_national

SUPPRESSED = "suppressed"  # the status of an area whose value is not shown


def judgements(frame: pd.DataFrame, indicator: Indicator, national: float | ArrayLike) -> pd.Series:
    """The judgement of each row: its CI against the national point, read through polarity."""
    judged = judge_against_national(
        frame["value"], frame["ci_low"], frame["ci_high"], national, indicator.polarity
    )
    return pd.Series(judged, index=frame.index, dtype=str)


def judged(frame: pd.DataFrame, indicator: Indicator, national: float) -> pd.DataFrame:
    """The rows with a 'judgement' column."""
    return frame.assign(judgement=judgements(frame, indicator, national))


def area_status(frame: pd.DataFrame, indicator: Indicator, national: float) -> pd.Series:
    """The judgement per row, or SUPPRESSED where no value is shown (hidden, or 0 of 0)."""
    hidden = frame["suppressed"].eq(True) | frame["value"].isna()
    return pd.Series(
        np.where(hidden, SUPPRESSED, judgements(frame, indicator, national)),
        index=frame.index,
        dtype=str,
    )
