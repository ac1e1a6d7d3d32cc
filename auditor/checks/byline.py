"""ATT001: the main article must say who wrote it.

Why: readers judge news by its source, and the journalism codes (e.g. the SPJ Code of Ethics,
"identify sources clearly"; press codes on responsibility) expect an accountable author. Where AI
labels exist, an article without any byline also hides who holds editorial responsibility (EU AI Act
Art. 50(4)). Authors count from a visible byline, author markup, meta tags or JSON-LD.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("byline")
def byline(page: PageContext, params: NoParams) -> Iterator[Finding]:
    main = page.main_ref
    if main is None:
        return
    authors = page.attribution.authors
    if authors:
        first = authors[0]
        names = ", ".join(sorted({f"'{a.name[:60]}' ({a.kind}, {a.source})" for a in authors})[:4])
        yield Finding(Outcome.passed, f"The main article names its author: {names}.", main, first.location)
    else:
        yield Finding(Outcome.violation,
                      "The main article has no byline: no visible 'By ...' line, no author markup, no author "
                      "meta tag and no JSON-LD author.",
                      main, page.facts.items[main.id].location)
