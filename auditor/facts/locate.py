"""Source locations: line and column of an element, found without a second parse.

lxml gives the line of each element but no column. The element's ordinal (how many start tags of
its name came before it on its line, counted by the HTML locator when asked) gives the column: where
that many `<tag` occurrences into the line the next one starts. Multi-line start tags report the
line they end on, so when a line holds no such tag the nearest one above is taken. Only locations
that end up in a report are ever looked up.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def _tag_pattern(tag: str) -> re.Pattern[str]:
    # (or at the end of its line: a start tag whose attributes go on below)
    return re.compile(r"<" + re.escape(tag) + r"(?=[\s/>]|$)", re.IGNORECASE)


class SourceLines:
    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: list[str] | None = None
        # (line, tag) -> where each start tag of that name begins on the line: a minified page is one
        # long line, and each of its elements shown would otherwise scan the line from its start.
        self._starts: dict[tuple[int, str], list[int]] = {}

    def line_text(self, number: int) -> str:
        if self._lines is None:
            self._lines = self._text.split("\n")
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""

    def locate(self, line: int, tag: str, ordinal: int, limit: int) -> tuple[int, int, str]:
        """(line, 1-based column, start-tag snippet) of the element; column 0 when not found."""
        found_line, offset = line, -1
        starts = self._tag_starts(line, tag)
        if ordinal < len(starts):
            offset = starts[ordinal]
        else:
            for above in range(line - 1, max(0, line - 6), -1):
                starts = self._tag_starts(above, tag)
                if starts:
                    found_line, offset = above, starts[-1]
                    break
            if offset < 0:
                return line, 0, ""
        chunk = self.line_text(found_line)[offset : offset + limit]
        # A start tag over several lines (it ends on `line`): its lines joined by a space.
        below = found_line + 1
        while ">" not in chunk and len(chunk) < limit and below <= line:
            chunk = f"{chunk} {self.line_text(below).strip()}"[:limit]
            below += 1
        end = chunk.find(">")
        return found_line, offset + 1, chunk[: end + 1] if end != -1 else chunk

    def _tag_starts(self, line: int, tag: str) -> list[int]:
        key = (line, tag)
        starts = self._starts.get(key)
        if starts is None:
            starts = self._starts[key] = [m.start() for m in _tag_pattern(tag).finditer(self.line_text(line))]
        return starts
