"""What the program runs with, read once at its edges: the command lines and the app's start.

Everything below them takes these values as arguments, so no module reads the environment
on its own and a test hands a store or a log file straight to the code it calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The embedded store lives outside the code, in a folder git ignores (made when needed);
# rejected imports into a store that is not a file are logged there too.
DEFAULT_DB_FILE = REPO / "var" / "samhandling.sqlite"
DB_URL_VAR = "SAMHANDLING_DB_URL"
IMPORT_LOG_VAR = "SAMHANDLING_IMPORT_LOG"


@dataclass(frozen=True)
class Settings:
    """``embedded`` is true when no store was named: then the app may build the demo into
    its own file. ``rejection_log`` overrides where rejected imports are logged."""

    db_url: str
    embedded: bool
    rejection_log: Path | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], db: str | None = None) -> Settings:
        """``db`` (the ``--db`` argument) wins over ``SAMHANDLING_DB_URL``."""
        named = db or environ.get(DB_URL_VAR)
        log = environ.get(IMPORT_LOG_VAR)
        return cls(
            db_url=named or f"sqlite:///{DEFAULT_DB_FILE}",
            embedded=not named,
            rejection_log=Path(log) if log else None,
        )
