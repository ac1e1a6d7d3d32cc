"""CON011: the notice must name the purposes of the trackers the page loads.

Why: consent must be specific and informed (GDPR Art. 4(11)); a notice that names analytics while
the page loads advertising scripts asks for one thing and does another.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.cookie_notice import BANNER
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("cookie_purposes_vs_trackers")
def cookie_purposes_vs_trackers(page: PageContext, params: NoParams) -> Iterator[Finding]:
    notice = page.notice
    trackers = [t for t in page.consent_signals.trackers if not t.cookieless]
    if not notice.found or not notice.blocks or not notice.markup or not trackers:
        return
    missing = sorted({t.purpose for t in trackers if t.purpose not in notice.purposes})
    if missing:
        names = ", ".join(sorted({t.name for t in trackers if t.purpose in missing}))
        said = ", ".join(notice.purposes) or "no purpose"
        yield Finding(Outcome.violation, f"The page loads trackers for {', '.join(missing)} ({names}), but the "
                      f"notice names {said}.", BANNER, notice.location)
    else:
        yield Finding(Outcome.passed, "The notice names the purposes of the trackers the page loads.", BANNER,
                      notice.location)
