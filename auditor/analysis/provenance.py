"""Image provenance on a page: each image's bytes, the marks they carry, and what readers see.

For every image, the bytes are looked up without network access (`media/resolve.py`), the marks
inside them read once (`media/marks.py`: C2PA, IPTC XMP, China's AIGC label) and matched with the
visible label a reader sees and with what the page's own markup says about the image. Files shared
by many pages are read once per run (a small cache keyed by path, size and time).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from auditor.analysis.disclosures import FoundDisclosure, LabelledImage, image_ref
from auditor.analysis.signals import MachineSignal
from auditor.facts.model import Image, PageFacts
from auditor.media.marks import read_marks
from auditor.media.resolve import ImageBytes, ImageResolver, srcset_candidates
from auditor.media.thumbnail import make_thumbnail
from auditor.models import FileMarks, ItemRef, ProvenanceRecord


@dataclass(slots=True)
class ImageProvenance:
    ref: ItemRef
    image: Image
    found: ImageBytes
    file: FileMarks | None
    label: FoundDisclosure | None  # the visible AI label tied to this image
    page_signal: MachineSignal | None  # the page's markup saying this image is AI-made (or not)

    def to_model(self) -> ProvenanceRecord:
        return ProvenanceRecord(
            image=self.ref, src=self.found.candidate or self.image.src, origin=self.found.origin,
            path=self.found.path, tried=self.found.tried[:6], error=self.found.error, file=self.file,
            visible_label=self.label.match.text if self.label else None,
            page_mark=self.page_signal.value if self.page_signal else None,
            location=self.image.location.model(),
            thumbnail=self._thumbnail(),
        )

    def _thumbnail(self) -> str | None:
        # Only for images the report has something to say about: cheap on pages of many photos.
        marked = self.file is not None and bool(self.file.marks)
        claims = self.label is not None or self.page_signal is not None or marked
        return make_thumbnail(self.found.data) if claims and self.found.data else None


@lru_cache(maxsize=2048)
def _marks_of_file(path: str, size: int, mtime: float) -> FileMarks:
    return read_marks(Path(path).read_bytes(), Path(path).name)


def _marks(found: ImageBytes, root: str | None) -> FileMarks | None:
    if found.data is None:
        return None
    if found.origin == "local-file" and found.path is not None and root is not None:
        full = Path(root) / found.path
        try:
            stat = full.stat()
            return _marks_of_file(str(full), stat.st_size, stat.st_mtime)
        except OSError:
            pass
    if found.origin == "archive" and found.path is not None:
        # A logo or a byline photo recurs on every page of a crawl: read each record once.
        cached = _ARCHIVE_MARKS.get(found.path)
        if cached is None:
            cached = read_marks(found.data, found.candidate.rsplit("/", 1)[-1])
            if len(_ARCHIVE_MARKS) >= _ARCHIVE_CACHE:
                _ARCHIVE_MARKS.pop(next(iter(_ARCHIVE_MARKS)))
            _ARCHIVE_MARKS[found.path] = cached
        return cached
    return read_marks(found.data, found.candidate.rsplit("/", 1)[-1])


_ARCHIVE_CACHE = 2048
_ARCHIVE_MARKS: dict[str, FileMarks] = {}  # by record ("crawl.warc.gz#1234"), oldest first


def find_provenance(
    facts: PageFacts, labelled: list[LabelledImage], signals: list[MachineSignal]
) -> list[ImageProvenance]:
    if facts.input_format == "text" or not facts.images:
        return []
    resolver = ImageResolver(Path(facts.source_file) if facts.source_file else None,
                             Path(facts.input_root) if facts.input_root else None, facts.url,
                             archive=facts.archive_index)
    labels = {lab.ref.id: lab.label for lab in labelled if lab.image is not None and lab.label.visible}
    by_image = {s.item.id: s for s in signals if s.item.kind == "image" and s.says_ai is not None}
    out: list[ImageProvenance] = []
    seen: set[str] = set()
    for index, image in enumerate(facts.images):
        candidates = [image.src, *srcset_candidates(image.srcset)]
        for extra in image.sources:
            candidates.extend(srcset_candidates(extra))
        candidates = [c for c in candidates if c]
        if not candidates:
            continue
        ref_id = f"image-{index + 1}"  # `image_ref(index, image).id`: the ItemRef is made for a card only
        found = resolver.resolve(candidates)
        key = found.path or found.candidate
        if key in seen and ref_id not in labels:
            continue  # the same file again (a logo, a repeated thumbnail): one card is enough
        seen.add(key)
        out.append(ImageProvenance(image_ref(index, image), image, found, _marks(found, facts.input_root),
                                   labels.get(ref_id), by_image.get(ref_id)))
    return out
