"""The garbage collector's threshold while pages are audited (auditor/gctuning.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.engine import Engine, Options
from auditor.gctuning import PAGE_PHASE_THRESHOLD, tuned_for_pages
from auditor.inputs.files import discover
from auditor.parallel import audit_run
from auditor.rulepacks import load_packs, select_rules
from auditor.shards import audit_to_shard


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



def test_every_way_of_auditing_pages_raises_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`auditor audit` (audit_run), and `audit_to_shard` (`auditor audit --shard`, Spark tasks)."""
    seen: list[int] = []
    audit_unit = Engine.audit_unit

    def recording(self: Engine, *args: Any, **kwargs: Any) -> Any:
        seen.append(gc.get_threshold()[0])
        return audit_unit(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "audit_unit", recording)
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "a.html").write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    gc.set_threshold(700, 10, 10)
    audit_to_shard([folder], tmp_path / "out.shard.jsonl.gz")
    packs = load_packs()
    result, _ = audit_run(list(discover([str(folder)])), Engine(packs, select_rules(packs), Options()))
    result.close()
    assert seen == [PAGE_PHASE_THRESHOLD, PAGE_PHASE_THRESHOLD]
    assert gc.get_threshold() == (700, 10, 10)
