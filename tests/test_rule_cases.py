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


FIXTURE_IMAGES = Path(__file__).parent / "fixtures" / "images"
AIGC_JSON = ('{"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"a1","ReservedCode1":"",'
             '"ContentPropagator":"","PropagateID":"","ReservedCode2":""}')
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def _xmp(source_type: str) -> bytes:
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
        f'Iptc4xmpExt:DigitalSourceType="{source_type}"/></rdf:RDF></x:xmpmeta>'
    ).encode()


def _image(recipe: str) -> bytes:
    """Image files for provenance cases: copied fixtures ("copy:NAME") or made with Pillow."""
    import io

    from PIL import Image, PngImagePlugin

    if recipe.startswith("copy:"):
        return (FIXTURE_IMAGES / recipe[5:]).read_bytes()
    buffer = io.BytesIO()
    picture = Image.new("RGB", (8, 8), (200, 120, 40))
    if recipe == "png-aigc":
        info = PngImagePlugin.PngInfo()
        info.add_text("AIGC", AIGC_JSON)
        picture.save(buffer, "PNG", pnginfo=info)
    elif recipe == "jpeg-ai":
        picture.save(buffer, "JPEG", xmp=_xmp(IPTC + "trainedAlgorithmicMedia"))
    elif recipe == "jpeg-camera":
        picture.save(buffer, "JPEG", xmp=_xmp(IPTC + "digitalCapture"))
    elif recipe == "jpeg-bare-code":
        picture.save(buffer, "JPEG", xmp=_xmp("trainedAlgorithmicMedia"))
    else:
        picture.save(buffer, "JPEG")
    return buffer.getvalue()


def _check(code: str, results: list[Any], expected: list[dict[str, Any]]) -> None:
    got = [(r.outcome.value, r.item.kind if r.item else None, r.location.line if r.location else None)
           for r in results]
    want = [(e["outcome"], e.get("item"), e.get("line")) for e in expected]
    assert len(got) == len(want), f"results: {[(r.outcome.value, r.message) for r in results]}"
    # Lines are optional in the data: compare only where given.
    got_cmp = [(o, i, ln if w[2] is not None else None) for (o, i, ln), w in zip(got, want, strict=True)]
    assert got_cmp == want, f"results: {[(r.outcome.value, r.message) for r in results]}"
    for r, e in zip(results, expected, strict=True):
        for words in e.get("message_contains", []):
            assert words in r.message, r.message


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    """A case is one page (`page`), or a small site in a wget-mirror layout (`pages`: path -> text)
    with expectations per page (`expect_pages`, `outcomes`); `images` (path -> recipe) puts image
    files beside the pages."""
    pages = case.get("pages") or {("page.txt" if case.get("format") == "text" else "page.html"): case["page"]}
    for rel, text in pages.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for rel, recipe in case.get("images", {}).items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_image(recipe))
    packs = load_packs()
    engine = Engine(packs, select_rules(packs, (code,)), Options(site="test.example"))
    result = run(discover([str(tmp_path)]), engine)
    assert not result.index.errors
    report = result.sites["test.example"]
    assert not report.errors, report.errors
    by_rel = {Path(p.path).relative_to(tmp_path).as_posix(): p for p in report.pages}
    if "pages" not in case:
        (page_report,) = report.pages
        _check(code, [r for r in page_report.results if r.code == code], case.get("expect", []))
        assert page_report.rule_outcomes[code].value == case["outcome"]
        return
    for rel, expected in case.get("expect_pages", {}).items():
        _check(code, [r for r in by_rel[rel].results if r.code == code], expected)
    for rel, outcome in case["outcomes"].items():
        assert by_rel[rel].rule_outcomes[code].value == outcome, rel
