"""From raw page bytes to PageFacts: decode, parse once, resolve the page's URL and site.

A page from a web archive comes with its HTTP headers apart, its URL (the record's target URI) and
the archive's image index, which the image provenance lookup uses instead of files beside the page.
"""

from __future__ import annotations

import os
from email.utils import parsedate_to_datetime

from auditor.config import MarkdownKeys
from auditor.facts.html import gather_html
from auditor.facts.model import PageFacts
from auditor.facts.text import LabelClassifier, gather_text
from auditor.inputs.decode import decode_page
from auditor.inputs.files import RawPage
from auditor.inputs.headers import header_charset, split_headers
from auditor.inputs.urls import is_http_url, resolve_url, site_of
from auditor.timestamps import stamp_of_epoch, utc_stamp


def gather_page(
    raw: RawPage,
    classify_label: LabelClassifier,
    base_url: str | None = None,
    site_override: str | None = None,
    crawl_date: str | None = None,
    markdown_keys: MarkdownKeys | None = None,
) -> PageFacts:
    """Raises ValueError (with a reader-facing cause) when the page cannot be used."""
    source = raw.source
    is_html = source.input_format == "html"
    if raw.http_headers is not None:  # an archive record: headers kept apart from the body
        headers, body = list(raw.http_headers), raw.data
    else:
        headers, body = split_headers(raw.data)
    text, encoding = decode_page(body, is_html=is_html, declared=header_charset(headers))
    root: str | None = None
    if source.record is None:  # a page file; an archive's pages have no folder around them
        depth = len(source.relative_path.split("/"))
        root = str(source.file.parents[depth - 1] if depth <= len(source.file.parents) else source.file.parent)
    facts = PageFacts(path=source.display_path, input_format=source.input_format, encoding=encoding,
                      http_headers=headers, source_file=str(source.file), input_root=root,
                      archive_index=raw.archive)
    if is_html or source.input_format == "markdown":
        if is_html:
            gather_html(text, facts)
        else:  # rendered, then gathered as HTML; front matter keys from [tool.auditor.markdown]
            # Imported here: markdown-it is needed only by Markdown inputs (20 ms of every start).
            from auditor.facts.markdown import gather_markdown

            gather_markdown(text, facts, markdown_keys)
        canonical = next((m.value for m in facts.meta if m.key == "link:canonical"), None)
        og_url = next((m.value for m in facts.meta if m.key == "og:url"), None)
    else:
        gather_text(text, facts, classify_label)
        canonical = og_url = None
    facts.crawled_at, facts.crawled_at_source = _crawl_time(raw, headers, crawl_date)
    if source.record is not None:
        # From an archive: the URL the page was fetched from. It wins over the page's canonical
        # URL (kept in facts.meta): relative links and images resolve against it, as in a browser,
        # and a page syndicated under another site's canonical URL stays in the site it was crawled
        # from. Without an http(s) target (a resource record of a local file), as for files.
        facts.url = source.url if is_http_url(source.url) else resolve_url(canonical, og_url, "", None)
    else:
        facts.url = resolve_url(canonical, og_url, source.relative_path, base_url)
    facts.site = site_override or site_of(facts.url)
    return facts


def _crawl_time(raw: RawPage, headers: list[tuple[str, str, int]], given: str | None) -> tuple[str | None, str | None]:
    """When the page was fetched, and how we know: the user's --crawl-date, the WARC record, the
    saved HTTP Date header, else the file's modification time (a copy may have reset it)."""
    if given:
        return given, "option"
    if raw.crawled_at:
        return raw.crawled_at, "warc"
    for name, value, _ in headers:
        if name == "date":
            try:
                stamp = utc_stamp(parsedate_to_datetime(value))
            except (TypeError, ValueError, IndexError):
                break
            if stamp is not None:
                return stamp, "http-date"
            break
    try:
        mtime = os.stat(raw.source.file).st_mtime
    except OSError:
        return None, None
    stamp = stamp_of_epoch(mtime)
    return (stamp, "file-mtime") if stamp is not None else (None, None)
