"""The programme's goal tree and how its goals are judged (helt / delvis / ej uppfyllt by rules in the style of the
city's ILS – the tool's own rules, not the city's).

The tree is program → målområde → mål → delmål. Delmål carry responsible (`ansvarig`) and affected
(`berörda`) bodies and indicators with a baseline year and a 2020 target; årsmål in between are
interpolated linearly unless given. Everything here is pure: `parse_tree` validates a plain dict (read
from YAML by `lib.db`) and lists every problem in Swedish; `assess` and `roll_up` are the rules.

Rules (thresholds in `Rules`, shown on the page):

* **ej bedömd** – no outcome for the year (nor an earlier one) or no target;
* **helt uppfyllt** – the outcome meets the årsmål, or moves the right way with a strong trend
  (at least `strong_trend` relative change a year over the last `window` measurements);
* **delvis uppfyllt** – moves the right way with a weaker trend, or lies within `tolerance` of the årsmål;
* **ej uppfyllt** – otherwise.

Roll-up (like the city's annual report): a goal whose parts are all *helt* is *helt*; all *ej* gives *ej*;
any other mix gives *delvis*, so a single *ej* holds the goal at most at *delvis*. Parts that are *ej bedömd*
do not count; if no part can be judged, neither can the goal.

What is invented is said so. `illustrative: true` marks a whole node as an example; a node known from the sources
can still have invented parts, listed in `illustrative_parts` (`PARTS`: its placement under a parent, ansvarig,
berörda, its target). A node under an illustrative parent always has an illustrative placement. The referral
answer names stadsdelsnämnderna huvudansvariga for one delmål only, the one on ekonomiskt bistånd, so a delmål
that is not illustrative may have a stadsdelsnämnd as ansvarig only if it is that one (or its ansvarig is marked
illustrative). The parts are stored in the goal_node column `illustrative_parts` (comma-separated keys); read
them with `illustrative_parts`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

HELT, DELVIS, EJ, EJ_BEDOMD = "helt uppfyllt", "delvis uppfyllt", "ej uppfyllt", "ej bedömd"
STATUSES = (HELT, DELVIS, EJ, EJ_BEDOMD)
STATUS_ICON = {HELT: "✔", DELVIS: "◐", EJ: "✖", EJ_BEDOMD: "?"}
STATUS_COLOUR = {HELT: "#1a7f37", DELVIS: "#d4a017", EJ: "#c0392b", EJ_BEDOMD: "#9aa0a6"}
LEVELS = ("program", "målområde", "mål", "delmål")
ACTIVITY_STATUSES = ("planerad", "pågår", "klar", "försenad", "avbruten")
BODY_KINDS = ("kommunstyrelsen", "stadsdelsnämnd", "facknämnd", "bolag", "grupp")
DIRECTIONS = ("lower", "higher")

#: Parts of a node that can be illustrative on their own, with the Swedish words the app shows for them.
PARTS = {
    "text": "texten",
    "parent": "placeringen under målet",
    "ansvarig": "ansvarig",
    "berörda": "berörda",
    "target": "målvärdet",
}
PART_ALIASES = {"berorda": "berörda", "berörd": "berörda", "malvarde": "target", "målvärde": "target"}
DOT_PARTS = {"text": "text", "parent": "placering", "ansvarig": "ansvarig", "berörda": "berörda", "target": "målvärde"}
#: The delmål stadsdelsnämnderna are huvudansvariga for (the referral answer: "Av tretton angivna delmål är
#: stadsdelsnämnderna huvudansvariga för ett; Ekonomiskt bistånd"), recognised by its text or its indicator.
SDN_DELMAL_PHRASE = "beroende av ekonomiskt bistånd"
SDN_DELMAL_INDICATOR = "ekonomiskt_bistand"
#: Ids of nodes, bodies and activities: short and plain, because they travel into the graph, the database, file
#: names and links; anything else is refused rather than escaped everywhere it goes.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
ID_RULE = "högst 40 tecken: bokstäverna A–Z och a–z, siffror, _ . - (och första tecknet en bokstav eller siffra)"
#: Upper bounds far above any real programme (the shipped tree has 25 nodes), so that a hostile tree is refused
#: before the checks below, some of which compare every node with every other, can take long.
MAX_NODES, MAX_BODIES, MAX_ACTIVITIES = 500, 200, 2000


@dataclass(frozen=True)
class Rules:
    """Thresholds of the attainment rules."""

    tolerance: float = 0.02  # within 2 % of the årsmål counts as delvis
    strong_trend: float = 0.02  # ≥ 2 % a year in the right direction counts as helt
    window: int = 3  # measurements the trend is taken over


class TreeError(ValueError):
    """A goal tree that cannot be used; `problems` lists every fault in Swedish."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Målträdet kan inte läsas in:\n- " + "\n- ".join(problems))


@dataclass(frozen=True)
class GoalTree:
    """The tree as tables: nodes, bodies, responsibility, indicators (with targets) and activities."""

    nodes: pd.DataFrame  # id, level, parent, text, short, illustrative, source, note, order
    bodies: pd.DataFrame  # id, name, kind, district, members (comma-separated)
    responsibility: pd.DataFrame  # node_id, body_id, role (ansvarig | berörd)
    indicators: pd.DataFrame  # node_id, indicator_code, direction, baseline_year, target_2020, target_2020_change
    targets: pd.DataFrame  # node_id, indicator_code, year, target (explicit årsmål)
    activities: pd.DataFrame  # id, node_id, body_id, district, title, start, end, status, budget, illustrative

    def children(self, node_id: str) -> list[str]:
        return self.nodes.loc[self.nodes["parent"] == node_id, "id"].tolist()


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
    _check_placement(nodes, ids, problems)
    _settle_parts(nodes, bodies, resp, problems)
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
    """One node's own fields. `_parts` and `_indicators` are working columns for `_settle_parts`, which needs
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


def _check_placement(nodes: list[dict], ids: dict[str, str], problems: list[str]) -> None:
    """Each node must hang on a known parent one level up, without cycles, under exactly one program: otherwise
    the roll-up would count a goal twice or lose it."""
    for n in nodes:
        level, parent = n["level"], n["parent"]
        if level == "program":
            if parent is not None:
                problems.append(f"Programnoden '{n['id']}' kan inte ha en förälder.")
            continue
        if parent is None:
            problems.append(f"Noden '{n['id']}' saknar förälder (parent).")
        elif parent not in ids:
            problems.append(f"Noden '{n['id']}' hänger på okänd förälder '{parent}' (föräldralös).")
        elif level in LEVELS and ids[parent] in LEVELS and LEVELS.index(ids[parent]) != LEVELS.index(level) - 1:
            problems.append(f"Noden '{n['id']}' ({level}) kan inte ligga under '{parent}' ({ids[parent]}).")
    problems += _cycles({n["id"]: n["parent"] for n in nodes})
    if sum(1 for n in nodes if n["level"] == "program") != 1 and nodes:
        problems.append("Målträdet ska ha exakt en programnod (level: program).")


def _settle_parts(nodes: list[dict], bodies: list[dict], resp: list[dict], problems: list[str]) -> None:
    """Decide each node's illustrative parts, check the stadsdelsnämnd rule (which needs the working columns),
    then replace the working columns by the stored `illustrative_parts` text."""
    illustrative = {n["id"]: n["illustrative"] for n in nodes}
    for n in nodes:
        if not n["illustrative"] and illustrative.get(n["parent"]) and "parent" not in n["_parts"]:
            n["_parts"].append("parent")  # placed under an invented goal, so the placement is invented too
    problems += _sdn_problems(nodes, bodies, resp)
    for n in nodes:
        listed = n.pop("_parts")
        n.pop("_indicators")
        parts = [] if n["illustrative"] else [p for p in PARTS if p in listed]
        n["illustrative_parts"] = ", ".join(parts) or None


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


def _sdn_problems(nodes: list[dict], bodies: list[dict], resp: list[dict]) -> list[str]:
    """A delmål known from the sources may have a stadsdelsnämnd as ansvarig only if it is the one on ekonomiskt
    bistånd (see `SDN_DELMAL_PHRASE`), and only one such delmål may exist."""
    sdn = {b["id"] for b in bodies if b["kind"] == "stadsdelsnämnd"}
    sdn |= {b["id"] for b in bodies if sdn & set(filter(None, b["members"].split(",")))}
    known = []
    problems = []
    ansvarig_of: dict[str, set[str]] = {}
    for r in resp:
        if r["role"] == "ansvarig":
            ansvarig_of.setdefault(r["node_id"], set()).add(r["body_id"])
    for n in nodes:
        if n["level"] != "delmål" or n["illustrative"] or "ansvarig" in n["_parts"]:
            continue
        ansvarig = ansvarig_of.get(n["id"], set())
        if not ansvarig & sdn:
            continue
        known.append(n["id"])
        if SDN_DELMAL_PHRASE not in n["text"].casefold() and SDN_DELMAL_INDICATOR not in n["_indicators"]:
            problems.append(
                f"Delmålet '{n['id']}' har en stadsdelsnämnd som ansvarig men är inte illustrativt. Enligt "
                "remissvaret är stadsdelsnämnderna huvudansvariga för ett enda delmål, det om ekonomiskt bistånd: "
                "markera delmålet (illustrative: true) eller ansvaret (illustrative_parts: [ansvarig]) som "
                "illustrativt."
            )
    if len(known) > 1:
        problems.append(
            f"Stadsdelsnämnderna är ansvariga för {len(known)} delmål som inte är illustrativa ({', '.join(known)}); "
            "enligt remissvaret är de huvudansvariga för ett, det om ekonomiskt bistånd."
        )
    return problems


def _get(node, key: str):
    return node.get(key) if hasattr(node, "get") else getattr(node, key, None)


def illustrative_parts(node) -> tuple[str, ...]:
    """The illustrative parts (`PARTS` keys, in order) of a node – a row of `GoalTree.nodes` as a Series or a
    named tuple: all of them for an illustrative node, else those its goal file lists (plus its placement when its
    parent is illustrative)."""
    if bool(_get(node, "illustrative")):
        return tuple(PARTS)
    listed = _get(node, "illustrative_parts")
    if not isinstance(listed, str):
        return ()
    keys = {p.strip() for p in listed.split(",")}
    return tuple(p for p in PARTS if p in keys)


def parts_label(parts: Iterable[str]) -> str:
    """Swedish words for illustrative parts: "placeringen under målet, berörda, målvärdet"."""
    return ", ".join(PARTS[p] for p in parts)


def _cycles(parent_of: dict[str, str | None]) -> list[str]:
    problems = []
    for start in parent_of:
        seen, node = [], start
        while node is not None and node in parent_of:
            if node in seen:
                loop = " → ".join([*seen[seen.index(node) :], node])
                problems.append(f"Målträdet har en cirkel: {loop}.")
                break
            seen.append(node)
            node = parent_of[node]
    return sorted(set(problems))


def annual_targets(
    baseline: float,
    baseline_year: int,
    target_2020: float,
    years: Iterable[int],
    explicit: Mapping[int, float] | None = None,
) -> dict[int, float]:
    """Årsmål: explicit values where given, else linear from the baseline to the 2020 target."""
    out = {}
    for year in years:
        if explicit and year in explicit:
            out[year] = float(explicit[year])
        elif year > baseline_year:
            share = (year - baseline_year) / (2020 - baseline_year)
            out[year] = baseline + share * (target_2020 - baseline)
    return out


def trend(series: pd.Series, year: int, window: int) -> float:
    """Relative change a year over the last `window` measurements up to `year` (least squares), or NaN."""
    past = series[(series.index <= year) & series.notna()].sort_index().tail(window)
    if len(past) < 2:
        return float("nan")
    x = past.index.to_numpy(dtype=float)
    y = past.to_numpy(dtype=float)
    slope = np.polyfit(x, y, 1)[0]
    level = np.mean(y)
    return float(slope / level) if level else float("nan")


def assess(series: pd.Series, direction: str, target: float | None, year: int, rules: Rules = Rules()) -> str:
    """The status of one indicator in `year` (series: year → outcome). See the module doc for the rules."""
    known = series[(series.index <= year) & series.notna()]
    if known.empty or target is None or not np.isfinite(target):
        return EJ_BEDOMD
    outcome = float(known.sort_index().iloc[-1])
    sign = 1.0 if direction == "higher" else -1.0
    if sign * (outcome - target) >= 0:
        return HELT
    change = trend(series, year, rules.window)
    if np.isfinite(change) and sign * change >= rules.strong_trend:
        return HELT
    if np.isfinite(change) and sign * change > 0:
        return DELVIS
    if target and abs(outcome - target) / abs(target) <= rules.tolerance + 1e-12:  # on the edge counts as within
        return DELVIS
    return EJ


def roll_up(statuses: Iterable[str]) -> str:
    """A goal's status from its parts' (see the module doc)."""
    judged = [s for s in statuses if s != EJ_BEDOMD]
    if not judged:
        return EJ_BEDOMD
    if all(s == HELT for s in judged):
        return HELT
    if all(s == EJ for s in judged):
        return EJ
    return DELVIS


def indicator_assessment(
    tree: GoalTree, outcomes: pd.DataFrame, year: int, years: Iterable[int], rules: Rules = Rules()
) -> pd.DataFrame:
    """Per delmål indicator: baseline, årsmål and outcome for `year`, trend and status.

    `outcomes` (indicator_code, year, value) are for the area being followed up: the programme area,
    a stadsdelsområde or one stadsdel. Relative 2020 targets apply to that area's own baseline."""
    years = list(years)
    rows = []
    for spec in tree.indicators.itertuples():
        series = outcomes[outcomes["indicator_code"] == spec.indicator_code].set_index("year")["value"].sort_index()
        baseline = series.get(spec.baseline_year, np.nan)
        if spec.target_2020 is not None and np.isfinite(spec.target_2020):
            goal_2020 = float(spec.target_2020)
        elif spec.target_2020_change is not None and np.isfinite(spec.target_2020_change):
            goal_2020 = baseline * (1 + spec.target_2020_change)
        else:
            goal_2020 = np.nan
        explicit = tree.targets[
            (tree.targets["node_id"] == spec.node_id) & (tree.targets["indicator_code"] == spec.indicator_code)
        ].set_index("year")["target"]
        goals = (
            annual_targets(baseline, spec.baseline_year, goal_2020, years, explicit.to_dict())
            if np.isfinite(baseline)
            else {}
        )
        known = series[series.index <= year]
        outcome_year = int(known.index.max()) if len(known) else None
        target = goals.get(outcome_year) if outcome_year else None
        rows.append(
            {
                "node_id": spec.node_id,
                "indicator_code": spec.indicator_code,
                "direction": spec.direction,
                "baseline_year": spec.baseline_year,
                "baseline": baseline,
                "target_year": outcome_year,
                "target": target,
                "target_2020": goal_2020,
                "outcome_year": outcome_year,
                "outcome": float(known.iloc[-1]) if len(known) else np.nan,
                "trend": trend(series, year, rules.window),
                "status": assess(series, spec.direction, target, year, rules),
            }
        )
    return pd.DataFrame(rows)


def evaluate(tree: GoalTree, indicator_rows: pd.DataFrame, today: dt.date | None = None) -> pd.DataFrame:
    """Status of every node, rolled up from its delmål's indicators, with status counts and the share of
    activities done (klar of those not cancelled) below it."""
    status: dict[str, str] = {}
    by_node = indicator_rows.groupby("node_id")["status"].apply(list).to_dict()
    levels = list(LEVELS)
    order = tree.nodes.assign(depth=tree.nodes["level"].map(levels.index)).sort_values("depth", ascending=False)
    for node in order.itertuples():
        kids = tree.children(node.id)
        parts = by_node.get(node.id, []) if node.level == "delmål" else [status[k] for k in kids if k in status]
        status[node.id] = roll_up(parts)
    below_of = {n: descendants(tree, n) for n in tree.nodes["id"]}
    act = tree.activities
    rows = []
    for node in tree.nodes.itertuples():
        below = below_of[node.id] | {node.id}
        mine = act[act["node_id"].isin(below) & (act["status"] != "avbruten")]
        delmal = [d for d in below if tree.nodes.set_index("id").loc[d, "level"] == "delmål"]
        counts = pd.Series([status[d] for d in delmal]).value_counts() if delmal else pd.Series(dtype=int)
        rows.append(
            {
                "id": node.id,
                "level": node.level,
                "status": status[node.id],
                "delmal": len(delmal),
                **{f"n_{s}": int(counts.get(s, 0)) for s in STATUSES},
                "activities": len(mine),
                "activities_done": int((mine["status"] == "klar").sum()),
                "activities_done_share": float((mine["status"] == "klar").mean()) if len(mine) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def descendants(tree: GoalTree, node_id: str) -> set[str]:
    """Every node below `node_id`."""
    out, todo = set(), [node_id]
    while todo:
        for child in tree.children(todo.pop()):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def bodies_of(tree: GoalTree, body_id: str) -> set[str]:
    """The body and every group it belongs to (a stadsdelsnämnd answers for what 'stadsdelsnämnderna' do)."""
    groups = {b.id for b in tree.bodies.itertuples() if body_id in str(b.members or "").split(",")}
    return {body_id} | groups


def ancestors(tree: GoalTree, node_id: str) -> list[str]:
    """The chain of parents above `node_id`, nearest first."""
    parent_of = {i: p for i, p in zip(tree.nodes["id"], tree.nodes["parent"], strict=True) if isinstance(p, str)}
    out, node = [], parent_of.get(node_id)
    while node:
        out.append(node)
        node = parent_of.get(node)
    return out


def nodes_for_body(tree: GoalTree, body_id: str, role: str | None = None) -> set[str]:
    """Delmål (and other nodes) where the body, or a group it is part of, is responsible or affected."""
    resp = tree.responsibility[tree.responsibility["body_id"].isin(bodies_of(tree, body_id))]
    if role:
        resp = resp[resp["role"] == role]
    return set(resp["node_id"])


def ils_underlag(
    tree: GoalTree, rows: pd.DataFrame, body_id: str, indicator_names: Mapping[str, str], year: int
) -> pd.DataFrame:
    """One row per delmål indicator the body answers for or is affected by, with its activities: ready to paste
    into a verksamhetsplan or tertialrapport. Whatever is invented says "illustrativt": the goal above, the body's
    role, the activities, and in the column Illustrativt the whole delmål ("ja") or the parts that are."""
    nodes = tree.nodes.set_index("id")
    involved = nodes_for_body(tree, body_id)
    roles = tree.responsibility[tree.responsibility["body_id"].isin(bodies_of(tree, body_id))]
    role_part = {"ansvarig": "ansvarig", "berörd": "berörda"}
    out = []
    for r in rows[rows["node_id"].isin(involved)].itertuples():
        node = nodes.loc[r.node_id]
        parts = illustrative_parts(node)
        acts = tree.activities[(tree.activities["node_id"] == r.node_id)]
        acts = acts[acts["body_id"].isin(bodies_of(tree, body_id))]
        parent = nodes.loc[node["parent"]] if node["parent"] in nodes.index else None
        mine = sorted(set(roles.loc[roles["node_id"] == r.node_id, "role"]))
        out.append(
            {
                "Mål": ""
                if parent is None
                else parent["text"] + (" (illustrativt)" if parent["illustrative"] or "parent" in parts else ""),
                "Delmål": node["text"],
                "Roll": ", ".join(
                    role + (" (illustrativt)" if role_part.get(role) in parts and not node["illustrative"] else "")
                    for role in mine
                ),
                "Indikator": indicator_names.get(r.indicator_code, r.indicator_code),
                f"Basvärde ({r.baseline_year})": r.baseline,
                f"Årsmål {year}": r.target,
                f"Utfall {year}": r.outcome,
                "Utfallsår": r.outcome_year,
                "Bedömning": r.status,
                "Aktiviteter": "; ".join(
                    f"{a.title} ({a.status}{', illustrativ' if a.illustrative else ''})" for a in acts.itertuples()
                ),
                "Illustrativt": "ja" if node["illustrative"] else (parts_label(parts) if parts else "nej"),
            }
        )
    return pd.DataFrame(out)


def dot_string(text: str) -> str:
    """`text` as a quoted DOT string that is only ever a label: backslashes and quotes are escaped (so neither
    Graphviz's own escapes such as \\N nor a quote can end the string early and add attributes or nodes), and
    line breaks become DOT's centred line break."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'


def to_dot(
    tree: GoalTree,
    evaluation: pd.DataFrame,
    highlight: set[str] | None = None,
    selected: str | None = None,
    wrap: int = 26,
) -> str:
    """The tree as Graphviz DOT, left to right, each node with its status as icon and word (not colour alone).
    Nodes outside `highlight` (e.g. another body's delmål) are drawn faint. An illustrative node says
    "(illustrativt)"; a known node lists its illustrative parts, and a dashed edge leads to it when its placement
    is one of them."""
    import textwrap

    status = evaluation.set_index("id")["status"].to_dict()
    lines = [
        "digraph G {",
        'rankdir=LR; nodesep=0.12; ranksep=0.35; bgcolor="transparent";',
        'node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, margin="0.08,0.04"];',
        'edge [color="#9aa0a6", arrowsize=0.5];',
    ]
    for n in tree.nodes.itertuples():
        s = status.get(n.id, EJ_BEDOMD)
        label = [textwrap.fill(str(n.short if isinstance(n.short, str) and n.short else n.text), wrap)]
        parts = () if n.illustrative else illustrative_parts(n)  # the parts of a node that is otherwise known
        if n.illustrative:
            label.append("(illustrativt)")
        elif parts:
            label.append("(illustrativt: " + ", ".join(DOT_PARTS[p] for p in parts) + ")")
        label.append(f"{STATUS_ICON[s]} {s}")
        faint = highlight is not None and n.level == "delmål" and n.id not in highlight
        fill = "#f4f5f7" if faint else "#ffffff"
        colour = "#c9ccd1" if faint else STATUS_COLOUR[s]
        width = 3 if n.id == selected else 1.6
        text = dot_string("\n".join(label))
        lines.append(
            f'{dot_string(n.id)} [label={text}, color="{colour}", fillcolor="{fill}", '
            f'penwidth={width}, fontcolor="{"#9aa0a6" if faint else "#111111"}"];'
        )
        if isinstance(n.parent, str) and n.parent:
            dashed = " [style=dashed]" if "parent" in parts else ""
            lines.append(f"{dot_string(n.parent)} -> {dot_string(n.id)}{dashed};")
    lines.append("}")
    return "\n".join(lines)
