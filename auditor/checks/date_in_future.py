"""ATT007: an article cannot have been published or changed after it was fetched.

Why: a publication or modification date later than the crawl is a wrong date: a time zone error, a
template that prints "now" plus something, or a backdated or forward-dated article. Archives,
search engines and readers order news by it. The crawl time comes from `--crawl-date`, the WARC
record, a saved HTTP `Date` header, or else the file's modification time (which a copy may have
reset: the message says which). A day of slack absorbs time zones.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from auditor.analysis.context import PageContext
from auditor.analysis.dates import is_future, parse_date
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome

CRAWL_SOURCES = {"option": "--crawl-date", "warc": "the WARC record", "http-date": "the saved HTTP Date header",
                 "file-mtime": "the file's modification time"}


@check("date_in_future")
def date_in_future(page: PageContext, params: NoParams) -> Iterator[Finding]:
    main = page.main_ref
    attribution = page.attribution
    if main is None or not attribution.crawled_at:
        return
    crawled = datetime.fromisoformat(attribution.crawled_at.replace("Z", "+00:00"))
    how = CRAWL_SOURCES.get(attribution.crawled_at_source or "", "the crawl")
    checked = 0
    for what, values in (("published", attribution.published), ("modified", attribution.modified)):
        for value in values:
            parsed = parse_date(value.value, attribution.language)
            if parsed is None:
                continue
            checked += 1
            if is_future(parsed, crawled):
                yield Finding(Outcome.violation,
                              f"The {what} date '{value.value[:60]}' ({value.source}) is after the page was fetched "
                              f"({attribution.crawled_at}, from {how}).", main, value.location)
                return
    if checked:
        # A file's modification time changes with every copy or checkout: it is not written into a
        # passing result, so that the same page gives the same report wherever it lies.
        when = "" if attribution.crawled_at_source == "file-mtime" else f"{attribution.crawled_at}, "
        yield Finding(Outcome.passed, f"No date of the article is after the page was fetched ({when}from {how}).",
                      main, None)
