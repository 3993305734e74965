"""The checks of a goal tree that need all of it: placement and cycles, and which parts are illustrative.

A node under an illustrative parent always has an illustrative placement. The referral answer names
stadsdelsnämnderna huvudansvariga for one delmål only, the one on ekonomiskt bistånd, so a delmål that is not
illustrative may have a stadsdelsnämnd as ansvarig only if it is that one (or its ansvarig is marked
illustrative). Each check appends Swedish problems to the list `lib.goals.parsing.parse_tree` collects.
"""

from __future__ import annotations

from lib.goals.model import LEVELS, PARTS

#: The delmål stadsdelsnämnderna are huvudansvariga for (the referral answer: "Av tretton angivna delmål är
#: stadsdelsnämnderna huvudansvariga för ett; Ekonomiskt bistånd"), recognised by its text or its indicator.
SDN_DELMAL_PHRASE = "beroende av ekonomiskt bistånd"
SDN_DELMAL_INDICATOR = "ekonomiskt_bistand"


def check_placement(nodes: list[dict], ids: dict[str, str], problems: list[str]) -> None:
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


def settle_parts(nodes: list[dict], bodies: list[dict], resp: list[dict], problems: list[str]) -> None:
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


def _cycles(parent_of: dict[str, str | None]) -> list[str]:
    """Every loop of parents, once each: a node that is its own ancestor would never reach the programme."""
    problems = []
    for start in parent_of:
        seen: list[str] = []
        node: str | None = start
        while node is not None and node in parent_of:
            if node in seen:
                loop = " → ".join([*seen[seen.index(node) :], node])
                problems.append(f"Målträdet har en cirkel: {loop}.")
                break
            seen.append(node)
            node = parent_of[node]
    return sorted(set(problems))
