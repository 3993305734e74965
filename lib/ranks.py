"""A unit's place in words, with the group it is counted in said every time.

Why one module: the Karta page ranks the units it shows (the programme's 22, or every stadsdel with a value) and
the Stadsdel page ranks in the index's comparison group, so "6 av 22" and "6 av 106" could both be true of the
same stadsdel. Each context therefore keeps one denominator and names it, and both explain the other.
"""

from __future__ import annotations

import pandas as pd

#: The index's comparison group (`IndexParams.universe`) as the place where a rank is counted.
UNIVERSE_WHERE = {"all": "i hela staden", "outer": "i ytterstaden", "programme": "i programmet"}


def place(rank: int, total: int, where: str) -> str:
    """ "plats 6 av 22 i programmet": the place, how many are ranked and where."""
    return f"plats {int(rank)} av {int(total)} {where}"


def map_where(in_programme: bool) -> str:
    """Where the Karta page counts a place: among the units its view shows."""
    return "i programmet" if in_programme else "i hela staden"


def map_rank_help(total: int, plural: str, in_programme: bool, context: bool) -> str:
    """What the Karta page's place counts, and how it relates to the profile's."""
    group = f"programmets urval ({total} {plural} med värde)" if in_programme else f"alla {total} {plural} med värde"
    top = "högst värde" if context else "högst risk"
    switch = (
        "Välj urvalet Hela staden för platsen bland alla."
        if in_programme
        else "Välj urvalet Programmet för platsen i programmet."
    )
    return (
        f"Platsen räknas bland de {plural} som kartan visar: {group}; 1 = {top}. {switch} Stadsdelens profil anger "
        "platsen i indexets jämförelsegrupp."
    )


def programme_place(scores: pd.DataFrame, programme_codes: set[str] | list[str], code: str) -> tuple[int | None, int]:
    """The unit's place by the composite (highest risk first) among the programme's units with an index, and how
    many those are; None when the unit is not one of them. Ties keep the index's own order (its `rank`)."""
    prog = scores[scores["area_code"].isin(set(programme_codes)) & scores["composite"].notna()]
    prog = prog.sort_values(["composite", "rank"], ascending=[False, True], na_position="last")
    order = list(prog["area_code"])
    return (order.index(code) + 1 if code in order else None), len(order)


def profile_rank(rank: int, total: int, universe: str, programme: tuple[int | None, int]) -> tuple[str, str, str]:
    """The Stadsdel page's place: the metric's value ("6 av 106"), its sentence ("plats 6 av 106 rangordnade i
    hela staden (plats 4 av 22 i programmet)") and its help text. `programme`: `programme_place`."""
    where = UNIVERSE_WHERE.get(universe, "i jämförelsegruppen")
    value = f"{int(rank)} av {int(total)}"
    own, n_programme = programme
    sentence = f"Plats {int(rank)} av {int(total)} rangordnade {where}"
    if own is not None and universe != "programme":
        sentence += f" ({place(own, n_programme, 'i programmet')})"
    help_text = (
        f"Platsen räknas bland de {int(total)} stadsdelar med index {where} (indexets jämförelsegrupp, ställs in på "
        "Index och vikter); 1 = högst social risk. "
        + (
            f"Bland programmets {n_programme} stadsdelar med index har den plats {own}, den plats kartan visar i "
            "urvalet Programmet."
            if own is not None
            else "Stadsdelen ingår inte i programmets urval; kartan visar dess plats i urvalet Hela staden."
        )
    )
    return value, sentence + ".", help_text
