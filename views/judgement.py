"""Each area against the national value, one rule for the barometer, charts, maps and tables.

The rule is ``indicators.judgement``, which the exports use too, so a download never
disagrees with the page; the view layer reads it through this module.
"""

from __future__ import annotations

from indicators.judgement import SUPPRESSED, area_status, judged, judgements

__all__ = ["SUPPRESSED", "area_status", "judged", "judgements"]
