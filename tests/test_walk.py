"""The compiled fact walk (auditor/facts/_walk.pyx) makes the same facts as the walk in Python.

The Python walk (`auditor.facts.html._walk_python`) is the reference. Both run on the bundled pages
(tests/fixtures, the fuzz regressions, examples/) and, in tests/fuzz/test_fuzz_walk.py, on tag soup;
every fact is compared, locations resolved. Skipped when the extension was not built (no C compiler
at install), unless AUDITOR_REQUIRE_COMPILED_WALK=1 (.ci/run sets it).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import auditor.facts.html as html
from auditor import limits as limits_module
from auditor.facts.gather import gather_page
from auditor.facts.model import Node, PageFacts, SourceLocation
from auditor.inputs.files import PageReadError, discover, read_page

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "tests" / "fixtures", REPO / "tests" / "fuzz" / "regressions", REPO / "examples"]


def compiled_available() -> bool:
    html._COMPILED = False  # look again
    found = html.compiled_walk() is not None
    if not found and os.environ.get("AUDITOR_REQUIRE_COMPILED_WALK") == "1":
        pytest.fail("the compiled fact walk is not installed (AUDITOR_REQUIRE_COMPILED_WALK=1)")
    return found


needs_compiled = pytest.mark.skipif("not compiled_available()", reason="the compiled fact walk is not built")


@contextmanager
def python_walk() -> Iterator[None]:
    saved = html._COMPILED
    html._COMPILED = None
    try:
        yield
    finally:
        html._COMPILED = saved


def facts_signature(value: Any) -> Any:
    """Every fact as plain data: locations resolved (selector, line, column, snippet), nodes whole."""
    if isinstance(value, SourceLocation):
        return ("location", value.selector, value.line, value.column, value.snippet)
    if isinstance(value, Node):
        return ("node", value.index, value.tag, value.parent, value.id, value.classes, value.role,
                facts_signature(value.attrs), value.end, value.line, facts_signature(value.location))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [f.name for f in dataclasses.fields(value) if f.name not in ("archive_index", "_names")]
        return (type(value).__name__, {name: facts_signature(getattr(value, name)) for name in fields})
    if hasattr(value, "__slots__") and not isinstance(value, (str, int, float, tuple)):
        return (type(value).__name__, {name: facts_signature(getattr(value, name, None)) for name in value.__slots__
                                       if not name.startswith("_") and name not in ("locator", "markers")})
    if isinstance(value, (list, tuple)):
        return [facts_signature(v) for v in value]
    if isinstance(value, dict):
        return {k: facts_signature(v) for k, v in value.items()}
    return value


def both_walks(gather: Any) -> tuple[Any, Any]:
    """`gather()`'s facts (or the exception it raised) with the Python walk, then the compiled one."""
    def outcome() -> Any:
        try:
            return facts_signature(gather())
        except Exception as exc:
            return ("raised", type(exc).__name__, str(exc))

    with python_walk():
        reference = outcome()
    assert html.compiled_walk() is not None
    return reference, outcome()


def html_facts(text: str) -> PageFacts:
    return html.gather_html(text, PageFacts(path="page.html", input_format="html"))


@needs_compiled
def test_the_bundled_pages_give_the_same_facts_with_both_walks() -> None:
    sources = [s for s in discover([str(p) for p in PAGES]) if s.input_format in ("html", "markdown")]
    assert len(sources) >= 15
    compared = 0
    for source in sources:
        try:
            raw = read_page(source)
        except PageReadError:
            continue
        reference, compiled = both_walks(lambda raw=raw: gather_page(raw, lambda text: None))
        assert compiled == reference, source.display_path
        compared += 1
    assert compared >= 15


@needs_compiled
@pytest.mark.parametrize("text", [
    # Text, tails, comments and their tails, a suppression and the element it aims at.
    "<div>a<!-- auditor-disable-next AIL001 why -->b<p>c<br>d</p>e<!-- x -->f<span>g</span>h</div>",
    # Skipped subtrees (their tails are text), a title and scripts, JSON-LD.
    '<html><head><title> T  1 </title><script type="application/ld+json">{"@type": "NewsArticle"}</script>'
    "</head><body><p>a<script>var x='<p>';</script>b<style>p{}</style>c<svg><text>no</text></svg>d</p></body></html>",
    # Regions, items, hidden state, headings, credits, controls and links.
    '<body><header role="banner"><nav><a href="/x">X</a></nav></header><main><article><h1>Title</h1>'
    '<figure><img src="a.jpg" alt="AI-generated"><figcaption>Cap. Photo: AP</figcaption></figure>'
    '<p class="byline credit"><span>A</span><span>B</span></p><div hidden><p>gone</p></div>'
    '<div style="display:none">x</div><aside><p>box</p></aside></article></main>'
    '<div class="card teaser"><h3>T</h3><a href="/t">more</a></div><button aria-pressed="true">OK</button>'
    '<input type="checkbox" checked value="v"><form action="/f"><label>L</label></form>'
    '<footer class="site-footer"><p>© 2026</p></footer><dialog aria-modal="true"><p>cookies</p></dialog></body>',
    # Attributes: empty, entities, odd names, namespaced, duplicates, and a template left unrendered.
    '<div id=" x " class="A  B" data-x="" title="&amp;&lt;" {{attrs}} xml:lang="de" ID="y" id="z">t</div>',
    # Non-ASCII text and names, CDATA-like text, unclosed tags, text outside <html>.
    "before<html><body><p>日本語 <b>AI生成</b><p>второй<![CDATA[x]]><li>li</body></html>after",
    # Lines of a multi-line document, the main article found by itemprop.
    "<html>\n<body>\n<div itemprop='articleBody'>\n<p>one</p>\n<p>two</p>\n</div>\n</body>\n</html>",
])
def test_tricky_markup_gives_the_same_facts_with_both_walks(text: str) -> None:
    reference, compiled = both_walks(lambda: html_facts(text))
    assert compiled == reference


@needs_compiled
def test_limits_stop_both_walks_alike() -> None:
    before = limits_module.limits()
    try:
        limits_module.configure(dataclasses.replace(before, dom_depth=40, elements=1000))
        deep = "<div>" * 60 + "<p>bottom</p>" + "</div>" * 60 + "<p>after</p>"
        reference, compiled = both_walks(lambda: html_facts(deep))
        assert compiled == reference
        assert "limit dom-depth" in str(reference) and "after" in str(reference) and "bottom" not in str(reference)
        many = "<body>" + "<span>x</span>" * 3000 + "</body>"
        reference, compiled = both_walks(lambda: html_facts(many))
        assert compiled == reference == ("raised", "ValueError", "more than 1000 elements (limit elements)")
    finally:
        limits_module.configure(before)


def test_auditor_python_walk_asks_for_the_python_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_PYTHON_WALK", "1")
    monkeypatch.setattr(html, "_COMPILED", False)
    assert html.compiled_walk() is None
    facts = html_facts("<p>a</p>")
    assert [b.text for b in facts.blocks] == ["a"]


def test_version_says_which_walk_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from auditor.cli import main

    monkeypatch.setattr(html, "_COMPILED", None)
    shown = CliRunner().invoke(main, ["--version"])
    assert shown.exit_code == 0 and "fact walk in Python" in shown.output
    if compiled_available():
        shown = CliRunner().invoke(main, ["--version"])
        assert shown.exit_code == 0 and "fact walk compiled" in shown.output
