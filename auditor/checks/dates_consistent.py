"""ATT008: the article's dates must agree with each other.

Why: when JSON-LD says one publication day and the visible dateline another, or the article was
"modified" before it was published, at least one date is wrong, and readers, search engines and
archives each see a different story of when it appeared. Compared: the machine-readable publication
dates (JSON-LD datePublished, meta tags, `<time datetime>`, itemprop) with each other and with the
visible dateline, and every modification date with the earliest publication date. Dates that
cannot be read to a day are left out; two days of slack absorb time zones and late edits of meta.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.attribution import Sourced
from auditor.analysis.context import PageContext
from auditor.analysis.dates import ParsedDate, days_apart, parse_date
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome

SLACK_DAYS = 2.0
COMPARED = ("json-ld", "meta", "itemprop", "time", "visible")


@check("dates_consistent")
def dates_consistent(page: PageContext, params: NoParams) -> Iterator[Finding]:
    main = page.main_ref
    attribution = page.attribution
    if main is None:
        return
    language = attribution.language
    published = _parsed(attribution.published, language, COMPARED)
    modified = _parsed(attribution.modified, language, COMPARED)
    if len(published) + len(modified) < 2:
        return
    for i, (a, pa) in enumerate(published):
        for b, pb in published[i + 1:]:
            if a.source != b.source and days_apart(pa, pb) > SLACK_DAYS:
                yield Finding(Outcome.violation,
                              f"The publication dates disagree: '{a.value[:60]}' ({a.source}) and "
                              f"'{b.value[:60]}' ({b.source}) are {days_apart(pa, pb):.0f} days apart.",
                              main, a.location, [b.location] if b.location else [])
                return
    if published:
        first, pfirst = min(published, key=lambda vp: vp[1].day)
        for m, pm in modified:
            if pm.day < pfirst.day and days_apart(pm, pfirst) > SLACK_DAYS:
                yield Finding(Outcome.violation,
                              f"The modification date '{m.value[:60]}' ({m.source}) is before the publication date "
                              f"'{first.value[:60]}' ({first.source}).", main, m.location,
                              [first.location] if first.location else [])
                return
    yield Finding(Outcome.passed, "The article's publication and modification dates agree.", main, None)


def _parsed(values: list[Sourced], language: str | None, sources: tuple[str, ...]) -> list[tuple[Sourced, ParsedDate]]:
    """The first readable date of each source: later <time> elements and datelines in an article are
    often those of related items, comments or quotes."""
    out = []
    seen: set[str] = set()
    for value in values:
        if value.source not in sources or value.source in seen:
            continue
        parsed = parse_date(value.value, language)
        if parsed is not None:
            seen.add(value.source)
            out.append((value, parsed))
    return out
