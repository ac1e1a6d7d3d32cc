"""ATT004: bylines of bots and staff accounts where the site labels AI content.

Why: undisclosed automation hides behind personas. CNET published AI-written stories as "CNET Money
Staff"; Sports Illustrated ran invented writers with AI headshots. A byline that names a bot or an
AI system on an article with no AI label tells machines, not readers; a generic staff or desk
byline on an unlabelled article is suspicious when the same byline also signs the site's
AI-labelled articles. Both are judged on the site's pages together, after every page is read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from auditor.analysis.summary import PageSummary
from auditor.checks.registry import Finding, site_check
from auditor.models import Outcome


@site_check("ai_persona_byline")
def ai_persona_byline(pages: list[PageSummary]) -> Iterator[tuple[str, Finding]]:
    labelled_by: dict[str, list[PageSummary]] = defaultdict(list)
    for page in pages:
        if page.main_ai_label:
            for author in page.authors:
                labelled_by[author.name.casefold()].append(page)
    site_uses_ai_labels = any(p.main_ai_label for p in pages)
    for page in pages:
        if page.main is None:
            continue
        for author in page.authors:
            if author.kind not in ("bot", "desk"):
                continue
            name = f"'{author.name[:60]}'"
            if page.main_ai_label:
                yield page.path, Finding(Outcome.passed, f"The byline {name} ({author.kind}) is on an article "
                                         f"labelled '{page.main_ai_label}'.", page.main, author.location)
            elif author.kind == "bot":
                yield page.path, Finding(Outcome.violation,
                                         f"The byline names {name}, an automated or AI author, but the article "
                                         "carries no AI label: readers are not told.", page.main, author.location)
            elif labelled_by.get(author.name.casefold()):
                other = labelled_by[author.name.casefold()][0]
                yield page.path, Finding(Outcome.violation,
                                         f"The byline {name} also signs {other.url or other.path}, which is labelled "
                                         f"'{other.main_ai_label}', but this article carries no AI label: check "
                                         "whether AI wrote it too.", page.main, author.location,
                                         [other.main_location] if other.main_location else [])
            elif site_uses_ai_labels:
                yield page.path, Finding(Outcome.incomplete,
                                         f"The byline {name} names a desk, not a person, on a site that labels "
                                         "AI-made articles elsewhere, and this article carries no AI label: review "
                                         "who wrote it.", page.main, author.location)
