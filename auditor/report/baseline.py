"""Baselines: accept the violations a site has today, fail only on new ones.

`auditor audit ... --write-baseline FILE` writes every current violation's fingerprint (with its
rule, site, page and a short message for people reading the file); `auditor audit ... --baseline
FILE` then counts only violations whose fingerprint is not in the file for the exit code. Baseline
entries of pages audited in this run that no longer occur are "fixed"; entries of pages not in
this run are left alone (auditing one page against a whole site's baseline fixes nothing).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditor.models import InputError, Severity, SiteReport
from auditor.report.fingerprint import Finding, page_key, site_findings

BASELINE_FORMAT_VERSION = "1"
MESSAGE_CHARS = 160


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BaselineEntry(_Model):
    """One accepted violation. Only `fingerprint` is matched; the rest is for people."""

    fingerprint: str = Field(pattern=r"^[0-9a-f]{64}$")
    code: str
    site: str
    url: str  # the page's URL, or its path when it has none (as fingerprints name the page)
    path: str
    message: str = ""


class Baseline(_Model):
    """The baseline file: sorted entries, no timestamps, so one state of a site gives one file."""

    tool: str = "auditor"
    baseline_format: str = BASELINE_FORMAT_VERSION
    findings: list[BaselineEntry] = Field(default_factory=list)


class BaselineError(Exception):
    """A baseline file that cannot be read or is not a baseline; the message names file and cause."""


def _short(message: str) -> str:
    text = " ".join(message.split())
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 3].rstrip() + "..."


def _sort_key(entry: BaselineEntry) -> tuple[str, str, str, str]:
    return (entry.site, entry.url, entry.code, entry.fingerprint)


def build_baseline(findings: Iterable[Finding]) -> Baseline:
    entries = {
        f.fingerprint: BaselineEntry(fingerprint=f.fingerprint, code=f.result.code, site=f.site, url=f.page_key,
                                     path=f.page.path, message=_short(f.result.message))
        for f in findings
    }
    return Baseline(findings=sorted(entries.values(), key=_sort_key))


def load_baseline(path: Path) -> Baseline:
    """Read and validate a baseline file; BaselineError says which file and what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"baseline {path}: no such file (write one with --write-baseline)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"baseline {path}: cannot read ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"baseline {path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    try:
        baseline = Baseline.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise BaselineError(f"baseline {path}: not an auditor baseline: {where}: {first['msg']}{more}") from None
    if baseline.tool != "auditor" or baseline.baseline_format != BASELINE_FORMAT_VERSION:
        raise BaselineError(f"baseline {path}: unsupported baseline (tool {baseline.tool!r}, format "
                            f"{baseline.baseline_format!r}; this auditor reads format {BASELINE_FORMAT_VERSION!r})")
    return baseline


@dataclass(frozen=True, slots=True)
class BaselineCheck:
    """A run's violations held against a baseline."""

    path: str
    baselined: frozenset[str]  # fingerprints of current violations that the baseline accepts
    fixed: list[BaselineEntry] = field(default_factory=list)  # accepted before, gone now

    def is_baselined(self, finding: Finding) -> bool:
        return finding.fingerprint in self.baselined


def check_baseline(baseline: Baseline, path: str, reports: Iterable[SiteReport],
                   findings: Iterable[Finding] | None = None) -> BaselineCheck:
    """Hold the reports' violations (`findings`, when already computed) against a baseline."""
    reports = list(reports)
    accepted = {e.fingerprint for e in baseline.findings}
    if findings is None:
        findings = [f for r in reports for f in site_findings(r)]
    current = {f.fingerprint for f in findings}
    audited = {(r.site, page_key(p)) for r in reports for p in r.pages}
    fixed = [e for e in baseline.findings if e.fingerprint not in current and (e.site, e.url) in audited]
    return BaselineCheck(path=path, baselined=frozenset(current & accepted), fixed=sorted(fixed, key=_sort_key))


def exit_code_for(findings: Iterable[Finding], errors: list[InputError], fail_on: Severity,
                  check: BaselineCheck | None = None) -> int:
    """2 for input errors; 1 for a violation at or above `fail_on` that no baseline accepts; else 0."""
    if errors:
        return 2
    for f in findings:
        if f.result.severity.rank >= fail_on.rank and not (check and check.is_baselined(f)):
            return 1
    return 0
