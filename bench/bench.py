"""Benchmark: lxml parse only (the floor) against gathering facts and the full audit, on the same pages.

    python bench/bench.py [FOLDER ...]     # default: ../shared/corpus/pages (real article pages)

Prints pages per second and milliseconds per page for each stage, and the full audit's cost as a
multiple of parse-only time. Pages are read into memory first, so disk speed does not count. This is
the in-process breakdown by stage, for profiling; the README's figures (the command line, all cores,
trafilatura, memory on big crawls) come from bench/run.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from lxml import etree

from auditor.analysis.context import PageContext
from auditor.analysis.disclosures import label_block_classifier
from auditor.engine import Engine, Options
from auditor.facts.gather import gather_page
from auditor.facts.html import compiled_walk
from auditor.gctuning import tune_for_pages
from auditor.inputs.decode import decode_page
from auditor.inputs.files import PageReadError, RawPage, discover, read_page
from auditor.rulepacks import load_packs, select_rules

ROOT = Path(__file__).resolve().parent.parent


def load(folders: list[str]) -> list[RawPage]:
    pages = []
    for source in discover(folders):
        try:
            pages.append(read_page(source))
        except PageReadError:
            continue
    return [p for p in pages if p.source.input_format == "html"]


def timed(label: str, pages: list[RawPage], fn: object, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for page in pages:
            fn(page)  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    per_page = best / len(pages) * 1000
    print(f"{label:<28} {len(pages) / best:8.1f} pages/s  {per_page:7.2f} ms/page")
    return best


def main() -> None:
    folders = sys.argv[1:] or [str(ROOT.parent / "shared" / "corpus" / "pages")]
    pages = load(folders)
    if not pages:
        sys.exit("no HTML pages found")
    kib = sum(len(p.data) for p in pages) / len(pages) / 1024
    walk = "compiled" if compiled_walk() is not None else "in Python"
    print(f"{len(pages)} HTML pages, {kib:.0f} KiB on average; fact walk {walk}\n")
    tune_for_pages()  # the garbage collector as a run sets it while it audits pages
    packs = load_packs()
    rules = select_rules(packs)
    engine = Engine(packs, rules, Options())
    classify = label_block_classifier(engine.lexicon)
    parser = etree.HTMLParser(encoding="utf-8", no_network=True)

    def parse_only(page: RawPage) -> None:
        text, _ = decode_page(page.data)
        etree.fromstring(text.encode("utf-8"), parser)

    def facts_only(page: RawPage) -> None:
        gather_page(page, classify)

    def full(page: RawPage) -> None:
        facts = gather_page(page, classify)
        ctx = PageContext(facts, engine.lexicon, engine.vocabulary)
        for _, check, params in engine.page_checks:
            list(check.run(ctx, params))

    def engine_page(page: RawPage) -> None:
        engine.audit_source(page.source)

    floor = timed("decode + lxml parse", pages, parse_only)
    timed("gather facts", pages, facts_only)
    checks = timed("facts + all checks", pages, full)
    whole = timed("engine (read, audit, report)", pages, engine_page, repeat=1)
    print(f"\nfull audit / parse only: {checks / floor:.2f}x (engine incl. reading and report models: "
          f"{whole / floor:.2f}x)")


if __name__ == "__main__":
    main()
