"""Tables styled for the screen: Swedish number format and real values marked apart from modelled ones.

Why here: the Jämför and Utveckling tables mark a real value the same way (bold on light orange), so the marking
is one constant and two small stylers instead of a pandas idiom repeated on the pages."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from pandas.io.formats.style import Styler

REAL_CELL = "font-weight: bold; background-color: #fde9c9"


def rows_with_real_marked(
    table: pd.DataFrame, real_mask: pd.DataFrame, decimals: Sequence[int], labels: Sequence[str]
) -> Styler:
    """`table` with each row's `labels` columns in its own number of decimals and the real cells (`real_mask`, one
    column per label) marked."""
    styled = table.style
    for i, d in enumerate(decimals):
        styled = styled.format(
            precision=d, decimal=",", thousands="\u202f", na_rep="–", subset=pd.IndexSlice[[i], list(labels)]
        )
    highlight = pd.DataFrame("", index=table.index, columns=table.columns)
    for label in labels:
        highlight.loc[real_mask[label].astype(bool), label] = REAL_CELL
    return styled.apply(lambda _: highlight, axis=None)


def wide_with_real_marked(values: pd.DataFrame, synthetic: pd.DataFrame, decimals: int) -> Styler:
    """A series × year table with the real values (`synthetic` False) marked."""
    styles = synthetic.reindex_like(values).map(lambda s: REAL_CELL if s is False or s == 0 else "")
    return values.style.format(precision=decimals, decimal=",", thousands="\u202f", na_rep="–").apply(
        lambda _: styles, axis=None
    )
