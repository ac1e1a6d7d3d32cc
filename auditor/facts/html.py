"""Gather page facts from HTML in one lxml parse and one walk of the tree.

The walk keeps one stack of frames (region, item, block text, hidden state) so that every text
block, image, link, control and script is recorded with its region, the item it belongs to and its
source location, without ever going back to the DOM. A location is only noted (node index and line)
during the walk: its CSS selector, column and snippet are worked out by the page's locator when it
is shown, which is rare.
"""

from __future__ import annotations

import gc
import json
import operator
import os
import re
import sys
from bisect import bisect_left, bisect_right
from typing import Any

from lxml import etree

from auditor.facts.locate import SourceLines
from auditor.facts.model import (
    Control,
    Form,
    Image,
    Item,
    Link,
    Meta,
    Node,
    PageFacts,
    Script,
    SourceLocation,
    Suppression,
    TextBlock,
)
from auditor.limits import limits

# Elements whose text forms its own block; inline text flows into the nearest one of these.
BLOCK_TAGS = frozenset(
    (
        "html body div section article aside header footer nav main p h1 h2 h3 h4 h5 h6 li ul ol dl dt dd"
        " figure figcaption blockquote pre table tbody thead tfoot tr td th caption form fieldset legend"
        " address details summary dialog button label hgroup center"
    ).split()
)
# Subtrees whose text a reader never sees as page text.
SKIP_TAGS = frozenset("script style template noscript iframe object svg select textarea title".split())
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
REGION_TAGS = {
    "header": "header",
    "nav": "nav",
    "main": "main",
    "article": "article",
    "aside": "aside",
    "footer": "footer",
    "dialog": "dialog",
}
REGION_ROLES = {
    "banner": "header",
    "navigation": "nav",
    "main": "main",
    "article": "article",
    "complementary": "aside",
    "contentinfo": "footer",
    "dialog": "dialog",
    "alertdialog": "dialog",
}
REGION_CLASS_TOKENS = {
    "footer": "footer",
    "site-footer": "footer",
    "page-footer": "footer",
    "global-footer": "footer",
    "sidebar": "aside",
    "related": "aside",
    "related-articles": "aside",
    "related-posts": "aside",
    "related-stories": "aside",
}
TEASER_CLASS = re.compile(r"(?:^|[-_\s])(card|teaser|promo|tile)(?:[-_\s]|$)")
RECORDED_TAGS = frozenset({"img", "a", "button", "input", "form", "meta", "link"})
HIDDEN_CLASS_TOKENS = frozenset({"sr-only", "visually-hidden", "screen-reader-text", "hidden", "d-none"})
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
CONTROL_INPUT_TYPES = frozenset({"submit", "button", "reset", "checkbox", "radio", "image"})
CONTROL_ROLES = frozenset({"button", "switch", "checkbox", "menuitemcheckbox"})
MEDIA_TAGS = frozenset({"video", "audio"})
_WS = re.compile(r"\s+")
_CSS_IDENT = re.compile(r"[A-Za-z][\w-]*")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
MAX_JSONLD_CHARS = 1_000_000
_JSONLD_WRAPPER = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$|^\s*<!--|-->\s*$")
SNIPPET_CHARS = 160


def squash(text: str) -> str:
    """Runs of whitespace as one space, none at the ends: the same as `re.sub(r"\\s+", " ", text).strip()`
    (both take whitespace to be what str.isspace says), several times faster."""
    return " ".join(text.split())


def _parser() -> etree.HTMLParser:
    # no_network: a page can never make the parser fetch anything; huge_tree off keeps libxml2's limits.
    return etree.HTMLParser(encoding="utf-8", remove_pis=True, no_network=True, huge_tree=False)


_PARSER = _parser()


def parse_html(text: str, path: str) -> etree._Element | None:
    text = _XML_DECL.sub("", text, count=1)
    root = etree.fromstring(text.encode("utf-8", "surrogatepass"), _PARSER)
    return root


def _text_of(el: etree._Element) -> str:
    """The element's text (XPath's string()), squashed. Most links and leaves hold one text node: read
    without serialising; libxml2's text serialisation is the same text as string(), made faster."""
    if len(el) == 0:
        return squash(el.text or "")
    return squash(etree.tostring(el, method="text", encoding="unicode", with_tail=False))


# Where a page's article cannot be its main one: inside another article, a sidebar, a menu, a header or footer.
_NOT_MAIN_ARTICLE_UNDER = ("article", "aside", "nav", "footer", "header")
_ARTICLE_BODY = etree.XPath("//*[@itemprop='articleBody']")
_MAINS = etree.XPath("//main | //*[@role='main']")
_BODY_H1 = etree.XPath("//body//h1")


def _elements(found: Any) -> list[etree._Element]:
    return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []


def _has_h1(el: etree._Element) -> bool:
    return next(el.iterdescendants("h1"), None) is not None


def _find_main(root: etree._Element) -> etree._Element | None:
    """The element holding the page's main article, or None on a listing page.

    The top-level articles are "//article[not(ancestor::article or aside or nav or footer or header)]",
    found with lxml's tag-filtered iterators (an XPath costs more); the rules after the first two, for
    pages without one clear article, are XPaths.
    """
    tops = [a for a in root.iter("article") if next(a.iterancestors(*_NOT_MAIN_ARTICLE_UNDER), None) is None]
    # A lone card in a listing is a teaser, not the page's article.
    tops = [a for a in tops if _has_h1(a) or not TEASER_CLASS.search((a.get("class") or "").lower())]
    if len(tops) == 1:
        return tops[0]
    with_h1 = [a for a in tops if _has_h1(a)]
    if len(with_h1) == 1:
        return with_h1[0]
    body = _elements(_ARTICLE_BODY(root))
    if body:
        holder = next(body[0].iterancestors("article"), None)
        return holder if holder is not None else body[0]
    if len(tops) > 1:
        return None  # several articles of equal rank: a listing of teasers
    mains = _elements(_MAINS(root))
    if mains and _has_h1(mains[0]):
        return mains[0]
    h1 = _elements(_BODY_H1(root))
    if h1:
        return next(h1[0].iterancestors("div", "section"), None)
    return None


class _Locator:
    """Makes a node's SourceLocation on first use: the CSS selector from the nearest ancestor with an
    id (short, and still one element), the column and snippet from the source line when asked.

    It keeps its own lists of what it needs of each node (filled by the walk), not the nodes: the
    nodes point to it, and a reference back would make every page's facts a cycle that only the
    cyclic garbage collector frees (which cost more than the walk itself). What only a shown location
    needs is counted here, not in the walk: a node's nth-of-type (over the siblings before it) and its
    ordinal among the start tags of its name on its line.
    """

    __slots__ = ("ends", "ids", "lines", "ordinals", "parents", "selectors", "sorted_lines", "src", "tags")

    def __init__(self, src: SourceLines) -> None:
        self.src = src
        self.tags: list[str] = []
        self.parents: list[int | None] = []
        self.ids: list[str] = []
        self.lines: list[int] = []
        self.ends: list[int] = []  # index of the last node of each node's subtree, -1 until its end
        self.selectors: dict[int, str] = {}
        self.ordinals: dict[int, int] = {}
        self.sorted_lines: bool | None = None

    def selector(self, index: int) -> str:
        tags, parents, ids, selectors = self.tags, self.parents, self.ids, self.selectors
        chain: list[int] = []
        current: int | None = index
        prefix = ""
        while current is not None:
            known = selectors.get(current)
            if known is not None:
                prefix = known
                break
            el_id = ids[current]
            if el_id and _CSS_IDENT.fullmatch(el_id):
                prefix = f"{tags[current]}#{el_id}"
                selectors[current] = prefix
                break
            chain.append(current)
            current = parents[current]
        for n in reversed(chain):
            tag = tags[n]
            segment = tag if tag in ("html", "body") else f"{tag}:nth-of-type({self.nth(n)})"
            prefix = f"{prefix} > {segment}" if prefix else segment
            selectors[n] = prefix
        return prefix

    def nth(self, index: int) -> int:
        """1 + the siblings of the same name before it. A subtree's nodes are contiguous (`ends` has
        its last), so the walk over the parent's children steps over each child's descendants."""
        parent = self.parents[index]
        if parent is None:
            return 1
        tags, ends = self.tags, self.ends
        tag, nth, i = tags[index], 1, parent + 1
        while i < index:
            if tags[i] == tag:
                nth += 1
            i = ends[i] + 1 if ends[i] >= i else i + 1  # (every end is known once the walk is done)
        return nth

    def ordinal(self, index: int) -> int:
        """How many start tags of its name came before it on its line (in the order the walk met them)."""
        ordinals = self.ordinals
        if index not in ordinals:
            lines, tags = self.lines, self.tags
            if self.sorted_lines is None:
                self.sorted_lines = all(map(operator.le, lines, lines[1:]))
            if self.sorted_lines:  # lines never go back (as in every parse seen): count over this line's run
                line = lines[index]
                run = range(bisect_left(lines, line), bisect_right(lines, line))
            else:
                run = range(len(lines))
            seen: dict[tuple[int, str], int] = {}
            for i in run:
                key = (lines[i], tags[i])
                ordinals[i] = count = seen.get(key, 0)
                seen[key] = count + 1
        return ordinals[index]

    def position(self, index: int) -> tuple[int, int, str]:
        return self.src.locate(self.lines[index], self.tags[index], self.ordinal(index), SNIPPET_CHARS)


# What the walk needs to know of a class attribute, by its value: pages repeat the same few hundred,
# so each is lower-cased, split and searched once (the cache is emptied when it grows large).
_ClassInfo = tuple[tuple[str, ...], bool, "str | None", bool, bool]
_CLASS_INFO: dict[str, _ClassInfo] = {}
_CLASS_INFO_MAX = 20_000


def _class_info(class_attr: str) -> _ClassInfo:
    """(classes (lower-cased), hides the element, region it marks, teaser-like, credit-like)."""
    info = _CLASS_INFO.get(class_attr)
    if info is None:
        text = class_attr.lower()
        classes = tuple(text.split())
        region = next((REGION_CLASS_TOKENS[c] for c in classes if c in REGION_CLASS_TOKENS), None)
        info = (classes, not HIDDEN_CLASS_TOKENS.isdisjoint(classes), region,
                bool(TEASER_CLASS.search(text)), bool(CREDIT_CLASS.search(text)))
        if len(_CLASS_INFO) >= _CLASS_INFO_MAX:
            _CLASS_INFO.clear()
        _CLASS_INFO[class_attr] = info
    return info


_NO_CLASS: _ClassInfo = ((), False, None, False, False)
# Item kinds that the tag alone decides (an aside is a box only inside the main article).
ITEM_TAGS = {"article": "teaser", "figure": "figure", "blockquote": "box", **dict.fromkeys(MEDIA_TAGS, "media")}


_COMPILED: Any = False  # the compiled walk's module, None without it; False until looked for


def compiled_walk() -> Any:
    """The compiled walk (`auditor/facts/_walk.pyx`) when it is installed and was built against the
    lxml in use, else None (the walk in Python). AUDITOR_PYTHON_WALK=1 asks for the Python one."""
    global _COMPILED
    if _COMPILED is False:
        _COMPILED = None
        if os.environ.get("AUDITOR_PYTHON_WALK") != "1":
            try:
                from auditor.facts import _walk
            except ImportError:
                pass
            else:
                if etree.__version__ == _walk.BUILT_WITH_LXML:
                    _COMPILED = _walk
    return _COMPILED


def gather_html(text: str, facts: PageFacts) -> PageFacts:
    """Fill `facts` from HTML text. Raises ValueError when the document has no elements.

    Python's cyclic garbage collector is paused meanwhile: the walk makes a few thousand objects and
    frees none of them, so the collections their number sets off (several per page, now and then
    one over every object of the process) find nothing to free, and cost as much as a third of the
    walk. A page's facts hold no reference cycle, so they are freed without it when dropped. (Paused
    only, the collector would run those collections just after the walk: a run also raises its
    threshold while pages are audited, `auditor.gctuning`.)
    """
    if not gc.isenabled():  # paused already (a caller's choice): leave it so
        return _gather_html(text, facts)
    gc.disable()
    try:
        return _gather_html(text, facts)
    finally:
        gc.enable()


def _gather_html(text: str, facts: PageFacts) -> PageFacts:
    """gather_html's work: parse, find the main article and the language, walk the tree once (compiled
    when it is installed, `compiled_walk`), then what needs the whole page (`_finish`)."""
    root = parse_html(text, facts.path)
    if root is None:
        raise ValueError("no HTML elements found")
    locator = _Locator(SourceLines(text))
    main_el = _find_main(root)
    html_lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    facts.language = html_lang.strip().lower() if html_lang else None
    compiled = compiled_walk()
    if compiled is not None:
        compiled.walk(root, facts, locator, main_el, sys.modules[__name__])
    else:
        _walk_python(root, facts, locator, main_el)
    _finish(facts)
    return facts


def _walk_python(root: etree._Element, facts: PageFacts, locator: _Locator, main_el: etree._Element | None) -> None:
    """The walk itself, in Python: the reference for the compiled one (`auditor/facts/_walk.pyx`), which
    must make the same facts (a change here is made there too).

    One walk (start and end events) over the tree; the per-element work is kept to what every element
    needs (its skeleton node, hidden state, region, item, block text), the rest is done only for the
    few elements that are recorded. Written with local names and one stack of frames on purpose: it
    runs for every element of every page.
    """
    nodes = facts.nodes
    items = facts.items
    blocks = facts.blocks
    counters: dict[str, int] = {}

    # The state of the element being walked; each "start" pushes a frame with what its "end" restores.
    region = "body"
    item: Item | None = None
    hidden = False
    parent_index: int | None = None
    # (node, region, item, hidden, block parts or None) of the enclosing element
    frames: list[tuple[Node, str, Item | None, bool, list[str] | None]] = []
    parts: list[str] | None = None  # text pieces of the nearest enclosing block
    block_tags, skip_tags, recorded_tags, control_roles = BLOCK_TAGS, SKIP_TAGS, RECORDED_TAGS, CONTROL_ROLES
    region_tags, region_roles, item_tags, hidden_style = REGION_TAGS, REGION_ROLES, ITEM_TAGS, HIDDEN_STYLE
    class_cache, no_class = _CLASS_INFO, _NO_CLASS
    # What the locator keeps of each node (see _Locator: not the nodes themselves).
    tags_append, parents_append, ids_append = locator.tags.append, locator.parents.append, locator.ids.append
    lines_append, ends_append, ends = locator.lines.append, locator.ends.append, locator.ends
    suppressions = facts.suppressions

    max_elements, max_depth = limits().elements, limits().dom_depth
    walk = etree.iterwalk(root, events=("start", "end", "comment"))
    for event, el in walk:
        if event == "end":
            # (Only elements get here: lxml reports entity references as elements too, but the HTML
            # parser never makes one.)
            node, outer_region, outer_item, outer_hidden, outer_parts = frames.pop()
            node.end = ends[node.index] = len(nodes) - 1
            if parts is not outer_parts and parts is not None:  # this element is a block: its text is done
                block_text = " ".join("".join(parts).split())  # squash()
                if block_text:
                    btag = node.tag
                    level = HEADINGS.get(btag, 0)
                    # With the node's own location made too: Markdown's relocation (facts/markdown.py) keys
                    # moved locations by id(), so which location objects exist must not change.
                    where = node.location.with_snippet(block_text[:SNIPPET_CHARS])  # type: ignore[union-attr]
                    blocks.append(TextBlock(len(blocks), block_text, btag, region,
                                            item.id if item is not None else None, node.index, where, hidden, level))
                    if level and item is not None and not item.heading:
                        item.heading = block_text[:200]
            region, item, hidden, parts, parent_index = outer_region, outer_item, outer_hidden, outer_parts, node.parent
            if parts is not None:
                tail = el.tail
                if tail:
                    parts.append(tail)
            continue
        tag = el.tag
        if tag.__class__ is not str:
            # Comments (and entity references): their tail text still belongs to the enclosing block.
            if parts is not None and el.tail:
                parts.append(el.tail)
            if event == "comment" and el.text and "auditor-" in el.text:
                _record_suppression(el.text, el.sourceline or 0, facts)
            continue
        # start
        tag = tag.lower()
        line = el.sourceline or 0
        if suppressions and suppressions[-1].kind == "disable-next" and not suppressions[-1].target_line:
            suppressions[-1].target_line = line
        # el.items(), not dict(el.attrib): an attribute named "{{attrs}}" (an unrendered template) is read
        # by lxml as Clark notation when looked up by name, and raises KeyError (found by fuzzing).
        pairs = el.items()
        index = len(nodes)
        frame_hidden = hidden
        if pairs:
            attrs: dict[str, str] = dict(pairs)  # type: ignore[arg-type]
            el_id = attrs.get("id")
            el_id = el_id.strip() if el_id else ""
            class_attr = attrs.get("class")
            cinfo = (class_cache.get(class_attr) or _class_info(class_attr)) if class_attr else no_class
            classes = cinfo[0]
            role_attr = attrs.get("role")
            role = role_attr.strip().lower() if role_attr else ""
            if not hidden:
                if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
                    hidden = True
                else:
                    style = attrs.get("style")
                    hidden = bool((style and hidden_style.search(style)) or cinfo[1])
        else:
            attrs = {}
            el_id = role = ""
            classes = ()
            cinfo = no_class
        node = Node(index, tag, parent_index, el_id, classes, role, attrs, line, locator)
        nodes.append(node)
        tags_append(tag)
        parents_append(parent_index)
        ids_append(el_id)
        lines_append(line)
        ends_append(-1)
        if index >= max_elements:
            raise ValueError(f"more than {max_elements} elements (limit elements)")
        frames.append((node, region, item, frame_hidden, parts))
        parent_index = index

        if tag in skip_tags or len(frames) > max_depth:
            if len(frames) > max_depth:
                if not facts.notes:
                    facts.notes.append(f"elements nested deeper than {max_depth} (limit dom-depth, line {line}) "
                                       "were not audited")
            elif tag == "script" or tag == "title":
                _record_skipped(el, attrs, tag, facts, index, node.location)  # type: ignore[arg-type]
            # The "end" event still comes for a skipped element and restores the state.
            walk.skip_subtree()
            continue

        new_region = region_tags.get(tag)
        if new_region is None and pairs:
            new_region = region_roles.get(role) if role else None
            if new_region is None:
                new_region = cinfo[2]
            if new_region is None and (attrs.get("aria-modal") or "").lower() == "true":
                new_region = "dialog"
        if new_region is not None:
            region = new_region

        if el is main_el:
            item_kind: str | None = "main"
        else:
            item_kind = item_tags.get(tag)
            if item_kind is None:
                if tag == "aside" and item is not None and item.kind == "main":
                    item_kind = "box"
                elif cinfo[3]:
                    item_kind = "teaser"
        if item_kind is not None:
            n = counters[item_kind] = counters.get(item_kind, 0) + 1
            item_id = "main" if item_kind == "main" else f"{item_kind}-{n}"
            item = items[item_id] = Item(item_id, item_kind, index, item.id if item is not None else None,
                                         node.location)  # type: ignore[arg-type]

        if tag in block_tags:
            parts = []
        if parts is not None:
            el_text = el.text
            if el_text:
                parts.append(el_text)
            if tag == "br":
                parts.append(" ")
        if tag in recorded_tags or (role and role in control_roles):
            _record_element(el, attrs, tag, role, facts, index, node.location, region,  # type: ignore[arg-type]
                            item.id if item is not None else None, hidden)
        if cinfo[4]:
            credit = _text_of(el)
            if credit and len(credit) <= 200:
                facts.credit_lines.append((item.id if item is not None else None, credit,
                                           node.location))  # type: ignore[arg-type]
                # Names in separate elements ("<span>A</span><span>B</span>") stay apart.
                leaves = [_text_of(x) for x in el.iter() if x is not el and isinstance(x.tag, str) and len(x) == 0]
                facts.byline_parts[index] = [t for t in leaves if t][:12]


SUPPRESSION = re.compile(r"^\s*auditor-(disable-next|disable|enable)\b\s*(.*?)\s*$", re.DOTALL)
_CODE = re.compile(r"^[A-Za-z]{3}\d{3}$")


def _record_suppression(text: str, line: int, facts: PageFacts) -> None:
    """`<!-- auditor-disable ATT001, ATT002 reason why -->`: codes first, then an optional reason."""
    match = SUPPRESSION.match(text)
    if not match:
        return
    kind, rest = match.group(1), match.group(2)
    codes: list[str] = []
    words = rest.replace(",", " , ").split()
    taken = 0
    for word in words:
        if word == ",":
            taken += 1
            continue
        if not _CODE.match(word):
            break
        codes.append(word.upper())
        taken += 1
    reason = " ".join(w for w in words[taken:] if w != ",").lstrip("-—: ").strip()
    facts.suppressions.append(Suppression(kind, tuple(codes), line, 0, reason[:200]))


def _record_skipped(
    el: etree._Element, attrs: dict[str, str], tag: str, facts: PageFacts, index: int, loc: SourceLocation
) -> None:
    if tag == "script":
        _record_script(el, attrs, facts, index, loc)
    elif tag == "title" and not facts.title:
        facts.title = squash(el.text or "") or None


def _record_meta(attrs: dict[str, str], facts: PageFacts, loc: SourceLocation) -> None:
    key = attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or attrs.get("http-equiv")
    content = attrs.get("content")
    if key and content is not None:
        facts.meta.append(Meta(key.strip().lower(), content.strip(), loc))


def _record_link_tag(attrs: dict[str, str], facts: PageFacts, loc: SourceLocation) -> None:
    rel = tuple((attrs.get("rel") or "").lower().split())
    href = (attrs.get("href") or "").strip()
    if rel and href:
        facts.meta.append(Meta("link:" + " ".join(rel), href, loc))


def _record_script(
    el: etree._Element, attrs: dict[str, str], facts: PageFacts, index: int | None, loc: SourceLocation
) -> None:
    stype = (attrs.get("type") or "").strip().lower()
    src = attrs.get("src")
    body = el.text or ""
    # Inline scripts are kept whole up to 200 KB: consent platforms and trackers are recognised
    # from markers that may stand far into a bundled snippet.
    facts.scripts.append(Script(src.strip() if src else None, stype, body[:200_000], index, loc, dict(attrs)))
    if stype == "application/ld+json" and body.strip():
        if len(body) > MAX_JSONLD_CHARS:
            facts.jsonld_errors.append(loc)
            return
        # CMS templates wrap JSON-LD in CDATA or comments and leave raw control characters in it.
        # (The wrapper pattern is slow to search for; most bodies hold none of its marks.)
        wrapped = "<!" in body or "]]>" in body or "-->" in body
        cleaned = (_JSONLD_WRAPPER.sub("", body) if wrapped else body).strip()
        try:
            data: Any = json.loads(cleaned, strict=False)
        except (ValueError, RecursionError):
            facts.jsonld_errors.append(loc)
            return
        if _SURROGATE_ESCAPE.search(cleaned):
            data = _without_lone_surrogates(data)
        for obj in _flatten_jsonld(data):
            facts.jsonld.append(obj)


# "\ud800" in JSON text decodes to a lone surrogate, which no UTF-8 report can hold: found by fuzzing
# (tests/fuzz/regressions/html/jsonld-lone-surrogate.html), a page like that made writing the report fail.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(data: Any) -> Any:
    """`data` with U+FFFD for every lone surrogate in its strings (keys too). Iterative: JSON that
    json.loads accepted may be nested deeper than Python's recursion limit allows a walk."""

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return _LONE_SURROGATE.sub("\ufffd", value)
        if isinstance(value, dict):
            copy: dict[str, Any] = {}
            todo.append((value, copy))
            return copy
        if isinstance(value, list):
            items: list[Any] = []
            todo.append((value, items))
            return items
        return value

    todo: list[tuple[dict[str, Any] | list[Any], dict[str, Any] | list[Any]]] = []
    root = clean(data)
    while todo:
        source, target = todo.pop()
        if isinstance(source, dict) and isinstance(target, dict):
            for key, value in source.items():
                target[clean(key)] = clean(value)
        elif isinstance(source, list) and isinstance(target, list):
            target.extend(clean(value) for value in source)
    return root


def _flatten_jsonld(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    if depth > 4:
        return []
    if isinstance(data, list):
        out: list[dict[str, Any]] = []
        for entry in data:
            out.extend(_flatten_jsonld(entry, depth + 1))
        return out
    if isinstance(data, dict):
        graph = data.get("@graph")
        if isinstance(graph, list):
            return _flatten_jsonld(graph, depth + 1)
        return [data]
    return []


def _record_element(
    el: etree._Element,
    attrs: dict[str, str],
    tag: str,
    role: str,
    facts: PageFacts,
    index: int,
    loc: SourceLocation,
    region: str,
    item: str | None,
    hidden: bool,
) -> None:
    # The element's attributes are read from `attrs` (the node's): a dict lookup, where el.get asks libxml2.
    if tag == "img":
        alt = attrs.get("alt")
        src = (attrs.get("src") or attrs.get("data-src") or "").strip()
        # <picture><source srcset> and lazy-loading attributes name the same image's other files.
        sources = [v for v in (attrs.get("data-srcset"), attrs.get("data-src") if attrs.get("src") else None) if v]
        parent = el.getparent()
        if parent is not None and isinstance(parent.tag, str) and parent.tag.lower() == "picture":
            sources.extend(sib.get("srcset") or "" for sib in parent
                           if isinstance(sib.tag, str) and sib.tag.lower() == "source")
        facts.images.append(
            Image(
                src=src,
                alt=alt.strip() if alt is not None else None,
                title=attrs.get("title"),
                aria_label=attrs.get("aria-label"),
                srcset=attrs.get("srcset"),
                region=region,
                item=item,
                node=index,
                location=loc,
                hidden=hidden,
                decorative=role in ("presentation", "none") or alt == "",
                sources=[x for x in sources if x],
            )
        )
    elif tag == "a":
        href = (attrs.get("href") or "").strip()
        text = _text_of(el) or (attrs.get("aria-label") or attrs.get("title") or "").strip()
        rel = tuple((attrs.get("rel") or "").lower().split())
        if role in CONTROL_ROLES:
            facts.controls.append(Control(text, tag, "button", region, item, index, loc, href=href,
                                          hidden=hidden))
        if href or text:
            facts.links.append(Link(href, text, rel, region, item, index, loc, hidden))
        if item and href and not href.startswith("#"):
            owner = facts.items[item]
            if owner.kind == "teaser" and owner.href is None:
                owner.href = href
    elif tag == "button" or role in CONTROL_ROLES:
        text = _text_of(el) or (attrs.get("aria-label") or attrs.get("value") or "").strip()
        checked = (attrs.get("aria-checked") or attrs.get("aria-pressed") or "").lower() == "true"
        kind = "checkbox" if role in ("switch", "checkbox", "menuitemcheckbox") else "button"
        facts.controls.append(Control(text, tag, kind, region, item, index, loc, checked=checked,
                                      disabled=attrs.get("disabled") is not None, hidden=hidden))
    elif tag == "input":
        itype = (attrs.get("type") or "text").lower()
        if itype in CONTROL_INPUT_TYPES:
            kind = "checkbox" if itype in ("checkbox", "radio") else "input"
            text = (attrs.get("value") or attrs.get("aria-label") or attrs.get("alt") or "").strip()
            facts.controls.append(Control(text, tag, kind, region, item, index, loc,
                                          checked=attrs.get("checked") is not None,
                                          disabled=attrs.get("disabled") is not None, hidden=hidden))
    elif tag == "form":
        facts.forms.append(Form((attrs.get("action") or "").strip(), (attrs.get("method") or "get").strip().lower(),
                                region, index, loc))
    elif tag == "meta":
        _record_meta(attrs, facts, loc)
    elif tag == "link":
        _record_link_tag(attrs, facts, loc)


CREDIT_CLASS = re.compile(r"credit|copyright|source|byline|attribution")
# A line that is a credit: "Photo: ...", "Foto: dpa", "Photograph by ...", "© AFP", "摄影：王磊". A
# colon, "by" or © is needed: "Photo of the minister arriving" is a caption, not a credit.
CREDIT_TEXT = re.compile(
    r"^(?:(?:photos?|photograph|photography|fotos?|image|bild|picture|illustration|grafik|credits?|source|quelle|"
    r"crédit(?: photo)?|crédito|fonte|fotografía|fotografia|фото)\s*(?:[:：©]|by\b|von\b|par\b|de\b|di\b)"
    r"|©|\(c\)|(?:摄影|攝影|图片来源|圖片來源|图|圖|写真|사진)\s*[:：/])",
    re.IGNORECASE,
)


# A credit at the end of a caption, after the caption's own sentence.
_STRONG_CREDIT = (r"(?:photos?|photograph|fotos?|credits?|quelle|crédit(?: photo)?|crédito|fonte|fotografía|"
                  r"fotografia|фото|写真|사진|图片来源|圖片來源|摄影|攝影)")
_WEAK_CREDIT = r"(?:image|bild|bilder|picture|illustration|grafik|source|图|圖)"  # words captions also use as words
CREDIT_INSIDE = re.compile(
    rf"(?:(?:^|[\s(\[（。，]){_STRONG_CREDIT}\s*[:：©]|(?:^|[\s(\[]){_STRONG_CREDIT}\s+by\s"
    rf"|(?:^|[.!?]\s|[(\[|/·–—]\s?|\s-\s){_WEAK_CREDIT}\s*[:：©]|(?:©|\(c\)|copyright))"
    r"[^:：]{1,100}$",
    re.IGNORECASE,
)
CREDIT_TAGS = ("footer", "small", "cite")  # <figure><figcaption>...</figcaption><footer>Imago</footer></figure>


def _finish(facts: PageFacts) -> None:
    facts.main_item = "main" if "main" in facts.items else None
    # Captions and credit lines of figures, for the images inside them.
    captions: dict[str, str] = {}
    credits: dict[str, str] = {}
    for item_id, text, _ in facts.credit_lines:
        if item_id is not None:
            credits.setdefault(item_id, text)
    for block in facts.blocks:
        if block.item is None or facts.items[block.item].kind != "figure":
            continue
        if block.tag == "figcaption":
            captions.setdefault(block.item, block.text)
            inline = CREDIT_INSIDE.search(block.text)
            if inline:  # "Der Minister in Berlin. Foto: dpa" / "... (Photo: Jane Doe/Reuters)"
                credits.setdefault(block.item, inline.group(0).strip(" )(.[]|/·–—-（）。，"))
        if CREDIT_TEXT.match(block.text) or (block.tag in CREDIT_TAGS and len(block.text) <= 200):
            credits.setdefault(block.item, block.text)
    for image in facts.images:
        for item in facts.item_chain(image.item):
            if item.kind == "figure":
                image.caption = captions.get(item.id)
                image.credit = credits.get(item.id)
                break
    if not facts.title:
        for block in facts.blocks:
            if block.heading_level == 1:
                facts.title = block.text[:300]
                break
