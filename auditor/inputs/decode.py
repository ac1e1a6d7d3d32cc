"""Turning page bytes into text: BOM, then the declared charset, then detection.

The order follows the HTML standard's encoding sniffing in spirit: a byte-order mark wins, then a
`<meta charset>` or `<meta http-equiv=Content-Type>` in the first 4 KiB, then valid UTF-8, and only
then statistical detection through bs4's UnicodeDammit (charset-normalizer behind it).
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE
)


_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "unicode_escape", "raw_unicode_escape",
                           "punycode", "idna", "mbcs", "oem", "undefined"})


def _known(name: str) -> str | None:
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    # base64, hex, rot13, zlib, uu, unicode_escape ... are codecs, not character encodings: a page
    # that declares one is read as if it declared nothing (found by fuzzing).
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    codec = info.name
    # Per the HTML standard, a declared UTF-16 in a meta tag means UTF-8 (the bytes are ASCII).
    if codec.startswith("utf-16"):
        return "utf-8"
    # Browsers read latin-1 and ascii declarations as windows-1252.
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return codec


def decode_page(data: bytes, is_html: bool = True, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name). Never raises: undecodable bytes become U+FFFD.

    `declared` is the charset of an HTTP Content-Type header, when the input kept one: it comes
    after the byte-order mark and before the page's own declaration, as in a browser."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    header_codec = _known(declared) if declared else None
    if header_codec:
        try:
            return data.decode(header_codec), header_codec
        except UnicodeDecodeError:
            pass
    if is_html:
        match = _META_CHARSET.search(data[:4096])
        if match:
            declared = _known(match.group(1).decode("ascii", "replace"))
            if declared:
                try:
                    return data.decode(declared), declared
                except UnicodeDecodeError:
                    pass  # the declaration lies; fall through to detection
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Imported here: bs4 takes 45 ms to import (its CSS selector parser), once per process, and
    # nearly every page is decoded before it is needed.
    from bs4.dammit import UnicodeDammit

    dammit = UnicodeDammit(data, is_html=is_html)
    guess = str(dammit.original_encoding or "")
    if dammit.unicode_markup is not None and guess and not _latin_family(guess):
        return dammit.unicode_markup, guess
    # Latin-script 8-bit code pages differ in a few letters and statistics cannot tell them apart
    # on short text; windows-1252 is the web's default for undeclared pages (WHATWG Encoding).
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        if dammit.unicode_markup is not None and guess:
            return dammit.unicode_markup, guess
        return data.decode("cp1252", errors="replace"), "cp1252"


def _latin_family(name: str) -> bool:
    codec = _known(name) or name
    return codec in _LATIN_CODECS


_LATIN_CODECS = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "cp1258", "cp850", "cp437", "mac-roman", "iso8859-2", "iso8859-3",
     "iso8859-4", "iso8859-9", "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16"}
)
