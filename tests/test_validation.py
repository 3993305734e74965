"""Validation of the index against SCB's socioekonomisk områdestyp: classes, rank correlation, named disagreements."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import validation


def frames(composite: list[float], types: list[int], year: int = 2023) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = [f"0180R{i:03d}" for i in range(len(composite))]
    scores = pd.DataFrame(
        {"area_code": codes, "name": [f"RegSO {i}" for i in range(len(codes))], "composite": composite}
    )
    typ = pd.DataFrame({"regso_code": codes, "year": year, "omradestyp": types})
    return scores, typ


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=60).flatmap(
        lambda types: st.tuples(
            st.just(types),
            st.lists(
                st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
                min_size=len(types),
                max_size=len(types),
            ),
        )
    )
)
def test_classes_like_keeps_scbs_class_sizes(case):
    types, composite = case
    index = pd.Index([f"r{i}" for i in range(len(types))])
    classes = validation.classes_like(pd.Series(composite, index=index), pd.Series(types, index=index))
    assert list(classes.index) == list(index)  # the units keep their place
    assert classes.value_counts().sort_index().to_dict() == pd.Series(types).value_counts().sort_index().to_dict()
    # Higher index, higher risk: a unit never gets a higher (safer) class than a unit with a lower index.
    c, k = np.asarray(composite), classes.to_numpy()
    assert (k[:, None] <= k[None, :])[c[:, None] > c[None, :]].all()


def test_perfect_agreement_gives_spearman_one_and_no_disagreements():
    types = [1, 2, 2, 3, 3, 3, 4, 4, 4, 5]
    composite = [300 - 50 * t for t in types]  # one index value per type: the same order, ties and all
    scores, typ = frames(composite, types)
    result = validation.compare(scores, typ, 2023)
    assert result.spearman == pytest.approx(1.0)
    assert result.agree == 1.0 and result.within_one == 1.0
    assert result.disagreements.empty
    assert np.diag(result.crosstab.to_numpy()).tolist() == [1, 2, 3, 3, 1]
    assert result.crosstab.sum(axis=0).tolist() == [1, 2, 3, 3, 1]  # SCB's class sizes in the columns …
    assert result.crosstab.sum(axis=1).tolist() == [1, 2, 3, 3, 1]  # … and in the index's rows


def test_a_swapped_pair_is_named_first():
    types = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    composite = [200.0, 190, 180, 170, 160, 150, 140, 130, 120, 110]
    composite[1], composite[7] = composite[7], composite[1]  # a type-1 area scored like a type-4 one, and back
    composite[4], composite[6] = 139.0, 161.0  # a small swap of neighbouring classes: named after the big one
    scores, typ = frames(composite, types)
    result = validation.compare(scores, typ, 2023)
    assert result.spearman < 1
    named = result.disagreements
    assert set(named["regso_code"].head(2)) == {"0180R001", "0180R007"}
    assert set(named["regso_code"]) == {"0180R001", "0180R007", "0180R004", "0180R006"}
    assert named["difference"].abs().head(2).tolist() == [3, 3]
    first = named.iloc[0]
    assert {first["index_class"], first["omradestyp"]} == {1, 4}
    assert result.agree == pytest.approx(0.6)


def test_compare_uses_the_chosen_year_and_refuses_too_few_regso():
    scores, typ = frames([3.0, 2.0, 1.0], [1, 3, 5], year=2022)
    both = pd.concat([typ, typ.assign(year=2023, omradestyp=[5, 3, 1])])
    assert validation.compare(scores, both, 2022).spearman == pytest.approx(1.0)
    assert validation.compare(scores, both, 2023).spearman == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="För få RegSO"):
        validation.compare(scores.head(2), typ, 2022)


def test_tables_name_classes_types_and_which_way_the_index_differs():
    types = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    composite = [200.0, 130, 180, 170, 160, 150, 140, 190, 120, 110]
    scores, typ = frames(composite, types)
    val = validation.compare(scores, typ, 2023)
    cross, gaps = validation.tables(val, {"0180R001": "Rinkeby"})
    assert list(cross.columns) == ["Indexklass", "Typ 1", "Typ 2", "Typ 3", "Typ 4", "Typ 5"]
    assert cross["Indexklass"].tolist()[0] == "1 (2 RegSO)"
    assert int(cross.drop(columns="Indexklass").to_numpy().sum()) == 10
    by_regso = gaps.set_index("RegSO")
    assert by_regso.loc["RegSO 1", "Stadsdel"] == "Rinkeby"
    assert by_regso.loc["RegSO 7", "Stadsdel"] == "–"
    assert by_regso.loc["RegSO 1", "Indexet visar"] == "lägre risk"  # type 1, scored like type 4
    assert by_regso.loc["RegSO 7", "Indexet visar"] == "högre risk"
    assert by_regso.loc["RegSO 1", "SCB:s typ"] == "Typ 1"
    assert by_regso.loc["RegSO 1", "Plats i indexet"] == "8 av 10"


def test_summary_and_legend_in_swedish_form():
    scores, typ = frames([5.0, 4.0, 3.0, 2.0, 1.0], [1, 2, 3, 4, 5])
    text = validation.summary(validation.compare(scores, typ, 2023), 2025)
    assert text[0].startswith("Indexet 2025 för Stockholms 5 RegSO")
    assert "områdestyp 2023: rangkorrelation (Spearman) 1,00; 100 % hamnar i samma klass" in text[0]
    assert text[-1] == "Källa: SCB, socioekonomisk områdestyp per RegSO (CC0)."
    assert validation.type_legend().startswith("Typ 1 = stora socioekonomiska utmaningar; Typ 2 = ")
