"""From input sources to a stream of pages: a page file gives one page (or an error), a web archive
gives many, with an error for each damaged place and a count of the records that hold no page.

The stream is lazy: one page is in memory at a time, whatever the size of the input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from auditor.inputs.archive import SkippedRecord, read_archive
from auditor.inputs.files import PageReadError, PageSource, RawPage, read_page

InputItem = RawPage | PageReadError | SkippedRecord


def read_source(source: PageSource) -> Iterator[InputItem]:
    """What one source holds. Never raises for bad input: errors are items of the stream."""
    if source.input_format in ("warc", "wacz"):
        yield from read_archive(source)
        return
    try:
        yield read_page(source)
    except PageReadError as exc:
        yield exc


def read_sources(sources: Iterable[PageSource]) -> Iterator[InputItem]:
    for source in sources:
        yield from read_source(source)


__all__ = ["InputItem", "PageReadError", "RawPage", "SkippedRecord", "read_source", "read_sources"]
