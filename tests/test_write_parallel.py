"""Site reports written by several processes: the same files, byte for byte, as one process writes,
and a writer that fails or dies leaves neither reports nor temporary files behind.

Why: on a big run the reports take seconds to minutes after the audit workers are done, and were
written by the main process alone; `emit_reports(..., jobs=N)` forks writers that read the same page
store (through handles of their own) and hands their temporary files back to be renamed.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from test_pagestore import _template

import auditor.writer as writer
from auditor.engine import AuditedPage, Engine, Options, RunResult
from auditor.forking import can_fork
from auditor.report.bundle import ReportSet
from auditor.report.write import write_temporary_as
from auditor.rulepacks import load_packs, select_rules
from auditor.writer import emit_reports, report_set

pytestmark = pytest.mark.skipif(not can_fork(), reason="parallel report writing forks, on Linux only")


def _run(sites: int = 5, pages: int = 12) -> RunResult:
    """A run of `sites` sites of `pages` pages each (copies of the example page), of unequal weight."""
    packs = load_packs()
    engine = Engine(packs, select_rules(packs), Options())
    template = _template(engine)
    n = 0
    for s in range(sites):
        site = f"site{s}.example"
        for k in range(pages * (s + 1)):
            url = f"https://{site}/story-{k}"
            page = template.page.model_copy(deep=True, update={"path": f"{site}/{k}.html", "url": url, "site": site})
            engine.add(AuditedPage(page, dataclasses.replace(template.summary, path=page.path, url=url)),
                       (((0, "crawl"),), n))
            n += 1
    return engine.finish()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


FORMATS = ("json", "html", "sarif", "junit", "markdown")


def test_parallel_writers_write_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "PARALLEL_WRITE_MIN_PAGES", 0)
    with _run() as result:
        bundle = report_set(result)
        one = emit_reports(bundle, tmp_path / "one", FORMATS, jobs=1)
        three = emit_reports(bundle, tmp_path / "three", FORMATS, jobs=3)
    assert [p.name for p in one.files] == [p.name for p in three.files]
    assert _files(tmp_path / "one") == _files(tmp_path / "three")
    assert len(_files(tmp_path / "one")) == 5 * 2 + 2 + 3  # site json + html, index.json/html, the rest


def _fail_on(name: str, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make writing fail: "raise" for the report file `name`, in whichever process writes it; "die"
    kills every forked writer before its first file."""
    parent = os.getpid()

    def failing(out_dir: Path, target: str, chunks: object, token: str) -> None:
        if how == "die" and os.getpid() != parent:
            os._exit(3)
        if how == "raise" and target == name:
            raise OSError(28, "No space left on device")
        write_temporary_as(out_dir, target, chunks, token)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "write_temporary_as", failing)


@pytest.mark.parametrize(("how", "name"),
                         [("raise", f"site{s}.example.{ext}") for s in (0, 4) for ext in ("json", "html")]
                         + [("die", "")])
def test_a_failing_writer_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str,
                                         name: str) -> None:
    monkeypatch.setattr(writer, "PARALLEL_WRITE_MIN_PAGES", 0)
    _fail_on(name, how, monkeypatch)
    out = tmp_path / "out"
    with _run() as result, pytest.raises(OSError) as caught:
        emit_reports(report_set(result), out, ("json", "html"), jobs=2)
    message = str(caught.value)
    assert ("died (exit code 3)" in message) if how == "die" else ("No space left on device" in message)
    assert list(out.iterdir()) == []  # no report, and no temporary file either


def test_small_runs_are_written_in_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork(*args: object) -> object:
        raise AssertionError("forked for a small run")

    monkeypatch.setattr(writer, "_write_forked", no_fork)
    with _run(sites=2, pages=3) as result:
        emitted = emit_reports(report_set(result), tmp_path, ("json", "html"), jobs=4)
    assert len(emitted.files) == 2 * 2 + 2


@pytest.mark.parametrize(("field", "value", "message"), [
    ("json_report", "site0.example.json", "two sites would share the report file 'site0.example.json'"),
    ("html_report", "auditor.sarif", "report file 'auditor.sarif' would be written twice"),
])
def test_report_files_of_the_same_name_are_refused_before_any_is_written(
        tmp_path: Path, field: str, value: str, message: str) -> None:
    with _run(sites=2, pages=1) as result:
        first, second = result.index.sites
        index = result.index.model_copy(update={"sites": [first, second.model_copy(update={field: value})]})
        with pytest.raises(writer.FormatError, match=message):
            emit_reports(ReportSet(index=index, sites=result.sites), tmp_path / "out", ("json", "html", "sarif"))
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_many_names_are_kept_as_one_string() -> None:
    names = writer._Strings()
    for name in ("a.example.json", "", "b.example.html", "bücher.example.json", "\udcff.json"):
        names.append(name)
    assert "b.example.html" in names and "" in names and "a.example" not in names
    assert list(names) == ["a.example.json", "", "b.example.html", "bücher.example.json", "\udcff.json"]
    assert names[-1] == "\udcff.json" and names[0:2] == ["a.example.json", ""] and "bücher.example.json" in names
