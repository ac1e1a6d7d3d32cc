"""Write a run's reports in the chosen formats, each file atomically and only inside the output
folder (default: per site JSON and HTML, then the index).

The site JSON reports are streamed: written page by page, the same bytes as `to_json(report)`,
without the whole document (tens of megabytes for a site of thousands of pages, and several times
that as Python objects while it is being built) in memory at once. The other formats are rendered
first, so that a format that fails writes nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from auditor.engine import RunResult
from auditor.models import SiteReport
from auditor.report.baseline import BaselineCheck
from auditor.report.bundle import ReportSet
from auditor.report.formats import DEFAULT_FORMATS, FormatError, render
from auditor.report.write import safe_target, to_json, write_atomic


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
    """Render every format but JSON first (a broken format writes nothing), then write the files:
    the JSON reports streamed, one page at a time."""
    others = [f for f in formats if f != "json"]
    output = render(bundle, others)
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
    if json_names:
        names = {s.site: s.json_report for s in bundle.index.sites}
        for site, report in bundle.sites.items():
            written.append(write_site_json(out_dir, names[site], report))
        written.append(write_atomic(out_dir, "index.json", to_json(bundle.index)))
    for name, text in output.files.items():
        written.append(write_atomic(out_dir, name, text))
    return Emitted(files=written, stdout=output.stdout, step_summary=output.step_summary)


def write_reports(result: RunResult, out_dir: Path, formats: Sequence[str] = DEFAULT_FORMATS) -> list[Path]:
    return emit_reports(report_set(result), out_dir, formats).files


# -- the site JSON, streamed ----------------------------------------------------------------------


def site_json_chunks(report: SiteReport) -> Iterator[str]:
    """`to_json(report)` in pieces: everything but the pages as one canonical document with a
    placeholder where the pages go, then each page dumped on its own and indented to its depth.
    json.dumps with an indent writes a nested value as the same lines, indented by its depth, as it
    writes the value alone (strings never hold a raw newline), so the bytes are those of to_json."""
    marker = f"auditor-pages-{uuid.uuid4().hex}"
    data = report.model_dump(mode="json", exclude={"pages"})
    data["pages"] = marker
    text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    placeholder = f'"{marker}"'
    before, sep, after = text.partition(placeholder)
    if not sep or placeholder in after:  # cannot happen: the marker is random; keep the plain way then
        yield to_json(report)
        return
    if not report.pages:
        yield before + "[]" + after
        return
    yield before + "[\n"
    last = len(report.pages) - 1
    for i, page in enumerate(report.pages):
        page_text = json.dumps(page.model_dump(mode="json"), sort_keys=True, indent=2, ensure_ascii=False)
        yield "    " + page_text.replace("\n", "\n    ") + (",\n" if i < last else "\n")
    yield "  ]" + after


def write_site_json(out_dir: Path, name: str, report: SiteReport) -> Path:
    """Write a site's JSON report page by page, atomically (a temporary file, then a rename)."""
    target = safe_target(out_dir, name)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            _write_chunks(fh, site_json_chunks(report))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _write_chunks(fh: TextIO, chunks: Iterator[str]) -> None:
    for chunk in chunks:
        fh.write(chunk)
