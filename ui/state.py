"""Selections that live in the URL, so every view can be bookmarked and shared.

Each selection has a short query parameter holding a code (``?omrade=H04&indikator=…``).
The URL wins when it changed from outside (a link, a bookmark, the back button); the
widget wins when the user changed it. A bad value falls back to the default with a notice.
Choices also persist in the session, so switching pages keeps the area and indicator.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from views.format import literal

NOTICES_KEY = "_url_notices"
HOLDER_KEY = "_url_notice_holder"


def _widget_key(param: str) -> str:
    return f"w_{param}"


def _remembered_key(param: str) -> str:
    return f"_sel_{param}"


def _synced_key(param: str) -> str:
    return f"_url_{param}"


def notice(text: str) -> None:
    """Say that a URL parameter could not be used: under the page title when there is one."""
    holder = st.session_state.get(HOLDER_KEY)
    if holder is None:
        st.session_state.setdefault(NOTICES_KEY, []).append(text)
    else:
        holder.info(text, icon=":material/link_off:")


def start_notices() -> None:
    """Reserve the place for notices (under the title); widgets drawn later still land there."""
    holder = st.container()
    st.session_state[HOLDER_KEY] = holder
    for text in st.session_state.pop(NOTICES_KEY, []):
        holder.info(text, icon=":material/link_off:")


def reset_notice_place() -> None:
    """Forget this run's notice place, so the next run never writes into a stale one."""
    st.session_state.pop(HOLDER_KEY, None)


def _encode(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _page() -> str:
    """The page this run draws: what the URL held is remembered per page, since a page
    switch starts from a URL without the last page's parameters."""
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx is not None else ""


def _prepare(param: str, options: Sequence[Any], default: Any, label: str, multi: bool) -> None:
    """Put the right starting value in the widget's state before the widget is drawn.

    The URL changed from outside when it differs from what this page last left there: a
    link, a bookmark, or the back button, which may also take a parameter away (the view
    goes back to the default, since only choices that differ from it are written). A
    widget left at its default follows the default when that changes (it may depend on the
    indicator), so a default no one chose is never written as if it were a choice."""
    key = _widget_key(param)
    by_text = {_encode(o): o for o in options}
    raw = st.query_params.get(param)
    fallback = st.session_state.get(_remembered_key(param), default)
    page, synced, last_default = st.session_state.get(_synced_key(param), (None, None, None))
    same_page = page == _page()
    outside = raw != synced if same_page else raw is not None
    if outside and raw is None:
        st.session_state[key] = default
    elif outside:
        if multi:
            parts = [p for p in raw.split(",") if p]
            bad = [p for p in parts if p not in by_text]
            value = [by_text[p] for p in parts if p in by_text] or list(default)
        else:
            bad = [] if raw in by_text else [raw]
            value = by_text.get(raw, fallback)
        if bad:
            notice(
                f"Lenken hadde en ukjent verdi for «{label}» ({literal(', '.join(bad))}); "
                "viser standardvalget i stedet."
            )
        st.session_state[key] = value
    elif key not in st.session_state:
        st.session_state[key] = fallback
    elif same_page and synced is None and _encode(st.session_state[key]) == last_default:
        st.session_state[key] = default
    current = st.session_state[key]
    if multi:
        kept = [v for v in current if _encode(v) in by_text]
        st.session_state[key] = kept or [v for v in default if _encode(v) in by_text]
    elif _encode(current) not in by_text:
        st.session_state[key] = default if _encode(default) in by_text else options[0]


def _remember(param: str, value: Any, default: Any) -> None:
    """Keep the choice for other pages, and in the URL when it differs from the default or
    the URL already names it. A default the link did not name is not written: every write
    adds a browser history entry, so the back button would need a press for each widget
    that appeared (an indicator with more choices), and a fresh page one for the page.
    Only a choice is remembered: another page starts from its own default otherwise."""
    text, default_text = _encode(value), _encode(default)
    raw = st.query_params.get(param)
    if raw is None and text == default_text:
        synced = None
        st.session_state.pop(_remembered_key(param), None)
    else:
        synced = text
        st.session_state[_remembered_key(param)] = value
        if raw != text:
            st.query_params[param] = text
    st.session_state[_synced_key(param)] = (_page(), synced, default_text)


def url_select(
    param: str,
    label: str,
    options: Sequence[Any],
    default: Any,
    format_func: Callable[[Any], str] = str,
    widget: Callable[..., Any] | None = None,
    **widget_args: Any,
) -> Any:
    """A single-choice widget (selectbox by default) kept in the URL parameter ``param``."""
    options = list(options)
    _prepare(param, options, default, label, multi=False)
    draw = widget or st.selectbox
    value = draw(label, options, key=_widget_key(param), format_func=format_func, **widget_args)
    _remember(param, value, default)
    return value


def url_multiselect(
    param: str,
    label: str,
    options: Sequence[Any],
    default: Sequence[Any],
    format_func: Callable[[Any], str] = str,
    **widget_args: Any,
) -> list[Any]:
    """A multiselect kept in the URL as comma-separated codes."""
    options = list(options)
    _prepare(param, options, list(default), label, multi=True)
    value = st.multiselect(
        label, options, key=_widget_key(param), format_func=format_func, **widget_args
    )
    _remember(param, value, default)
    return value


def url_checkbox(param: str, label: str, default: bool = True, **widget_args: Any) -> bool:
    """A checkbox kept in the URL as ``1``/``0`` (written only when it differs from the
    default or the link named it), so a shared view keeps it."""
    _prepare(param, [True, False], default, label, multi=False)
    value = st.checkbox(label, key=_widget_key(param), **widget_args)
    _remember(param, value, default)
    return value


def set_choice(param: str, value: Any) -> None:
    """Change a selection from code (e.g. a click on the map), in a callback before the widget."""
    st.session_state[_widget_key(param)] = value
    st.session_state[_remembered_key(param)] = value


def url_int(param: str, default: int, minimum: int, maximum: int) -> int:
    """A whole number in the URL that is not a widget (e.g. the slide in presentation mode)."""
    raw = st.query_params.get(param)
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        notice(
            f"Lenken hadde en ugyldig verdi for {param} ({literal(raw)}); starter fra begynnelsen."
        )
        value = default
    value = min(max(value, minimum), maximum)
    if (raw is not None or value != default) and raw != str(value):
        st.query_params[param] = str(value)  # as _remember: no history entry for a default
    return value
