"""What every reporter reads: a run's report models, their violations with fingerprints, and the
baseline check when there is one. Reporters read this and nothing else (never pages)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from auditor.models import IndexReport, InputError, Outcome, RuleInfo, SiteReport
from auditor.report.baseline import BaselineCheck, exit_code_for
from auditor.report.fingerprint import Finding, site_findings
from auditor.sitereports import StoredSites


@dataclass(frozen=True)
class ReportSet:
    index: IndexReport
    sites: Mapping[str, SiteReport]  # by site name, in the index's order
    baseline: BaselineCheck | None = None

    @cached_property
    def findings(self) -> list[Finding]:
        """Every violation of the run with its fingerprint: sites, pages, results in report order."""
        return [f for report in self.sites.values() for f in site_findings(report)]

    @cached_property
    def site_errors(self) -> list[InputError]:
        """Each site's input errors, in site order. A run's site reports are read from disk
        (`auditor.sitereports`): those its index counts no error for are not read."""
        if not isinstance(self.sites, StoredSites):
            return [e for report in self.sites.values() for e in report.errors]
        counted = {s.site: s.totals.errors for s in self.index.sites}
        return [e for site in self.sites if counted.get(site, 1) for e in self.sites[site].errors]

    @cached_property
    def errors(self) -> list[InputError]:
        """Every input error: each site's, then those that belong to no site."""
        return self.site_errors + list(self.index.errors)

    def is_baselined(self, finding: Finding) -> bool:
        return self.baseline is not None and self.baseline.is_baselined(finding)

    @cached_property
    def new_findings(self) -> list[Finding]:
        """The violations that count: all of them, or those the baseline does not accept."""
        return [f for f in self.findings if not self.is_baselined(f)]

    @cached_property
    def exit_code(self) -> int:
        return exit_code_for(self.findings, self.errors, self.index.fail_on, self.baseline)

    def incomplete_count(self, report: SiteReport) -> int:
        return sum(1 for p in report.pages for r in p.results if r.outcome == Outcome.incomplete)


def site_rules(report: SiteReport) -> list[RuleInfo]:
    """The site's rules, then any rule that has results but no description (so none is lost)."""
    rules = list(report.rules)
    known = {r.code for r in rules}
    for page in report.pages:
        for res in page.results:
            if res.code not in known:
                known.add(res.code)
                rules.append(RuleInfo(code=res.code, name=res.name, category=res.category, severity=res.severity,
                                      summary="", rationale="", remediation=""))
    return rules


# A report file's text: whole, or a function that gives it in pieces when it is written (reports
# of big sites are streamed to disk, never held in memory whole).
Body = str | Callable[[], Iterable[str]]


def body_chunks(body: Body) -> Iterable[str]:
    return (body,) if isinstance(body, str) else body()


def body_text(body: Body) -> str:
    return body if isinstance(body, str) else "".join(body())


@dataclass
class Output:
    """What a reporter produces: files for the output folder (name -> text), text for stdout, and
    Markdown for a CI step summary."""

    files: dict[str, Body] = field(default_factory=dict)
    stdout: str = ""
    step_summary: str = ""


def statistics(findings: list[Finding]) -> list[tuple[int, str, str]]:
    """(count, code, name) per rule, most frequent first, then by code (as `ruff --statistics`)."""
    counts = Counter(f.result.code for f in findings)
    names = {f.result.code: f.result.name for f in findings}
    return sorted(((n, code, names[code]) for code, n in counts.items()), key=lambda t: (-t[0], t[1]))


def format_statistics(rows: list[tuple[int, str, str]]) -> str:
    if not rows:
        return ""
    width = max(len(str(n)) for n, _, _ in rows)
    code_width = max(len(code) for _, code, _ in rows)
    return "\n".join(f"{n:>{width}}\t{code:<{code_width}}\t{name}" for n, code, name in rows)
