"""Self-contained HTML views of a SiteReport and an IndexReport.

Why this shape: a report is opened from disk, mailed around and archived, and it quotes hostile
page content (messages, snippets, titles, URLs). So the file is self-contained — inline CSS only,
no scripts, no fonts, no images, nothing fetched (a Content-Security-Policy of `default-src 'none'`
backs that up) — and every string is escaped by Jinja's autoescape; no template marks data `|safe`.
Page-derived URLs are shown as text, never as links; only rule reference URLs with an http(s)
scheme and report file names of the tool's own making become `href`s.
"""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from auditor.models import IndexReport, Location, PageReport, Result, RuleInfo, SiteReport

OUTCOMES: tuple[str, ...] = ("violation", "incomplete", "pass", "inapplicable")
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

_SAFE_FILE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("auditor", "report/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["short"] = _short
    env.filters["loc"] = _loc
    env.tests["web_url"] = _is_web_url
    env.tests["safe_file"] = _is_safe_file
    env.globals["OUTCOMES"] = OUTCOMES
    env.globals["SEVERITIES"] = SEVERITIES
    return env


def _short(digest: str, n: int = 12) -> str:
    return digest[:n]


def _loc(location: Location) -> str:
    """`line:column`, the position part of a location."""
    return f"{location.line}:{location.column}"


def _is_web_url(url: str) -> bool:
    """Only plain http(s) URLs may become links (never `javascript:`, `data:` and the like)."""
    return url.startswith(("https://", "http://"))


def _is_safe_file(name: str) -> bool:
    """A bare file name in the same folder: no scheme, no path, nothing resolved elsewhere."""
    return _SAFE_FILE.fullmatch(name) is not None and name not in (".", "..")


def _all_rules(report: SiteReport) -> list[RuleInfo]:
    """The pack's rules, then any rule that has results but is not described (so none is hidden)."""
    rules = list(report.rules)
    known = {r.code for r in rules}
    for page in report.pages:
        for res in page.results:
            if res.code not in known:
                known.add(res.code)
                rules.append(RuleInfo(code=res.code, name=res.name, category=res.category,
                                      severity=res.severity, summary="", rationale="",
                                      remediation=""))
    return rules


def _results_by_rule(report: SiteReport) -> dict[str, list[tuple[PageReport, Result]]]:
    grouped: dict[str, list[tuple[PageReport, Result]]] = {}
    for page in report.pages:
        for res in page.results:
            grouped.setdefault(res.code, []).append((page, res))
    return grouped


def render_site_html(report: SiteReport) -> str:
    """The HTML report of one site."""
    rules = _all_rules(report)
    return _env().get_template("site.html.j2").render(
        report=report,
        rules=rules,
        rule_names={r.code: r.name for r in rules},
        results_by_rule=_results_by_rule(report),
    )


def render_index_html(index: IndexReport) -> str:
    """The HTML index of a run: one row per site, linking to each site's reports."""
    return _env().get_template("index.html.j2").render(index=index)
