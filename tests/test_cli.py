"""The command line as a user runs it: reports written, exit codes, determinism, rule listing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import lxml.html
import pytest
from click.testing import CliRunner

from auditor.cli import main

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    runner = CliRunner()
    result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT


def test_audit_examples_writes_reports_per_site(in_root: Path, tmp_path: Path) -> None:
    code, output = invoke("audit", "examples/", "--out", str(tmp_path))
    assert code == 1  # the reference page's "Decline"-only notice is an error-level violation
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["example.com.html", "example.com.json", "example.org.html", "example.org.json",
                     "index.html", "index.json", "local.html", "local.json"]
    index = json.loads((tmp_path / "index.json").read_text())
    assert [s["site"] for s in index["sites"]] == ["example.com", "example.org", "local"]
    assert index["exit_code"] == 1 and index["totals"]["pages"] == 4
    assert "4 page(s) in 3 site(s)" in output


def test_reports_folder_is_current(in_root: Path, tmp_path: Path) -> None:
    """reports/ holds what `auditor audit examples/ --out reports/` writes; regenerate when this fails."""
    invoke("audit", "examples/", "--out", str(tmp_path))
    committed = sorted(p.name for p in (ROOT / "reports").iterdir())
    fresh = sorted(p.name for p in tmp_path.iterdir())
    assert committed == fresh
    for name in fresh:
        assert (ROOT / "reports" / name).read_bytes() == (tmp_path / name).read_bytes(), (
            f"reports/{name} is out of date: run `auditor audit examples/ --out reports/`")


def test_two_runs_are_byte_identical(in_root: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    invoke("audit", "examples/", "--out", str(a))
    invoke("audit", "examples/", "--out", str(b))
    for path in sorted(a.iterdir()):
        assert path.read_bytes() == (b / path.name).read_bytes(), path.name
    assert "generated_at" not in json.loads((a / "index.json").read_text()) or \
        json.loads((a / "index.json").read_text())["generated_at"] is None


def test_source_date_epoch_sets_the_time(in_root: Path, tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    invoke("audit", "examples/reference-page.html", "--out", str(tmp_path), env=env)
    assert json.loads((tmp_path / "index.json").read_text())["generated_at"] == "2026-01-01T00:00:00Z"


def test_reports_match_their_schema(in_root: Path, tmp_path: Path) -> None:
    invoke("audit", "examples/", "--out", str(tmp_path))
    site_schema = json.loads((ROOT / "schemas" / "site-report.schema.json").read_text())
    index_schema = json.loads((ROOT / "schemas" / "index.schema.json").read_text())
    jsonschema.validate(json.loads((tmp_path / "index.json").read_text()), index_schema)
    for name in ("example.com.json", "example.org.json", "local.json"):
        jsonschema.validate(json.loads((tmp_path / name).read_text()), site_schema)


def test_schema_is_current() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_schema.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_fail_on_levels(in_root: Path, tmp_path: Path) -> None:
    page = "examples/blog.example.org/about-ai.html"  # warnings only (CON002, CON004)
    assert invoke("audit", page, "--out", str(tmp_path))[0] == 0
    assert invoke("audit", page, "--out", str(tmp_path), "--fail-on", "warning")[0] == 1
    assert invoke("audit", page, "--out", str(tmp_path), "--fail-on", "warning", "--ignore", "CON")[0] == 0


def test_select_and_ignore(in_root: Path, tmp_path: Path) -> None:
    invoke("audit", "examples/reference-page.html", "--out", str(tmp_path), "--select", "attribution,AIL00")
    report = json.loads((tmp_path / "example.com.json").read_text())
    codes = sorted(r["code"] for r in report["rules"])
    assert codes[:2] == ["AIL001", "AIL002"] and codes[-2:] == ["ATT010", "ATT011"]
    assert all(c.startswith(("AIL00", "ATT")) for c in codes) and "AIL010" not in codes


def test_input_errors_go_to_their_site_when_known(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl" / "news.example.net"
    crawl.mkdir(parents=True)
    (crawl / "ok.html").write_text("<html><body><p>Hello</p></body></html>")
    (crawl / "bad.html").write_bytes(b"   \n")
    out = tmp_path / "out"
    assert invoke("audit", str(tmp_path / "crawl"), "--out", str(out))[0] == 2
    site = json.loads((out / "example.net.json").read_text())
    assert [e["error"] for e in site["errors"]] == ["empty file"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("audit", str(tmp_path / "missing"), "--out", str(tmp_path))[0] == 2
    assert invoke("audit", str(tmp_path), "--fail-on", "fatal")[0] == 2
    assert invoke("audit", str(tmp_path), "--base-url", "not a url")[0] == 2
    code, output = invoke("audit", str(tmp_path), "--out", str(tmp_path / "out"))  # folder without pages
    assert code == 2 and "no pages found" in output


def test_site_name_cannot_escape_the_output_folder(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html><body><p>x</p></body></html>")
    out = tmp_path / "out"
    invoke("audit", str(page), "--out", str(out), "--site", "../../escaped")
    assert not (tmp_path / "escaped.json").exists()
    assert all(p.parent == out for p in out.iterdir())
    # The name had to change, so it carries a hash of the original and cannot collide with "escaped".
    assert [p.name for p in out.glob("escaped-*.json")] and not (out / "escaped.json").exists()


def test_hostile_page_is_escaped_in_html(tmp_path: Path) -> None:
    page = tmp_path / "evil.html"
    page.write_text(
        '<html><head><title><script>alert(1)</script></title>'
        '<link rel="canonical" href="https://evil.example/x"></head><body><main><article>'
        '<h1>"><img src=x onerror=alert(1)></h1><figure><img src="javascript:alert(2)">'
        '<figcaption>Image generated by AI <b>&lt;script&gt;alert(3)&lt;/script&gt;</b></figcaption></figure>'
        '</article></main></body></html>'
    )
    out = tmp_path / "out"
    invoke("audit", str(page), "--out", str(out))
    html = (out / "evil.example.html").read_text()
    assert "<img" not in html
    tree = lxml.html.fromstring(html)
    # The report's own filter script is the only script: inline, no src, no payload in it.
    scripts = tree.xpath("//script")
    assert len(scripts) == 1 and scripts[0].get("src") is None and "alert" not in (scripts[0].text or "")
    assert not tree.xpath("//*[@src]") and not tree.xpath("//img | //iframe")
    assert all(not h.strip().lower().startswith("javascript") for h in tree.xpath("//@href"))
    assert "&lt;script&gt;alert(3)" in html


def test_base_url_and_site_override(tmp_path: Path) -> None:
    page = tmp_path / "a" / "story.txt"
    page.parent.mkdir()
    page.write_text("Headline here\n\nBy Kim Park\n\nA paragraph of the story that is long enough to count.\n")
    out = tmp_path / "out"
    invoke("audit", str(tmp_path / "a"), "--out", str(out), "--base-url", "https://www.example.co.uk/news/")
    report = json.loads((out / "example.co.uk.json").read_text())
    assert report["pages"][0]["url"] == "https://www.example.co.uk/news/story.txt"
    invoke("audit", str(tmp_path / "a"), "--out", str(out), "--site", "my-site")
    assert (out / "my-site.json").exists()


def test_rules_command_formats(in_root: Path) -> None:
    code, output = invoke("rules", "--format", "json")
    assert code == 0
    rules = json.loads(output)
    assert [r["code"] for r in rules][:2] == ["AIL001", "AIL002"]
    assert all(r["references"] and r["remediation"] for r in rules)
    code, table = invoke("rules")
    assert code == 0 and "CON003" in table


def test_readme_rule_list_is_generated(in_root: Path) -> None:
    _, markdown = invoke("rules", "--format", "markdown")
    readme = (ROOT / "README.md").read_text()
    start, end = "<!-- rules:start -->\n", "<!-- rules:end -->"
    section = readme[readme.index(start) + len(start): readme.index(end)]
    assert section.strip() == markdown.strip(), "run: python scripts/update_readme.py"


def test_python_dash_m(in_root: Path, tmp_path: Path) -> None:
    env = dict(os.environ)
    result = subprocess.run([sys.executable, "-m", "auditor", "audit", "examples/reference-page.txt", "--out",
                             str(tmp_path), "-q"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 1, result.stderr
    assert (tmp_path / "local.json").exists() and result.stdout == ""


def test_report_folder_inside_the_input_is_not_audited(tmp_path: Path) -> None:
    page = "<html><body><main><article><h1>T</h1><p>By Al Bo</p></article></main></body></html>"
    (tmp_path / "page.html").write_text(page)
    out = tmp_path / "reports"
    invoke("audit", str(tmp_path), "--out", str(out))
    invoke("audit", str(tmp_path), "--out", str(out))
    assert json.loads((out / "index.json").read_text())["totals"]["pages"] == 1


def test_inspect_prints_the_provenance_card(in_root: Path) -> None:
    code, text = invoke("inspect", "tests/fixtures/images/c2pa-rs_C.jpg", "tests/fixtures/images/c2pa-rs_XCA.jpg")
    assert code == 0
    assert "validation: untrusted" in text and "signer: C2PA Test Signing Cert" in text
    assert "validation: tampered" in text and "algorithmicMedia" in text
    code, out = invoke("inspect", "--format", "json", "tests/fixtures/images/c2pa-rs_no_manifest.jpg")
    (card,) = json.loads(out)
    assert code == 0 and card["marks"] == [] and card["media_type"] == "image/jpeg"


def test_inspect_unreadable_file_exits_2(tmp_path: Path) -> None:
    assert invoke("inspect", str(tmp_path / "missing.jpg"))[0] == 2
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8\xff" + b"\x00" * 20)
    code, text = invoke("inspect", str(junk))
    assert code == 0 and "junk.jpg" in text
