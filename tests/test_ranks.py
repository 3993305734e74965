"""A place always names the group it is counted in: the map's view, the profile's comparison group."""

from __future__ import annotations

import pandas as pd

from lib import ranks


def scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["a", "b", "c", "d", "e"],
            "composite": [150.0, 120.0, 110.0, None, 90.0],
            "rank": [1.0, 2.0, 3.0, None, 4.0],
        }
    )


def test_programme_place_counts_only_programme_units_with_an_index():
    assert ranks.programme_place(scores(), ["b", "c", "d"], "c") == (2, 2)
    assert ranks.programme_place(scores(), ["b", "c", "d"], "a") == (None, 2)


def test_the_profile_names_both_denominators_and_explains_them():
    value, sentence, help_text = ranks.profile_rank(6, 106, "all", (4, 22))
    assert value == "6 av 106"
    assert sentence == "Plats 6 av 106 rangordnade i hela staden (plats 4 av 22 i programmet)."
    assert "bland de 106 stadsdelar med index i hela staden" in help_text
    assert "Bland programmets 22 stadsdelar med index har den plats 4" in help_text
    _, sentence, help_text = ranks.profile_rank(40, 106, "all", (None, 22))
    assert sentence == "Plats 40 av 106 rangordnade i hela staden."
    assert "ingår inte i programmets urval" in help_text
    _, sentence, _ = ranks.profile_rank(3, 22, "programme", (3, 22))
    assert sentence == "Plats 3 av 22 rangordnade i programmet."  # said once when the two groups are the same


def test_the_map_counts_in_its_view_and_says_so():
    assert ranks.place(6, 22, ranks.map_where(True)) == "plats 6 av 22 i programmet"
    assert ranks.place(6, 106, ranks.map_where(False)) == "plats 6 av 106 i hela staden"
    text = ranks.map_rank_help(22, "stadsdelar", True, context=False)
    assert "programmets urval (22 stadsdelar med värde)" in text and "1 = högst risk" in text
    assert "1 = högst värde" in ranks.map_rank_help(106, "stadsdelar", False, context=True)


def test_the_map_help_points_to_the_other_view():
    assert "Välj urvalet Hela staden" in ranks.map_rank_help(22, "stadsdelar", True, context=False)
    whole = ranks.map_rank_help(106, "stadsdelar", False, context=False)
    assert "Välj urvalet Programmet" in whole and "Hela staden för" not in whole
