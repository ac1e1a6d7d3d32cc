"""Auditing a folder in-process for evaluations: page reports keyed by path relative to a base.

The evaluation scripts (scripts/eval_*.py) compare what the tool reports with labelled pages; they
share this one way of running the engine and naming pages.
"""

from __future__ import annotations

from pathlib import Path

from auditor.engine import Engine, Options, run
from auditor.inputs.files import discover
from auditor.models import PageReport
from auditor.rulepacks import load_packs, select_rules


def page_key(file: Path, base: Path, folder: Path) -> str:
    """A page's name in a labels file: its path relative to `base` (else to `folder`)."""
    path = file.resolve()
    for root in (base.resolve(), folder.resolve()):
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return path.as_posix()


def audit_folder(folder: Path, base: Path, select: tuple[str, ...] = ()) -> tuple[dict[str, PageReport], list[str]]:
    """Run the engine over `folder` with the selected rules: reports by page key, and input errors."""
    sources = list(discover([str(folder)]))
    keys = {s.display_path: page_key(s.file, base, folder) for s in sources}
    packs = load_packs()
    result = run(sources, Engine(packs, select_rules(packs, select), Options()))
    reports: dict[str, PageReport] = {}
    errors = [f"{keys.get(e.path, e.path)}: {e.error}" for e in result.index.errors]
    for site in result.sites.values():
        errors += [f"{keys.get(e.path, e.path)}: {e.error}" for e in site.errors]
        for page in site.pages:
            reports[keys.get(page.path, page.path)] = page
    return reports, sorted(errors)
