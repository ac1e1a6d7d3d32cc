"""The site phase on several cores: sites shared out between the main process and forked ones.

Why: after the workers are done, the site phase (site checks, each page settled into report order)
ran in the main process alone, a second or so per 2,000 pages with every other core idle. Sites are
independent there, so each process takes a share of them (the biggest first, each to the least
loaded process), with files of its own in the run's page store: the settled pages, the site
findings, the consent records and the site reports (`auditor.sitereports`). A forked process
writes, per site, its counts and where its report is in those files as a record of a file of its
own, and sends back where its files end; the main process adopts those files (`PageStore.adopt`),
reads the sites back one at a time and the reports from there, as from its own. (Sent through the
pipe, the sites of a run of 20,000 one-page sites came as one message, a transient 100 MB.)

Linux only, as for the report writers (`auditor.writer`, `auditor.forking`): a forked child is safe there.
"""

from __future__ import annotations

import multiprocessing
import pickle
import traceback
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection

from auditor.forking import can_fork, share
from auditor.pagestore import PageStore, RecordFile
from auditor.sitereports import StoredSite

# Below this many pages in a run, forking costs more than it saves.
PARALLEL_SITES_MIN_PAGES = 300

Unused = list[tuple[str, int, str, tuple[str, ...]]]  # inline suppressions that silenced nothing


@dataclass(frozen=True, slots=True)
class SiteFiles:
    """Where one process's share of the site phase writes: settled pages, site findings, site
    reports, and the name of the record file for consent trackers (`PageStore.keep_json`)."""

    settled: RecordFile
    findings: RecordFile
    reports: RecordFile
    consent: str


@dataclass(slots=True)
class SiteDone:
    """A site after the site phase: whether a page fails the run, its unused inline suppressions, and
    where its report is in its process's `SiteFiles`: the report's record and its line of the index
    (with its counts) in the reports file, its pages' records in the settled file, its trackers'
    record in the consent file (None: none)."""

    site: str
    failing: bool
    unused: Unused
    report: int
    row: int
    pages: range
    trackers: int | None

    def stored_in(self, reports: RecordFile, settled: RecordFile, consent: RecordFile | None) -> StoredSite:
        """Where its report is, given its process's files (consent: None when none of its sites has trackers)."""
        return StoredSite(reports, self.report, self.row, settled, self.pages, consent, self.trackers)


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


RunPart = Callable[[list[str], SiteFiles], Iterator[SiteDone]]


def finish_forked(names: list[str], weights: list[int], jobs: int, run_part: RunPart, store: PageStore,
                  own: SiteFiles, tag: str, handed_over: Callable[[list[str]], object] = lambda names: None,
                  ) -> dict[str, tuple[SiteDone, StoredSite]]:
    """Run the site phase of `names` (in name order) in `jobs` processes: this one into `own`, the
    forked ones into files named after `tag` and their number. Every site done and where its report
    is, by name; on a failure anywhere, the first one is raised once every process has ended.
    `handed_over` is called with the sites the forked processes took, once they have started (this
    process may drop what it kept of them)."""
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
    handed_over([name for part in parts[1:] for name in part])
    done: dict[str, tuple[SiteDone, StoredSite]] = {}
    failure: BaseException | None = None
    try:
        done.update((site.site, (site, site.stored_in(own.reports, own.settled, store.file(own.consent))))
                    for site in run_part(parts[0], own))
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
            for site, where in _adopt(store, name, *message[1:]):
                done[site.site] = (site, where)
        elif failure is None:
            failure = RuntimeError(f"a site phase process died (exit code {child.exitcode}) before it finished"
                                   if message[0] == "died" else f"a site phase process failed:\n{message[1]}")
    if failure is not None:
        raise failure
    return done


def _files(tag: str) -> tuple[str, str, str, str, str]:
    return f"settled.{tag}", f"findings.{tag}", f"reports.{tag}", f"consent.{tag}", f"done.{tag}"


def _run_child(part: list[str], run_part: RunPart, store: PageStore, tag: str, send: Connection) -> None:
    """A forked process: its sites, each a record of its done file (pickled: the run's own private
    folder), then ("ok", and where its done, settled, report and consent files end) or what failed."""
    try:
        settled_name, findings_name, reports_name, consent_name, done_name = _files(tag)
        files = SiteFiles(store.file(settled_name), store.file(findings_name), store.file(reports_name), consent_name)
        done = store.file(done_name)
        trackers = False
        for site in run_part(part, files):
            done.append(pickle.dumps(site, protocol=pickle.HIGHEST_PROTOCOL))
            trackers = trackers or site.trackers is not None
        consent = store.file(consent_name).written() if trackers else None
        send.send(("ok", done.written(), files.settled.written(), files.reports.written(), consent))
    except BaseException:
        send.send(("bug", traceback.format_exc()))
    finally:
        send.close()


def _adopt(store: PageStore, tag: str, done: tuple[array[int], int], settled: tuple[array[int], int],
           reports: tuple[array[int], int],
           consent: tuple[array[int], int] | None) -> Iterator[tuple[SiteDone, StoredSite]]:
    """A forked process's sites, read back one at a time, and where their reports are in the files it wrote."""
    settled_name, _, reports_name, consent_name, done_name = _files(tag)
    done_file = store.adopt(done_name, done)
    settled_file = store.adopt(settled_name, settled)
    reports_file = store.adopt(reports_name, reports)
    consent_file = store.adopt(consent_name, consent) if consent is not None else None
    for data in done_file.stream(range(len(done_file))):
        site: SiteDone = pickle.loads(data)  # written by this run's own forked process, in its private folder
        yield site, site.stored_in(reports_file, settled_file, consent_file)


__all__ = ["PARALLEL_SITES_MIN_PAGES", "SiteDone", "SiteFiles", "can_fork", "finish_forked", "share"]
