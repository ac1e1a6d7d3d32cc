"""Project configuration and inline suppressions, as a publisher's repository uses them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.config import ConfigError, find_config, load_config
from auditor.rulepacks import load_packs

ARTICLE = """<!doctype html>
<html lang="en"><head><title>Story</title></head><body><main><article>
<h1>Council approves budget</h1>
<p>The council approved the budget on Monday after a long debate about the city's finances.</p>
</article></main></body></html>
"""
CODES = {r.code for p in load_packs() for r in p.rules}


def run(cwd: Path, *args: str) -> tuple[int, str, dict[str, object]]:
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(main, ["audit", *args], catch_exceptions=False)
    finally:
        os.chdir(old)
    out = cwd / "out"
    pages: dict[str, object] = {}
    for report in sorted(out.glob("*.json")) if out.is_dir() else []:
        if report.name != "index.json":
            for page in json.loads(report.read_text())["pages"]:
                pages[Path(page["path"]).name] = page
    return result.exit_code, result.output, pages


def codes_of(page: object, outcome: str = "violation") -> list[str]:
    assert isinstance(page, dict)
    return sorted(r["code"] for r in page["results"] if r["outcome"] == outcome)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "site" / "drafts").mkdir(parents=True)
    (tmp_path / "site" / "news.html").write_text(ARTICLE)
    (tmp_path / "site" / "drafts" / "wip.html").write_text(ARTICLE)
    return tmp_path


def test_config_found_upwards_from_the_working_folder(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.auditor]\nselect = ["ATT"]\n')
    nested = repo / "site" / "drafts"
    assert find_config(nested) == repo / "pyproject.toml"
    (repo / "site" / "auditor.toml").write_text('select = ["AIL"]\n')
    assert find_config(nested) == repo / "site" / "auditor.toml"  # the nearest wins


def test_pyproject_without_our_table_is_not_a_config(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(repo) is None


def test_select_severity_overrides_and_fail_level(repo: Path) -> None:
    (repo / "auditor.toml").write_text(
        'select = ["ATT001", "ATT002"]\nfail-on = "warning"\nout = "out"\n\n'
        '[severity]\nATT002 = "info"\n\n'
        '[[overrides]]\npaths = ["drafts/**"]\nignore = ["ATT001"]\n'
    )
    code, _, pages = run(repo, "site")
    assert codes_of(pages["news.html"]) == ["ATT001", "ATT002"]
    assert codes_of(pages["wip.html"]) == ["ATT002"]  # the draft's missing byline is ignored
    severities = {r["code"]: r["severity"] for r in pages["news.html"]["results"]}  # type: ignore[index]
    assert severities == {"ATT001": "warning", "ATT002": "info"}
    assert code == 1  # ATT001 is a warning and the file says fail-on = warning


def test_command_line_wins_over_the_file(repo: Path) -> None:
    (repo / "auditor.toml").write_text('select = ["ATT001"]\nfail-on = "warning"\nout = "out"\n')
    code, _, pages = run(repo, "site", "--select", "ATT002", "--fail-on", "error")
    assert codes_of(pages["news.html"]) == ["ATT002"]
    assert code == 0


def test_isolated_ignores_the_file(repo: Path) -> None:
    (repo / "auditor.toml").write_text('select = ["ATT001"]\n')
    _, _, pages = run(repo, "site", "--isolated", "--out", "out", "--select", "ATT")
    assert "ATT002" in codes_of(pages["news.html"])


def test_jurisdictions_keep_only_rules_of_those_laws(repo: Path) -> None:
    (repo / "auditor.toml").write_text('jurisdictions = ["US-CA"]\nout = "out"\n')
    _, _, pages = run(repo, "site")
    ran = set(pages["news.html"]["rule_outcomes"])  # type: ignore[index]
    assert "CON001" not in ran  # the EU's consent rules do not apply to a Californian audit
    assert {"ATT001", "AIL008", "AIL011"} <= ran


@pytest.mark.parametrize(("text", "expected"), [
    ('selct = ["ATT"]\n', ":1: selct: unknown key"),
    ('out = "x"\n\n[severity]\nATT999 = "warning"\n', ":4: unknown rule code 'ATT999'"),
    ('[severity]\nATT001 = "fatal"\n', ":2: severity.ATT001: Input should be"),
    ('jurisdictions = ["EU", "Mars"]\n', ":1: jurisdictions: unknown 'Mars'"),
    ('[[overrides]]\npaths = ["a/**"]\nignor = ["ATT001"]\n', ":3: overrides.0.ignor: unknown key"),
    ("select = [\n", "not valid TOML"),
    ('[limits]\npage-bytes = 1000\nelement = 5\n', ":3: limits.element: unknown limit"),
    ('[limits]\nelements = -1\n', "elements must be positive"),
])
def test_bad_configuration_names_file_line_and_cause(repo: Path, text: str, expected: str) -> None:
    path = repo / "auditor.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=None) as info:
        load_config(path, CODES)
    assert str(path) in str(info.value) and expected in str(info.value)
    code, output, _ = run(repo, "site")
    assert code == 2 and expected in output


def test_pyproject_errors_name_the_table(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.auditor]\nfail_on = "warning"\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml:2: tool.auditor.fail_on: unknown key"):
        load_config(repo / "pyproject.toml", CODES)


def test_sites_map_hosts_to_one_site(repo: Path) -> None:
    (repo / "site" / "news.html").write_text(ARTICLE.replace(
        "<title>", '<link rel="canonical" href="https://www.example.com/news.html"><title>'))
    (repo / "site" / "drafts" / "wip.html").write_text(ARTICLE.replace(
        "<title>", '<link rel="canonical" href="https://blog.example.net/wip.html"><title>'))
    (repo / "auditor.toml").write_text('out = "out"\n\n[sites]\n"*.example.com" = "Example"\n'
                                       '"blog.example.net" = "Example"\n')
    run(repo, "site")
    index = json.loads((repo / "out" / "index.json").read_text())
    assert [s["site"] for s in index["sites"]] == ["Example"]


SUPPRESSED = """<!doctype html>
<html lang="en"><head><title>Story</title></head><body><main>
<!-- auditor-disable-next ATT001 byline comes from the CMS at render time -->
<article>
<h1>Council approves budget</h1>
<p>The council approved the budget on Monday after a long debate about the city's finances.</p>
<!-- auditor-disable ATT009 -->
</article></main></body></html>
"""


def test_inline_suppressions_silence_findings_and_unused_ones_are_reported(repo: Path) -> None:
    (repo / "site" / "news.html").write_text(SUPPRESSED)
    (repo / "site" / "drafts" / "wip.html").unlink()
    _, output, pages = run(repo, "site", "--isolated", "--out", "out", "--select", "ATT001,ATT002,ATT009")
    page = pages["news.html"]
    assert codes_of(page) == ["ATT002"]  # ATT001 on the <article> (line 4, after the comment) is silenced
    records = {s["kind"]: s for s in page["suppressions"]}  # type: ignore[index]
    assert records["disable-next"]["codes"] == ["ATT001"] and records["disable-next"]["suppressed"] == 1
    assert records["disable-next"]["reason"] == "byline comes from the CMS at render time"
    assert records["disable"]["suppressed"] == 0
    assert "unused suppression" in output and "news.html:7: auditor-disable ATT009" in output


def test_disable_and_enable_bound_a_region(repo: Path) -> None:
    (repo / "site" / "news.html").write_text(
        "<html><body><main>\n<!-- auditor-disable ATT009 stock photos, credited in the footer -->\n"
        "<article><h1>A</h1><p>By Jo Lee</p>\n"
        '<figure><img src="a.jpg" alt="a"><figcaption>A street</figcaption></figure>\n'
        "<!-- auditor-enable ATT009 -->\n"
        '<figure><img src="b.jpg" alt="b"><figcaption>A square</figcaption></figure>\n'
        "</article></main></body></html>\n")
    (repo / "site" / "drafts" / "wip.html").unlink()
    _, _, pages = run(repo, "site", "--isolated", "--out", "out", "--select", "ATT009")
    lines = [r["location"]["line"] for r in pages["news.html"]["results"]  # type: ignore[index]
             if r["outcome"] == "violation"]
    assert lines == [6]


def test_limits_from_the_configuration_are_applied(repo: Path) -> None:
    deep = ("<html><body><main><article><h1>Deep</h1>" + "<div>" * 40 + "x" + "</div>" * 40
            + "</article></main></body></html>")
    (repo / "site" / "news.html").write_text(deep)
    (repo / "site" / "drafts" / "wip.html").write_text("<html><body>" + "<p>a</p>" * 500 + "</body></html>")
    (repo / "auditor.toml").write_text('out = "out"\n\n[limits]\ndom-depth = 20\nelements = 300\n')
    code, output, pages = run(repo, "site")
    assert code == 2 and "wip.html" in output and "more than 300 elements (limit elements)" in output
    assert pages["news.html"]["notes"] == [  # type: ignore[index]
        "elements nested deeper than 20 (limit dom-depth, line 1) were not audited"]
    # The next run without a configuration is back to the defaults.
    code, output, pages = run(repo, "site", "--isolated", "--out", "out")
    assert "wip.html" in pages and not pages["news.html"]["notes"]  # type: ignore[index]
