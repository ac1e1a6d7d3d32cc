"""The CI output formats, rendered from the JSON reports of one audit of examples/: SARIF against
the official OASIS schema, JUnit counts against the JSON counts, GitLab code quality fields, GitHub
annotation escaping, the Markdown summary, statistics and fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import defusedxml.ElementTree as DET
import jsonschema
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.models import (
    Category,
    IndexReport,
    InputError,
    ItemRef,
    Location,
    Outcome,
    PageReport,
    Result,
    RuleInfo,
    Severity,
    SiteReport,
    SiteSummary,
    ToolInfo,
    Totals,
)
from auditor.report.baseline import BaselineCheck, build_baseline
from auditor.report.bundle import ReportSet, format_statistics, statistics
from auditor.report.fingerprint import SARIF_FINGERPRINT_KEY, page_findings
from auditor.report.formats import DEFAULT_FORMATS, FormatError, parse_formats, render
from auditor.report.github import annotation, escape_data, escape_property, render_annotations
from auditor.report.gitlab import render_gitlab
from auditor.report.junit import render_junit
from auditor.report.load import load_reports
from auditor.report.markdown import cell, render_markdown
from auditor.report.sarif import render_sarif

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "schemas" / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture(scope="module")
def json_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        result = CliRunner().invoke(main, ["audit", "examples/", "--out", str(out), "--format", "json", "-q"])
    assert result.exit_code == 1, result.output
    return out


@pytest.fixture(scope="module")
def bundle(json_dir: Path) -> ReportSet:
    loaded = load_reports([json_dir])
    ((_, index),) = loaded.indexes
    return ReportSet(index=index, sites={r.site: r for r in loaded.sites})


def _violations(report: SiteReport) -> list[tuple[PageReport, Result]]:
    return [(p, r) for p in report.pages for r in p.results if r.outcome == Outcome.violation]


def _validate_sarif(text: str) -> dict:  # type: ignore[type-arg]
    log = json.loads(text)
    validator = jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    return log  # type: ignore[no-any-return]


def test_sarif_is_valid_and_has_one_run_per_site(bundle: ReportSet) -> None:
    log = _validate_sarif(render_sarif(bundle))
    assert log["version"] == "2.1.0"
    runs = log["runs"]
    assert [r["properties"]["site"] for r in runs] == list(bundle.sites)
    assert len({r["automationDetails"]["id"] for r in runs}) == len(runs)
    fingerprints: set[str] = set()
    for run, report in zip(runs, bundle.sites.values(), strict=True):
        rules = run["tool"]["driver"]["rules"]
        assert [r["id"] for r in rules] == [r.code for r in report.rules]
        by_code = {r.code: r for r in report.rules}
        for entry in rules:
            info = by_code[entry["id"]]
            assert entry["name"] == info.name and entry["shortDescription"]["text"] == info.summary
            assert entry["fullDescription"]["text"] == info.rationale
            assert info.remediation in entry["help"]["text"] and info.rationale in entry["help"]["text"]
            assert entry["helpUri"] == info.references[0].url
            level = {"error": "error", "warning": "warning", "info": "note"}[info.severity.value]
            assert entry["defaultConfiguration"]["level"] == level
        expected = _violations(report)
        assert len(run["results"]) == len(expected)
        for res, (page, result) in zip(run["results"], expected, strict=True):
            assert res["ruleId"] == result.code and rules[res["ruleIndex"]]["id"] == result.code
            assert res["message"]["text"] == result.message
            loc = res["locations"][0]
            assert loc["physicalLocation"]["artifactLocation"]["uri"] == page.path
            assert result.location is not None
            assert loc["physicalLocation"]["region"]["startLine"] == result.location.line
            assert loc["physicalLocation"]["region"]["startColumn"] == result.location.column
            if page.url:
                assert res["properties"]["url"] == page.url
            if result.item:
                assert loc["logicalLocations"][0]["name"] == result.item.id
            fingerprints.add(res["partialFingerprints"][SARIF_FINGERPRINT_KEY])
            assert "baselineState" not in res
    assert len(fingerprints) == len(bundle.findings)


def test_sarif_with_a_baseline_marks_new_and_suppressed(bundle: ReportSet) -> None:
    accepted = frozenset(f.fingerprint for f in bundle.findings[1:])
    base = ReportSet(index=bundle.index, sites=bundle.sites, baseline=BaselineCheck("b.json", accepted))
    log = _validate_sarif(render_sarif(base))
    states = [r["baselineState"] for run in log["runs"] for r in run["results"]]
    assert states.count("new") == 1 and states.count("unchanged") == len(bundle.findings) - 1
    suppressed = [r for run in log["runs"] for r in run["results"] if r.get("suppressions")]
    assert len(suppressed) == len(accepted) and suppressed[0]["suppressions"][0]["kind"] == "external"
    assert base.exit_code in (0, 1) and len(base.new_findings) == 1
    root = DET.fromstring(render_junit(base).encode())
    baselined = root.findall("testsuite/testcase/skipped[@type='baselined']")
    assert int(root.get("failures", -1)) == 1 and baselined
    assert len(json.loads(render_gitlab(base))) == 1 and len(render_annotations(base).splitlines()) == 1


def test_sarif_reports_input_errors_as_notifications() -> None:
    page = _page([_result("m")], path="/abs/crawl/page one.html")
    bundle = _bundle([page], errors=[InputError(path="crawl/bad.html", error="empty file", site="example.net")])
    bundle = ReportSet(index=bundle.index.model_copy(update={"errors": [InputError(path="x.html", error="gone")]}),
                       sites=bundle.sites)
    log = _validate_sarif(render_sarif(bundle))
    site_run, orphan_run = log["runs"]
    (note,) = site_run["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"] == "crawl/bad.html: empty file" and not site_run["invocations"][0][
        "executionSuccessful"]
    assert orphan_run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"] == "x.html: gone"
    uri = site_run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "file:///abs/crawl/page%20one.html"}


def test_junit_counts_match_the_json_reports(bundle: ReportSet) -> None:
    root = DET.fromstring(render_junit(bundle).encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    pages = [(report, page) for report in bundle.sites.values() for page in report.pages]
    assert len(suites) == len(pages) + len(bundle.errors)
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for suite, (report, page) in zip(suites, pages, strict=False):
        outcomes = page.rule_outcomes
        cases = suite.findall("testcase")
        assert suite.get("name") == page.path
        assert int(suite.get("tests", -1)) == len(cases) == len(outcomes)
        failures = sum(1 for o in outcomes.values() if o == Outcome.violation)
        skipped = sum(1 for o in outcomes.values() if o == Outcome.incomplete)
        assert int(suite.get("failures", -1)) == failures == len(suite.findall("testcase/failure"))
        assert int(suite.get("skipped", -1)) == skipped == len(suite.findall("testcase/skipped"))
        # every violation of the page is in its rule's failure text
        for p, result in _violations(report):
            if p is page:
                (case,) = [c for c in cases if c.get("name", "").split()[0] == result.code]
                assert result.message in (case.find("failure").text or "")  # type: ignore[union-attr]
        totals["tests"] += len(outcomes)
        totals["failures"] += failures
        totals["skipped"] += skipped
    for key, value in totals.items():
        assert int(root.get(key, -1)) == value + (len(bundle.errors) if key == "tests" else 0)
    assert int(root.get("errors", -1)) == len(bundle.errors)
    # the run's violations per rule, as the JSON totals count them, all appear as failures
    json_violations = sum(s.totals.by_outcome.get("violation", 0) for s in bundle.index.sites)
    assert json_violations == len(bundle.findings)


def _page(results: list[Result], path: str = "pages/a b.html", url: str | None = None) -> PageReport:
    outcomes = {r.code: r.outcome for r in results}
    return PageReport(path=path, url=url, site="example.net", sha256="0" * 64, input_format="html",
                      rule_outcomes=outcomes, results=results)


def _result(message: str, line: int = 3, code: str = "CON003", item: str = "cookie-notice",
            severity: Severity = Severity.error) -> Result:
    return Result(code=code, name="cookie-no-accept-choice", category=Category.consent, severity=severity,
                  outcome=Outcome.violation, message=message, item=ItemRef(id=item, kind="banner"),
                  location=Location(selector="div", line=line, column=5, snippet='<div class="x">'))


def _bundle(pages: list[PageReport], errors: list[InputError] | None = None) -> ReportSet:
    rule = RuleInfo(code="CON003", name="cookie-no-accept-choice", category=Category.consent,
                    severity=Severity.error, summary="s", rationale="r", remediation="m")
    report = SiteReport(tool=ToolInfo(version="0"), rule_packs=[], site="example.net", fail_on=Severity.error,
                        totals=Totals(pages=len(pages)), rules=[rule], pages=pages, errors=errors or [])
    index = IndexReport(tool=ToolInfo(version="0"), rule_packs=[], fail_on=Severity.error, exit_code=1,
                        totals=Totals(pages=len(pages)),
                        sites=[SiteSummary(site="example.net", json_report="example.net.json",
                                           html_report="example.net.html", totals=Totals(pages=len(pages)))])
    return ReportSet(index=index, sites={"example.net": report})


HOSTILE = "Bad <b>&amp;</b> ]]> \x00\x1b value | 100% done\r\nnext line ::error::x, y: z"


def test_junit_escapes_hostile_text() -> None:
    page = _page([_result(HOSTILE)], path='dir/"quoted" & <angled>.html')
    bundle = _bundle([page], errors=[InputError(path="bad\x01.html", error="cannot read <x>", site="example.net")])
    text = render_junit(bundle)
    root = DET.fromstring(text.encode())
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and "Bad <b>&amp;</b> ]]>" in failure.get("message", "")
    assert "\ufffd\ufffd" in failure.get("message", "")  # control characters replaced, not dropped
    assert root.find("testsuite").get("name") == 'dir/"quoted" & <angled>.html'  # type: ignore[union-attr]
    error = root.find("testsuite[2]/testcase/error")
    assert error is not None and error.get("message") == "cannot read <x>"
    assert root.get("errors") == "1" and root.get("failures") == "1"


def test_github_annotation_escaping() -> None:
    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    page = _page([_result("Line one\nline two: 100% sure :: done")], path="site/a,b:c.html")
    (finding,) = page_findings("example.net", page)
    line = annotation(finding)
    assert line == ("::error file=site/a%2Cb%3Ac.html,line=3,col=5,title=CON003 cookie-no-accept-choice::"
                    "Line one%0Aline two: 100%25 sure :: done [cookie-notice]")
    assert "\n" not in line and "\r" not in line
    warning = _page([_result("w", severity=Severity.warning), _result("i", code="AIL008", severity=Severity.info)])
    text = render_annotations(_bundle([warning]))
    assert text.splitlines()[0].startswith("::warning ") and text.splitlines()[1].startswith("::notice ")


def test_gitlab_code_quality_fields(bundle: ReportSet) -> None:
    issues = json.loads(render_gitlab(bundle))
    assert len(issues) == len(bundle.findings)
    sarif = json.loads(render_sarif(bundle))
    sarif_fps = {r["partialFingerprints"][SARIF_FINGERPRINT_KEY] for run in sarif["runs"] for r in run["results"]}
    assert {i["fingerprint"] for i in issues} == sarif_fps
    by_fp = {f.fingerprint: f for f in bundle.findings}
    for issue in issues:
        finding = by_fp[issue["fingerprint"]]
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["check_name"] == finding.result.code
        assert issue["description"] == f"{finding.result.code}: {finding.result.message}"
        assert issue["severity"] == {"error": "critical", "warning": "major", "info": "minor"}[
            finding.result.severity.value]
        assert issue["location"]["path"] == finding.page.path
        assert finding.result.location is not None
        assert issue["location"]["lines"]["begin"] == finding.result.location.line
    unknown = _page([_result("m").model_copy(update={"location": None})])
    (issue,) = json.loads(render_gitlab(_bundle([unknown])))
    assert issue["location"]["lines"]["begin"] == 1


def test_markdown_summary(bundle: ReportSet) -> None:
    text = render_markdown(bundle)
    for summary in bundle.index.sites:
        t = summary.totals
        assert (f"| {summary.site} | {t.pages} | {t.by_severity.get('error', 0)} | {t.by_severity.get('warning', 0)} "
                f"| {t.by_severity.get('info', 0)} |") in text
    assert "| CON003 | cookie-no-accept-choice | error | 2 |" in text
    assert "**failed**" in text
    hostile = render_markdown(_bundle([_page([_result("a | b <img src=x> [l](javascript:x)")])]))
    assert "a \\| b &lt;img src=x&gt; \\[l\\](javascript:x)" in hostile
    assert cell("x\ny") == "x y"


def test_statistics_sorted_by_count_then_code(bundle: ReportSet) -> None:
    rows = statistics(bundle.findings)
    assert rows == sorted(rows, key=lambda r: (-r[0], r[1]))
    assert sum(n for n, _, _ in rows) == len(bundle.findings)
    assert ("CON003", "cookie-no-accept-choice") in {(c, n) for _, c, n in rows}
    text = format_statistics([(12, "ATT001", "byline-missing"), (3, "CON003", "cookie-no-accept-choice")])
    assert text.splitlines() == ["12\tATT001\tbyline-missing", " 3\tCON003\tcookie-no-accept-choice"]


def test_fingerprints_ignore_line_shifts_but_not_the_finding() -> None:
    one = page_findings("example.net", _page([_result("the story above (line 24) or below (line 28)", line=3)]))
    moved = page_findings("example.net", _page([_result("the story above (line 31) or below (line 35)", line=10)]))
    assert one[0].fingerprint == moved[0].fingerprint
    other_item = page_findings("example.net", _page([_result("the story above (line 24)", item="teaser-2")]))
    other_page = page_findings("example.net", _page([_result("the story above (line 24) or below (line 28)")],
                                                     url="https://example.net/x"))
    assert len({one[0].fingerprint, other_item[0].fingerprint, other_page[0].fingerprint}) == 3
    twins = page_findings("example.net", _page([_result("same", line=3), _result("same", line=9)]))
    assert len({f.fingerprint for f in twins}) == 2
    assert [e.fingerprint for e in build_baseline(twins).findings] == sorted(f.fingerprint for f in twins)


def test_formats_are_deterministic_and_parsed(bundle: ReportSet, json_dir: Path) -> None:
    formats = parse_formats(["sarif,junit", "gitlab", "markdown", "github", "sarif"])
    assert formats == ("sarif", "junit", "gitlab", "markdown", "github")
    assert parse_formats([]) == DEFAULT_FORMATS == ("json", "html")
    with pytest.raises(FormatError, match="unknown format 'pdf'"):
        parse_formats(["json,pdf"])
    first = render(bundle, ("json", *formats))
    again = render(ReportSet(index=bundle.index, sites=bundle.sites), ("json", *formats))
    assert first.files == again.files and first.stdout == again.stdout
    assert set(first.files) >= {"auditor.sarif", "auditor.junit.xml", "gl-code-quality-report.json", "summary.md"}
    for name in ("example.com.json", "index.json"):
        assert first.files[name] == (json_dir / name).read_text()  # JSON -> models -> JSON: same bytes
    assert first.step_summary == first.files["summary.md"]
