"""PRV006: the marks inside an image file must be well formed.

Why: a mark machines cannot read marks nothing: an IPTC DigitalSourceType that is a bare code
instead of the IPTC URI, an AIGC label whose JSON is broken or whose fields are not strings (GB
45438-2025, Appendix E), or XMP that cannot be parsed safely.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("provenance_mark_malformed")
def provenance_mark_malformed(page: PageContext, params: NoParams) -> Iterator[Finding]:
    for card in page.provenance:
        if card.file is None:
            continue
        for mark in card.file.marks:
            if mark.kind == "c2pa":
                continue  # C2PA validity is PRV004's
            if mark.problem:
                yield Finding(Outcome.violation, f"{mark.kind} mark ({mark.carrier}): {mark.problem}.", card.ref,
                              card.image.location)
            else:
                yield Finding(Outcome.passed, f"{mark.kind} mark ({mark.carrier}) is well formed.", card.ref,
                              card.image.location)
        for error in card.file.errors:
            if "xmp" in error.lower():
                yield Finding(Outcome.violation, f"Metadata that cannot be read safely: {error}.", card.ref,
                              card.image.location)
