"""Audits on all cores: one input (a page file, or a whole web archive) at a time per worker process,
one shard per input, merged by the main process as each shard is complete.

Why: the page phase is independent per page, so it scales with processes (the GIL rules out
threads). Workers are started from a fork server ("forkserver"; "spawn" where there is none): no
state is inherited from the main process but what is sent, and each worker builds its engine once
from the run's settings (`shards.EngineSettings`). The main process hands out inputs (largest first,
so that a big archive does not start last), and reads each finished shard into the engine right
away (`shards.ShardMerger`): it holds the merged results, never a worker's backlog. Shards are
merged by each item's place in the run, not by arrival, so the reports are the same bytes whatever
`--jobs` is, and the same as in-process (`--jobs 1`).

A web archive is one unit of work: its pages resolve their images through an index of the whole
archive, and a record's boundaries are only known by reading the records before it (or a CDX index,
which crawls rarely ship). Splitting archives by byte ranges is left for later; many archives spread
over the workers, one huge archive runs on one core.

Failures stay small:
- a page over its time budget (`--page-timeout`, limit page-seconds, 60 s by default; SIGALRM in the
  worker) becomes an input error naming the page, and the worker goes on with the next page;
- a page that hangs where the signal cannot reach it (inside native code) is stopped by the main
  process at twice the budget plus a second: the worker is killed, as below;
- a worker that dies (a crash in a native library, the kernel's OOM killer) costs the page it was
  auditing: the input is audited again in a new worker with that page replaced by an input error
  ("worker crashed while auditing ..."); after three deaths in one input, or a death while reading
  (between pages), the whole input is that error. The other workers never notice;
- workers die with the main process (Linux: PR_SET_PDEATHSIG; elsewhere at their next message), so a
  killed run leaves no worker writing shards behind it; `--resume` goes on from the complete shards.

Test hooks (environment variables of the main process, passed to the workers; never used
in-process): AUDITOR_TEST_CRASH_ON=TEXT[,TEXT...] makes a worker exit (os._exit(70)) on a page whose
path contains a TEXT; AUDITOR_TEST_HANG_ON=TEXT[,TEXT...] makes it sleep on such a page (TEXT:block
also blocks SIGALRM: a hang the signal cannot end); AUDITOR_TEST_PAGE_DELAY=SECONDS slows every page.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from auditor.engine import AuditedPage, Engine, RunResult, Skipped
from auditor.inputs.files import PageSource, RawPage
from auditor.progress import Progress
from auditor.shards import (
    SHARD_SUFFIX,
    EngineSettings,
    ErrorLine,
    PageLine,
    ShardError,
    ShardHeader,
    ShardMerger,
    ShardWriter,
    UnitInfo,
    engine_from_settings,
    engine_settings,
    settings_difference,
    unit_info,
    unit_lines,
    unit_order,
    unit_shard_name,
    verify_shard,
)

MAX_CRASHES = 3  # worker deaths in one input before the whole input is given up
_CRASH_EXIT = 70


@dataclass(frozen=True, slots=True)
class DebugHooks:
    """Faults for tests, applied in workers only (see the module's docstring)."""

    crash_on: tuple[str, ...] = ()
    hang_on: tuple[tuple[str, bool], ...] = ()  # (text, whether SIGALRM is blocked too)
    page_delay: float = 0.0

    @classmethod
    def from_env(cls) -> DebugHooks:
        def texts(name: str) -> list[str]:
            return [t for t in (os.environ.get(name) or "").split(",") if t]

        try:
            delay = float(os.environ.get("AUDITOR_TEST_PAGE_DELAY") or 0)
        except ValueError:
            delay = 0.0
        hangs = tuple((t.removesuffix(":block"), t.endswith(":block")) for t in texts("AUDITOR_TEST_HANG_ON"))
        return cls(crash_on=tuple(texts("AUDITOR_TEST_CRASH_ON")), hang_on=hangs, page_delay=delay)

    def apply(self, path: str) -> None:
        if self.page_delay > 0:
            time.sleep(self.page_delay)
        if any(text in path for text in self.crash_on):
            os._exit(_CRASH_EXIT)
        for text, block in self.hang_on:
            if text in path:
                if block:
                    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
                time.sleep(3600)


@dataclass(frozen=True, slots=True)
class Unit:
    """One input of the run: a page file or a web archive, with the name of its shard."""

    source: PageSource
    info: UnitInfo
    shard: str


@dataclass(frozen=True, slots=True)
class Task:
    """A unit handed to a worker; `replace`: positions in the input not to audit (pages that made
    a worker die), each with the input error that stands for it."""

    unit: Unit
    replace: dict[int, str] = field(default_factory=dict)
    crashes: int = 0


@dataclass(frozen=True, slots=True)
class WorkerSetup:
    settings: EngineSettings
    page_seconds: float
    shard_dir: str
    debug: DebugHooks


def plan_units(sources: Sequence[PageSource]) -> list[Unit]:
    """The run's units in discovery order; an input named twice is audited once."""
    units: list[Unit] = []
    seen: set[tuple[str, str]] = set()
    for source in sources:
        key = (source.display_path, os.path.abspath(source.file))
        if key in seen:
            continue
        seen.add(key)
        units.append(Unit(source, unit_info(source), unit_shard_name(source)))
    return units


# -- the main process -----------------------------------------------------------------------------


@dataclass
class RunShards:
    """Where a run's shards are, and which are its own (removed after a successful run)."""

    folder: Path
    names: list[str]

    def remove(self) -> None:
        for name in self.names:
            (self.folder / name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.folder.rmdir()  # only when nothing else is in it


def audit_run(
    sources: Sequence[PageSource],
    engine: Engine,
    *,
    jobs: int = 1,
    shard_dir: Path | None = None,
    resume: bool = False,
    page_seconds: float = 0.0,
    progress: Progress | None = None,
    debug: DebugHooks | None = None,
) -> tuple[RunResult, RunShards | None]:
    """Audit every input and run the site phase: the run's reports, and its shards (None when none
    were written). With `jobs` 1 and no `shard_dir`, everything stays in this process; otherwise
    every input's results go through a shard in `shard_dir` (`jobs` > 1: written by worker
    processes). `resume`: inputs whose complete shard is in `shard_dir` (same settings, same file
    size and modification time) are not audited again; half-written shards are discarded. ShardError
    when `shard_dir` holds shards of an audit with other settings and `resume` is asked."""
    units = plan_units(sources)
    progress = progress if progress is not None else Progress(enabled=False)
    progress.start(total_bytes=sum(max(u.info.size, 0) for u in units), total_units=len(units))
    if shard_dir is None:
        if jobs > 1:
            raise ValueError("worker processes need a shard folder")
        for unit in units:
            order, read = unit_order(unit.source.display_path), _Read(progress, unit.info.size)
            for position, item in engine.audit_unit(unit.source, page_seconds):
                engine.add(item, (order, position))
                if not isinstance(item, Skipped):
                    read.item(isinstance(item, AuditedPage), item.page.path if isinstance(item, AuditedPage)
                              else item.path)
            read.done()
        return engine.finish(), None
    shard_dir.mkdir(parents=True, exist_ok=True)
    settings = engine_settings(engine)
    merger = ShardMerger(engine, settings)
    _clear(shard_dir, keep_complete=resume)
    todo: list[Unit] = []
    for unit in units:
        path = shard_dir / unit.shard
        if resume and _complete_shard(path, settings, unit):
            pages, errors = merger.add_shard(path)
            progress.advance(pages=pages, errors=errors, nbytes=max(unit.info.size, 0), units=1)
        else:
            path.unlink(missing_ok=True)  # another version of the input, or a shard that is not whole
            todo.append(unit)
    if jobs <= 1:
        for unit in todo:
            read = _Read(progress, unit.info.size)
            with ShardWriter(shard_dir / unit.shard, ShardHeader(settings=settings, units=[unit.info])) as writer:
                for line in unit_lines(engine, unit.source, 0, page_seconds):
                    writer.add(line)
                    if isinstance(line, PageLine):
                        read.item(True, line.page.path)
                    elif isinstance(line, ErrorLine):
                        read.item(False, line.error.path)
            merger.add_shard(shard_dir / unit.shard)
            read.done()
    elif todo:
        setup = WorkerSetup(settings, page_seconds, str(shard_dir), debug or DebugHooks())
        _Pool(setup, engine, merger, min(jobs, len(todo)), progress).run(todo)
    return engine.finish(), RunShards(shard_dir, [u.shard for u in units])


class _Read:
    """How far into one input the progress has counted (bytes), from the offsets of its records."""

    def __init__(self, progress: Progress, size: int) -> None:
        self.progress = progress
        self.size = max(size, 0)
        self.counted = 0
        self.pages = 0
        self.errors = 0

    def item(self, page: bool, path: str | None, offset: int | None = None) -> None:
        if offset is None and path is not None:
            offset = item_offset(path)
        nbytes = 0
        if offset is not None and self.size:
            nbytes = max(min(offset, self.size) - self.counted, 0)
            self.counted += nbytes
        self.pages, self.errors = self.pages + int(page), self.errors + int(not page)
        self.progress.advance(pages=int(page), errors=int(not page), nbytes=nbytes)

    def done(self, pages: int = 0, errors: int = 0) -> None:
        self.progress.advance(pages=pages, errors=errors, nbytes=self.size - self.counted, units=1)
        self.counted = self.size


def item_offset(path: str) -> int | None:
    """How far into its archive a record is (`crawl.warc.gz#12345`: 12345), for progress."""
    _, sep, rest = path.rpartition("#")
    if not sep:
        return None
    digits = rest.split(".", 1)[0]
    return int(digits) if digits.isdigit() else None


def _clear(folder: Path, keep_complete: bool) -> None:
    """Remove what a killed run left half-written, and (unless resuming) this folder's unit shards."""
    for path in folder.glob(f".unit-*{SHARD_SUFFIX}.*.tmp"):
        path.unlink(missing_ok=True)
    if not keep_complete:
        for path in folder.glob(f"unit-*{SHARD_SUFFIX}"):
            path.unlink(missing_ok=True)


def _complete_shard(path: Path, settings: EngineSettings, unit: Unit) -> bool:
    """Whether the unit's shard is whole and still stands for the input (same size and modification
    time); ShardError when it was made with other settings (resuming would mix two audits)."""
    if not path.is_file():
        return False
    try:
        header = verify_shard(path)
    except ShardError:
        return False
    difference = settings_difference(header.settings, settings)
    if difference is not None:
        raise ShardError(f"{path.parent} holds shards of an audit with other settings ({difference}): "
                         "--resume continues the same audit only; run without --resume to start again")
    return header.units == [unit.info]


def _start_method() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["auditor.parallel"])
        return ctx
    return multiprocessing.get_context("spawn")


@dataclass
class _Worker:
    proc: BaseProcess
    conn: Connection
    task: Task | None = None
    read: _Read | None = None
    page: tuple[int, str] | None = None  # (position, path) of the page being audited
    page_started: float = 0.0
    killed_for: str | None = None  # why the main process stopped it


class _Pool:
    """Workers, each with its own pipe: the main process always knows which input and which page a
    worker holds, so a worker's death costs that page (or input) and nothing else."""

    def __init__(self, setup: WorkerSetup, engine: Engine, merger: ShardMerger, size: int, progress: Progress) -> None:
        self.setup = setup
        self.engine = engine
        self.merger = merger
        self.size = size
        self.progress = progress
        self.ctx = _start_method()
        self.hard_limit = 2 * setup.page_seconds + 1 if setup.page_seconds > 0 else 0.0

    def run(self, units: list[Unit]) -> None:
        queue = [Task(u) for u in sorted(units, key=lambda u: u.info.size)]  # popped from the end: largest first
        workers: list[_Worker] = []
        try:
            while queue or workers:
                while len(workers) < min(self.size, len(queue) + sum(w.task is not None for w in workers)):
                    workers.append(self._start())
                for worker in workers:
                    if worker.task is None and queue:
                        self._give(worker, queue.pop())
                idle = [w for w in workers if w.task is None]
                for worker in idle:  # nothing left for it
                    self._stop(worker)
                    workers.remove(worker)
                if not workers:
                    break
                ready = wait([w.conn for w in workers] + [w.proc.sentinel for w in workers], timeout=0.25)
                for worker in list(workers):
                    if worker.conn in ready or worker.proc.sentinel in ready:
                        self._read(worker)
                    if worker.proc.sentinel in ready or not worker.proc.is_alive():
                        self._read(worker)  # what it sent before it died (a finished input may be among it)
                        if worker.task is not None:
                            retry = self._crashed(worker)
                            if retry is not None:
                                queue.append(retry)
                        workers.remove(worker)
                        worker.proc.join(1)
                        worker.conn.close()
                self._watch(workers)
        finally:
            for worker in workers:
                self._stop(worker)

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=worker_main, args=(self.setup, child), daemon=True)  # type: ignore[attr-defined]
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _stop(self, worker: _Worker) -> None:
        with contextlib.suppress(OSError, ValueError):
            worker.conn.send(None)
        worker.proc.join(2)
        if worker.proc.is_alive():
            worker.proc.kill()
            worker.proc.join(2)
        worker.conn.close()

    def _give(self, worker: _Worker, task: Task) -> None:
        worker.task, worker.read, worker.page, worker.killed_for = task, _Read(self.progress, task.unit.info.size), \
            None, None
        with contextlib.suppress(OSError, ValueError):
            worker.conn.send(task)  # when it died meanwhile, its sentinel says so and the task is retried

    def _read(self, worker: _Worker) -> None:
        while worker.task is not None:
            try:
                if not worker.conn.poll():
                    return
                message = worker.conn.recv()
            except (EOFError, OSError, ValueError):
                return
            self._handle(worker, message)

    def _handle(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        task, read = worker.task, worker.read
        assert task is not None and read is not None
        kind = message[0]
        if kind == "start":
            worker.page, worker.page_started = (message[1], message[2]), time.monotonic()
        elif kind == "item":
            worker.page = None
            read.item(message[1], None, message[2])
        elif kind == "done":
            self.merger.add_shard(Path(self.setup.shard_dir) / task.unit.shard)
            read.done()
            worker.task, worker.page = None, None
        elif kind == "failed":
            self._give_up(task, f"worker failed while auditing {task.unit.info.path} ({message[1]}); not audited")
            self.progress.advance(pages=-read.pages, errors=-read.errors)
            read.done(errors=1)
            worker.task, worker.page = None, None

    def _watch(self, workers: list[_Worker]) -> None:
        """Kill a worker whose page outlived its budget by far (a hang SIGALRM cannot end)."""
        if not self.hard_limit:
            return
        now = time.monotonic()
        for worker in workers:
            if worker.page is not None and worker.killed_for is None and now - worker.page_started > self.hard_limit:
                worker.killed_for = (f"not audited: still running {self.hard_limit:g} s after it started, past its "
                                     f"time budget of {self.setup.page_seconds:g} s (--page-timeout), so its worker "
                                     "was stopped")
                worker.proc.kill()

    def _crashed(self, worker: _Worker) -> Task | None:
        """A worker died holding a task: the task again with the page it died on replaced by an input
        error, or None when the whole input is given up (it died between pages, or too often)."""
        task, read = worker.task, worker.read
        assert task is not None and read is not None
        worker.task = None
        how = _how_it_died(worker.proc)
        self.progress.crash()
        if worker.page is not None and task.crashes + 1 < MAX_CRASHES:
            position, path = worker.page
            cause = worker.killed_for or f"worker crashed while auditing {path} ({how}); not audited"
            self.progress.advance(pages=-read.pages, errors=-read.errors, nbytes=-read.counted)
            return Task(task.unit, {**task.replace, position: cause}, task.crashes + 1)
        where = f" (at {worker.page[1]})" if worker.page is not None else ""
        self._give_up(task, worker.killed_for or
                      f"worker crashed while auditing {task.unit.info.path}{where} ({how}); not audited")
        self.progress.advance(pages=-read.pages, errors=-read.errors)
        read.done(errors=1)
        return None

    def _give_up(self, task: Task, cause: str) -> None:
        """The whole input is an input error: a shard of that one error, merged like any other."""
        error = self.engine.input_error(task.unit.source, cause)
        path = Path(self.setup.shard_dir) / task.unit.shard
        header = ShardHeader(settings=self.setup.settings, units=[task.unit.info])
        with ShardWriter(path, header) as writer:
            writer.add(ErrorLine(unit=0, seq=0, error=error))
        self.merger.add_shard(path)


def _how_it_died(proc: BaseProcess) -> str:
    code = proc.exitcode
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name}" + (", out of memory?" if name == "SIGKILL" else "")
    return f"exit code {code}"


# -- the worker -----------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the process that started it dies (the fork server,
    which itself ends with the main process), so a killed run leaves no worker behind."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def worker_main(setup: WorkerSetup, conn: Connection) -> None:
    """A worker's life: build the engine once, then audit the inputs it is sent into their shards,
    reporting each page as it goes, until it is told to stop or the main process is gone."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the main process, which stops the workers
    engine = engine_from_settings(setup.settings)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if task is None:
            return
        try:
            _audit_task(engine, setup, task, conn)
        except (BrokenPipeError, EOFError, ConnectionError):
            os._exit(0)  # the main process is gone: nobody will merge this
        except Exception as exc:  # a fault outside any page (writing the shard ...): the input is lost
            with contextlib.suppress(OSError, ValueError):
                conn.send(("failed", f"{type(exc).__name__}: {exc}"))
            os._exit(1)


def _audit_task(engine: Engine, setup: WorkerSetup, task: Task, conn: Connection) -> None:
    unit = task.unit
    hooks = setup.debug

    def before_page(position: int, raw: RawPage) -> None:
        conn.send(("start", position, raw.source.display_path))
        hooks.apply(raw.source.display_path)

    header = ShardHeader(settings=setup.settings, units=[unit.info])
    with ShardWriter(Path(setup.shard_dir) / unit.shard, header) as writer:
        for line in unit_lines(engine, unit.source, 0, setup.page_seconds, task.replace, before_page):
            writer.add(line)
            if isinstance(line, PageLine):
                conn.send(("item", True, item_offset(line.page.path)))
            elif isinstance(line, ErrorLine):
                conn.send(("item", False, item_offset(line.error.path)))
    conn.send(("done",))


__all__ = ["DebugHooks", "RunShards", "Unit", "audit_run", "item_offset", "plan_units", "worker_main"]
