"""The nearest non-blank line before or after a position in a text.

Taggers ask what surrounds a number ("is the line above a table row?"). Slicing
the text from the start or to the end to answer that costs the whole text each
time, which made long documents quadratic; these walk only over the lines they
need.
"""

from __future__ import annotations


def previous_line(text: str, line_start: int) -> str:
    """The last non-blank line ending before `line_start` (a line's first offset), stripped."""
    position = line_start
    while position > 0:
        line_end = position - 1
        start = text.rfind("\n", 0, line_end) + 1
        line = text[start:line_end].strip()
        if line:
            return line
        position = start
    return ""


def next_line(text: str, position: int) -> str:
    """The first non-blank line starting at or after `position`, stripped."""
    length = len(text)
    while position < length:
        end = text.find("\n", position)
        end = length if end == -1 else end
        line = text[position:end].strip()
        if line:
            return line
        position = end + 1
    return ""
