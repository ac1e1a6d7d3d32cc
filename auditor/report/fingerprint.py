"""Stable fingerprints of findings, for baselines, report diffs, SARIF and GitLab.

A fingerprint says "the same problem as last time" across runs, so it must not move when an
unrelated edit shifts the page's lines. It is a SHA-256 over:

- the rule code and the site;
- the page: its URL, or its path (as reported) when it has none;
- the item the result is about (id and kind: `main`, `teaser-3`, `cookie-notice` ...);
- the message and the snippet of the result's location, normalised: Unicode NFKC, whitespace
  collapsed, and every run of digits replaced by `#`, so line numbers quoted in a message ("the
  story above (line 24)") and counts ("6 AI label(s)") do not change it;
- an occurrence number: the n-th violation on that page with the same hash so far (in report
  order), so two identical findings on one page stay two.

Left out on purpose: line, column and CSS selector (they move with any edit above the element), the
evidence list (it grows when unrelated labels are added) and the severity (a rule pack may re-rate
a rule without creating a "new" finding).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.models import Outcome, PageReport, Result, SiteReport

FINGERPRINT_VERSION = "v1"
# The key SARIF's partialFingerprints carries the fingerprint under.
SARIF_FINGERPRINT_KEY = "auditorFinding/v1"

_DIGITS = re.compile(r"\d+")
_SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class PageRef:
    """The page of a finding: its path and URL, not the page itself (a run's findings are kept
    together, its pages are not)."""

    path: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Finding:
    """A violation with where it was found and its fingerprint."""

    site: str
    page: PageRef
    result: Result
    fingerprint: str

    @property
    def page_key(self) -> str:
        return page_key(self.page)


def normalise(text: str) -> str:
    """Text as it enters a fingerprint: NFKC, digits folded to `#`, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIGITS.sub("#", text)
    return " ".join(text.split())


def page_key(page: PageReport | PageRef) -> str:
    """The page as fingerprints name it: its URL, else its path with `./` and backslashes tidied."""
    if page.url:
        return page.url
    path = page.path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def base_fingerprint(site: str, page: PageReport | PageRef, result: Result) -> str:
    """The fingerprint of a result before its occurrence number is added."""
    item = result.item
    parts = (
        FINGERPRINT_VERSION,
        result.code,
        site,
        page_key(page),
        item.id if item else "",
        item.kind if item else "",
        normalise(result.message),
        normalise(result.location.snippet) if result.location else "",
    )
    return hashlib.sha256(_SEP.join(parts).encode("utf-8")).hexdigest()


def page_findings(site: str, page: PageReport) -> list[Finding]:
    """The page's violations, in report order, each with its fingerprint."""
    seen: dict[str, int] = {}
    findings: list[Finding] = []
    ref = PageRef(page.path, page.url)
    for result in page.results:
        if result.outcome != Outcome.violation:
            continue
        base = base_fingerprint(site, page, result)
        n = seen.get(base, 0)
        seen[base] = n + 1
        digest = hashlib.sha256(f"{base}{_SEP}{n}".encode()).hexdigest()
        findings.append(Finding(site=site, page=ref, result=result, fingerprint=digest))
    return findings


def site_findings(report: SiteReport) -> list[Finding]:
    """Every violation of a site report, pages in report order."""
    return list(iter_site_findings(report))


def iter_site_findings(report: SiteReport) -> Iterator[Finding]:
    """Every violation of a site report, pages in report order, read one page at a time."""
    for page in report.pages:
        yield from page_findings(report.site, page)
