"""AIL007: content that the page marks as AI-made for machines must be labelled for readers too.

Why: marking (EU AI Act Art. 50(2)) and disclosure (Art. 50(4)) are separate duties; a page whose
markup says an article or image is AI-generated (schema.org/IPTC digitalSourceType, China's AIGC
implicit label, ai-disclosure) while readers see no label has the machine half only. China's
labelling measures require the explicit label alongside the implicit one. A declaration of human
review and editorial responsibility is itself a visible disclosure and passes. Assistive use
(ai-assisted) may not need a label, so it is `incomplete` for a person to judge.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.analysis.disclosures import FoundDisclosure
from auditor.analysis.signals import MachineSignal
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


def _visible_for(page: PageContext, signal: MachineSignal) -> FoundDisclosure | None:
    labels = [d for d in page.disclosures if d.visible and d.ai_made]
    target = signal.item
    if target.kind == "page":
        return labels[0] if labels else None
    if target.kind == "image":
        for labelled in page.labelled_images:
            if labelled.ref.id == target.id and labelled.label.visible:
                return labelled.label
        return None
    return next((d for d in labels if d.item is not None and d.item.id == target.id), None)


@check("machine_mark_visible")
def machine_mark_visible(page: PageContext, params: NoParams) -> Iterator[Finding]:
    for signal in page.signals:
        if signal.says_ai is not True and signal.strength != "possible":
            continue
        what = f"{signal.kind} {signal.value[:80]!r} ({signal.source})"
        target = f"the {signal.item.kind}" + (f" '{signal.item.label}'" if signal.item.label else "")
        label = _visible_for(page, signal)
        if label is not None:
            yield Finding(Outcome.passed, f"{what} marks {target} as AI-made, and readers see '{label.match.text}'.",
                          signal.item, signal.location, [label.location])
        elif signal.strength in ("assisted", "possible"):
            yield Finding(Outcome.incomplete,
                          f"{what} marks {target} as AI-assisted or possibly AI-made, and readers see no label. "
                          "Decide whether the AI use needs disclosure (assistive editing may not).",
                          signal.item, signal.location)
        else:
            yield Finding(Outcome.violation,
                          f"{what} marks {target} as AI-generated, but readers see no AI label. Add a visible label "
                          "(or declare human review and editorial responsibility).",
                          signal.item, signal.location)
