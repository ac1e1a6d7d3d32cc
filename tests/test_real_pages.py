"""Real pages from public test suites (see tests/fixtures/real/SOURCES.md), judged against their
recorded ground truth: what the tool finds must match what other projects annotated."""

from __future__ import annotations

from pathlib import Path

from auditor.engine import Engine, Options, run
from auditor.inputs.files import discover
from auditor.models import PageReport
from auditor.rulepacks import load_packs, select_rules

REAL = Path(__file__).parent / "fixtures" / "real"


def audit(name: str) -> PageReport:
    packs = load_packs()
    result = run(discover([str(REAL / name)]), Engine(packs, select_rules(packs), Options()))
    assert not result.index.errors
    (site,) = result.sites.values()
    (page,) = site.pages
    return page


def outcome(page: PageReport, code: str) -> str:
    return page.rule_outcomes[code].value


def test_cookieyes_banner_with_accept_only() -> None:
    page = audit("morebikes-cookieyes.html.gz")
    assert page.site == "morebikes.co.uk"
    assert page.consent is not None and page.consent.found and page.consent.cmp == "CookieYes"
    assert page.consent.choice_texts == ["Accept"]
    assert outcome(page, "CON002") == "violation"  # accept, and no reject on the first layer
    assert outcome(page, "CON003") == "pass"
    # "Read More" goes to aboutcookies.org, a general site, not the publisher's policy.
    assert outcome(page, "CON004") == "violation"
    assert page.consent.location is not None and page.consent.location.selector == "div#cookie-law-info-bar"


def test_article_about_ai_is_not_labelled() -> None:
    page = audit("dailyherald-ai-trap.html.gz")
    assert page.disclosures == []
    assert {code for code, o in page.rule_outcomes.items() if code.startswith("AIL")
            and o.value != "inapplicable"} == set()
    assert outcome(page, "ATT002") == "pass"
    dates = [r.message for r in page.results if r.code == "ATT002"]
    assert "2023-11-08" in dates[0]


def test_wire_story_author_and_date() -> None:
    page = audit("apnews-mexico-economy.html.gz")
    assert page.url == "https://apnews.com/article/mexico-economy-growth-3cc842471fb9df42315d658d88c8403a"
    (byline,) = [r for r in page.results if r.code == "ATT001"]
    assert byline.outcome.value == "pass" and "Associated Press" in byline.message
    (date,) = [r for r in page.results if r.code == "ATT002"]
    assert date.outcome.value == "pass" and "2023-04-28" in date.message
