"""AIL004: an AI image's label must sit next to the image (its caption, an overlay, its card).

Why: EU AI Act Art. 50(4)-(5): a deep fake must be disclosed "clearly and distinguishably" at the
first exposure. A reader meets an image and its caption together; a label elsewhere on the page, or
only in the alt text, is not met with the image. Text input shows where an image description sits,
not where a teaser's image does: that case is `incomplete`.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("ai_image_label_adjacent")
def ai_image_label_adjacent(page: PageContext, params: NoParams) -> Iterator[Finding]:
    for labelled in page.labelled_images:
        label = f"'{labelled.label.match.text}'"
        where = labelled.image.location if labelled.image else labelled.label.location
        if labelled.adjacent is True:
            yield Finding(Outcome.passed, f"{label} sits next to the image: {labelled.placement_note}.",
                          labelled.ref, where, [labelled.label.location])
        elif labelled.adjacent is False:
            yield Finding(Outcome.violation,
                          f"{label} is not next to the image: {labelled.placement_note}. Put a visible label in "
                          "the caption or on the image.",
                          labelled.ref, where, [labelled.label.location])
        else:
            yield Finding(Outcome.incomplete,
                          f"{label} labels an image, but {labelled.placement_note}. Check the label is on or "
                          "beside the image.",
                          labelled.ref, where, [labelled.label.location])
