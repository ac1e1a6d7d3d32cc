"""A page's URL and its site.

URL, first found wins: `<link rel=canonical>`, `og:url`, `--base-url` joined with the file's path
relative to the input root, then the wget-mirror layout (`host/path/file.html`). A site is the
registrable domain of the URL's host (public-suffix aware, from the list bundled with
`publicsuffixlist`, so no download at run time); `--site` overrides it for every page.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from publicsuffixlist import PublicSuffixList

NO_SITE = "local"  # pages whose URL cannot be known (a bare text file, no --base-url)
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(:\d+)?$")


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def is_http_url(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def mirror_url(relative_path: str) -> str | None:
    """The URL a wget mirror path stands for (`example.com/news/a.html`), if it looks like one."""
    first, _, rest = relative_path.partition("/")
    if not rest or not _HOSTNAME.match(first.lower()):
        return None
    if rest.endswith(".gz"):
        rest = rest[:-3]
    return f"https://{first.lower()}/{rest}"


def resolve_url(
    canonical: str | None, og_url: str | None, relative_path: str, base_url: str | None
) -> str | None:
    fallback = None
    if base_url:
        rel = relative_path[:-3] if relative_path.endswith(".gz") else relative_path
        fallback = urljoin(base_url if base_url.endswith("/") else base_url + "/", rel)
    else:
        fallback = mirror_url(relative_path)
    for declared in (canonical, og_url):
        if declared:
            absolute = urljoin(fallback, declared.strip()) if fallback else declared.strip()
            if is_http_url(absolute):
                return absolute
    return fallback


@lru_cache(maxsize=4096)
def site_of(url: str | None) -> str:
    if not is_http_url(url):
        return NO_SITE
    host = str(urlsplit(str(url)).hostname or "").rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    registrable: str | None = _psl().privatesuffix(host)
    return registrable or host or NO_SITE


_SAFE_NAME = re.compile(r"[^a-z0-9._-]+")


def site_file_stem(site: str) -> str:
    """A file name for a site's reports that can never leave the output folder, never names a device
    (CON, NUL, COM1 ... on Windows), stays under 120 characters, and never collides with another
    site's: a name that had to be changed ("Example News", "../x", a 300-character name, "NUL")
    gets a short hash of the original, so "Example News" and "example news" stay two files on a
    case-insensitive disk."""
    stem = _SAFE_NAME.sub("_", site.lower()).strip("._-") or "site"
    changed = stem != site
    if stem.split(".")[0] in _RESERVED_NAMES:
        stem, changed = f"site-{stem}", True
    if len(stem) > 100:
        stem, changed = stem[:100].rstrip("._-"), True
    if changed:
        stem = f"{stem}-{hashlib.sha256(site.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"
    return stem


_RESERVED_NAMES = frozenset({"index", "con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                             *(f"lpt{i}" for i in range(10))})
