"""The one-pass marker search must answer exactly what `marker in text` answers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.analysis import script_markers
from auditor.analysis.script_markers import markers_in, register_markers
from auditor.facts.model import Script, SourceLocation


def _script(text: str) -> Script:
    return Script(None, "", text, None, SourceLocation(None, 1))


def test_overlapping_and_nested_markers_are_all_found() -> None:
    register_markers(["fbq(", "fbq", "_paq.push", "paq", "__tcfapi", "__tcfapiLocator"])
    found = markers_in(_script("window.__tcfapiLocator=1; fbq('init'); _paq.push(['x'])"))
    assert {"fbq(", "fbq", "_paq.push", "paq", "__tcfapi", "__tcfapiLocator"} <= found


def test_markers_registered_later_are_found_in_a_script_already_scanned() -> None:
    script = _script("window.someLateWidgetGlobal = {}")
    markers_in(script)
    register_markers(["someLateWidgetGlobal"])
    assert "someLateWidgetGlobal" in markers_in(script)


def test_empty_script_has_no_markers() -> None:
    assert markers_in(_script("")) == frozenset()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet="ab(._", min_size=1, max_size=4), min_size=1, max_size=8),
       st.text(alphabet="ab(._ x", max_size=60))
def test_same_answer_as_substring_search(markers: list[str], text: str) -> None:
    register_markers(markers)
    found = markers_in(_script(text))
    for marker in script_markers._registered:
        assert (marker in found) == (marker in text), marker
