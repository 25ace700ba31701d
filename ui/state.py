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
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _prepare(param: str, options: Sequence[Any], default: Any, label: str, multi: bool) -> None:
    """Put the right starting value in the widget's state before the widget is drawn."""
    key = _widget_key(param)
    by_text = {str(o): o for o in options}
    raw = st.query_params.get(param)
    fallback = st.session_state.get(_remembered_key(param), default)
    if raw is not None and raw != st.session_state.get(_synced_key(param)):
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
    current = st.session_state[key]
    if multi:
        kept = [v for v in current if str(v) in by_text]
        st.session_state[key] = kept or [v for v in default if str(v) in by_text]
    elif str(current) not in by_text:
        st.session_state[key] = default if str(default) in by_text else options[0]


def _remember(param: str, value: Any, default: Any) -> None:
    st.session_state[_remembered_key(param)] = value
    text = _encode(value)
    st.session_state[_synced_key(param)] = text
    if st.query_params.get(param) != text:
        st.query_params[param] = text


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
    st.query_params[param] = str(value)
    return value
