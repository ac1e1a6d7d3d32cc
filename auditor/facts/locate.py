"""Source locations: line and column of an element, found without a second parse.

lxml gives the line of each element but no column. One regex pass over the source indexes every
start tag by (line, tag name); the walk counts, per line, how many start tags of each name came
before, and takes that many into the index. Multi-line start tags report the line they end on, so
when a line holds no such tag the nearest one above is taken.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_START_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:-]*)")


class SourceLines:
    def __init__(self, text: str) -> None:
        self._text = text
        self._index: dict[tuple[int, str], list[int]] | None = None
        self._starts: list[int] = []

    def _build(self) -> dict[tuple[int, str], list[int]]:
        text = self._text
        starts = [0]
        pos = text.find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self._starts = starts
        index: dict[tuple[int, str], list[int]] = {}
        line = 1
        next_start = starts[1] if len(starts) > 1 else len(text) + 1
        for match in _START_TAG.finditer(text):
            offset = match.start()
            if offset >= next_start:
                line = bisect_right(starts, offset)
                next_start = starts[line] if line < len(starts) else len(text) + 1
            index.setdefault((line, match.group(1).lower()), []).append(offset)
        self._index = index
        return index

    def locate(self, line: int, tag: str, ordinal: int, limit: int) -> tuple[int, int, str]:
        """(line, 1-based column, start-tag snippet) of the element; column 0 when not found."""
        index = self._index if self._index is not None else self._build()
        offsets = index.get((line, tag))
        found_line = line
        if offsets and ordinal < len(offsets):
            offset = offsets[ordinal]
        else:
            offset = -1
            for above in range(line - 1, max(0, line - 6), -1):
                above_offsets = index.get((above, tag))
                if above_offsets:
                    offset, found_line = above_offsets[-1], above
                    break
            if offset < 0:
                return line, 0, ""
        column = offset - self._starts[found_line - 1] + 1
        chunk = self._text[offset : offset + limit]
        end = chunk.find(">")
        return found_line, column, chunk[: end + 1] if end != -1 else chunk

    def line_text(self, number: int) -> str:
        if self._index is None:
            self._build()
        starts = self._starts
        if number < 1 or number > len(starts):
            return ""
        end = starts[number] - 1 if number < len(starts) else len(self._text)
        return self._text[starts[number - 1] : end]
