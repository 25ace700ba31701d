"""The same store gives the same file, byte for byte.

python-pptx stamps every member of the .pptx with the clock, and each chart's embedded
workbook (written by XlsxWriter) records when it was made. Both are set here to the data
version's time, so two packs of the same data are identical files.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

# XlsxWriter's docProps/core.xml: <dcterms:created xsi:type="dcterms:W3CDTF">…</dcterms:created>
_STAMP = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _stamped(data: bytes, when: datetime) -> bytes:
    text = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _STAMP.sub(lambda match: match.group(1) + text + match.group(3), data)


def fixed_zip(data: bytes, when: datetime) -> bytes:
    """The zip ``data`` with every member dated ``when`` (zip dates start in 1980), and the
    workbooks inside it, which are zips too, treated the same."""
    stamp = max(when.replace(tzinfo=None), datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            body = source.read(member.filename)
            if member.filename.endswith(".xlsx"):
                body = fixed_zip(body, when)
            elif member.filename == "docProps/core.xml":
                body = _stamped(body, when)
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, body)
    return out.getvalue()
