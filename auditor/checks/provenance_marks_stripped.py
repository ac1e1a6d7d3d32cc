"""PRV005: when the page says an image is AI-made, the file itself should say so too.

Why: a page whose JSON-LD or microdata marks an image as trainedAlgorithmicMedia while the image
file carries no mark at all shows that the file's marks were stripped somewhere between the
generator and the page (the EU code of practice, section 1.2, asks that they are kept); search
engines and platforms that read the file see a plain photo.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("provenance_marks_stripped")
def provenance_marks_stripped(page: PageContext, params: NoParams) -> Iterator[Finding]:
    for card in page.provenance:
        signal = card.page_signal
        if signal is None or not signal.says_ai:
            continue
        where = f"The page's {signal.source} marks this image AI-made ({signal.value[:80]})"
        if card.file is None:
            yield Finding(Outcome.incomplete, f"{where}, but the file is not in the crawl.", card.ref,
                          card.image.location)
        elif card.file.marks:
            yield Finding(Outcome.passed, f"{where}, and the file carries its own marks.", card.ref,
                          card.image.location)
        else:
            yield Finding(Outcome.violation, f"{where}, but the file carries no mark at all: the marks were stripped.",
                          card.ref, card.image.location)
