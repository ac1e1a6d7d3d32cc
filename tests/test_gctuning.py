"""The garbage collector's threshold while pages are audited (auditor/gctuning.py)."""

from __future__ import annotations

import gc

from auditor.gctuning import PAGE_PHASE_THRESHOLD, tuned_for_pages


def test_the_threshold_is_raised_for_the_page_phase_and_given_back_after() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        with tuned_for_pages():
            assert gc.get_threshold() == (PAGE_PHASE_THRESHOLD, 10, 10)
        assert gc.get_threshold() == (700, 10, 10)
        gc.set_threshold(200_000, 10, 10)  # a higher one of the process's own is kept
        with tuned_for_pages():
            assert gc.get_threshold()[0] == 200_000
    finally:
        gc.set_threshold(*before)


def test_a_collector_switched_off_by_threshold_stays_off() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(0)
        with tuned_for_pages():
            assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)


def test_the_threshold_is_given_back_when_the_block_fails() -> None:
    before = gc.get_threshold()
    try:
        with tuned_for_pages():
            raise RuntimeError("a run that failed")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
