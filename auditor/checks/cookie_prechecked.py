"""CON007: purpose boxes in a cookie banner must not be ticked in advance.

Why: a pre-ticked box is not consent (CJEU, Planet49, C-673/17, 1 Oct 2019; GDPR Recital 32).
Boxes that are checked and disabled ("strictly necessary") are not choices and are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.cookie_notice import BANNER
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("cookie_prechecked")
def cookie_prechecked(page: PageContext, params: NoParams) -> Iterator[Finding]:
    notice = page.notice
    if not notice.found or not notice.blocks:
        return
    if notice.prechecked:
        yield Finding(Outcome.violation, f"{len(notice.prechecked)} purpose box(es) in the banner are ticked in "
                      "advance.", BANNER, notice.prechecked[0], notice.prechecked[1:6])
