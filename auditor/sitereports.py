"""The site reports of a run, on disk until a reporter asks for one.

Why: a site report without its pages is still some kilobytes of models (counts, the AI-label and
consent summaries, errors, and its own copy of the rules list). An archive where every page is a
site of its own (a Common Crawl segment) has as many sites as pages, and holding every report
until all were written grew the main process by about 25 KB a site: 500 MB at 20,000 sites. The
site phase writes what is a site's own as one record (`site_record`); `StoredSites` reads it back
when it is asked for, with what every report of the run shares (`ReportHead`), its pages (a range
of a settled file) and its consent trackers (a record of a consent file). Its line of the index
(name, report files, counts) is a record beside it, read back by `SiteSummaries`. In memory stay
a few hundred bytes a site: where its records are.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from auditor.models import RuleInfo, RulePackInfo, Severity, SiteReport, SiteSummary, ToolInfo, Totals
from auditor.pagestore import RecordFile, StoredPages, StoredRecord
from auditor.sequences import LazySequence


@dataclass(frozen=True, slots=True)
class ReportHead:
    """What every site report of a run shares."""

    tool: ToolInfo
    packs: list[RulePackInfo]
    generated_at: str | None
    rules: list[RuleInfo]
    fail_on: Severity


# Not stored per site: the head's fields, and the pages (a range of a settled file).
_NOT_STORED = {"tool", "rule_packs", "generated_at", "rules", "fail_on", "pages"}


def site_record(report: SiteReport) -> bytes:
    """What is a site's own in its report, as a record. ASCII JSON, so that a lone surrogate (a file
    name that is not UTF-8, in an input error) is written escaped and read back as it was. The
    consent trackers are left out too: `keep_trackers_on_disk` has emptied them."""
    return json.dumps(report.model_dump(mode="json", exclude=_NOT_STORED)).encode("ascii")


def summary_record_of(summary: SiteSummary) -> bytes:
    """A site's line of the index as a record (ASCII JSON, as `site_record`)."""
    return json.dumps(summary.model_dump(mode="json")).encode("ascii")


@dataclass(frozen=True, slots=True)
class StoredSite:
    """Where a site's report is: its record and its line of the index (`SiteSummary`) in a reports
    file, its pages' records, its trackers' record (if any)."""

    reports: RecordFile
    report: int
    row: int
    settled: RecordFile
    pages: range
    consent: RecordFile | None
    trackers: int | None

    def summary(self) -> SiteSummary:
        # Not validated again: the record is this run's own (`summary_record_of`), and every
        # reporter that lists the sites reads each line anew.
        fields = json.loads(self.reports.get(self.row))
        return SiteSummary.model_construct(site=fields["site"], json_report=fields["json_report"],
                                           html_report=fields["html_report"],
                                           totals=Totals.model_construct(**fields["totals"]))


class StoredSites(Mapping[str, SiteReport]):
    """A run's site reports by site name, in the order they were added; each read anew from disk when
    asked for (none is kept), with its pages read page by page (`StoredPages`)."""

    def __init__(self, head: ReportHead) -> None:
        self._head = head
        self._sites: dict[str, StoredSite] = {}
        self._order: list[StoredSite] = []

    def add(self, site: str, where: StoredSite) -> None:
        if site in self._sites:
            raise ValueError(f"site {site!r} added twice")
        self._sites[site] = where
        self._order.append(where)

    def summaries(self) -> SiteSummaries:
        """The sites' lines of the index, in the order the sites were added, each read when asked for."""
        return SiteSummaries(self._order)

    def __len__(self) -> int:
        return len(self._sites)

    def __iter__(self) -> Iterator[str]:
        return iter(self._sites)

    def __contains__(self, site: object) -> bool:
        return site in self._sites

    def __getitem__(self, site: str) -> SiteReport:
        where = self._sites[site]
        head = self._head
        fields = json.loads(where.reports.get(where.report))
        fields.update(tool=head.tool, rule_packs=head.packs, generated_at=head.generated_at, rules=head.rules,
                      fail_on=head.fail_on, pages=[])
        report = SiteReport.model_validate(fields)
        report.pages = StoredPages(where.settled, where.pages)
        if where.consent is not None and where.trackers is not None:
            report.consent.keep_trackers_on_disk(StoredRecord(where.consent, where.trackers))
        return report

    def __repr__(self) -> str:
        return f"StoredSites({len(self)} sites)"


class SiteSummaries(LazySequence[SiteSummary]):
    """`IndexReport.sites` of a run: each site's line of the index (its name, report files and
    counts) read from disk when asked for, so that the index of 100,000 sites is not held in memory
    (3 KB a site as models) while the reports are written."""

    def __init__(self, sites: list[StoredSite]) -> None:
        self._sites = sites

    def __len__(self) -> int:
        return len(self._sites)

    def _item(self, k: int) -> SiteSummary:
        return self._sites[k].summary()

    def __iter__(self) -> Iterator[SiteSummary]:
        for where in self._sites:
            yield where.summary()

    def __repr__(self) -> str:
        return f"SiteSummaries({len(self)} sites)"


__all__ = ["ReportHead", "SiteSummaries", "StoredSite", "StoredSites", "site_record", "summary_record_of"]
