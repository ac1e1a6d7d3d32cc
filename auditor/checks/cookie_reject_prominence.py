"""CON006: rejecting must not be made harder to see than accepting.

Why: the EDPB cookie banner taskforce (2023) lists a reject option shown only as a link inside the
text, while accepting is a button, as deceptive design; CNIL asks that refusing is as easy as
accepting. Where the markup shows accept as a button and reject only as a link, that is reported;
colours and sizes need the rendered page.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.cookie_notice import BANNER
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


@check("cookie_reject_prominence")
def cookie_reject_prominence(page: PageContext, params: NoParams) -> Iterator[Finding]:
    notice = page.notice
    if not notice.found or not notice.blocks or not notice.markup:
        return
    kinds: dict[str, set[str]] = {}
    for (choice, _, _), kind in zip(notice.controls, notice.element_kinds, strict=False):
        kinds.setdefault(choice, set()).add(kind)
    if "accept" not in kinds or "reject" not in kinds:
        return
    if "button" in kinds["accept"] and kinds["reject"] == {"link"}:
        rejects = ", ".join(f"'{t}'" for c, t, _ in notice.controls if c == "reject")
        yield Finding(Outcome.violation, f"Accepting is a button, rejecting only a link ({rejects}): make both "
                      "choices buttons of equal weight.", BANNER, notice.location,
                      [loc for c, _, loc in notice.controls if c == "reject"])
    else:
        yield Finding(Outcome.passed, "Accept and reject are offered as controls of the same kind.", BANNER,
                      notice.location)
