"""Plain lines for a terminal or a pre-commit hook: one violation per line, as linters print them.

`PATH:LINE:COL: CODE [severity] message`, sorted as the reports are, then the input errors; no
files are written. Page text in messages is kept on one line (control characters become spaces)
so that one finding is always one line.
"""

from __future__ import annotations

import re

from auditor.report.bundle import Output, ReportSet

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _one_line(text: str) -> str:
    return _CONTROL.sub(" ", text)


def render_text(bundle: ReportSet) -> str:
    lines = []
    for finding in bundle.new_findings:
        res = finding.result
        loc = res.location
        where = finding.page.path
        if loc is not None and loc.line >= 1:
            where += f":{loc.line}:{max(loc.column, 1)}"
        lines.append(f"{_one_line(where)}: {res.code} [{res.severity.value}] {_one_line(res.message)}")
    for error in bundle.errors:
        lines.append(f"{_one_line(error.path)}: input error: {_one_line(error.error)}")
    return "\n".join(lines) + "\n" if lines else ""


def text_reporter(bundle: ReportSet) -> Output:
    return Output(stdout=render_text(bundle))
