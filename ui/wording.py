"""Swedish labels for the index choices and levels, and small formatting helpers for widgets."""

from __future__ import annotations

METHODS = {
    "ref100": "Index, 100 = jämförelsegruppen",
    "zscore": "z-poäng",
    "minmax": "Min–max, 0–100",
    "percentile": "Percentil, 0–100",
    "ratio": "Kvot mot jämförelsegruppen (tidigare metod)",
}
AGGREGATIONS = {"arithmetic": "Aritmetiskt medel", "geometric": "Geometriskt medel"}
UNIVERSES = {"all": "Hela staden (117)", "outer": "Ytterstaden (46)", "programme": "Programmet (22)"}
#: The level choice as the URL (?niva=DeSO) and the segmented controls show it; only levels with a map.
LEVEL_LABELS = {"stadsdel": "Stadsdel", "deso": "DeSO"}
#: The value switch: ?verkliga=Endast verkliga värden; absent = all values.
ALL_VALUES, REAL_ONLY = "Alla värden", "Endast verkliga värden"


#: "på stadsdelsnivå", "på DeSO-nivå": a level in running text.
LEVEL_PHRASES = {"stadsdel": "stadsdelsnivå", "deso": "DeSO-nivå", "regso": "RegSO-nivå"}


def _join_names(names: list[str]) -> str:
    """["Hälsa", "Säkerhet och trygghet"] → "Hälsa och säkerhet och trygghet" (the first keeps its capital)."""
    parts = [names[0], *(n[:1].lower() + n[1:] for n in names[1:])]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


#: Filled points are real values, hollow ones modelled; every chart that marks them uses this legend.
STATUS_LEGEND_TITLE = "Värde"
