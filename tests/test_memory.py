"""Memory stays flat with the number of pages: the main process keeps no page's report in memory.

A crawl of 100,000 pages once needed 16 GB because every page's report stayed in memory until the
reports were written. These tests fail when pages are kept again: while pages are collected (the
engine's own state per page must stay far below one page's report) and while the site phase and
the reporters run (the peak must not grow with the number of pages as the reports would).
"""

from __future__ import annotations

import dataclasses
import gc
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from test_pagestore import _engine, _template, copy_page

from auditor.analysis.summary import AuthorNote
from auditor.engine import AuditedPage, Engine, RunResult, add_totals, run, totals
from auditor.facts.model import SourceLocation
from auditor.inputs.files import discover
from auditor.models import SiteReport, Totals, site_consent
from auditor.tally import count_flat, totals_of
from auditor.writer import emit_reports, report_set, write_reports

PER_PAGE_LIMIT = 1024  # bytes the main process may keep per page while collecting


def _add(engine: Engine, template: AuditedPage, start: int, stop: int) -> None:
    for n in range(start, stop):
        item = copy_page(template, f"crawl.warc.gz#{n * 1000}", f"https://example.org/2024/story-{n}")
        engine.add(item, (((0, "crawl.warc.gz"),), n))


def _traced(fn: Callable[[], object]) -> tuple[int, int]:
    """(memory still held after `fn`, peak during it), in bytes, both above what was held before."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        fn()
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return current - before, peak - before


def test_collecting_pages_keeps_them_on_disk() -> None:
    engine = _engine()
    template = _template(engine)
    page_bytes = len(template.page.model_dump_json())
    assert page_bytes > 20 * PER_PAGE_LIMIT  # so that a kept page could not hide under the limit
    _add(engine, template, 0, 200)  # warm-up: the store's files, interned strings, caches
    held, _ = _traced(lambda: _add(engine, template, 200, 1700))
    per_page = held / 1500
    assert per_page < PER_PAGE_LIMIT, f"{per_page:.0f} bytes kept per page (a page's report is {page_bytes} bytes)"
    with engine.finish() as result:
        assert len(result.sites["example.org"].pages) == 1700


def test_site_phase_and_reports_do_not_grow_with_pages(tmp_path: Path) -> None:
    def peak(n: int) -> int:
        engine = _engine()
        template = _template(engine)
        _add(engine, template, 0, n)

        def report() -> None:
            with engine.finish() as result:
                write_reports(result, tmp_path / f"out-{n}")

        return _traced(report)[1]

    peak(20)  # warm-up: templates compiled, caches filled
    small, big = peak(100), peak(400)
    engine = _engine()
    page_bytes = len(_template(engine).page.model_dump_json())
    # Kept pages would add at least their JSON size each (several times that as objects).
    growth = (big - small) / 300
    assert growth < page_bytes / 4, f"peak grows by {growth:.0f} bytes per page (a page is {page_bytes} bytes)"


def test_an_audited_page_is_freed_without_the_cyclic_collector() -> None:
    """A page's facts and report hold no reference cycle, so each page is freed as soon as it is done.
    When every node pointed at a locator that held the node list, the cyclic collector freed the
    pages, at about 4 ms a page (a fifth of the fact gathering)."""
    from auditor.inputs.files import discover, read_page

    engine = _engine()
    pages = [read_page(s) for s in discover([str(Path(__file__).resolve().parent.parent / "examples")])]
    assert len(pages) >= 2
    for raw in pages:
        engine.audit_page(raw)  # warm-up: caches and lazily compiled patterns
    gc.collect()
    gc.disable()
    try:
        for raw in pages:
            engine.audit_page(raw)
        found = gc.collect()
    finally:
        gc.enable()
    assert found == 0, f"{found} objects in reference cycles left by {len(pages)} pages"


# A page that loads Google Analytics (a tracker) before any consent, and one that loads nothing.
TRACKED_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Story {n}</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXX"></script></head>
<body><article><h1>Story {n}</h1><p>What happened today.</p></article></body></html>
"""
PLAIN_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Story {n}</title></head>
<body><article><h1>Story {n}</h1><p>What happened today.</p></article></body></html>
"""


def test_trackers_by_page_stays_on_disk_until_a_report_reads_it(tmp_path: Path) -> None:
    """The list of pages that load trackers is as long as the site: a finished run keeps it in its
    page store, not in the site report, and every report still writes it."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for n in range(7):
        (folder / f"story-{n}.html").write_text((TRACKED_PAGE if n % 2 == 0 else PLAIN_PAGE).format(n=n))
    with run(list(discover([str(folder)])), _engine()) as result:
        report = result.sites["example.org"]
        assert report.consent.trackers_by_page == {}  # nothing of it in memory
        consent = site_consent(report)
        assert len(consent.trackers_by_page) == 4 == report.consent.trackers["Google Analytics (gtag.js)"]
        assert report.consent.trackers_by_page == {}  # reading it keeps nothing either
        write_reports(result, tmp_path / "out", ["json", "html"])
    written = json.loads((tmp_path / "out" / "example.org.json").read_text(encoding="utf-8"))
    assert written["consent"]["trackers_by_page"] == consent.trackers_by_page
    html = (tmp_path / "out" / "example.org.html").read_text(encoding="utf-8")
    assert all(f"<code>{page}</code>" in html for page in consent.trackers_by_page)
    loaded = SiteReport.model_validate(written)  # a report read from JSON holds its own
    assert site_consent(loaded) is loaded.consent and loaded.consent == consent


def test_site_phase_of_one_big_site_keeps_little_per_page(tmp_path: Path) -> None:
    """One site of many pages, each signed by the same staff writer (ATT005 judges every byline)
    and with teasers to other pages of the site (AIL009/AIL010 join them): the site checks find
    something on every page. Their memory must stay a few hundred bytes a page: once a byline was
    held with its location until the check ended (2 KB a page; 300 MB at 100,000 pages of one site)."""

    def engine_with(n: int) -> Engine:
        engine = _engine()
        template = _template(engine)
        teaser = template.summary.teasers[0]
        for k in range(n):
            item = copy_page(template, f"crawl.warc.gz#{k * 1000}", f"https://example.org/2024/story-{k}")
            location = SourceLocation("article > p.byline", 40 + k % 7, 3, f"By Jane Q. Writer, staff {k}")
            item.summary.authors = [AuthorNote("Jane Q. Writer", "person", False, location)]
            item.summary.teasers = [dataclasses.replace(teaser, url=f"https://example.org/2024/story-{(k + j) % n}")
                                    for j in (1, 2)]
            engine.add(item, (((0, "crawl.warc.gz"),), k))
        return engine

    def peak(n: int) -> int:
        engine = engine_with(n)

        def finish() -> None:
            with engine.finish() as result:
                pages = result.sites["example.org"].pages
                assert len(pages) == n
                assert any(r.code == "ATT005" for r in pages[n // 2].results)

        return _traced(finish)[1]

    peak(30)  # warm-up
    small, big = peak(200), peak(1000)
    growth = (big - small) / 800
    assert growth < 1000, f"the site phase's peak grows by {growth:.0f} bytes per page of the site"


def _many_sites(engine: Engine, template: AuditedPage, start: int, stop: int) -> None:
    """Pages of one-page sites (hostN.example), as an archive where every page is a site of its own."""
    for n in range(start, stop):
        item = copy_page(template, f"crawl.warc.gz#{n * 1000}", f"https://host{n}.example/story")
        item.page.site = f"host{n}.example"
        engine.add(item, (((0, "crawl.warc.gz"),), n))


def test_each_site_costs_a_few_hundred_bytes_until_the_reports_are_written() -> None:
    """An archive where every page is a site of its own (a Common Crawl segment): what the engine
    keeps per site until the site phase, and what the run's result keeps after it. Both grew with
    the sites: the per-rule counts of a site were 45 dicts of their own (10 KB a site, 1 GB at
    100,000 sites), then a `Totals` a site (3 KB) until the site phase and again in the index until
    it was written; a page's counts are now on disk with its summary (`auditor.tally`) and the
    index's lines with the site reports (`auditor.sitereports`)."""
    engine = _engine_for_many_sites()
    template = _template(engine)
    _many_sites(engine, template, 0, 100)  # warm-up
    held, _ = _traced(lambda: _many_sites(engine, template, 100, 1100))
    assert held / 1000 < 600, f"{held / 1000:.0f} bytes kept per site while pages are collected"
    finished: list[RunResult] = []
    held, _ = _traced(lambda: finished.append(engine.finish()))
    assert held / 1100 < 800, f"{held / 1100:.0f} bytes held per site after the site phase"
    with finished[0] as result:
        assert len(result.sites) == 1100 and len(result.index.sites) == 1100
        one = result.sites["host7.example"].totals
        assert all(report.totals == one for report in result.sites.values())
        assert all(summary.totals == one for summary in result.index.sites)
        # The run's counts are every site's added up: shared counts were never changed in place.
        assert result.index.totals.by_rule == {code: {k: v * 1100 for k, v in counts.items()}
                                               for code, counts in one.by_rule.items()}


def test_writing_the_reports_of_many_sites_keeps_little_per_site(tmp_path: Path) -> None:
    """The writer held a name, a body and a temporary file's path for every report file until all
    were in place: 2.4 KB a site for JSON and HTML (240 MB at 100,000 sites). It now describes each
    site's files from the index when it writes them, and finds their temporary files by name."""

    def peak(n: int) -> int:
        engine = _engine_for_many_sites()
        _many_sites(engine, _template(engine), 0, n)
        with engine.finish() as result:
            write_reports(result, tmp_path / f"warm-up-{n}")  # templates compiled (a few MB, once)
            # (emit_reports, as the command line: write_reports makes a Path of every file written.)
            _, peak = _traced(lambda: emit_reports(report_set(result), tmp_path / f"out-{n}"))
        assert len(list((tmp_path / f"out-{n}").glob("host*.example.html"))) == n
        return peak

    small, big = peak(200), peak(1200)
    growth = (big - small) / 1000
    assert growth < 1000, f"writing the reports peaks {growth:.0f} bytes higher per site"


def _engine_for_many_sites() -> Engine:
    from auditor.engine import Options
    from auditor.rulepacks import load_packs, select_rules

    packs = load_packs()
    return Engine(packs, select_rules(packs), Options())


def test_shared_rule_counts_are_never_changed_in_place() -> None:
    engine = _engine_for_many_sites()
    page = _template(engine).page
    first, second = totals([page], []), totals([page], [])
    code = next(iter(first.by_rule))
    assert first.by_rule[code] is second.by_rule[code]  # equal small counts: one dict
    before = second.model_copy(deep=True)
    doubled = Totals()
    add_totals(doubled, second)
    add_totals(doubled, second)
    assert second == before and doubled.by_rule[code] == {k: 2 * v for k, v in before.by_rule[code].items()}


def test_a_page_taken_out_of_the_counts_leaves_no_key() -> None:
    """The site phase takes out the counts of a page that site checks add to, then counts it again."""
    page = _template(_engine_for_many_sites()).page
    counts = count_flat({}, page)
    assert count_flat(count_flat(dict(counts), page), page, -1) == counts
    assert totals_of(count_flat(dict(counts), page, -1), 0, 0) == Totals()
