"""Write a run's reports in the chosen formats, each file atomically and only inside the output
folder (default: per site JSON and HTML, then the index).

The site JSON reports are streamed: written page by page, the same bytes as `to_json(report)`,
without the whole document (tens of megabytes for a site of thousands of pages, and several times
that as Python objects while it is being built) in memory at once. The other formats are rendered
first, so that a format that fails writes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.engine import RunResult
from auditor.models import SiteReport
from auditor.report.baseline import BaselineCheck
from auditor.report.bundle import ReportSet, body_chunks
from auditor.report.formats import DEFAULT_FORMATS, FormatError, collect
from auditor.report.write import site_json_chunks, to_json, write_atomic, write_temporary


@dataclass(frozen=True)
class Emitted:
    files: list[Path]
    stdout: str  # what a format prints (GitHub annotations)
    step_summary: str  # Markdown for $GITHUB_STEP_SUMMARY, "" when no format asked for one


def report_set(result: RunResult, baseline: BaselineCheck | None = None) -> ReportSet:
    """The reporters' view of a run; with a baseline, the index's exit code is the one that counts
    the violations the baseline does not accept."""
    bundle = ReportSet(index=result.index, sites=result.sites, baseline=baseline)
    if baseline is not None and bundle.exit_code != result.index.exit_code:
        index = result.index.model_copy(update={"exit_code": bundle.exit_code})
        bundle = ReportSet(index=index, sites=result.sites, baseline=baseline)
    return bundle


def emit_reports(bundle: ReportSet, out_dir: Path, formats: Sequence[str] = DEFAULT_FORMATS) -> Emitted:
    """Write every format but JSON first, each into a temporary file in the output folder (a format
    that fails writes nothing: the temporary files are removed), then the JSON reports (streamed,
    one page at a time), then rename the others into place. Big files (site HTML) are streamed too."""
    others = [f for f in formats if f != "json"]
    output = collect(bundle, others)
    json_names: list[str] = []
    if "json" in formats:
        names = {s.site: s.json_report for s in bundle.index.sites}
        for site in bundle.sites:
            if names[site] in json_names:
                raise FormatError(f"two sites would share the report file {names[site]!r} (the second is {site!r})")
            json_names.append(names[site])
        json_names.append("index.json")
        for name in json_names:
            if name in output.files:
                raise FormatError(f"report file {name!r} would be written twice (by json and another format); "
                                  "rename the site with --site or drop a format")
    written: list[Path] = []
    if output.files or json_names:
        out_dir.mkdir(parents=True, exist_ok=True)
    pending: list[tuple[Path, Path]] = []  # (temporary file, report file)
    try:
        for name, body in output.files.items():
            pending.append(write_temporary(out_dir, name, body_chunks(body)))
        if json_names:
            names = {s.site: s.json_report for s in bundle.index.sites}
            for site, report in bundle.sites.items():
                written.append(write_site_json(out_dir, names[site], report))
            written.append(write_atomic(out_dir, "index.json", to_json(bundle.index)))
        while pending:
            tmp, target = pending[0]
            os.replace(tmp, target)
            pending.pop(0)
            written.append(target)
    finally:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
    return Emitted(files=written, stdout=output.stdout, step_summary=output.step_summary)


def write_reports(result: RunResult, out_dir: Path, formats: Sequence[str] = DEFAULT_FORMATS) -> list[Path]:
    return emit_reports(report_set(result), out_dir, formats).files


# -- the site JSON, streamed (site_json_chunks: auditor.report.write) ------------------------------


def write_site_json(out_dir: Path, name: str, report: SiteReport) -> Path:
    """Write a site's JSON report page by page, atomically (a temporary file, then a rename)."""
    return write_atomic(out_dir, name, site_json_chunks(report))
