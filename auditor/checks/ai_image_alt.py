"""AIL003: an image labelled AI-generated must have alt text.

Why: EU AI Act Art. 50(5) asks that disclosures meet applicable accessibility requirements, and an
image with no text alternative (WCAG 2.x success criterion 1.1.1) leaves screen-reader users with
neither the picture nor any hint of it. Text input shows no markup, so there the alt text cannot be
checked: `incomplete`.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("ai_image_alt")
def ai_image_alt(page: PageContext, params: NoParams) -> Iterator[Finding]:
    for labelled in page.labelled_images:
        image = labelled.image
        label = f"'{labelled.label.match.text}'"
        if image is None:
            yield Finding(Outcome.incomplete,
                          f"An image labelled {label}: text input carries no markup, so its alt text cannot be "
                          "checked. Open the page and check the image has a text alternative.",
                          labelled.ref, labelled.label.location)
        elif not image.alt:
            state = "an empty alt attribute (marked decorative)" if image.alt == "" else "no alt attribute"
            yield Finding(Outcome.violation,
                          f"The AI-generated image {image.src or '(no src)'} has {state}.",
                          labelled.ref, image.location, [labelled.label.location])
        else:
            yield Finding(Outcome.passed, f"The AI-generated image has alt text: '{image.alt[:120]}'.",
                          labelled.ref, image.location)
