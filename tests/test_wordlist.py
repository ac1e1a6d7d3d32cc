"""A word list compiled as a trie must match exactly what the plain longest-first alternation matches."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.wordlist import literal_alternation

_words = st.lists(st.text(alphabet="abcıIİ é-", min_size=1, max_size=5), min_size=1, max_size=8, unique=True)


@settings(max_examples=300, deadline=None)
@given(_words, st.text(alphabet="abcıIİ é-xAB", max_size=40), st.booleans())
def test_same_matches_as_the_plain_alternation(words: list[str], text: str, ignorecase: bool) -> None:
    flags = re.IGNORECASE if ignorecase else 0
    plain = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    for wrap in ("(?:{})", r"(?<!\w)(?:{})(?!\w)", "(?:{})(?=a)"):
        trie = re.compile(wrap.format(literal_alternation(words, ignorecase)), flags)
        reference = re.compile(wrap.format(plain), flags)
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in reference.finditer(text)]


def test_a_trie_is_built_for_distinct_letters() -> None:
    assert literal_alternation(["cookie", "cookies", "consent"], ignorecase=True) == "co(?:nsent|okie(?:s)?)"
