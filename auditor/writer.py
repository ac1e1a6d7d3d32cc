"""Write a run's reports: per site JSON and HTML, then the index, each file atomically."""

from __future__ import annotations

from pathlib import Path

from auditor.engine import RunResult
from auditor.inputs.urls import site_file_stem
from auditor.report.html import render_index_html, render_site_html
from auditor.report.write import to_json, write_atomic


def write_reports(result: RunResult, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, report in result.sites.items():
        stem = site_file_stem(name)
        written.append(write_atomic(out_dir, f"{stem}.json", to_json(report)))
        written.append(write_atomic(out_dir, f"{stem}.html", render_site_html(report)))
    written.append(write_atomic(out_dir, "index.json", to_json(result.index)))
    written.append(write_atomic(out_dir, "index.html", render_index_html(result.index)))
    return written
