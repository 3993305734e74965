"""Rings as deck.gl's polygon layers read them, shared by the DeSO polygons and the names' outlines."""

from __future__ import annotations


def open_ring(points: list) -> list:
    """`points` (rounded coordinates of a closed ring) without consecutive repeats, and open: deck.gl closes rings
    itself, so the closing point only adds bytes. Rings of three points or fewer are left as they are."""
    ring: list = []
    for point in points:
        if not ring or ring[-1] != point:
            ring.append(point)
    if len(ring) > 3 and ring[0] == ring[-1]:
        ring.pop()
    return ring
