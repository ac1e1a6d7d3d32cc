"""Tag soup from the HTML grammar (test_fuzz_html.py) gives the same facts with the compiled walk as
with the walk in Python (see tests/test_walk.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_walk import both_walks, compiled_available, html_facts

from .test_fuzz_html import deep, page, soup

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")


@pytest.fixture(autouse=True, scope="module")
def _compiled() -> None:
    if not compiled_available():
        pytest.skip("the compiled fact walk is not built")


@given(page())
def test_pages_give_the_same_facts_with_both_walks(text: str) -> None:
    reference, compiled = both_walks(lambda: html_facts(text))
    assert compiled == reference


@given(st.lists(st.one_of(soup, deep()), min_size=1, max_size=4).map("".join))
def test_soup_in_an_article_gives_the_same_facts_with_both_walks(body: str) -> None:
    text = f"<html><body><main><article><h1>Title</h1>{body}</article></main><footer>{body}</footer></body></html>"
    reference, compiled = both_walks(lambda: html_facts(text))
    assert compiled == reference
