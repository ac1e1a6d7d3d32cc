"""Runs every rule's cases from tests/rules/<CODE>.yml (as sqlfluff and axe-core keep theirs).

Each case is a small page (HTML or text) and the results the rule must give on it: outcome, the kind
of item it is about, the line, and words the message must contain. The page outcome for the rule is
checked too. One generic test, so a rule's behaviour is read from its data file alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.engine import Engine, Options, run
from auditor.inputs.files import discover
from auditor.rulepacks import load_packs, select_rules

CASES_DIR = Path(__file__).parent / "rules"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            params.append(pytest.param(data["rule"], case, id=f"{path.stem}-{case['name']}"))
    return params


def test_every_rule_has_cases() -> None:
    codes = {r.code for p in load_packs() for r in p.rules}
    have = {p.stem for p in CASES_DIR.glob("*.yml")}
    assert codes <= have, f"rules without a case file: {sorted(codes - have)}"


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    suffix = ".txt" if case.get("format") == "text" else ".html"
    page = tmp_path / f"page{suffix}"
    page.write_text(case["page"], encoding="utf-8")
    packs = load_packs()
    engine = Engine(packs, select_rules(packs, (code,)), Options(site="test.example"))
    result = run(discover([str(page)]), engine)
    assert not result.index.errors
    report = result.sites["test.example"]
    assert not report.errors, report.errors
    (page_report,) = report.pages
    results = [r for r in page_report.results if r.code == code]
    expected = case.get("expect", [])
    got = [(r.outcome.value, r.item.kind if r.item else None, r.location.line if r.location else None)
           for r in results]
    want = [(e["outcome"], e.get("item"), e.get("line")) for e in expected]
    # Lines are optional in the data: compare only where given.
    got_cmp = [(o, i, ln if w[2] is not None else None) for (o, i, ln), w in zip(got, want, strict=False)]
    assert len(got) == len(want), f"results: {[(r.outcome.value, r.message) for r in results]}"
    assert got_cmp == want, f"results: {[(r.outcome.value, r.message) for r in results]}"
    for r, e in zip(results, expected, strict=False):
        for words in e.get("message_contains", []):
            assert words in r.message, r.message
    assert page_report.rule_outcomes[code].value == case["outcome"]
