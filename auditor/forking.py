"""What the forking parts of a run share: whether this system may fork a worker from a running
process, and how to share weighted work out between processes (the site phase, `auditor.sitephase`,
and the report writers, `auditor.writer`)."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Sequence


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


__all__ = ["can_fork", "share"]
