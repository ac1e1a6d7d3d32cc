"""HTTP response headers saved in front of a page (`wget --save-headers`, `curl -i`).

Such a file starts with the status line ("HTTP/1.1 200 OK"), then the header lines, then a blank
line, then the body. The headers carry signals the body cannot (`Link: <...>; rel="c2pa-manifest"`,
`AI-Disclosure`, `Content-Type; charset=`), so they are kept with the page; the body alone is
parsed as the page.
"""

from __future__ import annotations

import re

_STATUS = re.compile(rb"^HTTP/\d(?:\.\d)? \d{3}")
MAX_HEADER_BYTES = 64 * 1024


def split_headers(data: bytes) -> tuple[list[tuple[str, str, int]], bytes]:
    """(headers as (lower-cased name, value, line number), body). The body keeps one empty line per
    header line, so line numbers in the page are line numbers in the file. Without a status line at
    the very start: no headers, the data unchanged."""
    if not _STATUS.match(data):
        return [], data
    head_end, sep_len = -1, 0
    for sep in (b"\r\n\r\n", b"\n\n"):
        pos = data.find(sep, 0, MAX_HEADER_BYTES)
        if pos != -1 and (head_end == -1 or pos < head_end):
            head_end, sep_len = pos, len(sep)
    if head_end == -1:
        return [], data
    headers: list[tuple[str, str, int]] = []
    lines = data[:head_end].decode("latin-1").splitlines()
    for number, raw in enumerate(lines[1:], start=2):
        if raw[:1] in (" ", "\t") and headers:  # obsolete line folding
            name, value, first = headers[-1]
            headers[-1] = (name, f"{value} {raw.strip()}", first)
            continue
        name, sep_char, value = raw.partition(":")
        if sep_char and name.strip():
            headers.append((name.strip().lower(), value.strip(), number))
    return headers, b"\n" * (len(lines) + 1) + data[head_end + sep_len :]


def header_charset(headers: list[tuple[str, str, int]]) -> str | None:
    for name, value, _ in headers:
        if name == "content-type":
            match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", value, re.I)
            if match:
                return match.group(1)
    return None
