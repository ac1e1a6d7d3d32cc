"""PRV004: a C2PA manifest in an image must validate.

Why: a manifest whose hashes no longer match (tampered), whose signature fails, or that cannot be
read proves nothing, and readers or platforms that trust it are misled (C2PA 2.x validation). A
manifest signed by a certificate on no trust list is intact but not attributable: anyone can sign,
so a person must judge who did (`incomplete`). A manifest only referenced remotely is never
fetched: `incomplete`.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("provenance_c2pa_valid")
def provenance_c2pa_valid(page: PageContext, params: NoParams) -> Iterator[Finding]:
    for card in page.provenance:
        if card.file is None:
            continue
        for mark in card.file.marks:
            if mark.kind != "c2pa":
                continue
            signer = f" (signer: {mark.signer})" if mark.signer else ""
            codes = f" [{', '.join(mark.validation_codes[:4])}]" if mark.validation_codes else ""
            if mark.remote_manifest:
                yield Finding(Outcome.incomplete, "The file points at a remote C2PA manifest, which is never fetched; "
                              "check it with the publisher's copy.", card.ref, card.image.location)
            elif mark.validation in ("tampered", "invalid", "unreadable"):
                yield Finding(Outcome.violation, f"The C2PA manifest does not validate: {mark.validation}{codes}"
                              f"{signer}.", card.ref, card.image.location)
            elif mark.validation == "untrusted":
                yield Finding(Outcome.incomplete, f"The C2PA manifest is intact but its signer is on no trust list"
                              f"{signer}: check who signed it before relying on it.", card.ref, card.image.location)
            else:
                yield Finding(Outcome.passed, f"The C2PA manifest validates{signer}.", card.ref, card.image.location)
