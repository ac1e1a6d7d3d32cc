"""CON012: Google Consent Mode must start from "denied".

Why: Consent Mode's defaults apply before the reader chooses; a default of 'granted' for ad or
analytics storage lets Google tags set cookies before any choice (ePrivacy Art. 5(3); Google's own
guidance sets defaults to denied for EEA visitors).
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import ItemRef, Outcome

CONSENT_MODE = ItemRef(id="consent-mode", kind="script", label="Google Consent Mode defaults")
KEYS = ("ad_storage", "analytics_storage", "ad_user_data", "ad_personalization")


@check("consent_mode_defaults")
def consent_mode_defaults(page: PageContext, params: NoParams) -> Iterator[Finding]:
    mode = page.consent_signals.consent_mode
    if not mode:
        return
    granted = [k for k in KEYS if mode.get(k) == "granted"]
    where = page.consent_signals.consent_mode_location
    if granted:
        yield Finding(Outcome.violation, f"Consent Mode defaults grant {', '.join(granted)} before any choice.",
                      CONSENT_MODE, where)
    else:
        shown = ", ".join(f"{k}={v}" for k, v in sorted(mode.items()))
        yield Finding(Outcome.passed, f"Consent Mode defaults: {shown}.", CONSENT_MODE, where)
