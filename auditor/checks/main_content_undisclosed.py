"""AIL002: the main article says nothing about AI while the page or site labels other items as AI-made.

Why: when a publisher labels its AI-made teasers and images, an unlabelled article beside them is
either human-made or a missed label (EU AI Act Art. 50(4) second subparagraph: AI text on matters of
public interest must be disclosed unless a person reviewed it and holds editorial responsibility).
The page alone cannot tell which, so a person must decide: the outcome is `incomplete`, never a
guess. Pages with a label on the article itself pass; pages on sites with no AI labels at all are
inapplicable.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.analysis.summary import PageSummary
from auditor.checks.registry import Finding, NoParams, check, site_check
from auditor.models import Outcome


@check("main_content_undisclosed")
def main_content_undisclosed(page: PageContext, params: NoParams) -> Iterator[Finding]:
    main = page.main_ref
    if main is None:
        return
    own = [d for d in page.disclosures if d.is_label and d.visible and d.item is not None and d.item.id == main.id]
    if own:
        d = own[0]
        yield Finding(Outcome.passed, f"The main article carries its own disclosure: '{d.match.text}' ({d.placement}).",
                      main, d.location)
        return
    others = [d for d in page.disclosures if d.ai_made and d.visible and (d.item is None or d.item.id != main.id)]
    if not others:
        return
    wordings = sorted({d.match.text for d in others})
    yield Finding(
        Outcome.incomplete,
        f"The main article carries no AI disclosure either way, while {len(others)} AI label(s) elsewhere on "
        f"this page ({', '.join(repr(w) for w in wordings)}) mark other items as AI-made. Decide whether the "
        "article was made with AI; if so, label it near the headline, if not, nothing is needed.",
        main, page.facts.items[main.id].location, [d.location for d in others[:10]],
    )


@site_check("main_content_undisclosed_site")
def main_content_undisclosed_site(pages: list[PageSummary]) -> Iterator[tuple[str, Finding]]:
    """Pages whose own check was inapplicable, on a site whose other pages label AI-made items."""
    labelled = [p for p in pages if p.ai_labels > 0]
    if not labelled:
        return
    for page in pages:
        # `main` last: a stored summary reads it from disk, the other two are in memory.
        if page.main_disclosed or page.ai_labels > 0 or page.main is None:
            continue
        others = [p for p in labelled if p.path != page.path]
        if not others:
            continue
        names = ", ".join(p.url or p.path for p in others[:3])
        yield page.path, Finding(
            Outcome.incomplete,
            f"The main article carries no AI disclosure, while {len(others)} other page(s) of this site label "
            f"AI-made items (e.g. {names}). Decide whether this article was made with AI.",
            page.main, page.main_location,
        )
