"""The pre-commit hook as a publisher runs it: the real `pre-commit` in a temporary git repository.

The hook's definition is read from `.pre-commit-hooks.yaml`; the test runs it as a local hook with
`language: system` (the installed auditor) instead of letting pre-commit build a virtualenv from the
package index, which is slow and needs the network. Entry, file types and exit codes are the
shipped ones.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not Path(PRE_COMMIT).exists(),
                                reason="git and pre-commit are needed (pip install -e '.[dev]')")

UNSIGNED = """<!doctype html>
<html lang="en"><head><title>Budget</title></head><body><main><article>
<h1>Council approves budget</h1>
<p>The council approved the budget on Monday after a long debate.</p>
</article></main></body></html>
"""
SIGNED = UNSIGNED.replace("<h1>Council approves budget</h1>",
                          '<h1>Council approves budget</h1>\n<p class="byline">By Jane Doe</p>\n'
                          '<p><time datetime="2026-11-02">2 November 2026</time></p>')


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check, env=ENV)


ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = dict(next(h for h in hooks if h["id"] == "auditor"))
    assert hook["entry"].startswith("auditor audit") and set(hook["types_or"]) == {"html", "markdown"}
    hook["language"] = "system"
    hook["entry"] = f"{sys.executable} -m {hook['entry']}"
    repo = tmp_path / "site"
    repo.mkdir()
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}))
    (repo / "auditor.toml").write_text('select = ["ATT001", "ATT002"]\nfail-on = "warning"\n')
    git(repo, "init", "-q")
    ENV["PRE_COMMIT_HOME"] = str(tmp_path / "cache")
    subprocess.run([PRE_COMMIT, "install"], cwd=repo, check=True, capture_output=True, env=ENV)
    git(repo, "add", ".pre-commit-config.yaml", "auditor.toml")
    git(repo, "commit", "-q", "-m", "setup")
    return repo


def test_commit_with_an_unsigned_article_is_stopped_and_the_fix_goes_through(repo: Path) -> None:
    (repo / "news").mkdir()
    (repo / "news" / "budget.html").write_text(UNSIGNED)
    (repo / "style.css").write_text("body { color: black }\n")
    git(repo, "add", ".")
    blocked = git(repo, "commit", "-m", "add article", check=False)
    assert blocked.returncode != 0
    out = blocked.stdout + blocked.stderr
    assert "news/budget.html:2:" in out and "ATT001 [warning]" in out and "ATT002 [warning]" in out
    assert "style.css" not in out  # only HTML and Markdown files are handed to the hook

    (repo / "news" / "budget.html").write_text(SIGNED)
    git(repo, "add", ".")
    done = git(repo, "commit", "-m", "add article", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not list(repo.glob("reports")), "the hook writes no report files into the repository"


def test_hook_runs_on_the_files_given(repo: Path) -> None:
    (repo / "a.html").write_text(SIGNED)
    (repo / "b.html").write_text(UNSIGNED)
    git(repo, "add", ".")
    only_a = subprocess.run([PRE_COMMIT, "run", "--files", "a.html"], cwd=repo, capture_output=True, text=True,
                            env=ENV)
    assert only_a.returncode == 0, only_a.stdout
    both = subprocess.run([PRE_COMMIT, "run", "--all-files"], cwd=repo, capture_output=True, text=True, env=ENV)
    assert both.returncode == 1 and "b.html" in both.stdout and "a.html:" not in both.stdout
