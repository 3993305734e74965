"""The plan history in words: each change as "fält: före → efter", Swedish numbers, dates without times."""

from __future__ import annotations

import json

import pandas as pd

from lib import db, plans

INDS = {"ekonomiskt_bistand": "Ekonomiskt bistånd", "ohalsotal": "Ohälsotal"}
LABELS = db.PLAN_FIELD_LABELS


def stored(**row) -> str:
    """An audited row as the audit trail stores it (JSON, dates and times as text)."""
    base = {"id": "a1", "committee": "X", "updated_at": "2026-05-04 13:07:12.345678", "updated_by": "anna"}
    return json.dumps({**base, **row}, ensure_ascii=False)


def test_a_changed_activity_reads_field_before_after_in_swedish():
    before = stored(title="Läxhjälp", owner=None, start="2016-01-10", end=None, budget=1.5, status="pågår", version=1)
    after = stored(title="Läxhjälp", owner="Fritid", start="2016-02-01", end=None, budget=1500.25, status="klar")
    text = plans.history_change("plan_activity", before, after, INDS, LABELS)
    assert text == (
        "ansvarig: – → Fritid; start: 2016-01-10 → 2016-02-01; budget: 1,5 → 1\u202f500,25; status: pågår → klar"
    )
    assert "None" not in text and "{" not in text and "version" not in text


def test_a_new_and_a_removed_goal_name_the_indicator_and_say_empty_as_a_dash():
    row = stored(indicator_code="ohalsotal", target=25.0, target_year=2030, text="")
    assert plans.history_change("plan_goal", None, row, INDS, LABELS) == (
        "indikator: – → Ohälsotal; målvärde: – → 25; målår: – → 2030"
    )
    assert plans.history_change("plan_goal", row, None, INDS, LABELS).startswith("indikator: Ohälsotal → –")
    assert plans.history_row_label("plan_goal", row, None, "g1", INDS) == "Ohälsotal (2030)"


def test_history_table_has_time_to_the_minute_and_no_raw_json():
    log = pd.DataFrame(
        [
            {
                "changed_at": pd.Timestamp("2026-05-04 13:07:12.345678"),
                "editor": "anna",
                "table_name": "plan_text",
                "record_id": "prioriteringar",
                "action": "ändrad",
                "before": json.dumps({"text": "Trygghet", "version": 1}),
                "after": json.dumps({"text": "Trygghet och arbete", "version": 2}),
            },
            {
                "changed_at": pd.Timestamp("2026-05-04 09:00:59"),
                "editor": "bertil",
                "table_name": "plan_activity",
                "record_id": "a1",
                "action": "ny",
                "before": None,
                "after": stored(
                    title="Läxhjälp",
                    owner="",
                    partners=None,
                    start="2016-01-10",
                    end=None,
                    budget=0.0,
                    status="planerad",
                ),
            },
        ]
    )
    table = plans.history_table(log, INDS, LABELS)
    assert table["Tid"].tolist() == ["2026-05-04 13:07"] + ["2026-05-04 09:00"] * 4  # one line per changed field
    assert table["Del"].tolist() == ["text"] + ["aktivitet"] * 4
    assert table["Post"].tolist() == ["prioriteringar"] + ["Läxhjälp"] * 4
    assert table["Ändring"].tolist() == [
        "text: Trygghet → Trygghet och arbete",
        "rubrik: – → Läxhjälp",
        "start: – → 2016-01-10",
        "budget: – → 0",
        "status: – → planerad",
    ]
    shown = " ".join(table.astype(str).to_numpy().ravel())
    assert "None" not in shown and "{" not in shown and "nan" not in shown and ".345" not in shown


def test_history_values_are_swedish_and_short():
    assert plans.history_value("budget", 12.039511116865821, INDS) == "12,04"
    assert plans.history_value("start", "2016-01-10 00:00:00", INDS) == "2016-01-10"
    assert plans.history_value("target_year", 2030.0, INDS) == "2030"
    assert plans.history_value("owner", float("nan"), INDS) == "–"
    assert plans.history_value("indicator_code", "okand", INDS) == "okand"
    assert plans.history_value("text", "x" * 200, INDS).endswith("…")
    assert len(plans.history_value("text", "x" * 200, INDS)) == plans.HISTORY_TEXT_MAX
