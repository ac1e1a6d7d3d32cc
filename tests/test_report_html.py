"""The HTML reports are self-contained and escape everything that comes from a page."""

from __future__ import annotations

from html.parser import HTMLParser

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
from auditor.report.html import render_index_html, render_site_html

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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def _hrefs(html: str) -> list[str]:
    return [v or "" for k, v in _parse(html).attrs if k == "href"]


@pytest.fixture(params=["site", "index"])
def hostile_html(request: pytest.FixtureRequest) -> str:
    return render_site_html(_site()) if request.param == "site" else render_index_html(_index())


def test_hostile_strings_only_escaped(hostile_html: str) -> None:
    assert "<script>alert" not in hostile_html
    assert "<img src=x" not in hostile_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_html
    parsed = _parse(hostile_html)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert not [k for k, _ in parsed.attrs if k == "src" or k.startswith("on")]


@pytest.mark.parametrize("html", [render_site_html(_site("plain text", "https://example.org/a")),
                                  render_index_html(_index("plain text"))])
def test_self_contained(html: str) -> None:
    for needle in ("<script", "<link", "src=", "url(", "@import", "<img", "<iframe"):
        assert needle not in html.lower(), needle
    tags = _parse(html).tags
    assert not {"script", "link", "img", "iframe", "object", "embed", "base"} & set(tags)


def test_self_contained_with_hostile_data(hostile_html: str) -> None:
    for needle in ("<script", "<link", "<img", "@import"):
        assert needle not in hostile_html.lower(), needle


def test_site_totals_and_rule() -> None:
    html = render_site_html(_site())
    assert "auditor report: example.org" in html
    assert 'id="rule-AI-LABEL-001"' in html
    assert 'href="#rule-AI-LABEL-001"' in html
    assert "AI label present" in html
    assert "abcdef012345" in html and "abcdef0123456" not in html
    assert "0.0.0" in html
    assert "<b>1</b><small>pages</small>" in html
    assert '<b>1</b><small><span class="badge s-error">error</span> violations</small>' in html
    assert '<b>0</b><small><span class="badge s-warning">warning</span> violations</small>' in html
    assert '<span class="badge o-violation">violation</span>' in html
    assert '<span class="badge o-pass">pass</span>' in html


def test_page_urls_never_links() -> None:
    html = render_site_html(_site())
    hrefs = _hrefs(html)
    assert not [h for h in hrefs if "javascript" in h.lower() or "alert" in h]
    assert "https://example.org/ai-act" in hrefs
    assert "javascript:alert(1)" in html  # shown as text

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
