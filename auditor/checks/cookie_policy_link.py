"""CON004: a cookie notice must link to the privacy or cookie policy.

Why: consent must be informed (GDPR Art. 4(11) and Art. 13; ePrivacy Art. 5(3) "clear and
comprehensive information"), and the notice is where readers decide. Text input cannot show links:
a policy named in the text is `incomplete` there, not a pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.cookie_notice import BANNER
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("cookie_policy_link")
def cookie_policy_link(page: PageContext, params: NoParams) -> Iterator[Finding]:
    notice = page.notice
    if not notice.found or not notice.blocks:
        return
    if notice.policy_link is not None:
        link = notice.policy_link
        yield Finding(Outcome.passed, f"The notice links to its policy: '{link.text}' ({link.href}).", BANNER,
                      link.location)
    elif notice.policy_mentioned and not notice.markup:
        yield Finding(Outcome.incomplete,
                      "The notice names the privacy policy, but text input cannot show whether it is a link. "
                      "Check it links to the policy.", BANNER, notice.location)
    else:
        said = " names the policy but does not link it" if notice.policy_mentioned else " has no policy link"
        yield Finding(Outcome.violation, f"The cookie notice{said}.", BANNER, notice.location)
