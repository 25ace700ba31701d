"""The metadata files against their JSON Schemas, through the one checked-YAML loader."""

import json
from pathlib import Path

import pytest
import yaml

from data.demo import DEMO_PARAMETERS_FILE
from data.demo import SCHEMA_FILE as DEMO_SCHEMA_FILE
from indicators.catalogue import CATALOGUE_FILE
from indicators.catalogue import SCHEMA_FILE as CATALOGUE_SCHEMA_FILE
from indicators.metadata import load_checked_yaml
from indicators.vocabulary import Measure, Polarity

STORIES_FILE = Path("views/stories.yaml")
STORIES_SCHEMA_FILE = Path("views/stories.schema.json")

METADATA_FILES = [
    (CATALOGUE_FILE, CATALOGUE_SCHEMA_FILE),
    (STORIES_FILE, STORIES_SCHEMA_FILE),
    (DEMO_PARAMETERS_FILE, DEMO_SCHEMA_FILE),
]


@pytest.mark.parametrize(("path", "schema"), METADATA_FILES, ids=lambda p: Path(p).name)
def test_metadata_file_matches_its_schema(path, schema):
    assert Path(schema).parent == Path(path).parent
    assert load_checked_yaml(path, schema)


def test_catalogue_schema_uses_the_vocabulary():
    definitions = json.loads(CATALOGUE_SCHEMA_FILE.read_text(encoding="utf-8"))["$defs"]
    assert definitions["measure"]["enum"] == list(Measure)
    assert definitions["polarity"]["enum"] == list(Polarity)


def _broken_stories(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(STORIES_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "stories.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _unknown_chart_kind(raw):
    raw["groups"]["eldre"]["charts"][1]["kind"] = "pie"


def _missing_fact(raw):
    del raw["groups"]["kroniske"]["fact"]


def _empty_question(raw):
    raw["groups"]["barn_unge"]["questions"].append("  ")


def _unknown_field(raw):
    raw["groups"]["svangerskap"]["colour"] = "red"


@pytest.mark.parametrize(
    ("breaker", "message"),
    [
        (_unknown_chart_kind, "stories.yaml, groups, entry 'eldre', field 'charts.1.kind': 'pie'"),
        (_missing_fact, "entry 'kroniske', field 'fact': 'fact' is a required property"),
        (_empty_question, "entry 'barn_unge', field 'questions.2'"),
        (_unknown_field, "entry 'svangerskap', field 'colour'"),
    ],
)
def test_broken_stories_are_refused_naming_entry_and_field(tmp_path, breaker, message):
    with pytest.raises(ValueError, match=message):
        load_checked_yaml(_broken_stories(tmp_path, breaker), STORIES_SCHEMA_FILE)


def test_a_missing_section_is_named(tmp_path):
    path = _broken_stories(tmp_path, lambda raw: raw.pop("groups"))
    with pytest.raises(ValueError, match="stories.yaml, groups: 'groups' is a required"):
        load_checked_yaml(path, STORIES_SCHEMA_FILE)


def test_an_entry_of_a_list_is_named_by_its_id(tmp_path):
    raw = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    raw["patient_groups"][2]["title"] = ""
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="patient_groups, entry 'eldre', field 'title'"):
        load_checked_yaml(path, CATALOGUE_SCHEMA_FILE)
