"""Markdown summary: `summary.md`, for a CI step summary or a pull request comment.

A result line, a table of totals per site, a table of violations by rule and the violations
themselves (at most MAX_LISTED). With a baseline the tables split violations into new and baselined
and list the findings fixed since the baseline. Page text is escaped: it cannot add HTML, images,
Markdown links or table cells (GitHub still turns bare URLs into links).
"""

from __future__ import annotations

import re
from collections import Counter

from auditor.models import Outcome, Severity
from auditor.report.bundle import Output, ReportSet
from auditor.report.fingerprint import Finding

FILE_NAME = "summary.md"
MAX_LISTED = 100
MAX_CELL = 300

_SPECIAL = re.compile(r"([\\`*_\[\]|#!~])")


def cell(text: str, limit: int = MAX_CELL) -> str:
    """Text safe in a Markdown table cell: one line, HTML and Markdown syntax neutralised."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + "..."
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _verdict(bundle: ReportSet) -> str:
    code = bundle.exit_code
    if code == 2:
        return "**input errors** (exit 2)"
    if code == 1:
        return f"**failed**: violations at or above `{bundle.index.fail_on.value}` (exit 1)"
    return f"**passed**: no violation at or above `{bundle.index.fail_on.value}`" + (
        " that the baseline does not accept (exit 0)" if bundle.baseline else " (exit 0)")


def _where(finding: Finding) -> str:
    loc = finding.result.location
    page = finding.page.url or finding.page.path
    return cell(page) + (f":{loc.line}" if loc is not None and loc.line >= 1 else "")


def render_markdown(bundle: ReportSet) -> str:
    index = bundle.index
    base = bundle.baseline
    lines = ["## auditor", ""]
    lines.append(f"{index.totals.pages} page(s) in {len(bundle.sites)} site(s), {len(bundle.errors)} input "
                 f"error(s): {_verdict(bundle)}.")
    if base is not None:
        lines.append("")
        lines.append(f"Baseline `{cell(base.path)}`: {len(bundle.new_findings)} new, "
                     f"{len(bundle.findings) - len(bundle.new_findings)} baselined, {len(base.fixed)} fixed.")
    lines += ["", "### Sites", ""]
    sev = [s.value for s in Severity]
    lines.append(_row("Site", "Pages", *(s.capitalize() for s in sev), "Incomplete", "Input errors"))
    lines.append(_row(*["---"] * (len(sev) + 4)))
    for summary in index.sites:
        t = summary.totals
        lines.append(_row(cell(summary.site), t.pages, *(t.by_severity.get(s, 0) for s in sev),
                          t.by_outcome.get(Outcome.incomplete.value, 0), t.errors))
    t = index.totals
    lines.append(_row("**Total**", t.pages, *(t.by_severity.get(s, 0) for s in sev),
                      t.by_outcome.get(Outcome.incomplete.value, 0), t.errors))

    lines += ["", "### Violations by rule", ""]
    if not bundle.findings:
        lines.append("No violations.")
    else:
        counts = Counter(f.result.code for f in bundle.findings)
        new = Counter(f.result.code for f in bundle.new_findings)
        first = {f.result.code: f.result for f in reversed(bundle.findings)}
        head = ["Rule", "Name", "Severity", "Violations"] + (["New", "Baselined"] if base else [])
        lines.append(_row(*head))
        lines.append(_row(*["---"] * len(head)))
        for code in sorted(counts, key=lambda c: (-first[c].severity.rank, -counts[c], c)):
            res = first[code]
            extra = [new[code], counts[code] - new[code]] if base else []
            lines.append(_row(cell(code), cell(res.name), res.severity.value, counts[code], *extra))

    listed = bundle.new_findings
    if listed:
        title = "New violations" if base else "Violations"
        lines += ["", f"### {title}", "", _row("Rule", "Severity", "Page", "Message"), _row("---", "---", "---", "---")]
        for f in listed[:MAX_LISTED]:
            lines.append(_row(cell(f.result.code), f.result.severity.value, _where(f), cell(f.result.message)))
        if len(listed) > MAX_LISTED:
            lines += ["", f"... and {len(listed) - MAX_LISTED} more (see the JSON reports)."]

    if base is not None and base.fixed:
        lines += ["", "### Fixed since the baseline", "", _row("Rule", "Page", "Message"), _row("---", "---", "---")]
        for e in base.fixed[:MAX_LISTED]:
            lines.append(_row(cell(e.code), cell(e.url), cell(e.message)))
        if len(base.fixed) > MAX_LISTED:
            lines += ["", f"... and {len(base.fixed) - MAX_LISTED} more."]

    if bundle.errors:
        lines += ["", "### Input errors", "", _row("Path", "Error"), _row("---", "---")]
        for error in bundle.errors[:MAX_LISTED]:
            lines.append(_row(cell(error.path), cell(error.error)))
    return "\n".join(lines) + "\n"


def markdown_reporter(bundle: ReportSet) -> Output:
    return Output(files={FILE_NAME: render_markdown(bundle)})
