"""What the forking parts of a run share: whether this system may fork a worker from a running
process, how to share weighted work out between processes (the site phase, `auditor.sitephase`,
and the report writers, `auditor.writer`), and a map over forked processes (the pre-scan of a big
archive, `auditor.inputs.archive.scan_archive`)."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    # Linux only: macOS offers fork, but system libraries a Python process may have loaded are not
    # safe to use in a forked child there (Python's default there is spawn since 3.8).
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def share(weights: Sequence[int], parts: int) -> list[list[int]]:
    """Indexes of `weights` in `parts` groups of about equal weight: the heaviest first, each to the
    lightest group; each group in index order, and no empty group."""
    groups: list[list[int]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for k in sorted(range(len(weights)), key=lambda k: (-weights[k], k)):
        least = loads.index(min(loads))
        groups[least].append(k)
        loads[least] += weights[k]
    return [sorted(g) for g in groups if g]


def die_with_parent() -> None:
    """Linux: the kernel kills this process when the one that started it dies (a worker's parent is
    the fork server, which itself ends with the main process), so a killed run leaves none behind."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _mapper() -> None:
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the main process, which ends the map


def fork_map(fn: Callable[[T], R], items: Sequence[T], processes: int) -> list[R]:
    """`[fn(x) for x in items]`, in up to `processes` forked processes at once where this system
    may fork (else in this one). `fn` must be a module-level function; an exception in it is
    raised here."""
    if processes <= 1 or len(items) <= 1 or not can_fork():
        return [fn(x) for x in items]
    with multiprocessing.get_context("fork").Pool(min(processes, len(items)), initializer=_mapper) as pool:
        return pool.map(fn, items, chunksize=1)


__all__ = ["can_fork", "die_with_parent", "fork_map", "share"]
