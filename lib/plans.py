"""Local action plans of the stadsdelsnämnder: validation, the generated situation analysis and follow-up.

A plan has prioriteringar (text), lokala mål (an indicator, a target and a target year) and aktiviteter (owner,
partners such as the housing companies, start, end, budget, status). Local goals are followed up with the same
rules as the programme's delmål (`lib.goals.assess`), on the nämnd's own stadsdelar.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from lib import aggregate, goals
from lib.aggregate import relative_risk
from lib.fmt import number
from lib.problems import ProblemsError

ACTIVITY_FIELDS = ("title", "owner", "partners", "start", "end", "budget", "status")
GOAL_FIELDS = ("indicator_code", "target", "target_year", "text")
TITLE_MAX = 200


class PlanError(ProblemsError):
    """Invalid plan rows; `problems` lists every fault in Swedish."""

    heading = "Ändringen sparades inte"


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip()) or v is pd.NaT


def _to_date(v, label: str, where: str, problems: list[str]) -> dt.date | None:
    if _blank(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v).strip()[:10])
    except ValueError:
        problems.append(f"{where}: {label} ”{v}” är inte ett datum (ÅÅÅÅ-MM-DD).")
        return None


def validate_activity(row: Mapping, where: str = "Aktiviteten") -> dict:
    """A cleaned activity, or `PlanError`."""
    problems: list[str] = []
    title = "" if _blank(row.get("title")) else " ".join(str(row["title"]).split())
    if not title:
        problems.append(f"{where}: ange en rubrik.")
    elif len(title) > TITLE_MAX:
        problems.append(f"{where}: rubriken får vara högst {TITLE_MAX} tecken.")
    status = row.get("status")
    if status not in goals.ACTIVITY_STATUSES:
        problems.append(f"{where}: status måste vara en av {', '.join(goals.ACTIVITY_STATUSES)}.")
    start = _to_date(row.get("start"), "start", where, problems)
    end = _to_date(row.get("end"), "slut", where, problems)
    if start and end and end < start:
        problems.append(f"{where}: slutdatum före startdatum.")
    budget = row.get("budget")
    try:
        budget = 0.0 if _blank(budget) else float(str(budget).replace(",", ".").replace(" ", ""))
        if budget < 0:
            problems.append(f"{where}: budgeten kan inte vara negativ.")
    except ValueError:
        problems.append(f"{where}: budgeten ”{budget}” är inte ett tal (mnkr).")
        budget = 0.0
    if problems:
        raise PlanError(problems)
    text = {k: ("" if _blank(row.get(k)) else " ".join(str(row[k]).split())) for k in ("owner", "partners")}
    return {"title": title, **text, "start": start, "end": end, "budget": round(float(budget), 3), "status": status}


def validate_goal(
    row: Mapping, known_indicators: Mapping[str, str], years: tuple[int, ...], where: str = "Målet"
) -> dict:
    """A cleaned local goal (indicator by code or name), or `PlanError`."""
    problems: list[str] = []
    by_name = {v.casefold(): k for k, v in known_indicators.items()}
    raw = row.get("indicator_code")
    code = raw if raw in known_indicators else by_name.get(str(raw).casefold()) if not _blank(raw) else None
    if code is None:
        problems.append(f"{where}: välj en indikator ur katalogen.")
    try:
        target = float(str(row.get("target")).replace(",", "."))
        if not np.isfinite(target):
            raise ValueError
    except (TypeError, ValueError):
        problems.append(f"{where}: målvärdet ”{row.get('target')}” är inte ett tal.")
        target = None
    try:
        raw_year: Any = row.get("target_year")  # a cell as typed: text, a number or empty
        year = int(raw_year)
        if year < years[0] or year > years[-1] + 10:
            problems.append(f"{where}: målåret {year} är orimligt.")
    except (TypeError, ValueError):
        problems.append(f"{where}: ange målår.")
        year = None
    if problems:
        raise PlanError(problems)
    text = "" if _blank(row.get("text")) else " ".join(str(row["text"]).split())
    return {"indicator_code": code, "target": target, "target_year": year, "text": text}


def _same(a, b) -> bool:
    """A cell as loaded and as edited hold the same value, whatever types the table editor hands back."""
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    if isinstance(a, numbers.Real) and isinstance(b, numbers.Real):
        return float(a) == float(b)
    a, b = (v.date() if isinstance(v, pd.Timestamp) and v == v.normalize() else v for v in (a, b))
    return str(a) == str(b)


def table_changes(
    edited: pd.DataFrame, loaded: pd.DataFrame, validate: Callable[[Mapping, str], dict]
) -> tuple[list[dict], dict[str, int], list[str], pd.DataFrame]:
    """What an editor changed in a plan table, compared with the rows as they were loaded into the editor (with
    `id` and `version`), not with the rows as stored now: a row someone else has changed meanwhile must reach
    the database as this editor's change of the version they saw, so that it is refused there with the other
    change shown, rather than silently overwritten or taken for "no change".

    Returns upserts (changed rows with id and loaded version, new rows without id; each validated), deletes
    (id -> loaded version), problems (Swedish, by row number; only changed and new rows are checked) and the
    unsaved rows themselves (a column `ändring`: ny, ändrad, borttagen) so the page can offer them for copying."""
    columns = [c for c in edited.columns if c not in ("id", "version")]
    before = {r["id"]: r for r in loaded.to_dict("records")} if len(loaded) else {}
    upserts: list[dict] = []
    problems: list[str] = []
    unsaved: list[dict] = []
    kept: set[str] = set()
    for i, row in enumerate(edited.to_dict("records"), 1):
        key = row.get("id") if isinstance(row.get("id"), str) and row.get("id") in before else None
        old = before.get(key)
        if old is not None and key is not None:
            kept.add(key)
            if all(_same(row.get(c), old.get(c)) for c in columns):
                continue
        unsaved.append({"ändring": "ändrad" if old is not None else "ny", **{c: row.get(c) for c in columns}})
        try:
            clean = validate(row, f"Rad {i}")
        except PlanError as exc:
            problems += exc.problems
            continue
        upserts.append({**clean, "id": key, "version": None if old is None else int(old["version"])})
    deletes = {k: int(r["version"]) for k, r in before.items() if k not in kept}
    unsaved += [{"ändring": "borttagen", **{c: before[k].get(c) for c in columns}} for k in deletes]
    return upserts, deletes, problems, pd.DataFrame(unsaved, columns=["ändring", *columns])


def situation(
    scores: pd.DataFrame, areas: pd.DataFrame, district: str, domain_columns: Mapping[str, str]
) -> pd.DataFrame:
    """The nämnd's stadsdelar with composite, rank and area scores (100 = city), programme ones first."""
    mine = areas[areas["district"] == district][["code", "name", "in_programme"]]
    cols = ["area_code", "composite", "rank", *domain_columns]
    out = mine.merge(scores[cols], left_on="code", right_on="area_code").drop(columns="area_code")
    out = out.rename(columns=dict(domain_columns))
    return out.sort_values(["in_programme", "composite"], ascending=[False, False]).reset_index(drop=True)


def weakest_indicators(
    own: pd.DataFrame, city: pd.DataFrame, meta: pd.DataFrame, year: int, n: int = 5
) -> pd.DataFrame:
    """The indicators where the nämnd's programme stadsdelar (own: indicator_code, year, value) lie furthest above
    the city on the risk scale (100 = city level)."""

    def latest(frame: pd.DataFrame) -> pd.Series:
        return aggregate.latest_at(frame, year).set_index("indicator_code")["value"]

    mine, town = latest(own), latest(city)
    rows = []
    for ind in meta[meta["domain"] != "kontext"].itertuples():
        if ind.code in mine.index and ind.code in town.index:
            rows.append(
                {
                    "indicator_code": ind.code,
                    "name": ind.name,
                    "value": mine[ind.code],
                    "city": town[ind.code],
                    "risk": relative_risk(mine[ind.code], town[ind.code], bool(ind.higher_is_worse)),
                }
            )
    return pd.DataFrame(rows).sort_values("risk", ascending=False).head(n).reset_index(drop=True)


def followup(
    plan_goals: pd.DataFrame, outcomes: pd.DataFrame, year: int, baseline_year: int, rules: goals.Rules | None = None
) -> pd.DataFrame:
    """Status of each local goal in `year`: årsmål linear from the baseline to the target year, same rules as the
    programme's delmål."""
    rules = rules or goals.Rules()
    rows = []
    for g in plan_goals.itertuples():
        series = outcomes[outcomes["indicator_code"] == g.indicator_code].set_index("year")["value"].sort_index()
        baseline = series.get(baseline_year, np.nan)
        direction = "higher" if np.isfinite(baseline) and g.target > baseline else "lower"
        target = np.nan
        if np.isfinite(baseline):
            share = min(1.0, max(0.0, (year - baseline_year) / max(1, g.target_year - baseline_year)))
            target = baseline + share * (g.target - baseline)
        known = series[series.index <= year]
        rows.append(
            {
                "id": g.id,
                "baseline": baseline,
                "target_now": target,
                "outcome": float(known.iloc[-1]) if len(known) else np.nan,
                "direction": direction,
                "status": goals.assess(series, direction, target if np.isfinite(target) else None, year, rules),
            }
        )
    return pd.DataFrame(rows, columns=["id", "baseline", "target_now", "outcome", "direction", "status"])


def when(stamp) -> str:
    """A saved row's time for a message: minutes, or "nyss" when the row has none yet."""
    return "nyss" if stamp is None or pd.isna(stamp) else pd.Timestamp(stamp).strftime("%Y-%m-%d %H:%M")


def change_text(field: str, value, ind_name: Mapping[str, str]) -> str:
    """A field's value as an editor typed it: the indicator's name, a Swedish decimal number, or "(tom)"."""
    if value is None or value == "":
        return "(tom)"
    if field == "indicator_code":
        return ind_name.get(value, str(value))
    if isinstance(value, float):
        return number(value, 3).rstrip("0").rstrip(",")
    return str(value)


def conflict_table(conflicts: list[dict], ind_name: Mapping[str, str], field_labels: Mapping[str, str]) -> pd.DataFrame:
    """A refused save's conflicts as a table: which row, who changed it, when, and what changed."""
    rows = []
    for c in conflicts:
        row = c["current"] or c["then"] or c["mine"] or {}
        label = row.get("title") or " ".join(
            change_text(f, row.get(f), ind_name) for f in ("indicator_code", "target_year") if row.get(f)
        )
        changes = "; ".join(
            f"{field_labels.get(f, f)}: {change_text(f, then, ind_name)} → {change_text(f, now, ind_name)}"
            for f, (then, now) in c["changes"].items()
        )
        rows.append(
            {
                "Rad": label or c["id"],
                "Ändrad av": c["updated_by"] or "okänd",
                "Tid": when(c["updated_at"]),
                "Ändring": "borttagen" if c["deleted"] else changes or "ändrad",
            }
        )
    return pd.DataFrame(rows)


def goal_rows(stored: pd.DataFrame, ind_name: Mapping[str, str]) -> pd.DataFrame:
    """The stored local goals as the table editor takes them: the indicator by name, typed empty columns."""
    empty = stored.empty
    return pd.DataFrame(
        {
            "id": stored["id"] if not empty else pd.Series(dtype=str),
            "version": stored["version"] if not empty else pd.Series(dtype="int64"),
            "indicator_code": stored["indicator_code"].map(ind_name) if not empty else pd.Series(dtype=str),
            "target": stored["target"] if not empty else pd.Series(dtype=float),
            "target_year": stored["target_year"] if not empty else pd.Series(dtype="Int64"),
            "text": stored["text"] if not empty else pd.Series(dtype=str),
        }
    )


def followup_table(
    stored: pd.DataFrame, follow: pd.DataFrame, ind_name: Mapping[str, str], year: int, baseline_year: int
) -> pd.DataFrame:
    """The local goals with baseline, this year's target, outcome and assessment (`follow`: `followup`)."""
    merged = stored.merge(follow, on="id")
    return pd.DataFrame(
        {
            "Mål": merged["text"].where(merged["text"].astype(bool), merged["indicator_code"].map(ind_name)),
            "Indikator": merged["indicator_code"].map(ind_name),
            f"Basvärde {baseline_year}": merged["baseline"].round(1),
            f"Årsmål {year}": merged["target_now"].round(1),
            "Utfall": merged["outcome"].round(1),
            "Målvärde": merged["target"],
            "Målår": merged["target_year"],
            "Bedömning": [f"{goals.STATUS_ICON[s]} {s}" for s in merged["status"]],
        }
    )


#: The plan tables' parts in the history, and the fields a change is told by (row bookkeeping left out).
HISTORY_PARTS = {"plan_goal": "lokalt mål", "plan_activity": "aktivitet", "plan_text": "text"}
HISTORY_FIELDS = {"plan_goal": GOAL_FIELDS, "plan_activity": ACTIVITY_FIELDS, "plan_text": ("text",)}
HISTORY_TEXT_MAX = 80


def history_value(field: str, value: Any, ind_name: Mapping[str, str]) -> str:
    """One stored value as a reader of the history wants it: the indicator's name, a date without its time, a
    Swedish number, a shortened text, and "–" for empty (never `None`)."""
    if _blank(value):
        return "–"
    if field == "indicator_code":
        return ind_name.get(value, str(value))
    if field in ("start", "end"):
        return str(value)[:10]
    if field == "target_year":
        return str(int(value))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return number(float(value), 3).rstrip("0").rstrip(",")
    text = " ".join(str(value).split())
    return text if len(text) <= HISTORY_TEXT_MAX else text[: HISTORY_TEXT_MAX - 1] + "…"


def _loaded(raw: Any) -> dict:
    """An audit row's stored state (JSON text; empty when the row did not exist)."""
    if raw is None or (isinstance(raw, float) and np.isnan(raw)) or raw == "":
        return {}
    import json

    value = json.loads(raw) if isinstance(raw, str) else raw
    return value if isinstance(value, dict) else {}


def history_changes(
    table: str, before: Any, after: Any, ind_name: Mapping[str, str], field_labels: Mapping[str, str]
) -> list[str]:
    """The fields an audited change altered, each as "fält: före → efter" (a new row: – → value; a removed one:
    value → –)."""
    old, new = _loaded(before), _loaded(after)
    parts = []
    for f in HISTORY_FIELDS.get(table, ()):
        then, now = history_value(f, old.get(f), ind_name), history_value(f, new.get(f), ind_name)
        if then != now:
            parts.append(f"{field_labels.get(f, f)}: {then} → {now}")
    return parts or ["inga ändrade fält"]


def history_change(
    table: str, before: Any, after: Any, ind_name: Mapping[str, str], field_labels: Mapping[str, str]
) -> str:
    """`history_changes` on one line, joined by "; "."""
    return "; ".join(history_changes(table, before, after, ind_name, field_labels))


def history_row_label(table: str, before: Any, after: Any, record_id: str, ind_name: Mapping[str, str]) -> str:
    """Which row a change concerns, in words: an activity's title, a goal's indicator and year, a text's section."""
    row = _loaded(after) or _loaded(before)
    if table == "plan_activity" and row.get("title"):
        return history_value("title", row["title"], ind_name)
    if table == "plan_goal" and row.get("indicator_code"):
        year = row.get("target_year")
        name = history_value("indicator_code", row["indicator_code"], ind_name)
        return f"{name} ({history_value('target_year', year, ind_name)})" if year is not None else name
    return str(record_id)


def history_time(stamp: Any) -> str:
    """An audit time to the minute ("2026-05-04 13:07"): seconds and microseconds say nothing to a reader."""
    return "–" if stamp is None or pd.isna(stamp) else pd.Timestamp(stamp).strftime("%Y-%m-%d %H:%M")


def history_table(log: pd.DataFrame, ind_name: Mapping[str, str], field_labels: Mapping[str, str]) -> pd.DataFrame:
    """The nämnd's plan history as shown (newest first, as `db.audit_log` gives it): when, who, which part and row,
    what was done, and one line per changed field as "fält: före → efter" (one line each, so a table at 1280 px
    shows every change whole)."""
    rows = [
        {
            "Tid": history_time(r["changed_at"]),
            "Redigerare": r["editor"],
            "Del": HISTORY_PARTS.get(r["table_name"], r["table_name"]),
            "Post": history_row_label(r["table_name"], r["before"], r["after"], r["record_id"], ind_name),
            "Åtgärd": r["action"],
            "Ändring": change,
        }
        for r in log.to_dict("records")
        for change in history_changes(r["table_name"], r["before"], r["after"], ind_name, field_labels)
    ]
    return pd.DataFrame(rows, columns=["Tid", "Redigerare", "Del", "Post", "Åtgärd", "Ändring"])
