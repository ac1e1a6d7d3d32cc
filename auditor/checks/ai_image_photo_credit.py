"""ATT010: an image labelled or marked AI-made must not be credited as a photograph.

Why: "Photo: Jane Doe" or a wire-photo credit under a generated picture tells readers it shows a
real scene. Press codes forbid exactly that: AP transmits no AI images that falsely depict reality,
and the German Press Code (Ziffer 2, Richtlinie 2.2) asks for AI pictures to be marked as symbolic
images. A stock-library credit is ambiguous (libraries sell both), so it needs review. The image is
AI-made when a visible label says so or its own file carries an AI mark (C2PA, IPTC, AIGC).
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.attribution_words import credit_kind, load_words
from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.facts.model import Image
from auditor.models import ItemRef, Outcome


@check("ai_image_photo_credit")
def ai_image_photo_credit(page: PageContext, params: NoParams) -> Iterator[Finding]:
    words = load_words()
    tools = page.lexicon.tools
    seen: set[int] = set()
    ai_images: list[tuple[ItemRef, Image, str]] = []
    for labelled in page.labelled_images:
        if labelled.image is not None and id(labelled.image) not in seen:
            seen.add(id(labelled.image))
            ai_images.append((labelled.ref, labelled.image, f"labelled '{labelled.label.match.text}'"))
    for card in page.provenance:
        if card.file is not None and card.file.says_ai and id(card.image) not in seen:
            seen.add(id(card.image))
            ai_images.append((card.ref, card.image, "marked AI-made in its file"))
    for ref, image, why in ai_images:
        if not image.credit:
            continue
        kind = credit_kind(image.credit, words, tools)
        credit = f"'{image.credit[:100]}'"
        if kind in ("photo", "agency"):
            yield Finding(Outcome.violation,
                          f"The image is {why}, but its credit {credit} presents it as a photograph: call it an "
                          "illustration or name the AI tool.", ref, image.location)
        elif kind == "stock":
            yield Finding(Outcome.incomplete,
                          f"The image is {why} and credited to a stock library ({credit}); libraries sell photos "
                          "and generated images alike: check the credit says which.", ref, image.location)
        else:
            yield Finding(Outcome.passed, f"The image is {why} and its credit {credit} does not claim a photograph.",
                          ref, image.location)
