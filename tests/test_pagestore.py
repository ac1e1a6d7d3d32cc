"""The page store: pages go to disk as a run collects them and come back, settled, in report order.

What is checked: records round-trip; `finish` orders pages as it did with lists (run order for the
site phase, then URL and path, ties kept in run order); sites with errors only, empty runs; a site
report read from the store gives the same bytes as the same report held in a list; the temporary
files are removed after the run, after an interrupted run, and never written to the output folder.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.engine import AuditedPage, Engine, Options
from auditor.inputs.files import discover
from auditor.models import InputError, SiteReport
from auditor.pagestore import PageStore, RecordFile, StoredPages, StoredRecord
from auditor.report.html import render_site_html
from auditor.report.write import site_json_chunks, to_json
from auditor.rulepacks import load_packs, select_rules

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "reference-page.html"


def _engine() -> Engine:
    packs = load_packs()
    return Engine(packs, select_rules(packs), Options(site="example.org"))


def _template(engine: Engine) -> AuditedPage:
    (source,) = discover([str(EXAMPLE)])
    for _, item in engine.audit_unit(source):
        if isinstance(item, AuditedPage):
            return item
    raise AssertionError("the example page was not audited")


def copy_page(item: AuditedPage, path: str, url: str | None, title: str | None = None) -> AuditedPage:
    """The same audited page under another path and URL (a crawl of many pages, without auditing each)."""
    page = item.page.model_copy(deep=True, update={"path": path, "url": url, "title": title or item.page.title})
    return AuditedPage(page, dataclasses.replace(item.summary, path=path, url=url))


def test_record_file_round_trip(tmp_path: Path) -> None:
    with PageStore() as store:
        records = store.file("things")
        data = [os.urandom(n) + b"x" * n for n in (0, 1, 100, 5000, 17)]
        numbers = [records.append(d) for d in data]
        assert numbers == list(range(len(data)))
        assert [records.get(n) for n in (3, 0, 4)] == [data[3], data[0], data[4]]
        assert list(records.stream([4, 1, 1, 2])) == [data[4], data[1], data[1], data[2]]
        assert list(records.stream(range(len(data)))) == data
        folder = store.folder.path
        assert folder.is_dir() and not folder.is_relative_to(tmp_path)
    assert not folder.exists()


def _read_in_child(records: RecordFile, kept: StoredRecord, send: Connection) -> None:
    numbers = range(len(records))
    send.send(([records.get(n) for n in numbers], list(records.stream(reversed(numbers))), kept.read()))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_records_read_back_by_offsets_alone_and_after_a_fork() -> None:
    """Records are found by their offsets only (each one ends where the next starts, the last at the
    file's end), here and in a forked report writer, which reads through a handle of its own."""
    with PageStore() as store:
        records = store.file("things")
        data = [bytes([n]) * (n * 37) + os.urandom(n) for n in range(12)]  # the first one empty
        assert [records.append(d) for d in data] == list(range(12))
        kept = store.keep_json("values", {"/a\udc80.html": ["Google Analytics"], "/b.html": []})
        assert [records.get(n) for n in range(12)] == data and records.get(-1) == data[-1]
        assert list(records.stream([11, 0, 5, 6, 6, 11])) == [data[i] for i in (11, 0, 5, 6, 6, 11)]
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_read_in_child, args=(records, kept, send))
        child.start()
        send.close()
        got, backwards, value = receive.recv()
        child.join()
        assert got == data and backwards == data[::-1]
        assert value == kept.read() and json.loads(value) == {"/a\udc80.html": ["Google Analytics"], "/b.html": []}
        records.append(b"after the fork")  # the parent still writes, and reads what it wrote
        assert records.get(12) == b"after the fork" and records.get(11) == data[11]


def test_finish_orders_pages_as_lists_did() -> None:
    engine = _engine()
    template = _template(engine)
    # (path, url, key): URLs repeat, a path repeats, and some places are given out of order.
    specs = [(f"p{n % 7}.html", None if n % 5 == 0 else f"https://example.org/{n % 4}", n) for n in range(40)]
    shuffled = specs[:]
    random.Random(8).shuffle(shuffled)
    unit = ((0, "crawl.warc.gz"),)
    for path, url, n in shuffled:
        engine.add(copy_page(template, path, url, title=f"t{n}"), (unit, n))
    with engine.finish() as result:
        report = result.sites["example.org"]
        assert isinstance(report.pages, StoredPages)
        got = [(p.path, p.url, p.title) for p in report.pages]
        expected = sorted(specs, key=lambda s: s[2])  # run order first (stable), then URL and path
        expected = sorted(expected, key=lambda s: (s[1] or "", s[0]))
        assert got == [(path, url, f"t{n}") for path, url, n in expected]
        assert len(report.pages) == 40 == report.totals.pages == result.index.totals.pages
        assert report.pages[5].title == got[5][2] and [p.title for p in report.pages[3:6]] == [g[2] for g in got[3:6]]


def test_pages_without_a_place_keep_call_order() -> None:
    engine = _engine()
    template = _template(engine)
    for n in range(5):
        engine.add(copy_page(template, "same.html", "https://example.org/same", title=f"t{n}"))
    with engine.finish() as result:
        assert [p.title for p in result.sites["example.org"].pages] == [f"t{n}" for n in range(5)]


def test_errors_only_site_and_empty_run() -> None:
    engine = _engine()
    engine.add(InputError(path="broken.html", error="cannot read", site="example.net"))
    with engine.finish() as result:
        report = result.sites["example.net"]
        assert len(report.pages) == 0 and not report.pages and list(report.pages) == []
        assert "".join(site_json_chunks(report)) == to_json(report)
        assert result.index.exit_code == 2 and result.index.totals.errors == 1
    with _engine().finish() as empty:
        assert empty.sites == {} and empty.index.totals.pages == 0 and empty.index.exit_code == 0


def test_stored_report_gives_the_bytes_of_a_listed_one() -> None:
    engine = _engine()
    template = _template(engine)
    for n in range(25):
        engine.add(copy_page(template, f"a/{n}.html", f"https://example.org/{n}"), (((0, f"a/{n}.html"),), 0))
    with engine.finish() as result:
        stored = result.sites["example.org"]
        listed = stored.model_copy(update={"pages": list(stored.pages)})
        assert isinstance(listed.pages, list)
        assert "".join(site_json_chunks(stored)) == to_json(listed) == to_json(stored)
        assert SiteReport.model_validate_json(to_json(stored)) == listed == stored
        assert render_site_html(stored) == render_site_html(listed)


def test_store_removed_when_the_result_is_closed() -> None:
    engine = _engine()
    template = _template(engine)
    engine.add(copy_page(template, "a.html", "https://example.org/a"))
    folder = engine.store.folder.path
    assert folder.is_dir() and any(folder.iterdir())
    result = engine.finish()
    assert [p.path for p in result.sites["example.org"].pages] == ["a.html"]
    result.close()
    assert not folder.exists()


def test_interrupted_run_leaves_no_files(tmp_path: Path) -> None:
    script = f"""
import sys
sys.path.insert(0, {str(ROOT / "tests")!r})
from test_pagestore import _engine, _template, copy_page
engine = _engine()
engine.add(copy_page(_template(engine), "a.html", "https://example.org/a"))
print(engine.store.folder.path, flush=True)
raise KeyboardInterrupt
"""
    env = dict(os.environ, TMPDIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT,
                          check=False)
    assert "KeyboardInterrupt" in proc.stderr
    folder = Path(proc.stdout.strip())
    assert folder.parent == tmp_path
    assert not folder.exists() and list(tmp_path.iterdir()) == []


def test_audit_writes_no_temporary_files_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.chdir(ROOT)  # page paths as in reports/, which was written by `auditor audit examples/`
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["audit", "examples/", "--out", str(out), "--isolated", "-q",
                                       "--jobs", "1", "--format", "json,html,sarif,junit,markdown"])
    assert result.exit_code in (0, 1), result.output
    assert list(temp.iterdir()) == []
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    reference = ROOT / "reports"
    for name in sorted(p.name for p in reference.iterdir()):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def test_a_format_failing_midstream_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import auditor.report.formats as formats

    def broken(report: SiteReport):  # type: ignore[no-untyped-def]
        yield "<!DOCTYPE html>"
        raise RuntimeError("template bug")

    monkeypatch.setattr(formats, "site_html_chunks", broken)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["audit", str(ROOT / "examples"), "--out", str(out), "--isolated", "-q",
                                       "--jobs", "1"])
    assert isinstance(result.exception, RuntimeError)
    assert not out.exists() or list(out.iterdir()) == []


def test_spill_folders_of_killed_runs_are_swept(tmp_path: Path) -> None:
    from auditor.pagestore import sweep_abandoned

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # its pid names no process now (reuse within this test is not a worry)
    old = 1_000_000_000  # 2001: long before any run that could still be starting
    names = {
        "killed": f"auditor-store-{dead.pid}-abc",
        "alive": f"auditor-store-{os.getpid()}-abc",
        "no-pid": "auditor-store-abc",
        "other": f"something-{dead.pid}-abc",
    }
    for name in names.values():
        (tmp_path / name).mkdir()
        (tmp_path / name / "pages.records").write_bytes(b"x")
        os.utime(tmp_path / name, (old, old))
    fresh = tmp_path / f"auditor-store-{dead.pid}-new"
    fresh.mkdir()  # made just now: its process may be starting, so it stays
    removed = sweep_abandoned("auditor-store-", str(tmp_path))
    assert removed == [str(tmp_path / names["killed"])]
    assert not (tmp_path / names["killed"]).exists()
    for key in ("alive", "no-pid", "other"):
        assert (tmp_path / names[key]).exists(), key
    assert fresh.exists()
