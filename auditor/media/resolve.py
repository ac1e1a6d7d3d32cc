"""Finding an image's bytes for a page, without any network access.

Where the bytes can come from:
- a `data:` URI in the page itself (decoded here, with a size limit);
- a local file saved with the page: relative to the page's own folder, or, for a wget mirror
  (`host/path/file.html`), at `host/path` of the image URL under the input root; an image on
  another host is looked for under that host's folder of the same mirror;
- for a page read from a web archive (WARC, WACZ), an image response record of the same archive,
  found by the image's absolute URL (`ImageStore`: `inputs/archive.py` keeps an index of the
  archive's image records and reads one record when asked, so no image is held in memory).
`srcset` and `<picture>` candidates are tried too, largest first. A path never leaves the input
root, whatever `../` the page writes. When nothing is found the image is `missing`, with the places
looked at, and the rules that need its bytes end `incomplete`: never a guess.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, unquote_to_bytes, urljoin, urlsplit

from auditor.limits import describe, limits

MAX_IMAGE_BYTES = 50 * 1024 * 1024  # the default of limits().image_bytes, which is what counts
_DATA_URI = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<params>(?:;[^,;]*)*?)(?P<b64>;base64)?,", re.I)


@dataclass(slots=True)
class ImageBytes:
    origin: str  # "data-uri" | "local-file" | "archive" | "missing" | "error"
    candidate: str  # the src or srcset URL the bytes belong to
    data: bytes | None = None
    # local-file: the file, shown relative to the input root; archive: the record, shown as the
    # archive's path and the record's byte offset ("crawl.warc.gz#1234")
    path: str | None = None
    tried: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StoredImage:
    """An image found in an archive: where (shown as `archive#offset`), its bytes, or why not."""

    where: str
    data: bytes | None
    error: str | None = None


class ImageStore(Protocol):
    """Images of the archive a page was read from, looked up by absolute URL."""

    @property
    def name(self) -> str:
        """The archive as shown in reports."""
        ...

    def find_image(self, url: str) -> StoredImage | None:
        """The image response recorded for this URL; None when the archive holds none."""
        ...


def srcset_candidates(srcset: str | None) -> list[str]:
    """URLs of a srcset, largest first (by width or density descriptor)."""
    if not srcset:
        return []
    scored = []
    for position, part in enumerate(p.strip() for p in srcset.split(",")):
        if not part:
            continue
        url, _, descriptor = part.partition(" ")
        descriptor = descriptor.strip().lower()
        try:
            size = float(descriptor[:-1]) if descriptor[-1:] in ("w", "x") else 1.0
        except ValueError:
            size = 1.0
        scored.append((-size, position, url.strip()))
    return [url for _, _, url in sorted(scored)]


def decode_data_uri(uri: str) -> bytes | None:
    match = _DATA_URI.match(uri)
    if not match:
        return None
    payload = uri[match.end():]
    if len(payload) > limits().image_bytes * 4 // 3 + 16:
        raise ValueError("data: URI larger than the image size limit")
    try:
        if match.group("b64"):
            return base64.b64decode(re.sub(r"\s+", "", unquote(payload)), validate=False)
        return unquote_to_bytes(payload)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"undecodable data: URI ({exc})") from None


class ImageResolver:
    """Resolves image URLs of one page to bytes on disk (or in the page). Paths are handled as
    strings (os.path): a page may have hundreds of images and pathlib costs add up."""

    def __init__(self, page_file: Path | None, input_root: Path | None, page_url: str | None,
                 archive: ImageStore | None = None) -> None:
        self.page_dir = os.path.dirname(os.path.abspath(page_file)) if page_file is not None else None
        self.root = str(input_root.resolve()) if input_root is not None else None
        self.page_url = page_url
        self.archive = archive  # a page from a web archive: its images (PageFacts.archive_index)
        self._dirs: dict[str, bool] = {}  # folder -> it exists (one page's look-ups)

    def _from_archive(self, src: str, tried: list[str]) -> ImageBytes | None:
        """The image's record in the page's archive, by the absolute URL the src stands for."""
        if self.archive is None:
            return None
        absolute = urljoin(self.page_url, src) if self.page_url else src
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        found = self.archive.find_image(absolute)
        if found is None:
            tried.append(f"{absolute} in {self.archive.name}")
            return None
        if found.data is None:
            return ImageBytes("error", src, path=found.where, tried=tried, error=found.error)
        return ImageBytes("archive", src, data=found.data, path=found.where, tried=tried)

    def _inside_root(self, path: str) -> str | None:
        """The normalised path when it stays inside the input root (a string test, no system call)."""
        if self.root is None:
            return None
        normal = os.path.normpath(os.path.join(self.root, path))
        return normal if normal == self.root or normal.startswith(self.root + os.sep) else None

    def _local_candidates(self, src: str) -> list[str]:
        if self.root is None or self.page_dir is None:
            return []
        scheme, path, host, rel, query = _url_parts(self.page_url, src)
        paths: list[str] = []
        if host and rel:
            paths.append(os.path.join(self.root, host, rel))
            if query:  # wget keeps the query in the file name
                paths.append(os.path.join(self.root, host, f"{rel}?{query}"))
        if not scheme and not src.startswith("//") and path:
            if path.startswith("/"):
                paths.append(os.path.join(self.root, path.lstrip("/")))
            else:
                paths.append(os.path.join(self.page_dir, path))
        return paths

    def resolve(self, candidates: list[str]) -> ImageBytes:
        tried: list[str] = []
        first = next((c for c in candidates if c), "")
        for src in candidates:
            src = src.strip()
            if not src:
                continue
            if src.lower().startswith("data:"):
                try:
                    data = decode_data_uri(src)
                except ValueError as exc:
                    return ImageBytes("error", src[:80], error=str(exc))
                if data:
                    return ImageBytes("data-uri", src[:80], data=data)
                continue
            stored = self._from_archive(src, tried)
            if stored is not None:
                return stored
            for path in self._local_candidates(src):
                inside, shown = self._inside_and_shown(path)
                if inside is None:
                    tried.append(f"{shown} (outside the input folder: not read)")
                    continue
                tried.append(shown)
                # A symlink inside the mirror may still point outside it: check the real path of
                # files that exist (most candidates do not, and cost one stat only).
                if self._folder_exists(os.path.dirname(inside)) and os.path.isfile(inside) \
                        and self._inside_root(os.path.realpath(inside)) is not None:
                    try:
                        size = os.path.getsize(inside)
                        if size > limits().image_bytes:
                            return ImageBytes("error", src, path=shown, tried=tried,
                                              error=f"image file larger than {describe(limits().image_bytes)} "
                                              "(limit image-bytes)")
                        with open(inside, "rb") as fh:
                            return ImageBytes("local-file", src, data=fh.read(), path=shown, tried=tried)
                    except OSError as exc:
                        return ImageBytes("error", src, path=shown, tried=tried, error=f"cannot read ({exc})")
        return ImageBytes("missing", first[:300], tried=tried)

    def _folder_exists(self, folder: str) -> bool:
        """Whether a folder exists, asked once per page: a file in a missing folder is missing too,
        so a page's images under a host the mirror does not hold cost one system call, not one each
        (most candidates of most pages do not exist). A folder in a missing folder is missing."""
        known = self._dirs.get(folder)
        if known is None:
            parent = os.path.dirname(folder)
            # Up to the input root (the folders it is in are not asked about).
            below_root = self.root is not None and parent.startswith(self.root) and parent != folder
            known = (not below_root or self._folder_exists(parent)) and os.path.isdir(folder)
            self._dirs[folder] = known
        return known

    def _inside_and_shown(self, path: str) -> tuple[str | None, str]:
        """The normalised path when it stays inside the input root (else None), and the path as shown
        in reports: relative to the root when inside it. One normalisation serves both."""
        if self.root is None:
            return None, path.replace(os.sep, "/")
        normal = os.path.normpath(os.path.join(self.root, path))
        below = normal.startswith(self.root + os.sep)
        inside = normal if below or normal == self.root else None
        shown = normal[len(self.root) + 1:].replace(os.sep, "/") if below else path.replace(os.sep, "/")
        return inside, shown



def _url_parts(page_url: str | None, src: str) -> tuple[str, str, str | None, str, str]:
    """(scheme, unquoted path) of `src`, and for a src that stands for a web address the
    (host, unquoted path without the leading slash, query) of that address, as a wget mirror files
    it; else (None, "", "")."""
    if _split(src).netloc:
        return _absolute_parts(src, bool(page_url))
    return _relative_parts(page_url, src)


# Cached: a page names the same image in src, srcset and <picture>, and a site's pages share their
# logos; urllib's own cache of urlsplit holds only 128 addresses.
_split = lru_cache(maxsize=4096)(urlsplit)


@lru_cache(maxsize=4096)
def _absolute_parts(src: str, with_page: bool) -> tuple[str, str, str | None, str, str]:
    """`_url_parts` of a src that names its host ("https://...", "//cdn..."), most of a page's images:
    joined with the page's address it keeps its host, path and query (urljoin gives it back as it
    is, or put back together from the same parts), so the page's address is no part of the key."""
    parts = _split(src)
    host: str | None = None
    rel = query = ""
    if (parts.scheme in ("http", "https") or src.startswith("//") or (with_page and not parts.scheme)) \
            and parts.hostname:
        host, rel, query = parts.hostname, unquote(parts.path).lstrip("/"), parts.query
    return parts.scheme, unquote(parts.path), host, rel, query


@lru_cache(maxsize=4096)
def _relative_parts(page_url: str | None, src: str) -> tuple[str, str, str | None, str, str]:
    """`_url_parts` of a src without a host: where it points depends on the page's address."""
    parts = _split(src)
    host: str | None = None
    rel = query = ""
    if parts.scheme in ("http", "https") or src.startswith("//") or (page_url and not parts.scheme):
        absolute = urljoin(page_url or "", src) if page_url else src
        target = urlsplit(absolute)
        if target.hostname:
            host, rel, query = target.hostname, unquote(target.path).lstrip("/"), target.query
    return parts.scheme, unquote(parts.path), host, rel, query
