"""PRV001: an image that a visible label calls AI-made should carry a machine-readable mark.

Why: EU AI Act Art. 50(2) requires AI output to be marked in a machine-readable, detectable way;
the EU code of practice (section 1.2) asks that such marks are not stripped on the way to
publication; China's measures require an implicit label in the file with every explicit one. A
publisher who knows an image is AI-made and re-encodes it without its C2PA manifest, IPTC digital
source type or AIGC label has removed the machine half. Without the file in the crawl: `incomplete`.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("provenance_label_without_mark")
def provenance_label_without_mark(page: PageContext, params: NoParams) -> Iterator[Finding]:
    if page.facts.input_format == "text":
        for labelled in page.labelled_images:
            yield Finding(Outcome.incomplete,
                          f"An image labelled '{labelled.label.match.text}': text input holds no image files, so "
                          "the marks inside it cannot be read. Audit the HTML page with its images.",
                          labelled.ref, labelled.label.location)
        return
    for card in page.provenance:
        if card.label is None:
            continue
        label = f"'{card.label.match.text}'"
        if card.file is None:
            yield Finding(Outcome.incomplete,
                          f"The image labelled {label} is not in the crawl ({card.found.origin}; looked at: "
                          f"{', '.join(card.found.tried[:3]) or card.found.candidate}), so its marks cannot be read.",
                          card.ref, card.image.location, [card.label.location])
        elif card.file.says_ai:
            kinds = ", ".join(sorted({m.kind for m in card.file.marks if m.says_ai}))
            yield Finding(Outcome.passed, f"The image labelled {label} also carries a machine-readable AI mark "
                          f"({kinds}).", card.ref, card.image.location)
        else:
            yield Finding(Outcome.violation,
                          f"The image labelled {label} carries no machine-readable AI mark (no C2PA manifest, IPTC "
                          "digital source type or AIGC label saying AI): it was likely stripped on re-encoding.",
                          card.ref, card.image.location, [card.label.location])
