"""The author/date evaluation (scripts/eval_attribution.py) runs over the shared corpus and yields figures.

Figures when this was written (151 pages with ground truth: fundus 66, trafilatura 45, htmldate 20,
readability 20):

    tool         author P author R (micro R)   date P   date R
    auditor         0.534    0.831     0.809    0.917    0.883
    trafilatura     0.829    0.785     0.783    0.905    0.905

The targets of issue 7 (ahead of trafilatura on both, author recall >= 0.90) are not met yet, so they
are not asserted here; the test only checks that the evaluation runs and its figures are ratios.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def evaluation():  # type: ignore[no-untyped-def]
    if not (CORPUS / "ground_truth").is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    if importlib.util.find_spec("trafilatura") is None:
        pytest.skip("trafilatura is not installed")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import eval_attribution
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return eval_attribution, eval_attribution.evaluate(CORPUS)


def test_evaluation_runs_and_gives_ratios(evaluation) -> None:  # type: ignore[no-untyped-def]
    module, ev = evaluation
    assert set(ev.tools) == {"auditor", "trafilatura"}
    assert ev.pages > 0
    for score in ev.tools.values():
        assert len(score.pages) == ev.pages
        figures = score.figures()
        assert all(v is not None for v in figures.values())
        assert all(0.0 <= v <= 1.0 for v in figures.values() if v is not None)
    assert "auditor" in module.table(ev)


def test_matching_rules() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import eval_attribution as m
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    from datetime import date

    assert m.name_matches("Nathan Willis", "By Nathan Willis\n    March 25, 2015")
    assert m.name_matches("ANDRÉ SCHMIDT", "Andre  Schmidt")
    assert not m.name_matches("Jan Sellner", "Jan Michael Marchart")
    assert m.parse_when("2024-04-19T13:37:00+02:00").date() == date(2024, 4, 19)  # type: ignore[union-attr]
    assert m.parse_when("Published 16 January 2026 · 3 min read") == date(2026, 1, 16)
    assert m.parse_when("March 25, 2015") == date(2015, 3, 25)
    assert m.parse_when("21/06/2014") == date(2014, 6, 21)
    assert m.same_day(m.parse_when("2024-08-27T01:27:57+02:00"), m.parse_when("2024-08-26 23:27:57+00:00"))
