"""Gather page facts from a Markdown article: render it as the page readers would get, then gather
that HTML with the same one-parse walk as any HTML page (`gather_html`).

Rendering: markdown-it-py (CommonMark, plus GFM tables and strikethrough; raw HTML passes through,
so `<!-- auditor-disable ... -->` comments, embeds and scripts in the source reach the walk). The
body is wrapped as one `<article>` in a page whose `<head>` and first lines are built from the front
matter (key names from `config.MarkdownKeys`, first found wins, matched without regard to case as
Hugo does). What a theme would show readers becomes visible text; what it would only put in the
head becomes meta tags:

| front matter                         | becomes                                                  | readers see it |
| ------------------------------------ | -------------------------------------------------------- | -------------- |
| title                                | `<title>`, and the `<h1>` when the body has none         | yes (the h1)   |
| author(s) (strings, lists, `{name}`) | one `<meta name="author">` per author                    | no             |
| date / modified                      | `article:published_time` / `article:modified_time` meta  | no             |
| url / permalink (absolute http(s))   | `<link rel="canonical">`, hence the page URL             | no             |
| lang / language / locale, `x.de.md`  | `<html lang>`                                            | no             |
| AI disclosure: true/false, a W3C     | `<meta name="ai-disclosure">` (true: ai-generated,       | no             |
| value (ai-generated, ai-assisted...) | false: none)                                             |                |
| AI disclosure: any other text        | a label paragraph under the headline                     | yes            |
| AI disclosure: `{model, provider}`,  | `<meta name="ai-model">`, `<meta name="ai-provider">`;   | no             |
| `generated_by: ChatGPT`              | a `*_by` key names the tool: ai-model and ai-generated   |                |
| image (+ alt, caption) and credit    | `<figure><img><figcaption>` at the top of the article    | yes            |

The assumption behind the split: a theme shows the title, the hero image with its credit, and a
disclosure written as a sentence; bylines and dates depend on the theme, so they count as markup
only (ATT001/ATT002 accept meta tags; a visible byline must be in the body to count as one).

Source lines: findings point at lines of the Markdown file. markdown-it gives each block token the
source lines it spans (`token.map`); the body is rendered token by token, noting on which output
line each block starts, so every line of the HTML maps to a line of the file (lines inside a
paragraph follow its soft breaks). The lines built from front matter map to their key's line, the
page and article elements to line 1. After `gather_html`, every location in the facts is moved to
its Markdown line (column and snippet from the Markdown line), and so are inline suppressions.
`# auditor-disable CODE reason` comments in YAML or TOML front matter apply from line 1, so they can
silence what is reported about the article as a whole (a missing byline is reported at line 1).

The gathered facts say input_format "markdown"; they are those of the rendered page, so every check
that reads markup (figures and captions, image files beside the page, author markup) runs on them as
on HTML (those checks skip only "text").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, time
from functools import lru_cache, partial
from html import escape
from typing import Any, TypeVar

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from auditor.config import MarkdownKeys
from auditor.facts.html import gather_html
from auditor.facts.model import (
    Control,
    Form,
    Image,
    Item,
    Link,
    Meta,
    PageFacts,
    Script,
    SourceLocation,
    Suppression,
    TextBlock,
)
from auditor.inputs.markdown import FrontMatter, MarkdownSource, split_markdown

LANGUAGE_KEYS = ("lang", "language", "locale", "languageCode", "inLanguage")
# The values of the W3C AI Content Disclosure draft (as analysis/signals.py reads them), and words
# front matter uses for them.
AI_DISCLOSURE_TOKENS = {
    "none": "none", "ai-assisted": "ai-assisted", "ai-generated": "ai-generated", "ai-autonomous": "ai-autonomous",
    "mixed": "mixed", "true": "ai-generated", "yes": "ai-generated", "generated": "ai-generated",
    "assisted": "ai-assisted", "autonomous": "ai-autonomous", "false": "none", "no": "none", "human": "none",
    "ai_generated": "ai-generated", "ai_assisted": "ai-assisted", "ai_autonomous": "ai-autonomous",
}
_AI_TEXT_FIELDS = frozenset({"label", "text", "disclosure", "note", "statement", "description", "message", "notice"})
_AI_VALUE_FIELDS = frozenset({"generated", "value", "level", "mode", "type", "status", "used", "ai_generated",
                              "aigenerated", "enabled"})
_AI_MODEL_FIELDS = frozenset({"model", "models", "tool", "tools", "ai_model", "generator"})
_AI_PROVIDER_FIELDS = frozenset({"provider", "vendor", "ai_provider"})
_NAME_FIELDS = ("name", "display_name", "displayName", "fullname", "full_name", "title")
_IMAGE_FIELDS = ("src", "url", "path", "file", "image", "href")
_CAPTION_FIELDS = ("caption", "title")
_CREDIT_FIELDS = ("credit", "attribution", "source", "copyright")
_ALT_FIELDS = ("alt", "alt_text", "altText", "description")
_HUGO_LANGUAGE = re.compile(r"\.([a-z]{2}(?:[-_][a-z]{2,4})?)\.(?:md|markdown|mdx)(?:\.gz)?$", re.IGNORECASE)
_WS = re.compile(r"\s+")
_ABSOLUTE_URL = re.compile(r"https?://[^/\s]", re.IGNORECASE)
SNIPPET_CHARS = 160
T = TypeVar("T")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # CommonMark with raw HTML (comments, embeds and scripts reach the page as in the built site),
    # GFM tables and strikethrough; no typographer, no linkify (no extra dependency).
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@dataclasses.dataclass(slots=True)
class RenderedArticle:
    html: str
    line_map: list[int]  # HTML line (1-based; index 0 unused) -> line of the Markdown file
    lines: list[str]  # the Markdown file's lines


def gather_markdown(text: str, facts: PageFacts, keys: MarkdownKeys | None = None) -> PageFacts:
    """Fill `facts` from a Markdown article. Raises ValueError for broken front matter."""
    path = facts.path.lower()
    source = split_markdown(text, mdx=path.endswith((".mdx", ".mdx.gz")))
    hugo_lang = _HUGO_LANGUAGE.search(facts.path)
    article = render_article(source, keys or MarkdownKeys(), hugo_lang.group(1) if hugo_lang else None)
    gather_html(article.html, facts)
    _relocate(facts, article)
    return facts


# -- front matter values ----------------------------------------------------------------------


def _squash(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _present(data: dict[str, Any], names: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """(key, value) of each of `names` the front matter has, in the order of `names` (exact spelling
    first, then in any case, as Hugo reads keys)."""
    lowered = {k.lower(): k for k in data}
    for name in names:
        key = name if name in data else lowered.get(name.lower())
        if key is not None and data[key] not in (None, "", [], {}):
            yield key, data[key]


def _first(data: dict[str, Any], names: Iterable[str], read: Callable[[Any], T | None]) -> tuple[str, T] | None:
    """The first of `names` whose value `read` makes something of (`published: true` is no date,
    so a later `pubDate` is taken)."""
    for key, value in _present(data, names):
        found = read(value)
        if found:
            return key, found
    return None


def _absolute_url(value: Any) -> str | None:
    text = _text(value) if isinstance(value, str) else None
    return text if text and _ABSOLUTE_URL.match(text) else None


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        return _squash(str(value)) or None
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return None


def _names(value: Any) -> list[str]:
    """Author names from a string, a list, or a mapping with a name (`{name: Jane, url: ...}`)."""
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        for field in _NAME_FIELDS:
            name = _text(value.get(field))
            if name:
                return [name]
        return []
    name = _text(value) if isinstance(value, str) else None
    return [name] if name else []


def _date(value: Any) -> str | None:
    """ISO 8601 for YAML and TOML dates; strings as written; `published: true` (Jekyll) is no date."""
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, str):
        return _squash(value) or None
    return None


@dataclasses.dataclass(slots=True)
class _AiFields:
    machine: str | None = None  # a value of <meta name="ai-disclosure">
    visible: list[str] = dataclasses.field(default_factory=list)
    models: list[str] = dataclasses.field(default_factory=list)
    providers: list[str] = dataclasses.field(default_factory=list)


def _ai_fields(key: str, value: Any, out: _AiFields, depth: int = 0) -> None:
    if depth > 4:
        return
    names_tool = key.lower().replace("-", "_").endswith("_by")  # generated_by: ChatGPT
    if isinstance(value, bool):
        out.machine = out.machine or ("ai-generated" if value else "none")
    elif isinstance(value, str):
        text = _squash(value)
        token = AI_DISCLOSURE_TOKENS.get(text.lower())
        if token is not None:
            out.machine = out.machine or token
        elif names_tool and text and len(text) <= 80:
            out.models.append(text)
            out.machine = out.machine or "ai-generated"
        elif text:
            out.visible.append(text)
    elif isinstance(value, list):
        for entry in value:
            _ai_fields(key, entry, out, depth + 1)
    elif isinstance(value, dict):
        for field, entry in value.items():
            name = str(field).lower()
            if name in _AI_TEXT_FIELDS and isinstance(entry, str) and entry.strip():
                out.visible.append(_squash(entry))
            elif name in _AI_VALUE_FIELDS:
                _ai_fields(name, entry, out, depth + 1)
            elif name in _AI_MODEL_FIELDS:
                out.models.extend(_names(entry))
            elif name in _AI_PROVIDER_FIELDS:
                out.providers.extend(_names(entry))


@dataclasses.dataclass(slots=True)
class _Image:
    src: str
    alt: str | None
    caption: str | None
    credit: str | None


def _image(data: dict[str, Any], key: str, value: Any, credit: str | None) -> _Image | None:
    if isinstance(value, list):
        value = value[0] if value else None
    alt = caption = None
    if isinstance(value, dict):
        src = next((t for f in _IMAGE_FIELDS if (t := _text(value.get(f)))), None)
        alt = next((t for f in _ALT_FIELDS if (t := _text(value.get(f)))), None)
        caption = next((t for f in _CAPTION_FIELDS if (t := _text(value.get(f)))), None)
        credit = credit or next((t for f in _CREDIT_FIELDS if (t := _text(value.get(f)))), None)
    else:
        src = _text(value) if isinstance(value, str) else None
    if not src:
        return None
    if alt is None:  # heroImageAlt, image_alt, cover_alt
        found = _first(data, (f"{key}Alt", f"{key}_alt", f"{key}-alt"), _text)
        alt = found[1] if found else None
    return _Image(src, alt, caption, credit)


# -- rendering ---------------------------------------------------------------------------------


class _Page:
    """The HTML being written, with the Markdown line of each of its lines."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.line_map: list[int] = [0]

    def line(self, html: str, md_line: int) -> None:
        self.parts.append(html + "\n")
        self.line_map.append(max(md_line, 1))

    def body(self, tokens: list[Token], start: int, stop: int, md: MarkdownIt, env: dict[str, Any]) -> None:
        """Render tokens[start:stop] as markdown-it would, noting where each block token's output starts."""
        renderer = md.renderer
        if not isinstance(renderer, RendererHTML):
            raise TypeError("the Markdown renderer must be markdown-it's RendererHTML")
        rules: Mapping[str, Callable[..., str]] = renderer.rules
        chunks: list[str] = []
        anchors: list[tuple[int, int, int]] = []  # (output line, first and past-the-end Markdown line), 0-based
        newlines = 0
        for i in range(start, stop):
            token = tokens[i]
            if token.type == "inline":
                piece = renderer.renderInline(token.children or [], md.options, env)
            elif token.type in rules:
                piece = rules[token.type](tokens, i, md.options, env)
            else:
                piece = renderer.renderToken(tokens, i, md.options, env)
            if token.map is not None:
                lead = len(piece) - len(piece.lstrip("\n"))
                anchors.append((newlines + lead, token.map[0], token.map[1]))
            chunks.append(piece)
            newlines += piece.count("\n")
        html = "".join(chunks)
        if not html:
            return
        if not html.endswith("\n"):
            html += "\n"
            newlines += 1
        self.parts.append(html)
        current = anchors[0] if anchors else (0, 0, 1)
        pending = 0
        for out_line in range(newlines):
            while pending < len(anchors) and anchors[pending][0] <= out_line:
                current = anchors[pending]
                pending += 1
            first, begin, end = current
            self.line_map.append(min(begin + (out_line - first), max(begin, end - 1)) + 1)


def _attr(value: str) -> str:
    return escape(_squash(value), quote=True)


def _comment(text: str) -> str:
    return "<!-- " + _squash(text).replace("--", "- -") + " -->"


def render_article(source: MarkdownSource, keys: MarkdownKeys, language: str | None = None) -> RenderedArticle:
    """The article as an HTML page, and the Markdown line of each HTML line."""
    front = source.front_matter
    data = front.data
    md = _markdown()
    env: dict[str, Any] = {}
    tokens = md.parse(source.body, env)
    page = _Page()

    def at(key: str) -> int:
        return front.line_of(key)

    lang = _first(data, LANGUAGE_KEYS, _text)
    lang_text = lang[1] if lang else language
    page.line("<!DOCTYPE html>", 1)
    page.line(f'<html lang="{_attr(lang_text)}">' if lang_text else "<html>", at(lang[0]) if lang else 1)
    page.line("<head>", 1)
    page.line('<meta charset="utf-8">', 1)
    title = _first(data, keys.title, _text)
    if title:
        page.line(f"<title>{escape(title[1])}</title>", at(title[0]))
    author = _first(data, keys.author, _names)
    if author:
        for name in author[1]:
            page.line(f'<meta name="author" content="{_attr(name)}">', front.value_line(author[0], name, source.lines))
    for names, prop in ((keys.date, "article:published_time"), (keys.modified, "article:modified_time")):
        when = _first(data, names, _date)
        if when:
            page.line(f'<meta property="{prop}" content="{_attr(when[1])}">', at(when[0]))
    url = _first(data, keys.url, _absolute_url)
    if url:
        page.line(f'<link rel="canonical" href="{_attr(url[1])}">', at(url[0]))
    ai = _AiFields()
    ai_key = next(_present(data, keys.ai_disclosure), None)
    if ai_key:
        _ai_fields(ai_key[0], ai_key[1], ai)
        if ai.machine:
            page.line(f'<meta name="ai-disclosure" content="{_attr(ai.machine)}">', at(ai_key[0]))
        for meta_name, values in (("ai-model", ai.models), ("ai-provider", ai.providers)):
            for value in values[:5]:
                page.line(f'<meta name="{meta_name}" content="{_attr(value)}">', at(ai_key[0]))
    page.line("</head>", 1)
    page.line("<body>", 1)
    for line, comment in front.comments:
        # From line 1 (the article is reported there); disable-next keeps its line and targets the article.
        page.line(_comment(comment), line if comment.startswith("auditor-disable-next") else 1)
    page.line("<article>", 1)

    # The headline: the body's own first h1, else the title.
    body_start = 0
    has_h1 = any(t.type == "heading_open" and t.tag == "h1" for t in tokens)
    if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        close = next((i for i, t in enumerate(tokens) if t.type == "heading_close"), 0)
        page.body(tokens, 0, close + 1, md, env)
        body_start = close + 1
    elif not has_h1 and title:
        page.line(f"<h1>{escape(title[1])}</h1>", at(title[0]))
    if ai_key:
        for text in ai.visible[:5]:
            page.line(f'<p class="ai-label">{escape(text)}</p>', at(ai_key[0]))
    _figure(page, data, keys, front)
    page.body(tokens, body_start, len(tokens), md, env)
    page.line("</article>", page.line_map[-1])
    page.line("</body>", page.line_map[-1])
    page.line("</html>", page.line_map[-1])
    return RenderedArticle("".join(page.parts), page.line_map, source.lines)


def _figure(page: _Page, data: dict[str, Any], keys: MarkdownKeys, front: FrontMatter) -> None:
    credit_key = _first(data, keys.image_credit, _text)
    credit_text = credit_key[1] if credit_key else None
    found = next(((key, image) for key, value in _present(data, keys.image)
                  if (image := _image(data, key, value, credit_text)) is not None), None)
    if found is None:
        return
    image_key, image = found
    where = front.line_of(image_key)
    page.line("<figure>", where)
    alt = f' alt="{_attr(image.alt)}"' if image.alt is not None else ""
    page.line(f'<img src="{_attr(image.src)}"{alt}>', where)
    if image.caption or image.credit:
        caption = escape(image.caption) + " " if image.caption else ""
        credit = f'<span class="credit">{escape(image.credit)}</span>' if image.credit else ""
        credit_line = front.line_of(credit_key[0]) if credit_key and image.credit == credit_text else where
        page.line(f"<figcaption>{caption}{credit}</figcaption>", credit_line)
    page.line("</figure>", where)


# -- locations ---------------------------------------------------------------------------------


def _md_locate(lines: list[str], line: int, tag: str | None) -> tuple[int, int, str]:
    """(line, 1-based column, snippet) of an element on a Markdown line: its raw HTML tag, its
    Markdown syntax (`![` for images, `[` for links), else the line's first character."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if not text.strip():
        return line, 0, ""
    column = -1
    if tag:
        match = re.search(r"<" + re.escape(tag) + r"(?=[\s/>])", text, re.IGNORECASE)
        if match:
            column = match.start()
        elif tag == "img":
            column = text.find("![")
        elif tag == "a":
            column = text.find("[")
    if column < 0:
        column = len(text) - len(text.lstrip())
    return line, column + 1, text.strip()[:SNIPPET_CHARS]


_LOCATED = (Item, Image, Link, Control, Form, Script, Meta)


def _relocate(facts: PageFacts, article: RenderedArticle) -> None:
    """Move every location of the facts from the rendered HTML to the Markdown file."""
    line_map, lines = article.line_map, article.lines
    # By id(), with the original kept alive in the value: an id is only unique while its object lives.
    moved: dict[int, tuple[SourceLocation, SourceLocation]] = {}

    def md_line(html_line: int) -> int:
        return line_map[html_line] if 0 < html_line < len(line_map) else 1

    def fix(loc: SourceLocation, tag: str | None = None, snippet: str = "") -> SourceLocation:
        if not snippet and id(loc) in moved:
            return moved[id(loc)][1]
        line = md_line(loc.line)
        new = SourceLocation(loc.selector, line, 0, snippet, partial(_md_locate, lines, line, tag))
        if not snippet:
            moved[id(loc)] = (loc, new)
        return new

    def tag_of(obj: Any) -> str | None:
        node = getattr(obj, "node", None)
        return facts.nodes[node].tag if isinstance(node, int) and 0 <= node < len(facts.nodes) else None

    def fix_any(value: Any) -> Any:
        if isinstance(value, SourceLocation):
            return fix(value)
        if isinstance(value, tuple):
            return tuple(fix_any(v) for v in value)
        if isinstance(value, Suppression):
            value.line = md_line(value.line)
            value.target_line = md_line(value.target_line) if value.target_line else 0
        elif isinstance(value, TextBlock):
            value.location = fix(value.location, value.tag, value.text[:SNIPPET_CHARS])
        elif isinstance(value, _LOCATED):
            value.location = fix(value.location, tag_of(value))
        return value

    # Nodes first: their locations are shared with the images, links and meta tags made from them.
    for node in facts.nodes:
        if node.location is not None:
            node.location = fix(node.location, node.tag)
    for field in dataclasses.fields(facts):
        value = getattr(facts, field.name)
        if field.name == "nodes":
            continue
        if isinstance(value, list):
            setattr(facts, field.name, [fix_any(v) for v in value])
        elif isinstance(value, dict):
            for key, entry in value.items():
                value[key] = fix_any(entry)


__all__ = ["RenderedArticle", "gather_markdown", "render_article"]
