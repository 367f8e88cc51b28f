"""Non-overlapping character ranges with logarithmic overlap checks, for the components that
must not let two findings overlap (the resolver) or must tell whether a number lies inside a
range already found (the claim tagger)."""

from __future__ import annotations

import bisect


class Intervals:
    """Non-overlapping ranges `[start, end)`, kept sorted by start."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self._starts, start)
        before = index > 0 and self._ends[index - 1] > start
        after = index < len(self._starts) and self._starts[index] < end
        return before or after

    def add(self, start: int, end: int) -> bool:
        """Add the range unless it overlaps one already there; say whether it was added."""
        if self.overlaps(start, end):
            return False
        index = bisect.bisect_right(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)
        return True
