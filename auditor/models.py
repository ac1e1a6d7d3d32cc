"""Pydantic models of everything auditor writes to disk.

The JSON report is the canonical output; every other format is a view of these models. The JSON
Schema in `schemas/` is generated from them (`python scripts/gen_schema.py`), and a test fails when
it is out of date.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import Enum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_serializer

REPORT_FORMAT_VERSION = "1"


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class Outcome(str, Enum):
    """The four outcomes a rule can end in on a page (as in axe-core)."""

    violation = "violation"
    incomplete = "incomplete"
    passed = "pass"
    inapplicable = "inapplicable"

    @property
    def rank(self) -> int:
        # Worst first: the outcome a rule ends in on a page is the worst of its results.
        return {"violation": 4, "incomplete": 3, "pass": 2, "inapplicable": 1}[self.value]


class Category(str, Enum):
    ai_disclosure = "ai-disclosure"
    provenance = "provenance"
    consent = "consent"
    attribution = "attribution"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Location(_Model):
    """Where a fact sits in its page: CSS selector (HTML only), 1-based line and column, snippet."""

    selector: str | None = None
    line: int = Field(ge=0)
    column: int = Field(ge=0)
    snippet: str = ""


class ItemRef(_Model):
    """The item of a page a result is about: the main article, a teaser, a figure, the banner..."""

    id: str
    kind: str
    label: str = ""


class Result(_Model):
    code: str
    name: str
    category: Category
    severity: Severity
    outcome: Outcome
    message: str
    item: ItemRef | None = None
    location: Location | None = None
    evidence: list[Location] = Field(default_factory=list)


class Disclosure(_Model):
    """A visible (or hidden) AI disclosure found on a page and the item it is tied to."""

    disclosure_class: str
    text: str
    language: str
    placement: str
    item: ItemRef | None
    scope: str
    location: Location


class MachineSignalRecord(_Model):
    """A machine-readable AI signal in the page (schema.org/IPTC digitalSourceType, AIGC meta,
    ai-disclosure meta or attribute, C2PA link): what it says and whether it is well formed."""

    kind: str
    source: str
    value: str
    says_ai: bool | None
    strength: str
    problem: str | None = None
    item: ItemRef
    location: Location | None = None


class ChatWidgetRecord(_Model):
    """A chat or assistant widget found on the page (EU AI Act Art. 50(1))."""

    name: str
    ai: str  # always: an AI agent by design; maybe: a chat tool that can run an AI bot
    recognised_by: str
    disclosure: str | None = None


class Mark(_Model):
    """A machine-readable provenance mark inside an image file: C2PA, IPTC XMP, China's AIGC label."""

    kind: str  # c2pa | iptc | aigc | iptc-ai-fields
    carrier: str  # where it sits: "JPEG APP11 (JUMBF)", "XMP in PNG iTXt", "PNG tEXt AIGC", ...
    says_ai: bool | None  # True: AI-made; False: a non-AI source (e.g. digitalCapture); None: no claim
    digital_source_type: str | None = None
    value: str = ""
    problem: str | None = None
    validation: str | None = None  # c2pa: valid | untrusted | tampered | invalid | unreadable
    validation_codes: list[str] = Field(default_factory=list)
    signer: str | None = None
    claim_generator: str | None = None
    actions: list[str] = Field(default_factory=list)
    remote_manifest: bool = False


class FileMarks(_Model):
    """What one image file carries, read without trusting it."""

    media_type: str | None = None
    format: str | None = None
    width: int | None = None
    height: int | None = None
    size: int
    sha256: str
    marks: list[Mark] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)

    @property
    def says_ai(self) -> bool | None:
        claims = [m.says_ai for m in self.marks if m.says_ai is not None]
        if any(claims):
            return True
        return False if claims else None


class ProvenanceRecord(_Model):
    """An image of the page: where its bytes came from, the marks they carry, and the visible label
    and page markup they were matched with (the provenance card)."""

    image: ItemRef
    src: str
    origin: str  # local-file | data-uri | missing | error
    path: str | None = None
    tried: list[str] = Field(default_factory=list)
    error: str | None = None
    file: FileMarks | None = None
    visible_label: str | None = None
    page_mark: str | None = None
    location: Location | None = None
    # A small JPEG data URI re-encoded from the pixels, for images a label, a mark or the page's
    # markup says something about (the HTML report shows it).
    thumbnail: str | None = None


class TrackerRecord(_Model):
    name: str
    category: str
    purpose: str
    how: str
    held_back: bool  # cannot run before consent (type="text/plain", data-src ...)


class SourcedValue(_Model):
    value: str
    source: str  # visible | meta | json-ld | json-ld-organization | rel-author | itemprop | class | time | link
    location: Location | None = None
    kind: str | None = None  # authors: person | agency | desk | bot | brand; sources: link | agency
    url: str | None = None  # authors: the profile page the byline links to
    day: str | None = None  # dates: the calendar day read from the value (YYYY-MM-DD)


class ImageCredit(_Model):
    """An editorial image's credit or source line, and what it says the image is."""

    image: str  # the image's src as written in the page
    value: str
    kind: str  # ai-tool | illustration | stock | agency | photo | other
    location: Location | None = None


class AttributionRecord(_Model):
    """Who wrote the main article and when, its image credits and cited sources, each with where it
    came from."""

    authors: list[SourcedValue] = Field(default_factory=list)
    other_authors: list[SourcedValue] = Field(default_factory=list)
    published: list[SourcedValue] = Field(default_factory=list)
    modified: list[SourcedValue] = Field(default_factory=list)
    image_credits: list[ImageCredit] = Field(default_factory=list)
    sources: list[SourcedValue] = Field(default_factory=list)
    # When the page was fetched and how that is known (option | warc | http-date); a file's
    # modification time is used by the date checks but not written, so reports stay reproducible.
    crawled_at: str | None = None
    crawled_at_source: str | None = None


class CookieNotice(_Model):
    """The page's consent record: the banner, how it was recognised, its choices, and what the
    page's scripts do about consent."""

    found: bool
    cmp: str | None = None
    recognised_by: str | None = None
    banner_in_html: bool = False  # False when a platform injects its banner at run time
    choices: list[str] = Field(default_factory=list)
    choice_texts: list[str] = Field(default_factory=list)
    policy_link: str | None = None
    purposes: list[str] = Field(default_factory=list)
    prechecked_boxes: int = 0
    legitimate_interest: bool = False
    implied_consent: bool = False
    tcf: bool = False
    gpp: bool = False
    consent_mode: dict[str, str] = Field(default_factory=dict)
    held_back_scripts: int = 0
    trackers: list[TrackerRecord] = Field(default_factory=list)
    location: Location | None = None


class StoredJSON(Protocol):
    """A value kept on disk while a run's reports are written (auditor.pagestore.StoredRecord)."""

    def read(self) -> bytes:
        """The value as JSON."""
        ...


class ConsentSummary(_Model):
    """A site's consent picture: platforms in use, banner coverage, trackers per page."""

    # (Not in the docstring, which is the JSON Schema's description.) `trackers_by_page` has an entry
    # for every page that loads trackers, as long as the site: a run leaves it on disk
    # (`keep_trackers_on_disk`), empty here, so that the main process does not hold it for every site
    # until the reports are written. Read it through `site_consent`.

    pages: int = 0
    pages_with_notice: int = 0
    pages_without_notice: list[str] = Field(default_factory=list)
    cmps: dict[str, int] = Field(default_factory=dict)
    trackers: dict[str, int] = Field(default_factory=dict)
    trackers_by_page: dict[str, list[str]] = Field(default_factory=dict)
    pages_with_trackers_before_consent: int = 0
    _trackers_stored: StoredJSON | None = PrivateAttr(default=None)  # where trackers_by_page is, if on disk

    def keep_trackers_on_disk(self, stored: StoredJSON | None) -> None:
        """Drop `trackers_by_page` from memory: `stored` holds it (as JSON), `site_consent` reads it back
        (None: a reference dropped, to be given again, as a forked site phase does before it sends)."""
        self.trackers_by_page = {}
        self._trackers_stored = stored

    def stored_trackers(self) -> StoredJSON | None:
        """Where `trackers_by_page` is on disk, if it is."""
        return self._trackers_stored

    def __eq__(self, other: object) -> bool:
        # Equal summaries whether their trackers_by_page is in memory or on disk (a run's report
        # compared with the same report read from its JSON).
        if not isinstance(other, ConsentSummary):
            return NotImplemented
        return BaseModel.__eq__(_with_trackers(self), _with_trackers(other))


def _with_trackers(summary: ConsentSummary) -> ConsentSummary:
    """The summary with its trackers_by_page in memory (a copy when it was on disk)."""
    stored = summary._trackers_stored
    if stored is None:
        return summary
    loaded = summary.model_copy(update={"trackers_by_page": json.loads(stored.read())})
    loaded._trackers_stored = None
    return loaded


class SuppressionRecord(_Model):
    """An inline suppression comment of the page and how many findings it silenced (0: unused)."""

    kind: str  # disable | disable-next | enable
    codes: list[str] = Field(default_factory=list)  # empty: every rule
    line: int
    target_line: int = 0  # disable-next: the line of the element it applies to
    reason: str = ""
    suppressed: int = 0


class PageReport(_Model):
    path: str
    url: str | None
    site: str
    sha256: str
    input_format: str
    encoding: str | None = None
    language: str | None = None
    title: str | None = None
    rule_outcomes: dict[str, Outcome] = Field(default_factory=dict)
    results: list[Result] = Field(default_factory=list)
    disclosures: list[Disclosure] = Field(default_factory=list)
    signals: list[MachineSignalRecord] = Field(default_factory=list)
    chat_widgets: list[ChatWidgetRecord] = Field(default_factory=list)
    provenance: list[ProvenanceRecord] = Field(default_factory=list)
    attribution: AttributionRecord | None = None
    consent: CookieNotice | None = None
    suppressions: list[SuppressionRecord] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # limits hit while reading the page (auditor/limits.py)


class InputError(_Model):
    path: str
    error: str
    site: str | None = None


class Totals(_Model):
    """Counts for a site or a run. by_outcome and by_rule count results, plus one `inapplicable`
    per page and rule that did not apply; by_severity and by_category count violations only."""

    pages: int = 0
    errors: int = 0
    by_outcome: dict[str, int] = Field(default_factory=dict)
    by_severity: dict[str, int] = Field(default_factory=dict)
    by_category: dict[str, int] = Field(default_factory=dict)
    by_rule: dict[str, dict[str, int]] = Field(default_factory=dict)


class Reference(_Model):
    title: str
    url: str


class RuleInfo(_Model):
    code: str
    name: str
    category: Category
    severity: Severity
    summary: str
    rationale: str
    remediation: str
    references: list[Reference] = Field(default_factory=list)
    jurisdictions: list[str] = Field(default_factory=list)  # empty: applies everywhere


class RulePackInfo(_Model):
    name: str
    version: str
    sha256: str


class ToolInfo(_Model):
    name: str = "auditor"
    version: str
    report_format: str = REPORT_FORMAT_VERSION


class KindCount(_Model):
    items: int
    ai_labelled: int


class AILabelSummary(_Model):
    """How a site uses AI labels: share of items labelled, the wordings used and how consistently."""

    items: int = 0
    ai_labelled_items: int = 0
    share: float = 0.0
    pages_with_ai_labels: int = 0
    by_kind: dict[str, KindCount] = Field(default_factory=dict)
    wordings: dict[str, int] = Field(default_factory=dict)
    classes: dict[str, int] = Field(default_factory=dict)
    dominant_wording: str | None = None
    dominant_share: float | None = None


class SiteReport(_Model):
    tool: ToolInfo
    rule_packs: list[RulePackInfo]
    generated_at: str | None = None
    site: str
    fail_on: Severity
    totals: Totals
    ai_labels: AILabelSummary = Field(default_factory=AILabelSummary)
    consent: ConsentSummary = Field(default_factory=ConsentSummary)
    rules: list[RuleInfo]
    # A list when read from JSON; a lazy sequence read from disk page by page (auditor.pagestore)
    # when a run made it, so that a site of 100,000 pages is never in memory at once.
    pages: Sequence[PageReport]
    errors: list[InputError] = Field(default_factory=list)
    # Archive records that hold no page, by reason (revisit, status:404, type:application/pdf ...).
    skipped: dict[str, int] = Field(default_factory=dict)

    @field_serializer("pages", mode="plain", return_type=list[PageReport])
    def _pages(self, pages: Sequence[PageReport]) -> Any:
        # A lazy sequence is dumped as the list it stands for (the whole site: small sites, tests).
        return pages if isinstance(pages, list) else list(pages)


def site_consent(report: SiteReport) -> ConsentSummary:
    """The site's consent summary with `trackers_by_page` filled: read back from the run's page store
    when the run left it there (a report that `Engine.finish` made; the record is readable in a
    forked report writer too), else the report's own (a report read from JSON). What every reader
    of `trackers_by_page` goes through."""
    return _with_trackers(report.consent)


class SiteSummary(_Model):
    site: str
    json_report: str
    html_report: str
    totals: Totals


class IndexReport(_Model):
    tool: ToolInfo
    rule_packs: list[RulePackInfo]
    generated_at: str | None = None
    fail_on: Severity
    exit_code: int
    totals: Totals
    # A list when read from JSON; a lazy sequence read from disk site by site when a run made it
    # (auditor.sitereports.SiteSummaries), so that the index of 100,000 sites is never in memory at once.
    sites: Sequence[SiteSummary]
    errors: list[InputError] = Field(default_factory=list)
    skipped: dict[str, int] = Field(default_factory=dict)  # archive records that hold no page, by reason

    @field_serializer("sites", mode="plain", return_type=list[SiteSummary])
    def _sites(self, sites: Sequence[SiteSummary]) -> Any:
        return sites if isinstance(sites, list) else list(sites)
