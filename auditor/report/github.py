"""GitHub Actions: workflow command annotations on stdout, and a Markdown step summary.

One line per violation that counts (with a baseline: the new ones only):
`::error file=PATH,line=L,col=C,title=CODE name::message`. The severity decides the command
(`error`, `warning`, `notice` for info). Escaping follows GitHub's toolkit: in the message `%`, CR
and LF are percent-encoded; in property values also `:` and `,`, so page text can never end the
command or start a new one. The step summary (the `markdown` format's text) is appended to
`$GITHUB_STEP_SUMMARY` by the command line when that variable is set.
"""

from __future__ import annotations

from auditor.models import Severity
from auditor.report.bundle import Output, ReportSet
from auditor.report.fingerprint import Finding
from auditor.report.markdown import render_markdown

COMMANDS: dict[Severity, str] = {Severity.error: "error", Severity.warning: "warning", Severity.info: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    res = finding.result
    props = [("file", finding.page.path.replace("\\", "/"))]
    if res.location is not None and res.location.line >= 1:
        props.append(("line", str(res.location.line)))
        if res.location.column >= 1:
            props.append(("col", str(res.location.column)))
    props.append(("title", f"{res.code} {res.name}"))
    where = f" [{res.item.id}]" if res.item is not None else ""
    head = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{COMMANDS[res.severity]} {head}::{escape_data(res.message + where)}"


def render_annotations(bundle: ReportSet) -> str:
    lines = [annotation(f) for f in bundle.new_findings]
    for error in bundle.errors:
        lines.append(f"::error file={escape_property(error.path)},title=input error::{escape_data(error.error)}")
    return "\n".join(lines) + "\n" if lines else ""


def github_reporter(bundle: ReportSet) -> Output:
    return Output(stdout=render_annotations(bundle), step_summary=render_markdown(bundle))
