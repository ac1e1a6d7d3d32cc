"""Audits on all cores: one unit of work (a page file, a web archive, or a chunk of a big one) at a
time per worker process, one shard per unit, added by the main process as each unit is complete.

Why: the page phase is independent per page, so it scales with processes (the GIL rules out
threads). On Linux, while the main process runs a single thread, workers are forked from it: they
start with the modules, rule packs and lexicon already loaded (about a second sooner than from a
fork server, which must import them first) and share that memory with it. Elsewhere, or with a
thread running (the progress line's), they are started from a fork server ("forkserver"; "spawn"
where there is none). Either way each worker builds its engine once from the run's settings
(`shards.EngineSettings`), not from anything the main process holds. The main process hands out
inputs (largest first, so that a big archive does not start last). A worker writes each input's
shard (for --resume and `report merge`) and sends each page as it goes, ready to keep
(`Engine.prepare`); the main process writes the page's records as they arrive and adds the input's
items when the input is done (`Engine.add_kept`), without reading the shard back. Items are added
by their place in the run, not by arrival, so the reports are the same bytes whatever `--jobs` is,
and the same as in-process (`--jobs 1`).

A big web archive is cut into chunks of records, each a unit of work with its own shard
(`auditor.chunks`: a pre-scan of the record headers finds where records start, since a record's
boundaries are only known by reading the records before it; the workers are started before it, so
they build their engines meanwhile). Its chunks are handed out like any input, largest first; a
cut archive counts as one input done on the progress line when its last chunk is.

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
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from auditor.chunks import IMAGES_SUFFIX, PLAN_SUFFIX, ChunkRule, plan_chunks, plan_files, splittable
from auditor.engine import AuditedPage, Engine, KeptPage, RunResult, Skipped
from auditor.forking import die_with_parent
from auditor.gctuning import tune_for_pages, tuned_for_pages
from auditor.inputs.files import PageSource, RawPage
from auditor.models import InputError
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
Kept = KeptPage | InputError | Skipped  # an item of an input a worker is auditing, kept by the main process
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
    """One unit of work of the run: a page file, a web archive, or a chunk of an archive
    (`auditor.chunks`), with the name of its shard; `begin`, `end`: the bytes of the file it covers
    (end -1: to the end of the file), for the progress line."""

    source: PageSource
    info: UnitInfo
    shard: str
    begin: int = 0
    end: int = -1

    @property
    def size(self) -> int:
        """The bytes of input it covers (0 when the file could not be read)."""
        return max((self.info.size if self.end < 0 else self.end) - self.begin, 0)


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


def split_units(units: list[Unit], folder: Path, reuse: bool, rule: ChunkRule | None = None, scan: bool = True,
                whole: Callable[[Unit], bool] | None = None, processes: int = 1) -> list[Unit]:
    """Big web archives replaced by their chunks (see `auditor.chunks`), the others as they are.
    `reuse` (--resume): a cut an earlier run left in `folder` is taken again, and shards of an
    input's earlier cut that this cut does not have are removed; `scan`: cut archives that have no
    such plan (pre-scanning them, in up to `processes` processes); `whole`: inputs to keep whole (a
    complete shard of all of it)."""
    rule = rule or ChunkRule.from_env()
    out: list[Unit] = []
    for unit in units:
        stem = unit.shard.removesuffix(SHARD_SUFFIX)
        chunks = None
        if splittable(unit.source, unit.info.size, rule) and not (whole is not None and whole(unit)):
            chunks = plan_chunks(unit.source, unit.info, stem, folder, rule, reuse, scan, processes)
        mine = [Unit(c.source, c.info, c.shard, c.begin, c.end) for c in chunks] if chunks else [unit]
        if reuse:
            names = {u.shard for u in mine}
            for stale in folder.glob(f"{stem}*{SHARD_SUFFIX}"):
                if stale.name not in names:
                    stale.unlink(missing_ok=True)
        out.extend(mine)
    return out


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
    with tuned_for_pages():
        return _audit_run(sources, engine, jobs, shard_dir, resume, page_seconds, progress, debug)


def _audit_run(sources: Sequence[PageSource], engine: Engine, jobs: int, shard_dir: Path | None, resume: bool,
               page_seconds: float, progress: Progress | None, debug: DebugHooks | None,
               ) -> tuple[RunResult, RunShards | None]:
    units = plan_units(sources)
    progress = progress if progress is not None else Progress(enabled=False)
    progress.start(total_bytes=sum(u.size for u in units), total_units=len(units))
    if shard_dir is None:
        if jobs > 1:
            raise ValueError("worker processes need a shard folder")
        for unit in units:
            order, read = unit_order(unit.source.display_path), _Read(progress, unit)
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
    setup = WorkerSetup(settings, page_seconds, str(shard_dir), debug or DebugHooks())
    pool = _Pool(setup, engine, merger, jobs, progress)
    try:
        units = _cut(units, pool, shard_dir, settings, jobs, resume)
        _audit_units(units, engine, merger, pool, shard_dir, settings, jobs, resume, page_seconds, progress)
    finally:
        pool.stop_idle()  # workers started ahead that had nothing to do
    names = [u.shard for u in units]
    stems = dict.fromkeys(u.shard.removesuffix(SHARD_SUFFIX).split(".chunk-", 1)[0] for u in units)
    names += [name for stem in stems for name in plan_files(stem)]  # a cut's plan, and a plan not to cut
    return engine.finish(jobs), RunShards(shard_dir, names)


def _audit_units(units: list[Unit], engine: Engine, merger: ShardMerger, pool: _Pool, shard_dir: Path,
                 settings: EngineSettings, jobs: int, resume: bool, page_seconds: float, progress: Progress) -> None:
    """The page phase through shards: complete shards taken again (`resume`), the other units audited
    here (`jobs` 1) or by the pool, each shard merged as it is complete."""
    tally = _Tally(units)  # the progress line counts inputs: a cut one when all its chunks are done
    todo: list[Unit] = []
    for unit in units:
        path = shard_dir / unit.shard
        if resume and _complete_shard(path, settings, unit):
            pages, errors = merger.add_shard(path)
            progress.advance(pages=pages, errors=errors, nbytes=unit.size, units=tally.done(unit))
        else:
            path.unlink(missing_ok=True)  # another version of the input, or a shard that is not whole
            todo.append(unit)
    pool.tally = tally
    if jobs <= 1:
        for unit in todo:
            read = _Read(progress, unit, tally)
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
        pool.size = min(jobs, len(todo))
        pool.run(todo)


def _cut(units: list[Unit], pool: _Pool, folder: Path, settings: EngineSettings, jobs: int,
         resume: bool) -> list[Unit]:
    """The run's units with big archives cut into chunks (`split_units`). --jobs 1 --resume reuses
    the cut an earlier run left (and its chunks' shards) but cuts nothing anew: one process gains
    nothing from it. An input whose whole shard is complete (--resume) stays whole."""
    if jobs <= 1 and not resume:
        return units
    rule = ChunkRule.from_env()
    if jobs > 1 and any(splittable(u.source, u.info.size, rule) for u in units):
        pool.prestart()  # the workers build their engines while the archives are pre-scanned
    return split_units(units, folder, reuse=resume, rule=rule, scan=jobs > 1,
                       whole=lambda u: resume and _complete_shard(folder / u.shard, settings, u), processes=jobs)


class _Tally:
    """How many units of each input are still to do: an input counts as done on the progress line
    when its last chunk is."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.left: dict[str, int] = {}
        for unit in units:
            self.left[unit.info.path] = self.left.get(unit.info.path, 0) + 1

    def done(self, unit: Unit) -> int:
        self.left[unit.info.path] = self.left.get(unit.info.path, 1) - 1
        return int(self.left[unit.info.path] == 0)


class _Read:
    """How far into its input a unit's progress has counted (bytes), from the offsets of its records."""

    def __init__(self, progress: Progress, unit: Unit, tally: _Tally | None = None) -> None:
        self.progress = progress
        self.unit = unit
        self.tally = tally
        self.begin = unit.begin
        self.end = unit.begin + unit.size
        self.counted = self.begin  # the offset counted up to
        self.pages = 0
        self.errors = 0

    @property
    def nbytes(self) -> int:
        """The bytes counted so far."""
        return self.counted - self.begin

    def item(self, page: bool, path: str | None, offset: int | None = None) -> None:
        if offset is None and path is not None:
            offset = item_offset(path)
        nbytes = 0
        if offset is not None and self.end > self.begin:
            nbytes = max(min(offset, self.end) - self.counted, 0)
            self.counted += nbytes
        self.pages, self.errors = self.pages + int(page), self.errors + int(not page)
        self.progress.advance(pages=int(page), errors=int(not page), nbytes=nbytes)

    def done(self, pages: int = 0, errors: int = 0) -> None:
        units = self.tally.done(self.unit) if self.tally is not None else 1
        self.progress.advance(pages=pages, errors=errors, nbytes=self.end - self.counted, units=units)
        self.counted = self.end


def item_offset(path: str) -> int | None:
    """How far into its archive a record is (`crawl.warc.gz#12345`: 12345), for progress."""
    _, sep, rest = path.rpartition("#")
    if not sep:
        return None
    digits = rest.split(".", 1)[0]
    return int(digits) if digits.isdigit() else None


def _clear(folder: Path, keep_complete: bool) -> None:
    """Remove what a killed run left half-written, and (unless resuming) this folder's unit shards
    and chunk plans."""
    for pattern in (f".unit-*{SHARD_SUFFIX}.*.tmp", ".unit-*.tmp", "unit-*.tmp"):
        for path in folder.glob(pattern):
            path.unlink(missing_ok=True)
    if not keep_complete:
        for pattern in (f"unit-*{SHARD_SUFFIX}", f"unit-*{PLAN_SUFFIX}", f"unit-*{IMAGES_SUFFIX}"):
            for path in folder.glob(pattern):
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
    methods = multiprocessing.get_all_start_methods()
    # A fork copies one thread: a lock another thread holds at that moment stays held in the child.
    # macOS offers fork, but its system libraries are not fork-safe.
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
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
    kept: list[tuple[int, Kept]] = field(default_factory=list)  # its input's items so far, at their positions


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
        self.tally: _Tally | None = None
        self.started: list[_Worker] = []  # started ahead of `run`
        self.finished: list[tuple[Unit, _Read, list[tuple[int, Kept]]]] = []  # done, not added

    def _merge_finished(self) -> None:
        """Add what finished inputs held, at their places; their shards are not read (what they hold
        came with the messages, its records written already): they are there for --resume."""
        while self.finished:
            unit, read, kept = self.finished.pop(0)
            self.merger.check(Path(self.setup.shard_dir) / unit.shard,
                              ShardHeader(settings=self.setup.settings, units=[unit.info]))
            order = unit_order(unit.info.path)
            self.engine.add_kept([(item, (order, seq)) for seq, item in kept if isinstance(item, KeptPage)])
            for seq, item in kept:
                if not isinstance(item, KeptPage):
                    self.engine.add(item, (order, seq))
            read.done()

    def prestart(self) -> None:
        """Start the workers now (each builds its engine, about a second) rather than when `run` needs
        them: the main process pre-scans the archives meanwhile."""
        while len(self.started) < self.size:
            self.started.append(self._start())

    def stop_idle(self) -> None:
        """Stop the workers started ahead that `run` did not take (nothing was left to audit)."""
        for worker in self.started:
            self._stop(worker)
        self.started.clear()

    def run(self, units: list[Unit]) -> None:
        queue = [Task(u) for u in sorted(units, key=lambda u: u.size)]  # popped from the end: largest first
        workers: list[_Worker] = self.started[: self.size]
        for worker in self.started[self.size:]:
            self._stop(worker)
        self.started = []
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
                # A worker that finished an input gets its next one before that input's shard is
                # merged: it audits while this process merges, rather than wait for it.
                for worker in workers:
                    if worker.task is None and queue:
                        self._give(worker, queue.pop())
                self._merge_finished()
                self._watch(workers)
            self._merge_finished()
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
        worker.task, worker.read, worker.page, worker.killed_for = task, _Read(self.progress, task.unit, self.tally), \
            None, None
        worker.kept = []
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
        elif kind == "page":  # ("page", position, offset, PreparedPage)
            worker.page = None
            worker.kept.append((message[1], self.engine.keep(message[3])))
            read.item(True, None, message[2])
        elif kind == "error":  # ("error", position, offset, InputError)
            worker.page = None
            worker.kept.append((message[1], message[3]))
            read.item(False, None, message[2])
        elif kind == "skipped":  # ("skipped", Skipped)
            worker.kept.append((0, message[1]))
        elif kind == "done":
            self.finished.append((task.unit, read, worker.kept))
            worker.task, worker.page, worker.kept = None, None, []
        elif kind == "failed":
            worker.kept = []
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
            self.progress.advance(pages=-read.pages, errors=-read.errors, nbytes=-read.nbytes)
            return Task(task.unit, {**task.replace, position: cause}, task.crashes + 1)
        where = f" (at {worker.page[1]})" if worker.page is not None else ""
        self._give_up(task, worker.killed_for or
                      f"worker crashed while auditing {task.unit.info.path}{where} ({how}); not audited")
        self.progress.advance(pages=-read.pages, errors=-read.errors)
        read.done(errors=1)
        return None

    def _give_up(self, task: Task, cause: str) -> None:
        """The whole input is an input error: a shard of that one error, merged like any other."""
        chunk = task.unit.info.chunk
        if chunk is not None:  # a chunk: the error stands for its records, at its first item's place
            cause = f"{cause} (chunk {chunk.number + 1} of {chunk.count}: its records from byte {chunk.start})"
        error = self.engine.input_error(task.unit.source, cause)
        path = Path(self.setup.shard_dir) / task.unit.shard
        header = ShardHeader(settings=self.setup.settings, units=[task.unit.info])
        with ShardWriter(path, header) as writer:
            writer.add(ErrorLine(unit=0, seq=chunk.first if chunk is not None else 0, error=error))
        self.merger.add_shard(path)


def _how_it_died(proc: BaseProcess) -> str:
    # Its pipe closed as it died; a forked child's status is known once it is reaped.
    proc.join(timeout=5)
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


def _no_heap_creep() -> None:
    """Linux (glibc): blocks of 1 MiB and more always get memory of their own, given back when freed.
    By default that threshold rises to the largest block freed so far (up to 32 MiB), so after one
    big page the big buffers of later pages land in the heap, which fragments and keeps a worker's
    memory near its high-water mark for the rest of the run (measured on 10,000 pages with two
    workers: peak PSS of the run 213 MB by default, 201 MB with this; no slower per page)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, 1024 * 1024)  # M_MMAP_THRESHOLD


def worker_main(setup: WorkerSetup, conn: Connection) -> None:
    """A worker's life: build the engine once, then audit the inputs it is sent into their shards,
    reporting each page as it goes, until it is told to stop or the main process is gone."""
    die_with_parent()
    _no_heap_creep()
    tune_for_pages()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the main process, which stops the workers
    engine = engine_from_settings(setup.settings)
    engine.lexicon.compile_all()  # before any page: its time budget should not pay for it
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
            # What the shard holds goes to the main process too, ready to keep (`Engine.prepare`).
            if isinstance(line, PageLine):
                conn.send(("page", line.seq, item_offset(line.page.path), engine.prepare(line.page, line.summary)))
            elif isinstance(line, ErrorLine):
                conn.send(("error", line.seq, item_offset(line.error.path), line.error))
            else:
                conn.send(("skipped", Skipped(line.site, line.reason, line.count)))
    conn.send(("done",))


__all__ = ["DebugHooks", "RunShards", "Unit", "audit_run", "item_offset", "plan_units", "split_units", "worker_main"]
