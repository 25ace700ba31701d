"""Every indicator-year carries its source: the demo's seed, an imported file, or a store's
fallback from before sources were recorded; `python -m data info` lists them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from data import schema, store
from data.__main__ import main
from data.importer import import_file
from data.provenance import (
    DEMO_LABEL,
    UNKNOWN_LABEL,
    SourceKind,
    describe_sources,
    slice_sources,
    stored_slice_sources,
)
from geo.areas import kommuner


def tidy_file(folder: Path, indicator: str = "eldre_skropelige", year: int = 2023) -> Path:
    """Every 2024 kommune with a share of 31/100, as a user's tidy file."""
    path = folder / f"{indicator}_{year}.csv"
    pd.DataFrame(
        {
            "indicator_id": indicator,
            "area_code": kommuner()["code"],
            "year": year,
            "numerator": 31,
            "denominator": 100,
        }
    ).to_csv(path, index=False)
    return path


def source_count(engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(schema.sources.c.id)).all())


def test_the_demo_records_its_seed_for_every_indicator_year(demo_engine) -> None:
    sources = stored_slice_sources(demo_engine)
    assert not sources.empty
    assert sources["source_id"].notna().all(), "every demo indicator-year has a recorded source"
    assert set(sources["label"]) == {DEMO_LABEL}
    assert sources["synthetic"].all()
    assert {detail["seed"] for detail in sources["detail"]} == {2024}
    assert describe_sources(sources) == "syntetiske demodata (frø 2024) – ikke virkelige tall"


def test_an_import_records_the_file_and_an_unchanged_one_nothing(empty_engine, tmp_path) -> None:
    path = tidy_file(tmp_path)
    assert import_file(empty_engine, path).outcome == "importert"
    sources = slice_sources(empty_engine)
    assert sources[["indicator_id", "year"]].values.tolist() == [["eldre_skropelige", 2023]]
    row = sources.iloc[0]
    assert (row["kind"], row["label"], row["synthetic"]) == (SourceKind.FILE, path.name, False)
    assert row["detail"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert row["detail"]["file_name"] == path.name and row["detail"]["imported_at"]
    assert describe_sources(sources) == f"{path.name} (2023)"

    assert import_file(empty_engine, path).outcome == "uendret"
    assert source_count(empty_engine) == 1, "an unchanged import records nothing new"


def test_a_new_import_replaces_only_its_indicator_years(tmp_path) -> None:
    engine = store.get_engine(f"sqlite:///{tmp_path / 'lager.sqlite'}")
    first = tidy_file(tmp_path, year=2022)
    import_file(engine, first)
    second = tidy_file(tmp_path, year=2023)
    import_file(engine, second)
    assert slice_sources(engine)["label"].tolist() == [first.name, second.name]
    pd.DataFrame(
        {
            "indicator_id": "eldre_skropelige",
            "area_code": kommuner()["code"],
            "year": 2022,
            "numerator": 30,
            "denominator": 100,
        }
    ).to_csv(first, index=False)
    import_file(engine, first)
    assert slice_sources(engine)["label"].tolist() == [first.name, second.name]
    assert source_count(engine) == 2, "the replaced file's source no slice uses is gone"


def test_a_store_from_before_sources_falls_back_to_its_synthetic_flag(tmp_path) -> None:
    engine = store.get_engine(f"sqlite:///{tmp_path / 'gammel.sqlite'}")
    import_file(engine, tidy_file(tmp_path))
    with store.writing(engine) as conn:
        conn.execute(schema.slice_sources.delete())
    assert stored_slice_sources(engine)["label"].tolist() == [UNKNOWN_LABEL]
    with store.writing(engine) as conn:
        store.set_meta(conn, {"synthetic": "true", "demo_seed": "7"})
    fallback = stored_slice_sources(engine)
    assert fallback["synthetic"].tolist() == [True]
    assert describe_sources(fallback) == "syntetiske demodata (frø 7) – ikke virkelige tall"


def test_info_lists_real_and_synthetic_indicators(tmp_path, capsys) -> None:
    engine = store.get_engine(f"sqlite:///{tmp_path / 'info.sqlite'}")
    path = tidy_file(tmp_path)
    import_file(engine, path)
    with store.writing(engine) as conn:
        store.set_meta(conn, {"synthetic": "true", "demo_seed": "2024"})
    import_file(engine, tidy_file(tmp_path, "kad_bruk", 2024))
    with store.writing(engine) as conn:
        conn.execute(
            schema.slice_sources.delete().where(schema.slice_sources.c.indicator_id == "kad_bruk")
        )
    assert main(["info", "--db", str(engine.url)]) == 0
    out = capsys.readouterr().out
    assert f"eldre_skropelige: 2023, virkelige tall, kilde {path.name} (2023)" in out
    assert "kad_bruk: 2024, syntetiske tall, kilde syntetiske demodata (frø 2024)" in out
