import dataclasses

import pytest
import yaml

from data import demo
from data.demo import DEMO_PARAMETERS_FILE, demo_parameters, load_demo_parameters_file
from indicators.catalogue import (
    CATALOGUE_FILE,
    get_indicator,
    indicators_in_group,
    load_catalogue,
    load_catalogue_file,
    patient_groups,
)

GROUP_IDS = ["barn_unge", "psykisk_rus", "eldre", "kroniske", "svangerskap", "tverrgaende"]

# Published national figures the demo data are anchored to: id → (value, year).
ANCHORS = {
    "barn_unge_omfattende_behov": (7.7, 2019),
    "phv_bu_poliklinikk_365": (96, 2019),
    "phv_bu_ambulant_365": (27, 2019),
    "phv_bu_reinnleggelse_365": (46, 2019),
    "phv_bu_fastlege_365": (86, 2019),
    "phv_bu_legevakt_365": (81, 2019),
    "phv_bu_kommunale_tjenester_365": (20, 2019),
    "habilitering_barn_kommunale_tjenester": (33, 2019),
    "alvorlig_psykisk_lidelse": (1.6, 2019),
    "eldre_skropelige": (31, 2021),
    "skropelige_kontakt_somatikk": (69, 2021),
    "kompleks_multimorbiditet_3": (1.7, 2019),
    "kompleks_kommunale_tjenester": (57, 2019),
    "kompleks_andel_liggedogn": (34, 2019),
    "fastlege_uten_lege": (4.0, 2023),
    "fastlege_listelengde": (1011, 2023),
}


def raw_catalogue() -> dict:
    return yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))


def test_patient_groups_in_order():
    groups = patient_groups()
    assert [g.id for g in groups] == GROUP_IDS
    assert groups[2].title == "Eldre med skrøpelighet"
    assert all(g.description.count(".") >= 2 for g in groups)


@pytest.mark.parametrize("group_id", GROUP_IDS[:5])
def test_at_least_five_indicators_per_patient_group(group_id):
    assert len(indicators_in_group(group_id)) >= 5


def test_cross_cutting_group_has_gp_and_kad_indicators():
    ids = {ind.id for ind in indicators_in_group("tverrgaende")}
    assert {"fastlege_uten_lege", "fastlege_listelengde", "kad_bruk"} <= ids


def test_ids_unique_and_in_file_order():
    raw_ids = [entry["id"] for entry in raw_catalogue()["indicators"]]
    assert len(raw_ids) == len(set(raw_ids))
    assert list(load_catalogue()) == raw_ids


@pytest.mark.parametrize(("indicator_id", "anchor"), ANCHORS.items())
def test_published_figures_are_anchored(indicator_id, anchor):
    indicator = get_indicator(indicator_id)
    assert indicator.anchored
    assert (indicator.anchor["value"], indicator.anchor["year"]) == anchor
    assert indicator.anchor["text"].startswith("Helsedirektoratet:")


def test_only_listed_indicators_are_anchored():
    assert {ind.id for ind in load_catalogue().values() if ind.anchored} == set(ANCHORS)


def _national_level(indicator_id: str, year: int) -> float:
    """National demo value for the total band, as the generator will produce it."""
    params = demo_parameters()[indicator_id]
    if params.path:
        return params.path[year]
    weight = sum(params.base.values())
    level = sum(params.base[band] * params.level[band] for band in params.base) / weight
    return level * (1 + params.trend) ** (year - params.level_year)


@pytest.mark.parametrize("indicator_id", ANCHORS)
def test_demo_levels_reproduce_anchor(indicator_id):
    value, year = ANCHORS[indicator_id]
    assert _national_level(indicator_id, year) == pytest.approx(value, rel=0.03)


def test_demo_keys_match_age_bands():
    for indicator_id, params in demo_parameters().items():
        expected = set(get_indicator(indicator_id).age_bands) or {"alle"}
        assert set(params.base) == expected, indicator_id
        assert set(params.level) == expected, indicator_id


def test_gp_paths_follow_published_figures():
    assert demo_parameters()["fastlege_uten_lege"].path == {2019: 1.0, 2023: 4.0, 2024: 3.7}
    assert demo_parameters()["fastlege_listelengde"].path == {2023: 1011, 2024: 984}


def test_payment_indicator_derives_from_bed_days_and_interpolates_price():
    payment = get_indicator("utskrivningsklare_somatikk_betaling")
    assert payment.measure == "total" and not payment.has_ci
    assert demo_parameters()[payment.id].derived_from == "utskrivningsklare_somatikk_dogn"
    assert sorted(payment.unit_price_by_year) == list(range(2012, 2025))
    assert payment.unit_price(2012) == 4000 and payment.unit_price(2024) == 5745
    assert payment.unit_price(2010) == 4000 and payment.unit_price(2030) == 5745
    halfway = dataclasses.replace(payment, unit_price_by_year={2012: 4000.0, 2014: 4400.0})
    assert halfway.unit_price(2013) == pytest.approx(4200.0)
    assert get_indicator("kad_bruk").unit_price(2020) == 1.0


def test_age_bands_sexes_and_ci():
    chronic = get_indicator("kompleks_multimorbiditet_3")
    assert chronic.all_age_bands() == ("alle", "18-69", "70+")
    assert chronic.sexes() == ("alle", "kvinner", "menn")
    assert chronic.has_ci
    births = get_indicator("fodsler")
    assert births.all_age_bands() == ("alle",) and births.sexes() == ("alle",)
    assert not get_indicator("fastlege_listelengde").has_ci


def test_pregnancy_indicators_are_not_by_sex():
    assert all(not ind.by_sex for ind in indicators_in_group("svangerskap"))


def test_get_indicator_unknown_id():
    with pytest.raises(KeyError, match="no_such_indicator"):
        get_indicator("no_such_indicator")


def _entry(raw: dict, indicator_id: str) -> dict:
    return next(e for e in raw["indicators"] if e["id"] == indicator_id)


def _unknown_measure(raw):
    _entry(raw, "kad_bruk")["measure"] = "median"


def _unknown_polarity(raw):
    _entry(raw, "kad_bruk")["polarity"] = "up"


def _unknown_source(raw):
    _entry(raw, "kad_bruk")["source"] = "Wikipedia"


def _unknown_group(raw):
    _entry(raw, "kad_bruk")["patient_group"] = "ukjent"


def _duplicate_id(raw):
    raw["indicators"].append(dict(_entry(raw, "kad_bruk")))


def _share_multiplier(raw):
    _entry(raw, "eldre_skropelige")["multiplier"] = 1000


def _missing_unit_price(raw):
    del _entry(raw, "utskrivningsklare_somatikk_betaling")["unit_price_by_year"]


def _anchor_without_flag(raw):
    _entry(raw, "kad_bruk")["anchor"] = {"value": 5, "year": 2023, "text": "x"}


def _long_short_title(raw):
    _entry(raw, "kad_bruk")["short_title"] = "x" * 41


def _unknown_field(raw):
    _entry(raw, "kad_bruk")["colour"] = "red"


@pytest.mark.parametrize(
    ("breaker", "indicator_id", "field"),
    [
        (_unknown_measure, "kad_bruk", "measure"),
        (_unknown_polarity, "kad_bruk", "polarity"),
        (_unknown_source, "kad_bruk", "source"),
        (_unknown_group, "kad_bruk", "patient_group"),
        (_duplicate_id, "kad_bruk", "id"),
        (_share_multiplier, "eldre_skropelige", "multiplier"),
        (_missing_unit_price, "utskrivningsklare_somatikk_betaling", "unit_price_by_year"),
        (_anchor_without_flag, "kad_bruk", "anchor"),
        (_long_short_title, "kad_bruk", "short_title"),
        (_unknown_field, "kad_bruk", "colour"),
    ],
)
def test_broken_catalogue_is_rejected(tmp_path, breaker, indicator_id, field):
    raw = raw_catalogue()
    breaker(raw)
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ValueError, match=f"'{indicator_id}'.*'{field}'"):
        load_catalogue_file(path)


def test_unmodified_copy_loads(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw_catalogue(), allow_unicode=True), encoding="utf-8")
    assert list(load_catalogue_file(path).indicators) == list(load_catalogue())


def raw_demo_parameters() -> dict:
    return yaml.safe_load(DEMO_PARAMETERS_FILE.read_text(encoding="utf-8"))


def _demo_keys_not_bands(params):
    params["kronisk_sykdom_1"]["level"] = {"alle": 50}


def _demo_share_above_100(params):
    params["eldre_skropelige"]["level"] = {"alle": 101}


def _demo_sexes_apart_without_sex(params):
    params["fodsler"]["women_to_men"] = 1.2


def _demo_coverage_of_a_rate(params):
    params["kad_bruk"]["kind"] = "coverage"


def _demo_total_without_source(params):
    del params["utskrivningsklare_somatikk_betaling"]["derived_from"]


def _demo_source_without_parameters(params):
    del params["utskrivningsklare_somatikk_dogn"]


def _demo_unknown_key(params):
    params["kad_bruk"]["colour"] = "red"


@pytest.mark.parametrize(
    ("breaker", "indicator_id", "field"),
    [
        (_demo_keys_not_bands, "kronisk_sykdom_1", "level"),
        (_demo_share_above_100, "eldre_skropelige", "level"),
        (_demo_sexes_apart_without_sex, "fodsler", "women_to_men"),
        (_demo_coverage_of_a_rate, "kad_bruk", "kind"),
        (_demo_total_without_source, "utskrivningsklare_somatikk_betaling", "derived_from"),
        (_demo_source_without_parameters, "utskrivningsklare_somatikk_betaling", "derived_from"),
        (_demo_unknown_key, "kad_bruk", "colour"),
    ],
)
def test_broken_demo_parameters_are_rejected(tmp_path, breaker, indicator_id, field):
    raw = raw_demo_parameters()
    breaker(raw["indicators"])
    path = tmp_path / "demo_parameters.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=f"'{indicator_id}'.*'{field}'"):
        load_demo_parameters_file(path, load_catalogue())


def test_demo_parameters_of_an_unknown_indicator_are_rejected(tmp_path):
    raw = raw_demo_parameters()
    raw["indicators"]["no_such_indicator"] = raw["indicators"]["kad_bruk"]
    path = tmp_path / "demo_parameters.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="'no_such_indicator': not an indicator"):
        load_demo_parameters_file(path, load_catalogue())


def test_indicator_without_demo_parameters_gets_no_demo_rows(tmp_path, monkeypatch):
    raw = raw_demo_parameters()
    del raw["indicators"]["kad_bruk"]
    path = tmp_path / "demo_parameters.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert "kad_bruk" not in load_demo_parameters_file(path, load_catalogue())

    only_births = {"fodsler": demo_parameters()["fodsler"]}
    monkeypatch.setattr(demo, "demo_parameters", lambda: only_births)
    assert set(demo.generate_kommune_cells()["indicator_id"]) == {"fodsler"}
