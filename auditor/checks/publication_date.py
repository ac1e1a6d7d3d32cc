"""ATT002: the main article must say when it was published.

Why: a news item without a date cannot be placed in time; readers and archives need it, and the
date is what later checks compare with the crawl date. Dates count from `<time datetime>`, date meta
tags, JSON-LD `datePublished` or a visible dateline near the headline. A date inside the story's
text ("On January 17, 2026, in Washington ...") is part of the story, not its publication date.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("publication_date")
def publication_date(page: PageContext, params: NoParams) -> Iterator[Finding]:
    main = page.main_ref
    if main is None:
        return
    dates = page.attribution.published
    if dates:
        first = dates[0]
        yield Finding(Outcome.passed, f"The main article gives its publication date: '{first.value[:60]}' "
                      f"({first.source}).", main, first.location)
    else:
        yield Finding(Outcome.violation,
                      "The main article has no publication date: no dateline, no <time> element, no date meta "
                      "tag and no JSON-LD datePublished.",
                      main, page.facts.items[main.id].location)
