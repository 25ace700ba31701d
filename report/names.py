"""What the meeting files are called and their MIME types, without loading the renderers:
the app names its download buttons on every run but makes a file only on a click."""

from __future__ import annotations

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PDF_MIME = "application/pdf"
MIME_TYPES = {"pptx": PPTX_MIME, "pdf": PDF_MIME}


def file_name(area: str, year: int, suffix: str) -> str:
    """ "samhandlingsbarometeret_H04_2024.pptx": safe on every system."""
    return f"samhandlingsbarometeret_{area}_{year}.{suffix}"
