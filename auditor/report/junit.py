"""JUnit XML: `auditor.junit.xml`, for CI test report views (GitLab, Jenkins, Azure, ...).

One `<testsuite>` per page (name: the page path), one `<testcase>` per rule evaluated on it (name:
`CODE rule-name`, classname: the site). The rule's outcome on the page decides the test case:

- `violation` -> `<failure>` (type: the severity; the text lists each violation with line:column);
  with a baseline, a rule whose violations are all accepted by it is `<skipped type="baselined">`;
- `incomplete` -> `<skipped type="incomplete">` (a person must look);
- `pass` and `inapplicable` -> a passing test case (property `outcome` says which).

Each input that could not be read or checked is a suite of its own with one `<error>` test case.
No times or timestamps: same input, same bytes.
"""

from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from functools import partial

from lxml import etree

from auditor.models import InputError, Outcome, PageReport, Result, SiteReport
from auditor.report.bundle import Output, ReportSet
from auditor.report.fingerprint import Finding, page_findings

FILE_NAME = "auditor.junit.xml"

# Characters XML 1.0 cannot carry at all (page text may hold them); replaced, never dropped silently.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _where(result: Result) -> str:
    loc = result.location
    return f"{loc.line}:{loc.column}" if loc is not None and loc.line >= 1 else "-"


def _counts(suite: etree._Element, tests: int, failures: int, errors: int, skipped: int) -> None:
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))


def _property(parent: etree._Element, name: str, value: str) -> None:
    props = parent.find("properties")
    if props is None:
        props = etree.SubElement(parent, "properties")
    etree.SubElement(props, "property", name=xml_text(name), value=xml_text(value))


def _page_suite(parent: etree._Element, bundle: ReportSet, report: SiteReport, page: PageReport) -> tuple[int, ...]:
    suite = etree.SubElement(parent, "testsuite", name=xml_text(page.path))
    _property(suite, "site", report.site)
    if page.url:
        _property(suite, "url", page.url)
    results: dict[str, list[Result]] = defaultdict(list)
    for res in page.results:
        results[res.code].append(res)
    findings: dict[int, Finding] = {id(f.result): f for f in page_findings(report.site, page)}
    names = {r.code: r.name for r in report.rules}
    tests = failures = skipped = 0
    for code in sorted(page.rule_outcomes):
        outcome = page.rule_outcomes[code]
        rule_results = results.get(code, [])
        name = names.get(code) or (rule_results[0].name if rule_results else "")
        case = etree.SubElement(suite, "testcase", name=xml_text(f"{code} {name}".strip()),
                                classname=xml_text(report.site), file=xml_text(page.path))
        tests += 1
        _property(case, "outcome", outcome.value)
        if outcome == Outcome.violation:
            violations = [r for r in rule_results if r.outcome == Outcome.violation]
            new = [r for r in violations if not (id(r) in findings and bundle.is_baselined(findings[id(r)]))]
            if not new:
                skip = etree.SubElement(case, "skipped", type="baselined")
                skip.set("message", xml_text(f"{len(violations)} violation(s) accepted in the baseline"))
                skipped += 1
                continue
            first = new[0]
            failure = etree.SubElement(case, "failure", type=first.severity.value)
            failure.set("message", xml_text(first.message))
            lines = [f"{_where(r)} {r.severity.value}: {r.message}" for r in new]
            if len(new) < len(violations):
                lines.append(f"({len(violations) - len(new)} more accepted in the baseline)")
            failure.text = xml_text("\n".join(lines))
            failures += 1
        elif outcome == Outcome.incomplete:
            incomplete = [r for r in rule_results if r.outcome == Outcome.incomplete]
            skip = etree.SubElement(case, "skipped", type="incomplete")
            skip.set("message", xml_text(incomplete[0].message if incomplete else "needs a person's check"))
            if len(incomplete) > 1:
                skip.text = xml_text("\n".join(f"{_where(r)} {r.message}" for r in incomplete))
            skipped += 1
    _counts(suite, tests, failures, 0, skipped)
    return tests, failures, 0, skipped


def _error_suite(parent: etree._Element, error: InputError) -> tuple[int, ...]:
    suite = etree.SubElement(parent, "testsuite", name=xml_text(error.path))
    if error.site:
        _property(suite, "site", error.site)
    case = etree.SubElement(suite, "testcase", name="read and check the page",
                            classname=xml_text(error.site or "input"), file=xml_text(error.path))
    err = etree.SubElement(case, "error", type="input-error")
    err.set("message", xml_text(error.error))
    _counts(suite, 1, 0, 1, 0)
    return 1, 0, 1, 0


def render_junit(bundle: ReportSet) -> str:
    return "".join(junit_chunks(bundle))


def junit_chunks(bundle: ReportSet) -> Iterator[str]:
    """The JUnit document in pieces. Each page's suite is made and serialised on its own (indented
    as inside the document) into a temporary file, since the root element carries the totals; then
    the root, the suites read back, and the end: no page and no element tree of the run is kept."""
    totals = [0, 0, 0, 0]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as suites:
        for report in bundle.sites.values():
            for page in report.pages:
                holder = etree.Element("testsuites")
                for i, n in enumerate(_page_suite(holder, bundle, report, page)):
                    totals[i] += n
                suites.write(_inner(holder))
        for error in bundle.errors:
            holder = etree.Element("testsuites")
            for i, n in enumerate(_error_suite(holder, error)):
                totals[i] += n
            suites.write(_inner(holder))
        root = etree.Element("testsuites", name="auditor")
        _counts(root, *totals)
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        if not suites.tell():
            yield etree.tostring(root, encoding="unicode", pretty_print=True)
            return
        head = etree.tostring(root, encoding="unicode", pretty_print=True)
        assert head.endswith("/>\n")
        yield head[:-3] + ">\n"
        suites.seek(0)
        while chunk := suites.read(1 << 16):
            yield chunk
        yield "</testsuites>\n"


def _inner(holder: etree._Element) -> str:
    """The children of `holder` as pretty-printed inside their parent: its start and end tags cut."""
    text = etree.tostring(holder, encoding="unicode", pretty_print=True)
    first = text.index("\n") + 1
    assert text.endswith("</testsuites>\n")
    return text[first:-len("</testsuites>\n")]


def junit_reporter(bundle: ReportSet) -> Output:
    return Output(files={FILE_NAME: partial(junit_chunks, bundle)})
