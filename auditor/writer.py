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

import contextlib
import multiprocessing
import os
import secrets
import traceback
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path

from auditor.engine import RunResult
from auditor.forking import can_fork, share
from auditor.models import SiteReport
from auditor.report.baseline import BaselineCheck
from auditor.report.bundle import Body, ReportSet, body_chunks
from auditor.report.formats import DEFAULT_FORMATS, FormatError, collect, site_html_body, site_json_body
from auditor.report.write import (
    index_json_chunks,
    site_json_chunks,
    temporary_name,
    write_atomic,
    write_temporary_as,
)
from auditor.sequences import LazySequence


@dataclass(frozen=True)
class Emitted:
    files: Sequence[Path]  # in the order they were put in place
    stdout: str  # what a format prints (GitHub annotations)
    step_summary: str  # Markdown for $GITHUB_STEP_SUMMARY, "" when no format asked for one


class _Paths(LazySequence[Path]):
    """Written files as their names, each a Path when asked for: a run of 100,000 sites writes
    200,000 files, and as many Path objects cost some 60 MB."""

    def __init__(self, folder: Path, names: Sequence[str]) -> None:
        self._folder = folder
        self._names = names

    def __len__(self) -> int:
        return len(self._names)

    def _item(self, k: int) -> Path:
        return self._folder / self._names[k]

    def __repr__(self) -> str:
        return f"_Paths({len(self)} files in {self._folder})"


Task = tuple[str, Body, int]  # a file to write: its name, its text (or how to stream it), its weight


class _Strings(LazySequence[str]):
    """Many short strings as one run of UTF-8 bytes (each ended by a NUL, which no site or file name
    holds) with their ends in an array: about their length in bytes each, where a list of str
    objects costs 60 bytes more each (and a StringIO four bytes a character)."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("q")

    def append(self, text: str) -> None:
        self._data += text.encode("utf-8", "surrogatepass")
        self._data.append(0)
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and b"\0" + text.encode("utf-8", "surrogatepass") + b"\0" in b"\0" + self._data

    def _item(self, k: int) -> str:
        start = self._ends[k - 1] if k > 0 else 0
        return self._data[start:self._ends[k] - 1].decode("utf-8", "surrogatepass")


class _SiteTasks(LazySequence[Task]):
    """A report file per site (its JSON or its HTML), each described when it is asked for from its
    site's name, its file's name and its weight (the site's pages, plus one), read from the index
    once (`_site_tasks`): a list of 100,000 sites' names and bodies cost the writer some 150 MB."""

    def __init__(self, kind: str, sites: Mapping[str, SiteReport], names: _Strings, files: _Strings,
                 weights: array[int]) -> None:
        self.kind = kind
        self._sites = sites
        self._names = names
        self.files = files
        self._weights = weights

    def __len__(self) -> int:
        return len(self.files)

    def _item(self, k: int) -> Task:
        body = site_json_body if self.kind == "json" else site_html_body
        return self.files[k], partial(body, self._sites, self._names[k]), self._weights[k]


def _site_tasks(bundle: ReportSet, kinds: list[str], others: Iterable[str]) -> list[_SiteTasks]:
    """The site report files of these kinds ("html", "json"), read from the index in one pass that
    also checks that no two files share a name: sites whose names map to the same file, or a site's
    file and another format's."""
    if not kinds:
        return []
    other_names = set(others)
    seen: set[int] = set()  # names' hashes (an equal hash is checked against the names themselves)
    weights = array("q")
    names = _Strings()
    files = {kind: _Strings() for kind in kinds}
    for summary in bundle.index.sites:
        if summary.site not in bundle.sites:
            raise ValueError(f"the index lists site {summary.site!r}, which has no report")
        for kind, found in files.items():
            name = summary.json_report if kind == "json" else summary.html_report
            if name in other_names:
                raise FormatError(f"report file {name!r} would be written twice (by {kind} and another "
                                  "format); rename the site with --site or drop a format")
            if hash(name) in seen and any(name in f for f in files.values()):
                raise FormatError(f"two sites would share the report file {name!r} (the second is {summary.site!r})")
            seen.add(hash(name))
            found.append(name)
        names.append(summary.site)
        weights.append(summary.totals.pages + 1)
    if len(names) != len(bundle.sites):
        raise ValueError("the index does not list every site report")
    return [_SiteTasks(kind, bundle.sites, names, found, weights) for kind, found in files.items()]


class _Tasks(LazySequence[Task]):
    """Sequences of tasks one after the other."""

    def __init__(self, parts: list[Sequence[Task]]) -> None:
        self._parts = parts

    def __len__(self) -> int:
        return sum(map(len, self._parts))

    def _item(self, k: int) -> Task:
        for part in self._parts:
            if k < len(part):
                return part[k]
            k -= len(part)
        raise IndexError(k)

    def __iter__(self) -> Iterator[Task]:
        for part in self._parts:
            yield from part


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
    a time; with `jobs` above 1 and a run of many pages they are written by `jobs` processes.
    What is kept per file meanwhile is its weight and, once it is in place, its name."""
    output = collect(bundle, [f for f in formats if f != "json"], site_files=False)
    json_names = {"index.json"} if "json" in formats else set()
    site_tasks = _site_tasks(bundle, [kind for kind in ("html", "json") if kind in formats],
                             output.files.keys() | json_names)
    parts: list[Sequence[Task]] = [[(name, body, 1) for name, body in output.files.items()], *site_tasks]
    tasks = _Tasks(parts)
    if not len(tasks) and not json_names:
        return Emitted(files=_Paths(out_dir, []), stdout=output.stdout, step_summary=output.step_summary)
    out_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(8)  # the temporary files' mark: `.NAME.TOKEN.tmp`, one per report file
    written = _Strings()
    try:
        workers = min(jobs, len(tasks))
        if workers > 1 and bundle.index.totals.pages >= PARALLEL_WRITE_MIN_PAGES and can_fork():
            _write_forked(tasks, out_dir, workers, token)
        else:
            _write_files(tasks, range(len(tasks)), out_dir, token)
        # The site JSON reports first, then the JSON index, then the rest in their order.
        for part in parts:
            if _site_json(part):
                _place(out_dir, _names(part), token, written)
        if json_names:
            written.append(write_atomic(out_dir, "index.json", index_json_chunks(bundle.index)).name)
        for part in parts:
            if not _site_json(part):
                _place(out_dir, _names(part), token, written)
    except BaseException:
        _remove_temporary(out_dir, token)
        raise
    return Emitted(files=_Paths(out_dir, written), stdout=output.stdout, step_summary=output.step_summary)


def _site_json(part: Sequence[Task]) -> bool:
    return isinstance(part, _SiteTasks) and part.kind == "json"


def _names(part: Sequence[Task]) -> Iterable[str]:
    return part.files if isinstance(part, _SiteTasks) else (name for name, _, _ in part)


def _place(out_dir: Path, names: Iterable[str], token: str, written: _Strings) -> None:
    """Rename these files' temporary files into place."""
    # Plain strings, not Paths: pathlib interns every name it parses, and the names are kept.
    folder = os.fspath(out_dir)
    for name in names:
        os.replace(os.path.join(folder, temporary_name(name, token)), os.path.join(folder, name))
        written.append(name)


def _remove_temporary(out_dir: Path, token: str) -> None:
    """Remove the temporary files of a writer that failed (those not yet in place)."""
    with contextlib.suppress(OSError):
        for path in out_dir.glob(f".*.{token}.tmp"):
            path.unlink(missing_ok=True)


# Below this many pages in a run, forking writers costs more than it saves.
PARALLEL_WRITE_MIN_PAGES = 300


def _write_forked(tasks: Sequence[Task], out_dir: Path, workers: int, token: str) -> None:
    """Write the files into their temporary files with `workers` processes (this one and forked ones,
    which read the reports' page store through handles of their own), the heaviest files first, each
    to the least loaded process. On any failure, the first one is raised once every process has ended."""
    parts = share(array("q", (weight for _, _, weight in tasks)), workers)
    context = multiprocessing.get_context("fork")
    children: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    for part in parts[1:]:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_write_part, args=(tasks, part, out_dir, token, send), daemon=True)
        child.start()
        send.close()
        children.append((child, receive))
    failure: BaseException | None = None
    try:
        _write_files(tasks, parts[0], out_dir, token)
    except BaseException as exc:  # the children still run: wait for them
        failure = exc
    for writer, receive in children:
        try:
            status, payload = receive.recv()
        except EOFError:
            status, payload = "died", None
        writer.join()
        if status != "ok" and failure is None:
            failure = _failure(status, payload, writer.exitcode)
        receive.close()
    if failure is not None:
        raise failure


def _write_files(tasks: Sequence[Task], part: Iterable[int], out_dir: Path, token: str) -> None:
    for k in part:
        name, body, _ = tasks[k]
        write_temporary_as(out_dir, name, body_chunks(body), token)


def _write_part(tasks: Sequence[Task], part: list[int], out_dir: Path, token: str, send: Connection) -> None:
    """A forked writer: its files, then ("ok", None) or what failed, to the parent."""
    try:
        _write_files(tasks, part, out_dir, token)
        send.send(("ok", None))
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
