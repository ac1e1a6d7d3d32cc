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
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any

try:  # a C extension with wheels for the common platforms; without it, no gate (every text is searched)
    import ahocorasick  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - pyahocorasick is a dependency
    ahocorasick = None

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


# What Python's regex engine takes for one letter under IGNORECASE beyond simple lower case ("ſ" is
# "s", "ı" is "i", "ς" is "σ"): each group's members spelled as its first code point.
try:
    from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # Python 3.10
    from sre_compile import _ignorecase_fixes as _EXTRA_CASES  # type: ignore[attr-defined,no-redef,unused-ignore]
_CASE_TWINS: dict[int, str] = {}
for _first, _others in sorted(_EXTRA_CASES.items()):
    _group = sorted({_first, *_others})
    for _member in _group[1:]:
        _CASE_TWINS.setdefault(_member, chr(_group[0]))
_TWIN_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_CASE_TWINS)) + "]")


def caseless(text: str) -> str:
    """Text spelled so that two chars are equal where an IGNORECASE regex takes them for one: simple
    lower case (`str.lower` but for "İ", which it makes two chars) and the engine's case twins. One
    char per char of `text`, so offsets stay."""
    if "\u0130" in text:
        text = text.replace("\u0130", "i")
    text = text.lower()
    if not text.isascii() and _TWIN_CHARS.search(text):
        text = text.translate(_CASE_TWINS)
    return text


class CaselessTexts:
    """Texts joined by NUL and spelled `caseless` once, for the `WordGate`s that look into them."""

    __slots__ = ("count", "joined", "original", "starts")

    def __init__(self, texts: Sequence[str]) -> None:
        self.count = len(texts)
        self.starts: list[int] = []
        at = 0
        for text in texts:
            self.starts.append(at)
            at += len(text) + 1
        self.original = "\x00".join(texts)
        self.joined = caseless(self.original)  # one char per char: offsets are those of `original`


class WordGate:
    """Which texts may hold one of a list of literal words, as a regex of them compiled with
    IGNORECASE matches them: found by an Aho-Corasick automaton (pyahocorasick) in one pass over all
    the texts, where the regex is tried at every position of each. A text outside the answer holds
    no match of the regex, so it need not be searched.

    The texts are joined by NUL and spelled `caseless`, as the words are. `letter` matches a char
    that may not touch a word (the regex's boundaries), tested on the text as it is; the words in
    `free` may touch anything (Chinese, Japanese and Korean words run into their neighbours). A
    word found across two texts only makes one of them searched for nothing."""

    def __init__(self, words: Iterable[str], letter: re.Pattern[str] | None = None,
                 free: Iterable[str] = ()) -> None:
        spelled: dict[str, bool] = {}  # word -> bounded
        for word in words:
            spelled[caseless(word)] = letter is not None
        for word in free:
            spelled[caseless(word)] = False
        spelled.pop("", None)
        self._words = sorted(spelled.items()) if ahocorasick is not None else None
        self._letter = letter
        self._automaton: Any = None

    def candidates(self, texts: Sequence[str] | CaselessTexts) -> set[int] | None:
        """The indexes of the texts that may hold a word; None when the gate cannot tell."""
        if self._words is None:
            return None
        if not self._words:
            return set()
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for word, bounded in self._words:
                automaton.add_word(word, (len(word), bounded))
            automaton.make_automaton()
            self._automaton = automaton
        prepared = texts if isinstance(texts, CaselessTexts) else CaselessTexts(texts)
        starts, original, letter = prepared.starts, prepared.original, self._letter
        found: set[int] = set()
        for end, (length, bounded) in self._automaton.iter(prepared.joined):
            start = end - length + 1
            if bounded and letter is not None and (
                    (start > 0 and letter.match(original, start - 1)) or letter.match(original, end + 1)):
                continue  # inside a longer word: no match of the regex here
            found.add(bisect_right(starts, start) - 1)
        return found

    def may_hold(self, text: str) -> bool:
        """False when the text holds no word (True: it may)."""
        found = self.candidates([text])
        return found is None or bool(found)
