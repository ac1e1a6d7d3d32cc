"""One regex alternation for a list of literal words, built as a character trie.

Python's regex engine tries plain alternatives one by one at every position of the text, and with
IGNORECASE it cannot skip ahead by first characters: a list of dozens of words made every search of
every text block slow. A trie ("cookie", "cookies", "consent" -> `(?:co(?:okie(?:s)?|nsent))`) tries
each first character once. The matches are those of the words sorted longest first, joined by `|`:
at a position the text follows one path through the trie, and the greedy optional ends try the
longest word on it first, then the shorter ones (so a lookahead after the group backtracks the same
way). That holds while no two letters at a branch can match the same character of the text; when two
can ("i" and the dotless "ı" under IGNORECASE), the plain sorted alternation is returned instead.

Used by the label lexicon (`trie_pattern`, with a space written as any run of spaces or hyphens) and
by the consent and attribution word lists (`literal_alternation`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_Trie = dict[str, "_Trie"]


def literal_alternation(words: list[str], ignorecase: bool) -> str:
    """The words as one alternation (no group around it), matching what `"|".join(re.escape(w) for w
    in sorted(words, key=len, reverse=True))` matches. `ignorecase`: the flag it is compiled with."""
    trie = _trie(words)
    if "" in trie or not _branches_distinct(trie, re.IGNORECASE if ignorecase else 0):
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return trie_pattern(trie)


def _trie(words: Iterable[str]) -> _Trie:
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return trie


def _branches_distinct(node: _Trie, flags: int) -> bool:
    """No two letters at any branch match one character of the text (under `flags`)."""
    letters = [k for k in node if k]
    for i, a in enumerate(letters):
        for b in letters[i + 1:]:
            if re.fullmatch(re.escape(a), b, flags) or re.fullmatch(re.escape(b), a, flags):
                return False
    return all(_branches_distinct(child, flags) for child in node.values())


def trie_pattern(node: _Trie | Iterable[str], head: Callable[[str], str] = re.escape) -> str:
    """The regex of a trie (or of the words given), each char written by `head` (the lexicon writes
    a space as "any run of spaces or hyphens"): one alternative per first letter, sorted, each word
    end an optional group, so longer words win."""
    if not isinstance(node, dict):
        node = _trie(node)
    alternatives = [head(ch) + trie_pattern(node[ch], head) for ch in sorted(k for k in node if k)]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    return f"(?:{body})?" if "" in node else body
