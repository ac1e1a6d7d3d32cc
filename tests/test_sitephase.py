"""The site phase shared out between processes (`auditor.sitephase`): the same reports, byte for
byte, as one process makes, and a process that fails is reported, not lost.

Why: the site phase ran in the main process alone after the workers were done; with --jobs over 1
the sites are now settled by forked processes too, each into files of its own that the main
process adopts.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import auditor.engine as engine_module
from auditor.engine import Engine, Options, RunResult
from auditor.inputs.files import discover
from auditor.rulepacks import load_packs, select_rules
from auditor.shards import unit_order
from auditor.sitephase import PageFindings, can_fork, share
from auditor.sitereports import StoredSites
from auditor.writer import write_reports

pytestmark = pytest.mark.skipif(not can_fork(), reason="the site phase forks on Linux only")

ROOT = Path(__file__).resolve().parent.parent
# Sites of unequal size; pages that load a tracker (trackers_by_page), name an author (a site
# check compares them), and carry an inline suppression that silences nothing.
PAGE = """<!DOCTYPE html><html lang="en"><head><title>Story {n}</title>{script}</head>
<body><!-- auditor-disable CON001 nothing here to silence -->
<article><h1>Story {n}</h1><p class="byline">By Jane Roe</p><p>What happened today, told at length.</p>
<figure><img src="photo-{n}.jpg" alt="A photo"><figcaption>Photo: Agency</figcaption></figure>
</article></body></html>
"""
TRACKER = '<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXX"></script>'


def _audit(folder: Path, jobs: int) -> RunResult:
    packs = load_packs()
    engine = Engine(packs, select_rules(packs), Options())
    for source in discover([str(folder), str(ROOT / "examples")]):
        order = unit_order(source.display_path)
        for position, item in engine.audit_unit(source):
            engine.add(item, (order, position))
    return engine.finish(jobs)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sites")
    for s in range(4):
        site = folder / f"site{s}.example"
        site.mkdir()
        for n in range(3 * (s + 1)):
            (site / f"story-{n}.html").write_text(PAGE.format(n=n, script=TRACKER if n % 2 else ""))
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_sites_shared_out_give_the_same_reports(pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    formats = ["json", "html", "sarif", "junit"]
    with _audit(pages, 1) as one:
        write_reports(one, tmp_path / "one", formats)
        assert one.index.exit_code == 1 and one.unused_suppressions  # the run has findings and unused suppressions
        # A run's index lines are read from its store (`SiteSummaries`): kept here as a list, to compare.
        one_index = one.index.model_copy(update={"sites": list(one.index.sites)})
    monkeypatch.setattr(engine_module, "PARALLEL_SITES_MIN_PAGES", 0)
    with _audit(pages, 3) as three:
        # The forked processes' settled pages are read from the files they wrote.
        files = {Path(str(report.pages._file.path)).name for report in three.sites.values()}  # type: ignore[attr-defined]
        assert {"settled.records", "settled.forked.1.records", "settled.forked.2.records"} <= files
        assert any(report.consent.stored_trackers() is not None for report in three.sites.values())
        # The site reports are on disk (`auditor.sitereports`), each read anew when asked for.
        sites = three.sites
        assert isinstance(sites, StoredSites) and list(sites) == sorted(sites)
        name = next(iter(sites))
        assert sites[name] is not sites[name] and sites[name] == sites[name]
        counts = {s.site: s.totals.pages for s in three.index.sites}
        assert counts == {n: len(sites[n].pages) for n in sites}  # what the writers weigh the reports by
        assert [counts[f"site{s}.example"] for s in range(4)] == [3, 6, 9, 12]
        write_reports(three, tmp_path / "three", formats)
        assert three.unused_suppressions == one.unused_suppressions and three.index == one_index
    assert _files(tmp_path / "one") == _files(tmp_path / "three")


def test_a_site_phase_process_that_fails_is_raised(pages: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "PARALLEL_SITES_MIN_PAGES", 0)
    parent = os.getpid()
    real = Engine._finish_sites

    def failing(self: Engine, names: list[str], *args: object) -> object:
        if os.getpid() != parent:  # in a forked process only
            raise ValueError("broken in a forked process")
        return real(self, names, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "_finish_sites", failing)
    with pytest.raises(RuntimeError, match=r"a site phase process failed:[\s\S]*broken in a forked process"):
        _audit(pages, 2)


def test_finish_runs_once(pages: Path) -> None:
    packs = load_packs()
    engine = Engine(packs, select_rules(packs), Options())
    engine.audit_source(next(iter(discover([str(pages)]))))
    with engine.finish() as result:
        assert len(result.sites) == 1
        with pytest.raises(RuntimeError, match="runs once"):
            engine.finish()


def test_sites_are_shared_by_weight() -> None:
    assert share([10, 1, 1, 1, 9], 2) == [[0, 2], [1, 3, 4]]  # loads 11 and 11
    assert share([5], 3) == [[0]]  # no empty share
    assert sorted(k for g in share(list(range(20)), 4) for k in g) == list(range(20))


def test_page_findings_keep_each_page_s_findings_in_the_order_added() -> None:
    findings = PageFindings(5)
    added = [(3, 0, 17), (1, 2, 4), (3, 1, 2**40), (3, 0, 18), (0, 4, 0)]
    for page, rule, record in added:
        findings.add(page, rule, record)
    assert len(findings) == 5
    assert [page in findings for page in range(5)] == [True, True, False, True, False]
    assert findings.of(3) == [(0, 17), (1, 2**40), (0, 18)]
    assert findings.of(1) == [(2, 4)]
    assert findings.of(2) == []
