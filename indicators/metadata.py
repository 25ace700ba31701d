"""Metadata files (YAML) checked against a JSON Schema kept beside them.

A schema says what each field may hold in a form an editor can read and check without running
the code; the loaders keep in Python only the rules that span fields or entries. Every file has
the same shape, sections of entries: a section is a list of mappings named by their ``id`` or a
mapping from id to entry. That is what lets an error name the entry and field at fault.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError


def load_checked_yaml(path: Path, schema_path: Path) -> dict[str, Any]:
    """Read a YAML file and check it against its schema; ValueError names file, entry and field."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    error = next(iter(Draft202012Validator(schema).iter_errors(data)), None)
    if error is not None:
        raise fault(path, [*error.absolute_path, *_named_properties(error)], error.message, data)
    return data


def fault(path: Path, where: Sequence[str | int], problem: str, data: Any = None) -> ValueError:
    """The one wording of a metadata error, so schema and cross-field checks read alike.

    ``where`` runs from the section through the entry to the field; a list position is shown
    as the ``id`` of that entry in ``data`` when it has one.
    """
    place = [Path(path).name]
    if where:
        place.append(str(where[0]))
    if len(where) > 1:
        entry = where[1]
        if isinstance(entry, int) and data is not None and isinstance(data[where[0]][entry], dict):
            entry = data[where[0]][entry].get("id", entry)
        place.append(f"entry {entry!r}")
    if len(where) > 2:
        place.append(f"field {'.'.join(map(str, where[2:]))!r}")
    return ValueError(f"{', '.join(place)}: {problem}")


def _named_properties(error: ValidationError) -> list[str]:
    """The property a missing-or-unknown error is about, which jsonschema puts in the text only."""
    if error.validator == "required":
        return [name for name in error.validator_value if name not in error.instance][:1]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        return [str(name) for name in error.instance if name not in known][:1]
    return []
