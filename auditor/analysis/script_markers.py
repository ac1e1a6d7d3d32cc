"""Which fixed strings occur in a page's inline scripts, found in one pass per script.

Three analyses look into inline scripts for names: tracker globals (`fbq(`, `_paq.push`), chat
widget globals and consent platforms' globals, about a hundred strings in all. Inline scripts hold
tens of kilobytes per page (70 KB on the corpus's news pages), and `marker in text` for each string
read the text once per string: about 3 ms a page. An Aho-Corasick automaton (pyahocorasick) over
every registered string finds all of them, overlapping ones included, in one pass, and the result is
kept on the script, so `marker in markers_in(script)` answers exactly what `marker in script.text` did.

Each catalogue registers its strings when it is built; the automaton is rebuilt when new ones come.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.facts.model import Script

try:  # a C extension with wheels for the common platforms; without it, the plain way
    import ahocorasick  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - pyahocorasick is a dependency
    ahocorasick = None

_registered: set[str] = set()
_automaton: _Anchored | None = None
_version = 0


def register_markers(markers: Iterable[str]) -> None:
    """Make `markers` findable by `markers_in`."""
    global _automaton, _version
    new = {m for m in markers if m} - _registered
    if new:
        _registered.update(new)
        _automaton = None
        _version += 1


class _Anchored:
    """The automaton over the markers' anchors, and the table that spells a script for it.

    pyahocorasick tries each char of the text against the children of the automaton's root one by
    one: with every marker in it, 40 first letters, it read about 20 ns a char (1.5 ms for a page's
    70 KB of inline scripts). Here each marker is looked for by an anchor, its longest end (three
    chars at least) that starts with one of a dozen letters, and the text is spelled with every char
    that no anchor holds as one char, the root's first child: most chars of the text cost one or a
    few tries. A hit of an anchor is checked against the text (`startswith` where the marker would
    begin), so what is found is exactly the markers in the text. Markers that are not plain ASCII
    (none so far) are looked for with `in`."""

    def __init__(self, markers: list[str]) -> None:
        plain = [m for m in markers if m.isascii() and len(m) >= 3 and min(m) > "\x02"]
        self.others = [m for m in markers if m not in set(plain)]
        starts = _start_letters(plain)
        anchors: dict[str, list[tuple[str, int]]] = {}
        for marker in plain:
            begin = min(marker.index(c) for c in starts if c in marker[:len(marker) - 2])
            anchors.setdefault(marker[begin:], []).append((marker, len(marker) - 1))
        alphabet = {ord(c) for anchor in anchors for c in anchor}
        # Chars no anchor holds (and what is not ASCII, spelled "?" first) become \x01.
        self.table = bytes(i if i in alphabet else 1 for i in range(256))
        self.automaton = ahocorasick.Automaton()
        self.automaton.add_word("\x01\x02", None)  # \x01 the root's first child; \x02 is never in the text
        for anchor, entries in sorted(anchors.items()):
            self.automaton.add_word(anchor, entries)
        self.automaton.make_automaton()

    def find(self, text: str) -> frozenset[str]:
        spelled = text.encode("ascii", "replace").translate(self.table).decode("latin-1")  # one char per char
        found: set[str] = set()
        for end, entries in self.automaton.iter(spelled):
            if entries:
                for marker, length in entries:
                    start = end - length
                    if start >= 0 and marker not in found and text.startswith(marker, start):
                        found.add(marker)
        found.update(m for m in self.others if m in text)
        return frozenset(found)


def _start_letters(markers: list[str]) -> list[str]:
    """A few letters such that each marker has one of them with two more chars after it (greedy)."""
    letters: list[str] = []
    left = set(markers)
    while left:
        counts: dict[str, int] = {}
        for marker in sorted(left):
            for c in set(marker[:len(marker) - 2]):
                counts[c] = counts.get(c, 0) + 1
        best = min(counts, key=lambda c: (-counts[c], c))
        letters.append(best)
        left = {m for m in left if best not in m[:len(m) - 2]}
    return letters


def _build() -> _Anchored:
    return _Anchored(sorted(_registered))


def markers_in(script: Script) -> frozenset[str]:
    """The registered strings that occur in the script's inline text."""
    global _automaton
    cached = script.markers
    if cached is not None and cached[0] == _version:
        return cached[1]
    text = script.text
    if not text or not _registered:
        found: frozenset[str] = frozenset()
    elif ahocorasick is None:
        found = frozenset(m for m in _registered if m in text)
    else:
        if _automaton is None:
            _automaton = _build()
        found = _automaton.find(text)
    script.markers = (_version, found)
    return found
