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


# -- WordGate: a one-pass gate that must never turn away a text the regex matches -----------------

_ALPHABET = "abcsſıiIİσςΣ kK\u212a é-_1\x00坂かAB"
_gate_words = st.lists(st.text(alphabet=_ALPHABET, min_size=1, max_size=4), min_size=1, max_size=6, unique=True)
_LETTER = re.compile(r"[^\W\u3040-\u30ff\u3400-\u9fff]")


@settings(max_examples=400, deadline=None)
@given(_gate_words, st.lists(st.text(alphabet=_ALPHABET, max_size=30), min_size=1, max_size=4), st.booleans())
def test_the_gate_keeps_every_text_the_regex_matches(words: list[str], texts: list[str], bounded: bool) -> None:
    from auditor.wordlist import WordGate

    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    if bounded:
        letter = _LETTER.pattern
        regex = re.compile(rf"(?<!{letter})(?:{body})(?!{letter})", re.IGNORECASE)
        gate = WordGate(words, _LETTER)
    else:
        regex = re.compile(body, re.IGNORECASE)
        gate = WordGate(words)
    kept = gate.candidates(texts)
    matched = {k for k, text in enumerate(texts) if regex.search(text)}
    assert kept is None or matched <= kept, f"turned away {sorted(matched - kept)}"
    for k, text in enumerate(texts):
        assert gate.may_hold(text) or k not in matched
