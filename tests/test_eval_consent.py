"""The cookie-consent evaluation set (tests/consent_eval/): its ground truth is complete and consistent,
and the detector meets the targets on it (scripts/eval_consent.py prints the full table)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "consent_eval"
PAGES = EVAL / "pages"
MAX_BYTES = 2_000_000


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


evaluation_script = _load("eval_consent", ROOT / "scripts" / "eval_consent.py")
fixture_script = _load("consent_eval_make_fixtures", EVAL / "make_fixtures.py")


def _labels() -> dict[str, dict[str, object]]:
    pages: dict[str, dict[str, object]] = json.loads((EVAL / "labels.json").read_text(encoding="utf-8"))["pages"]
    return pages


@pytest.fixture(scope="module")
def evaluation():  # type: ignore[no-untyped-def]
    return evaluation_script.evaluate()


def test_fixtures_are_up_to_date() -> None:
    assert fixture_script.main(["--check"]) == 0, "run: python tests/consent_eval/make_fixtures.py"


def test_ground_truth_covers_every_page_and_nothing_else() -> None:
    labels = _labels()
    on_disk = {p.relative_to(PAGES).as_posix() for p in PAGES.rglob("*") if p.name.endswith((".html", ".html.gz"))}
    assert set(labels) == on_disk
    for path, entry in labels.items():
        assert set(entry) <= {"banner", "cmp", "aliases", "note"}, path
        assert isinstance(entry["banner"], bool), path
        assert entry["cmp"] is None or (isinstance(entry["cmp"], str) and entry["cmp"].strip()), path
        if entry["cmp"]:
            assert entry["banner"], f"{path}: a page that loads a platform has a banner"
        aliases = entry.get("aliases", [])
        assert isinstance(aliases, list) and all(isinstance(a, str) and a.strip() for a in aliases), path
        assert not aliases or entry["cmp"], f"{path}: aliases without a platform"
        assert isinstance(entry.get("note", ""), str), path
        if path.startswith("real/"):
            assert entry.get("note"), f"{path}: say what the page shows"


def test_set_has_both_kinds_of_page() -> None:
    labels = _labels()
    real = {k: v for k, v in labels.items() if k.startswith("real/")}
    assert sum(1 for v in real.values() if not v["banner"]) >= 15
    assert sum(1 for v in real.values() if v["cmp"]) >= 25
    cmps = {v["cmp"] for k, v in labels.items() if k.startswith("fixtures/cmp/")}
    assert len(cmps) >= 15
    for cmp in cmps:  # a server-rendered banner page and a loader-only page for each platform
        pages = [k for k, v in labels.items() if k.startswith("fixtures/cmp/") and v["cmp"] == cmp]
        assert {p.rsplit("-", 1)[1] for p in pages} == {"banner.html", "loader.html"}, cmp


def test_expected_platforms_are_named_as_in_the_consent_data() -> None:
    names = {evaluation_script.norm_name(n) for n in evaluation_script.known_cmp_names()}
    expected = {str(v["cmp"]) for v in _labels().values() if v["cmp"]}
    missing = sorted(c for c in expected if evaluation_script.norm_name(c) not in names)
    assert not missing, f"not a [[cmp]] name in rules/data/consent.toml: {missing}"


def test_real_pages_have_their_source() -> None:
    sources = (PAGES / "real" / "SOURCES.md").read_text(encoding="utf-8")
    row = re.compile(r"^\| `([^`]+\.html\.gz)` \| [\w.-]+/[\w.-]+@[0-9a-f]{40}:`[^`]+` \| [^|]+ \|", re.M)
    listed = set(row.findall(sources))
    files = {p.name for p in (PAGES / "real").iterdir() if p.name.endswith(".html.gz")}
    assert listed == files


def test_eval_folder_stays_small() -> None:
    size = sum(p.stat().st_size for p in EVAL.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert size < MAX_BYTES


def test_scoring_rules() -> None:
    truth, found, ev_class = evaluation_script.Truth, evaluation_script.Found, evaluation_script.Evaluation
    notice = truth("p", True, "Cookie Notice (Hu-manity.co)", ("Cookie Notice (dFactory)",))
    assert notice.accepts("cookie notice (hu-manity.co)")
    assert notice.accepts("Cookie Notice  (dFactory)")
    assert not notice.accepts("Cookie Notice")
    assert not notice.accepts(None)
    assert not truth("p", True, None).accepts("OneTrust")
    ev = ev_class(
        truth={"a": truth("a", True, "OneTrust"), "b": truth("b", True, "Didomi"), "c": truth("c", True, None),
               "d": truth("d", False, None), "e": truth("e", False, None), "f": truth("f", True, "Klaro")},
        found={"a": found("a", True, "onetrust"), "b": found("b", True, "Sourcepoint"), "c": found("c", False, None),
               "d": found("d", True, None), "e": found("e", False, "Ezoic"), "f": found("f", True, None)},
    )
    assert (ev.true_positives(), ev.false_positives(), ev.misses(), ev.true_negatives()) == (
        ["a", "b", "f"], ["d"], ["c"], ["e"])
    assert ev.precision() == 0.75 and ev.recall() == 0.75 and ev.f1() == 0.75
    assert (ev.cmp_right(), ev.cmp_wrong(), ev.cmp_none(), ev.cmp_unexpected()) == (["a"], ["b"], ["f"], ["e"])
    assert ev.cmp_share() == pytest.approx(1 / 3)
    assert len(ev.failures()) == 2


def test_evaluation_runs_cleanly(evaluation) -> None:  # type: ignore[no-untyped-def]
    assert not evaluation.errors
    assert not evaluation.unlabelled_pages
    assert set(evaluation.pages) == set(_labels())
    report = evaluation_script.render(evaluation, details=True)
    assert "banner: TP" in report and "CMP:" in report


def test_banner_detection_meets_target(evaluation) -> None:  # type: ignore[no-untyped-def]
    f1 = evaluation.f1()
    assert f1 is not None and f1 >= evaluation_script.TARGET_F1, evaluation_script.render(evaluation, details=True)


def test_platform_identification_meets_target(evaluation) -> None:  # type: ignore[no-untyped-def]
    share = evaluation.cmp_share()
    assert share is not None and share >= evaluation_script.TARGET_CMP, \
        evaluation_script.render(evaluation, details=True)
