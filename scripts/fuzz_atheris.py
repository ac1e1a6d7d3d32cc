"""Coverage-guided fuzzing with atheris (libFuzzer for Python), run by hand; not a dependency.

    pip install atheris
    python scripts/fuzz_atheris.py --target html -atheris_runs=100000
    python scripts/fuzz_atheris.py --target marks -max_total_time=300 [CORPUS_DIR ...]

Targets:
- `html`: page bytes through `gather_page` (decode, parse_html, the one tree walk; the first byte
  chooses HTML or text input), then every page check of the rule packs on a PageContext and the
  report models of the page, serialised to UTF-8 JSON. A ValueError, RecursionError or MemoryError
  out of gather_page is an input error (what the engine reports); any other exception is a crash.
- `marks`: image bytes through `auditor.media.marks.read_marks`; it must not raise, must not fall
  back to its "internal error while reading marks" entry, and its FileMarks must serialise.

Every argument that is not `--target` goes to libFuzzer (`-atheris_runs=N`, `-max_total_time=S`,
`-timeout=S`, corpus folders ...). Without a corpus folder, a seed corpus is made in a temporary
folder (the example pages, the fuzz regression corpus, small images made with Pillow). A crash,
hang (default -timeout=10) or out-of-memory input is written where `-artifact_prefix` says (by
default a temporary folder, printed at the start); put it into tests/fuzz/regressions/<area>/ so
that the test suite replays it. The property-based fuzz tests that run in CI are in tests/fuzz/.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ("html", "marks")

_MISSING = ""
try:
    import atheris
except ImportError as exc:  # an optional tool: the project does not depend on it
    atheris = None
    _MISSING = str(exc)


def _import_auditor() -> dict[str, Any]:
    """The auditor modules, imported with atheris' coverage instrumentation."""
    sys.path.insert(0, str(ROOT))
    with atheris.instrument_imports(include=["auditor"]):
        from auditor.analysis.context import PageContext
        from auditor.engine import Engine, Options
        from auditor.facts.gather import gather_page
        from auditor.inputs.files import PageSource, RawPage
        from auditor.media.marks import read_marks
        from auditor.rulepacks import load_packs, select_rules
    return {"PageContext": PageContext, "Engine": Engine, "Options": Options, "gather_page": gather_page,
            "PageSource": PageSource, "RawPage": RawPage, "read_marks": read_marks, "load_packs": load_packs,
            "select_rules": select_rules}


def html_target(m: dict[str, Any]) -> Callable[[bytes], None]:
    packs = m["load_packs"]()
    engine = m["Engine"](packs, m["select_rules"](packs), m["Options"]())
    missing = Path(tempfile.gettempdir()) / "auditor-atheris-no-such-folder"
    sources = {fmt: m["PageSource"](missing / f"page.{ext}", f"page.{ext}", f"page.{ext}", fmt)
               for fmt, ext in (("html", "html"), ("text", "txt"))}

    def one(data: bytes) -> None:
        fmt = "text" if data[:1] == b"\x01" else "html"
        raw = m["RawPage"](sources[fmt], data)
        try:
            facts = m["gather_page"](raw, engine.classify, None, "fuzz.example", "2025-06-01T12:00:00Z")
        except (ValueError, RecursionError, MemoryError):
            return  # an input error in the report, as the engine says
        ctx = m["PageContext"](facts, engine.lexicon, engine.vocabulary)
        models: list[Any] = []
        for _rule, check, params in engine.page_checks:
            models += [f.location.model() for f in check.run(ctx, params) if f.location]
        models += [d.to_model() for d in ctx.disclosures] + [s.to_model() for s in ctx.signals]
        models += [p.to_model() for p in ctx.provenance] + [ctx.attribution.model(), ctx.notice.model()]
        for model in models:
            json.dumps(model.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")

    return one


def marks_target(m: dict[str, Any]) -> Callable[[bytes], None]:
    def one(data: bytes) -> None:
        marks = m["read_marks"](data, "fuzz")
        for error in marks.errors:
            if "internal error" in error:
                raise RuntimeError(error)
        marks.model_dump_json().encode("utf-8")

    return one


def tolerating_known_bugs(one: Callable[[bytes], None]) -> Callable[[bytes], None]:
    """`one`, letting the bugs already known to the fuzz tests pass, so that the fuzzer looks for new
    ones (their inputs are replayed as xfail regressions in tests/fuzz/regressions/)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from fuzz._support import known_bug  # after the instrumented import of auditor

    def tolerant(data: bytes) -> None:
        try:
            one(data)
        except Exception as exc:
            if known_bug(exc) is None:
                raise

    return tolerant


def seed_corpus(target: str, folder: Path) -> None:
    """Small real inputs to start from: pages and regressions, or images made here."""
    n = 0
    if target == "html":
        pages = [*sorted((ROOT / "examples").rglob("*.htm*")), *sorted((ROOT / "examples").rglob("*.txt")),
                 *sorted((ROOT / "tests" / "fuzz" / "regressions").glob("html/*")),
                 *sorted((ROOT / "tests" / "fuzz" / "regressions").glob("text/*"))]
        for page in pages[:200]:
            data = page.read_bytes()[:65536]
            (folder / f"seed-{n}").write_bytes(b"\x01" + data if page.suffix == ".txt" else data)
            n += 1
        return
    from PIL import Image

    image = Image.new("RGB", (8, 6), (30, 90, 160))
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" Iptc4xmpExt:'
           b'DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>'
           b"</rdf:RDF></x:xmpmeta>")
    for fmt, extra in (("JPEG", {"xmp": xmp}), ("PNG", {}), ("GIF", {}), ("WEBP", {"xmp": xmp}), ("TIFF", {}),
                       ("BMP", {})):
        buffer = io.BytesIO()
        image.save(buffer, fmt, **extra)
        (folder / f"seed-{n}").write_bytes(buffer.getvalue())
        n += 1
    (folder / f"seed-{n}").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="4"><metadata>' + xmp
                                       + b"</metadata></svg>")
    for image_file in sorted((ROOT / "tests" / "fuzz" / "regressions").glob("marks/*")):
        shutil.copy(image_file, folder / image_file.name)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], add_help=True)
    parser.add_argument("--target", choices=TARGETS, default="html")
    parser.add_argument("--strict", action="store_true",
                        help="stop on the known bugs too (tests/fuzz/_support.py KNOWN_BUGS); by default they pass")
    ours, rest = parser.parse_known_args(argv[1:])
    if atheris is None:
        print(f"atheris cannot be imported ({_MISSING}; pip install atheris): nothing to do. The "
              "property-based fuzz tests run with pytest tests/fuzz.", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix=f"auditor-atheris-{ours.target}-"))
    flags = [a for a in rest if a.startswith("-")]
    corpora = [a for a in rest if not a.startswith("-")]
    if not corpora:
        corpus = work / "corpus"
        corpus.mkdir()
        seed_corpus(ours.target, corpus)
        corpora = [str(corpus)]
    defaults = {"-timeout": "10", "-max_len": "65536", "-artifact_prefix": f"{work}/", "-rss_limit_mb": "4096"}
    for flag, value in defaults.items():
        if not any(a.startswith(flag + "=") for a in flags):
            flags.append(f"{flag}={value}")
    print(f"atheris target {ours.target}: corpus {', '.join(corpora)}; crashes go to {work}/", file=sys.stderr)
    warnings.simplefilter("ignore")  # Pillow warns on every corrupt EXIF block
    logging.disable(logging.WARNING)  # bs4 logs every undecodable byte
    modules = _import_auditor()
    one = html_target(modules) if ours.target == "html" else marks_target(modules)
    atheris.Setup([argv[0], *flags, *corpora], one if ours.strict else tolerating_known_bugs(one))
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
