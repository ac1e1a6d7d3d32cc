"""CON003: a notice with no way to accept does not ask for consent at all.

Why: consent is "a clear affirmative act" (GDPR Art. 4(11)); silence or inactivity is not consent
(Recital 32), and ePrivacy Art. 5(3) requires it before non-essential cookies. A notice that only
offers "Decline" (or no choice) tells the reader cookies are already in use until they object: an
opt-out, which is not consent for the purposes it names.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.cookie_notice import BANNER
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("cookie_no_accept")
def cookie_no_accept(page: PageContext, params: NoParams) -> Iterator[Finding]:
    notice = page.notice
    if not notice.found or not notice.blocks:
        return
    choices = notice.choices
    accepts = [t for c, t, _ in notice.controls if c == "accept"]
    if accepts:
        yield Finding(Outcome.passed, f"The notice asks for consent: '{accepts[0]}'.", BANNER, notice.location)
        return
    purposes = f" for {', '.join(notice.purposes)}" if notice.purposes else ""
    if "reject" in choices:
        rejects = ", ".join(f"'{t}'" for c, t, _ in notice.controls if c == "reject")
        yield Finding(
            Outcome.violation,
            f"The notice offers only {rejects} and no way to accept: cookies{purposes} appear to be used until "
            "the reader declines (opt-out), which is not consent.",
            BANNER, notice.location, [loc for _, _, loc in notice.controls],
        )
    elif not notice.markup:
        yield Finding(Outcome.incomplete,
                      "No choice can be read from the text around the notice; check its buttons on the page.",
                      BANNER, notice.location)
    elif notice.unread_controls:
        shown = ", ".join(f"'{t}'" for t in notice.unread_controls[:4])
        yield Finding(Outcome.incomplete, f"The notice's buttons ({shown}) are no choice words this tool knows; "
                      "check whether one of them accepts.", BANNER, notice.location)
    elif notice.cmp:
        yield Finding(Outcome.incomplete, f"The {notice.cmp} banner's text is in the page but its buttons are not: "
                      "the platform adds them at run time. Check them in a browser.", BANNER, notice.location)
    else:
        yield Finding(Outcome.violation,
                      f"The notice informs about cookies{purposes} but offers no choice at all.",
                      BANNER, notice.location)
