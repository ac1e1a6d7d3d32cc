"""CON005: a cookie notice must say what the cookies are for.

Why: consent must be specific and informed (GDPR Art. 4(11)); the EDPB and CNIL expect purposes
(analytics, advertising, personalisation ...) on the first layer. The purposes a notice names are
also what later checks compare with the trackers a page loads.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.cookie_notice import BANNER
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("cookie_purposes")
def cookie_purposes(page: PageContext, params: NoParams) -> Iterator[Finding]:
    notice = page.notice
    if not notice.found or not notice.blocks:
        return
    if notice.purposes:
        yield Finding(Outcome.passed, f"The notice names its purposes: {', '.join(notice.purposes)}.", BANNER,
                      notice.location)
    else:
        yield Finding(Outcome.violation, "The notice does not say what the cookies are used for.", BANNER,
                      notice.location)
