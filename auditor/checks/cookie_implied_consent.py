"""CON009: continuing to browse is not consent.

Why: consent is a clear affirmative act (GDPR Art. 4(11)); silence or inactivity is not consent
(Recital 32); for CNIL continued browsing counts as refusal. A notice that says "by continuing to
use this site you agree" treats browsing as consent.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.cookie_notice import BANNER
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("cookie_implied_consent")
def cookie_implied_consent(page: PageContext, params: NoParams) -> Iterator[Finding]:
    notice = page.notice
    if not notice.found or not notice.blocks:
        return
    if notice.implied_consent:
        yield Finding(Outcome.violation, f"The notice treats browsing as consent ('{notice.implied_consent}').",
                      BANNER, notice.location)
    else:
        yield Finding(Outcome.passed, "The notice does not treat browsing as consent.", BANNER, notice.location)
