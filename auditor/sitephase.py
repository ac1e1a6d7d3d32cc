"""The site phase on several cores: sites shared out between the main process and forked ones.

Why: after the workers are done, the site phase (site checks, each page settled into report order)
ran in the main process alone, a second or so per 2,000 pages with every other core idle. Sites are
independent there, so each process takes a share of them (the biggest first, each to the least
loaded process), with files of its own in the run's page store: the settled pages, the site
findings and the consent records. A forked process sends back its site reports without their pages
(a range of its settled file), and where its files end; the main process adopts those files
(`PageStore.adopt`) and the reports read their pages from there, as from its own.

Linux only, as for the report writers (`auditor.writer`, `auditor.forking`): a forked child is safe there.
"""

from __future__ import annotations

import multiprocessing
import traceback
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection

from auditor.forking import can_fork, share
from auditor.models import SiteReport
from auditor.pagestore import PageStore, RecordFile, StoredPages, StoredRecord

# Below this many pages in a run, forking costs more than it saves.
PARALLEL_SITES_MIN_PAGES = 300

Unused = list[tuple[str, int, str, tuple[str, ...]]]  # inline suppressions that silenced nothing


@dataclass(frozen=True, slots=True)
class SiteFiles:
    """Where one process's share of the site phase writes: settled pages, site findings, and the
    name of the record file for what a site report keeps on disk (`PageStore.keep_json`)."""

    settled: RecordFile
    findings: RecordFile
    consent: str


@dataclass(slots=True)
class SiteDone:
    """A site after the site phase: its report (pages in a record file), whether a page fails the
    run, and its unused inline suppressions."""

    report: SiteReport
    failing: bool
    unused: Unused


class PageFindings:
    """A site's findings by page, for the site phase: what `_site_findings` found, as (site rule
    index, record number) pairs per page, in the order they were added. Kept as arrays (a list per
    page with tuples in it cost about 100 bytes a finding: at 10,000 pages of one site, 2 MB of the
    site phase's memory), chained per page: 8 bytes a page and 12 a finding, nothing sorted."""

    __slots__ = ("_first", "_last", "_next", "_values")

    def __init__(self, pages: int) -> None:
        self._first = array("i", [-1]) * pages
        self._last = array("i", [-1]) * pages
        self._next = array("i")
        self._values = array("q")

    def add(self, page: int, rule: int, record: int) -> None:
        at = len(self._values)
        self._values.append(record << 16 | rule)  # site rules number far below 2**16
        self._next.append(-1)
        if self._first[page] < 0:
            self._first[page] = at
        else:
            self._next[self._last[page]] = at
        self._last[page] = at

    def __contains__(self, page: int) -> bool:
        return self._first[page] >= 0

    def __len__(self) -> int:
        return len(self._values)

    def of(self, page: int) -> list[tuple[int, int]]:
        """The page's (site rule index, record number) pairs, in the order they were added."""
        found: list[tuple[int, int]] = []
        at = self._first[page]
        while at >= 0:
            value = self._values[at]
            found.append((value & 0xFFFF, value >> 16))
            at = self._next[at]
        return found


# What a forked process sends back per site: the report without pages or consent record, the
# range of its pages in the settled file, the number of its consent record (None: none), failing, unused.
_Sent = tuple[SiteReport, Sequence[int], int | None, bool, Unused]
RunPart = Callable[[list[str], SiteFiles], Iterator[SiteDone]]


def finish_forked(names: list[str], weights: list[int], jobs: int, run_part: RunPart, store: PageStore,
                  own: SiteFiles, tag: str) -> dict[str, SiteDone]:
    """Run the site phase of `names` (in name order) in `jobs` processes: this one into `own`, the
    forked ones into files named after `tag` and their number. Every site done, by name; on a
    failure anywhere, the first one is raised once every process has ended."""
    parts = [[names[k] for k in group] for group in share(weights, jobs)]
    context = multiprocessing.get_context("fork")
    children: list[tuple[multiprocessing.process.BaseProcess, Connection, str]] = []
    for number, part in enumerate(parts[1:], start=1):
        receive, send = context.Pipe(duplex=False)
        name = f"{tag}.{number}"
        child: multiprocessing.process.BaseProcess = context.Process(
            target=_run_child, args=(part, run_part, store, name, send), daemon=True)
        child.start()
        send.close()
        children.append((child, receive, name))
    done: dict[str, SiteDone] = {}
    failure: BaseException | None = None
    try:
        done.update((site.report.site, site) for site in run_part(parts[0], own))
    except BaseException as exc:  # the children still run: wait for them before raising
        failure = exc
    for child, receive, name in children:
        try:
            message = receive.recv()
        except EOFError:
            message = ("died", None)
        child.join()
        receive.close()
        if message[0] == "ok":
            done.update(_adopt(store, name, message[1], message[2], message[3]))
        elif failure is None:
            failure = RuntimeError(f"a site phase process died (exit code {child.exitcode}) before it finished"
                                   if message[0] == "died" else f"a site phase process failed:\n{message[1]}")
    if failure is not None:
        raise failure
    return done


def _files(tag: str) -> tuple[str, str, str]:
    return f"settled.{tag}", f"findings.{tag}", f"consent.{tag}"


def _run_child(part: list[str], run_part: RunPart, store: PageStore, tag: str, send: Connection) -> None:
    """A forked process: its sites, then ("ok", sites, settled file, consent file) or what failed."""
    try:
        settled_name, findings_name, consent_name = _files(tag)
        files = SiteFiles(store.file(settled_name), store.file(findings_name), consent_name)
        sent: list[_Sent] = []
        for site in run_part(part, files):
            report = site.report
            pages = report.pages
            assert isinstance(pages, StoredPages)
            stored = report.consent.stored_trackers()
            report.consent.keep_trackers_on_disk(None)
            report.pages = []
            sent.append((report, pages.numbers, stored.number if isinstance(stored, StoredRecord) else None,
                         site.failing, site.unused))
        consent = store.file(consent_name).written() if any(s[2] is not None for s in sent) else None
        send.send(("ok", sent, files.settled.written(), consent))
    except BaseException:
        send.send(("bug", traceback.format_exc()))
    finally:
        send.close()


def _adopt(store: PageStore, tag: str, sent: list[_Sent], settled: tuple[array[int], int],
           consent: tuple[array[int], int] | None) -> Iterator[tuple[str, SiteDone]]:
    """A forked process's sites, their pages and consent records read from the files it wrote."""
    settled_name, _, consent_name = _files(tag)
    settled_file = store.adopt(settled_name, settled)
    consent_file = store.adopt(consent_name, consent) if consent is not None else None
    for report, numbers, record, failing, unused in sent:
        report.pages = StoredPages(settled_file, numbers)
        if record is not None and consent_file is not None:
            report.consent.keep_trackers_on_disk(StoredRecord(consent_file, record))
        yield report.site, SiteDone(report, failing, unused)


__all__ = ["PARALLEL_SITES_MIN_PAGES", "SiteDone", "SiteFiles", "can_fork", "finish_forked", "share"]
