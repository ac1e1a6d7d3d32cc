"""The reports' JSON layout is json.dumps(sort_keys=True, indent=2, ensure_ascii=False); the faster
writer (orjson) must give the same bytes for everything a report can hold."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.report.write import canonical_json

# What report models hold: text (any Unicode but lone surrogates, which reports never keep),
# 64-bit integers, booleans, null, and shares rounded to four places.
_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1), _text,
    st.floats(min_value=0, max_value=1).map(lambda x: round(x, 4)),
)
_data = st.recursive(_leaf, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                    st.dictionaries(_text, inner, max_size=4)), max_leaves=30)


def _reference(data: Any) -> str:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(_data)
def test_same_bytes_as_the_standard_library(data: Any) -> None:
    assert canonical_json(data) == _reference(data)


def test_control_characters_separators_and_non_ascii_text() -> None:
    data = {"b": "\x00\x1f\x7f\u2028\u2029 é 生成 \"quoted\" back\\slash\n\t", "a": [[], {}, 0.0, 1.0, 0.0001]}
    assert canonical_json(data) == _reference(data)


def test_lone_surrogates_fall_back_to_the_standard_library() -> None:
    assert canonical_json({"x": "\ud800"}) == _reference({"x": "\ud800"})
