"""One big web archive as several units of work: where to cut it, and the files that keep the cut.

Why: a crawl is usually delivered as one huge archive, and one archive read by one worker keeps one
core busy however many there are. Cut into chunks of records, it is audited by every worker at
once, and each chunk has a shard of its own, so a killed run loses at most the chunks it was on.

How the cut is found (`plan_chunks`): one pass over the record headers (`inputs.archive.scan_archive`:
FastWARC, no bodies, no HTTP decoding; about 3 s for 10,000 pages in 580 MB of gzip, a few percent of
the audit; scanned in stretches of 16 MiB or more by up to --jobs processes at once)
lists every record a chunk can start at, with the position its first item has in the
archive's stream, and the archive's image index (URL to record), which the chunks' readers load
instead of each walking the whole archive for it. A chunk starts every K records, K = the larger of
`min_records` and records / `max_chunks` (so about 256 chunks at most whatever the number of workers:
the cut does not depend on --jobs, and a run resumed with another --jobs reuses it), and the last
2 x K records every K / 4, so that the workers finish together. Never split: archives
under `min_bytes` (the pre-scan is not worth it), under two chunks' worth of records, a whole-file
gzip or a WACZ member stored compressed (they cannot be entered in the middle). A damaged archive is
cut after its damage too: from the first damaged place on, the pre-scan reads the bodies as the
audit does (what a record gives can depend on its body there), so that the positions stay exact.

The cut is kept beside the shards (`<unit shard stem>.chunks.json`: the input's size and modification
time, the rule, the chunk starts; and `.images.json.gz`, the image index), so `--resume` needs no
pre-scan and cuts the same way; a plan for another version of the file, or another rule, is redone.

Tests and tuning: AUDITOR_CHUNK_RECORDS=N (minimum records per chunk, default 50) and
AUDITOR_CHUNK_MIN_BYTES=N (smallest archive split, default 32 MiB) make small archives split.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from auditor.inputs.archive import ArchiveChunk, ArchiveScan, ChunkSource, scan_archive, write_image_index
from auditor.inputs.files import PageSource
from auditor.shards import SHARD_SUFFIX, ChunkInfo, UnitInfo

PLAN_FORMAT = "auditor-chunks/1"
PLAN_SUFFIX = ".chunks.json"
IMAGES_SUFFIX = ".images.json.gz"


@dataclass(frozen=True, slots=True)
class ChunkRule:
    """When and how finely an archive is cut (see the module's docstring)."""

    # Chunks of 50 records keep both cores busy to the end of a 1,000-page archive (with 200, the
    # last of 5 chunks ran alone: 1.53x on 2 cores against 1.72x); 256 at most bound the overhead.
    min_records: int = 50
    min_bytes: int = 32 * 1024 * 1024
    max_chunks: int = 256

    @classmethod
    def from_env(cls) -> ChunkRule:
        """The default rule, with AUDITOR_CHUNK_RECORDS and AUDITOR_CHUNK_MIN_BYTES applied."""

        def number(name: str, default: int, least: int) -> int:
            try:
                return max(int(os.environ.get(name) or default), least)
            except ValueError:
                return default

        default = cls()
        return cls(min_records=number("AUDITOR_CHUNK_RECORDS", default.min_records, 1),
                   min_bytes=number("AUDITOR_CHUNK_MIN_BYTES", default.min_bytes, 0))


@dataclass(frozen=True, slots=True)
class Chunk:
    """One chunk of an input: its source (which reads only the chunk), what its shard records, and
    the bytes of the file it covers (for the progress line)."""

    source: ChunkSource
    info: UnitInfo
    shard: str
    begin: int
    end: int


def splittable(source: PageSource, size: int, rule: ChunkRule) -> bool:
    """Whether an input is worth a pre-scan: a web archive of at least `min_bytes`."""
    return source.input_format in ("warc", "wacz") and size >= max(rule.min_bytes, 1)


def choose_starts(scan: ArchiveScan, rule: ChunkRule) -> list[tuple[int, int, int]]:
    """The (part, offset, position) where each chunk starts; one start (or none) means no split."""
    starts = scan.starts
    if scan.items < 2 * rule.min_records or len(starts) < 2:
        return starts[:1]
    every = max(rule.min_records, -(-scan.items // rule.max_chunks))
    # The last 2 x K records in chunks of K / 4: the smallest are handed out last (largest first), so
    # the workers end together rather than one finishing a whole chunk alone while the others wait.
    fine, fine_from = max(every // 4, 1), scan.items - 2 * every
    chosen: list[tuple[int, int, int]] = [starts[0]]
    for start in starts[1:]:
        if start[2] - chosen[-1][2] >= (fine if start[2] >= fine_from else every):
            chosen.append(start)
    if len(chosen) > 1 and scan.items - chosen[-1][2] < fine // 2:
        chosen.pop()  # a last chunk of a few records: joined to the one before
    return chosen


def plan_chunks(source: PageSource, info: UnitInfo, stem: str, folder: Path, rule: ChunkRule,
                reuse: bool, scan: bool = True, processes: int = 1) -> list[Chunk] | None:
    """The chunks of one archive input (None: audit it whole), the plan and image index written to
    `folder` (`stem`: the input's shard name without its suffix). `reuse`: take a plan an earlier
    run left there, when it is for the same file and rule; `scan`: else pre-scan the archive (without
    it: no plan to reuse, no cut); `processes`: how many may pre-scan it at once."""
    plan_path, images_path = folder / f"{stem}{PLAN_SUFFIX}", folder / f"{stem}{IMAGES_SUFFIX}"
    starts = _saved_starts(plan_path, images_path, info, rule) if reuse else None
    if starts is None and not scan:
        return None
    if starts is None:
        found = scan_archive(source, processes)
        starts = choose_starts(found, rule) if found is not None else []
        if len(starts) > 1 and found is not None:
            write_image_index(str(images_path), found.images)
        _save(plan_path, info, rule, starts)
    if len(starts) < 2:
        return None
    return _chunks(source, info, stem, starts, str(images_path))


def _chunks(source: PageSource, info: UnitInfo, stem: str, starts: list[tuple[int, int, int]],
            index: str) -> list[Chunk]:
    plan = hashlib.sha256(json.dumps(starts).encode()).hexdigest()[:16]
    chunks: list[Chunk] = []
    for number, (part, start, first) in enumerate(starts):
        stop_part, stop = starts[number + 1][:2] if number + 1 < len(starts) else (-1, -1)
        span = ArchiveChunk(part=part, start=start, stop_part=stop_part, stop=stop, first=first, index=index)
        chunk_info = ChunkInfo(number=number, count=len(starts), plan=plan, part=part, start=start,
                               stop_part=stop_part, stop=stop, first=first)
        # The bytes it covers, for the progress line: the first from the file's start, the last to its end
        # (offsets in a WACZ count inside its member: only roughly the file's bytes).
        begin = 0 if number == 0 else start
        end = info.size if stop < 0 else max(stop, begin)
        chunks.append(Chunk(
            source=ChunkSource(source.file, source.display_path, source.relative_path, source.input_format,
                               source.url, source.record, span),
            info=info.model_copy(update={"chunk": chunk_info}),
            shard=f"{stem}.chunk-{part}-{start}{SHARD_SUFFIX}", begin=begin, end=end))
    return chunks


def _save(path: Path, info: UnitInfo, rule: ChunkRule, starts: list[tuple[int, int, int]]) -> None:
    body = {"format": PLAN_FORMAT, "unit": info.model_dump(mode="json"), "rule": _rule(rule), "starts": starts}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(body), encoding="utf-8")
    os.replace(tmp, path)


def _saved_starts(path: Path, images: Path, info: UnitInfo, rule: ChunkRule) -> list[tuple[int, int, int]] | None:
    """The chunk starts of an earlier run's plan, if it is for this very file and rule."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("format") != PLAN_FORMAT or body.get("unit") != info.model_dump(mode="json") \
                or body.get("rule") != _rule(rule):
            return None
        starts = [(int(p), int(o), int(f)) for p, o, f in body["starts"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    if len(starts) > 1 and not images.is_file():
        return None
    return starts


def _rule(rule: ChunkRule) -> list[int]:
    return [rule.min_records, rule.min_bytes, rule.max_chunks]


def plan_files(stem: str) -> list[str]:
    """The names of the files a plan leaves beside the shards (removed with them)."""
    return [f"{stem}{PLAN_SUFFIX}", f"{stem}{IMAGES_SUFFIX}"]


__all__ = ["Chunk", "ChunkRule", "choose_starts", "plan_chunks", "plan_files", "splittable"]
