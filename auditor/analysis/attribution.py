"""Who wrote the main article and when: bylines and publication dates from every place they live.

Authors: a visible byline ("By ...", "Von ...", "Par ..."), elements marked as author (rel=author,
itemprop=author, class byline/author), `<meta name=author>`, `article:author`, JSON-LD `author`.
Dates: `<time datetime>` in the article or its header, date meta tags, JSON-LD `datePublished`, and
a visible date line near the headline. Each keeps where it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from auditor.facts.model import PageFacts, SourceLocation, TextBlock
from auditor.models import AttributionRecord, SourcedValue

BYLINE = re.compile(
    r"^(?:by|written by|words by|posted by|geschrieben von|von|par|por|di|door|av|af|przez|от|автор"
    r"|text:|texte:|text von)"
    r"\s*:?\s+[^\s].{0,80}$|^(?:文|记者|記者|기자)\s*[/／:：]",
    re.IGNORECASE,
)
AUTHOR_CLASS = re.compile(r"byline|author|writer|reporter")
DATE_CLASS = re.compile(r"date|published|posted|dateline|timestamp|meta-time|pubtime")
NOT_AUTHOR_CLASS = re.compile(r"comment|guide|bio|box|widget|list|more|other|related")
AUTHOR_META = ("author", "article:author", "byl", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author")
MODIFIED_META = ("article:modified_time", "og:updated_time", "last-modified", "dcterms.modified", "datemodified")
DATE_META = (
    "article:published_time", "og:published_time", "published_time", "date", "pubdate", "publishdate",
    "publish-date", "dc.date", "dc.date.issued", "dcterms.created", "dcterms.issued", "datepublished",
    "parsely-pub-date", "sailthru.date", "article.published",
)
MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august"
    "|september|october|november|december|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier"
    "|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo"
    "|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
)
DATE_TEXT = re.compile(
    rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}|\d{{1,2}}\.?\s+(?:{MONTHS})\.?\s+\d{{4}}"
    rf"|(?:{MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{4}}年\d{{1,2}}月\d{{1,2}}日)",
    re.IGNORECASE,
)
DATE_LINE = re.compile(r"^(?:published|updated|posted|veröffentlicht|aktualisiert|publié|publicado|pubblicato)\b", re.I)
MAX_DATELINE_WORDS = 14
TOP_BLOCKS = 6  # blocks after the headline where a byline or dateline is looked for


@dataclass(slots=True)
class Sourced:
    value: str
    source: str  # visible | meta | json-ld | rel-author | itemprop | class | time
    location: SourceLocation | None = None


@dataclass(slots=True)
class Attribution:
    authors: list[Sourced] = field(default_factory=list)
    published: list[Sourced] = field(default_factory=list)
    modified: list[Sourced] = field(default_factory=list)
    image_credits: list[Sourced] = field(default_factory=list)

    def model(self) -> AttributionRecord:
        def items(values: list[Sourced], clean: bool = False) -> list[SourcedValue]:
            out: list[SourcedValue] = []
            seen: set[tuple[str, str]] = set()
            for v in values:
                names = author_names(v.value) if clean else [v.value.strip()]
                for name in names:
                    if name and (name, v.source) not in seen:
                        seen.add((name, v.source))
                        out.append(SourcedValue(value=name[:200], source=v.source,
                                                location=v.location.model() if v.location else None))
            return out

        named = items(self.authors, clean=True)
        # The authors are those of the most reliable source that names any (JSON-LD, then meta, then
        # the visible byline, ...); the rest stay as other candidates, for readers and later checks.
        best = named[0].source if named else None
        return AttributionRecord(authors=[a for a in named if a.source == best],
                                 other_authors=[a for a in named if a.source != best],
                                 published=items(self.published), modified=items(self.modified),
                                 image_credits=items(self.image_credits))


# A byline word must be followed by a space or a colon ("By Jane", "Text: Jane"), so that names that
# start with the same letters ("Dirk", "Parker", "Byron") are never cut.
_BYLINE_PREFIX = re.compile(
    r"^(?:(?:posted by|written by|words by|geschrieben von|text von|by|von|par|por|di|door|av|af|przez|от|автор)"
    r"(?:\s*[:/]\s*|\s+)|(?:text|texte|autor|author)\s*:\s*|(?:文|记者|記者|기자)\s*[/／:：]?\s*)",
    re.IGNORECASE,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|/|\band\b|\bund\b|\bet\b|\by\b|\be\b|&|\||·)\s*", re.IGNORECASE)
# Page furniture and job titles that author-ish class names also catch.
_NOT_A_NAME = re.compile(
    r"^(?:skip|jump to|zum inhalt|springe|gå til|aller au contenu|ir al contenido|vai al contenuto|menu|search|"
    r"suche|follow|folgen|share|teilen|subscribe|abonnieren|login|sign in|please|advertisement|anzeige|more|mehr)\b"
    r"|^(?:redakteur(?:in)?|journalist(?:in)?|writer|reporter|correspondent|korrespondent(?:in)?|contributor|"
    r"editor|staff writer|freelance[a-z ]*|autor(?:in)?|author)$",
    re.IGNORECASE,
)


def author_names(text: str) -> list[str]:
    """Names in a byline: "By Jane Doe and Max Muster · 16 January 2026" -> [Jane Doe, Max Muster]."""
    text = text.strip()
    if text.startswith(("http://", "https://", "//")):
        return []  # a profile URL, not a name
    text = _BYLINE_PREFIX.sub("", text)
    text = DATE_TEXT.split(text)[0]
    names = []
    for part in _NAME_SPLIT.split(text):
        part = part.strip(" -–—|,.:")
        if (part and len(part.split()) <= 6 and not any(ch.isdigit() for ch in part)
                and not part.startswith(("http://", "https://", "@")) and not _NOT_A_NAME.search(part)):
            names.append(part)
    return names


def _jsonld_people(obj: dict[str, Any], key: str) -> list[tuple[str, bool]]:
    """(name, is an organisation) for each author given as a string or a Person/Organization."""
    value = obj.get(key)
    out: list[tuple[str, bool]] = []
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, str) and v.strip():
            out.append((v.strip(), False))
        elif isinstance(v, dict) and isinstance(v.get("name"), str) and v["name"].strip():
            kind = v.get("@type")
            kinds = {k.lower() for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)}
            out.append((v["name"].strip(), bool(kinds & {"organization", "newsmediaorganization", "corporation"})))
    return out


def find_attribution(facts: PageFacts) -> Attribution:
    result = Attribution()
    main_blocks = [b for b in facts.blocks if b.item == facts.main_item] if facts.main_item else []
    top = main_blocks[: TOP_BLOCKS + 1]
    for block in top + main_blocks[-2:]:
        words = len(block.text.split())
        if words <= 14 and BYLINE.match(block.text):
            result.authors.append(Sourced(block.text, "visible", block.location))
        dated = DATE_TEXT.search(block.text) or (DATE_LINE.match(block.text) and words > 1)
        if words <= MAX_DATELINE_WORDS and dated and not block.heading_level:
            result.published.append(Sourced(block.text, "visible", block.location))
    for meta in facts.meta_values(*AUTHOR_META):
        is_url = meta.value.startswith(("http://", "https://"))
        if meta.value and (not is_url or meta.key == "article:author"):
            result.authors.append(Sourced(meta.value, "meta", meta.location))
    for meta in facts.meta_values(*DATE_META):
        if meta.value:
            result.published.append(Sourced(meta.value, "meta", meta.location))
    for meta in facts.meta_values(*MODIFIED_META):
        if meta.value:
            result.modified.append(Sourced(meta.value, "meta", meta.location))
    for obj in facts.jsonld:
        for key in ("author", "creator"):
            for name, is_org in _jsonld_people(obj, key):
                # An Organization as author is the brand: a person named elsewhere outranks it.
                result.authors.append(Sourced(name, "json-ld-organization" if is_org else "json-ld"))
        for key in ("datePublished", "dateCreated"):
            value = obj.get(key)
            if isinstance(value, str) and value.strip():
                result.published.append(Sourced(value.strip(), "json-ld"))
        value = obj.get("dateModified")
        if isinstance(value, str) and value.strip():
            result.modified.append(Sourced(value.strip(), "json-ld"))
    for image in facts.images:
        if image.credit:
            result.image_credits.append(Sourced(image.credit, "caption", image.location))
    _from_markup(facts, result)
    # The most reliable first: what ATT002 and the report show is published[0].
    result.published.sort(key=lambda v: _DATE_RANK.get(v.source, 9))
    result.authors.sort(key=lambda v: _AUTHOR_RANK.get(v.source, 9))
    result.published = [v for v in result.published if not _NOT_A_DATELINE.match(v.value)]
    return result


_DATE_RANK = {"json-ld": 0, "meta": 1, "itemprop": 2, "time": 3, "class": 4, "visible": 5}
_AUTHOR_RANK = {"json-ld": 0, "meta": 1, "visible": 2, "rel-author": 3, "itemprop": 4, "class": 5,
                "json-ld-organization": 6}
# Date lines that are not the publication: an offer that ends, a print edition, a cited source.
_NOT_A_DATELINE = re.compile(
    r"^(?:.*\b(?:verfügbar bis|available until|retrieved|abgerufen|erscheinungsdatum|ausgabe vom)\b)", re.IGNORECASE)


def _from_markup(facts: PageFacts, result: Attribution) -> None:
    if facts.input_format != "html":
        return
    block_of: dict[int, TextBlock] = {}
    for text_block in facts.blocks:
        if text_block.node is not None:
            block_of.setdefault(text_block.node, text_block)
    for link in facts.links:
        if "author" in link.rel and link.text and _about_main(facts, link.region, link.item):
            result.authors.append(Sourced(link.text, "rel-author", link.location))
    for node in facts.nodes:
        itemprop = node.attrs.get("itemprop")
        class_text = " ".join(node.classes)
        if not (itemprop or node.tag == "time" or AUTHOR_CLASS.search(class_text) or DATE_CLASS.search(class_text)):
            continue  # most nodes: nothing to do with authors or dates
        itemprops = itemprop.lower().split() if itemprop else []
        by_class = any(AUTHOR_CLASS.search(c) and not NOT_AUTHOR_CLASS.search(c) for c in node.classes)
        is_author = "author" in itemprops or "creator" in itemprops or by_class
        is_date = bool(DATE_CLASS.search(class_text))
        if not (is_author or is_date or node.tag == "time" or "datepublished" in itemprops):
            continue
        block = _enclosing_block(facts, block_of, node.index)
        # Names and dates in comments, teasers, menus and footers are not the article's.
        if block is not None and not _about_main(facts, block.region, block.item):
            continue
        text = block.text if block is not None else ""
        if is_author:
            source = "itemprop" if itemprops else "class"
            parts = [p for p in facts.byline_parts.get(node.index, []) if author_names(p)]
            if len(parts) > 1:
                result.authors.extend(Sourced(p, source, node.location) for p in parts)
            elif text and len(text.split()) <= 14:
                result.authors.append(Sourced(text, source, node.location))
        elif is_date and text and len(text.split()) <= MAX_DATELINE_WORDS * 2 and DATE_TEXT.search(text):
            result.published.append(Sourced(text, "class", node.location))
        elif node.tag == "time" and (node.attrs.get("datetime") or "").strip():
            result.published.append(Sourced(node.attrs["datetime"].strip(), "time", node.location))
        elif "datepublished" in itemprops:
            value = node.attrs.get("content") or node.attrs.get("datetime")
            if value:
                result.published.append(Sourced(value.strip(), "itemprop", node.location))


def _about_main(facts: PageFacts, region: str, item: str | None) -> bool:
    if region in ("footer", "nav", "aside"):
        return False
    return not any(i.kind in ("teaser", "box") for i in facts.item_chain(item))


def _enclosing_block(facts: PageFacts, block_of: dict[int, TextBlock], index: int) -> TextBlock | None:
    """The text block of a node: its own, the first inside it (a byline wrapper), or the one holding
    it (an inline author or date span has no block of its own)."""
    end = facts.nodes[index].end
    for inner in range(index, end + 1 if end >= index else index + 1):
        if inner in block_of:
            return block_of[inner]
    for ancestor in facts.ancestors(index):
        if ancestor in block_of:
            return block_of[ancestor]
    return None
