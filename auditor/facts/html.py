"""Gather page facts from HTML in one lxml parse and one walk of the tree.

The walk keeps small stacks (region, item, block text, hidden state, selector path) so that every
text block, image, link, control and script is recorded with its region, the item it belongs to and
its source location, without ever going back to the DOM.
"""

from __future__ import annotations

import json
import re
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


_STRING_VALUE = etree.XPath("string()")


def _text_of(el: etree._Element) -> str:
    # Most links and leaves hold one text node: read it without an XPath call.
    return squash(el.text or "" if len(el) == 0 else str(_STRING_VALUE(el)))


def _elements(el: etree._Element, path: str) -> list[etree._Element]:
    found = el.xpath(path)
    return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []


def _find_main(root: etree._Element) -> etree._Element | None:
    """The element holding the page's main article, or None on a listing page."""
    tops = _elements(
        root,
        "//article[not(ancestor::article) and not(ancestor::aside) and not(ancestor::nav)"
        " and not(ancestor::footer) and not(ancestor::header)]",
    )
    # A lone card in a listing is a teaser, not the page's article.
    tops = [a for a in tops if _elements(a, ".//h1") or not TEASER_CLASS.search((a.get("class") or "").lower())]
    if len(tops) == 1:
        return tops[0]
    with_h1 = [a for a in tops if _elements(a, ".//h1")]
    if len(with_h1) == 1:
        return with_h1[0]
    body = _elements(root, "//*[@itemprop='articleBody']")
    if body:
        holder = _elements(body[0], "ancestor::article[1]")
        return holder[0] if holder else body[0]
    if len(tops) > 1:
        return None  # several articles of equal rank: a listing of teasers
    mains = _elements(root, "//main | //*[@role='main']")
    if mains and _elements(mains[0], ".//h1"):
        return mains[0]
    h1 = _elements(root, "//body//h1")
    if h1:
        holder = _elements(h1[0], "ancestor::*[self::div or self::section][1]")
        return holder[0] if holder else None
    return None


class _Locator:
    """Makes a node's SourceLocation on first use: the CSS selector from the nearest ancestor with an
    id (short, and still one element), the column and snippet from the source line when asked."""

    __slots__ = ("nodes", "selectors", "src")

    def __init__(self, nodes: list[Node], src: SourceLines) -> None:
        self.nodes = nodes
        self.src = src
        self.selectors: dict[int, str] = {}

    def selector(self, node: Node) -> str:
        chain: list[Node] = []
        current: Node | None = node
        prefix = ""
        while current is not None:
            known = self.selectors.get(current.index)
            if known is not None:
                prefix = known
                break
            el_id = current.id
            if el_id and _CSS_IDENT.fullmatch(el_id):
                prefix = f"{current.tag}#{el_id}"
                self.selectors[current.index] = prefix
                break
            chain.append(current)
            current = self.nodes[current.parent] if current.parent is not None else None
        for n in reversed(chain):
            segment = n.tag if n.tag in ("html", "body") else f"{n.tag}:nth-of-type({n.nth})"
            prefix = f"{prefix} > {segment}" if prefix else segment
            self.selectors[n.index] = prefix
        return prefix

    def position(self, node: Node) -> tuple[int, int, str]:
        return self.src.locate(node.line, node.tag, node.ordinal, SNIPPET_CHARS)


def gather_html(text: str, facts: PageFacts) -> PageFacts:
    """Fill `facts` from HTML text. Raises ValueError when the document has no elements.

    One walk (start and end events) over the tree; the per-element work is kept to what every element
    needs (its skeleton node, hidden state, region, item, block text), the rest is done only for the
    few elements that are recorded. Written with local names and one stack of frames on purpose: it
    runs for every element of every page and is the largest part of an audit's time.
    """
    root = parse_html(text, facts.path)
    if root is None:
        raise ValueError("no HTML elements found")
    src = SourceLines(text)
    nodes = facts.nodes
    locator = _Locator(nodes, src)
    main_el = _find_main(root)
    html_lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    facts.language = html_lang.strip().lower() if html_lang else None
    items = facts.items
    blocks = facts.blocks
    counters: dict[str, int] = {}

    # The state of the element being walked; each "start" pushes a frame with what its "end" restores.
    region = "body"
    item: Item | None = None
    hidden = False
    counts: dict[str, int] = {}  # nth-of-type counters of the current element's children
    parent_index: int | None = None
    # (node, region, item, hidden, counts, parent_index, block parts or None) of the enclosing element
    frames: list[tuple[Node, str, Item | None, bool, dict[str, int], int | None, list[str] | None]] = []
    parts: list[str] | None = None  # text pieces of the nearest enclosing block
    line_tag_seen: dict[tuple[int, str], int] = {}
    block_tags, skip_tags, recorded_tags, control_roles = BLOCK_TAGS, SKIP_TAGS, RECORDED_TAGS, CONTROL_ROLES
    region_tags, region_roles, region_classes = REGION_TAGS, REGION_ROLES, REGION_CLASS_TOKENS
    hidden_classes, hidden_style, credit_class, teaser_class = HIDDEN_CLASS_TOKENS, HIDDEN_STYLE, CREDIT_CLASS, \
        TEASER_CLASS
    suppressions = facts.suppressions

    max_elements, max_depth = limits().elements, limits().dom_depth
    walk = etree.iterwalk(root, events=("start", "end", "comment"))
    for event, el in walk:
        tag = el.tag
        if tag.__class__ is not str:
            # Comments and entities: their tail text still belongs to the enclosing block.
            if event != "end":
                if parts is not None and el.tail:
                    parts.append(el.tail)
                if event == "comment" and el.text and "auditor-" in el.text:
                    _record_suppression(el.text, el.sourceline or 0, facts)
            continue
        tag = tag.lower()
        if event == "start":
            line = el.sourceline or 0
            if suppressions and suppressions[-1].kind == "disable-next" and not suppressions[-1].target_line:
                suppressions[-1].target_line = line
            key = (line, tag)
            ordinal = line_tag_seen.get(key, 0)
            line_tag_seen[key] = ordinal + 1
            counts[tag] = nth = counts.get(tag, 0) + 1
            # items(), not dict(el.attrib): an attribute named "{{attrs}}" (an unrendered template) is read
            # by lxml as Clark notation when looked up by name, and raises KeyError (found by fuzzing).
            attrs: dict[str, str] = dict(el.attrib.items())  # type: ignore[arg-type]
            index = len(nodes)
            frame_hidden = hidden
            if attrs:
                el_id = (attrs.get("id") or "").strip()
                class_attr = attrs.get("class")
                class_text = class_attr.lower() if class_attr else ""
                classes = tuple(class_text.split()) if class_text else ()
                role_attr = attrs.get("role")
                role = role_attr.strip().lower() if role_attr else ""
                if not hidden:
                    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
                        hidden = True
                    else:
                        style = attrs.get("style")
                        hidden = bool((style and hidden_style.search(style))
                                      or (classes and not hidden_classes.isdisjoint(classes)))
            else:
                el_id = class_text = role = ""
                classes = ()
            node = Node(index, tag, parent_index, el_id, classes, role, attrs, None, -1, line, ordinal, nth, locator)
            nodes.append(node)
            if index >= max_elements:
                raise ValueError(f"more than {max_elements} elements (limit elements)")
            frames.append((node, region, item, frame_hidden, counts, parent_index, parts))
            counts = {}
            parent_index = index

            if len(frames) > max_depth or tag in skip_tags:
                if len(frames) > max_depth:
                    if not facts.notes:
                        facts.notes.append(f"elements nested deeper than {max_depth} (limit dom-depth, line {line}) "
                                           "were not audited")
                elif tag == "script" or tag == "title":
                    _record_skipped(el, tag, facts, index, node.location)  # type: ignore[arg-type]
                # The "end" event still comes for a skipped element and restores the state.
                walk.skip_subtree()
                continue

            new_region = region_tags.get(tag)
            if new_region is None and attrs:
                new_region = region_roles.get(role) if role else None
                if new_region is None and classes and not region_classes.keys().isdisjoint(classes):
                    new_region = next(region_classes[c] for c in classes if c in region_classes)
                if new_region is None and (attrs.get("aria-modal") or "").lower() == "true":
                    new_region = "dialog"
            if new_region is not None:
                region = new_region

            if el is main_el:
                item_kind: str | None = "main"
            elif tag == "article":
                item_kind = "teaser"
            elif tag == "figure":
                item_kind = "figure"
            elif tag in MEDIA_TAGS:
                item_kind = "media"
            elif tag == "blockquote" or (tag == "aside" and item is not None and item.kind == "main"):
                item_kind = "box"
            elif class_text and teaser_class.search(class_text):
                item_kind = "teaser"
            else:
                item_kind = None
            if item_kind is not None:
                n = counters[item_kind] = counters.get(item_kind, 0) + 1
                item_id = "main" if item_kind == "main" else f"{item_kind}-{n}"
                item = items[item_id] = Item(item_id, item_kind, index, item.id if item is not None else None,
                                             node.location)  # type: ignore[arg-type]

            if tag in block_tags:
                parts = []
            if parts is not None:
                if el.text:
                    parts.append(el.text)
                if tag == "br":
                    parts.append(" ")
            if tag in recorded_tags or (role and role in control_roles):
                _record_element(el, tag, role, facts, index, node.location, region,  # type: ignore[arg-type]
                                item.id if item is not None else None, hidden)
            if class_text and credit_class.search(class_text):
                credit = _text_of(el)
                if credit and len(credit) <= 200:
                    facts.credit_lines.append((item.id if item is not None else None, credit,
                                               node.location))  # type: ignore[arg-type]
                    # Names in separate elements ("<span>A</span><span>B</span>") stay apart.
                    leaves = [_text_of(x) for x in el.iter() if x is not el and isinstance(x.tag, str) and len(x) == 0]
                    facts.byline_parts[index] = [t for t in leaves if t][:12]
        else:  # end
            node, outer_region, outer_item, outer_hidden, counts, parent_index, outer_parts = frames.pop()
            node.end = len(nodes) - 1
            if parts is not outer_parts and parts is not None:  # this element is a block: its text is done
                block_text = " ".join("".join(parts).split())  # squash()
                if block_text:
                    btag = node.tag
                    level = HEADINGS.get(btag, 0)
                    where = node.location.with_snippet(block_text[:SNIPPET_CHARS])  # type: ignore[union-attr]
                    blocks.append(TextBlock(len(blocks), block_text, btag, region,
                                            item.id if item is not None else None, node.index, where, hidden, level))
                    if level and item is not None and not item.heading:
                        item.heading = block_text[:200]
            region, item, hidden, parts = outer_region, outer_item, outer_hidden, outer_parts
            if parts is not None and el.tail:
                parts.append(el.tail)
    _finish(facts)
    return facts


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
    el: etree._Element, tag: str, facts: PageFacts, index: int, loc: SourceLocation
) -> None:
    if tag == "script":
        _record_script(el, facts, index, loc)
    elif tag == "title" and not facts.title:
        facts.title = squash(el.text or "") or None


def _record_meta(el: etree._Element, facts: PageFacts, loc: SourceLocation) -> None:
    key = el.get("name") or el.get("property") or el.get("itemprop") or el.get("http-equiv")
    content = el.get("content")
    if key and content is not None:
        facts.meta.append(Meta(key.strip().lower(), content.strip(), loc))


def _record_link_tag(el: etree._Element, facts: PageFacts, loc: SourceLocation) -> None:
    rel = tuple((el.get("rel") or "").lower().split())
    href = (el.get("href") or "").strip()
    if rel and href:
        facts.meta.append(Meta("link:" + " ".join(rel), href, loc))


def _record_script(el: etree._Element, facts: PageFacts, index: int | None, loc: SourceLocation) -> None:
    stype = (el.get("type") or "").strip().lower()
    src = el.get("src")
    body = el.text or ""
    attrs = {str(k): str(v) for k, v in el.attrib.items()}
    # Inline scripts are kept whole up to 200 KB: consent platforms and trackers are recognised
    # from markers that may stand far into a bundled snippet.
    facts.scripts.append(Script(src.strip() if src else None, stype, body[:200_000], index, loc, attrs))
    if stype == "application/ld+json" and body.strip():
        if len(body) > MAX_JSONLD_CHARS:
            facts.jsonld_errors.append(loc)
            return
        # CMS templates wrap JSON-LD in CDATA or comments and leave raw control characters in it.
        cleaned = _JSONLD_WRAPPER.sub("", body).strip()
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
    tag: str,
    role: str,
    facts: PageFacts,
    index: int,
    loc: SourceLocation,
    region: str,
    item: str | None,
    hidden: bool,
) -> None:
    if tag == "img":
        alt = el.get("alt")
        src = (el.get("src") or el.get("data-src") or "").strip()
        # <picture><source srcset> and lazy-loading attributes name the same image's other files.
        sources = [v for v in (el.get("data-srcset"), el.get("data-src") if el.get("src") else None) if v]
        parent = el.getparent()
        if parent is not None and isinstance(parent.tag, str) and parent.tag.lower() == "picture":
            sources.extend(sib.get("srcset") or "" for sib in parent
                           if isinstance(sib.tag, str) and sib.tag.lower() == "source")
        facts.images.append(
            Image(
                src=src,
                alt=alt.strip() if alt is not None else None,
                title=el.get("title"),
                aria_label=el.get("aria-label"),
                srcset=el.get("srcset"),
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
        href = (el.get("href") or "").strip()
        text = _text_of(el) or (el.get("aria-label") or el.get("title") or "").strip()
        rel = tuple((el.get("rel") or "").lower().split())
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
        text = _text_of(el) or (el.get("aria-label") or el.get("value") or "").strip()
        checked = (el.get("aria-checked") or el.get("aria-pressed") or "").lower() == "true"
        kind = "checkbox" if role in ("switch", "checkbox", "menuitemcheckbox") else "button"
        facts.controls.append(Control(text, tag, kind, region, item, index, loc, checked=checked,
                                      disabled=el.get("disabled") is not None, hidden=hidden))
    elif tag == "input":
        itype = (el.get("type") or "text").lower()
        if itype in CONTROL_INPUT_TYPES:
            kind = "checkbox" if itype in ("checkbox", "radio") else "input"
            text = (el.get("value") or el.get("aria-label") or el.get("alt") or "").strip()
            facts.controls.append(Control(text, tag, kind, region, item, index, loc,
                                          checked=el.get("checked") is not None,
                                          disabled=el.get("disabled") is not None, hidden=hidden))
    elif tag == "form":
        facts.forms.append(Form((el.get("action") or "").strip(), (el.get("method") or "get").strip().lower(),
                                region, index, loc))
    elif tag == "meta":
        _record_meta(el, facts, loc)
    elif tag == "link":
        _record_link_tag(el, facts, loc)


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
