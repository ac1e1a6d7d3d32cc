"""SARIF 2.1.0 (OASIS): `auditor.sarif`, for GitHub code scanning and any SARIF viewer.

One run per site, each with its own `automationDetails.id` (`auditor/<site>/`), so code scanning
keeps the sites apart. `tool.driver.rules` describes the site's rules (summary, rationale,
remediation and references, severity as `defaultConfiguration.level`). Results are the violations
only (incomplete results need a person, not an alert); each has the page path as artifact location
(relative paths against `%SRCROOT%`), line and column when known, the page URL and item as a logical
location and properties, the evidence as related locations, and the finding's fingerprint in
`partialFingerprints`. With a baseline, every result has `baselineState` (`new` or `unchanged`),
and baselined ones carry an external suppression. Input errors are tool execution notifications
of the run's invocation (those of no site get a run of their own).
"""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from auditor.models import InputError, Location, RuleInfo, Severity, SiteReport
from auditor.report.bundle import Output, ReportSet, site_rules
from auditor.report.fingerprint import SARIF_FINGERPRINT_KEY, Finding, site_findings

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FILE_NAME = "auditor.sarif"
MAX_RELATED = 20

Level = Literal["error", "warning", "note", "none"]
LEVELS: dict[Severity, Level] = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}


# -- the part of the SARIF 2.1.0 object model auditor writes (names as in the spec, camelCase on disk) --
class _Sarif(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True)


class Message(_Sarif):
    text: str
    markdown: str | None = None


class ArtifactLocation(_Sarif):
    uri: str
    uri_base_id: str | None = None


class ArtifactContent(_Sarif):
    text: str


class Region(_Sarif):
    start_line: int = Field(ge=1)
    start_column: int | None = Field(default=None, ge=1)
    snippet: ArtifactContent | None = None


class PhysicalLocation(_Sarif):
    artifact_location: ArtifactLocation
    region: Region | None = None


class LogicalLocation(_Sarif):
    name: str
    kind: str
    fully_qualified_name: str


class SarifLocation(_Sarif):
    id: int | None = None
    physical_location: PhysicalLocation | None = None
    logical_locations: list[LogicalLocation] | None = None
    message: Message | None = None


class Suppression(_Sarif):
    kind: Literal["inSource", "external"]
    status: Literal["accepted", "underReview", "rejected"]
    justification: str


class SarifResult(_Sarif):
    rule_id: str
    rule_index: int
    kind: Literal["fail", "review"]
    level: Level
    message: Message
    locations: list[SarifLocation]
    related_locations: list[SarifLocation] | None = None
    partial_fingerprints: dict[str, str]
    baseline_state: Literal["new", "unchanged"] | None = None
    suppressions: list[Suppression] | None = None
    properties: dict[str, Any]


class ReportingConfiguration(_Sarif):
    level: Level


class ReportingDescriptor(_Sarif):
    id: str
    name: str
    short_description: Message
    full_description: Message
    help: Message
    help_uri: str | None = None
    default_configuration: ReportingConfiguration
    properties: dict[str, Any]


class ToolComponent(_Sarif):
    name: str
    version: str
    semantic_version: str
    rules: list[ReportingDescriptor]


class Tool(_Sarif):
    driver: ToolComponent


class RunAutomationDetails(_Sarif):
    id: str


class Notification(_Sarif):
    level: Level
    message: Message
    locations: list[SarifLocation]


class Invocation(_Sarif):
    execution_successful: bool
    tool_execution_notifications: list[Notification] | None = None


class Run(_Sarif):
    tool: Tool
    automation_details: RunAutomationDetails
    invocations: list[Invocation]
    results: list[SarifResult]
    properties: dict[str, Any] | None = None


class SarifLog(_Sarif):
    schema_uri: str = Field(default=SARIF_SCHEMA, alias="$schema")
    version: Literal["2.1.0"] = "2.1.0"
    runs: list[Run]


# -- from report models to SARIF ----------------------------------------------------------------
def artifact_location(path: str) -> ArtifactLocation:
    """A page path as a SARIF artifactLocation: relative paths against %SRCROOT%, absolute ones as
    file URIs; both percent-encoded as URI references must be."""
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return ArtifactLocation(uri="file://" + quote(posix, safe="/"))
    while posix.startswith("./"):
        posix = posix[2:]
    return ArtifactLocation(uri=quote(posix, safe="/"), uri_base_id="%SRCROOT%")


def _region(location: Location | None) -> Region | None:
    if location is None or location.line < 1:
        return None
    return Region(start_line=location.line, start_column=location.column if location.column >= 1 else None,
                  snippet=ArtifactContent(text=location.snippet) if location.snippet else None)


def _physical(path: str, location: Location | None) -> PhysicalLocation:
    return PhysicalLocation(artifact_location=artifact_location(path), region=_region(location))


def _rule(rule: RuleInfo) -> ReportingDescriptor:
    help_text = [rule.rationale.strip()] if rule.rationale.strip() else []
    help_md = list(help_text)
    if rule.remediation.strip():
        help_text.append(f"How to fix: {rule.remediation.strip()}")
        help_md.append(f"**How to fix:** {rule.remediation.strip()}")
    if rule.references:
        help_text.append("References:\n" + "\n".join(f"- {r.title}: {r.url}" for r in rule.references))
        help_md.append("**References:**\n\n" + "\n".join(f"- [{r.title}]({r.url})" for r in rule.references))
    summary = rule.summary or rule.name
    return ReportingDescriptor(
        id=rule.code,
        name=rule.name,
        short_description=Message(text=summary),
        full_description=Message(text=rule.rationale.strip() or summary),
        help=Message(text="\n\n".join(help_text) or summary, markdown="\n\n".join(help_md) or summary),
        help_uri=rule.references[0].url if rule.references else None,
        default_configuration=ReportingConfiguration(level=LEVELS[rule.severity]),
        properties={"category": rule.category.value, "tags": [rule.category.value],
                    "severity": rule.severity.value},
    )


def _result(finding: Finding, rule_index: int, bundle: ReportSet) -> SarifResult:
    res, page = finding.result, finding.page
    location = SarifLocation(physical_location=_physical(page.path, res.location))
    props: dict[str, Any] = {"site": finding.site, "severity": res.severity.value, "category": res.category.value}
    if page.url:
        props["url"] = page.url
    if res.item is not None:
        location.logical_locations = [LogicalLocation(name=res.item.id, kind="element",
                                                      fully_qualified_name=f"{finding.page_key}#{res.item.id}")]
        props["item"] = res.item.id
        props["itemKind"] = res.item.kind
        if res.item.label:
            props["itemLabel"] = res.item.label
    if res.location is not None and res.location.selector:
        props["selector"] = res.location.selector
    related = [
        SarifLocation(id=i, physical_location=_physical(page.path, ev), message=Message(text=ev.snippet or "evidence"))
        for i, ev in enumerate(res.evidence[:MAX_RELATED])
        if ev.line >= 1
    ]
    out = SarifResult(
        rule_id=res.code, rule_index=rule_index, kind="fail", level=LEVELS[res.severity],
        message=Message(text=res.message), locations=[location], related_locations=related or None,
        partial_fingerprints={SARIF_FINGERPRINT_KEY: finding.fingerprint}, properties=props,
    )
    if bundle.baseline is not None:
        if bundle.is_baselined(finding):
            out.baseline_state = "unchanged"
            out.suppressions = [Suppression(kind="external", status="accepted",
                                            justification=f"accepted in the baseline {bundle.baseline.path}")]
        else:
            out.baseline_state = "new"
    return out


def _invocation(errors: list[InputError]) -> Invocation:
    notes = [
        Notification(level="error", message=Message(text=f"{e.path}: {e.error}"),
                     locations=[SarifLocation(physical_location=PhysicalLocation(
                         artifact_location=artifact_location(e.path)))])
        for e in errors
    ]
    return Invocation(execution_successful=not errors, tool_execution_notifications=notes or None)


def _driver(bundle: ReportSet, rules: list[RuleInfo]) -> Tool:
    tool = bundle.index.tool
    return Tool(driver=ToolComponent(name=tool.name, version=tool.version, semantic_version=tool.version,
                                     rules=[_rule(r) for r in rules]))


def _run(bundle: ReportSet, report: SiteReport) -> Run:
    rules = site_rules(report)
    index = {r.code: i for i, r in enumerate(rules)}
    return Run(
        tool=_driver(bundle, rules),
        automation_details=RunAutomationDetails(id=f"auditor/{report.site}/"),
        invocations=[_invocation(report.errors)],
        results=[_result(f, index[f.result.code], bundle) for f in site_findings(report)],
        properties={"site": report.site, "pages": report.totals.pages,
                    "incomplete": bundle.incomplete_count(report), "failOn": report.fail_on.value},
    )


def sarif_log(bundle: ReportSet) -> SarifLog:
    runs = [_run(bundle, report) for report in bundle.sites.values()]
    if bundle.index.errors or not runs:
        # Inputs of no known site (or nothing audited at all) still show up.
        runs.append(Run(tool=_driver(bundle, []), automation_details=RunAutomationDetails(id="auditor/_no-site/"),
                        invocations=[_invocation(list(bundle.index.errors))], results=[]))
    return SarifLog(runs=runs)


def render_sarif(bundle: ReportSet) -> str:
    data = sarif_log(bundle).model_dump(mode="json", by_alias=True, exclude_none=True)
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def sarif_reporter(bundle: ReportSet) -> Output:
    return Output(files={FILE_NAME: render_sarif(bundle)})
