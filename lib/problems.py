"""One base for every "this input has these faults" error.

An uploaded file, a goal tree, a plan edit and a boundary file are each checked completely before anything is
written, and every fault is reported at once (a planner fixes them all in one round, not one per upload). The
page shows `problems` as a list and the CLI prints them one per line; both catch `ProblemsError`, so a new kind
of checked input needs no new handler.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ProblemsError(ValueError):
    """The input was refused and nothing changed; `problems` lists every fault (Swedish text or objects whose
    `str()` is Swedish), `heading` says what was refused."""

    heading = "Indata avvisades"

    def __init__(self, problems: Sequence[Any], heading: str | None = None, shown: int = 50):
        self.problems = list(problems)
        if heading is not None:
            self.heading = heading
        super().__init__(f"{self.heading}:\n- " + "\n- ".join(map(str, self.problems[:shown])))

    def lines(self) -> list[str]:
        """Each fault as one line of Swedish text, for a page list or the CLI's stderr."""
        return [str(p) for p in self.problems]
