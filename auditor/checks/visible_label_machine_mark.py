"""AIL008: a page that labels content as AI-made for readers should also mark it for machines.

Why: EU AI Act Art. 50(2) requires AI output to be marked in a machine-readable, detectable way
(a duty of the generating system's provider, which the EU code of practice asks deployers not to
strip); China's measures require an implicit label with every explicit one. Search engines,
archives and platforms can only act on marks they can read. This rule looks at the page markup
(schema.org/IPTC digitalSourceType, AIGC meta, ai-disclosure, C2PA links); marks inside image
files are read by the provenance rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import ItemRef, Outcome


@check("visible_label_machine_mark")
def visible_label_machine_mark(page: PageContext, params: NoParams) -> Iterator[Finding]:
    labels = [d for d in page.disclosures if d.visible and d.ai_made]
    if not labels:
        return
    page_ref = ItemRef(id="page", kind="page", label=page.facts.title or "")
    if page.facts.input_format == "text":
        yield Finding(Outcome.incomplete,
                      "The page labels items as AI-made; text input carries no markup, so machine-readable marks "
                      "cannot be checked. Audit the HTML page.", page_ref, labels[0].location)
        return
    marks = [s for s in page.signals if s.says_ai or s.kind == "c2pa"]
    wordings = ", ".join(sorted({repr(d.match.text) for d in labels}))
    if marks:
        kinds = ", ".join(sorted({f"{m.kind} ({m.source})" for m in marks}))
        yield Finding(Outcome.passed, f"Visible AI labels ({wordings}) come with machine-readable marks: {kinds}.",
                      page_ref, marks[0].location)
    else:
        yield Finding(Outcome.violation,
                      f"The page labels items as AI-made for readers ({wordings}) but carries no machine-readable "
                      "AI mark in its markup (schema.org digitalSourceType, IPTC URI, AIGC meta, ai-disclosure).",
                      page_ref, labels[0].location, [d.location for d in labels[1:6]])
