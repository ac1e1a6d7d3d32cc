"""`auditor report diff OLD NEW`: which violations are new, fixed or unchanged between two runs.

Violations are matched by their fingerprint (auditor/report/fingerprint.py), so a finding whose
page only moved lines is unchanged. Sites and pages present on one side only count too: a page
added in NEW brings new violations, a page gone from NEW takes its violations to "fixed".
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from auditor.models import Severity, SiteReport
from auditor.report.fingerprint import Finding, site_findings
from auditor.report.markdown import cell
from auditor.report.write import canonical_json


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DiffFinding(_Model):
    fingerprint: str
    code: str
    name: str
    severity: Severity
    site: str
    url: str | None
    path: str
    line: int | None = None
    column: int | None = None
    item: str | None = None
    message: str


class DiffCounts(_Model):
    new: int = 0
    fixed: int = 0
    unchanged: int = 0


class DiffReport(_Model):
    counts: DiffCounts
    new: list[DiffFinding] = Field(default_factory=list)
    fixed: list[DiffFinding] = Field(default_factory=list)


def _entry(f: Finding) -> DiffFinding:
    loc = f.result.location
    known = loc is not None and loc.line >= 1
    return DiffFinding(
        fingerprint=f.fingerprint, code=f.result.code, name=f.result.name, severity=f.result.severity, site=f.site,
        url=f.page.url, path=f.page.path, line=loc.line if loc is not None and known else None,
        column=loc.column if loc is not None and known and loc.column >= 1 else None,
        item=f.result.item.id if f.result.item else None, message=f.result.message,
    )


def _key(d: DiffFinding) -> tuple[str, str, str, int, str]:
    return (d.site, d.url or d.path, d.code, d.line or 0, d.fingerprint)


def diff_reports(old: list[SiteReport], new: list[SiteReport]) -> DiffReport:
    before = {f.fingerprint: f for r in old for f in site_findings(r)}
    after = {f.fingerprint: f for r in new for f in site_findings(r)}
    added = sorted((_entry(after[fp]) for fp in after.keys() - before.keys()), key=_key)
    fixed = sorted((_entry(before[fp]) for fp in before.keys() - after.keys()), key=_key)
    unchanged = len(after.keys() & before.keys())
    return DiffReport(counts=DiffCounts(new=len(added), fixed=len(fixed), unchanged=unchanged), new=added, fixed=fixed)


def _where(d: DiffFinding) -> str:
    page = d.url or d.path
    if d.line is None:
        return page
    return f"{page}:{d.line}" + (f":{d.column}" if d.column else "")


def render_text(diff: DiffReport) -> str:
    c = diff.counts
    lines = [f"new: {c.new}, fixed: {c.fixed}, unchanged: {c.unchanged}"]
    for title, entries in (("new", diff.new), ("fixed", diff.fixed)):
        if entries:
            lines.append(f"{title}:")
            for d in entries:
                lines.append(f"  {d.code} {d.severity.value} {_where(d)}: {' '.join(d.message.split())}")
    return "\n".join(lines) + "\n"


def render_json(diff: DiffReport) -> str:
    return canonical_json(diff.model_dump(mode="json")) + "\n"


def render_markdown(diff: DiffReport) -> str:
    c = diff.counts
    lines = ["## auditor: changes", "", f"**{c.new}** new, **{c.fixed}** fixed, {c.unchanged} unchanged violation(s)."]
    for title, entries in (("New violations", diff.new), ("Fixed violations", diff.fixed)):
        if entries:
            lines += ["", f"### {title}", "", "| Rule | Severity | Page | Message |", "| --- | --- | --- | --- |"]
            for d in entries:
                lines.append(f"| {cell(d.code)} | {d.severity.value} | {cell(_where(d))} | {cell(d.message)} |")
    return "\n".join(lines) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
