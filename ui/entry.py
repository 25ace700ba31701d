"""Make sure every page runs through app.py, also on a deep link to a fresh server.

Streamlit keeps a process-wide flag from its first multipage design: while a `pages/`
folder exists and no run has yet called `st.navigation`, a link such as /kart runs
pages/kart.py on its own, without app.py's page config, navigation and store checks.
The first page run in that state switches the flag off and reruns, which then goes
through app.py to the same page. (Streamlit is pinned; the flag is
`PagesManager.uses_pages_directory` in streamlit/runtime/pages_manager.py.)
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def require_app_entry() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
