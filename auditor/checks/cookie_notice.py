"""CON001: find the cookie notice and say what it offers.

Why: ePrivacy Directive Art. 5(3) requires consent, on clear and comprehensive information, before
cookies that are not strictly necessary. Everything else about consent starts from the notice: its
choices (accept, reject, settings), its policy link and the purposes it names. A platform that only
ships a loader script injects its banner at run time, so its choices cannot be seen in the HTML.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.consent import Notice
from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import ItemRef, Outcome

BANNER = ItemRef(id="cookie-notice", kind="banner", label="cookie notice")


def describe(notice: Notice) -> str:
    choices = [f"{c} ('{t}')" for c, t, _ in notice.controls]
    offered = ", ".join(choices) if choices else "no choice"
    missing = [c for c in ("accept", "reject", "settings") if c not in notice.choices]
    policy = ("linked" if notice.policy_link else "mentioned, not shown as a link" if notice.policy_mentioned
              else "not mentioned")
    purposes = ", ".join(notice.purposes) if notice.purposes else "none named"
    text = f"offers {offered}"
    if missing:
        text += f"; no {', no '.join(missing)}"
    return f"{text}; privacy policy {policy}; purposes: {purposes}"


@check("cookie_notice")
def cookie_notice(page: PageContext, params: NoParams) -> Iterator[Finding]:
    notice = page.notice
    if not notice.found:
        return
    if not notice.blocks:
        yield Finding(Outcome.incomplete,
                      f"{notice.cmp} is loaded ({notice.recognised_by}) but its banner is injected at run time; "
                      "its choices cannot be seen in this HTML. Check the banner in a browser.", BANNER)
        return
    who = f"{notice.cmp} banner" if notice.cmp else "Hand-made cookie notice"
    yield Finding(Outcome.passed, f"{who} found: {describe(notice)}.", BANNER, notice.location,
                  [b.location for b in notice.blocks[:6]])
