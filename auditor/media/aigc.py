"""China's implicit AIGC label outside XMP: PNG text chunks and the EXIF UserComment.

Why a module of its own: GB 45438-2025 (Appendix E) puts a JSON object with seven string fields
(Label, ContentProducer, ProduceID, ReservedCode1, ContentPropagator, PropagateID, ReservedCode2)
under a key that contains "AIGC". Real files carry it in three places (the XMP property
TC260:AIGC is read by `xmp.py`):
- a PNG tEXt / zTXt / iTXt chunk whose keyword contains "AIGC", holding the bare JSON object
  (Doubao writes `tEXt AIGC`);
- the EXIF UserComment (tag 0x9286 in the Exif IFD), holding the wrapper `{"AIGC": {...}}` after
  the 8-byte character-code prefix ("ASCII\\0\\0\\0", "UNICODE\\0", "JIS\\0\\0\\0\\0\\0" or eight NULs).
The JSON is judged by `auditor.analysis.signals.judge_aigc_json`, the same rules as `<meta name="AIGC">`
in a page, so a label is well formed or broken in the same way wherever it sits. Everything here
is bounded: compressed text is inflated to at most `MAX_TEXT` bytes, a label longer than
`MAX_LABEL` is not parsed, and nothing raises on hostile bytes.
"""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

from PIL import Image

from auditor.analysis.signals import AIGC_FIELDS, judge_aigc_json
from auditor.models import Mark

MAX_TEXT = 2 * 1024 * 1024  # inflated PNG text chunk, as for XMP
MAX_LABEL = 64 * 1024  # an AIGC label is a few hundred bytes; anything this long is not one
EXIF_IFD = 0x8769
USER_COMMENT = 0x9286
NEEDLES = (b"AIGC", b"A\x00I\x00G\x00C")  # ASCII/UTF-8 and UTF-16 (either byte order)
_LABELS = {"1": "AI-generated", "2": "possibly AI-generated", "3": "suspected AI-generated"}


# A lone surrogate ("\\ud800" in a label's JSON) cannot be written to a UTF-8 report: found by fuzzing,
# tests/fuzz/regressions/marks/png-aigc-label-lone-surrogate.png.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def short(text: str, limit: int = 300) -> str:
    """A value for a report: whitespace squashed, at most `limit` characters, valid Unicode."""
    text = _LONE_SURROGATE.sub("\ufffd", " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary(data: Any, text: str) -> str:
    if isinstance(data, dict) and isinstance(data.get("AIGC"), dict):
        data = data["AIGC"]
    if not isinstance(data, dict):
        return short(text)
    parts = []
    label = data.get("Label")
    if label is not None:
        parts.append(f"Label {json.dumps(label, ensure_ascii=False)}"
                     + (f" ({_LABELS[label]})" if isinstance(label, str) and label in _LABELS else ""))
    for field in AIGC_FIELDS[1:]:
        value = data.get(field)
        if value not in (None, ""):
            parts.append(f"{field} {json.dumps(value, ensure_ascii=False)[:80]}")
    return short(", ".join(parts) or text)


def aigc_mark(text: str, carrier: str, extra_problem: str | None = None) -> Mark:
    """The mark of one AIGC label (bare object or `{"AIGC": {...}}` wrapper)."""
    problems = [extra_problem] if extra_problem else []
    says: bool | None = None
    data: Any = None
    if len(text) > MAX_LABEL:
        problems.append(f"the AIGC label is {len(text)} characters long: not parsed")
    else:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            data = None
        try:
            says, _strength, problem = judge_aigc_json(text)
        except RecursionError:
            says, problem = None, "the AIGC label's JSON is nested too deeply"
        if problem:
            problems.append(problem.replace("the AIGC meta content", "the AIGC label"))
    return Mark(kind="aigc", carrier=carrier, says_ai=says, value=_summary(data, text),
                problem=short("; ".join(problems), 500) or None)


def _inflate(body: bytes, what: str) -> tuple[bytes | None, str | None]:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(body, MAX_TEXT + 1)
    except zlib.error as exc:
        return None, f"{what}: compressed text is corrupt ({exc})"
    if len(out) > MAX_TEXT or inflater.unconsumed_tail:
        return None, f"{what}: compressed text inflates beyond {MAX_TEXT // (1024 * 1024)} MiB: not read"
    return out, None


def decode_png_text(ctype: bytes, body: bytes) -> tuple[str, str | None, str | None]:
    """(keyword, text, problem) of a PNG tEXt, zTXt or iTXt chunk body."""
    keyword_raw, sep, rest = body.partition(b"\x00")
    keyword = keyword_raw[:79].decode("latin-1")
    what = f"PNG {ctype.decode('latin-1')} {keyword!r}"
    if not sep:
        return keyword, None, f"{what}: chunk without a keyword separator"
    if ctype == b"tEXt":
        return keyword, rest.decode("latin-1"), None
    if ctype == b"zTXt":
        inflated, problem = _inflate(rest[1:], what)
        return keyword, inflated.decode("latin-1") if inflated is not None else None, problem
    # iTXt: compression flag, method, language tag \0, translated keyword \0, UTF-8 text
    if len(rest) < 2:
        return keyword, None, f"{what}: truncated iTXt chunk"
    compressed = rest[0] == 1
    _language, _, rest = rest[2:].partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    if compressed:
        inflated, problem = _inflate(text, what)
        if inflated is None:
            return keyword, None, problem
        text = inflated
    return keyword, text.decode("utf-8", "replace"), None


def user_comment_text(raw: bytes | str) -> str:
    """The text of an EXIF UserComment, without its 8-byte character-code prefix."""
    if isinstance(raw, str):
        return raw.strip("\x00 ")
    prefix, body = raw[:8], raw[8:]
    if prefix == b"UNICODE\x00":
        if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
            text = body.decode("utf-16", "replace")
        else:
            # UTF-16 in the file's byte order, which writers get wrong: look at where the NULs are.
            big = body[0:1] == b"\x00" and body[1:2] != b"\x00"
            text = body.decode("utf-16-be" if big else "utf-16-le", "replace")
    elif prefix == b"JIS\x00\x00\x00\x00\x00":
        text = body.decode("shift_jis", "replace")
    elif prefix in (b"ASCII\x00\x00\x00", b"\x00" * 8):
        text = body.decode("utf-8", "replace")  # many writers put UTF-8 under "ASCII"
    else:
        text = raw.decode("utf-8", "replace")
    return text.strip("\x00 ")


def exif_aigc_marks(raw_exif: bytes | Image.Exif) -> tuple[list[Mark], list[str]]:
    """AIGC labels in the EXIF UserComment: of raw EXIF bytes (with or without the "Exif\\0\\0"
    header), or of the Exif object of an open TIFF.

    Callers pass only EXIF that contains one of `NEEDLES`, so ordinary photos cost nothing.
    """
    try:
        if isinstance(raw_exif, Image.Exif):
            exif = raw_exif
        else:
            exif = Image.Exif()
            exif.load(raw_exif)
        comment = exif.get_ifd(EXIF_IFD).get(USER_COMMENT)
    except Exception as exc:  # hostile EXIF: Pillow raises struct.error, ValueError, KeyError, ...
        return [], [f"EXIF unreadable ({type(exc).__name__}: {exc})"[:300]]
    if not isinstance(comment, (bytes, str)):
        return [], []
    text = user_comment_text(comment)
    if "AIGC" not in text:
        return [], []
    stripped = text.lstrip()
    if not (stripped.startswith("{") or '"AIGC"' in text):
        return [], []  # prose that mentions AIGC, not a label
    return [aigc_mark(text, "EXIF UserComment")], []
