"""The built wheel: it ships the rule packs, lexicons, templates, py.typed and (built with a C compiler) the
compiled fact walk, and works once installed.

Builds the wheel once per module (hatchling, no build isolation, no network), installs it with
`pip install --target` and runs it in a subprocess whose path holds the install but not this checkout.
Takes a few seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("hatchling")

REPO = Path(__file__).resolve().parent.parent
SHIPPED = [
    "auditor/rules/core.toml",
    "auditor/rules/lexicon/en.toml",
    "auditor/rules/data/consent.toml",
    "auditor/py.typed",
    "auditor/report/templates/site.html.j2",
    "auditor/report/templates/index.html.j2",
    "auditor/report/templates/base.html.j2",
]
TIMEOUT = 120


def _pip_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PIP_NO_INDEX="1")
    env.pop("PYTHONPATH", None)
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(REPO)],
        cwd=out,
        env=_pip_env(),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheels = list(out.glob("auditor-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("install") / "site"
    proc = _run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        cwd=target.parent,
        env=_pip_env(),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (target / "auditor" / "__init__.py").is_file()
    return target


@pytest.fixture
def installed_env(site: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(site)
    env.pop("PYTHONSAFEPATH", None)
    return env


def test_wheel_contains_rules_lexicon_templates_and_py_typed(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for name in SHIPPED:
            assert name in names, name
        # The packaged rule files are the checkout's rules/ files, byte for byte.
        for rel in ("core.toml", "lexicon/en.toml", "data/consent.toml"):
            assert zf.read(f"auditor/rules/{rel}") == (REPO / "rules" / rel).read_bytes(), rel


def test_wheel_holds_only_the_package_and_its_metadata(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        tops = {name.split("/", 1)[0] for name in zf.namelist()}
    assert tops == {"auditor", "auditor-0.1.0.dist-info"}


def test_a_wheel_built_with_a_compiler_ships_and_uses_the_compiled_walk(wheel: Path, installed_env: dict[str, str],
                                                                        tmp_path: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        compiled = [n for n in zf.namelist() if n.startswith("auditor/facts/_walk.") and n.endswith((".so", ".pyd"))]
        source_files = [n for n in zf.namelist() if n.endswith((".pyx", ".c"))]
    if not compiled and os.environ.get("AUDITOR_REQUIRE_COMPILED_WALK") != "1":
        pytest.skip("built without a C compiler: a pure-Python wheel")
    assert len(compiled) == 1 and not source_files
    assert "-py3-none-any" not in wheel.name  # tagged for this Python and platform
    code = "import auditor.facts.html as h; print(h.compiled_walk().__file__)"
    proc = _run([sys.executable, "-c", code], cwd=tmp_path, env=installed_env)
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()).name == Path(compiled[0]).name


def test_installed_package_finds_its_rule_packs(site: Path, installed_env: dict[str, str], tmp_path: Path) -> None:
    code = (
        "import json, auditor, auditor.rulepacks as rp\n"
        "packs = rp.load_packs()\n"
        "print(json.dumps({'file': auditor.__file__, 'rules_dir': str(rp.rules_dir()),\n"
        "                  'codes': [r.code for p in packs for r in p.rules]}))\n"
    )
    proc = _run([sys.executable, "-c", code], cwd=tmp_path, env=installed_env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    resolved_site = site.resolve()
    assert Path(data["file"]).resolve().is_relative_to(resolved_site)
    rules = Path(data["rules_dir"]).resolve()
    assert rules.is_relative_to(resolved_site)
    assert rules == resolved_site / "auditor" / "rules"
    assert {"AIL001", "CON001"} <= set(data["codes"])


def test_installed_cli_lists_rules_as_json(installed_env: dict[str, str], tmp_path: Path) -> None:
    proc = _run([sys.executable, "-m", "auditor", "rules", "--format", "json"], cwd=tmp_path, env=installed_env)
    assert proc.returncode == 0, proc.stderr
    rules = json.loads(proc.stdout)
    assert isinstance(rules, list)
    codes = [r["code"] for r in rules]
    assert {"AIL001", "CON001"} <= set(codes)
    assert codes == sorted(codes)
    assert all(r["references"] and r["remediation"] for r in rules)


def test_installed_cli_audits_a_page(installed_env: dict[str, str], tmp_path: Path) -> None:
    # Uses the lexicon, the consent vocabulary and the report templates from the installed wheel.
    page = tmp_path / "crawl" / "example.com" / "a.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        "<html><head><title>T</title></head><body><article><h1>Hello</h1><p>By Jane Doe</p>"
        "<p>This article was generated by AI.</p></article></body></html>",
        encoding="utf-8",
    )
    proc = _run([sys.executable, "-m", "auditor", "audit", "crawl", "--out", "out", "-q"], cwd=tmp_path,
                env=installed_env)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["example.com.html", "example.com.json", "index.html",
                                                      "index.json"]
    report = json.loads((out / "example.com.json").read_text(encoding="utf-8"))
    (page_report,) = report["pages"]
    outcomes = {r["code"]: r["outcome"] for r in page_report["results"]}
    assert outcomes.get("AIL001") == "pass"
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    core = next(p for p in index["rule_packs"] if p["name"] == "core")
    assert core["sha256"] == hashlib.sha256((REPO / "rules" / "core.toml").read_bytes()).hexdigest()
