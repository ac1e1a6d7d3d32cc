"""PRV003: the marks about one image must not contradict each other.

Why: a file whose C2PA manifest says "captured by a camera" (digitalCapture) while its IPTC XMP says
trainedAlgorithmicMedia, or a page whose markup calls an image AI-made while the file says camera,
cannot both be right; one of them misleads every machine that reads it.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("provenance_marks_agree")
def provenance_marks_agree(page: PageContext, params: NoParams) -> Iterator[Finding]:
    for card in page.provenance:
        claims: list[tuple[str, bool | None, str]] = []
        if card.file is not None:
            claims += [(f"{m.kind} ({m.carrier})", m.says_ai, m.digital_source_type or m.value)
                       for m in card.file.marks if m.says_ai is not None]
        if card.page_signal is not None:
            claims.append((f"page {card.page_signal.source}", card.page_signal.says_ai, card.page_signal.value))
        if len(claims) < 2:
            continue
        ai = [c for c in claims if c[1]]
        not_ai = [c for c in claims if c[1] is False]
        if ai and not_ai:
            yield Finding(Outcome.violation,
                          f"The marks contradict each other: {ai[0][0]} says AI-made ({ai[0][2][:80]}), "
                          f"{not_ai[0][0]} says otherwise ({not_ai[0][2][:80]}).", card.ref, card.image.location)
        else:
            yield Finding(Outcome.passed, f"{len(claims)} marks agree about this image.", card.ref,
                          card.image.location)
