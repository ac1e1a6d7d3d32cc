"""Audits in worker processes: the same bytes as in-process, crash and timeout isolation, resume after
SIGKILL, merging shards of separate runs, refusing shards of another audit, progress on a terminal."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "examples" / "reference-page.html").read_text()


def make_site(folder: Path, pages: int) -> list[Path]:
    """Pages of three sites, varied enough to give every kind of finding and some site findings."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(pages):
        host = ("news.example.com", "blog.example.org", "example.net")[i % 3]
        label = "<p>Reported by AI</p>" if i % 4 == 0 else ""
        byline = '<p class="byline">By Jo Lee</p>' if i % 2 else ""
        html = (f'<html lang="en"><head><link rel="canonical" href="https://{host}/story-{i}.html">'
                f"<title>Story {i}</title></head><body><main><article><h1>Story {i}</h1>{label}{byline}"
                f"<p>Body text of story {i}, long enough to be read as a paragraph of an article.</p>"
                f'<a href="https://{host}/story-{(i + 3) % pages}.html">next</a></article></main></body></html>')
        path = folder / f"p{i:03d}.html"
        path.write_text(html)
        out.append(path)
    (folder / "reference.html").write_text(EXAMPLE)
    out.append(folder / "reference.html")
    return out


def audit(*args: str) -> int:
    return CliRunner().invoke(main, ["audit", *args, "--isolated", "-q"], catch_exceptions=False).exit_code


def same_reports(a: Path, b: Path) -> None:
    names_a = sorted(p.name for p in a.iterdir() if not p.name.startswith("."))
    names_b = sorted(p.name for p in b.iterdir() if not p.name.startswith("."))
    assert names_a == names_b
    for name in names_a:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_workers_give_the_same_bytes_as_one_process(tmp_path: Path) -> None:
    make_site(tmp_path / "in", 60)
    assert audit(str(tmp_path / "in"), "--out", str(tmp_path / "one"), "--jobs", "1") == 1
    assert audit(str(tmp_path / "in"), "--out", str(tmp_path / "two"), "--jobs", "2", "--keep-shards") == 1
    same_reports(tmp_path / "one", tmp_path / "two")
    assert len(list((tmp_path / "two" / ".shards").glob("*.shard.jsonl.gz"))) == 4  # 61 inputs, 20 a batch


def test_a_crashing_worker_costs_only_its_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path / "in", 30)
    monkeypatch.setenv("AUDITOR_TEST_CRASH_ON", "p007.html")
    result = CliRunner().invoke(main, ["audit", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--jobs", "2",
                                       "--keep-shards", "--isolated", "-q"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "p007.html: the worker process died while auditing this input" in result.output
    import json

    index = json.loads((tmp_path / "out" / "index.json").read_text())
    assert index["totals"]["pages"] == 30 and index["totals"]["errors"] == 1


def test_a_page_over_the_time_budget_is_an_input_error(tmp_path: Path) -> None:
    make_site(tmp_path / "in", 4)
    big = "<html><body><main><article><h1>Big</h1>" + "<p>word " * 40000 + "</article></main></body></html>"
    (tmp_path / "in" / "big.html").write_text(big)
    (tmp_path / "auditor.toml").write_text("[limits]\npage-seconds = 0.2\n")
    result = CliRunner().invoke(main, ["audit", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--jobs", "2",
                                       "--keep-shards", "--config", str(tmp_path / "auditor.toml"), "-q"],
                                catch_exceptions=False)
    assert result.exit_code == 2
    assert "big.html: took longer than 0.2 s to audit (limit page-seconds)" in result.output


def test_resume_after_sigkill_ends_with_the_same_reports(tmp_path: Path) -> None:
    make_site(tmp_path / "in", 200)
    full = tmp_path / "full"
    assert audit(str(tmp_path / "in"), "--out", str(full), "--jobs", "1") == 1
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "auditor", "audit", str(tmp_path / "in"), "--out", str(out), "--jobs", "2",
           "--keep-shards", "--isolated", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / ".shards").glob("*.shard.jsonl.gz"))) < 2:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list((out / ".shards").glob("*.shard.jsonl.gz")))
    assert 2 <= done < 11, "the run was not killed half-way"
    assert not (out / "index.json").exists()
    resumed = subprocess.run([*cmd, "--resume"], capture_output=True, text=True)
    assert resumed.returncode == 1, resumed.stderr
    same_reports(full, out)


def test_shards_of_two_runs_merge_into_the_reports_of_one(tmp_path: Path) -> None:
    files = [str(p) for p in make_site(tmp_path / "in", 40)]
    half = len(files) // 2
    assert audit(*files[:half], "--out", str(tmp_path / "a"), "--keep-shards", "--jobs", "1") in (0, 1)
    assert audit(*files[half:], "--out", str(tmp_path / "b"), "--keep-shards", "--jobs", "1") in (0, 1)
    assert audit(*files, "--out", str(tmp_path / "all"), "--jobs", "1") == 1
    merged = CliRunner().invoke(main, ["report", "merge", str(tmp_path / "a" / ".shards"),
                                       str(tmp_path / "b" / ".shards"), "--out", str(tmp_path / "m")])
    assert merged.exit_code == 1, merged.output
    same_reports(tmp_path / "all", tmp_path / "m")


def test_shards_of_another_audit_are_refused(tmp_path: Path) -> None:
    files = [str(p) for p in make_site(tmp_path / "in", 6)]
    audit(*files[:3], "--out", str(tmp_path / "a"), "--keep-shards", "--select", "ATT")
    audit(*files[3:], "--out", str(tmp_path / "b"), "--keep-shards", "--select", "AIL")
    merged = CliRunner().invoke(main, ["report", "merge", str(tmp_path / "a" / ".shards"),
                                       str(tmp_path / "b" / ".shards"), "--out", str(tmp_path / "m")])
    assert merged.exit_code == 2 and "made with other rules or options" in merged.output
    broken = tmp_path / "broken.shard.jsonl.gz"
    broken.write_bytes(b"not gzip")
    result = CliRunner().invoke(main, ["report", "merge", str(broken), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "not a shard" in result.output


def test_hash_seed_does_not_change_the_bytes(tmp_path: Path) -> None:
    make_site(tmp_path / "in", 12)
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "auditor", "audit", str(tmp_path / "in"), "--out",
                        str(tmp_path / seed), "--jobs", "2", "--keep-shards", "--isolated", "-q"], env=env, check=False)
    same_reports(tmp_path / "0", tmp_path / "12345")


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal_only() -> None:
    tty = FakeTTY()
    with Progress(4, stream=tty, min_interval=0) as progress:
        progress.advance(inputs=1, pages=10, errors=1)
        progress.advance(inputs=1, pages=5)
    text = tty.getvalue()
    assert "15 pages" in text and "1 errors" in text and "/4" in text
    pipe = io.StringIO()
    with Progress(4, stream=pipe) as progress:
        progress.advance(inputs=4, pages=40)
    assert pipe.getvalue() == ""
