"""The single years of age that an age group or band covers.

Population tables come by single year of age (SSB 07459: 0 to 105 or older); indicator
age groups and bands are written as people write them ("18-69", "70+", "80 år og eldre").
"""

from __future__ import annotations

import re

OLDEST = 105  # SSB's last age group: 105 years or older
_RANGE = re.compile(r"(\d+)\s*[–-]\s*(\d+)\s*(?:år)?$")
_FROM = re.compile(r"(\d+)\s*(?:\+|år og eldre)$")


def age_range(text: str) -> tuple[int, int] | None:
    """The single years an age group or band covers: "alle aldre" -> (0, 105), "18-69" and
    "kvinner 15–49 år" -> (18, 69) and (15, 49), "80 år og eldre" and "70+" -> (80, 105) and
    (70, 105); None for what single years cannot give ("0–28 dager")."""
    text = text.strip().lower()
    if text in ("alle", "alle aldre"):
        return 0, OLDEST
    found = _RANGE.search(text)
    if found:
        return int(found.group(1)), min(int(found.group(2)), OLDEST)
    found = _FROM.search(text)
    return (int(found.group(1)), OLDEST) if found else None
