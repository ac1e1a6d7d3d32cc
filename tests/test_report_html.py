"""The HTML reports are self-contained and escape everything that comes from a page."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html as html_lib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from auditor.models import (
    Category,
    CookieNotice,
    Disclosure,
    IndexReport,
    InputError,
    ItemRef,
    Location,
    Outcome,
    PageReport,
    Reference,
    Result,
    RuleInfo,
    RulePackInfo,
    Severity,
    SiteReport,
    SiteSummary,
    ToolInfo,
    Totals,
)
from auditor.report.html import highlight, quoted, render_index_html, render_site_html

TEMPLATES = Path(__file__).resolve().parent.parent / "auditor" / "report" / "templates"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = SCRIPT + IMG
RULE = "AI-LABEL-001"
PACK = RulePackInfo(name="eu-ai", version="1.2.0", sha256="abcdef0123456789" * 4)


def _rule() -> RuleInfo:
    return RuleInfo(
        code=RULE, name="AI label present", category=Category.ai_disclosure,
        severity=Severity.error, summary="Label AI content.", rationale="Readers must know.",
        remediation="Add a visible label.",
        references=[Reference(title="AI Act art. 50", url="https://example.org/ai-act"),
                    Reference(title="bad ref", url="javascript:alert(2)")],
    )


def _site(text: str = HOSTILE, url: str | None = "javascript:alert(1)") -> SiteReport:
    loc = Location(selector=f"div[title='{text}']", line=3, column=7, snippet=text)
    item = ItemRef(id="main", kind="article", label=text)
    results = [
        Result(code=RULE, name="AI label present", category=Category.ai_disclosure,
               severity=Severity.error, outcome=Outcome.violation, message=f"no label: {text}",
               item=item, location=loc, evidence=[loc]),
        Result(code=RULE, name="AI label present", category=Category.ai_disclosure,
               severity=Severity.error, outcome=Outcome.passed, message="ok"),
    ]
    page = PageReport(
        path=f"pages/{text}.html", url=url, site="example.org", sha256="0123456789abcdef" * 4,
        input_format="html", encoding="utf-8", language="en", title=text,
        rule_outcomes={RULE: Outcome.violation}, results=results,
        disclosures=[Disclosure(disclosure_class="label", text=text, language="en",
                                placement="before", item=item, scope="item", location=loc)],
        consent=CookieNotice(found=True, cmp=text, choices=["accept"], choice_texts=[text],
                             policy_link=url, purposes=["analytics"]),
    )
    totals = Totals(pages=1, errors=1, by_outcome={"violation": 1, "pass": 1},
                    by_severity={"error": 1}, by_category={"ai-disclosure": 1},
                    by_rule={RULE: {"violation": 1, "pass": 1}})
    return SiteReport(
        tool=ToolInfo(version="0.0.0"), rule_packs=[PACK], generated_at=None,
        site="example.org", fail_on=Severity.warning, totals=totals, rules=[_rule()],
        pages=[page], errors=[InputError(path=f"bad/{text}", error=text)],
    )


def _index(text: str = HOSTILE) -> IndexReport:
    site = _site(text)
    return IndexReport(
        tool=ToolInfo(version="0.0.0"), rule_packs=[PACK], fail_on=Severity.warning, exit_code=1,
        totals=site.totals,
        sites=[SiteSummary(site="example.org", json_report="example.org.json",
                           html_report="example.org.html", totals=site.totals),
               SiteSummary(site=text, json_report="javascript:alert(3)",
                           html_report=text, totals=Totals())],
        errors=[InputError(path=text, error=text, site=None)],
    )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag in self.raw:
            self._in = tag
            self.raw[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self.raw[self._in][-1] += data


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def _hrefs(html: str) -> list[str]:
    return [v or "" for k, v in _parse(html).attrs if k == "href"]


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _csp(html: str) -> dict[str, str]:
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert match is not None
    policy = html_lib.unescape(match.group(1))
    return {d.split()[0]: d.split(maxsplit=1)[1] for d in policy.split("; ")}


@pytest.fixture(params=["site", "index"])
def hostile_html(request: pytest.FixtureRequest) -> str:
    return render_site_html(_site()) if request.param == "site" else render_index_html(_index())


def test_hostile_strings_only_escaped(hostile_html: str) -> None:
    assert "<script>alert" not in hostile_html
    assert "<img src=x" not in hostile_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_html
    parsed = _parse(hostile_html)
    assert parsed.tags.count("script") <= 1  # the report's own, on site reports
    assert all("alert" not in code for code in parsed.raw["script"])
    assert "img" not in parsed.tags
    assert not [k for k, _ in parsed.attrs if k == "src" or k.startswith("on")]


@pytest.mark.parametrize("html", [render_site_html(_site("plain text", "https://example.org/a")),
                                  render_index_html(_index("plain text"))])
def test_self_contained(html: str) -> None:
    for needle in ("<link", "src=", "url(", "@import", "<img", "<iframe", "http-equiv=\"refresh"):
        assert needle not in html.lower(), needle
    tags = _parse(html).tags
    assert not {"link", "img", "iframe", "object", "embed", "base"} & set(tags)


@pytest.mark.parametrize("html", [render_site_html(_site()), render_index_html(_index())])
def test_csp_allows_only_the_reports_own_style_and_script(html: str) -> None:
    csp = _csp(html)
    parsed = _parse(html)
    assert csp["default-src"] == "'none'"
    assert csp["base-uri"] == "'none'" and csp["form-action"] == "'none'"
    # Images only as data: URIs, which the report makes itself (thumbnails re-encoded from pixels).
    assert csp["img-src"] == "data:" and csp["connect-src"] == "'none'"
    (style,) = parsed.raw["style"]
    assert csp["style-src"] == _sha(style)
    if parsed.raw["script"]:
        (script,) = parsed.raw["script"]
        assert csp["script-src"] == _sha(script)
        assert script == (TEMPLATES / "report.js").read_text(encoding="utf-8")
    else:
        assert csp["script-src"] == "'none'"
    assert "unsafe" not in " ".join(csp.values())
    assert not [k for k, _ in parsed.attrs if k == "style"]  # no style attribute: they would be refused


def test_templates_never_mark_data_safe() -> None:
    for path in TEMPLATES.glob("*.j2"):
        text = path.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", ""), path.name
        assert "autoescape false" not in text, path.name
    source = (TEMPLATES.parent / "html.py").read_text(encoding="utf-8")
    assert source.count("Markup(") == 2  # the report's own CSS and JavaScript, nothing else


def test_self_contained_with_hostile_data(hostile_html: str) -> None:
    for needle in ("<link", "<img", "@import"):
        assert needle not in hostile_html.lower(), needle


def test_site_totals_verdicts_and_rule() -> None:
    html = render_site_html(_site())
    assert "auditor report: example.org" in html
    assert 'id="rule-AI-LABEL-001"' in html
    assert 'href="#rule-AI-LABEL-001"' in html
    assert "AI label present" in html
    assert "abcdef012345" in html and "abcdef0123456" not in html
    assert "0.0.0" in html
    assert '<b data-total="pages">1</b><small>pages</small>' in html
    assert '<b data-total="by_severity.error">1</b><small><span class="badge s-error">error</span> violations' in html
    assert '<b data-total="by_severity.warning">0</b>' in html
    assert '<span class="badge o-violation">violation</span>' in html
    assert '<span class="badge o-pass">pass</span>' in html
    # verdict first: the site and each category
    assert html.index('id="verdict"') < html.index('id="findings"')
    assert '<section class="vcard v-fail" id="verdict-ai-disclosure"' in html
    assert '<section class="vcard v-none" id="verdict-consent"' in html
    assert "Not applicable" in html and "Fails" in html


def _result(outcome: Outcome, severity: Severity, category: Category = Category.consent) -> Result:
    return Result(code="X1", name="x", category=category, severity=severity, outcome=outcome, message="m")


@pytest.mark.parametrize(("results", "fail_on", "state"), [
    ([_result(Outcome.violation, Severity.warning)], Severity.warning, "fail"),
    ([_result(Outcome.violation, Severity.info)], Severity.warning, "review"),
    ([_result(Outcome.incomplete, Severity.error), _result(Outcome.passed, Severity.error)], Severity.info, "review"),
    ([_result(Outcome.passed, Severity.error)], Severity.info, "pass"),
    ([], Severity.info, "none"),
])
def test_category_verdicts(results: list[Result], fail_on: Severity, state: str) -> None:
    site = _site("plain")
    page = site.pages[0].model_copy(update={"results": results})
    html = render_site_html(site.model_copy(update={"pages": [page], "fail_on": fail_on}))
    assert f'<section class="vcard v-{state}" id="verdict-consent"' in html
    assert f'<div class="verdict v-{state}" id="verdict">' in html


def test_charts_are_accessible_svg_with_tables() -> None:
    html = render_site_html(_site())
    for chart in ("chart-rules", "chart-ai", "chart-consent", "chart-pages"):
        assert f'<figure class="chart" id="{chart}">' in html, chart
    assert 'role="img" aria-labelledby="chart-rules-t chart-rules-d"' in html
    assert '<title id="chart-rules-t">Findings by rule and severity</title>' in html
    assert '<desc id="chart-rules-d">AI-LABEL-001: 1 error violation(s), 0 incomplete</desc>' in html
    assert "<summary>Table: findings by rule</summary>" in html
    # the hostile page path is drawn as SVG text, escaped
    assert "<text" in html and "&lt;script&gt;" in html.split('id="chart-pages"')[1].split("</figure>")[0]


def test_findings_carry_filter_data_and_evidence() -> None:
    html = render_site_html(_site())
    assert '<li class="f" data-o="violation" data-p="0">' in html
    assert 'data-r="AI-LABEL-001" data-s="error" data-c="ai-disclosure"' in html
    assert '<form id="filters" class="filters" hidden aria-label="Filter findings">' in html
    assert 'Showing <span id="f-shown">2</span> of 2 findings' in html
    assert "<dt>snippet<dd><code class=\"snip\">" in html
    # the location repeated as evidence is shown once
    finding = html.split('data-o="violation"')[1].split("</li>")[0]
    assert "<dt>evidence" not in finding
    assert "line 3, column 7" in finding


def test_highlight_splits_plain_text() -> None:
    assert highlight("Reported by AI here", ["Reported by AI"]) == (("Reported by AI", True), (" here", False))
    assert highlight("a b a", ["a"]) == (("a b a", False),)  # single letters are too short to mark
    assert highlight("xx AI label xx", ["AI label", "label xx"]) == (("xx ", False), ("AI label xx", True))
    assert highlight("", ["x"]) == ()
    assert highlight("nothing", []) == (("nothing", False),)
    assert quoted("'Reported by AI' marks the teaser 'South Korea's and Japan's talks' as AI") == [
        "Reported by AI", "South Korea's and Japan's talks"]
    assert quoted("The notice offers only 'Decline'.") == ["Decline"]
    assert quoted("it's Sam's") == []


def test_highlight_is_escaped_inside_mark() -> None:
    text = "<b onclick=x>Image generated by AI</b>"
    site = _site("plain")
    loc = Location(selector=None, line=1, column=1, snippet=text)
    result = Result(code=RULE, name="AI label present", category=Category.ai_disclosure, severity=Severity.error,
                    outcome=Outcome.violation, message="'Image generated by AI' <script>", location=loc)
    page = site.pages[0].model_copy(update={"results": [result]})
    html = render_site_html(site.model_copy(update={"pages": [page]}))
    assert ('<code class="snip">&lt;b onclick=x&gt;<mark>Image generated by AI</mark>&lt;/b&gt;</code>' in html)
    assert "<b onclick" not in html


def test_rendering_is_deterministic() -> None:
    assert render_site_html(_site()) == render_site_html(_site())
    assert render_index_html(_index()) == render_index_html(_index())


def test_page_urls_never_links() -> None:
    html = render_site_html(_site())
    hrefs = _hrefs(html)
    assert not [h for h in hrefs if "javascript" in h.lower() or "alert" in h]
    assert "https://example.org/ai-act" in hrefs
    assert "javascript:alert(1)" in html  # shown as text
    assert all(h.startswith("#") or h == "https://example.org/ai-act" for h in hrefs), hrefs

    benign = render_site_html(_site("plain", "https://example.org/page"))
    assert "https://example.org/page" in benign
    assert "https://example.org/page" not in _hrefs(benign)


def test_index_links_site_reports() -> None:
    html = render_index_html(_index())
    hrefs = _hrefs(html)
    assert "auditor: audit index" in html
    assert "example.org.html" in hrefs
    assert "example.org.json" in hrefs
    assert not [h for h in hrefs if ":" in h or "<" in h]
    assert "&lt;script&gt;" in html  # the orphan error and hostile site name, as text
    assert '<span class="pill v-fail">' in html  # the example.org row fails on warning
    assert 'role="img" aria-label="1 error violations"' in html
    assert "<script" not in html  # the index needs no script


def _poison(data: object, text: str) -> object:
    """`data` (a JSON value) with `text` appended to every string (keys of dicts too, but not of
    models' own fields, which `_poisoned_report` restores where the model refuses)."""
    if isinstance(data, str):
        return data + text
    if isinstance(data, list):
        return [_poison(v, text) for v in data]
    if isinstance(data, dict):
        return {k: _poison(v, text) for k, v in data.items()}
    return data


def _poisoned_report() -> SiteReport:
    """A real site report (the reference page audited) with HOSTILE in every string the model takes."""
    from pydantic import ValidationError

    from auditor.engine import Engine, Options
    from auditor.inputs.files import discover
    from auditor.rulepacks import load_packs, select_rules

    packs = load_packs()
    engine = Engine(packs, select_rules(packs), Options())
    for source in discover([str(Path(__file__).resolve().parent.parent / "examples" / "reference-page.html")]):
        engine.audit_source(source)
    with engine.finish() as result:
        (report,) = result.sites.values()
        original = report.model_dump(mode="json")
        original["pages"] = [p.model_dump(mode="json") for p in report.pages]
    data = _poison(original, HOSTILE)
    for _ in range(200):  # put back, field by field, what the model does not accept (enums, patterns)
        try:
            return SiteReport.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                target, source = data, original
                for key in err["loc"][:-1]:
                    if isinstance(target, dict | list) and isinstance(source, dict | list):
                        target, source = target[key], source[key]  # type: ignore[index]
                last = err["loc"][-1]
                with contextlib.suppress(KeyError, IndexError, TypeError):
                    target[last] = source[last]  # type: ignore[index]
    raise AssertionError("could not build a poisoned report")


def test_every_string_of_a_real_report_is_escaped() -> None:
    report = _poisoned_report()
    assert report.pages[0].title and report.pages[0].title.endswith(HOSTILE)  # the poison took
    html = render_site_html(report)
    assert "<script>alert" not in html and "<img src=x" not in html
    parsed = _parse(html)
    assert parsed.tags.count("script") <= 1
    assert all("alert" not in code for code in parsed.raw["script"])
    assert "img" not in parsed.tags
    assert not [k for k, _ in parsed.attrs if k == "src" or k.startswith("on")]
