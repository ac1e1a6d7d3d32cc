"""Audits on all cores: inputs in batches, one worker process per core, one shard per batch, then a merge.

Why: the page phase is independent per page, so it scales with processes (the GIL rules out
threads). Workers are started with "spawn" (no state inherited from the parent), each builds its
engine once, audits a batch of inputs and writes the batch's shard; the parent merges the shards in
a fixed order, so the reports are the same bytes as an in-process run. A batch is a run of inputs in
discovery order (a web archive is a batch of its own); its shard is named by what it covers, which
is what `--resume` uses to skip batches that were completed before a run was killed.

Failures stay small: a page over the time budget (`page-seconds`) becomes an input error and the
worker goes on; a worker that dies (a crash in a native library, the kernel's OOM killer) loses only
the batch it held (each worker has its own pipe, so the parent knows which): that batch is retried
one input at a time in fresh workers, and an input that kills its worker twice is reported as an
input error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import Any

from auditor.engine import Engine, Options
from auditor.inputs.files import PageSource
from auditor.inputs.stream import read_source
from auditor.limits import Limits, configure, limits
from auditor.models import InputError
from auditor.rulepacks import load_packs
from auditor.shards import SHARD_SUFFIX, ShardError, ShardHeader, read_header, read_shard, unit_identity, write_shard

BATCH_BYTES = 4 * 1024 * 1024  # inputs per batch, by size on disk
BATCH_FILES = 20  # and by number: enough batches to keep every worker busy


@dataclass(frozen=True, slots=True)
class WorkerSetup:
    """What a worker needs to build the same engine as the parent (picklable)."""

    rule_codes: tuple[str, ...]
    severities: tuple[tuple[str, str], ...]
    options: Options
    limits: Limits


@dataclass(frozen=True, slots=True)
class Batch:
    sources: tuple[PageSource, ...]
    units: tuple[str, ...]

    @property
    def name(self) -> str:
        return hashlib.sha256("\n".join(self.units).encode()).hexdigest()[:24] + SHARD_SUFFIX


class PageTimeout(BaseException):
    """Raised in a worker when one page overruns its time budget (a BaseException, so that the
    engine's own error handling does not take it for a bug in a check)."""


def make_batches(sources: list[PageSource]) -> list[Batch]:
    batches: list[Batch] = []
    current: list[PageSource] = []
    size = 0

    def close() -> None:
        nonlocal current, size
        if current:
            batches.append(Batch(tuple(current), tuple(unit_identity(str(s.file)) for s in current)))
        current, size = [], 0

    for source in sources:
        if source.input_format in ("warc", "wacz"):
            close()
            current = [source]
            close()
            continue
        with contextlib.suppress(OSError):
            size += os.path.getsize(source.file)
        current.append(source)
        if size >= BATCH_BYTES or len(current) >= BATCH_FILES:
            close()
    close()
    return batches


# -- the worker side ------------------------------------------------------------------------------

_engine: Engine | None = None


def _engine_for(setup: WorkerSetup) -> Engine:
    from auditor.models import Severity
    from auditor.rulepacks import select_rules

    packs = load_packs()
    severities = {code: Severity(value) for code, value in setup.severities}
    rules = [r for r in select_rules(packs, severity=severities) if r.code in setup.rule_codes]
    return Engine(packs, rules, setup.options)


def _init_worker(setup: WorkerSetup) -> None:
    global _engine
    os.environ["AUDITOR_IN_WORKER"] = "1"
    configure(setup.limits)
    _engine = _engine_for(setup)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise PageTimeout()


def audit_batch_in_worker(batch: Batch, shard: Path, header: ShardHeader) -> int:
    """Audit the batch and write its shard; the number of pages audited."""
    assert _engine is not None
    return audit_batch(_engine, batch, shard, header, limits().page_seconds)


def audit_batch(engine: Engine, batch: Batch, shard: Path, header: ShardHeader, page_seconds: float = 0) -> int:
    """Audit a batch with `engine` and write its shard; a page over `page_seconds` is an input error."""
    timed = page_seconds > 0 and hasattr(signal, "setitimer")
    if timed:
        signal.signal(signal.SIGALRM, _on_alarm)
    crash_on = os.environ.get("AUDITOR_TEST_CRASH_ON")  # tests: a worker that dies on this input
    for source in batch.sources:
        if crash_on and crash_on in source.display_path and os.environ.get("AUDITOR_IN_WORKER"):
            os._exit(70)
        stream = read_source(source)
        while True:
            item = None
            try:
                if timed:
                    signal.setitimer(signal.ITIMER_REAL, page_seconds)
                item = next(stream, None)
                if item is None:
                    break
                engine.audit_item(item)
            except PageTimeout:
                where = item.source if item is not None else source
                engine.report_error(where, f"took longer than {page_seconds:g} s to audit (limit page-seconds)")
                if item is None:
                    break  # reading the input itself overran: the rest of it is lost with this error
            finally:
                if timed:
                    signal.setitimer(signal.ITIMER_REAL, 0)
    items = engine.drain()
    pages = sum(1 for i in items if isinstance(i, tuple) and not isinstance(i[0], str))
    write_shard(shard, header.model_copy(update={"units": list(batch.units)}), items)
    return pages


# -- the parent side ------------------------------------------------------------------------------

def run_batches(
    engine: Engine,
    setup: WorkerSetup,
    sources: list[PageSource],
    shard_dir: Path,
    jobs: int,
    resume: bool = False,
    on_batch: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Audit `sources` in worker processes into shards under `shard_dir`; the shards, in batch order.
    With `resume`, batches whose complete shard is already there (same run, same inputs) are kept."""
    header = engine.shard_header()
    batches = make_batches(sources)
    shard_dir.mkdir(parents=True, exist_ok=True)
    for stale in shard_dir.glob(f".*{SHARD_SUFFIX}.*.tmp"):
        stale.unlink(missing_ok=True)  # half-written shards of a killed run
    todo = [b for b in batches if not (resume and _complete(shard_dir / b.name, header, b))]
    if not resume:
        for b in batches:
            (shard_dir / b.name).unlink(missing_ok=True)
    done_before = len(batches) - len(todo)
    if on_batch:
        on_batch(done_before, 0)
    failed: list[InputError] = []
    _run_pool(setup, todo, shard_dir, header, jobs, failed, on_batch)
    if failed:  # inputs that killed their worker twice: an error shard of their own
        write_shard(shard_dir / ("crashed-" + hashlib.sha256(str(failed).encode()).hexdigest()[:16] + SHARD_SUFFIX),
                    header, failed)
    return sorted(shard_dir.glob(f"*{SHARD_SUFFIX}"))


def _complete(path: Path, header: ShardHeader, batch: Batch) -> bool:
    try:
        found = read_header(path)
    except ShardError:
        return False
    return found.run == header.run and found.units == list(batch.units)


def _run_pool(setup: WorkerSetup, batches: list[Batch], shard_dir: Path, header: ShardHeader, jobs: int,
              failed: list[InputError], on_batch: Callable[[int, int], None] | None) -> None:
    """Hand batches to worker processes, each over its own pipe, so that when a worker dies the parent
    knows the one batch it held: that batch is split into single inputs and retried; a single input
    that kills its worker twice is reported as an input error. The other workers never notice."""
    ctx = get_context("spawn")
    queue: deque[Batch] = deque(batches)
    attempts: dict[str, int] = {}
    workers: dict[int, tuple[BaseProcess, Connection[Any, Any], Batch | None]] = {}

    def start() -> int:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker_loop, args=(setup, child, str(shard_dir), header), daemon=True)
        proc.start()
        child.close()
        workers[proc.sentinel] = (proc, parent, None)
        return proc.sentinel

    def feed(key: int) -> None:
        """Give the worker the next batch, or tell it to exit when there is none."""
        proc, conn, _ = workers[key]
        batch = queue.popleft() if queue else None
        try:
            conn.send(batch)
        except OSError:  # it died in between: the batch goes back, the sentinel reports the worker
            if batch is not None:
                queue.appendleft(batch)
            batch = None
        workers[key] = (proc, conn, batch)

    try:
        while True:
            busy = [key for key, (_, _, batch) in workers.items() if batch is not None]
            while queue and len(busy) < jobs:
                key = start()
                feed(key)
                busy.append(key)
            if not busy:
                break
            pipes = {id(workers[key][1]): key for key in busy}
            ready = wait([*(workers[key][1] for key in busy), *busy])
            keys = sorted({r if isinstance(r, int) else pipes[id(r)] for r in ready})
            for key in keys:
                proc, conn, batch = workers[key]
                pages: int | None = None
                try:
                    if conn.poll():
                        pages = conn.recv()
                except (EOFError, OSError):
                    pages = None
                if pages is not None:  # a batch done
                    if on_batch:
                        on_batch(1, pages)
                    workers[key] = (proc, conn, None)
                    if queue:
                        feed(key)
                    else:
                        with contextlib.suppress(OSError):
                            conn.send(None)
                elif not proc.is_alive() or proc.exitcode is not None:  # died holding its batch
                    del workers[key]
                    proc.join()
                    if batch is not None:
                        _crashed(batch, queue, attempts, failed)
    finally:
        for proc, conn, _ in workers.values():
            with contextlib.suppress(OSError):
                conn.send(None)
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()


def _crashed(batch: Batch, queue: deque[Batch], attempts: dict[str, int], failed: list[InputError]) -> None:
    if len(batch.sources) > 1:
        for source, unit in zip(batch.sources, batch.units, strict=True):
            queue.append(Batch((source,), (unit,)))
        return
    tries = attempts[batch.name] = attempts.get(batch.name, 0) + 1
    if tries < 2:
        queue.append(batch)
    else:
        failed.append(InputError(path=batch.sources[0].display_path,
                                 error="the worker process died while auditing this input (twice); not audited"))


def _worker_loop(setup: WorkerSetup, conn: Connection[Any, Any], shard_dir: str, header: ShardHeader) -> None:
    _init_worker(setup)
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        pages = audit_batch_in_worker(batch, Path(shard_dir) / batch.name, header)
        conn.send(pages)


def merge_into(engine: Engine, shards: list[Path], check_run: bool = True) -> None:
    """Load shards into `engine` (which then finishes the run); refuse shards of another run."""
    digest = engine.run_digest()
    for path in shards:
        header = read_header(path)
        if check_run and header.run != digest:
            raise ShardError(f"{path}: made with other rules or options than this run (run {header.run[:12]}, "
                             f"this run {digest[:12]}); merge shards of the same audit")
        engine.load(read_shard(path))


