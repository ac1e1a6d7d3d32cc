"""What the fuzz tests share: the time guard, the engine harness with its contract, the known bugs
(left as xfail regressions in files this suite may not fix), and strategies used by several tests."""

from __future__ import annotations

import contextlib
import faulthandler
import functools
import gzip
import io
import json
import re
import signal
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import tomllib
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from PIL import Image

from auditor.engine import Engine, Options, RunResult
from auditor.inputs.files import PageSource
from auditor.models import IndexReport, SiteReport
from auditor.report.write import to_json
from auditor.rulepacks import RulePack, RuleSpec, load_packs, select_rules

ROOT = Path(__file__).resolve().parents[2]
REGRESSIONS = Path(__file__).resolve().parent / "regressions"
AUDITOR = ROOT / "auditor"


# -- hangs ------------------------------------------------------------------------------------------


class Hang(Exception):
    """An input took longer than the guard allows: a hang as far as a crawl is concerned."""


@contextlib.contextmanager
def time_limit(seconds: float, what: str = "input") -> Iterator[None]:
    """Raise Hang in the main thread when the block runs longer than `seconds` (SIGALRM)."""

    def on_alarm(_signum: int, _frame: FrameType | None) -> None:
        raise Hang(f"{what} took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    # A hang inside C code (a regex, libxml2) never returns to Python to see the alarm: after four
    # times the limit, print every thread's stack and end the process rather than hang CI.
    faulthandler.dump_traceback_later(seconds * 4, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- known bugs -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KnownBug:
    """A crash found by fuzzing in a file this suite may not edit. Its input is kept in
    `regressions/` with an xfail marker; the property tests let this one signature pass (and count
    it with `hypothesis.event`) so that they go on finding new bugs. Remove the entry once fixed."""

    exception: str  # the exception's class name
    file: str  # the innermost auditor/ file of the traceback, relative to the repository
    function: str  # the function in that file
    regression: str  # the file under regressions/ that replays it
    # The input error text when a last line of defence caught the exception instead (the engine's
    # "internal error while checking", the archive reader's "reading stopped"): a regex.
    caught: str | None = None


KNOWN_BUGS: tuple[KnownBug, ...] = (
    # None open. Fixed, with their replays in regressions/ (see index.toml): declared charsets that
    # are not text encodings (decode.py), attribute names starting with "{" (facts/html.py), zone
    # offsets of a day or more (dates.py), WARC dates out of datetime's range (archive.py), and file
    # names that are not UTF-8 (files.py).
)


def _innermost_auditor_frame(exc: BaseException) -> tuple[str, str, int] | None:
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(AUDITOR):
            return path.relative_to(ROOT).as_posix(), frame.name, frame.lineno or 0
    return None


def known_bug(exc: BaseException, tolerate: bool = True) -> KnownBug | None:
    """The known bug this exception is, when `tolerate` (the regression replay tolerates none)."""
    if not tolerate:
        return None
    where = _innermost_auditor_frame(exc)
    if where is None:
        return None
    for bug in KNOWN_BUGS:
        if type(exc).__name__ == bug.exception and where[0] == bug.file and where[1] == bug.function:
            _note(bug)
            return bug
    return None


def known_bug_named(regression: str, tolerate: bool = True) -> KnownBug | None:
    """The known bug replayed by `regression`, for a test that recognises it by its effect."""
    bug = next((b for b in KNOWN_BUGS if b.regression == regression), None) if tolerate else None
    if bug is not None:
        _note(bug)
    return bug


def _note(bug: KnownBug) -> None:
    """Count a known bug in Hypothesis' statistics (when inside a test: atheris uses this too)."""
    if currently_in_test_context():
        event(f"known bug {bug.regression}")


def known_internal_error(text: str, tolerate: bool = True) -> KnownBug | None:
    """The known bug whose exception a last line of defence turned into this input error text."""
    if not tolerate:
        return None
    for bug in KNOWN_BUGS:
        if bug.caught and re.search(bug.caught, text, re.DOTALL):
            _note(bug)
            return bug
    return None


# -- the engine harness -----------------------------------------------------------------------------


@functools.cache
def _packs() -> tuple[tuple[RulePack, ...], list[RuleSpec]]:
    packs = load_packs()
    return packs, select_rules(packs)


def new_engine(site: str | None = None) -> Engine:
    packs, rules = _packs()
    return Engine(packs, rules, Options(site=site, crawl_date="2025-06-01T12:00:00Z"))


def rule_codes() -> set[str]:
    return {r.code for r in _packs()[1]}


# Words the engine uses when it caught a bug of its own or of a reader instead of crashing: a
# contract violation all the same (the page lost its findings), so the fuzz tests fail on them.
BUG_WORDS = ("internal error", "reading stopped (")


def check_reports(result: RunResult, expected_inputs: int | None = None, tolerate: bool = True) -> tuple[int, int]:
    """The contract on a finished run: every page has an outcome for every rule, no internal error
    stands in for a page, and the reports serialise to strict JSON that reads back as the same
    models. Returns (pages, errors)."""
    codes = rule_codes()
    pages = errors = 0
    for report in result.sites.values():
        for page in report.pages:
            pages += 1
            missing = codes - set(page.rule_outcomes)
            assert not missing, f"{page.path}: rules without an outcome: {sorted(missing)}"
        for error in report.errors:
            errors += 1
            _assert_not_a_bug(error.error, tolerate)
        _check_json(report)
    for error in result.index.errors:
        errors += 1
        _assert_not_a_bug(error.error, tolerate)
    _check_json(result.index)
    assert result.index.totals.pages == pages
    assert result.index.totals.errors == errors
    if expected_inputs is not None:
        assert pages + errors == expected_inputs, f"{expected_inputs} input(s) gave {pages} page(s), {errors} error(s)"
    return pages, errors


def _assert_not_a_bug(text: str, tolerate: bool = True) -> None:
    if any(word in text for word in BUG_WORDS) and known_internal_error(text, tolerate) is None:
        raise AssertionError(f"a bug was caught and reported as an input error: {text}")


def _reject_constant(name: str) -> Any:
    raise AssertionError(f"report JSON holds {name}, which is not JSON")


def _check_json(report: SiteReport | IndexReport) -> None:
    text = to_json(report)
    text.encode("utf-8")  # written as UTF-8: a lone surrogate would fail here, at write time
    data = json.loads(text, parse_constant=_reject_constant)
    again = type(report).model_validate(data)
    assert to_json(again) == text, "the report does not read back as itself"


def page_source(folder: Path, name: str) -> PageSource:
    fmt = "text" if name.removesuffix(".gz").endswith(".txt") else "html"
    return PageSource(folder / name, name, name, fmt)


def audit_page_bytes(data: bytes, name: str = "page.html", site: str | None = "fuzz.example",
                     extra_files: dict[str, bytes] | None = None, compress: bool = False,
                     seconds: float = 30.0, tolerate: bool = True) -> RunResult | None:
    """Write one page (and files beside it) to a fresh folder, audit it with every rule, check the
    contract. None when a known bug stopped it (and `tolerate`)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        folder = Path(tmp)
        for rel, content in (extra_files or {}).items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(content)
        if compress:
            name += ".gz"
            data = gzip.compress(data, mtime=0)
        (folder / name).write_bytes(data)
        engine = new_engine(site)
        try:
            with time_limit(seconds, f"auditing {name}"):
                engine.audit_source(page_source(folder, name))
                result = engine.finish()
        except Hang:
            raise
        except Exception as exc:
            if known_bug(exc, tolerate) is not None:
                return None
            raise
        check_reports(result, expected_inputs=1, tolerate=tolerate)
        return result


# -- the lexicon, for labels mixed into pages -------------------------------------------------------


@functools.cache
def lexicon_words() -> dict[str, list[str]]:
    """Word lists of every rules/lexicon/*.toml file, merged by key."""
    words: dict[str, list[str]] = {"badges": [], "ai_terms": [], "verbs": [], "connectors": [], "nouns": [],
                                   "auxiliaries": [], "negations": [], "credit_nouns": [], "tools": []}
    for path in sorted((ROOT / "rules" / "lexicon").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        words["tools"] += [t for t in data.get("tools", []) if isinstance(t, str)]
        words["badges"] += [b["text"] for b in data.get("badges", []) if isinstance(b, dict) and "text" in b]
        words["ai_terms"] += data.get("ai_terms", [])
        words["connectors"] += data.get("connectors", [])
        words["auxiliaries"] += data.get("auxiliaries", [])
        words["credit_nouns"] += data.get("credit_nouns", [])
        for verbs in (data.get("verbs") or {}).values():
            words["verbs"] += verbs
        for nouns in (data.get("scope_nouns") or {}).values():
            words["nouns"] += nouns
        negation = data.get("negation") or {}
        words["negations"] += negation.get("phrases", []) if isinstance(negation, dict) else []
    return {k: sorted(set(v)) or ["ai"] for k, v in words.items()}


def _words(key: str) -> st.SearchStrategy[str]:
    return st.sampled_from(lexicon_words()[key])


# A label as a newsroom writes it, in the word orders the lexicon knows, in any case.
labels: st.SearchStrategy[str] = st.one_of(
    _words("badges"),
    st.builds(lambda n, a, v, c, t: f"{n} {a} {v} {c} {t}", _words("nouns"), _words("auxiliaries"), _words("verbs"),
              _words("connectors"), _words("ai_terms")),
    st.builds(lambda t, v: f"{t}-{v}", _words("ai_terms"), _words("verbs")),
    st.builds(lambda c, t: f"{c}: {t}", _words("credit_nouns"), _words("tools")),
    _words("negations"),
).flatmap(lambda s: st.sampled_from([s, s.upper(), s.title(), f"({s})", f"{s}.", f"* {s}"]))


# -- text -------------------------------------------------------------------------------------------

# Characters that break naive code: NUL and C0 controls, lone surrogates, line and paragraph
# separators that str.splitlines() splits on, BOM, bidi overrides, combining marks, non-BMP.
NASTY_CHARS = ["\x00", "\x01", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\ufeff",
               "\ud800", "\udfff", "\ud83d", "\u202e", "\u0301", "\U0001f916", "\ufffd", "\r", "\r\n", "\t",
               "\u00a0", "\u3000", "ß", "İ", "ﬁ", "Ⅻ", "٣", "𝟚"]
nasty_text: st.SearchStrategy[str] = st.lists(
    st.one_of(st.text(max_size=20), st.sampled_from(NASTY_CHARS)), max_size=8).map("".join)
words_text: st.SearchStrategy[str] = st.lists(
    st.one_of(st.sampled_from(["the", "a", "news", "Photo:", "By", "Jane", "Doe", "March", "12", "2026", "cookies",
                               "Accept", "Reject", "©", "Reuters", "Updated", "Published", "KI", "AI", "生成"]),
              labels, st.text(max_size=12)),
    max_size=12).map(" ".join)
any_text: st.SearchStrategy[str] = st.one_of(words_text, nasty_text, labels)


def encode_text(text: str, how: str) -> bytes:
    """Text as page bytes: UTF-8 with lone surrogates kept as invalid bytes, or another encoding."""
    if how == "utf-8":
        return text.encode("utf-8", "surrogatepass")
    if how == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    return text.encode(how, "replace")


encodings: st.SearchStrategy[str] = st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "cp1252", "shift_jis",
                                                    "gb18030", "koi8-r"])


# -- JSON -------------------------------------------------------------------------------------------

json_scalars: st.SearchStrategy[Any] = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), any_text,
    st.sampled_from(["Person", "Organization", "NewsArticle", "ImageObject", "WebPage", "@id", "#author",
                     "2026-03-12T09:30:00+01:00", "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
                     "https://schema.org/TrainedAlgorithmicMediaDigitalSource", "trainedAlgorithmicMedia", ""]),
)
JSONLD_KEYS = ["@context", "@type", "@id", "@graph", "author", "creator", "name", "url", "sameAs",
               "datePublished", "dateModified", "dateCreated", "publisher", "headline", "image", "contentUrl",
               "digitalSourceType", "https://schema.org/digitalSourceType", "schema:digitalSourceType",
               "mainEntityOfPage", "AIGC", "Label", "ContentProducer", "ProduceID", "ReservedCode1",
               "ContentPropagator", "PropagateID", "ReservedCode2", "ReserveCode1"]
json_keys: st.SearchStrategy[str] = st.one_of(st.sampled_from(JSONLD_KEYS), st.text(max_size=10))
json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(json_keys, children, max_size=6)),
    max_leaves=40,
)
json_objects: st.SearchStrategy[dict[str, Any]] = st.dictionaries(json_keys, json_values, max_size=8)


def deep_json(depth: int, kind: str) -> str:
    """JSON nested `depth` levels: lists, objects or @graph chains (recursion limits, stack depth)."""
    if kind == "list":
        return "[" * depth + "1" + "]" * depth
    if kind == "object":
        return '{"a":' * depth + "1" + "}" * depth
    return '{"@graph":[' * depth + '{"@type":"Person","name":"X"}' + "]}" * depth


# -- images -----------------------------------------------------------------------------------------

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def xmp_packet(source_type: str = IPTC + "trainedAlgorithmicMedia", extra: str = "") -> bytes:
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
            f'Iptc4xmpExt:DigitalSourceType="{source_type}"/>{extra}</rdf:RDF></x:xmpmeta>'
            '<?xpacket end="w"?>').encode()


@functools.cache
def sample_images() -> dict[str, bytes]:
    """Small real images, one per container the mark reader knows, some with AI marks."""
    out: dict[str, bytes] = {}
    im = Image.new("RGB", (8, 6), (30, 90, 160))
    for name, fmt, kwargs in (
        ("ai.jpg", "JPEG", {"xmp": xmp_packet()}),
        ("plain.jpg", "JPEG", {}),
        ("plain.png", "PNG", {}),
        ("tiny.gif", "GIF", {}),
        ("photo.webp", "WEBP", {"xmp": xmp_packet(IPTC + "digitalCapture")}),
        ("scan.tiff", "TIFF", {}),
        ("icon.bmp", "BMP", {}),
    ):
        buffer = io.BytesIO()
        im.save(buffer, fmt, **kwargs)
        out[name] = buffer.getvalue()
    out["drawing.svg"] = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><metadata>'
                          + xmp_packet() + b"</metadata></svg>")
    return out
