"""Write a run's reports in the chosen formats, each file atomically and only inside the output
folder (default: per site JSON and HTML, then the index)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.engine import RunResult
from auditor.report.baseline import BaselineCheck
from auditor.report.bundle import ReportSet
from auditor.report.formats import DEFAULT_FORMATS, render
from auditor.report.write import write_atomic


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
    """Render every format first (a broken format writes nothing), then write the files."""
    output = render(bundle, formats)
    written: list[Path] = []
    if output.files:
        out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in output.files.items():
        written.append(write_atomic(out_dir, name, text))
    return Emitted(files=written, stdout=output.stdout, step_summary=output.step_summary)


def write_reports(result: RunResult, out_dir: Path, formats: Sequence[str] = DEFAULT_FORMATS) -> list[Path]:
    return emit_reports(report_set(result), out_dir, formats).files
