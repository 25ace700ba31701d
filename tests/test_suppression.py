"""Primary and secondary suppression: hand-worked cases and the invariant on the demo store."""

import numpy as np
import pandas as pd
import scipy.sparse as sp

from geo.areas import aggregate_relations
from indicators import protection
from indicators.suppression import SUPPRESSION_REASON, primary_suppression, suppress_small_counts

RELATIONS = [("H", ["A", "B", "C"])]


def frame(rows: list[tuple]) -> pd.DataFrame:
    out = pd.DataFrame(
        rows,
        columns=[
            "indicator_id",
            "area_code",
            "year",
            "sex",
            "age_band",
            "numerator",
            "denominator",
        ],
    )
    out["value"] = out["numerator"] / out["denominator"]
    out["ci_low"] = out["ci_high"] = np.nan
    return out


def test_primary_rule_numerator_and_complement():
    numerator = np.array([0, 1, 4, 5, 98, 96, 3])
    denominator = np.array([10, 10, 10, 10, 100, 100, 100])
    is_share = np.array([True, True, True, True, True, True, False])
    hidden, by_complement = primary_suppression(numerator, denominator, is_share, np.full(7, 5))
    # 0 is published; 1 and 4 are small; 5 is not; 98/100 leaves 2 outside; 96/100 leaves 4;
    # the last is a rate, so its complement does not count.
    assert hidden.tolist() == [False, True, True, False, True, True, True]
    assert by_complement.tolist() == [False, False, False, False, True, True, False]


def test_one_suppressed_kommune_forces_a_second_in_its_area():
    data = frame(
        [
            ("x", "A", 2024, "alle", "alle", 3, 100),
            ("x", "B", 2024, "alle", "alle", 50, 1000),
            ("x", "C", 2024, "alle", "alle", 60, 1000),
            ("x", "H", 2024, "alle", "alle", 113, 2100),
        ]
    )
    out = suppress_small_counts(data, {"x": 5}, set(), RELATIONS).set_index("area_code")
    # H − B − C would give A, so the smaller of B and C (B, 50) is hidden too.
    assert out.suppressed.to_dict() == {"A": True, "B": True, "C": False, "H": False}
    assert out.loc["B", "suppression_reason"] == SUPPRESSION_REASON
    assert out.loc[["A", "B"], ["numerator", "denominator", "value"]].isna().all().all()
    assert out.loc["H", "numerator"] == 113


def test_sex_split_is_protected():
    data = frame(
        [
            ("x", "A", 2024, "alle", "alle", 20, 100),
            ("x", "A", 2024, "kvinner", "alle", 2, 50),
            ("x", "A", 2024, "menn", "alle", 18, 50),
        ]
    )
    out = suppress_small_counts(data, {"x": 5}, set(), []).set_index("sex")
    # alle − menn would give kvinner, so menn is hidden as well; alle stays.
    assert out.suppressed.to_dict() == {"alle": False, "kvinner": True, "menn": True}


def test_cascades_until_no_identity_has_a_single_hidden_cell():
    rows = []
    for area, (w, m) in {"A": (1, 2), "B": (20, 30), "C": (40, 50)}.items():
        rows += [
            ("x", area, 2024, "kvinner", "alle", w, 1000),
            ("x", area, 2024, "menn", "alle", m, 1000),
            ("x", area, 2024, "alle", "alle", w + m, 2000),
        ]
    rows += [
        ("x", "H", 2024, "kvinner", "alle", 61, 3000),
        ("x", "H", 2024, "menn", "alle", 82, 3000),
        ("x", "H", 2024, "alle", "alle", 143, 6000),
    ]
    out = suppress_small_counts(frame(rows), {"x": 5}, set(), RELATIONS)
    assert_no_single_hidden_cell(out, RELATIONS)
    # A alle (3) is primary; B's cells, the smallest elsewhere, carry the protection.
    hidden = set(zip(out.area_code[out.suppressed], out.sex[out.suppressed], strict=True))
    assert {("A", "alle"), ("A", "kvinner"), ("A", "menn")} <= hidden
    assert not any(area == "C" for area, _ in hidden)


def test_threshold_zero_means_no_suppression():
    data = frame([("x", "A", 2024, "alle", "alle", 1, 1), ("x", "H", 2024, "alle", "alle", 1, 1)])
    out = suppress_small_counts(data, {"x": 0}, set(), RELATIONS)
    assert not out.suppressed.any()


def assert_no_single_hidden_cell(
    cells: pd.DataFrame, relations: list[tuple[str, list[str]]]
) -> None:
    """No additive identity may have exactly one suppressed cell."""
    key = ["indicator_id", "area_code", "year", "period", "sex", "age_band"]
    if "period" not in cells:
        cells = cells.assign(period=cells["year"].astype(str))
    hidden = cells.set_index(key)["suppressed"]
    counted = cells.numerator.notna() | cells.suppressed
    cells = cells[counted]
    slice_keys = ["indicator_id", "year", "period", "sex", "age_band"]
    for total, parts in relations:
        members = cells[cells.area_code.isin([total, *parts])]
        counts = members.groupby(slice_keys).suppressed.agg(["sum", "size"])
        bad = counts[(counts["sum"] == 1) & (counts["size"] > 1)]
        assert bad.empty, f"{total}: one hidden cell in {bad.index.tolist()[:3]}"
    for dimension in ("sex", "age_band"):
        keys = [k for k in key if k != dimension]
        counts = cells.groupby(keys).suppressed.agg(["sum", "size"])
        bad = counts[(counts["sum"] == 1) & (counts["size"] > 1)]
        assert bad.empty, f"{dimension}: one hidden cell in {bad.index.tolist()[:3]}"
    assert hidden.index.is_unique


def test_demo_store_has_no_recoverable_suppressed_cell(demo_engine):
    from data.queries import fetch_observations
    from indicators.catalogue import load_catalogue

    counted = [i.id for i in load_catalogue().values() if i.suppression_threshold > 0]
    cells = fetch_observations(demo_engine, indicator_ids=counted, years=[2023, 2024])
    assert cells.suppressed.sum() > 1000  # small kommuner do get suppressed
    assert (
        cells.loc[cells.suppressed, ["numerator", "denominator", "value", "ci_low"]]
        .isna()
        .all()
        .all()
    )
    assert_no_single_hidden_cell(cells, aggregate_relations())


def test_the_whole_table_model_finds_a_hidden_cells_extremes_by_hand():
    """H = A + B + C with H = 10 and C = 0 published, A = 3 and B = 7 hidden: A can be
    anything from 0 to 10, and within its required width of 5 the LPs find 8 and 0; a
    second cell pushed afterwards starts from the last solve's basis and is right too."""
    matrix = sp.csr_matrix(np.array([[1.0, -1.0, -1.0, -1.0]]))
    count = np.array([10.0, 3.0, 7.0, 0.0])
    required = np.full(4, 5.0)
    hidden = np.array([False, True, True, False])
    attacker = protection._Attacker(matrix, count, np.full(4, np.inf), hidden)
    high = protection._extreme(attacker, count, required, 1, 1.0)
    low = protection._extreme(attacker, count, required, 1, -1.0)
    assert high.tolist() == [10.0, 8.0, 2.0, 0.0]
    assert low.tolist() == [10.0, 0.0, 10.0, 0.0]
    assert protection._extreme(attacker, count, required, 2, 1.0)[2] == 10.0
    assert protection._extreme(attacker, count, required, 2, -1.0)[2] == 2.0
