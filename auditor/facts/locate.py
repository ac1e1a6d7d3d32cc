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
    return re.compile(r"<" + re.escape(tag) + r"(?=[\s/>])", re.IGNORECASE)


class SourceLines:
    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: list[str] | None = None

    def line_text(self, number: int) -> str:
        if self._lines is None:
            self._lines = self._text.split("\n")
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""

    def locate(self, line: int, tag: str, ordinal: int, limit: int) -> tuple[int, int, str]:
        """(line, 1-based column, start-tag snippet) of the element; column 0 when not found."""
        pattern = _tag_pattern(tag)
        found_line, offset = line, -1
        for n, match in enumerate(pattern.finditer(self.line_text(line))):
            if n == ordinal:
                offset = match.start()
                break
        if offset < 0:
            for above in range(line - 1, max(0, line - 6), -1):
                matches = list(pattern.finditer(self.line_text(above)))
                if matches:
                    found_line, offset = above, matches[-1].start()
                    break
            if offset < 0:
                return line, 0, ""
        chunk = self.line_text(found_line)[offset : offset + limit]
        end = chunk.find(">")
        return found_line, offset + 1, chunk[: end + 1] if end != -1 else chunk
