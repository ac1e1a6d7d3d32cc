"""Who wrote the main article and when: bylines and publication dates from every place they live.

Authors: a visible byline ("By ...", "Von ...", "Par ..."), elements marked as author (rel=author,
itemprop=author, class byline/author), `<meta name=author>`, `article:author`, JSON-LD `author`.
Dates: `<time datetime>` in the article or its header, date meta tags, JSON-LD `datePublished`, and
a visible date line near the headline. Each keeps where it came from, and each author what it names
(a person, an agency, a desk, a bot or the publication itself) and the profile page it links to.
Image credits say what they claim the image is; sources are the outbound links and agencies the
article cites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from auditor.analysis.attribution_words import AttributionWords, author_kind, brand_keys, credit_kind, load_words
from auditor.analysis.dates import parse_date
from auditor.facts.model import PageFacts, SourceLocation, TextBlock
from auditor.inputs.urls import site_of
from auditor.models import AttributionRecord, ImageCredit, SourcedValue
from auditor.wordlist import WordGate

BYLINE = re.compile(
    r"^(?:by|written by|words by|posted by|geschrieben von|von|par|por|di|door|av|af|przez|от|автор"
    r"|text:|texte:|text von)"
    r"\s*:?\s+[^\s].{0,80}$|^(?:文|记者|記者|기자)\s*[/／:：]",
    re.IGNORECASE,
)
BYLINE_START = re.compile(r"^(?:by|posted by|written by|von|par|por|di|door)\s", re.IGNORECASE)
_AUTHOR_CLASS_WORDS = ("byline", "author", "writer", "reporter")
_DATE_CLASS_WORDS = ("date", "published", "posted", "dateline", "timestamp", "meta-time", "pubtime")
AUTHOR_CLASS = re.compile("|".join(_AUTHOR_CLASS_WORDS))
DATE_CLASS = re.compile("|".join(_DATE_CLASS_WORDS))
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
    source: str  # visible | meta | json-ld | json-ld-organization | rel-author | itemprop | class | time | link
    location: SourceLocation | None = None
    url: str | None = None  # the author's profile page, when the byline links to one


@dataclass(slots=True)
class Author:
    """One name of a byline, with what it names (person | agency | desk | bot | brand)."""

    name: str
    source: str
    kind: str
    location: SourceLocation | None = None
    url: str | None = None


@dataclass(slots=True)
class Credit:
    image: str
    value: str
    kind: str  # ai-tool | illustration | stock | agency | photo | other
    location: SourceLocation | None = None


@dataclass(slots=True)
class Attribution:
    raw_authors: list[Sourced] = field(default_factory=list)
    published: list[Sourced] = field(default_factory=list)
    modified: list[Sourced] = field(default_factory=list)
    image_credits: list[Credit] = field(default_factory=list)
    sources: list[Sourced] = field(default_factory=list)
    language: str | None = None
    crawled_at: str | None = None
    crawled_at_source: str | None = None
    # Set by find_attribution: the authors of the most reliable source that names anyone other than
    # the publication itself; every other candidate stays in other_authors.
    authors: list[Author] = field(default_factory=list)
    other_authors: list[Author] = field(default_factory=list)

    @property
    def visible_authors(self) -> list[Author]:
        """Names a reader sees in the byline (visible text, author links and markup)."""
        return [a for a in self.authors + self.other_authors if a.source in _VISIBLE_SOURCES]

    @property
    def machine_authors(self) -> list[Author]:
        """Names only machines read: meta tags and JSON-LD."""
        return [a for a in self.authors + self.other_authors if a.source in _MACHINE_SOURCES]

    def model(self) -> AttributionRecord:
        def author(a: Author) -> SourcedValue:
            return SourcedValue(value=a.name[:200], source=a.source, kind=a.kind, url=a.url,
                                location=a.location.model() if a.location else None)

        def dated(values: list[Sourced]) -> list[SourcedValue]:
            out: list[SourcedValue] = []
            seen: set[tuple[str, str]] = set()
            for v in values:
                text = v.value.strip()
                if text and (text, v.source) not in seen:
                    seen.add((text, v.source))
                    parsed = parse_date(text, self.language)
                    out.append(SourcedValue(value=text[:200], source=v.source,
                                            day=parsed.day.isoformat() if parsed else None,
                                            location=v.location.model() if v.location else None))
            return out

        keep_crawl = self.crawled_at_source in ("option", "warc", "http-date")
        return AttributionRecord(
            authors=[author(a) for a in self.authors], other_authors=[author(a) for a in self.other_authors],
            published=dated(self.published), modified=dated(self.modified),
            image_credits=[ImageCredit(image=c.image[:500], value=c.value[:200], kind=c.kind,
                                       location=c.location.model() if c.location else None)
                           for c in self.image_credits],
            sources=[SourcedValue(value=s.value[:200], source=s.source, location=s.location.model()
                                  if s.location else None) for s in self.sources],
            crawled_at=self.crawled_at if keep_crawl else None,
            crawled_at_source=self.crawled_at_source if keep_crawl else None,
        )


_VISIBLE_SOURCES = ("visible", "rel-author", "itemprop", "author-link", "class")
_MACHINE_SOURCES = ("meta", "json-ld", "json-ld-organization")


# A byline word must be followed by a space or a colon ("By Jane", "Text: Jane"), so that names that
# start with the same letters ("Dirk", "Parker", "Byron") are never cut.
_BYLINE_PREFIX = re.compile(
    r"^(?:(?:posted by|written by|words by|geschrieben von|text von|by|von|par|por|di|door|av|af|przez|от|автор)"
    r"(?:\s*[:/]\s*|\s+)|(?:text|texte|autor|author)\s*:\s*|(?:文|记者|記者|기자)\s*[/／:：]?\s*)",
    re.IGNORECASE,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|/|\band\b|\bund\b|\bet\b|\by\b|\be\b|&|\||·)\s*|\s+[-–—]\s+", re.IGNORECASE)
# Page furniture and job titles that author-ish class names also catch.
_NOT_A_NAME = re.compile(
    r"^(?:skip|jump to|zum inhalt|springe|gå til|aller au contenu|ir al contenido|vai al contenuto|menu|search|"
    r"suche|follow|folgen|share|teilen|subscribe|abonnieren|login|sign in|please|advertisement|anzeige|more|mehr|"
    r"veröffentlicht|aktualisiert|published|updated|posted|stand|publié|publicado|pubblicato)\b"
    r"|^(?:redakteur(?:in)?|journalist(?:in)?|writer|reporter|correspondent|korrespondent(?:in)?|contributor|"
    r"editor|staff writer|freelance[a-z ]*|autor(?:in)?|author)$",
    re.IGNORECASE,
)


_DATE_LABEL = re.compile(r"\b(?:veröffentlicht|aktualisiert|published|updated|publié|publicado|pubblicato|"
                         r"gepubliceerd|opublikowano)\b", re.IGNORECASE)


def author_names(text: str) -> list[str]:
    """Names in a byline: "By Jane Doe and Max Muster · 16 January 2026" -> [Jane Doe, Max Muster]."""
    text = text.strip()
    if text.startswith(("http://", "https://", "//")):
        return []  # a profile URL, not a name
    text = _BYLINE_PREFIX.sub("", text)
    text = DATE_TEXT.split(text)[0]
    text = _DATE_LABEL.split(text)[0]
    names = []
    for part in _NAME_SPLIT.split(text):
        part = part.strip(" -–—|,.:")
        if (part and len(part.split()) <= 6 and not any(ch.isdigit() for ch in part)
                and not part.startswith(("http://", "https://", "@")) and not _NOT_A_NAME.search(part)):
            names.append(part)
    return names


def _jsonld_people(
    obj: dict[str, Any], key: str, by_id: dict[str, dict[str, Any]]
) -> list[tuple[str, bool, str | None]]:
    """(name, is an organisation, profile URL) for each author given as a string or a Person or
    Organization object, or as a reference ({"@id": ...}) to one elsewhere in the page's JSON-LD
    (as WordPress SEO plugins write it)."""
    value = obj.get(key)
    out: list[tuple[str, bool, str | None]] = []
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, dict) and "name" not in v and isinstance(v.get("@id"), str):
            v = by_id.get(v["@id"], v)
        if isinstance(v, str) and v.strip():
            out.append((v.strip(), False, None))
        elif isinstance(v, dict) and isinstance(v.get("name"), str) and v["name"].strip():
            kinds = set(_types(v))
            url = v.get("url")
            if not isinstance(url, str):
                same = v.get("sameAs")
                url = same if isinstance(same, str) else (same[0] if isinstance(same, list) and same
                                                          and isinstance(same[0], str) else None)
            out.append((v["name"].strip(), bool(kinds & _ORG_TYPES), url if url and url.startswith("http") else None))
    return out


def _types(obj: dict[str, Any]) -> list[str]:
    """A JSON-LD node's @type values, lower-cased ("" for a value that is not a string)."""
    value = obj.get("@type")
    if value is None:
        return []
    return [k.lower() if isinstance(k, str) else "" for k in (value if isinstance(value, list) else [value])]


def _is_webpage_only(obj: dict[str, Any]) -> bool:
    """A WebSite or a Person node on its own: its "author"/"creator" is not the article's."""
    kinds = _types(obj)
    return bool(kinds) and all(k in ("website", "person", "organization", "breadcrumblist", "imageobject")
                               for k in kinds)


_ORG_TYPES = {"organization", "newsmediaorganization", "corporation", "newsagency"}


def _publisher_names(facts: PageFacts) -> list[str]:
    names = []
    for meta in facts.meta_values("og:site_name", "application-name", "publisher", "copyright"):
        # "Achtsam durch die Krise | Die FURCHE": a title and the brand.
        names.extend(re.split(r"\s+[|\-–—:·]\s+", meta.value))
    for obj in facts.jsonld:
        publisher = obj.get("publisher")
        for p in publisher if isinstance(publisher, list) else [publisher]:
            if isinstance(p, dict) and isinstance(p.get("name"), str):
                names.append(p["name"])
            elif isinstance(p, str):
                names.append(p)
        is_org = any(k in _ORG_TYPES or k == "website" for k in _types(obj))
        if is_org and isinstance(obj.get("name"), str):
            names.append(obj["name"])
    return names


def find_attribution(facts: PageFacts, tools: re.Pattern[str] | None = None) -> Attribution:
    """Authors, dates, image credits and cited sources of the page's main article."""
    result = Attribution(language=facts.language, crawled_at=facts.crawled_at,
                         crawled_at_source=facts.crawled_at_source)
    words = load_words()
    main_blocks = [b for b in facts.blocks if b.item == facts.main_item] if facts.main_item else []
    top = main_blocks[: TOP_BLOCKS + 1]
    for block in top + main_blocks[-2:]:
        n_words = len(block.text.split())
        head = _BYLINE_HEAD_END.split(block.text, 1)[0] if n_words > 14 else block.text
        if len(head.split()) <= 14 and BYLINE.match(head):
            result.raw_authors.append(Sourced(head, "visible", block.location,
                                              _profile_url(facts, block.node, head)))
        elif block in top and _bold_names(facts, block):
            result.raw_authors.append(Sourced(block.text, "visible", block.location))
        # The cheap tests first: a long paragraph is no dateline, whatever dates it mentions.
        if n_words <= MAX_DATELINE_WORDS and not block.heading_level and (
                (DATE_TEXT.search(block.text) and _dateline_like(block.text))
                or (DATE_LINE.match(block.text) and n_words > 1)):
            # "Updated 12 March 2026" dates a change; "Published ... Updated ..." starts with the publication.
            # A date in the last lines ("visible-end") is weaker: often a print or share footer.
            target = result.modified if _UPDATED_LINE.match(block.text) else result.published
            target.append(Sourced(block.text, "visible" if block in top else "visible-end", block.location))
    for meta in facts.meta_values(*AUTHOR_META):
        is_url = meta.value.startswith(("http://", "https://"))
        if meta.value and (not is_url or meta.key == "article:author"):
            result.raw_authors.append(Sourced(meta.value, "meta", meta.location,
                                              meta.value if is_url else None))
    for meta in facts.meta_values(*DATE_META):
        if meta.value:
            result.published.append(Sourced(meta.value, "meta", meta.location))
    for meta in facts.meta_values(*MODIFIED_META):
        if meta.value:
            result.modified.append(Sourced(meta.value, "meta", meta.location))
    by_id = {o["@id"]: o for o in facts.jsonld if isinstance(o.get("@id"), str)}
    for obj in facts.jsonld:
        if _is_webpage_only(obj):
            continue
        for key in ("author", "creator"):
            people = _jsonld_people(obj, key, by_id)
            # An Organization alone as author is usually the brand: a person named elsewhere outranks
            # it. Beside a person in the same list it is a co-author (an agency, a desk) and stays.
            with_person = any(not is_org for _, is_org, _ in people)
            for name, is_org, url in people:
                source = "json-ld-organization" if is_org and not with_person else "json-ld"
                result.raw_authors.append(Sourced(name, source, None, url))
        for key, source in (("datePublished", "json-ld"), ("dateCreated", "json-ld-created")):
            value = obj.get(key)
            if isinstance(value, str) and value.strip():
                result.published.append(Sourced(value.strip(), source))
        value = obj.get("dateModified")
        if isinstance(value, str) and value.strip():
            result.modified.append(Sourced(value.strip(), "json-ld"))
    _from_markup(facts, result)
    # The most reliable first: what ATT002 and the report show is published[0].
    result.published.sort(key=lambda v: _DATE_RANK.get(v.source, 9))
    result.raw_authors.sort(key=lambda v: _AUTHOR_RANK.get(v.source, 9))
    result.published = [v for v in result.published if not _NOT_A_DATELINE.match(v.value)]
    _choose_authors(result, brand_keys(_publisher_names(facts), facts.site), words, tools)
    _image_credits(facts, result, words, tools)
    _cited_sources(facts, main_blocks, result, words)
    return result


def _choose_authors(result: Attribution, brands: set[str], words: AttributionWords,
                    tools: re.Pattern[str] | None) -> None:
    named: list[Author] = []
    seen: set[tuple[str, str]] = set()
    for raw in result.raw_authors:
        parts = author_names(raw.value)
        kinds = [author_kind(p, brands, words, tools) for p in parts]
        if raw.source == "meta" and "brand" in kinds:
            kinds = ["brand"] * len(kinds)  # "hessenschau.de, Frankfurt, Germany": the brand's address
        for name, kind in zip(parts, kinds, strict=True):
            if (name, raw.source) not in seen:
                seen.add((name, raw.source))
                named.append(Author(name, raw.source, kind, raw.location, raw.url))
    # The authors are those of the most reliable source that names anyone but the publication
    # itself (JSON-LD, then meta, then the visible byline, ...); failing that, the brand. Below the
    # brand, markup found by class names must name someone who looks like a person ("Abbruch" and
    # "zustimmen" from a follow button do not).
    best = None
    for a in named:
        if a.kind != "brand" and (_RELIABLE.get(a.source, False) or a.kind != "person" or name_like(a.name)):
            best = a.source
            break
    if best is None and named:
        best = named[0].source
    chosen = [a for a in named if a.source == best]
    # A byline that says more than the best source ("Engin Haupt, MDR SACHSEN-ANHALT" where JSON-LD
    # has the reporter only) gives the whole list.
    names = {a.name.casefold() for a in chosen}
    for source in dict.fromkeys(a.source for a in named if a.source == "visible"):
        more = [a for a in named if a.source == source]
        if names and names < {a.name.casefold() for a in more}:
            chosen = more
            best = source
            break
    result.authors = chosen
    result.other_authors = [a for a in named if a.source != best]


_RELIABLE = {"json-ld": True, "meta": True, "visible": True, "rel-author": True, "itemprop": True,
             "author-link": True}
_PARTICLES = {"de", "da", "do", "dos", "das", "del", "della", "di", "van", "von", "der", "den", "la", "le", "du",
              "bin", "binti", "al", "el", "y", "e", "ten", "ter", "zu", "of"}


def name_like(name: str) -> bool:
    """Words that start with capitals (particles aside), as names do; or a name in a script without
    capitals."""
    tokens = name.split()
    if not tokens or len(tokens) > 6:
        return False
    if not any(ch.isascii() or ch.isupper() or ch.islower() for ch in name):
        return True  # CJK and other unicameral scripts
    words = [t for t in tokens if t.casefold() not in _PARTICLES]
    return bool(words) and len(tokens) >= 2 and all(w[:1].isupper() for w in words)


def _profile_url(facts: PageFacts, node: int | None, name: str) -> str | None:
    """The href of a link inside a byline element whose text is (part of) the name."""
    if node is None or facts.input_format == "text":
        return None
    end = facts.nodes[node].end
    for link in facts.links:
        if link.node is not None and node <= link.node <= end and link.text.strip():
            text = link.text.strip()
            if (text in name or name in text) and link.href.startswith(("http://", "https://", "/")):
                return link.href
    return None


def _image_credits(facts: PageFacts, result: Attribution, words: AttributionWords,
                   tools: re.Pattern[str] | None) -> None:
    for image in facts.images:
        if image.credit:
            result.image_credits.append(Credit(image.src, image.credit, credit_kind(image.credit, words, tools),
                                               image.location))


_CITE_BEFORE = re.compile(
    r"(?:according to|reported by|citing|via|source:?|sources:?|laut|zitiert|quelle:?|selon|cité par|avec|según|"
    r"de acuerdo con|con información de|secondo|fonte:?|volgens|bron:?|segundo|źródło:?|по данным|据|来源[:：]?|"
    r"출처[:：]?)(?:\s+\w+){0,2}\W{0,3}$",  # "según informó Europa Press", "laut einem Bericht von dpa"
    re.IGNORECASE,
)
_CITE_AFTER = re.compile(
    r"^\W{0,3}(?:reported|reports|said|says|wrote|berichtet|berichtete|meldet|meldete|rapporte|a rapporté|informó|"
    r"informa|riferisce|ha riferito|meldt|meldde|informou|podała|сообщает|сообщил|报道|电|電|보도|によると|は報じ)",
    re.IGNORECASE,
)


def _cites(text: str, start: int, end: int) -> bool:
    """An agency named as a source: "(dpa)", "Berlin (AP) –", "according to Reuters", "Reuters reported",
    "据新华社报道", or the credit line that ends an article ("— AFP")."""
    before, after = text[max(0, start - 30):start], text[end:end + 25]
    if before.rstrip().endswith(("(", "（", "[", "/")) or after.lstrip().startswith((")", "）", "]", "/")):
        return True
    if not before.strip() and after.lstrip()[:1] in ("–", "—", "-", ":", ""):
        return True  # "AFP – ...", or the agency alone on a line
    if not after.strip() and before.rstrip().endswith(("–", "—", "-", "|", "·")):
        return True  # "... — AFP" at the end
    return bool(_CITE_BEFORE.search(before) or _CITE_AFTER.search(after))


def _dateline_like(text: str) -> bool:
    """A line that is mostly a date ("Stand: 08.07.2026 05:00 Uhr", "By Jo Lee · March 3, 2026"), not a
    sentence that mentions one ("The last budget, passed on 17 December 2024, was smaller.")."""
    if DATE_LINE.match(text) or BYLINE.match(text):
        return True
    return len(DATE_TEXT.sub(" ", text).split()) <= 6


def _cited_sources(facts: PageFacts, main_blocks: list[TextBlock], result: Attribution,
                   words: AttributionWords) -> None:
    """Outbound links in the article's text and agencies it names: what a reader can check."""
    if facts.main_item is None:
        return
    seen: set[str] = set()
    for link in facts.links:
        if link.item != facts.main_item or link.hidden or not link.href.startswith(("http://", "https://")):
            continue
        host_site = site_of(link.href)
        if not host_site or host_site == facts.site or _SOCIAL_SHARE.search(link.href):
            continue
        if host_site not in seen:
            seen.add(host_site)
            result.sources.append(Sourced(link.href, "link", link.location))
    maybe = words.agency_gate.candidates([block.text for block in main_blocks])
    for block in main_blocks if maybe is None else [main_blocks[i] for i in sorted(maybe)]:
        for match in words.agency.finditer(block.text):
            name = match.group(0)
            if not _cites(block.text, match.start(), match.end()):
                continue  # "AP exams", "Pittsburgh, PA", "Michael Bloomberg": the name, not a source
            if name.casefold() not in seen:
                seen.add(name.casefold())
                result.sources.append(Sourced(name, "agency", block.location))
    for obj in facts.jsonld:
        for key in ("citation", "isBasedOn"):
            value = obj.get(key)
            for v in value if isinstance(value, list) else [value]:
                text = v if isinstance(v, str) else (v.get("url") or v.get("name")) if isinstance(v, dict) else None
                if isinstance(text, str) and text.strip() and text not in seen:
                    seen.add(text)
                    result.sources.append(Sourced(text.strip(), "json-ld"))


_SOCIAL_SHARE = re.compile(
    r"(?:facebook\.com/sharer|twitter\.com/(?:intent|share)|x\.com/intent|linkedin\.com/share|"
    r"pinterest\.[a-z.]+/pin/create|reddit\.com/submit|wa\.me/|whatsapp\.com/send|t\.me/share|"
    r"mailto:|telegram\.me/share)",
    re.IGNORECASE,
)


_PROFILE_WORDS = (
    "author", "authors", "autor", "autoren", "autorin", "auteur", "auteurs", "autore", "autori", "reporter",
    "reporters", "journalist", "journalists", "journalisten", "writer", "writers", "columnist", "redakteur",
    "redaktion/team", "profile", "profil", "people", "staff", "contributor", "contributors", "by",
)
_PROFILE_PATH = re.compile(
    r"/(?:" + "|".join(re.escape(w) for w in _PROFILE_WORDS) + r")/[^/?#]+/?(?:[?#].*)?$", re.IGNORECASE
)
# Every link to an author page holds "/<word>/": the few links that do, found in one pass.
_PROFILE_GATE = WordGate(f"/{w}/" for w in _PROFILE_WORDS)
# Where a long byline line stops naming people: "By TPN, in News, Portugal ... · 0 Comments".
_BYLINE_HEAD_END = re.compile(r",?\s+(?:in|im|dans|en|nel|op|w)\s+|\s+[|·•]\s+")
_INLINE_BOLD = ("strong", "b")


def _bold_names(facts: PageFacts, block: TextBlock) -> bool:
    """A paragraph that is nothing but bold names near the top of the article, as many papers set
    their reporters' byline: "<p><strong>Mathatisi Sebusi/Mohalenyane Phakela</strong></p>"."""
    if block.node is None or block.tag != "p" or block.heading_level or len(block.text.split()) > 8:
        return False
    node = facts.nodes[block.node]
    child = block.node + 1
    if node.end != child or child >= len(facts.nodes) or facts.nodes[child].tag not in _INLINE_BOLD:
        return False  # the <p> must hold exactly one element, a <strong> or <b>
    names = author_names(block.text)
    return bool(names) and all(name_like(n) for n in names)


_UPDATED_LINE = re.compile(r"^(?:updated|last updated|aktualisiert|zuletzt aktualisiert|mis à jour|actualizado|"
                           r"aggiornato|bijgewerkt|zaktualizowano|atualizado|обновлено)\b", re.IGNORECASE)
_DATE_RANK = {"json-ld": 0, "json-ld-created": 0.5, "meta": 1, "itemprop": 2, "time": 3, "class": 4, "visible": 5,
              "visible-end": 6}
_AUTHOR_RANK = {"json-ld": 0, "meta": 1, "visible": 2, "rel-author": 3, "itemprop": 4, "author-link": 5,
                "class": 6, "json-ld-organization": 7}
# Date lines that are not the publication: an offer that ends, a print edition, a cited source.
_NOT_A_DATELINE = re.compile(
    r"^(?:.*\b(?:verfügbar bis|available until|retrieved|abgerufen|erscheinungsdatum|ausgabe vom)\b)", re.IGNORECASE)


def _from_markup(facts: PageFacts, result: Attribution) -> None:
    if facts.input_format == "text":
        return
    block_of: dict[int, TextBlock] = {}
    for text_block in facts.blocks:
        if text_block.node is not None:
            block_of.setdefault(text_block.node, text_block)
    about_main = _AboutMain(facts)
    links = facts.links
    profiles = _PROFILE_GATE.candidates([link.href for link in links])
    for number, link in enumerate(links):
        # The cheap tests first: most links are neither rel=author nor to an author page.
        is_author = "author" in link.rel
        to_profile = not link.hidden and (profiles is None or number in profiles) and _PROFILE_PATH.search(link.href)
        if not link.text or not (is_author or to_profile) or not about_main(link.region, link.item):
            continue
        if is_author:
            result.raw_authors.append(Sourced(link.text, "rel-author", link.location, link.href))
        elif name_like(link.text.strip()):
            # A link to an author page whose text is a name: "By <a href=/reporters/jane-doe>Jane Doe</a>".
            result.raw_authors.append(Sourced(link.text, "author-link", link.location, link.href))
    # Most nodes have nothing to do with authors or dates: a first pass keeps those with itemprop,
    # <time> or a class list that names an author or a date (each distinct list judged once).
    lists = [classes for classes in {node.classes for node in facts.nodes} if classes]
    maybe = _CLASS_GATE.candidates([" ".join(classes) for classes in lists])
    telling = {lists[i] for i in (range(len(lists)) if maybe is None else maybe) if any(_class_kinds(lists[i]))}
    nodes = [n for n in facts.nodes if n.classes in telling or n.tag == "time" or (n.attrs and "itemprop" in n.attrs)]
    for node in nodes:
        itemprop = node.attrs.get("itemprop") if node.attrs else None
        by_class, is_date = _class_kinds(node.classes) if node.classes else (False, False)
        if not (itemprop or node.tag == "time" or by_class or is_date):
            continue  # most nodes: nothing to do with authors or dates
        itemprops = itemprop.lower().split() if itemprop else []
        is_author = "author" in itemprops or "creator" in itemprops or by_class
        if not (is_author or is_date or node.tag == "time" or "datepublished" in itemprops):
            continue
        block = _enclosing_block(facts, block_of, node.index)
        # Names and dates in comments, teasers, menus and footers are not the article's.
        if block is not None and not about_main(block.region, block.item):
            continue
        text = block.text if block is not None else ""
        if is_author:
            source = "itemprop" if itemprops else "class"
            parts = [p for p in facts.byline_parts.get(node.index, []) if author_names(p)]
            if len(parts) > 1:
                result.raw_authors.extend(Sourced(p, source, node.location, _profile_url(facts, node.index, p))
                                          for p in parts)
            elif text and (len(text.split()) <= 14 or (len(text.split()) <= 24 and BYLINE_START.match(text))):
                result.raw_authors.append(Sourced(text, source, node.location, _profile_url(facts, node.index, text)))
        elif is_date and text and len(text.split()) <= MAX_DATELINE_WORDS * 2 and DATE_TEXT.search(text):
            result.published.append(Sourced(text, "class", node.location))
            if BYLINE.match(text) and len(text.split()) <= 14:  # "Posted by Konstantin 21.10.2019"
                result.raw_authors.append(Sourced(text, "class", node.location, _profile_url(facts, node.index, text)))
        elif node.tag == "time" and (node.attrs.get("datetime") or "").strip():
            result.published.append(Sourced(node.attrs["datetime"].strip(), "time", node.location))
        elif "datepublished" in itemprops:
            value = node.attrs.get("content") or node.attrs.get("datetime")
            if value:
                result.published.append(Sourced(value.strip(), "itemprop", node.location))


@lru_cache(maxsize=8192)
def _class_kinds(classes: tuple[str, ...]) -> tuple[bool, bool]:
    """(an author's element, a date's element) by its class names. Cached: the same class lists
    come back on every element of a kind and on every page of a site."""
    # Many lists are unique (generated class names), so misses are common: one search of all the
    # names first (the words hold no space, so no match spans two names) settles most of them.
    if not _CLASS_HINT.search(" ".join(classes)):
        return False, False
    by_class = any(AUTHOR_CLASS.search(c) and not NOT_AUTHOR_CLASS.search(c) for c in classes)
    return by_class, any(DATE_CLASS.search(c) for c in classes)


_CLASS_HINT = re.compile("|".join(_AUTHOR_CLASS_WORDS + _DATE_CLASS_WORDS))  # either pattern's words
_CLASS_GATE = WordGate(_AUTHOR_CLASS_WORDS + _DATE_CLASS_WORDS)  # the same, over a page's class lists at once


class _AboutMain:
    """Whether a text or link in this region and item is about the main article (not a footer, menu,
    teaser or box): each item's chain is walked once per page, not once per link and node."""

    def __init__(self, facts: PageFacts) -> None:
        self.facts = facts
        self.in_teaser: dict[str | None, bool] = {}

    def __call__(self, region: str, item: str | None) -> bool:
        if region in ("footer", "nav", "aside"):
            return False
        in_teaser = self.in_teaser.get(item)
        if in_teaser is None:
            in_teaser = any(i.kind in ("teaser", "box") for i in self.facts.item_chain(item))
            self.in_teaser[item] = in_teaser
        return not in_teaser


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
