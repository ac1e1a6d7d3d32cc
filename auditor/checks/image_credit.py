"""ATT009: every editorial image of the article should say who made it or where it comes from.

Why: a photo credit or source line ("Photo: Jane Doe/Reuters", "Foto: dpa", "Illustration:
Midjourney") is how readers tell a news photograph from a stock picture or a generated image, and
what image rights and press codes expect. Editorial images are the figures of the main article
(an image in a `<figure>` or with a caption) that are not decorative, hidden, tiny, or site furniture
(logos, icons, avatars); a bare `<img>` in an article is as often a widget or an ad. A caption that
names a news agency or a stock library counts as its credit. Text input has no images: inapplicable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.analysis.attribution_words import load_words
from auditor.analysis.context import PageContext
from auditor.analysis.disclosures import item_ref
from auditor.checks.registry import Finding, NoParams, check
from auditor.facts.model import Image, PageFacts
from auditor.models import Outcome

FURNITURE = re.compile(r"logo|icon|avatar|sprite|spacer|pixel|badge|emoji|gravatar|placeholder|loading|blank",
                       re.IGNORECASE)
NOT_EDITORIAL_REGIONS = ("footer", "nav", "aside")
MIN_SIDE = 100  # pixels: smaller images are thumbnails, icons or tracking pixels


def editorial_images(facts: PageFacts) -> list[Image]:
    """The main article's own images: visible, not decorative, not furniture, not tiny, not in a
    teaser or box inside the article."""
    main = facts.main_item
    if main is None or facts.input_format == "text":
        return []
    out = []
    for image in facts.images:
        if image.hidden or image.decorative or not image.src or image.src.startswith("data:"):
            continue
        chain = facts.item_chain(image.item)
        if not any(i.id == main for i in chain) or not (image.caption or any(i.kind == "figure" for i in chain)):
            continue
        # A teaser or an info box inside the article (related links, "read more") is not its own.
        inside = chain[:[i.id for i in chain].index(main)]
        if image.region in NOT_EDITORIAL_REGIONS or any(i.kind in ("teaser", "box") for i in inside):
            continue
        attrs = facts.nodes[image.node].attrs if image.node is not None else {}
        if FURNITURE.search(image.src) or FURNITURE.search(attrs.get("class", "")):
            continue
        if any(_small(attrs.get(side)) for side in ("width", "height")):
            continue
        out.append(image)
    return out


def _small(value: str | None) -> bool:
    if not value:
        return False
    digits = value.strip().removesuffix("px")
    return digits.isdigit() and int(digits) < MIN_SIDE


@check("image_credit")
def image_credit(page: PageContext, params: NoParams) -> Iterator[Finding]:
    facts = page.facts
    words = load_words()
    for image in editorial_images(facts):
        item = next((i for i in facts.item_chain(image.item) if i.kind == "figure"), None)
        ref = item_ref(facts, item) if item is not None else page.main_ref
        name = image.src[-80:]
        named = (words.agency.search(image.caption) or words.stock.search(image.caption)) if image.caption else None
        if image.credit or named:
            credit = image.credit or (image.caption or "")
            yield Finding(Outcome.passed, f"The image {name} is credited: '{credit[:100]}'.", ref, image.location)
        else:
            yield Finding(Outcome.violation,
                          f"The image {name} in the article has no credit or source line (no 'Photo: ...', '©', "
                          "'Source: ...' in its caption or beside it).", ref, image.location)
