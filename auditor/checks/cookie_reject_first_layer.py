"""CON002: where a notice offers "accept", it must offer "reject" on the same first layer.

Why: the EDPB cookie banner taskforce report (17 Jan 2023, para. 8) records that most authorities
consider a first layer with an accept but no reject option invalid consent; CNIL asks for "Tout
refuser" beside "Tout accepter". A reject hidden behind "settings" does not count.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.cookie_notice import BANNER
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("cookie_reject_first_layer")
def cookie_reject_first_layer(page: PageContext, params: NoParams) -> Iterator[Finding]:
    notice = page.notice
    if not notice.found:
        return
    if not notice.blocks:
        yield Finding(Outcome.incomplete, "The banner is injected at run time; its first layer cannot be seen here.",
                      BANNER)
        return
    choices = notice.choices
    if "accept" not in choices:
        return  # nothing to balance: a notice without an accept choice is CON003's case
    rejects = [t for c, t, _ in notice.controls if c == "reject"]
    if rejects:
        yield Finding(Outcome.passed, f"Rejecting is offered on the first layer: '{rejects[0]}'.", BANNER,
                      notice.location, [loc for c, _, loc in notice.controls if c == "reject"])
    else:
        behind = " (only behind 'settings')" if "settings" in choices else ""
        yield Finding(Outcome.violation,
                      f"The notice offers accepting but no reject choice on its first layer{behind}.",
                      BANNER, notice.location, [loc for _, _, loc in notice.controls])
