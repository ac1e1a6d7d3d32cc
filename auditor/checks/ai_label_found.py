"""AIL001: every AI disclosure a reader can meet, tied to the item it discloses.

Why: a label only informs when it is clearly about something. EU AI Act Art. 50(4) asks deployers to
disclose AI-generated or manipulated content, and Art. 50(5) asks for it "in a clear and
distinguishable manner". A label that cannot be tied to one item (a badge between two teaser texts)
needs a person to look; a label a sighted reader cannot see (only in alt text, aria-label, title or
visually hidden) is not a disclosure at all.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome

CLASS_WORDS = {
    "generated": "AI-generated",
    "assisted": "AI-assisted or AI-edited",
    "reviewed": "AI output reviewed by people",
    "negation": "a claim that no AI was used",
    "tool-credit": "made with an AI tool (credit line)",
}


@check("ai_label_scope")
def ai_label_scope(page: PageContext, params: NoParams) -> Iterator[Finding]:
    for d in page.disclosures:
        if not d.is_label:
            continue
        what = CLASS_WORDS.get(d.match.disclosure_class, d.match.disclosure_class)
        quoted = f"'{d.match.text}'"
        if not d.visible:
            yield Finding(
                Outcome.violation,
                f"{quoted} ({what}) is {d.scope_note}: readers who look at the page never meet it.",
                d.item, d.location,
            )
        elif d.item is None:
            yield Finding(
                Outcome.incomplete,
                f"{quoted} ({what}) cannot be tied to one item: it {d.scope_note}. Check which story it labels.",
                None, d.location,
            )
        else:
            target = f"the {d.item.kind}" + (f" '{d.item.label}'" if d.item.label else "")
            yield Finding(
                Outcome.passed,
                f"{quoted} marks {target} as {what}; placement: {d.placement} ({d.scope_note}).",
                d.item, d.location,
            )
