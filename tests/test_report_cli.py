"""`auditor audit --format/--statistics` as CI runs it, and the `auditor report diff|render` commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from auditor.cli import main

ROOT = Path(__file__).resolve().parent.parent
CI_FORMATS = "sarif,junit,github,gitlab,markdown"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT


def test_ci_formats_in_one_run(in_root: Path, tmp_path: Path) -> None:
    out, summary = tmp_path / "out", tmp_path / "step-summary.md"
    summary.write_text("# earlier step\n")
    result = run("audit", "examples/", "--out", str(out), "--format", CI_FORMATS, "--format", "json",
                 "--statistics", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["auditor.sarif", "auditor.junit.xml", "gl-code-quality-report.json", "summary.md",
                            "example.com.json", "example.org.json", "local.json", "index.json"])
    lines = result.stdout.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    index = json.loads((out / "index.json").read_text())
    assert len(annotations) == index["totals"]["by_outcome"]["violation"]
    assert ("::error file=examples/reference-page.html,line=74,col=3,title=CON003 cookie-no-accept-choice::"
            in result.stdout)
    stats = [line.split("\t") for line in lines if line.count("\t") == 2]
    assert [int(n) for n, _, _ in stats] == sorted((int(n) for n, _, _ in stats), reverse=True)
    assert sum(int(n) for n, _, _ in stats) == len(annotations)
    assert summary.read_text() == "# earlier step\n" + (out / "summary.md").read_text()
    assert "8 report file(s)" in result.stdout


def test_github_only_writes_no_files_and_quiet_keeps_annotations(in_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("audit", "examples/reference-page.txt", "--out", str(out), "--format", "github", "-q")
    assert result.exit_code == 1
    assert not out.exists()
    assert result.stdout and all(line.startswith("::") for line in result.stdout.splitlines())


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run("audit", str(tmp_path), "--format", "json,pdf")
    assert result.exit_code == 2 and "unknown format 'pdf'" in result.output


def _copy_examples(tmp_path: Path) -> Path:
    crawl = tmp_path / "crawl"
    shutil.copytree(ROOT / "examples" / "blog.example.org", crawl / "blog.example.org")
    return crawl


def test_report_diff(tmp_path: Path) -> None:
    crawl = _copy_examples(tmp_path)
    old, new = tmp_path / "old", tmp_path / "new"
    run("audit", str(crawl), "--out", str(old), "--format", "json")
    page = crawl / "blog.example.org" / "about-ai.html"
    text = page.read_text()
    # lines move; the byline goes (new ATT001); the banner gains a policy link (CON004 fixed)
    text = text.replace("<main>", "\n\n\n<main>").replace(text[text.index('<p class="byline">'):
                                                               text.index("</p>", text.index('byline')) + 4], "")
    text = text.replace("content and ads.</p>", 'content and ads. <a href="/privacy">Cookie policy</a></p>')
    page.write_text(text)
    run("audit", str(crawl), "--out", str(new), "--format", "json")

    before = json.loads((old / "index.json").read_text())["totals"]["by_outcome"]["violation"]
    same = run("report", "diff", str(old), str(old))
    assert same.exit_code == 0 and same.stdout == f"new: 0, fixed: 0, unchanged: {before}\n"

    result = run("report", "diff", str(old), str(new))
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[0] == f"new: 1, fixed: 1, unchanged: {before - 1}"
    assert "new:\n  ATT001 warning https://blog.example.org/about-ai.html:" in result.stdout
    assert "fixed:\n  CON004 warning https://blog.example.org/about-ai.html:" in result.stdout

    via_index = run("report", "diff", str(old / "index.json"), str(new / "index.json"))
    assert via_index.exit_code == 1 and via_index.stdout == result.stdout

    as_json = run("report", "diff", str(old / "example.org.json"), str(new / "example.org.json"), "--format", "json")
    data = json.loads(as_json.stdout)
    assert data["counts"] == {"new": 1, "fixed": 1, "unchanged": before - 1}
    assert [d["code"] for d in data["new"]] == ["ATT001"] and [d["code"] for d in data["fixed"]] == ["CON004"]
    assert len(data["new"][0]["fingerprint"]) == 64

    md = run("report", "diff", str(old), str(new), "--format", "markdown")
    assert f"**1** new, **1** fixed, {before - 1} unchanged" in md.stdout and "| ATT001 | warning |" in md.stdout
    assert run("report", "diff", str(old), str(new), "--fail-on", "error").exit_code == 0  # the new one is a warning
    assert run("report", "diff", str(new), str(old)).exit_code == 1  # CON004 is new that way round


def test_report_diff_bad_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"site": "x", "pages": "no"}')
    result = run("report", "diff", str(bad), str(bad))
    assert result.exit_code == 2 and "bad.json: not an auditor site report" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("report", "diff", str(empty), str(bad))
    assert result.exit_code == 2 and "no auditor reports in this folder" in result.output


def test_report_render_gives_the_audit_html(in_root: Path, tmp_path: Path) -> None:
    audited, rendered = tmp_path / "audited", tmp_path / "rendered"
    run("audit", "examples/", "--out", str(audited))
    result = run("report", "render", str(audited), "--out", str(rendered))
    assert result.exit_code == 0, result.output
    html = sorted(p.name for p in audited.glob("*.html"))
    assert sorted(p.name for p in rendered.iterdir()) == html
    for name in html:
        assert (rendered / name).read_bytes() == (audited / name).read_bytes(), name
    single = tmp_path / "single"
    assert run("report", "render", str(audited / "local.json"), "--out", str(single)).exit_code == 0
    assert [p.name for p in single.iterdir()] == ["local.html"]
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2")
    result = run("report", "render", str(broken), "--out", str(tmp_path / "x"))
    assert result.exit_code == 2 and "broken.json: not JSON" in result.output
