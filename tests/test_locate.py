"""Source locations found from an element's line, tag and ordinal (auditor/facts/locate.py)."""

from __future__ import annotations

from auditor.facts.locate import SourceLines

MINIFIED = '<html><body><div id="a">x</div><p>one</p><div class="b">y</div><DIV data-c>z</div><divider></body>'
SPLIT_TAG = '<html>\n<body>\n<img\n  src="a.png"\n  alt="x">\n</body>'


def test_each_start_tag_of_a_minified_line_has_its_own_column() -> None:
    lines = SourceLines(MINIFIED)
    first = lines.locate(1, "div", 0, 160)
    second = lines.locate(1, "div", 1, 160)
    third = lines.locate(1, "div", 2, 160)
    assert first == (1, MINIFIED.index('<div id="a">') + 1, '<div id="a">')
    assert second == (1, MINIFIED.index('<div class="b">') + 1, '<div class="b">')
    # Tag names match without regard to case; <divider> is another element.
    assert third == (1, MINIFIED.index("<DIV") + 1, "<DIV data-c>")
    # Asked again (and out of order), the same answers.
    assert lines.locate(1, "div", 1, 160) == second
    assert lines.locate(1, "div", 0, 160) == first
    assert lines.locate(1, "p", 0, 160) == (1, MINIFIED.index("<p>") + 1, "<p>")


def test_a_start_tag_over_several_lines_is_found_above_the_line_it_ends_on() -> None:
    lines = SourceLines(SPLIT_TAG)
    # libxml2 gives the line where the start tag ends (5); it begins on line 3.
    assert lines.locate(5, "img", 0, 160) == (3, 1, '<img src="a.png" alt="x">')
    assert lines.locate(5, "img", 0, 12) == (3, 1, '<img src="a.')


def test_an_element_not_in_the_source_has_column_zero() -> None:
    lines = SourceLines(MINIFIED)
    assert lines.locate(1, "span", 0, 160) == (1, 0, "")
    assert lines.locate(1, "div", 3, 160) == (1, 0, "")  # only three <div> on the line
    assert lines.locate(9, "div", 0, 160) == (9, 0, "")  # no such line


def test_the_snippet_is_cut_at_the_limit() -> None:
    assert SourceLines(MINIFIED).locate(1, "div", 1, 8) == (1, MINIFIED.index('<div class="b">') + 1, '<div cla')
