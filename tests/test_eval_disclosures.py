"""The AI-disclosure evaluation set (tests/eval/): its ground truth is complete and consistent, and
the detector meets the targets on it (scripts/eval_disclosures.py prints the full table)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "eval"
PLACEMENTS = {"headline", "top", "body", "end", "caption", "teaser", "figure", "footer", "alt", "title",
              "aria-label", "hidden", "dialog", "box", "media", "page"}
ITEM_KINDS = {"main", "teaser", "figure", "image", "media", "box", "page"}


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


evaluation_script = _load("eval_disclosures", ROOT / "scripts" / "eval_disclosures.py")
fixture_script = _load("eval_make_fixtures", EVAL / "make_fixtures.py")


@pytest.fixture(scope="module")
def evaluation():  # type: ignore[no-untyped-def]
    return evaluation_script.evaluate()


def test_fixtures_are_up_to_date() -> None:
    assert fixture_script.main(["--check"]) == 0, "run: python tests/eval/make_fixtures.py"


def test_ground_truth_covers_every_page_and_nothing_else() -> None:
    data = json.loads((EVAL / "labels.json").read_text(encoding="utf-8"))
    pages = EVAL / "pages"
    on_disk = {p.relative_to(pages).as_posix() for p in pages.rglob("*") if p.name.endswith((".html", ".html.gz"))}
    assert set(data["pages"]) == on_disk
    for path, entry in data["pages"].items():
        if entry.get("topic_only"):
            assert entry["expected"] == [], path
        for label in entry["expected"]:
            assert label["class"] in evaluation_script.CLASSES, path
            assert set(label.get("accept", [])) <= set(evaluation_script.CLASSES), path
            assert label["placement"] in PLACEMENTS, path
            assert label["item_kind"] in ITEM_KINDS, path
            assert label["text"].strip(), path


def test_eval_folder_stays_small() -> None:
    size = sum(p.stat().st_size for p in EVAL.rglob("*") if p.is_file())
    assert size < 800_000


def test_matching_rules() -> None:
    exp, found = evaluation_script.Expected, evaluation_script.Found
    expected = [exp("p", "generated", "AI-generated", "teaser", "teaser"),
                exp("p", "generated", "AI-generated", "teaser", "teaser"),
                exp("p", "generated", "Symbolbild (KI-generiert)", "caption", "figure", ("tool-credit",))]
    got = [found("p", "generated", "AI\u2011Generated", "teaser", "teaser", "en", ""),
           found("p", "tool-credit", "Symbolbild (KI-generiert)", "caption", "figure", "de", ""),
           found("p", "negation", "AI-generated", "teaser", "teaser", "en", "")]
    pairs = evaluation_script.match_page(expected, got)
    assert [(e.text, f.cls) for e, f in pairs] == [("AI-generated", "generated"),
                                                    ("Symbolbild (KI-generiert)", "tool-credit")]


def test_detector_meets_targets(evaluation) -> None:  # type: ignore[no-untyped-def]
    gen = evaluation.generated()
    assert gen.precision is not None and gen.precision >= evaluation_script.TARGET_PRECISION, \
        evaluation_script.render(evaluation, details=True)
    assert gen.recall is not None and gen.recall >= evaluation_script.TARGET_RECALL, \
        evaluation_script.render(evaluation, details=True)
    assert not evaluation.topic_only_flagged, evaluation_script.render(evaluation, details=True)
    assert not evaluation.errors
