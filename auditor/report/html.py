"""Self-contained HTML views of a SiteReport and an IndexReport.

Why this shape: a report is opened from disk, mailed around and archived, and it quotes hostile
page content (messages, snippets, titles, URLs). So the file is self-contained: inline CSS, one small
inline script of our own (filtering; the page is complete without it), inline SVG charts, no fonts,
no images, nothing fetched. A Content-Security-Policy of `default-src 'none'` backs that up; the
only style and script it allows are ours, by their SHA-256 computed here at render time, so nothing
that slipped into the markup could run or restyle the page.

The templates draw the frame and the dashboard; what repeats per finding, per page and per rule
(thousands of times on a big site) is written by `html_records`, the same markup made far faster.
Every string from a report is escaped: by Jinja's autoescape in the templates (no template marks
data `|safe`), by `html_records` as it writes each value (the records reach the templates as
`Markup` made there, never here). The only `Markup` made here wraps the report's own CSS and
JavaScript (files beside the templates, never page data). Matched text in a snippet is highlighted
by splitting the plain text into pieces in Python (`highlight`); each piece is escaped and the
matched ones are wrapped in `<mark>`.
Page-derived URLs are shown as text, never as links; only rule reference URLs with an http(s)
scheme, report file names of the tool's own making and the report's own `#fragment`s become `href`s.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import re
from collections import Counter
from collections.abc import Container, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from auditor.models import (
    Category,
    ConsentSummary,
    IndexReport,
    Location,
    Outcome,
    PageReport,
    Result,
    RuleInfo,
    Severity,
    SiteReport,
    SiteSummary,
    Totals,
    site_consent,
)
from auditor.report import html_records
from auditor.report.html_records import (
    CHUNK,
    OUTCOMES,
    SEVERITIES,
    THUMB_PREFIX,
    RecordSpool,
    finding_html,
    page_html,
    page_option,
)
from auditor.sequences import LazySequence

RESULT_OUTCOMES: tuple[str, ...] = ("violation", "incomplete", "pass")  # the outcomes a Result can carry
CATEGORY_TITLES: dict[str, str] = {
    Category.ai_disclosure.value: "AI disclosure",
    Category.provenance.value: "Image provenance",
    Category.consent.value: "Cookie consent",
    Category.attribution.value: "Attribution",
}
OPEN_FINDINGS_UP_TO = 60  # findings start expanded when a site has at most this many
OPEN_PAGES_UP_TO = 10  # page records start expanded when a site has at most this many pages
WORST_PAGES = 10
RULE_CHART_ROWS = 15
SYMBOLS: dict[str, str] = {"fail": "✗", "review": "!", "pass": "✓", "none": "–"}  # verdicts, beside their words

_SAFE_FILE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
# A quotation in a result message: opens after a space or bracket, closes before a space or punctuation,
# so apostrophes inside the quoted text ("Korea's") do not end it.
_QUOTED = re.compile(r"(?:^|(?<=[\s(\[]))'(.+?)'(?=[\s,.;:)\]]|$)")


# --- assets and CSP ----------------------------------------------------------------------------


@cache
def _asset(name: str) -> str:
    text = files("auditor.report").joinpath("templates").joinpath(name).read_text(encoding="utf-8")
    closing = "</style" if name.endswith(".css") else "</script"
    if closing in text.lower():  # would end the raw-text element early
        raise ValueError(f"report asset {name} contains {closing}")
    return text


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline style or script text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(css: str, js: str | None) -> str:
    """Everything `'none'` but our one stylesheet and, on site reports, our one script."""
    script = csp_hash(js) if js is not None else "'none'"
    return (f"default-src 'none'; style-src {csp_hash(css)}; script-src {script}; img-src data:; "
            "font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'")


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("auditor", "report/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # package files: no need to look at their dates on every report
    )
    env.filters["short"] = _short
    env.filters["pct"] = _pct
    env.filters["plural"] = _plural
    env.tests["safe_file"] = _is_safe_file
    env.globals["OUTCOMES"] = OUTCOMES
    env.globals["SEVERITIES"] = SEVERITIES
    env.globals["SYMBOLS"] = SYMBOLS
    env.globals["chart_head"] = html_records.chart_head
    env.globals["tracker_rows"] = html_records.tracker_rows
    env.globals["code_list"] = html_records.code_list
    return env


def _render(template: str, *, script: bool, **context: object) -> str:
    return "".join(_generate(template, script=script, **context))


def _generate(template: str, *, script: bool, **context: object) -> Iterator[str]:
    """The template's text in pieces of about CHUNK characters (nothing is joined in memory but a
    piece; Jinja's pieces are single tags and values, and writing each cost more than rendering).
    Counted in characters, not in Jinja's pieces: some pieces are whole runs of findings or pages."""
    css = _asset("report.css")
    js = _asset("report.js") if script else None
    pieces = _env().get_template(template).generate(
        csp=content_security_policy(css, js),
        # Our own static assets, never page data: inserted verbatim so that the hashes match.
        css=Markup(css),
        js=Markup(js) if js is not None else None,
        **context,
    )
    buf: list[str] = []
    size = 0
    for piece in pieces:
        buf.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(buf)
            buf.clear()
            size = 0
    if buf:
        yield "".join(buf)


# --- small filters -----------------------------------------------------------------------------


def _short(digest: str, n: int = 12) -> str:
    return digest[:n]


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _is_safe_file(name: str) -> bool:
    """A bare file name in the same folder: no scheme, no path, nothing resolved elsewhere."""
    return _SAFE_FILE.fullmatch(name) is not None and name not in (".", "..")


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --- highlighting ------------------------------------------------------------------------------

Piece = tuple[str, bool]  # (plain text, matched?)


def highlight(text: str, needles: Iterable[str]) -> tuple[Piece, ...]:
    """Split `text` into plain pieces, flagging those that are occurrences of any needle.

    The pieces are plain text: `html_records.pieces` escapes each one and wraps the flagged ones in
    `<mark>`, so a highlight can never turn page content into markup."""
    spans: list[tuple[int, int]] = []
    for needle in {n for n in needles if len(n.strip()) >= 2}:
        start = text.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = text.find(needle, start + len(needle))
    if not spans:
        return ((text, False),) if text else ()
    spans.sort()
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    pieces: list[Piece] = []
    pos = 0
    for a, b in merged:
        if a > pos:
            pieces.append((text[pos:a], False))
        pieces.append((text[a:b], True))
        pos = b
    if pos < len(text):
        pieces.append((text[pos:], False))
    return tuple(pieces)


def quoted(message: str) -> list[str]:
    """The texts a result message quotes ('Reported by AI', 'Decline'): what the finding matched."""
    return [m.group(1) for m in _QUOTED.finditer(message)]


@lru_cache(maxsize=1024)
def _quoted(message: str) -> tuple[str, ...]:
    """`quoted`, remembered: a rule's findings mostly share their message."""
    return tuple(quoted(message))


# --- view models -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snip:
    """A location with its snippet split for highlighting."""

    location: Location
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class FindingView:
    result: Result
    page_no: int
    page: PageLabel
    at: Snip | None
    evidence: tuple[Snip, ...]
    thumbnail: str | None = None  # a JPEG data URI the tool made itself (ProvenanceRecord.thumbnail)


@dataclass(frozen=True)
class RuleGroup:
    rule: RuleInfo
    findings: Iterable[Markup]  # their HTML, in report order, read back from disk as the template goes
    counts: dict[str, int]
    worst: int  # the rank of its worst outcome


@dataclass(frozen=True)
class Verdict:
    key: str
    title: str
    state: str  # fail | review | pass | none
    word: str
    symbol: str
    reason: str
    violations: dict[str, int]
    incomplete: int
    passed: int


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    cls: str
    value: int
    name: str


@dataclass(frozen=True)
class BarRow:
    label: str
    full_label: str
    y: float
    segments: tuple[Segment, ...]
    value_text: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    rows: tuple[BarRow, ...]
    height: float
    legend: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class WorstPage:
    page_no: int
    page: PageLabel
    violations: dict[str, int]
    incomplete: int


# Chart geometry, in SVG user units (the SVG scales to the width of its box).
CHART_W = 480.0
CHART_LABEL_W = 180.0
CHART_BAR_W = 230.0
CHART_ROW = 26.0
CHART_BAR_H = 16.0


def _bar_row(index: int, label: str, parts: Sequence[tuple[str, int, str]], scale: int, value_text: str) -> BarRow:
    x = CHART_LABEL_W
    segments: list[Segment] = []
    for cls, value, name in parts:
        if value <= 0:
            continue
        width = round(CHART_BAR_W * value / scale, 2) if scale else 0.0
        segments.append(Segment(x=round(x, 2), width=width, cls=cls, value=value, name=name))
        x += width
    return BarRow(label=_clip(label, 20), full_label=label, y=round(index * CHART_ROW, 2),
                  segments=tuple(segments), value_text=value_text)


def _chart(chart_id: str, title: str, desc: str, rows: list[BarRow],
           legend: Sequence[tuple[str, str]]) -> Chart:
    return Chart(id=chart_id, title=title, desc=desc, rows=tuple(rows),
                 height=round(max(len(rows), 1) * CHART_ROW, 2), legend=tuple(legend))


def _fails(severity: Severity, fail_on: Severity) -> bool:
    return severity.rank >= fail_on.rank


@dataclass
class Tally:
    """Counts of results that a verdict is drawn from (one per category, one for the site)."""

    violations: Counter[str] = field(default_factory=Counter)  # by severity
    failing: int = 0  # violations at or above the fail-on level
    incomplete: int = 0
    passed: int = 0

    def add(self, r: Result, fail_on: Severity) -> None:
        if r.outcome is Outcome.violation:
            self.violations[r.severity.value] += 1
            self.failing += 1 if _fails(r.severity, fail_on) else 0
        elif r.outcome is Outcome.incomplete:
            self.incomplete += 1
        elif r.outcome is Outcome.passed:
            self.passed += 1


def _verdict(key: str, title: str, tally: Tally, fail_on: Severity) -> Verdict:
    violations, incomplete, passed, failing = tally.violations, tally.incomplete, tally.passed, tally.failing
    below = sum(violations.values()) - failing
    by_sev = {s: violations.get(s, 0) for s in SEVERITIES}
    if failing:
        detail = ", ".join(f"{by_sev[s]} {s}" for s in SEVERITIES if by_sev[s])
        return Verdict(key, title, "fail", "Fails", SYMBOLS["fail"],
                       f"{_plural(failing, 'violation')} at or above the fail-on level "
                       f"({fail_on.value}); all violations: {detail}.", by_sev, incomplete, passed)
    if below or incomplete:
        bits = []
        if below:
            bits.append(f"{_plural(below, 'violation')} below the fail-on level ({fail_on.value})")
        if incomplete:
            bits.append(f"{_plural(incomplete, 'result')} a person must check")
        return Verdict(key, title, "review", "Needs review", SYMBOLS["review"], "; ".join(bits) + ".", by_sev,
                       incomplete, passed)
    if passed:
        return Verdict(key, title, "pass", "Passes", SYMBOLS["pass"],
                       f"{_plural(passed, 'check')} passed, nothing to fix.", by_sev, incomplete, passed)
    return Verdict(key, title, "none", "Not applicable", SYMBOLS["none"],
                   "No rule of this category applied to these pages.", by_sev, incomplete, passed)


def _site_verdict_from_totals(totals: Totals, fail_on: Severity) -> tuple[str, str]:
    """(state, word) of a whole site from its totals alone, as the index shows it; the same rule as
    the site report's verdict."""
    if any(n and _fails(Severity(s), fail_on) for s, n in totals.by_severity.items()):
        return "fail", "Fails"
    if sum(totals.by_severity.values()) or totals.by_outcome.get("incomplete", 0):
        return "review", "Needs review"
    if totals.by_outcome.get("pass", 0):
        return "pass", "Passes"
    return "none", "Not applicable"


def _finding(result: Result, page_no: int, page: PageReport,
             disclosed: dict[tuple[int, int], list[str]]) -> FindingView:
    needles = _quoted(result.message)

    def snip(loc: Location) -> Snip:
        # What the message quotes, and the text of any disclosure found at this very position.
        return Snip(location=loc, pieces=highlight(loc.snippet, [*needles, *disclosed.get((loc.line, loc.column), [])]))

    def key(loc: Location) -> tuple[str | None, int, int, str]:
        return (loc.selector, loc.line, loc.column, loc.snippet)

    at = snip(result.location) if result.location is not None else None
    # Evidence that repeats the location, or an earlier piece of evidence, is shown once.

    seen = {key(result.location)} if result.location is not None else set()
    evidence: list[Snip] = []
    for e in result.evidence:
        if key(e) not in seen:
            seen.add(key(e))
            evidence.append(snip(e))
    return FindingView(result=result, page_no=page_no, page=PageLabel(page.path, page.title), at=at,
                       evidence=tuple(evidence),
                       thumbnail=_thumbnail_of(page, result))


def _thumbnail_of(page: PageReport, result: Result) -> str | None:
    """The thumbnail of the image a finding is about, when the crawl held its bytes."""
    if result.item is None or result.item.kind != "image":
        return None
    for card in page.provenance:
        if card.image.id == result.item.id and card.thumbnail and card.thumbnail.startswith(THUMB_PREFIX):
            return card.thumbnail
    return None


@dataclass(frozen=True)
class RuleRow:
    rule: RuleInfo
    violations: int
    incomplete: int


def _rule_rows(report: SiteReport, rules: list[RuleInfo]) -> list[RuleRow]:
    """Rules with violations or incomplete results: severity first, then most violations."""
    info = {r.code: r for r in rules}
    rows: list[RuleRow] = []
    for code, counts in report.totals.by_rule.items():
        v, i = counts.get("violation", 0), counts.get("incomplete", 0)
        rule = info.get(code)  # every code with results is in `rules` (see _all_rules)
        if (v or i) and rule is not None:
            rows.append(RuleRow(rule, v, i))
    rows.sort(key=lambda r: (-r.rule.severity.rank, -r.violations, -r.incomplete, r.rule.code))
    return rows


def _rule_chart(rule_rows: list[RuleRow]) -> Chart:
    drawn = rule_rows[:RULE_CHART_ROWS]
    scale = max((r.violations + r.incomplete for r in drawn), default=0)
    rows = []
    for n, r in enumerate(drawn):
        sev = r.rule.severity.value
        rows.append(_bar_row(n, f"{r.rule.code} {r.rule.name}".strip(),
                             [(f"c-{sev}", r.violations, f"{sev} violations"),
                              ("c-incomplete", r.incomplete, "incomplete")],
                             scale, str(r.violations + r.incomplete)))
    desc = "; ".join(f"{r.rule.code}: {r.violations} {r.rule.severity.value} violation(s), {r.incomplete} incomplete"
                     for r in drawn) or "No violations and nothing incomplete."
    title = "Findings by rule and severity"
    if len(rule_rows) > len(drawn):
        title += f" (top {len(drawn)} of {len(rule_rows)} rules)"
    return _chart("chart-rules", title, desc, rows,
                  [("c-error", "error violations"), ("c-warning", "warning violations"),
                   ("c-info", "info violations"), ("c-incomplete", "incomplete: a person must check")])


def _ai_chart(report: SiteReport) -> Chart:
    ai = report.ai_labels
    kinds = sorted(ai.by_kind.items(), key=lambda kv: (-kv[1].items, kv[0]))
    rows = [_bar_row(0, "all items", [("c-ai", ai.ai_labelled_items, "labelled AI-made"),
                                      ("c-rest", ai.items - ai.ai_labelled_items, "not labelled")],
                     ai.items, f"{ai.ai_labelled_items} / {ai.items}")] if ai.items else []
    for n, (kind, count) in enumerate(kinds, start=1):
        rows.append(_bar_row(n, kind, [("c-ai", count.ai_labelled, "labelled AI-made"),
                                       ("c-rest", count.items - count.ai_labelled, "not labelled")],
                             count.items, f"{count.ai_labelled} / {count.items}"))
    desc = (f"{ai.ai_labelled_items} of {ai.items} items ({_pct(ai.share)}) carry an AI label; "
            + "; ".join(f"{k}: {c.ai_labelled} of {c.items}" for k, c in kinds)) if ai.items else \
        "No articles, teasers or figures were found."
    return _chart("chart-ai", "Share of AI-labelled items", desc, rows,
                  [("c-ai", "labelled AI-made"), ("c-rest", "not labelled")])


def _consent_chart(cs: ConsentSummary) -> Chart:
    """The chart of the site's consent summary (`site_consent`: with trackers_by_page read back)."""
    rows: list[BarRow] = []
    if cs.pages:
        rows.append(_bar_row(0, "cookie notice", [("c-pass", cs.pages_with_notice, "pages with a notice"),
                                                  ("c-error", cs.pages - cs.pages_with_notice,
                                                   "pages without a notice")],
                             cs.pages, f"{cs.pages_with_notice} / {cs.pages}"))
        tracked = len(cs.trackers_by_page)
        rows.append(_bar_row(1, "trackers loaded", [("c-warning", tracked, "pages loading trackers"),
                                                    ("c-rest", cs.pages - tracked, "pages without trackers")],
                             cs.pages, f"{tracked} / {cs.pages}"))
        early = cs.pages_with_trackers_before_consent
        rows.append(_bar_row(2, "trackers before consent",
                             [("c-error", early, "pages loading trackers before consent"),
                              ("c-rest", cs.pages - early, "other pages")],
                             cs.pages, f"{early} / {cs.pages}"))
    desc = (f"{cs.pages_with_notice} of {cs.pages} pages show a cookie notice; {len(cs.trackers_by_page)} "
            f"load trackers; {cs.pages_with_trackers_before_consent} load trackers before consent.") \
        if cs.pages else "No pages."
    return _chart("chart-consent", "Consent coverage across pages", desc, rows,
                  [("c-pass", "with a notice"), ("c-error", "without a notice / trackers before consent"),
                   ("c-warning", "loads trackers"), ("c-rest", "other pages")])


@dataclass(frozen=True)
class PageLabel:
    """What the dashboard shows of a page: its path and title (not the page itself)."""

    path: str
    title: str | None


def _worst_chart(worst: list[WorstPage], scored: int) -> Chart:
    scale = max((sum(w.violations.values()) + w.incomplete for w in worst), default=0)
    rows = [
        _bar_row(i, w.page.title or w.page.path,
                 [("c-error", w.violations["error"], "error violations"),
                  ("c-warning", w.violations["warning"], "warning violations"),
                  ("c-info", w.violations["info"], "info violations"),
                  ("c-incomplete", w.incomplete, "incomplete")],
                 scale, str(sum(w.violations.values()) + w.incomplete))
        for i, w in enumerate(worst)
    ]
    desc = "; ".join(
        f"{_clip(w.page.path, 60)}: {w.violations['error']} error, {w.violations['warning']} warning, "
        f"{w.violations['info']} info violation(s), {w.incomplete} incomplete" for w in worst
    ) or "No page has a violation or an incomplete result."
    return _chart("chart-pages", f"Worst pages (top {WORST_PAGES})" if scored > WORST_PAGES
                  else "Pages with findings", desc, rows,
                  [("c-error", "error violations"), ("c-warning", "warning violations"),
                   ("c-info", "info violations"), ("c-incomplete", "incomplete")])


# The spool's parts besides findings (whose parts are (rule code, outcome); no outcome is "pages").
_PAGE_OPTIONS = ("", "pages")  # the page filter's options
_PAGE_RECORDS = ("", "pages", "records")


@dataclass(frozen=True)
class _Records:
    """Parts of a RecordSpool, read back (in pieces) each time the template iterates them."""

    spool: RecordSpool
    parts: Sequence[Hashable]
    opened: bool = False
    links: Container[str] | None = None

    def __iter__(self) -> Iterator[Markup]:
        for part in self.parts:
            yield from self.spool.read(part, self.opened, self.links)


class _SiteScan:
    """The one pass over a site's pages: gathers what the report shows (rules, verdicts, filters, the
    worst pages) and writes each finding as HTML into a part per rule and outcome (in page order) of a
    RecordSpool, and each page's record into a part of its own, so that no page and no finding is kept
    in memory and no page is read twice (reading a page back costs about as much as writing its record)."""

    def __init__(self, report: SiteReport, spool: RecordSpool) -> None:
        self.report = report
        self.spool = spool
        self.rules: list[RuleInfo] = list(report.rules)
        self.tallies: dict[Category, Tally] = {c: Tally() for c in Category}
        self.overall = Tally()
        self.outcome: Counter[str] = Counter()
        self.severity: Counter[str] = Counter()
        self.category: Counter[str] = Counter()
        self.by_rule: Counter[str] = Counter()
        self.counts: dict[str, Counter[str]] = {}
        self.findings_total = 0
        self.pages = 0
        self.worst: list[tuple[tuple[int, int, int, int, str, int], WorstPage]] = []
        self.scored = 0

    def run(self) -> None:
        fail_on = self.report.fail_on
        known = {r.code: r for r in self.rules}
        open_pages = len(self.report.pages) <= OPEN_PAGES_UP_TO
        try:
            for n, page in enumerate(self.report.pages):
                self.pages += 1
                if page.results:
                    self.spool.write(_PAGE_OPTIONS, page_option(n, page.path, len(page.results)))
                disclosed: dict[tuple[int, int], list[str]] = {}
                for d in page.disclosures:
                    disclosed.setdefault((d.location.line, d.location.column), []).append(d.text)
                violations: Counter[str] = Counter()
                incomplete = 0
                for res in page.results:
                    rule = known.get(res.code)
                    if rule is None:  # a rule with results but no description: shown all the same
                        rule = known[res.code] = RuleInfo(code=res.code, name=res.name, category=res.category,
                                                          severity=res.severity, summary="", rationale="",
                                                          remediation="")
                        self.rules.append(rule)
                    self.overall.add(res, fail_on)
                    self.tallies[res.category].add(res, fail_on)
                    outcome, severity = res.outcome.value, res.severity.value  # (.value is slow)
                    self.outcome[outcome] += 1
                    self.severity[severity] += 1
                    self.category[res.category.value] += 1
                    self.by_rule[res.code] += 1
                    self.counts.setdefault(res.code, Counter())[outcome] += 1
                    if res.outcome is Outcome.violation:
                        violations[severity] += 1
                    elif res.outcome is Outcome.incomplete:
                        incomplete += 1
                    # Into the part of its rule and outcome: the report lists them by rule, worst
                    # outcome first, then in page order.
                    self.findings_total += 1
                    self.spool.write((res.code, outcome), finding_html(_finding(res, n, page, disclosed), rule))
                if violations or incomplete:
                    self._score(n, page, violations, incomplete)
                # Its rules with findings so far (this page's too) link to them; the rest are settled
                # when the records are read back (html_records.settle_links).
                self.spool.write(_PAGE_RECORDS, page_html(page, n, open_pages, self.counts))
        finally:
            self.spool.finish()

    def _score(self, n: int, page: PageReport, violations: Counter[str], incomplete: int) -> None:
        self.scored += 1
        v = {s: violations.get(s, 0) for s in SEVERITIES}
        key = (-v["error"], -v["warning"], -v["info"], -incomplete, page.path, n)
        if len(self.worst) == WORST_PAGES and key >= self.worst[-1][0]:
            return
        bisect.insort(self.worst, (key, WorstPage(n, PageLabel(page.path, page.title), v, incomplete)),
                      key=lambda entry: entry[0])
        del self.worst[WORST_PAGES:]

    def groups(self) -> list[RuleGroup]:
        ranks = sorted(Outcome, key=lambda o: -o.rank)
        opened = self.findings_total <= OPEN_FINDINGS_UP_TO
        groups: list[RuleGroup] = []
        for rule in self.rules:
            counts = self.counts.get(rule.code)
            if not counts:
                continue
            parts = [(rule.code, o.value) for o in ranks if (rule.code, o.value) in self.spool]
            worst = max(Outcome(o).rank for o in counts)
            groups.append(RuleGroup(rule=rule, findings=_Records(self.spool, parts, opened),
                                    counts={o: counts.get(o, 0) for o in RESULT_OUTCOMES}, worst=worst))
        groups.sort(key=lambda g: (-g.worst, -g.rule.severity.rank, g.rule.code))
        return groups

    def facets(self) -> dict[str, Iterable[Facet]]:
        return {
            "o": [Facet(o, o, self.outcome.get(o, 0)) for o in RESULT_OUTCOMES],
            "s": [Facet(s, s, self.severity.get(s, 0)) for s in SEVERITIES],
            "c": [Facet(c.value, CATEGORY_TITLES.get(c.value, c.value), self.category.get(c.value, 0))
                  for c in Category],
            "r": [Facet(r.code, f"{r.code} {r.name}", self.by_rule[r.code]) for r in self.rules
                  if self.by_rule.get(r.code)],
        }


def render_site_html(report: SiteReport) -> str:
    """The HTML report of one site: dashboard, findings with filters, rules, pages."""
    return "".join(site_html_chunks(report))


def site_html_chunks(report: SiteReport) -> Iterator[str]:
    """The HTML report of one site, in pieces: the pages are read once, one at a time, and their
    findings and records kept in a RecordSpool (on disk when they are big) until the template, which
    draws the dashboard and the frame around them, has got to them."""
    with RecordSpool() as spool:
        scan = _SiteScan(report, spool)
        scan.run()
        rules = scan.rules
        groups = scan.groups()
        verdicts = [_verdict(c.value, CATEGORY_TITLES[c.value], scan.tallies[c], report.fail_on) for c in Category]
        overall = _verdict("site", report.site, scan.overall, report.fail_on)
        worst = [w for _, w in scan.worst]
        rule_rows = _rule_rows(report, rules)
        consent = site_consent(report)  # with trackers_by_page, which a run leaves on disk
        grouped = {g.rule.code for g in groups}
        open_findings = scan.findings_total <= OPEN_FINDINGS_UP_TO
        yield from _generate(
            "site.html.j2",
            script=True,
            report=report,
            consent=consent,
            rules=rules,
            rule_names={r.code: r.name for r in rules},
            groups=groups,
            finding_records=html_records.finding_groups(groups, CATEGORY_TITLES, open_findings),
            rule_records=html_records.rules_table(rules, report.totals.by_rule, grouped),
            page_options=_Records(spool, [_PAGE_OPTIONS]),
            findings_total=scan.findings_total,
            page_records=_Records(spool, [_PAGE_RECORDS], links=html_records.link_targets(grouped)),
            overall=overall,
            verdicts=verdicts,
            facet_html={key: html_records.facet_options(f) if key == "r" else html_records.facet_boxes(key, f)
                        for key, f in scan.facets().items()},
            rule_rows=rule_rows,
            charts={"rules": _rule_chart(rule_rows), "ai": _ai_chart(report),
                    "consent": _consent_chart(consent), "pages": _worst_chart(worst, scan.scored)},
            worst_records=html_records.worst_rows(worst),
            chart_w=CHART_W, label_w=CHART_LABEL_W, bar_w=CHART_BAR_W, row_h=CHART_ROW, bar_h=CHART_BAR_H,
        )


@dataclass(frozen=True)
class IndexRow:
    summary: SiteSummary
    state: str
    word: str
    segments: tuple[Segment, ...]


INDEX_BAR_W = 120.0


def render_index_html(index: IndexReport) -> str:
    """The HTML index of a run: one row per site, with its verdict, linking to each site's reports."""
    return "".join(index_html_chunks(index))


def index_html_chunks(index: IndexReport) -> Iterator[str]:
    """`render_index_html` in pieces, each site's row made as the template gets to it: a run where
    every page is a site of its own has an index of 100,000 rows."""
    state, word = _site_verdict_from_totals(index.totals, index.fail_on)
    yield from _generate("index.html.j2", script=False, index=index, rows=_IndexRows(index), state=state, word=word,
                         bar_w=INDEX_BAR_W)


class _IndexRows(LazySequence[IndexRow]):
    """The index's rows, each made when it is asked for."""

    def __init__(self, index: IndexReport) -> None:
        self._index = index
        self._scale = max((sum(s.totals.by_severity.values()) for s in index.sites), default=0)

    def __len__(self) -> int:
        return len(self._index.sites)

    def _item(self, k: int) -> IndexRow:
        return self._row(self._index.sites[k])

    def __iter__(self) -> Iterator[IndexRow]:
        return map(self._row, self._index.sites)

    def _row(self, s: SiteSummary) -> IndexRow:
        x, segs = 0.0, []
        scale = self._scale
        for sev in SEVERITIES:
            n = s.totals.by_severity.get(sev, 0)
            if n and scale:
                w = round(INDEX_BAR_W * n / scale, 2)
                segs.append(Segment(x=round(x, 2), width=w, cls=f"c-{sev}", value=n, name=f"{sev} violations"))
                x += w
        state, word = _site_verdict_from_totals(s.totals, self._index.fail_on)
        return IndexRow(summary=s, state=state, word=word, segments=tuple(segs))
