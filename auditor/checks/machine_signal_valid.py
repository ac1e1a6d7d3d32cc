"""AIL006: machine-readable AI signals in the page must be well formed.

Why: a mark that machines cannot read marks nothing (EU AI Act Art. 50(2): "machine-readable ...
detectable"). A bare "trainedAlgorithmicMedia" instead of the IPTC URI, an AIGC meta whose JSON is
broken or whose Label is a number, an ai-disclosure value outside the draft's vocabulary, or two
C2PA manifests in one page (which count as none) are each reported with what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("machine_signal_valid")
def machine_signal_valid(page: PageContext, params: NoParams) -> Iterator[Finding]:
    for signal in page.signals:
        where = f"{signal.kind} ({signal.source})"
        if signal.problem:
            yield Finding(Outcome.violation, f"{where}: {signal.problem}.", signal.item, signal.location)
        else:
            yield Finding(Outcome.passed, f"{where} is well formed: {signal.value[:120]!r}.", signal.item,
                          signal.location)
