"""Reading a goal tree (a plain value as read from YAML) into a `GoalTree`, listing every fault in Swedish.

Each part is read by its own helper that appends to one shared `problems` list, in file order, so an editor
fixing a file sees every fault at once and in the order they appear; checks that need the whole tree (placement,
cycles, the stadsdelsnämnd rule) are in `lib.goals.checks`. Nothing here reads files: the bounded YAML reader and
the one check of a goal file's text are in `lib.db.goaltrees`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping

import pandas as pd

from lib.goals.checks import check_placement, settle_parts
from lib.goals.model import (
    ACTIVITY_STATUSES,
    BODY_KINDS,
    DIRECTIONS,
    LEVELS,
    PART_ALIASES,
    PARTS,
    GoalTree,
    TreeError,
)

#: Ids of nodes, bodies and activities: short and plain, because they travel into the graph, the database, file
#: names and links; anything else is refused rather than escaped everywhere it goes.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
ID_RULE = "högst 40 tecken: bokstäverna A–Z och a–z, siffror, _ . - (och första tecknet en bokstav eller siffra)"
#: Upper bounds far above any real programme (the shipped tree has 25 nodes), so that a hostile tree is refused
#: before the checks below, some of which compare every node with every other, can take long.
MAX_NODES, MAX_BODIES, MAX_ACTIVITIES = 500, 200, 2000


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _text(value) -> str | None:
    """An optional text field as text (YAML may give a number or a list), so the database column gets a string."""
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _flag(value, problems: list[str], where: str) -> bool:
    """A yes/no field: YAML's true/false only. `bool("nej")` is True, so a text here would silently mark a known
    goal as made up (or the reverse); it is listed as a problem instead."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    problems.append(f"{where}: illustrative ska vara true eller false, inte '{str(value)[:40]}'.")
    return False


def _valid_id(value: str) -> bool:
    return ID_PATTERN.fullmatch(value) is not None


def _known(value, known) -> bool:
    """Whether a reference names a known id; a list or mapping in its place is simply unknown (not a crash)."""
    return isinstance(value, str) and value in known


def _finite(value) -> float:
    """A number as float; `ValueError` for text, lists and for inf/nan (YAML's .inf, or 1e400 which becomes it)."""
    if isinstance(value, bool):
        raise ValueError(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def parse_tree(raw: Mapping, known_indicators: set[str], years: tuple[int, ...]) -> GoalTree:
    """Validate a goal tree (as read from YAML) and return it as tables; raise `TreeError` listing all faults.

    Each part is read by its own helper that appends to one shared `problems` list, in file order, so an editor
    fixing a file sees every fault at once and in the order they appear."""
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        raise TreeError(["Filen innehåller inget målträd (väntade nycklarna bodies, nodes och activities)."])
    bodies_raw = _as_list(raw.get("bodies"))
    nodes_raw = _as_list(raw.get("nodes"))
    activities_raw = _as_list(raw.get("activities"))
    _check_sizes(nodes_raw, bodies_raw, activities_raw)
    if not nodes_raw:
        problems.append("Målträdet saknar noder (nodes).")
    bodies, seen_bodies = _parse_bodies(bodies_raw, problems)
    nodes, ids, resp, inds, targets = _parse_nodes(nodes_raw, seen_bodies, known_indicators, years, problems)
    check_placement(nodes, ids, problems)
    settle_parts(nodes, bodies, resp, problems)
    activities = _parse_activities(activities_raw, ids, seen_bodies, problems)
    if problems:
        raise TreeError(problems)
    return GoalTree(
        nodes=pd.DataFrame(nodes),
        bodies=pd.DataFrame(bodies),
        responsibility=pd.DataFrame(resp, columns=["node_id", "body_id", "role"]),
        indicators=pd.DataFrame(
            inds,
            columns=["node_id", "indicator_code", "direction", "baseline_year", "target_2020", "target_2020_change"],
        ),
        targets=pd.DataFrame(targets, columns=["node_id", "indicator_code", "year", "target"]),
        activities=pd.DataFrame(
            activities,
            columns=[
                "id",
                "node_id",
                "body_id",
                "district",
                "title",
                "start",
                "end",
                "status",
                "budget",
                "illustrative",
            ],
        ),
    )


def _check_sizes(nodes_raw: list, bodies_raw: list, activities_raw: list) -> None:
    """Refuse an oversized file before reading any of it: checking a huge file item by item would hang the app."""
    for items, most, what in (
        (nodes_raw, MAX_NODES, "noder"),
        (bodies_raw, MAX_BODIES, "organisationer"),
        (activities_raw, MAX_ACTIVITIES, "aktiviteter"),
    ):
        if len(items) > most:
            raise TreeError([f"Målträdet har {len(items)} {what}; högst {most} går att läsa in."])


def _parse_bodies(bodies_raw: list, problems: list[str]) -> tuple[list[dict], set[str]]:
    """The organisations as rows and the set of their ids; nodes and activities name bodies by these ids, so the
    set is what they are checked against."""
    bodies, seen_bodies = [], set()
    for i, b in enumerate(bodies_raw, 1):
        bid = str(b.get("id", "")).strip() if isinstance(b, Mapping) else ""
        if not bid:
            problems.append(f"Organisation nr {i} saknar id.")
            continue
        if not _valid_id(bid):
            problems.append(f"Organisationen nr {i} har id '{bid[:60]}', som inte följer reglerna för id ({ID_RULE}).")
            continue
        if bid in seen_bodies:
            problems.append(f"Organisationen '{bid}' finns två gånger.")
        seen_bodies.add(bid)
        kind = b.get("kind", "")
        if kind not in BODY_KINDS:
            problems.append(f"Organisationen '{bid}' har okänd typ '{kind}' (välj {', '.join(BODY_KINDS)}).")
        bodies.append(
            {
                "id": bid,
                "name": str(b.get("name") or bid),
                "kind": kind,
                "district": _text(b.get("district")),
                "members": ",".join(map(str, _as_list(b.get("members")))),
            }
        )
    for b in bodies:
        for m in filter(None, b["members"].split(",")):
            if m not in seen_bodies:
                problems.append(f"Gruppen '{b['id']}' har en okänd medlem '{m}'.")
    return bodies, seen_bodies


def _parse_nodes(
    nodes_raw: list, seen_bodies: set[str], known_indicators: set[str], years: tuple[int, ...], problems: list[str]
) -> tuple[list[dict], dict[str, str], list[dict], list[dict], list[dict]]:
    """The nodes, their levels by id, and the responsibility, indicator and target rows that hang on them. A node
    is read whole (its own fields, then its bodies, then its indicators) so its problems stay together."""
    nodes: list[dict] = []
    resp: list[dict] = []
    inds: list[dict] = []
    targets: list[dict] = []
    ids: dict[str, str] = {}
    for order, n in enumerate(nodes_raw):
        nid = str(n.get("id", "")).strip() if isinstance(n, Mapping) else ""
        if not nid:
            problems.append(f"Nod nr {order + 1} saknar id.")
            continue
        if not _valid_id(nid):
            problems.append(f"Nod nr {order + 1} har id '{nid[:60]}', som inte följer reglerna för id ({ID_RULE}).")
            continue
        if nid in ids:
            problems.append(f"Id '{nid}' används av flera noder.")
        level = n.get("level")
        if level not in LEVELS:
            problems.append(f"Noden '{nid}' har okänd nivå '{level}' (välj {', '.join(LEVELS)}).")
        if not str(n.get("text", "")).strip():
            problems.append(f"Noden '{nid}' saknar text.")
        ids[nid] = level
        nodes.append(_node_row(n, nid, level, order, problems))
        for role, key in (("ansvarig", "ansvarig"), ("berörd", "berörda")):
            for body in _as_list(n.get(key)):
                if not _known(body, seen_bodies):
                    problems.append(f"Noden '{nid}' anger okänd {role} '{body}'.")
                resp.append({"node_id": nid, "body_id": str(body), "role": role})
        for spec in _as_list(n.get("indicators")):
            row = _parse_indicator(spec, nid, known_indicators, years, problems)
            if row is not None:
                inds.append(row)
                targets += _parse_targets(spec, row["indicator_code"], nid, years, problems)
    return nodes, ids, resp, inds, targets


def _node_row(n: Mapping, nid: str, level, order: int, problems: list[str]) -> dict:
    """One node's own fields. `_parts` and `_indicators` are working columns for `settle_parts`, which needs
    them before the illustrative parts can be decided, and removes them."""
    parts = []
    for part in _as_list(n.get("illustrative_parts")):
        key = PART_ALIASES.get(str(part).strip().casefold(), str(part).strip().casefold())
        if key not in PARTS:
            problems.append(f"Noden '{nid}' anger okänd illustrativ del '{part}' (välj {', '.join(PARTS)}).")
        elif key not in parts:
            parts.append(key)
    return {
        "id": nid,
        "level": level,
        "parent": (str(n["parent"]).strip() if n.get("parent") not in (None, "") else None),
        "text": " ".join(str(n.get("text", "")).split()),
        "short": _text(n.get("short")),
        "illustrative": _flag(n.get("illustrative"), problems, f"Noden '{nid}'"),
        "source": _text(n.get("source")),
        "note": _text(n.get("note")),
        "order": order,
        "_parts": parts,
        "_indicators": [s.get("indicator") for s in _as_list(n.get("indicators")) if isinstance(s, Mapping)],
    }


def _parse_indicator(
    spec, nid: str, known_indicators: set[str], years: tuple[int, ...], problems: list[str]
) -> dict | None:
    """One indicator of a node as a row, or None when the indicator is unknown: its targets then mean nothing,
    so they are not read either."""
    code = spec.get("indicator") if isinstance(spec, Mapping) else None
    if not _known(code, known_indicators):
        problems.append(f"Noden '{nid}' anger okänd indikator '{code}'.")
        return None
    direction = spec.get("direction", "lower")
    if direction not in DIRECTIONS:
        problems.append(f"Indikatorn '{code}' i '{nid}' har riktning '{direction}' (välj lower eller higher).")
    baseline_year = spec.get("baseline_year", 2014)
    if baseline_year not in years:
        problems.append(f"Basåret {baseline_year} för '{code}' i '{nid}' ligger utanför {years[0]}–{years[-1]}.")
    numbers = {}
    for key in ("target_2020", "target_2020_change"):
        if spec.get(key) is not None:
            try:
                numbers[key] = _finite(spec[key])
            except (TypeError, ValueError, OverflowError):
                problems.append(f"'{key}' för '{code}' i '{nid}' är inte ett tal (eller är oändligt).")
    return {
        "node_id": nid,
        "indicator_code": code,
        "direction": direction,
        "baseline_year": baseline_year,
        "target_2020": numbers.get("target_2020"),
        "target_2020_change": numbers.get("target_2020_change"),
    }


def _parse_targets(spec: Mapping, code: str, nid: str, years: tuple[int, ...], problems: list[str]) -> list[dict]:
    """The explicit yearly targets (`targets: {år: värde}`) of one indicator; a year outside the data or a value
    that is not a finite number is a problem, because a target nobody can reach or read misleads."""
    targets = []
    explicit = spec.get("targets") or {}
    if not isinstance(explicit, Mapping):
        problems.append(f"Årsmålen (targets) för '{code}' i '{nid}' ska anges som år: värde.")
        explicit = {}
    for year, value in explicit.items():
        whole = str(year).strip()
        year_number = int(whole) if whole.isdigit() and len(whole) == 4 else None
        if year_number not in years:
            problems.append(f"Årsmålet '{year}' för '{code}' i '{nid}' är inte ett år {years[0]}–{years[-1]}.")
            continue
        try:
            targets.append({"node_id": nid, "indicator_code": code, "year": year_number, "target": _finite(value)})
        except (TypeError, ValueError, OverflowError):
            problems.append(f"Årsmålet {year} för '{code}' i '{nid}' är inte ett tal (eller är oändligt).")
    return targets


def _parse_activities(
    activities_raw: list, ids: dict[str, str], seen_bodies: set[str], problems: list[str]
) -> list[dict]:
    """The activities as rows; each must hang on a known node and body so the follow-up can find it."""
    activities, seen_activities = [], set()
    for i, a in enumerate(activities_raw, 1):
        if not isinstance(a, Mapping):
            problems.append(f"Aktivitet nr {i} är inte en aktivitet (väntade id, node, body, title, status …).")
            continue
        aid = str(a.get("id") or f"AK{i}").strip()
        if not _valid_id(aid):
            problems.append(f"Aktivitet nr {i} har id '{aid[:60]}', som inte följer reglerna för id ({ID_RULE}).")
            continue
        if aid in seen_activities:
            problems.append(f"Id '{aid}' används av flera aktiviteter.")
        seen_activities.add(aid)
        if not _known(a.get("node"), ids):
            problems.append(f"Aktiviteten '{aid}' hör till okänd nod '{a.get('node')}'.")
        if not _known(a.get("body"), seen_bodies):
            problems.append(f"Aktiviteten '{aid}' har okänd ansvarig '{a.get('body')}'.")
        if a.get("status") not in ACTIVITY_STATUSES:
            problems.append(
                f"Aktiviteten '{aid}' har status '{a.get('status')}' (välj {', '.join(ACTIVITY_STATUSES)})."
            )
        activities.append(_activity_row(a, aid, problems))
    return activities


def _activity_row(a: Mapping, aid: str, problems: list[str]) -> dict:
    """One activity's fields; a bad date or budget is a problem and stored as none, so every fault is listed
    rather than the first one stopping the check."""
    try:
        start, end = _date(a.get("start")), _date(a.get("end"))
        if start and end and end < start:
            problems.append(f"Aktiviteten '{aid}' slutar före den börjar.")
    except ValueError:
        problems.append(f"Aktiviteten '{aid}' har ett datum som inte är ÅÅÅÅ-MM-DD.")
        start = end = None
    try:
        budget = _finite(a.get("budget") or 0.0)
    except (TypeError, ValueError, OverflowError):
        problems.append(f"Aktiviteten '{aid}' har en budget som inte är ett tal (eller är oändlig).")
        budget = 0.0
    return {
        "id": aid,
        "node_id": a.get("node"),
        "body_id": a.get("body"),
        "district": _text(a.get("district")),
        "title": str(a.get("title", "")),
        "start": start,
        "end": end,
        "status": a.get("status"),
        "budget": budget,
        "illustrative": _flag(a.get("illustrative"), problems, f"Aktiviteten '{aid}'"),
    }
