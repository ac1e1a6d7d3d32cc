"""AIL009 and AIL010: a teaser's AI label and its article's own label must agree across the site.

Why: a reader who follows a teaser marked "Reported by AI" lands on the article; if the article
itself carries no label, the disclosure is gone at the point of reading (EU AI Act Art. 50(4)-(5)):
a violation on the article, with the teaser as evidence (AIL009). The reverse, an AI-labelled
article whose teasers elsewhere on the site carry no label, lets readers choose it without knowing:
a warning on the page with the teaser (AIL010). Only articles found in the same crawl are judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.summary import PageSummary
from auditor.checks.registry import Finding, site_check
from auditor.models import Outcome


def _pages_by_url(pages: list[PageSummary]) -> dict[str, PageSummary]:
    return {p.url: p for p in pages if p.url}


@site_check("teaser_label_reaches_article")
def teaser_label_reaches_article(pages: list[PageSummary]) -> Iterator[tuple[str, Finding]]:
    by_url = _pages_by_url(pages)
    for page in pages:
        for teaser in page.teasers:
            article = by_url.get(teaser.url)
            if teaser.label is None or article is None or article.path == page.path or article.main is None:
                continue
            where = f"the teaser '{teaser.item.label}' on {page.url or page.path} (line {teaser.location.line})"
            if article.main_ai_label:
                yield article.path, Finding(
                    Outcome.passed,
                    f"{where} is labelled '{teaser.label}', and the article carries '{article.main_ai_label}'.",
                    article.main, article.main_location,
                )
            else:
                yield article.path, Finding(
                    Outcome.violation,
                    f"{where} labels this article '{teaser.label}', but the article itself carries no AI label: "
                    "readers who open it are not told. Label the article near its headline.",
                    article.main, article.main_location, [teaser.location],
                )


@site_check("teaser_unlabelled_for_ai_article")
def teaser_unlabelled_for_ai_article(pages: list[PageSummary]) -> Iterator[tuple[str, Finding]]:
    by_url = _pages_by_url(pages)
    for page in pages:
        for teaser in page.teasers:
            article = by_url.get(teaser.url)
            if article is None or article.path == page.path or not article.main_ai_label:
                continue
            if teaser.label:
                yield page.path, Finding(
                    Outcome.passed,
                    f"The teaser '{teaser.item.label}' carries '{teaser.label}', as its article does.",
                    teaser.item, teaser.location,
                )
            else:
                yield page.path, Finding(
                    Outcome.violation,
                    f"The teaser '{teaser.item.label}' links to {article.url} , which is labelled "
                    f"'{article.main_ai_label}', but the teaser carries no AI label.",
                    teaser.item, teaser.location,
                )
