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
from typing import Any

from auditor.facts.model import Script

try:  # a C extension with wheels for the common platforms; without it, the plain way
    import ahocorasick  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - pyahocorasick is a dependency
    ahocorasick = None

_registered: set[str] = set()
_automaton: Any = None
_version = 0


def register_markers(markers: Iterable[str]) -> None:
    """Make `markers` findable by `markers_in`."""
    global _automaton, _version
    new = {m for m in markers if m} - _registered
    if new:
        _registered.update(new)
        _automaton = None
        _version += 1


def _build() -> Any:
    automaton = ahocorasick.Automaton()
    for marker in sorted(_registered):
        automaton.add_word(marker, marker)
    automaton.make_automaton()
    return automaton


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
        found = frozenset(marker for _, marker in _automaton.iter(text))
    script.markers = (_version, found)
    return found
