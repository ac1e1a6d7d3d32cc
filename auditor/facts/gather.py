"""From raw page bytes to PageFacts: decode, parse once, resolve the page's URL and site."""

from __future__ import annotations

from auditor.facts.html import gather_html
from auditor.facts.model import PageFacts
from auditor.facts.text import LabelClassifier, gather_text
from auditor.inputs.decode import decode_page
from auditor.inputs.files import RawPage
from auditor.inputs.headers import header_charset, split_headers
from auditor.inputs.urls import resolve_url, site_of


def gather_page(
    raw: RawPage,
    classify_label: LabelClassifier,
    base_url: str | None = None,
    site_override: str | None = None,
) -> PageFacts:
    """Raises ValueError (with a reader-facing cause) when the page cannot be used."""
    source = raw.source
    is_html = source.input_format == "html"
    headers, body = split_headers(raw.data)
    text, encoding = decode_page(body, is_html=is_html, declared=header_charset(headers))
    depth = len(source.relative_path.split("/"))
    root = source.file.parents[depth - 1] if depth <= len(source.file.parents) else source.file.parent
    facts = PageFacts(path=source.display_path, input_format=source.input_format, encoding=encoding,
                      http_headers=headers, source_file=str(source.file), input_root=str(root))
    if is_html:
        gather_html(text, facts)
        canonical = next((m.value for m in facts.meta if m.key == "link:canonical"), None)
        og_url = next((m.value for m in facts.meta if m.key == "og:url"), None)
    else:
        gather_text(text, facts, classify_label)
        canonical = og_url = None
    facts.url = resolve_url(canonical, og_url, source.relative_path, base_url)
    facts.site = site_override or site_of(facts.url)
    return facts
