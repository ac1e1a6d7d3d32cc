"""CON010: tracking scripts must wait for consent.

Why: ePrivacy Art. 5(3): storing or reading information on a device needs consent first, unless
strictly necessary. An analytics or advertising script that runs as soon as the page loads (not
held back with type="text/plain" or data-src, not under Google Consent Mode with denied defaults)
tracks before any choice, whether or not a banner is shown. Cookieless analytics (Plausible,
Fathom) are not reported. A platform that blocks scripts itself at run time (OneTrust auto-block,
Cookiebot auto mode), or the IAB TCF API whose vendors read the consent string before setting
cookies, makes the static answer uncertain: `incomplete`.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import ItemRef, Outcome

PAGE_TRACKERS = ItemRef(id="trackers", kind="trackers", label="tracking scripts")
GOOGLE = ("Google",)
AUTO_BLOCK_MARKERS = ("otautoblock", "data-blockingmode=auto")


def _consent_mode_covers(page: PageContext, name: str, company_google: bool) -> bool:
    mode = page.consent_signals.consent_mode
    if not company_google or not mode:
        return False
    keys = ("ad_storage", "analytics_storage")
    return all(mode.get(k) == "denied" for k in keys if k in mode) and any(k in mode for k in keys)


def _auto_blocking(page: PageContext) -> bool:
    for script in page.facts.scripts:
        src = (script.src or "").lower()
        if "otautoblock" in src or script.attrs.get("data-blockingmode", "").lower() == "auto":
            return True
    return False


@check("trackers_before_consent")
def trackers_before_consent(page: PageContext, params: NoParams) -> Iterator[Finding]:
    live = [t for t in page.consent_signals.trackers if not t.held_back and not t.cookieless]
    if not live:
        if page.consent_signals.trackers:
            yield Finding(Outcome.passed, "The tracking scripts on this page wait for consent.", PAGE_TRACKERS)
        return
    live = [t for t in live if not _consent_mode_covers(page, t.name, t.name.startswith(GOOGLE))]
    if not live:
        yield Finding(Outcome.passed, "Google tags run under Consent Mode with storage denied by default.",
                      PAGE_TRACKERS, page.consent_signals.consent_mode_location)
        return
    names = ", ".join(sorted({t.name for t in live}))
    notice = page.notice
    if page.consent_signals.tcf:
        yield Finding(Outcome.incomplete, f"{names} load with the page, but the page runs the IAB TCF API: TCF "
                      "vendors read the consent string before they set cookies. Check in a browser that they wait.",
                      PAGE_TRACKERS, live[0].location, [t.location for t in live[1:6] if t.location])
    elif _auto_blocking(page):
        yield Finding(Outcome.incomplete, f"{names} load without a consent gate in the HTML, but the consent "
                      "platform blocks scripts itself at run time; check in a browser that they wait.",
                      PAGE_TRACKERS, live[0].location, [t.location for t in live[1:6] if t.location])
    elif notice.found:
        yield Finding(Outcome.violation, f"{names} run as soon as the page loads, before any choice in the "
                      "banner.", PAGE_TRACKERS, live[0].location, [t.location for t in live[1:6] if t.location])
    else:
        yield Finding(Outcome.violation, f"{names} run on a page that asks for no consent at all.",
                      PAGE_TRACKERS, live[0].location, [t.location for t in live[1:6] if t.location])
