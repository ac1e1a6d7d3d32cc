"""PRV002: an image whose file says it is AI-made must be labelled for readers.

Why: the file's own C2PA manifest, IPTC digital source type or AIGC label declares the image
AI-generated; shown on a page with no visible label, readers are not told (EU AI Act Art. 50(4) for
deep fakes, Art. 50(5) clear and distinguishable at first exposure; China's explicit label).
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("provenance_mark_without_label")
def provenance_mark_without_label(page: PageContext, params: NoParams) -> Iterator[Finding]:
    for card in page.provenance:
        if card.file is None or not card.file.says_ai:
            continue
        marks = "; ".join(f"{m.kind} ({m.carrier}): {m.value[:80]}" for m in card.file.marks if m.says_ai)
        if card.label is not None:
            yield Finding(Outcome.passed, f"The file is marked AI-made ({marks}) and readers see "
                          f"'{card.label.match.text}'.", card.ref, card.image.location, [card.label.location])
        else:
            yield Finding(Outcome.violation,
                          f"The image file is marked AI-made ({marks}) but the page shows it with no visible AI label.",
                          card.ref, card.image.location)
