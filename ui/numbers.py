"""Number inputs that read Swedish: a text field that accepts "1,5" and "1 500,5" (a browser's number field reads
"1,5" as 15), shows what it understood, and keeps the previous value when the text is not a number in bounds."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib import fmt

HELP = "Decimalkomma eller punkt går bra, och mellanslag mellan tusental: t.ex. 1,5 eller 1 500,5."


def _default_text(value: float) -> str:
    return fmt.understood(value).replace(fmt.THIN_SPACE, "")


def amount_input(
    container: Any,
    label: str,
    *,
    key: str,
    default: float,
    minimum: float,
    maximum: float,
    unit: str = "mnkr",
    help: str | None = None,
) -> float:
    """A number typed as text, kept in the URL under `key` ("150" and "150,5" both read); returns the value.

    Why a callback: a text that is not a number within [minimum, maximum] is put back to the last good text
    before the page runs, so the field, the URL and the numbers on the page never disagree; the error says what
    was refused and that nothing changed."""
    good, refused = f"_{key}_tolkat", f"_{key}_fel"

    def keep_previous() -> None:
        text = st.session_state.get(key)
        try:
            fmt.parse_amount(text, minimum, maximum, unit)
        except ValueError as exc:
            st.session_state[refused] = str(exc)
            st.session_state[key] = st.session_state.get(good, _default_text(default))

    text = container.text_input(
        label,
        value=_default_text(default),
        key=key,
        bind="query-params",
        on_change=keep_previous,
        help=f"{help} {HELP}" if help else HELP,
    )
    try:
        value = fmt.parse_amount(text, minimum, maximum, unit)
    except ValueError as exc:  # only from a link: a typed value was put back by the callback
        container.error(f"{exc} Räknar med {fmt.understood(default, unit)}.")
        return default
    st.session_state[good] = text
    if message := st.session_state.pop(refused, None):
        container.error(f"{message} Oförändrat: {fmt.understood(value, unit)}.")
    else:
        container.caption(f"Tolkat som {fmt.understood(value, unit)}")
    return value
