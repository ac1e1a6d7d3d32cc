"""CON008: cookies cannot rest on "legitimate interest".

Why: ePrivacy Art. 5(3) requires consent for non-essential cookies; legitimate interest is no legal
basis for storing or reading them (EDPB cookie banner taskforce, 2023). A banner that offers
"legitimate interest" toggles or wording asks readers to object instead of consenting.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.cookie_notice import BANNER
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("cookie_legitimate_interest")
def cookie_legitimate_interest(page: PageContext, params: NoParams) -> Iterator[Finding]:
    notice = page.notice
    if not notice.found or not notice.blocks:
        return
    if notice.legitimate_interest:
        yield Finding(Outcome.violation, f"The banner relies on '{notice.legitimate_interest}' for cookies or "
                      "tracking; ask for consent instead.", BANNER, notice.location)
    else:
        yield Finding(Outcome.passed, "The banner does not rely on legitimate interest.", BANNER, notice.location)
