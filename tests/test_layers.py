"""The layers stay apart: statistics and geography import nothing of the app, the store only
those two, the view layer no Streamlit; only ui/ and the pages draw.

The check reads import statements (not running any module), so it sees an import however
deep in a function it is. A package's command line (``__main__.py``) is an edge like app.py:
it wires the settings and the store to the package, so it is not held to the layer.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Each layer and the packages of ours it may import (itself included).
ALLOWED = {
    "indicators": {"indicators"},
    "geo": {"geo"},
    "data": {"data", "geo", "indicators"},
    "views": {"views", "data", "geo", "indicators"},
    "ui": {"ui", "views", "data", "geo", "indicators"},
    "report": {"report", "views", "data", "geo", "indicators"},
    "app_pages": {"ui", "views", "report", "data", "geo", "indicators"},
}
OURS = {*ALLOWED, "app", "bench", "tests", "scripts"}
DRAWS = {"ui", "app_pages", "app"}  # the only places that may import Streamlit


def imported_packages(path: Path) -> set[str]:
    """The top-level package of every absolute import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


def layer_violations(root: Path) -> list[str]:
    """'file: imports X' for every import a layer may not make."""
    problems = []
    files = [
        (layer, path)
        for layer in ALLOWED
        for path in sorted((root / layer).rglob("*.py"))
        if path.name != "__main__.py"
    ]
    files.append(("app", root / "app.py"))
    for layer, path in files:
        for package in sorted(imported_packages(path)):
            streamlit = package == "streamlit" and layer not in DRAWS
            ours = package in OURS and layer in ALLOWED and package not in ALLOWED[layer]
            if streamlit or ours:
                problems.append(f"{path.relative_to(root)}: imports {package}")
    return problems


def test_the_tree_keeps_its_layers():
    assert layer_violations(REPO) == []


def test_streamlit_or_ui_in_the_view_layer_is_caught(tmp_path: Path):
    for layer in ALLOWED:
        shutil.copytree(REPO / layer, tmp_path / layer, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(REPO / "app.py", tmp_path / "app.py")
    charts = tmp_path / "views" / "charts.py"
    charts.write_text(
        charts.read_text(encoding="utf-8") + "\n\ndef late():\n    import streamlit as st\n",
        encoding="utf-8",
    )
    # What ui/charts.py did before the view layer: a figure builder reading widget labels.
    (tmp_path / "views" / "legend.py").write_text(
        "from ui.selectors import SEX_LABELS\n", encoding="utf-8"
    )
    (tmp_path / "indicators" / "peek.py").write_text("import data.store\n", encoding="utf-8")
    assert layer_violations(tmp_path) == [
        "indicators/peek.py: imports data",
        "views/charts.py: imports streamlit",
        "views/legend.py: imports ui",
    ]
