"""ATT005: an author who signs many articles should have an author page.

Why: an author page (linked from the byline) is how readers and search engines check that a writer
exists and what they cover; invented bylines (the Sports Illustrated case) typically have none, or
one with no history. A person named on several articles of a site with no profile link on any of
them is worth a look. Site level: counted over all audited pages of the site.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from auditor.analysis.summary import AuthorNote, PageSummary
from auditor.checks.registry import Finding, site_check
from auditor.models import Outcome

MIN_ARTICLES = 3  # fewer bylines than this say too little about an author's page


@site_check("author_profile")
def author_profile(pages: list[PageSummary]) -> Iterator[tuple[str, Finding]]:
    signed: dict[str, list[tuple[PageSummary, AuthorNote]]] = defaultdict(list)
    for page in pages:
        if page.main is None:
            continue
        for author in page.authors:
            if author.kind == "person":
                signed[author.name.casefold()].append((page, author))
    for entries in signed.values():
        if len(entries) < MIN_ARTICLES:
            continue
        name = f"'{entries[0][1].name[:60]}'"
        with_profile = [p for p, a in entries if a.profile]
        for page, author in entries:
            if with_profile:
                yield page.path, Finding(Outcome.passed, f"{name} signs {len(entries)} articles and links to an "
                                         "author page.", page.main, author.location)
            else:
                yield page.path, Finding(Outcome.violation,
                                         f"{name} signs {len(entries)} articles of this site, and no byline links to "
                                         "an author page: readers cannot check who the author is.",
                                         page.main, author.location)
