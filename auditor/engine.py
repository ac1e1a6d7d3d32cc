"""The rule engine: pages in, results out; then the site phase; then totals.

Page phase: read, gather facts once, run every selected rule's check on them, keep the results and
a compact summary for site rules (the DOM is gone by then). Site phase: cross-page checks on those
summaries. A page that cannot be read or parsed becomes an input error in the report; the run goes
on.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from auditor import __version__
from auditor.analysis.consent import ConsentVocabulary, load_vocabulary
from auditor.analysis.context import PageContext
from auditor.analysis.disclosures import label_block_classifier
from auditor.analysis.summary import PageSummary, site_ai_summary, site_consent_summary, summarise
from auditor.checks import CHECKS, SITE_CHECKS, Finding
from auditor.checks.registry import Check
from auditor.config import Config
from auditor.facts.gather import gather_page
from auditor.inputs.files import PageSource, RawPage
from auditor.inputs.stream import InputItem, SkippedRecord, read_source, read_sources
from auditor.inputs.urls import NO_SITE, mirror_url, site_file_stem, site_of
from auditor.lexicon import Lexicon, load_lexicon
from auditor.models import (
    ChatWidgetRecord,
    IndexReport,
    InputError,
    Outcome,
    PageReport,
    Result,
    RulePackInfo,
    Severity,
    SiteReport,
    SiteSummary,
    SuppressionRecord,
    ToolInfo,
    Totals,
)
from auditor.rulepacks import RulePack, RuleSpec

if TYPE_CHECKING:
    from auditor.shards import ShardHeader, ShardItem


@dataclass(slots=True)
class Options:
    base_url: str | None = None
    site: str | None = None
    fail_on: Severity = Severity.error
    crawl_date: str | None = None  # ISO 8601 UTC; overrides WARC, Date header and file times
    config: Config | None = None  # per-path overrides and the site mapping of a project configuration


@dataclass(slots=True)
class SiteState:
    pages: list[PageReport] = field(default_factory=list)
    summaries: list[PageSummary] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


@dataclass(slots=True)
class RunResult:
    index: IndexReport
    sites: dict[str, SiteReport]


class Engine:
    def __init__(self, packs: tuple[RulePack, ...], rules: list[RuleSpec], options: Options) -> None:
        self.packs = packs
        self.rules = rules
        self.options = options
        self.lexicon: Lexicon = load_lexicon()
        self.vocabulary: ConsentVocabulary = load_vocabulary()
        self.classify = label_block_classifier(self.lexicon)
        self.sites: dict[str, SiteState] = defaultdict(SiteState)
        self.orphan_errors: list[InputError] = []
        # Archive records that hold no page, by reason ("revisit", "status:404", "type:application/pdf",
        # "record:conversion", "empty"): for the whole run, and by the site of the record's URL.
        self.skipped: dict[str, int] = {}
        self.skipped_by_site: dict[str, dict[str, int]] = {}
        # Each page check with its parameters, validated once per run rather than once per page.
        self.page_checks: list[tuple[RuleSpec, Check[Any], BaseModel]] = [
            (rule, CHECKS[rule.check], CHECKS[rule.check].params_model.model_validate(rule.params))
            for rule in rules if rule.check is not None  # site-only rules get their outcome later
        ]

    # -- page phase ---------------------------------------------------------------------------
    def audit_source(self, source: PageSource) -> None:
        """Read one input (a page file, or a web archive of many pages) and audit what it holds."""
        for item in read_source(source):
            self.audit_item(item)

    def audit_item(self, item: InputItem) -> None:
        """One item of the input stream: a page to audit, an input error, or a record counted out."""
        if isinstance(item, RawPage):
            self.audit_raw(item)
        elif isinstance(item, SkippedRecord):
            self._skip(item)
        else:
            self._error(item.source, item.cause)

    def _skip(self, item: SkippedRecord) -> None:
        self.skipped[item.reason] = self.skipped.get(item.reason, 0) + 1
        site = self.options.site or site_of(item.source.url)
        by_site = self.skipped_by_site.setdefault(site, {})
        by_site[item.reason] = by_site.get(item.reason, 0) + 1

    def audit_raw(self, raw: RawPage) -> None:
        """Audit one page that has been read."""
        source = raw.source
        try:
            config = self.options.config
            facts = gather_page(raw, self.classify, self.options.base_url, self.options.site,
                                self.options.crawl_date, config.markdown if config is not None else None)
        except (ValueError, RecursionError, MemoryError) as exc:
            self._error(source, f"cannot parse page: {exc}" if str(exc) else "cannot parse page")
            return
        config = self.options.config
        if config is not None and config.sites and facts.url and not self.options.site:
            facts.site = config.site_for(urlsplit(facts.url).hostname or "") or facts.site
        page = PageReport(
            path=source.display_path,
            url=facts.url,
            site=facts.site,
            sha256=hashlib.sha256(raw.data).hexdigest(),
            input_format=facts.input_format,
            encoding=facts.encoding,
            language=facts.language,
            title=facts.title,
        )
        page.notes = list(facts.notes)
        page.suppressions = [
            SuppressionRecord(kind=x.kind, codes=list(x.codes), line=x.line, target_line=x.target_line,
                              reason=x.reason)
            for x in facts.suppressions
        ]
        ctx = PageContext(facts, self.lexicon, self.vocabulary)
        try:
            for rule, check, params in self.page_checks:
                page.rule_outcomes[rule.code] = Outcome.inapplicable
                for finding in check.run(ctx, params):
                    self._record(page, rule, finding)
            page.disclosures = [d.to_model() for d in ctx.disclosures]
            page.signals = [s.to_model() for s in ctx.signals]
            page.provenance = [p.to_model() for p in ctx.provenance]
            page.attribution = ctx.attribution.model()
            page.chat_widgets = [
                ChatWidgetRecord(name=w.name, ai=w.ai, recognised_by=w.recognised_by, disclosure=w.disclosure)
                for w in ctx.chat_widgets
            ]
            notice = ctx.notice
            page.consent = notice.model()
        except Exception as exc:  # a bug in a check must not stop a run of thousands
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self._error(source, f"internal error while checking ({type(exc).__name__}: {exc} at "
                        f"{os.path.basename(where.filename)}:{where.lineno})", facts.site)
            return
        summary = summarise(page.path, ctx)
        state = self.sites[facts.site]
        state.pages.append(page)
        state.summaries.append(summary)

    def _record(self, page: PageReport, rule: RuleSpec, finding: Finding) -> None:
        """Add a finding of a page or site check; the rule's outcome on the page is the worst one.
        A configuration override may drop it or change its severity; an inline comment may silence it."""
        result = _result(rule, finding)
        config = self.options.config
        if config is not None and config.overrides:
            for override in config.overrides_for(page.path, page.url):
                if any(rule.code.startswith(code.upper()) for code in override.ignore):
                    return
                if rule.code in override.severity:
                    result.severity = override.severity[rule.code]
        if page.suppressions and finding.outcome in (Outcome.violation, Outcome.incomplete) \
                and _suppressed(page, rule.code, finding.location.line if finding.location else 0):
            return
        page.results.append(result)
        current = page.rule_outcomes.get(rule.code, Outcome.inapplicable)
        if finding.outcome.rank > current.rank:
            page.rule_outcomes[rule.code] = finding.outcome

    def report_error(self, source: PageSource, cause: str) -> None:
        """An input that could not be audited (a timeout, a crashed worker): an input error."""
        self._error(source, cause)

    def _error(self, source: PageSource, cause: str, site: str | None = None) -> None:
        if site is None:
            if self.options.site:
                site = self.options.site
            elif source.url:  # an archive record names its URL
                site = site_of(source.url)
            elif self.options.base_url:
                site = site_of(self.options.base_url)
            else:
                url = mirror_url(source.relative_path)
                site = site_of(url) if url else None
        error = InputError(path=source.display_path, error=cause, site=site)
        if site and site != NO_SITE:
            self.sites[site].errors.append(error)
        else:
            self.orphan_errors.append(error)

    # -- shards: the page phase's results leave and join an engine ------------------------------
    def shard_header(self) -> ShardHeader:
        """What makes results comparable across processes, runs and machines, and lets a merge rebuild
        this engine (shard headers)."""
        from auditor.shards import ShardHeader

        config = self.options.config
        return ShardHeader(
            packs=[p.sha256 for p in self.packs],
            rules={r.code: r.severity.value for r in self.rules},
            options={"base_url": self.options.base_url, "site": self.options.site,
                     "crawl_date": self.options.crawl_date, "fail_on": self.options.fail_on.value},
            config=config.model_dump(mode="json", by_alias=True, exclude={"source", "root"}) if config else None,
        ).sealed()

    def run_digest(self) -> str:
        return self.shard_header().run

    def drain(self) -> list[ShardItem]:
        """Everything the page phase has gathered so far, as shard items; the engine is left empty."""
        items: list[ShardItem] = []
        for site in sorted(self.sites):
            state = self.sites[site]
            items.extend(zip(state.pages, state.summaries, strict=True))
            items.extend(state.errors)
        items.extend(self.orphan_errors)
        for site in sorted(self.skipped_by_site):
            items.extend((reason, site, n) for reason, n in sorted(self.skipped_by_site[site].items()))
        self.sites.clear()
        self.orphan_errors = []
        self.skipped, self.skipped_by_site = {}, {}
        return items

    def load(self, items: Iterable[ShardItem]) -> None:
        """Take in shard items as if this engine had audited those pages itself."""
        for item in items:
            if isinstance(item, InputError):
                if item.site and item.site != NO_SITE:
                    self.sites[item.site].errors.append(item)
                else:
                    self.orphan_errors.append(item)
            elif isinstance(item[0], PageReport):
                page, summary = item  # type: ignore[misc]
                state = self.sites[page.site]
                state.pages.append(page)
                state.summaries.append(summary)
            else:
                reason, site, count = item  # type: ignore[misc]
                self.skipped[reason] = self.skipped.get(reason, 0) + count
                by_site = self.skipped_by_site.setdefault(site, {})
                by_site[reason] = by_site.get(reason, 0) + count

    # -- site phase ---------------------------------------------------------------------------
    def _site_phase(self, state: SiteState) -> None:
        # In path order, whatever order pages arrived in (workers, shards), so results are the same.
        order = sorted(range(len(state.pages)), key=lambda i: state.pages[i].path)
        state.pages = [state.pages[i] for i in order]
        state.summaries = [state.summaries[i] for i in order]
        by_path = {p.path: p for p in state.pages}
        for rule in self.rules:
            if not rule.site_check:
                continue
            for report in state.pages:
                report.rule_outcomes.setdefault(rule.code, Outcome.inapplicable)
            for path, finding in SITE_CHECKS[rule.site_check].run(state.summaries):
                page = by_path.get(path)
                if page is None:
                    continue
                self._record(page, rule, finding)

    def finish(self) -> RunResult:
        tool = ToolInfo(version=__version__)
        packs = [p.info() for p in self.packs]
        generated_at = _generated_at()
        rule_infos = [r.info() for r in self.rules]
        sites: dict[str, SiteReport] = {}
        for name in sorted(self.sites):
            state = self.sites[name]
            self._site_phase(state)
            pages = sorted(state.pages, key=lambda p: (p.url or "", p.path))
            for page in pages:
                page.results.sort(key=_result_key)
                page.rule_outcomes = dict(sorted(page.rule_outcomes.items()))  # as JSON reads them back
            errors = sorted(state.errors, key=lambda e: e.path)
            sites[name] = SiteReport(
                tool=tool, rule_packs=packs, generated_at=generated_at, site=name,
                fail_on=self.options.fail_on, totals=totals(pages, errors), rules=rule_infos,
                pages=pages, errors=errors, ai_labels=site_ai_summary(state.summaries),
                consent=site_consent_summary(state.summaries),
                skipped=dict(sorted(self.skipped_by_site.get(name, {}).items())),
            )
        all_pages = [p for s in sites.values() for p in s.pages]
        all_errors = [e for s in sites.values() for e in s.errors] + self.orphan_errors
        summaries = [
            SiteSummary(site=name, json_report=f"{site_file_stem(name)}.json",
                        html_report=f"{site_file_stem(name)}.html", totals=report.totals)
            for name, report in sites.items()
        ]
        index = IndexReport(
            tool=tool, rule_packs=packs, generated_at=generated_at, fail_on=self.options.fail_on,
            exit_code=0, totals=totals(all_pages, all_errors), sites=summaries,
            errors=sorted(self.orphan_errors, key=lambda e: e.path),
            skipped=dict(sorted(self.skipped.items())),
        )
        index.exit_code = exit_code(all_pages, all_errors, self.options.fail_on)
        return RunResult(index, sites)


def _suppressed(page: PageReport, code: str, line: int) -> bool:
    """Whether an inline comment silences `code` at `line`: `auditor-disable` from its line until an
    `auditor-enable` of the same code (or the end of the page), `auditor-disable-next` on the element
    that follows it. A finding with no line is silenced only by a disable that is never re-enabled."""
    silenced_by = None
    for record in page.suppressions:
        applies = not record.codes or code in record.codes
        if not applies:
            continue
        if record.kind == "disable-next":
            if line and record.target_line == line:
                silenced_by = record
                break
        elif record.kind == "disable" and (record.line <= line or not line):
            silenced_by = record
        elif (record.kind == "enable" and silenced_by is not None and record.line <= max(line, 0) \
                and line) or (record.kind == "enable" and not line):
            silenced_by = None
    if silenced_by is None:
        return False
    silenced_by.suppressed += 1
    return True


def _result(rule: RuleSpec, f: Finding) -> Result:
    return Result(
        code=rule.code, name=rule.name, category=rule.category, severity=rule.severity, outcome=f.outcome,
        message=f.message, item=f.item, location=f.location.model() if f.location else None,
        evidence=[e.model() for e in f.evidence],
    )


def _result_key(r: Result) -> tuple[str, int, int, str]:
    loc = r.location
    return (r.code, loc.line if loc else 0, loc.column if loc else 0, r.message)


def _generated_at() -> str | None:
    # Same input, same bytes: no wall-clock time unless SOURCE_DATE_EPOCH asks for one.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError, OSError):
        return None


def totals(pages: list[PageReport], errors: list[InputError]) -> Totals:
    t = Totals(pages=len(pages), errors=len(errors))
    for page in pages:
        # A rule that did not apply leaves no result; count it from the page's rule outcomes.
        for code, outcome in page.rule_outcomes.items():
            if outcome == Outcome.inapplicable:
                t.by_outcome["inapplicable"] = t.by_outcome.get("inapplicable", 0) + 1
                rule_counts = t.by_rule.setdefault(code, {})
                rule_counts["inapplicable"] = rule_counts.get("inapplicable", 0) + 1
        for r in page.results:
            t.by_outcome[r.outcome.value] = t.by_outcome.get(r.outcome.value, 0) + 1
            rule = t.by_rule.setdefault(r.code, {})
            rule[r.outcome.value] = rule.get(r.outcome.value, 0) + 1
            if r.outcome == Outcome.violation:
                t.by_severity[r.severity.value] = t.by_severity.get(r.severity.value, 0) + 1
                t.by_category[r.category.value] = t.by_category.get(r.category.value, 0) + 1
    return t


def exit_code(pages: list[PageReport], errors: list[InputError], fail_on: Severity) -> int:
    if errors:
        return 2
    for page in pages:
        for r in page.results:
            if r.outcome == Outcome.violation and r.severity.rank >= fail_on.rank:
                return 1
    return 0


def engine_from_header(header: ShardHeader) -> Engine:
    """The engine that made a shard, rebuilt for its merge; ValueError when this installation's rule
    packs differ from the ones the shard was made with."""
    from auditor.config import Config
    from auditor.rulepacks import load_packs, select_rules

    packs = load_packs()
    if sorted(p.sha256 for p in packs) != sorted(header.packs):
        raise ValueError("made with other rule packs than this installation's (auditor version "
                         f"{header.tool_version}); merge with the version that made the shards")
    rules = [r for r in select_rules(packs, severity={c: Severity(v) for c, v in header.rules.items()})
             if r.code in header.rules]
    opts = header.options
    config = Config.model_validate(header.config) if header.config is not None else None
    return Engine(packs, rules, Options(base_url=opts.get("base_url"), site=opts.get("site"),
                                        crawl_date=opts.get("crawl_date"),
                                        fail_on=Severity(opts.get("fail_on", "error")), config=config))


def run(sources: Iterable[PageSource], engine: Engine) -> RunResult:
    return run_items(read_sources(sources), engine)


def run_items(items: Iterable[InputItem], engine: Engine) -> RunResult:
    for item in items:
        engine.audit_item(item)
    return engine.finish()


__all__ = ["Engine", "Options", "RulePackInfo", "RunResult", "run", "run_items"]
