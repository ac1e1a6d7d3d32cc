"""GitLab code quality: `gl-code-quality-report.json` (artifacts:reports:codequality).

A JSON array, one object per violation that counts (with a baseline: the new ones only):
`description` (`CODE: message`), `check_name` (the rule code), `fingerprint` (the finding's stable
fingerprint, as in baselines and SARIF), `severity`
(error -> critical, warning -> major, info -> minor; GitLab's `info` and `blocker` are not used),
`location.path` (the page path) and `location.lines.begin` (1 when the line is unknown), plus
`categories` and `content.body` (the page URL and item) that GitLab shows in its widget.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.models import Severity
from auditor.report.bundle import Output, ReportSet
from auditor.report.fingerprint import Finding
from auditor.report.write import canonical_json

FILE_NAME = "gl-code-quality-report.json"
GitLabSeverity = Literal["info", "minor", "major", "critical", "blocker"]
SEVERITIES: dict[Severity, GitLabSeverity] = {Severity.error: "critical", Severity.warning: "major",
                                              Severity.info: "minor"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Lines(_Model):
    begin: int = Field(ge=1)


class IssueLocation(_Model):
    path: str
    lines: Lines


class Content(_Model):
    body: str


class CodeQualityIssue(_Model):
    """One entry of GitLab's code quality report (a subset of the Code Climate issue format)."""

    type: Literal["issue"] = "issue"
    description: str
    check_name: str
    fingerprint: str
    severity: GitLabSeverity
    categories: list[str]
    content: Content
    location: IssueLocation


def _issue(finding: Finding) -> CodeQualityIssue:
    res, page = finding.result, finding.page
    line = res.location.line if res.location is not None and res.location.line >= 1 else 1
    body = [f"Site: {finding.site}", f"Page: {page.url or page.path}"]
    if res.item is not None:
        body.append(f"Item: {res.item.id} ({res.item.kind})")
    return CodeQualityIssue(
        description=f"{res.code}: {res.message}",
        check_name=res.code,
        fingerprint=finding.fingerprint,
        severity=SEVERITIES[res.severity],
        categories=[res.category.value],
        content=Content(body="\n".join(body)),
        location=IssueLocation(path=page.path.replace("\\", "/"), lines=Lines(begin=line)),
    )


def render_gitlab(bundle: ReportSet) -> str:
    issues = sorted((_issue(f) for f in bundle.new_findings),
                    key=lambda i: (i.location.path, i.location.lines.begin, i.check_name, i.fingerprint))
    data = [i.model_dump(mode="json") for i in issues]
    return canonical_json(data) + "\n"


def gitlab_reporter(bundle: ReportSet) -> Output:
    return Output(files={FILE_NAME: render_gitlab(bundle)})
