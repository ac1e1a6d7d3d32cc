"""HTML pages from a grammar of tag soup, through the whole engine with every rule.

The grammar: real tags (article, figure, script, style, template, svg, math, noscript, iframe ...)
nested at random, attributes that the fact gatherer reads (class, id, style, itemprop, rel,
datetime, role, hidden, ai-disclosure ...) with real and hostile values (huge, NUL, lone
surrogates), unclosed and mis-closed tags, comments (`auditor-disable` and friends), CDATA,
entities, meta tags with charsets, dates and AIGC JSON, JSON-LD scripts with random JSON (deep
nesting, wrong types, broken syntax), images that point at files beside the page, and nesting up to
2000 elements deep. Labels from the lexicon are mixed into the text.

The property (the run's contract, `_support.check_reports`): the page is audited (a PageReport with
an outcome for every rule) or is an input error; no exception escapes, no internal error is caught
in its place, no hang; the reports serialise to strict UTF-8 JSON that reads back as themselves.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ._support import (
    IPTC,
    any_text,
    audit_page_bytes,
    deep_json,
    encode_text,
    encodings,
    json_objects,
    json_values,
    labels,
    nasty_text,
    sample_images,
)

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

TAGS = [
    "div", "span", "p", "a", "img", "figure", "figcaption", "article", "section", "aside", "header", "footer",
    "nav", "main", "h1", "h2", "h3", "h6", "ul", "ol", "li", "table", "tr", "td", "blockquote", "small", "cite",
    "time", "address", "button", "input", "form", "label", "select", "option", "textarea", "dialog", "details",
    "summary", "picture", "source", "video", "audio", "template", "svg", "math", "noscript", "iframe", "object",
    "title", "b", "strong", "em", "br", "hr", "body", "html", "head", "center", "hgroup", "foreignObject", "mi",
    "x-custom", "Article", "DIV",
]
VOID = frozenset({"img", "br", "hr", "meta", "link", "input", "source"})
CLASSES = ["credit", "byline", "author", "teaser", "card", "promo", "tile", "sr-only", "hidden", "visually-hidden",
           "cookie-banner", "cookie-notice", "consent", "footer", "sidebar", "related", "ai-label", "caption",
           "photo-credit", "copyright", "source", "d-none", "onetrust-banner-sdk", "fc-consent-root", "badge"]
ROLES = ["button", "switch", "checkbox", "dialog", "alertdialog", "main", "article", "banner", "navigation",
         "complementary", "contentinfo", "presentation", "none", "menuitemcheckbox", "link"]
ITEMPROPS = ["author", "name", "datePublished", "dateModified", "articleBody", "digitalSourceType", "creator",
             "headline", "image", "copyrightHolder", "creditText"]
RELS = ["author", "canonical", "c2pa-manifest", "nofollow", "license", "alternate", "me", "noopener"]
DATES = ["2026-03-12", "2026-03-12T09:30:00+01:00", "2099-01-01T00:00:00Z", "12.03.2026", "03/12/2026",
         "March 12, 2026", "12 mars 2026", "2026年3月12日", "1710000000", "20260312", "yesterday", "0000-00-00",
         "2026-02-30", "9999-12-31T23:59:59+14:00", "Thu Mar 12 09:30:00 2026", "2026-03-12 10:00 CET+14",
         "2026-03-12T10:00:00 AEDT+13"]
SRCS = ["ai.jpg", "plain.jpg", "plain.png", "tiny.gif", "photo.webp", "scan.tiff", "icon.bmp", "drawing.svg",
        "missing.jpg", "img/../ai.jpg", "../../../../etc/passwd", "/ai.jpg", "https://fuzz.example/ai.jpg",
        "//cdn.example/x.png", "ai.jpg?w=100#x", "%2e%2e/ai.jpg", "data:image/png;base64,iVBORw0KGgo=",
        "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E", "data:,", "data:;base64,!!!!",
        "file:///etc/passwd", "javascript:alert(1)", "", " ", "ai.jpg 2x, plain.png 100w, , ,"]

huge_value = st.integers(min_value=1_000, max_value=300_000).map(lambda n: "x" * n)
ATTRS: dict[str, st.SearchStrategy[str]] = {
    "class": st.lists(st.one_of(st.sampled_from(CLASSES), st.text(max_size=6)), max_size=4).map(" ".join),
    "id": st.one_of(st.sampled_from(["main", "byline", "cookie", "a b", "1x", "x" * 80]), nasty_text),
    "style": st.sampled_from(["display:none", "visibility: hidden", "DISPLAY : NONE", "color:red", "", "x:" * 50]),
    "itemprop": st.sampled_from(ITEMPROPS),
    "itemscope": st.just(""),
    "itemtype": st.sampled_from(["https://schema.org/Person", "https://schema.org/NewsArticle", "x"]),
    "property": st.sampled_from(["schema:digitalSourceType", "author", "og:url", "article:published_time"]),
    "rel": st.lists(st.sampled_from(RELS), max_size=3).map(" ".join),
    "datetime": st.one_of(st.sampled_from(DATES), nasty_text),
    "role": st.sampled_from(ROLES),
    "hidden": st.just(""),
    "aria-hidden": st.sampled_from(["true", "false", "TRUE"]),
    "aria-modal": st.sampled_from(["true", "false"]),
    "aria-label": any_text,
    "aria-checked": st.sampled_from(["true", "false", "mixed"]),
    "ai-disclosure": st.sampled_from(["none", "ai-assisted", "ai-generated", "ai-autonomous", "mixed", "", "yes"]),
    "href": st.one_of(st.sampled_from([*SRCS, "#", "#top", "/privacy", "/cookie-policy", "mailto:x@y", "/author/jane"]),
                      nasty_text),
    "src": st.one_of(st.sampled_from(SRCS), nasty_text),
    "data-src": st.sampled_from(SRCS),
    "srcset": st.lists(st.sampled_from(SRCS), max_size=3).map(", ".join),
    "alt": any_text,
    "title": any_text,
    "content": st.one_of(any_text, st.sampled_from(DATES), st.sampled_from([IPTC + "trainedAlgorithmicMedia"])),
    "type": st.sampled_from(["checkbox", "radio", "submit", "button", "text", "hidden", "application/ld+json",
                             "text/plain"]),
    "checked": st.just(""),
    "disabled": st.just(""),
    "value": any_text,
    "lang": st.sampled_from(["en", "de-DE", "fr", "zh-Hans-CN", "ja", "en_US", "x-klingon", "", "EN-419", "ko"]),
    "name": st.sampled_from(["author", "AIGC", "ai-disclosure", "description", "consent"]),
    "onclick": st.sampled_from(["acceptAll()", "__tcfapi('getTCData')"]),
    "x-data": huge_value,
}
attr_names = st.one_of(st.sampled_from(sorted(ATTRS)), st.sampled_from(["data-x", "xmlns:foo", "a\x00b", "\"", "on"]))


@st.composite
def attribute(draw: st.DrawFn) -> str:
    name = draw(attr_names)
    value = draw(ATTRS.get(name, any_text))
    quoting = draw(st.sampled_from(["double", "double", "single", "bare", "none", "broken"]))
    if quoting == "double":
        return f' {name}="{value.replace(chr(34), "&quot;")}"'
    if quoting == "single":
        return f" {name}='{value}'"
    if quoting == "bare":
        return f" {name}={value}"
    if quoting == "none":
        return f" {name}"
    return f' {name}="{value}'  # never closed: the rest of the page is the value


attributes = st.lists(attribute(), max_size=5).map("".join)

COMMENTS = [
    "<!-- auditor-disable -->", "<!-- auditor-enable -->", "<!-- auditor-disable-next -->",
    "<!-- auditor-disable ATT001, AIL001 reason: a test -->", "<!-- auditor-disable-next CKE001 -->",
    "<!-- auditor-enable ATT001 -->", "<!-- auditor-disable x -->", "<!--auditor-disable-->", "<!-- unclosed",
    "<!---->", "<!-- -- -->", "<!--->", "<![CDATA[ x < y ]]>", "<![CDATA[", "<?php echo 1 ?>", "<?xml version='1.0'?>",
    "<!doctype html>", "<!DOCTYPE svg [<!ENTITY x 'y'>]>", "&amp;", "&nbsp;", "&#0;", "&#x110000;", "&#xD800;",
    "&#55296;", "&bogus;", "&", "&#", "&#x;", "<", ">", "</", "</div>", "</article>", "</html>", "<br/>", "</p>",
    "<p/>", "<a>", "<//>", "<\x00>", "<di\x00v>",
]
JS = [
    "gtag('consent', 'default', {'ad_storage': 'granted', 'analytics_storage': 'denied'});",
    "window.__tcfapi = function(){};", "window.__gpp = function(){};", "dataLayer.push({event: 'x'});",
    "var s='</scr'+'ipt>';", "document.write('<script src=x></script>')", "Cookiebot.consent", "OneTrust.Init()",
    "googletagmanager.com/gtm.js?id=GTM-X", "fbq('init', '1');", "if (a < b && c > d) {}", "<!--", "-->",
]
SCRIPT_SRCS = ["https://www.googletagmanager.com/gtag/js?id=G-1", "https://connect.facebook.net/en_US/fbevents.js",
               "https://consent.cookiebot.com/uc.js", "https://cdn.cookielaw.org/scripttemplates/otSDKStub.js",
               "/app.js", "", "data:text/javascript,1"]


def _jsonld_body(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["object", "object", "value", "deep", "broken", "wrapped", "graph"]))
    if kind == "object":
        return json.dumps(draw(json_objects), ensure_ascii=draw(st.booleans()))
    if kind == "value":
        return json.dumps(draw(json_values))
    if kind == "deep":
        return deep_json(draw(st.integers(1, 3000)), draw(st.sampled_from(["list", "object", "graph"])))
    if kind == "broken":
        text = json.dumps(draw(json_objects))
        return text[: draw(st.integers(0, len(text)))] + draw(st.sampled_from(["", "\x00", ",", "}}", "\\", '"']))
    if kind == "graph":
        return json.dumps({"@context": "https://schema.org", "@graph": draw(st.lists(json_objects, max_size=4))})
    body = json.dumps(draw(json_objects))
    return draw(st.sampled_from([f"<![CDATA[{body}]]>", f"//<![CDATA[\n{body}\n//]]>", f"<!--{body}-->",
                                 f"\ufeff{body}", f"{body}\x00\x01"]))


@st.composite
def script(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["jsonld", "jsonld", "js", "src", "c2pa", "style"]))
    if kind == "jsonld":
        return f'<script type="application/ld+json">{_jsonld_body(draw)}</script>'
    if kind == "js":
        body = " ".join(draw(st.lists(st.one_of(st.sampled_from(JS), any_text), max_size=4)))
        close = draw(st.sampled_from(["</script>", "</script>", "</SCRIPT >", ""]))
        return f"<script{draw(attributes)}>{body}{close}"
    if kind == "src":
        return f'<script src="{draw(st.sampled_from(SCRIPT_SRCS))}"{draw(attributes)}></script>'
    if kind == "c2pa":
        return '<script type="application/c2pa">' + draw(any_text) + "</script>"
    return f"<style>{draw(st.sampled_from(['.x{display:none}', '</style', '@import url(x);', '']))}</style>"


@st.composite
def meta(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["name", "name", "property", "charset", "http-equiv", "link"]))
    if kind == "charset":
        charset = draw(st.sampled_from(["utf-8", "UTF-8", "latin-1", "iso-8859-1", "utf-16", "shift_jis",
                                        "windows-1251", "gb2312", "bogus", "x-user-defined", "", "utf-7",
                                        "unicode_escape", "utf-32"]))
        return f'<meta charset="{charset}">'
    if kind == "http-equiv":
        charset = draw(st.sampled_from(["utf-8", "koi8-r", "nope", "hex"]))
        return f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    if kind == "link":
        return f'<link rel="{draw(st.sampled_from(RELS))}" href="{draw(st.sampled_from(SRCS))}">'
    key = draw(st.sampled_from(["author", "description", "AIGC", "ai-disclosure", "ai-model", "ai-provider",
                                "article:published_time", "article:modified_time", "date", "og:url",
                                "twitter:creator", "dc.creator", "article:author", "parsely-pub-date",
                                "sailthru.author", "citation_author"]))
    if key == "AIGC":
        content = json.dumps(draw(st.one_of(json_objects, json_values)))
    elif "time" in key or "date" in key:
        content = draw(st.one_of(st.sampled_from(DATES), any_text))
    else:
        content = draw(st.one_of(any_text, st.sampled_from(["ai-generated", "none", "mixed", "https://x.example/a"])))
    attr = "property" if kind == "property" else "name"
    return f'<meta {attr}="{key}" content="{content.replace(chr(34), "&quot;")}">'


leaf: st.SearchStrategy[str] = st.one_of(
    any_text, labels, st.sampled_from(COMMENTS), script(), meta(),
    st.builds(lambda a: f"<img{a}>", attributes),
    st.builds(lambda src, alt: f'<img src="{src}" alt="{alt}">', st.sampled_from(SRCS), st.one_of(labels, any_text)),
    st.builds(lambda t, a: f"<input{a} type={t}>", st.sampled_from(["checkbox", "submit", "radio"]), attributes),
)


@st.composite
def element(draw: st.DrawFn, children: st.SearchStrategy[str]) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = draw(attributes)
    if tag in VOID:
        return f"<{tag}{attrs}>"
    inner = "".join(draw(st.lists(children, max_size=5)))
    close = draw(st.sampled_from(["proper", "proper", "proper", "none", "other", "upper"]))
    if close == "proper":
        end = f"</{tag}>"
    elif close == "upper":
        end = f"</{tag.upper()} >"
    elif close == "other":
        end = f"</{draw(st.sampled_from(TAGS))}>"
    else:
        end = ""
    return f"<{tag}{attrs}>{inner}{end}"


soup: st.SearchStrategy[str] = st.recursive(leaf, lambda children: element(children), max_leaves=50)


@st.composite
def deep(draw: st.DrawFn) -> str:
    """Nesting up to 2000 deep, closed partly or not at all, with something findable at the bottom."""
    depth = draw(st.integers(1, 2000))
    tags = draw(st.lists(st.sampled_from(["div", "article", "section", "span", "figure", "li", "b", "svg", "table"]),
                         min_size=1, max_size=4))
    opened = [tags[i % len(tags)] for i in range(depth)]
    closed = draw(st.integers(0, depth))
    bottom = draw(st.one_of(labels, leaf))
    return "".join(f"<{t}>" for t in opened) + bottom + "".join(f"</{t}>" for t in reversed(opened[depth - closed:]))


@st.composite
def page(draw: st.DrawFn) -> str:
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["<!doctype html>", "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN'>",
                                           "<?xml version='1.0' encoding='utf-8'?>", "\ufeff", ""])))
    if draw(st.booleans()):
        lang = draw(ATTRS["lang"])
        head = "".join(draw(st.lists(st.one_of(meta(), script()), max_size=6)))
        title = draw(st.one_of(any_text, labels))
        parts.append(f'<html lang="{lang}"><head><title>{title}</title>{head}</head><body>')
    parts.extend(draw(st.lists(st.one_of(soup, soup, soup, deep()), min_size=0, max_size=4)))
    if draw(st.booleans()):
        parts.append("</body></html>")
    return "".join(parts)


def _files(draw_images: bool) -> dict[str, bytes]:
    return dict(sample_images()) if draw_images else {}


@given(page(), encodings, st.booleans(), st.booleans())
def test_tag_soup_is_audited_or_an_input_error(html: str, encoding: str, with_images: bool, compress: bool) -> None:
    audit_page_bytes(encode_text(html, encoding), "page.html", extra_files=_files(with_images), compress=compress)


@given(st.lists(st.one_of(soup, deep()), min_size=1, max_size=3).map("".join), st.booleans())
def test_soup_inside_an_article_page(body: str, with_images: bool) -> None:
    """The same soup inside a plausible article, so that the article, byline and figure paths run."""
    html = ('<!doctype html><html lang="en"><head><title>T</title><meta name="author" content="Jane Doe">'
            '<meta property="article:published_time" content="2026-03-12T09:30:00Z"></head><body><main>'
            f"<article><h1>Headline</h1><p class=byline>By Jane Doe</p>{body}"
            '<figure><img src="ai.jpg" alt="x"><figcaption>Image generated by AI. Photo: Reuters</figcaption>'
            "</figure></article></main></body></html>")
    audit_page_bytes(html.encode("utf-8", "surrogatepass"), "page.html", extra_files=_files(with_images))


@given(st.binary(max_size=4000), st.sampled_from(["page.html", "page.txt"]))
def test_random_bytes_are_audited_or_an_input_error(data: bytes, name: str) -> None:
    audit_page_bytes(data, name)


@given(st.lists(st.tuples(st.sampled_from(["Content-Type", "Date", "Link", "AI-Disclosure", "Content-Encoding",
                                           "X-Junk", "content-type"]),
                          st.one_of(any_text, st.sampled_from([
                              "text/html; charset=base64", "text/html; charset=utf-8", "text/html; charset=",
                              "Sun, 05 May 2024 10:00:00 GMT", "Sun, 99 Foo 2024", "mode=ai-originated, model=\"x\"",
                              '<https://x.example/m.c2pa>; rel="c2pa-manifest"', "gzip"]))),
                max_size=6),
       soup)
def test_saved_http_headers(headers: list[tuple[str, str]], body: str) -> None:
    """`wget --save-headers` pages: a header block before the HTML."""
    head = "HTTP/1.1 200 OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    audit_page_bytes(head.encode("utf-8", "surrogatepass") + body.encode("utf-8", "surrogatepass"), "page.html")
