"""Audits in worker processes and through shards: the same bytes as one process, crash and timeout
isolation, resume after SIGKILL, merging shards of separate runs, refusing shards of another audit,
progress on a terminal.

One input mix is built here (module-scoped): 24 variants of the reference page whose URLs are the
targets of its AI-labelled teasers (so site rules link pages of different inputs), bylines shared
by several pages, the rendered-text page, the blog mirror of examples/, and a WARC (gzip per record,
built with FastWARC as tests/test_warc.py does) with pages of the same site, a 404, a revisit, an
image and a damaged place. The in-process reports of that mix (`--jobs 1`) are the reference every
other way of running is compared with, byte for byte.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastwarc.warc import WarcRecord, WarcRecordType

from auditor.analysis.summary import PageSummary
from auditor.cli import main
from auditor.facts.model import SourceLocation
from auditor.progress import Progress
from auditor.shards import (
    SHARD_SUFFIX,
    ShardError,
    SummaryModel,
    audit_to_shard,
    read_shard,
    summary_from_model,
    summary_model,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
REFERENCE = (EXAMPLES / "reference-page.html").read_text(encoding="utf-8")
CANONICAL = "https://news.example.com/world/japan-defense-minister-meets-us-counterpart"
TEASER_TARGETS = ["south-korean-defense-minister-to-visit-japan", "japan-korea-mutual-visits",
                  "defense-chiefs-trilateral-cooperation", "takaichi-trump-phone-call", "motegi-manila-visit"]
BYLINES = ["", '<p class="byline">By Jo Lee</p>', '<p class="byline">By Newsroom Desk</p>']
DATE = "2024-05-06T07:08:09Z"


def variant(i: int, url: str) -> bytes:
    html = REFERENCE.replace(CANONICAL, url).replace("</h1>", "</h1>" + BYLINES[i % 3], 1)
    return html.replace("<title>", f"<title>{i} ", 1).encode("utf-8")


def warc_record(rtype: WarcRecordType, url: str | None, block: bytes, number: int,
                content_type: str = "application/http; msgtype=response") -> bytes:
    record = WarcRecord()
    record.init_headers(rtype, f"<urn:uuid:00000000-0000-0000-0000-{number:012d}>".encode())
    record.headers.set("WARC-Date", DATE)
    if url:
        record.headers.set("WARC-Target-URI", url)
    record.headers.set("Content-Type", content_type)
    record.set_bytes_content(block)
    out = io.BytesIO()
    record.write(out)
    return gzip.compress(out.getvalue(), mtime=0)


def response(url: str, body: bytes, number: int, status: str = "200 OK", ctype: str = "text/html") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
    return warc_record(WarcRecordType.response, url, head.encode("latin-1") + body, number)


def build_mix(folder: Path) -> dict[str, int]:
    """The input mix; returns the byte offsets of the WARC's page records by URL path."""
    pages = folder / "pages"
    pages.mkdir(parents=True)
    for i in range(24):
        slug = TEASER_TARGETS[i] if i < len(TEASER_TARGETS) else f"story-{i:02d}"
        (pages / f"p{i:02d}.html").write_bytes(variant(i, f"https://news.example.com/world/{slug}"))
    (pages / "text.txt").write_bytes((EXAMPLES / "reference-page.txt").read_bytes())
    shutil.copytree(EXAMPLES / "blog.example.org", folder / "blog.example.org")
    records: list[tuple[str, bytes]] = [
        ("info", warc_record(WarcRecordType.warcinfo, None, b"software: auditor tests\r\n", 1,
                             "application/warc-fields")),
    ]
    for n in range(6):
        url = f"https://news.example.com/archive/w{n}"
        records.append((f"w{n}", response(url, variant(n, url), 10 + n)))
        if n == 2:
            records.append(("404", response("https://news.example.com/gone", b"<html>gone</html>", 30,
                                            "404 Not Found")))
            records.append(("garbage", b"this is not a WARC record, nor gzip data\r\n" * 3))
        if n == 4:
            records.append(("pdf", response("https://news.example.com/a.pdf", b"%PDF-1.4", 31,
                                             ctype="application/pdf")))
    offsets, at = {}, 0
    for name, data in records:
        offsets[name] = at
        at += len(data)
    (folder / "crawl.warc.gz").write_bytes(b"".join(data for _, data in records))
    return offsets


@pytest.fixture(scope="module")
def mix(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("parallel") / "mix"
    offsets = build_mix(folder)
    return folder, offsets


@pytest.fixture(scope="module")
def reference(mix: tuple[Path, dict[str, int]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`auditor audit mix --jobs 1`: everything in this process, no shards."""
    out = tmp_path_factory.mktemp("reference") / "out"
    assert audit(mix[0], out, "--jobs", "1") == 2  # the damaged place in the WARC is an input error
    assert not (out / ".shards").exists()
    return out


def audit(folder: Path, out: Path, *args: str) -> int:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        result = CliRunner().invoke(main, ["audit", str(folder), "--out", str(out), "--isolated", "-q", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code


def reports(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def assert_same(got: Path, want: Path) -> None:
    mine, theirs = reports(got), reports(want)
    assert sorted(mine) == sorted(theirs)
    for name, data in theirs.items():
        assert mine[name] == data, f"{name} differs"


def site_errors(out: Path) -> dict[str, str]:
    errors = {}
    for path in out.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for e in data.get("errors", []):
            errors[e["path"]] = e["error"]
    return errors


# -- the same bytes -------------------------------------------------------------------------------

def test_workers_give_the_bytes_of_one_process(mix: tuple[Path, dict[str, int]], reference: Path,
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert audit(mix[0], out, "--jobs", "2", "--keep-shards") == 2
    assert_same(out, reference)
    index = json.loads((reference / "index.json").read_text(encoding="utf-8"))
    assert index["totals"]["pages"] == 24 + 1 + 2 + 6 and index["skipped"] == {"status:404": 1,
                                                                              "type:application/pdf": 1}
    shards = sorted((out / ".shards").glob(f"*{SHARD_SUFFIX}"))
    assert len(shards) == 24 + 1 + 2 + 1  # one per input file or archive
    news = json.loads((reference / "example.com.json").read_text(encoding="utf-8"))
    assert any(r["code"] == "AIL009" and r["outcome"] == "violation" for p in news["pages"] for r in p["results"]), \
        "a teaser of one input and the article of another are judged together"
    # examples/ in workers: the committed reports (made by `auditor audit examples/ --out reports/`)
    monkeypatch.chdir(ROOT)
    ex = tmp_path / "examples"
    assert audit(Path("examples"), ex, "--jobs", "2") == 1
    assert not (ex / ".shards").exists()  # removed after a successful run
    assert_same(ex, ROOT / "reports")


def test_hash_seed_does_not_change_the_bytes(mix: tuple[Path, dict[str, int]], reference: Path,
                                             tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    for seed, jobs in (("0", "2"), ("4242", "1")):
        out = tmp_path / seed
        run = subprocess.run([sys.executable, "-m", "auditor", "audit", str(mix[0]), "--out", str(out), "--jobs",
                              jobs, "--isolated", "-q"], env={**env, "PYTHONHASHSEED": seed}, capture_output=True,
                             text=True, check=False)
        assert run.returncode == 2, run.stderr
        assert_same(out, reference)


# -- faults ---------------------------------------------------------------------------------------

def test_crashes_and_hangs_cost_only_their_page(mix: tuple[Path, dict[str, int]], reference: Path,
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, offsets = mix
    record = f"crawl.warc.gz#{offsets['w3']}"
    monkeypatch.setenv("AUDITOR_TEST_CRASH_ON", f"p07.html,{record}")
    monkeypatch.setenv("AUDITOR_TEST_HANG_ON", "p09.html,p11.html:block")
    out = tmp_path / "out"
    start = time.monotonic()
    # A budget well above what a small page takes, even on a loaded machine (0.4 s was not always).
    assert audit(folder, out, "--jobs", "2", "--page-timeout", "1") == 2
    assert time.monotonic() - start < 15
    errors = site_errors(out)
    crashed = errors[f"{folder}/pages/p07.html"]
    assert crashed == f"worker crashed while auditing {folder}/pages/p07.html (exit code 70); not audited"
    assert errors[f"{folder}/{record}"].startswith(f"worker crashed while auditing {folder}/{record}")
    assert errors[f"{folder}/pages/p09.html"].startswith("not audited: took longer than 1 s")
    assert errors[f"{folder}/pages/p11.html"].startswith("not audited: still running 3 s after it started")
    # Everything else is audited as in one process: the other records of the crashed archive too.
    want = json.loads((reference / "example.com.json").read_text(encoding="utf-8"))
    got = json.loads((out / "example.com.json").read_text(encoding="utf-8"))
    lost = {f"{folder}/pages/p{n}.html" for n in ("07", "09", "11")} | {f"{folder}/{record}"}
    assert sorted(p["path"] for p in got["pages"]) == sorted(p["path"] for p in want["pages"] if p["path"] not in lost)
    assert json.loads((out / "index.json").read_text())["totals"]["pages"] == 33 - 4


# -- resume ---------------------------------------------------------------------------------------

def _descendants(pid: int) -> set[int]:
    """Processes below `pid` (Linux /proc), to check that none outlives a killed run."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _slow_run(folder: Path, out: Path,
              **popen: Any) -> tuple[subprocess.Popen[str], list[str], dict[str, str], set[int]]:
    """`auditor audit FOLDER --jobs 2` slowed down (pages take 60 ms more), started and followed until
    4 shards are complete: the process, its command and environment, and the worker processes seen."""
    cmd = [sys.executable, "-m", "auditor", "audit", str(folder), "--out", str(out), "--jobs", "2", "--isolated",
           "-q"]
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    proc = subprocess.Popen(cmd, env={**env, "AUDITOR_TEST_PAGE_DELAY": "0.06"}, stdout=subprocess.DEVNULL,
                            text=True, **popen)
    deadline, workers = time.monotonic() + 30, set()
    while time.monotonic() < deadline and len(list((out / ".shards").glob(f"unit-*{SHARD_SUFFIX}"))) < 4:
        workers |= _descendants(proc.pid)
        time.sleep(0.01)
    return proc, cmd, env, workers


def _all_gone(workers: set[int]) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    return not any(_alive(pid) for pid in workers)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc to find the worker processes")
def test_resume_after_sigkill_gives_the_bytes_of_an_uninterrupted_run(
        mix: tuple[Path, dict[str, int]], reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shards = out / ".shards"
    proc, cmd, env, workers = _slow_run(mix[0], out, stderr=subprocess.DEVNULL)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = {p.name: p.stat().st_mtime_ns for p in shards.glob(f"unit-*{SHARD_SUFFIX}")}
    assert 4 <= len(done) < 28, "the run was not killed half-way"
    assert not (out / "index.json").exists()
    assert workers, "no worker process was seen"
    assert _all_gone(workers), "workers outlived the killed run"
    # A half-written shard, as a kill in the middle of a write leaves it: discarded.
    (shards / f".unit-000000000000000000000000{SHARD_SUFFIX}.x.tmp").write_bytes(b"\x1f\x8b half")
    resumed = subprocess.run([*cmd, "--resume", "--keep-shards"], env=env, capture_output=True, text=True,
                             check=False)
    assert resumed.returncode == 2, resumed.stderr
    assert_same(out, reference)
    after = {p.name: p.stat().st_mtime_ns for p in shards.glob(f"unit-*{SHARD_SUFFIX}")}
    assert len(after) == 28 and not list(shards.glob("*.tmp"))
    assert all(after[name] == mtime for name, mtime in done.items()), "complete shards were audited again"
    # Resuming with other options would mix two audits: refused.
    other = CliRunner().invoke(main, [*cmd[3:], "--resume", "--select", "ATT"])
    assert other.exit_code == 2 and "shards of an audit with other settings" in other.output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc to find the worker processes")
def test_ctrl_c_exits_130_and_the_run_resumes(mix: tuple[Path, dict[str, int]], reference: Path,
                                              tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the process group, as a terminal sends it) stops the run with exit 130, not
    1 (which says "violations found"), leaves no process behind, and keeps the shards for --resume."""
    out = tmp_path / "out"
    shards = out / ".shards"
    # A terminal's Ctrl-C goes to the whole process group; SIGINT is set back to its default in case
    # the tests run where it is ignored (a background job of a shell).
    proc, cmd, env, workers = _slow_run(mix[0], out, stderr=subprocess.PIPE, start_new_session=True,
                                        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "auditor: interrupted" in err and "Traceback" not in err and "Aborted" not in err
    assert workers and _all_gone(workers), "workers outlived the interrupted run"
    assert not (out / "index.json").exists() and list(shards.glob(f"unit-*{SHARD_SUFFIX}"))
    resumed = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True, check=False)
    assert resumed.returncode == 2, resumed.stderr
    assert_same(out, reference)


# -- merging shards -------------------------------------------------------------------------------

def test_shards_of_two_runs_merge_into_the_reports_of_one(mix: tuple[Path, dict[str, int]], reference: Path,
                                                          tmp_path: Path) -> None:
    folder = mix[0]
    # One half through the Python API the cluster job uses, the other through `auditor shard`.
    first = audit_to_shard([str(folder)], tmp_path / "a" / f"pages{SHARD_SUFFIX}", include=["pages/*"])
    result = CliRunner().invoke(main, ["shard", str(folder), "--exclude", "pages/*", "--isolated", "-q", "--out",
                                       str(tmp_path / "b" / f"rest{SHARD_SUFFIX}")])
    assert result.exit_code == 0, result.output
    header, items = read_shard(first)
    assert [u.path for u in header.units][:2] == [f"{folder}/pages/p00.html", f"{folder}/pages/p01.html"]
    assert sum(1 for _ in items) == 25
    out = tmp_path / "merged"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        merged = CliRunner().invoke(main, ["report", "merge", str(tmp_path / "b"), str(first), "--out", str(out),
                                           "-q"])
    assert merged.exit_code == 2, merged.output  # as `auditor audit` of the mix: the WARC's damaged place
    assert_same(out, reference)
    sarif = CliRunner().invoke(main, ["report", "merge", str(first), str(tmp_path / "b"), "--out",
                                      str(tmp_path / "sarif"), "--format", "sarif", "-q"])
    assert sarif.exit_code == 2 and [p.name for p in (tmp_path / "sarif").iterdir()] == ["auditor.sarif"]
    # The same input in two shards would be counted twice: refused.
    copy = tmp_path / f"copy{SHARD_SUFFIX}"
    shutil.copyfile(first, copy)
    twice = CliRunner().invoke(main, ["report", "merge", str(first), str(copy), "--out", str(tmp_path / "x")])
    assert twice.exit_code == 2 and f"the input {folder}/pages/p00.html is in the shard" in twice.output


def test_shards_of_another_audit_are_refused(mix: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    pages = mix[0] / "pages"
    att = audit_to_shard([str(pages / "p00.html")], tmp_path / f"att{SHARD_SUFFIX}", select=["ATT"])
    ail = audit_to_shard([str(pages / "p01.html")], tmp_path / f"ail{SHARD_SUFFIX}", select=["AIL"])
    result = CliRunner().invoke(main, ["report", "merge", str(att), str(ail), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "made by another audit than the shard" in result.output and "the selected rules differ" in result.output
    assert not (tmp_path / "m").exists()
    dated = audit_to_shard([str(pages / "p01.html")], tmp_path / f"dated{SHARD_SUFFIX}", select=["ATT"],
                           crawl_date="2024-06-01")
    result = CliRunner().invoke(main, ["report", "merge", str(att), str(dated), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "--crawl-date differs" in result.output
    same = CliRunner().invoke(main, ["report", "merge", str(att), str(att), "--out", str(tmp_path / "ok"), "-q"])
    assert same.exit_code in (0, 1), same.output  # the same file named twice counts once
    # Broken and cut-off shards.
    data = att.read_bytes()
    cut = tmp_path / f"cut{SHARD_SUFFIX}"
    cut.write_bytes(gzip.compress(gzip.decompress(data).rsplit(b"\n", 2)[0] + b"\n", mtime=0))
    result = CliRunner().invoke(main, ["report", "merge", str(cut), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "incomplete" in result.output
    with pytest.raises(ShardError, match="incomplete"):
        list(read_shard(cut)[1])
    junk = tmp_path / f"junk{SHARD_SUFFIX}"
    junk.write_bytes(b"not gzip")
    result = CliRunner().invoke(main, ["report", "merge", str(junk), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "not a shard" in result.output


def test_summaries_keep_every_field_through_a_shard() -> None:
    from dataclasses import fields

    assert [f.name for f in fields(PageSummary)] == list(SummaryModel.model_fields), \
        "PageSummary changed: update SummaryModel and its conversions in auditor/shards.py"
    resolved = []

    def lazy() -> tuple[int, int, str]:
        resolved.append(1)
        return 12, 7, "<p class=byline>"

    from auditor.analysis.summary import AuthorNote, TeaserLink
    from auditor.models import ItemRef

    main_ref = ItemRef(id="main", kind="main", label="Story")
    summary = PageSummary(path="a.html", url="https://x.example/a", main=main_ref,
                          main_location=SourceLocation("article", 3, 1, "<article>"), main_disclosed=True,
                          main_ai_label="Reported by AI", ai_labels=2,
                          teasers=[TeaserLink("https://x.example/b", None, ItemRef(id="teaser-1", kind="teaser"),
                                              SourceLocation("div.card", 20, 5, "<div>"))],
                          items_by_kind={"main": 1}, labelled_by_kind={"main": 1}, wordings={"Reported by AI": 2},
                          classes={"generated": 2}, notice=True, cmp="OneTrust", trackers=["ga"],
                          trackers_before_consent=True,
                          authors=[AuthorNote("Jo Lee", "person", False, SourceLocation("p", 0, resolve=lazy))])
    again = summary_from_model(SummaryModel.model_validate_json(summary_model(summary).model_dump_json()))
    assert resolved == [1]
    assert summary_model(again) == summary_model(summary)
    assert again.authors[0].location is not None and again.authors[0].location.line == 12


# -- progress -------------------------------------------------------------------------------------

class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal_only() -> None:
    tty = FakeTTY()
    with Progress(stream=tty, min_interval=0) as progress:
        progress.start(total_bytes=4000, total_units=4)
        progress.advance(pages=10, errors=1, nbytes=1000, units=1)
        progress.advance(pages=5, nbytes=1000, units=1)
        shown = tty.getvalue()
    assert "15 pages" in shown and "pages/s" in shown and "1 errors" in shown and "2/4 inputs" in shown
    assert "50%" in shown and "<" in shown  # the share done and the time left
    for stream, enabled in ((io.StringIO(), None), (FakeTTY(), False)):
        with Progress(stream=stream, enabled=enabled) as quiet:
            quiet.start(total_bytes=100, total_units=1)
            quiet.advance(pages=1, nbytes=100, units=1)
        assert stream.getvalue() == ""
    unknown = FakeTTY()
    with Progress(stream=unknown, min_interval=0) as progress:
        progress.start(total_bytes=0, total_units=0)
        progress.advance(pages=3)
    assert "3 pages" in unknown.getvalue()


def test_site_json_is_streamed_as_the_same_bytes(tmp_path: Path) -> None:
    from auditor.engine import Engine, Options, run
    from auditor.inputs.files import discover
    from auditor.report.write import to_json
    from auditor.rulepacks import load_packs, select_rules
    from auditor.writer import site_json_chunks, write_site_json

    packs = load_packs()
    result = run(list(discover([str(EXAMPLES)])), Engine(packs, select_rules(packs), Options()))
    for report in result.sites.values():
        for pages in (report.pages, report.pages[:1], []):
            variant_report = report.model_copy(update={"pages": pages})
            assert "".join(site_json_chunks(variant_report)) == to_json(variant_report)
        path = write_site_json(tmp_path, "site.json", report)
        assert path.read_text(encoding="utf-8") == to_json(report)
