"""China's AIGC implicit label (GB 45438-2025) wherever it is read: `judge_aigc_json` (meta tags),
`auditor.media.aigc.aigc_mark` (PNG text, XMP TC260:AIGC, EXIF), `decode_png_text` and
`user_comment_text` on arbitrary strings, JSON and bytes.

Properties: judge_aigc_json gives (says_ai, strength, problem) with says_ai in (True, None) and a
known strength, and a problem whenever the label is not exactly right; aigc_mark gives a Mark that
serialises; the byte decoders never raise.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.analysis.signals import AIGC_FIELDS, judge_aigc_json
from auditor.facts.html import _without_lone_surrogates
from auditor.media.aigc import aigc_mark, decode_png_text, exif_aigc_marks, user_comment_text
from auditor.models import Mark

from ._support import any_text, deep_json, json_objects, json_values, known_bug, time_limit

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

STRENGTHS = {"generated", "possible", "none"}


def check_aigc(text: str, tolerate: bool = True) -> None:
    """The contract on one label text, for judge_aigc_json and aigc_mark."""
    try:
        with time_limit(10, "AIGC label"):
            try:
                says, strength, problem = judge_aigc_json(text)
            except RecursionError:
                says, strength, problem = None, "none", "nested too deeply"  # aigc_mark handles it; see below
            mark = aigc_mark(text, "fuzz")
    except Exception as exc:
        if known_bug(exc, tolerate) is None:
            raise
        return
    assert says in (True, None)
    assert strength in STRENGTHS
    assert isinstance(mark, Mark) and mark.kind == "aigc"
    mark.model_dump_json()
    if problem is None:  # a label without a problem is a complete, well-typed one
        data = json.loads(text)
        data = data["AIGC"] if isinstance(data.get("AIGC"), dict) else data
        assert all(isinstance(data.get(f), str) for f in AIGC_FIELDS)
        assert data["Label"] in ("1", "2", "3")


def _label(fields: dict[str, Any], wrap: bool) -> str:
    return json.dumps({"AIGC": fields} if wrap else fields)


field_values = st.one_of(st.sampled_from(["1", "2", "3", "0", "", "1 ", "１"]), json_values)
labels = st.builds(_label, st.dictionaries(st.sampled_from([*AIGC_FIELDS, "ReserveCode1", "ReserveCode2", "x"]),
                                           field_values, max_size=9), st.booleans())


@given(st.one_of(labels, st.builds(json.dumps, json_values), st.builds(json.dumps, json_objects), any_text,
                 st.text(max_size=200)))
def test_aigc_labels(text: str) -> None:
    # Every reader hands over decoded text, never a raw lone surrogate; JSON escapes ("\\ud800") stay.
    check_aigc(_without_lone_surrogates(text))


@given(st.integers(1, 200_000), st.sampled_from(["list", "object", "graph"]))
def test_deeply_nested_aigc_json(depth: int, kind: str) -> None:
    """json.loads raises RecursionError past ~1000 levels: aigc_mark must turn it into a problem."""
    check_aigc(deep_json(depth, kind))


@given(st.sampled_from([b"tEXt", b"zTXt", b"iTXt"]), st.binary(max_size=300))
def test_png_text_chunk_bodies(ctype: bytes, body: bytes) -> None:
    keyword, text, problem = decode_png_text(ctype, body)
    assert isinstance(keyword, str)
    assert text is None or isinstance(text, str)
    assert text is not None or problem is not None or ctype != b"tEXt"


@given(st.one_of(st.binary(max_size=300), st.text(max_size=100),
                 st.builds(lambda p, b: p + b, st.sampled_from([b"UNICODE\x00", b"ASCII\x00\x00\x00",
                                                                b"JIS\x00\x00\x00\x00\x00", b"\x00" * 8]),
                           st.binary(max_size=100))))
def test_user_comment_text(raw: bytes | str) -> None:
    assert isinstance(user_comment_text(raw), str)


@given(st.binary(max_size=400).map(lambda b: b"Exif\x00\x00" + b if b[:1] == b"M" else b + b"AIGC"))
def test_raw_exif_blocks(raw: bytes) -> None:
    marks, errors = exif_aigc_marks(raw)
    assert all(isinstance(m, Mark) for m in marks)
    assert all(isinstance(e, str) for e in errors)
