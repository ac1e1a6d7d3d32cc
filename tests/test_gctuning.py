"""The garbage collector's threshold while pages are audited (auditor/gctuning.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from auditor.gctuning import PAGE_PHASE_THRESHOLD, tuned_for_pages


@pytest.fixture(autouse=True)
def _threshold_kept() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_the_threshold_is_raised_for_the_page_phase_and_given_back_after() -> None:
    gc.set_threshold(700, 10, 10)
    with tuned_for_pages():
        assert gc.get_threshold() == (PAGE_PHASE_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_higher_threshold_of_the_process_is_kept() -> None:
    gc.set_threshold(200_000, 10, 10)
    with tuned_for_pages():
        assert gc.get_threshold() == (200_000, 10, 10)


def test_a_collector_switched_off_by_threshold_stays_off() -> None:
    gc.set_threshold(0)
    with tuned_for_pages():
        assert gc.get_threshold()[0] == 0


def test_the_threshold_is_given_back_when_the_block_fails() -> None:
    gc.set_threshold(700, 10, 10)
    with pytest.raises(RuntimeError), tuned_for_pages():
        raise RuntimeError("a run that failed")
    assert gc.get_threshold() == (700, 10, 10)
