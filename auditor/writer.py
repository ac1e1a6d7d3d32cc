"""Write a run's reports in the chosen formats, each file atomically and only inside the output
folder (default: per site JSON and HTML, then the index).

The site JSON reports are streamed: written page by page, the same bytes as `to_json(report)`,
without the whole document (tens of megabytes for a site of thousands of pages, and several times
that as Python objects while it is being built) in memory at once. The other formats are rendered
first, so that a format that fails writes nothing.

Site reports are independent files, and on a big run writing them takes seconds to minutes after the
audit workers are done: with `jobs` above 1 they are written by that many processes (forked, so they
read the same page store), each into temporary files that this process renames when all are done.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import overload

from auditor.engine import RunResult
from auditor.forking import can_fork, share
from auditor.models import SiteReport
from auditor.report.baseline import BaselineCheck
from auditor.report.bundle import Body, ReportSet, body_chunks
from auditor.report.formats import DEFAULT_FORMATS, FormatError, collect, site_json_body
from auditor.report.write import index_json_chunks, site_json_chunks, write_atomic, write_temporary


@dataclass(frozen=True)
class Emitted:
    files: Sequence[Path]  # in the order they were put in place
    stdout: str  # what a format prints (GitHub annotations)
    step_summary: str  # Markdown for $GITHUB_STEP_SUMMARY, "" when no format asked for one


class _Paths(Sequence[Path]):
    """Written files as their path strings, each a Path when asked for: a run of 100,000 sites writes
    200,000 files, and as many Path objects cost some 60 MB."""

    def __init__(self, paths: list[str]) -> None:
        self._paths = paths

    def __len__(self) -> int:
        return len(self._paths)

    @overload
    def __getitem__(self, k: int) -> Path: ...

    @overload
    def __getitem__(self, k: slice) -> list[Path]: ...

    def __getitem__(self, k: int | slice) -> Path | list[Path]:
        if isinstance(k, slice):
            return [Path(p) for p in self._paths[k]]
        return Path(self._paths[k])

    def __repr__(self) -> str:
        return f"_Paths({len(self)} files)"


def report_set(result: RunResult, baseline: BaselineCheck | None = None) -> ReportSet:
    """The reporters' view of a run; with a baseline, the index's exit code is the one that counts
    the violations the baseline does not accept."""
    bundle = ReportSet(index=result.index, sites=result.sites, baseline=baseline)
    if baseline is not None and bundle.exit_code != result.index.exit_code:
        index = result.index.model_copy(update={"exit_code": bundle.exit_code})
        bundle = ReportSet(index=index, sites=result.sites, baseline=baseline)
    return bundle


def emit_reports(bundle: ReportSet, out_dir: Path, formats: Sequence[str] = DEFAULT_FORMATS,
                 jobs: int = 1) -> Emitted:
    """Write every report into a temporary file in the output folder (a format that fails writes
    nothing: the temporary files are removed), then rename the site JSON reports into place, write
    the JSON index, and rename the others. Big files (site JSON and HTML) are streamed, one page at
    a time; with `jobs` above 1 and a run of many pages they are written by `jobs` processes."""
    others = [f for f in formats if f != "json"]
    output = collect(bundle, others)
    # The site reports' shares of the writing work: their site's pages, counted in the index (a run's
    # site reports are not read for it); other files count 1.
    weights: dict[str, int] = {}
    json_tasks: list[tuple[str, Body, int]] = []
    json_names: set[str] = set()
    for summary in bundle.index.sites:
        weight = summary.totals.pages + 1
        if summary.html_report in output.files:
            weights[summary.html_report] = weight
        if "json" in formats and summary.site in bundle.sites:
            name = summary.json_report
            if name in json_names:
                raise FormatError(f"two sites would share the report file {name!r} (the second is {summary.site!r})")
            json_names.add(name)
            json_tasks.append((name, partial(site_json_body, bundle.sites, summary.site), weight))
    if "json" in formats:
        json_names.add("index.json")
        for name in sorted(json_names & output.files.keys()):
            raise FormatError(f"report file {name!r} would be written twice (by json and another format); "
                              "rename the site with --site or drop a format")
    written: list[str] = []
    if output.files or json_names:
        out_dir.mkdir(parents=True, exist_ok=True)
    tasks = [(name, body, weights.get(name, 1)) for name, body in output.files.items()] + json_tasks
    del json_tasks
    pending: list[tuple[str, str]] = []  # (temporary file, report file), as strings (see _Paths)
    placed = 0  # pending[:placed] are renamed into place
    try:
        pages = bundle.index.totals.pages
        workers = min(jobs, sum(1 for _, body, _ in tasks if not isinstance(body, str)))
        if workers > 1 and pages >= PARALLEL_WRITE_MIN_PAGES and can_fork():
            pending.extend(_write_forked(tasks, out_dir, workers))
        else:
            pending.extend(_strings(write_temporary(out_dir, name, body_chunks(body))) for name, body, _ in tasks)
        del tasks
        # The site JSON reports first, then the JSON index, then the rest (a stable sort: in their
        # order otherwise); one pass, as a run may write 100,000 files.
        pending.sort(key=lambda done: os.path.basename(done[1]) not in json_names)
        json_count = sum(1 for _, target in pending if os.path.basename(target) in json_names)
        for tmp, target in pending[:json_count]:
            os.replace(tmp, target)
            placed += 1
            written.append(target)
        if json_names:
            written.append(str(write_atomic(out_dir, "index.json", index_json_chunks(bundle.index))))
        for tmp, target in pending[json_count:]:
            os.replace(tmp, target)
            placed += 1
            written.append(target)
    finally:
        for tmp, _ in pending[placed:]:
            Path(tmp).unlink(missing_ok=True)
    return Emitted(files=_Paths(written), stdout=output.stdout, step_summary=output.step_summary)


def _strings(done: tuple[Path, Path]) -> tuple[str, str]:
    return str(done[0]), str(done[1])


# Below this many pages in a run, forking writers costs more than it saves.
PARALLEL_WRITE_MIN_PAGES = 300


def _write_forked(tasks: list[tuple[str, Body, int]], out_dir: Path, workers: int) -> list[tuple[str, str]]:
    """Write the files into temporary files with `workers` processes (this one and forked ones, which
    read the reports' page store through handles of their own), the heaviest files first, each to the
    least loaded process. The (temporary file, report file) pairs in the order of `tasks`; on any
    failure every temporary file is removed and the first failure raised."""
    parts = share([weight for _, _, weight in tasks], workers)
    context = multiprocessing.get_context("fork")
    children: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    for part in parts[1:]:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_write_part, args=(tasks, part, out_dir, send), daemon=True)
        child.start()
        send.close()
        children.append((child, receive))
    results: dict[int, tuple[str, str]] = {}
    failure: BaseException | None = None
    try:
        own = _write_files(tasks, parts[0], out_dir)
        results.update(zip(parts[0], own, strict=True))
    except BaseException as exc:  # the children still run: collect their files to remove them
        failure = exc
    for writer, receive in children:
        try:
            status, payload = receive.recv()
        except EOFError:
            status, payload = "died", None
        writer.join()
        if status == "ok":
            results.update((k, (tmp, target)) for k, (tmp, target) in payload)
        elif failure is None:
            failure = _failure(status, payload, writer.exitcode)
        receive.close()
    if failure is not None:
        for tmp, _ in results.values():
            Path(tmp).unlink(missing_ok=True)
        raise failure
    return [results.pop(k) for k in range(len(tasks))]


def _write_files(tasks: list[tuple[str, Body, int]], part: list[int], out_dir: Path) -> list[tuple[str, str]]:
    done: list[tuple[str, str]] = []
    try:
        for k in part:
            name, body, _ = tasks[k]
            done.append(_strings(write_temporary(out_dir, name, body_chunks(body))))
    except BaseException:
        for tmp, _ in done:
            Path(tmp).unlink(missing_ok=True)
        raise
    return done


def _write_part(tasks: list[tuple[str, Body, int]], part: list[int], out_dir: Path, send: Connection) -> None:
    """A forked writer: its files, then ("ok", [(k, (tmp, target))]) or what failed, to the parent."""
    try:
        done = _write_files(tasks, part, out_dir)
        send.send(("ok", list(zip(part, done, strict=True))))
    except (OSError, ValueError) as exc:  # FormatError is a ValueError
        send.send((type(exc).__name__, str(exc)))
    except BaseException:
        send.send(("bug", traceback.format_exc()))
    finally:
        send.close()


def _failure(status: str, payload: object, exit_code: int | None) -> BaseException:
    """The exception a forked writer's failure is raised as in this process."""
    if status == "died":
        return OSError(f"a report writer process died (exit code {exit_code}) before it finished")
    if status == "FormatError":
        return FormatError(str(payload))
    if status == "bug":
        return RuntimeError(f"a report writer process failed:\n{payload}")
    if status in ("ValueError", "UnicodeEncodeError"):
        return ValueError(str(payload))
    return OSError(str(payload))


def write_reports(result: RunResult, out_dir: Path, formats: Sequence[str] = DEFAULT_FORMATS) -> list[Path]:
    return list(emit_reports(report_set(result), out_dir, formats).files)


# -- the site JSON, streamed (site_json_chunks: auditor.report.write) ------------------------------


def write_site_json(out_dir: Path, name: str, report: SiteReport) -> Path:
    """Write a site's JSON report page by page, atomically (a temporary file, then a rename)."""
    return write_atomic(out_dir, name, site_json_chunks(report))
