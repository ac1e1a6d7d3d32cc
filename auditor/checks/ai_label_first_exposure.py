"""AIL005: the main article's AI label must meet the reader at first exposure.

Why: EU AI Act Art. 50(5) requires the disclosure "at the latest at the time of the first interaction
or exposure"; the EU code of practice on labelling puts text labels near the headline. A label that
a reader meets only after scrolling through a long article, or only in the page footer, comes too
late. Short articles are seen whole, so there any visible label passes. (Labels only in alt text,
aria-label or title are AIL001's; image labels are AIL004's.)
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, check
from auditor.models import Outcome


class FirstExposure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # How many words of the article may come before the label (about one screen of text).
    max_words_before: int = Field(default=150, ge=0)
    # Articles up to this length are read whole: any visible label in them is met.
    short_article_words: int = Field(default=400, ge=0)


@check("ai_label_first_exposure", params=FirstExposure)
def ai_label_first_exposure(page: PageContext, params: FirstExposure) -> Iterator[Finding]:
    main = page.main_ref
    if main is None:
        return
    labels = [d for d in page.disclosures if d.is_label and d.visible and d.block is not None]
    own = [d for d in labels if d.item is not None and d.item.id == main.id]
    footer = [d for d in labels if d.placement == "footer"]
    if not own:
        if footer:
            d = footer[0]
            yield Finding(Outcome.violation,
                          f"'{d.match.text}' appears only in the page footer, which readers reach last; label the "
                          "article near its headline.", main, d.location)
        return
    blocks = [b for b in page.facts.blocks if b.item == main.id and not b.heading_level]
    words_before: dict[int, int] = {}
    total = 0
    for block in blocks:
        words_before[block.index] = total
        total += len(block.text.split())
    best = min(own, key=lambda d: words_before.get(d.block or 0, 0))
    before = 0 if best.placement in ("headline", "top") else words_before.get(best.block or 0, 0)
    if before <= params.max_words_before:
        yield Finding(Outcome.passed,
                      f"'{best.match.text}' is met at first exposure ({best.placement}, after {before} words).",
                      main, best.location)
    elif total <= params.short_article_words:
        yield Finding(Outcome.passed,
                      f"'{best.match.text}' comes after {before} words, but the article is short ({total} words) "
                      "and read whole.", main, best.location)
    else:
        yield Finding(Outcome.violation,
                      f"'{best.match.text}' comes only after {before} of {total} words ({best.placement}): below "
                      "the fold of a long article. Put the label near the headline.", main, best.location)
