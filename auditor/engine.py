"""The rule engine: pages in, results out; then the site phase; then totals.

Page phase: read, gather facts once, run every selected rule's check on them, and return the page's
report and a compact summary for site rules (the DOM is gone by then): `audit_page` for one page,
`audit_unit` for everything one input holds (a page file, or a web archive of many pages), as a
stream. A page that cannot be read or parsed becomes an input error; the run goes on.

Collection and site phase, one code path for every way of running: `add` takes each page, error and
count of skipped records with its place in the run (the input's path in folder-walk order, then the
item's position in the input), wherever it was audited: in this process (`run`), in a worker
process, in another run or on another machine (through shards, `auditor.shards.merge_shards`).
`finish` sorts by those places, runs the site checks on the summaries, sorts everything for the
report and computes totals and the exit code. So the reports do not depend on which process audited
what, or in which order the pieces arrived.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import traceback
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from auditor import __version__
from auditor.analysis.consent import ConsentVocabulary, load_vocabulary
from auditor.analysis.context import PageContext
from auditor.analysis.disclosures import label_block_classifier
from auditor.analysis.summary import PageSummary, site_summaries, summarise
from auditor.checks import CHECKS, SITE_CHECKS, Finding
from auditor.checks.registry import Check
from auditor.config import Config
from auditor.facts.gather import gather_page
from auditor.facts.text import LabelClassifier
from auditor.inputs.files import PageSource, RawPage
from auditor.inputs.stream import InputItem, SkippedRecord, read_source
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
from auditor.pagestore import (
    PageStore,
    RecordFile,
    StoredPages,
    StoredSummary,
    SummaryFile,
    stored_form,
    summary_record,
)
from auditor.rulepacks import RulePack, RuleSpec
from auditor.shards import SummaryModel, settled_summary, unit_order
from auditor.sitephase import PARALLEL_SITES_MIN_PAGES, PageFindings, SiteDone, SiteFiles, can_fork, finish_forked
from auditor.sitereports import ReportHead, StoredSite, StoredSites, site_record, summary_record_of
from auditor.tally import SiteTally, count_flat, fails, page_tally, shared, totals_of, unused_suppressions
from auditor.timestamps import stamp_of_epoch

# Where an item goes in the run: its input's path as a folder walk orders it (`shards.unit_order`),
# then its position in that input's stream of pages, errors and skipped records.
OrderKey = tuple[tuple[tuple[int, str], ...], int]


@dataclass(slots=True)
class Options:
    base_url: str | None = None
    site: str | None = None
    fail_on: Severity = Severity.error
    crawl_date: str | None = None  # ISO 8601 UTC; overrides WARC, Date header and file times
    config: Config | None = None  # per-path overrides and the site mapping of a project configuration


@dataclass(slots=True)
class AuditedPage:
    """One page after the page phase: its report (page checks done) and its summary for the site phase."""

    page: PageReport
    summary: PageSummary


@dataclass(frozen=True, slots=True)
class Skipped:
    """Archive records of one site that hold no page, counted by reason."""

    site: str
    reason: str
    count: int = 1


UnitItem = AuditedPage | InputError | Skipped


@dataclass(frozen=True, slots=True)
class PreparedPage:
    """A page made ready to be kept where it was audited (a worker process): its records as the page
    store keeps them and what keeping it counts, so that the process that collects it writes the
    records (`Engine.keep`) and adds it at its place (`Engine.add_kept`) without reading, validating
    or serialising the page again. That work is spread over the workers instead of queueing in one
    process."""

    site: str
    page_record: bytes  # the page's JSON, settled as `add` settles it, compressed
    summary_record: bytes  # its summary, URL and tally (`auditor.tally`), a compressed `SummaryFile` record


@dataclass(frozen=True, slots=True)
class KeptPage:
    """A prepared page whose records are written: their numbers, for `add_kept`."""

    site: str
    record: int
    summary: int


# A page's place in SiteState.places: its record number, its unit (an index into
# Engine._unit_orders), its position in the unit's stream, its summary record number.
_PLACE = 4


class SiteState:
    """What the engine keeps of a site until `finish`: each page's record numbers and place in the
    run, 32 bytes a page in one array, and the site's input errors. The pages, their summaries, URLs
    and counts (`auditor.tally`) are on disk (`auditor.pagestore`), so that the memory of a run
    grows neither with its pages nor, beyond a few hundred bytes each, with its sites."""

    __slots__ = ("errors", "places")

    def __init__(self) -> None:
        self.places: array[int] = array("q")  # _PLACE ints a page, in arrival order
        self.errors: list[tuple[OrderKey, InputError]] | None = None  # made with the site's first error

    @property
    def page_count(self) -> int:
        return len(self.places) // _PLACE

    def records(self) -> array[int]:
        """The pages' record numbers, in arrival order."""
        return self.places[0::_PLACE]

    def pages(self, store: PageStore) -> StoredPages:
        """The pages in the order they arrived, as settled then (without site findings), read from disk."""
        return StoredPages(store.file(RAW_PAGES), self.records())


RAW_PAGES = "pages"
SETTLED_PAGES = "settled"


@dataclass(slots=True)
class RunResult:
    """A run's reports. The site reports' pages are read from the engine's page store: call `close`
    (or use it as a context manager) when the reports are written, to remove its files."""

    index: IndexReport
    sites: Mapping[str, SiteReport]  # by name, in name order: a run's are read from its store
    # Inline suppressions that silenced nothing: (path, line, kind, codes), in report order.
    unused_suppressions: list[tuple[str, int, str, tuple[str, ...]]] = field(default_factory=list)
    store: PageStore | None = None

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def __enter__(self) -> RunResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PageTimeout(BaseException):
    """A page overran its time budget (a BaseException, so that no `except Exception` in a check
    takes it for a bug of its own and goes on)."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise PageTimeout()


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise PageTimeout in the block when it runs longer than `seconds` (SIGALRM; only in the main
    thread of a process on a system that has it; elsewhere, or with 0, no budget)."""
    if seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Engine:
    def __init__(self, packs: tuple[RulePack, ...], rules: list[RuleSpec], options: Options) -> None:
        self.packs = packs
        self.rules = rules
        self.options = options
        # Pages go to disk as they are added (see SiteState); the store is removed by RunResult.close,
        # or at exit.
        self.store = PageStore()
        self._summaries = SummaryFile(self.store)
        self.sites: dict[str, SiteState] = defaultdict(SiteState)
        self._unit_index: dict[tuple[tuple[int, str], ...], int] = {}
        self._unit_orders: list[tuple[tuple[int, str], ...]] = []
        self.orphan_errors: list[tuple[OrderKey, InputError]] = []
        # Archive records that hold no page, by reason ("revisit", "status:404", "type:application/pdf",
        # "record:conversion", "empty"): for the whole run, and by the site of the record's URL.
        self.skipped: dict[str, int] = {}
        self.skipped_by_site: dict[str, dict[str, int]] = {}
        self._finished = False
        self._arrival = 0  # items added without a place (audit_item, audit_raw): kept in call order
        # Each page check with its parameters, validated once per run rather than once per page.
        self.page_checks: list[tuple[RuleSpec, Check[Any], BaseModel]] = [
            (rule, CHECKS[rule.check], CHECKS[rule.check].params_model.model_validate(rule.params))
            for rule in rules if rule.check is not None  # site-only rules get their outcome later
        ]
        self.site_rules: list[RuleSpec] = [rule for rule in rules if rule.site_check]

    # The word lists are loaded when a page is first audited: the main process of a parallel run
    # audits none, and loading them (a quarter of a second) delayed its start.
    @cached_property
    def lexicon(self) -> Lexicon:
        return load_lexicon()

    @cached_property
    def vocabulary(self) -> ConsentVocabulary:
        return load_vocabulary()

    @cached_property
    def classify(self) -> LabelClassifier:
        return label_block_classifier(self.lexicon)

    # -- page phase: audit and return ----------------------------------------------------------
    def audit_unit(self, source: PageSource, page_seconds: float = 0.0, replace: Mapping[int, str] | None = None,
                   on_page: Callable[[int, RawPage], None] | None = None) -> Iterator[tuple[int, UnitItem]]:
        """Everything one input holds, audited as it streams: (position, item) pairs, where the
        position counts the input's stream (pages, errors, skipped records). Skipped records come
        last, counted by site and reason. A page over `page_seconds` becomes an input error; the
        positions in `replace` are not audited but become input errors with the given cause (a page
        that made a worker process die). `on_page` is called before each page is audited, inside its
        time budget (workers tell the main process which page they are on). Never raises for bad input."""
        skipped: Counter[tuple[str, str]] = Counter()
        position = -1
        for position, item in enumerate(read_source(source)):
            if replace and position in replace:
                yield position, self.input_error(item.source, replace[position])
            elif isinstance(item, RawPage):
                try:
                    with time_budget(page_seconds):
                        if on_page is not None:
                            on_page(position, item)
                        outcome = self.audit_page(item)
                except PageTimeout:
                    outcome = self.input_error(item.source, f"not audited: took longer than {page_seconds:g} s "
                                               "(the time budget of a page: --page-timeout, limit page-seconds)")
                yield position, outcome
            elif isinstance(item, SkippedRecord):
                skipped[(self.skipped_site(item), item.reason)] += 1
            else:
                yield position, self.input_error(item.source, item.cause)
        for (site, reason), count in sorted(skipped.items()):
            yield position + 1, Skipped(site, reason, count)

    def audit_page(self, raw: RawPage) -> AuditedPage | InputError:
        """Audit one page that has been read: its report and summary, or the error that stopped it.
        Nothing is kept in the engine (see `add`)."""
        source = raw.source
        try:
            config = self.options.config
            facts = gather_page(raw, self.classify, self.options.base_url, self.options.site,
                                self.options.crawl_date, config.markdown if config is not None else None)
        except (ValueError, RecursionError, MemoryError) as exc:
            return self.input_error(source, f"cannot parse page: {exc}" if str(exc) else "cannot parse page")
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
            # Locations resolved now: the summary keeps no reference to the page's source text.
            summary = settled_summary(summarise(page.path, ctx))
        except Exception as exc:  # a bug in a check must not stop a run of thousands
            where = traceback.extract_tb(exc.__traceback__)[-1]
            return self.input_error(source, f"internal error while checking ({type(exc).__name__}: {exc} at "
                                    f"{os.path.basename(where.filename)}:{where.lineno})", facts.site)
        return AuditedPage(page, summary)

    def input_error(self, source: PageSource, cause: str, site: str | None = None) -> InputError:
        """An input error, in the site of its URL when that is known (else in no site)."""
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
        return InputError(path=source.display_path, error=cause, site=site)

    def skipped_site(self, item: SkippedRecord) -> str:
        return self.options.site or site_of(item.source.url)

    def _record(self, page: PageReport, rule: RuleSpec, finding: Finding) -> None:
        """Add a finding of a page check (see `_apply`)."""
        self._apply(page, rule, _result(rule, finding))

    def _apply(self, page: PageReport, rule: RuleSpec, result: Result) -> None:
        """Add a result of a page or site check; the rule's outcome on the page is the worst one.
        A configuration override may drop it or change its severity; an inline comment may silence it."""
        config = self.options.config
        if config is not None and config.overrides:
            for override in config.overrides_for(page.path, page.url):
                if any(rule.code.startswith(code.upper()) for code in override.ignore):
                    return
                if rule.code in override.severity:
                    result.severity = override.severity[rule.code]
        if page.suppressions and result.outcome in (Outcome.violation, Outcome.incomplete) \
                and _suppressed(page, rule.code, result.location.line if result.location else 0):
            return
        page.results.append(result)
        current = page.rule_outcomes.get(rule.code, Outcome.inapplicable)
        if result.outcome.rank > current.rank:
            page.rule_outcomes[rule.code] = result.outcome

    # -- collection ----------------------------------------------------------------------------
    def add(self, item: UnitItem, key: OrderKey | None = None) -> None:
        """Keep one result of the page phase for the site phase, at its place in the run (None: after
        everything added so far without one)."""
        if key is None:
            self._arrival += 1
            key = ((), self._arrival)
        if isinstance(item, AuditedPage):
            page = item.page
            self._settle(page, [])  # as the report shows it, unless a site check adds to it
            record = self.store.file(RAW_PAGES).append(page.model_dump_json().encode("utf-8"))
            summary = self._summaries.add(item.summary, page.url or "", page_tally(page, self.options.fail_on))
            self._place(self.sites[page.site], key, record, summary)
        elif isinstance(item, InputError):
            if item.site and item.site != NO_SITE:
                state = self.sites[item.site]
                if state.errors is None:
                    state.errors = []
                state.errors.append((key, item))
            else:
                self.orphan_errors.append((key, item))
        else:
            self.skipped[item.reason] = self.skipped.get(item.reason, 0) + item.count
            by_site = self.skipped_by_site.setdefault(item.site, {})
            by_site[item.reason] = by_site.get(item.reason, 0) + item.count

    def _place(self, state: SiteState, key: OrderKey, record: int, summary: int) -> None:
        unit = self._unit_index.get(key[0])
        if unit is None:
            unit = self._unit_index[key[0]] = len(self._unit_orders)
            self._unit_orders.append(key[0])
        state.places.extend((record, unit, key[1], summary))

    # -- pages audited in a worker process: prepared there, kept here ----------------------------
    def prepare(self, page: PageReport, summary: SummaryModel) -> PreparedPage:
        """In the worker, after the page's shard line is written: the page as `add` would keep it."""
        self._settle(page, [])
        return PreparedPage(page.site, stored_form(page.model_dump_json().encode("utf-8")),
                            stored_form(summary_record(summary, page.url or "",
                                                       page_tally(page, self.options.fail_on))))

    def keep(self, page: PreparedPage) -> KeptPage:
        """Write a prepared page's records as it arrives: what waits in memory until its input is
        done is their numbers."""
        record = self.store.file(RAW_PAGES).append_stored(page.page_record)
        summary = self._summaries.file.append_stored(page.summary_record)
        return KeptPage(page.site, record, summary)

    def add_kept(self, pages: list[tuple[KeptPage, OrderKey]]) -> None:
        """`add` for an input's kept pages (from `keep`), once the whole input is done (a worker that
        dies before leaves its records unused, and the input is audited again)."""
        for page, key in pages:
            self._place(self.sites[page.site], key, page.record, page.summary)

    # -- the earlier interface: audit and keep, in call order -----------------------------------
    def audit_source(self, source: PageSource) -> None:
        """Read one input (a page file, or a web archive of many pages), audit and keep what it holds."""
        order = unit_order(source.display_path)
        for position, item in self.audit_unit(source):
            self.add(item, (order, position))

    def audit_item(self, item: InputItem) -> None:
        """One item of the input stream: a page to audit, an input error, or a record counted out."""
        if isinstance(item, RawPage):
            self.add(self.audit_page(item))
        elif isinstance(item, SkippedRecord):
            self.add(Skipped(self.skipped_site(item), item.reason))
        else:
            self.add(self.input_error(item.source, item.cause))

    def audit_raw(self, raw: RawPage) -> None:
        """Audit one page that has been read, and keep it."""
        self.add(self.audit_page(raw))

    # -- site phase ---------------------------------------------------------------------------
    def _site_findings(self, summaries: list[StoredSummary], found: RecordFile) -> PageFindings:
        """Run the site checks on the site's summaries (in run order); their findings, as results on
        disk (in `found`), by the page's place in that order: (site rule index, record number) in
        check order. A finding names its page by path: the last page of that path gets it."""
        site_rules = self.site_rules
        findings = PageFindings(len(summaries))
        if not site_rules:
            return findings
        by_path = {s.path: k for k, s in enumerate(summaries)}
        for number, rule in enumerate(site_rules):
            assert rule.site_check is not None
            for path, finding in SITE_CHECKS[rule.site_check].run(summaries):
                k = by_path.get(path)
                if k is None:
                    continue
                record = found.append(_result(rule, finding).model_dump_json().encode("utf-8"))
                findings.add(k, number, record)
        return findings

    def _settle(self, page: PageReport, findings: list[tuple[int, int]], found: RecordFile | None = None) -> None:
        """A page as the report shows it: every site rule with an outcome, the site findings (in
        `found`) added, results and outcomes sorted."""
        site_rules = self.site_rules
        for rule in site_rules:
            page.rule_outcomes.setdefault(rule.code, Outcome.inapplicable)
        if findings and found is not None:
            for number, record in findings:
                self._apply(page, site_rules[number], Result.model_validate_json(found.get(record)))
        page.results.sort(key=_result_key)
        page.rule_outcomes = dict(sorted(page.rule_outcomes.items()))  # as JSON reads them back

    def finish(self, jobs: int = 1) -> RunResult:
        """The site phase and the reports, one site at a time and one page at a time: the pages are
        settled from the spill file into another in report order, which the site reports read, and
        each site report is written to the page store (`auditor.sitereports`) as it is made.
        With `jobs` over 1 and enough pages, on Linux, the sites are shared out between this process
        and forked ones (`sitephase`), each writing its own files."""
        if self._finished:
            raise RuntimeError("Engine.finish runs once: it hands each site over to its report as it goes")
        self._finished = True
        head = ReportHead(ToolInfo(version=__version__), [p.info() for p in self.packs], _generated_at(),
                          [r.info() for r in self.rules], self.options.fail_on)
        rank = {u: r for r, u in enumerate(sorted(range(len(self._unit_orders)), key=self._unit_orders.__getitem__))}
        names = sorted(self.sites)
        own = SiteFiles(self.store.file(SETTLED_PAGES), self.store.file("findings"), self.store.file("reports"),
                        "consent")
        done: dict[str, tuple[SiteDone, StoredSite]]
        pages = sum(state.page_count for state in self.sites.values())
        if jobs > 1 and pages >= PARALLEL_SITES_MIN_PAGES and len(names) > 1 and can_fork():
            weights = [self.sites[name].page_count + 1 for name in names]
            done = finish_forked(names, weights, jobs, lambda part, files: self._finish_sites(part, head, rank, files),
                                 self.store, own, "forked", self._forget_sites)
        else:
            done = {site.site: (site, site.stored_in(own.reports, own.settled, self.store.file(own.consent)))
                    for site in self._finish_sites(names, head, rank, own)}
        failing = False
        unused: list[tuple[str, int, str, tuple[str, ...]]] = []
        sites = StoredSites(head)
        for name in names:  # in name order, as one process does it
            site, where = done.pop(name)
            failing = failing or site.failing
            unused.extend(site.unused)
            sites.add(name, where)
        # The run's counts: every site's, read back from its line of the index (which is on disk).
        all_totals = Totals()
        for summary in sites.summaries():
            add_totals(all_totals, summary.totals)
            all_totals.pages += summary.totals.pages
            all_totals.errors += summary.totals.errors
        orphans = _sorted_errors(self.orphan_errors)
        all_totals.errors += len(orphans)
        index = IndexReport(
            tool=head.tool, rule_packs=head.packs, generated_at=head.generated_at, fail_on=self.options.fail_on,
            exit_code=2 if all_totals.errors else 1 if failing else 0, totals=all_totals, sites=[],
            errors=orphans, skipped=dict(sorted(self.skipped.items())),
        )
        index.sites = sites.summaries()
        return RunResult(index, sites, unused, self.store)

    def _forget_sites(self, names: list[str]) -> None:
        """Drop what is kept of these sites: forked processes have their copies and do their site phase.
        Before their sites are read back, so that those take the memory these leave."""
        for name in names:
            del self.sites[name]

    def _finish_sites(self, names: list[str], head: ReportHead, rank: dict[int, int],
                      files: SiteFiles) -> Iterator[SiteDone]:
        """The site phase of these sites, one after the other, into `files`."""
        raw = self.store.file(RAW_PAGES)
        settled = files.settled
        for name in names:
            state = self.sites.pop(name)  # what is left of the site is its report, on disk
            places, site_errors = state.places, state.errors
            # Run order: by (unit rank, position), as one int (positions stay far below 2**40), into an
            # array: a site's per-page lists are the site phase's memory (ints of their own, 36 bytes
            # each in a list, 8 in an array).
            order = array("q", sorted(range(len(places) // _PLACE),
                                      key=lambda i: rank[places[i * _PLACE + 1]] << 40 | places[i * _PLACE + 2]))
            summaries: list[StoredSummary] = []
            urls: list[str] = []
            tally = SiteTally()  # the pages' counts as they arrived: corrected below for those site checks add to
            ai_labels, consent = site_summaries(_read_back(
                self._summaries, array("q", (places[i * _PLACE + 3] for i in order)), summaries, urls, tally))
            if len(summaries) != len(order):
                raise AssertionError("the site summary did not read every page")
            findings = self._site_findings(summaries, files.findings)
            self._summaries.forget()
            # Report order: by URL, then path (two stable sorts: no key tuple per page).
            final = sorted(range(len(order)), key=lambda k: summaries[k].path)
            final.sort(key=urls.__getitem__)
            failing = tally.failing
            unused: list[tuple[str, int, str, tuple[str, ...]]] = []
            first = len(settled)
            for k in final:
                record = places[order[k] * _PLACE]
                if k not in findings:  # settled when it was added: copied as it is
                    settled.append_stored(raw.get_stored(record))
                    unused.extend(tally.unused.get(k, ()))
                    continue
                page = PageReport.model_validate_json(raw.get(record))
                count_flat(tally.counts, page, -1)
                self._settle(page, findings.of(k), files.findings)
                count_flat(tally.counts, page)
                failing = failing or fails(page, self.options.fail_on)
                unused.extend(unused_suppressions(page))
                settled.append(page.model_dump_json().encode("utf-8"))
            errors = _sorted_errors(site_errors) if site_errors else []
            site_totals = tally.totals(len(final), len(errors))
            report = SiteReport(
                tool=head.tool, rule_packs=head.packs, generated_at=head.generated_at, site=name,
                fail_on=head.fail_on, totals=site_totals, rules=head.rules,
                pages=[], errors=errors, ai_labels=ai_labels, consent=consent,
                skipped=dict(sorted(self.skipped_by_site.pop(name, {}).items())),
            )
            trackers: int | None = None
            if consent.trackers_by_page:  # an entry per page: a record of its own, read when a report asks
                trackers = self.store.keep_json(files.consent, consent.trackers_by_page).number
                consent.keep_trackers_on_disk(None)
            stem = site_file_stem(name)
            row = SiteSummary(site=name, json_report=f"{stem}.json", html_report=f"{stem}.html", totals=site_totals)
            report_record = files.reports.append(site_record(report))
            yield SiteDone(name, failing, unused, report_record, files.reports.append(summary_record_of(row)),
                           range(first, len(settled)), trackers)


def _read_back(file: SummaryFile, numbers: Sequence[int], summaries: list[StoredSummary],
               urls: list[str], tally: SiteTally) -> Iterator[PageSummary]:
    """A site's whole summaries, for its AI-label and consent summary, read in one pass that also
    fills `summaries` (what the site checks read) and `urls` (the report's sort key), and adds up
    the pages' tallies."""
    for k, (stored, url, whole, tallied) in enumerate(file.read(numbers)):
        summaries.append(stored)
        urls.append(url)
        tally.add(k, tallied)
        yield whole


def _sorted_errors(errors: list[tuple[OrderKey, InputError]]) -> list[InputError]:
    """By path, and errors of the same path in their order in the run."""
    return [error for _, error in sorted(errors, key=lambda pair: (pair[1].path, pair[0]))]


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
        return stamp_of_epoch(int(epoch))
    except ValueError:
        return None


def totals(pages: Iterable[PageReport], errors: list[InputError]) -> Totals:
    counts: dict[str, int] = {}
    n = 0
    for page in pages:
        n += 1
        count_flat(counts, page)
    return totals_of(counts, n, len(errors))


def add_totals(into: Totals, t: Totals) -> None:
    """Add a site's counts to the run's (not `pages` and `errors`). A rule's counts are replaced,
    never changed in place: small ones are shared (`tally.shared`)."""
    for mine, theirs in ((into.by_outcome, t.by_outcome), (into.by_severity, t.by_severity),
                         (into.by_category, t.by_category)):
        for key, value in theirs.items():
            mine[key] = mine.get(key, 0) + value
    by_rule = into.by_rule
    for code, counts in t.by_rule.items():
        old = by_rule.get(code)
        if old is None:
            by_rule[code] = shared(dict(counts))
            continue
        new = dict(old)
        for key, value in counts.items():
            new[key] = new.get(key, 0) + value
        by_rule[code] = shared(new)


def run(sources: Iterable[PageSource], engine: Engine, page_seconds: float = 0.0) -> RunResult:
    """Audit every input in this process, then the site phase: the run's reports. Each page over
    `page_seconds` (0: no budget) becomes an input error."""
    for source in sources:
        order = unit_order(source.display_path)
        for position, item in engine.audit_unit(source, page_seconds):
            engine.add(item, (order, position))
    return engine.finish()


__all__ = [
    "AuditedPage",
    "Engine",
    "Options",
    "OrderKey",
    "PageTimeout",
    "RulePackInfo",
    "RunResult",
    "Skipped",
    "UnitItem",
    "run",
    "time_budget",
]
