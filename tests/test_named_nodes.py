"""Every consent platform's banner root and every chat widget's element is still recognised with
the page's names index (`PageFacts.names`) in front of the node scans: a page using none of the
known ids, classes or tags is not scanned at all, so a gap in the index would hide a platform.
"""

from __future__ import annotations

import pytest

from auditor.analysis.chat import find_widgets, load_catalogue
from auditor.analysis.consent import _cmp_of, load_vocabulary
from auditor.facts.html import gather_html
from auditor.facts.model import PageFacts

VOCAB = load_vocabulary()
CHATS = load_catalogue()


def _facts(element: str) -> PageFacts:
    html = f"<html><body><main><h1>Story</h1><p>Text.</p></main>{element}</body></html>"
    return gather_html(html, PageFacts(path="page.html", input_format="html"))


CMP_ROOTS = sorted(
    [(f'<div id="{i}">Cookies</div>', c.name, f"#{i}") for c in VOCAB.cmps for i in c.root_ids]
    + [(f'<div id="{p}x1">Cookies</div>', c.name, f"#{p}x1") for c in VOCAB.cmps for p in c.root_id_prefixes]
    + [(f'<div class="other {k}">Cookies</div>', c.name, f".{k.lower()}") for c in VOCAB.cmps for k in c.root_classes]
)


@pytest.mark.parametrize(("element", "name", "how"), CMP_ROOTS)
def test_every_banner_root_is_recognised(element: str, name: str, how: str) -> None:
    found, recognised_by, root = _cmp_of(_facts(element), VOCAB)
    assert (found, recognised_by) == (name, f"banner root {how}") and root is not None


CHAT_ELEMENTS = sorted(
    [(f'<div id="{i}"></div>', w.name) for w in CHATS.widgets for i in w.ids]
    + [(f'<div class="x {c}"></div>', w.name) for w in CHATS.widgets for c in w.classes]
    + [(f"<{t}></{t}>", w.name) for w in CHATS.widgets for t in w.tags]
)


@pytest.mark.parametrize(("element", "name"), CHAT_ELEMENTS)
def test_every_chat_widget_element_is_recognised(element: str, name: str) -> None:
    assert name in [w.name for w in find_widgets(_facts(element), CHATS)]


def test_the_names_index_holds_each_name_as_the_scans_compare_it() -> None:
    facts = _facts('<div id="Content" class="Story  lead"><p>Nothing to see.</p><br></div>')
    names = facts.names()
    assert names.ids == {"Content"}  # ids as written, as `node.id in by_id` compares them
    assert names.classes == {"story", "lead"}  # class names lower-cased, as the nodes hold them
    assert names.tags == {"html", "body", "main", "h1", "p", "div", "br"}
    assert facts.names() is names  # made once a page
