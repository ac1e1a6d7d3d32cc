"""Read-only sequences whose items are made when asked for: what a run keeps of many sites or files
is often an index into something on disk or a packed buffer, not a list of objects (see
`sitereports.SiteSummaries` and the report writer's tasks)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, overload

T = TypeVar("T")


def sequence_equal(mine: Sequence[object], other: object) -> bool:
    """Equal to any sequence of equal items (a list read from JSON, another lazy sequence)."""
    if not isinstance(other, Sequence) or len(other) != len(mine):
        return False
    return all(a == b for a, b in zip(mine, other, strict=True))


class LazySequence(Sequence[T]):
    """A sequence of `len(self)` items, item k made by `_item(k)` each time it is asked for; a slice
    gives a list. Equal to any sequence of equal items."""

    def _item(self, k: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, k: int) -> T: ...

    @overload
    def __getitem__(self, k: slice) -> list[T]: ...

    def __getitem__(self, k: int | slice) -> T | list[T]:
        if isinstance(k, slice):
            return [self._item(i) for i in range(*k.indices(len(self)))]
        n = len(self)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(k)
        return self._item(k)

    def __eq__(self, other: object) -> bool:
        return sequence_equal(self, other)

    __hash__ = None  # type: ignore[assignment]
