"""Number inputs that read Swedish (`ui.numbers.amount_input`) on Fördelning av medel and the plans page."""

from __future__ import annotations

import pytest
from test_pages import open_page

from lib import fmt


def table_sum(at) -> float:
    return float(at.dataframe[0].value["Efter behov (mnkr)"].sum())


def test_typing_a_decimal_comma_in_summa_means_what_it_says():
    at = open_page("pages/allocation.py")
    summa = at.text_input(key="summa")
    assert summa.value == "150" and any(c.value == "Tolkat som 150 mnkr" for c in at.caption)
    summa.input("1,5").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(c.value == "Tolkat som 1,5 mnkr" for c in at.caption)
    assert table_sum(at) == pytest.approx(1.5)
    at.text_input(key="summa").input("1 500,5").run()
    assert any(c.value == f"Tolkat som 1{fmt.THIN_SPACE}500,5 mnkr" for c in at.caption)
    assert table_sum(at) == pytest.approx(1500.5)


def test_a_bad_number_is_refused_in_swedish_and_nothing_changes():
    at = open_page("pages/allocation.py", summa="150,5")
    assert table_sum(at) == pytest.approx(150.5)
    at.text_input(key="summa").input("1,5,5").run()
    assert any("”1,5,5” är inte ett tal" in e.value and "Oförändrat: 150,5 mnkr" in e.value for e in at.error)
    assert at.text_input(key="summa").value == "150,5" and table_sum(at) == pytest.approx(150.5)
    at.text_input(key="golv").input("20000").run()
    assert any("ligger utanför det tillåtna 0–10" in e.value for e in at.error)
    assert at.text_input(key="golv").value == "0"


def test_golv_with_a_decimal_comma_and_an_old_link_with_a_decimal_point():
    at = open_page("pages/allocation.py", enhet="Stadsdelar", golv="1,5", summa="150.0")
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert table["Efter behov (mnkr)"].sum() == pytest.approx(150) and table["Efter behov (mnkr)"].min() >= 1.5


def add_activity(at, title: str, budget: str):
    next(t for t in at.text_input if t.label == "Aktivitet").input(title)
    next(t for t in at.text_input if t.label == "Budget (mnkr)").input(budget)
    next(b for b in at.button if b.label == "Lägg till").click()
    return at.run()


def test_plans_budget_with_a_decimal_comma_is_stored_as_written(con):
    from lib import db

    committee = "Skärholmens stadsdelsnämnd"
    at = open_page("pages/plans.py", editor="testare", namnd=committee)
    add_activity(at, "Läxhjälp i Vårberg", "1,5")
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "Lade till ”Läxhjälp i Vårberg” med budget 1,5 mnkr." for s in at.success)
    acts = db.plan(con, committee)["activities"].set_index("title")
    assert acts.loc["Läxhjälp i Vårberg", "budget"] == 1.5
    add_activity(at, "Nattvandring", "1,5,5")
    assert any("Aktiviteten lades inte till: ”1,5,5” är inte ett tal" in e.value for e in at.error)
    assert "Nattvandring" not in set(db.plan(con, committee)["activities"]["title"])
