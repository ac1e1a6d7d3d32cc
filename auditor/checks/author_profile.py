"""ATT005: an author who signs many articles should have an author page.

Why: an author page (linked from the byline) is how readers and search engines check that a writer
exists and what they cover; invented bylines (the Sports Illustrated case) typically have none, or
one with no history. A person named on several articles of a site with no profile link on any of
them is worth a look. Site level: counted over all audited pages of the site.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from auditor.analysis.summary import AuthorNote, PageSummary
from auditor.checks.registry import Finding, site_check
from auditor.models import Outcome

MIN_ARTICLES = 3  # fewer bylines than this say too little about an author's page


@site_check("author_profile")
def author_profile(pages: list[PageSummary]) -> Iterator[tuple[str, Finding]]:
    # Two passes in page order: the first counts each author's articles and profile links, the
    # second judges the bylines. What stays in memory is per author, not per byline (a site of
    # 100,000 pages would otherwise hold every byline with its location until the end).
    articles: Counter[str] = Counter()
    spelled: dict[str, str] = {}  # the first spelling of each name, as the messages show it
    profiled: set[str] = set()
    for _page, author in _person_bylines(pages):
        key = author.name.casefold()
        articles[key] += 1
        spelled.setdefault(key, author.name)
        if author.profile:
            profiled.add(key)
    if not any(count >= MIN_ARTICLES for count in articles.values()):
        return
    for page, author in _person_bylines(pages):
        key = author.name.casefold()
        count = articles[key]
        if count < MIN_ARTICLES:
            continue
        name = f"'{spelled[key][:60]}'"
        if key in profiled:
            yield page.path, Finding(Outcome.passed, f"{name} signs {count} articles and links to an "
                                     "author page.", page.main, author.location)
        else:
            yield page.path, Finding(Outcome.violation,
                                     f"{name} signs {count} articles of this site, and no byline links to "
                                     "an author page: readers cannot check who the author is.",
                                     page.main, author.location)


def _person_bylines(pages: list[PageSummary]) -> Iterator[tuple[PageSummary, AuthorNote]]:
    for page in pages:
        if page.main is None:
            continue
        for author in page.authors:
            if author.kind == "person":
                yield page, author
