"""The check issue 8 names, in one command: a crawl archive of a few hundred thousand records, audited
once without a stop, then again killed half-way (SIGKILL) and resumed; the two report folders must be
the same bytes.

    python bench/crawl_check.py [--records 250000] [--jobs N] [--kill-at 0.5] [--workdir DIR] [--keep]

The archive is one WARC (gzip per record, as crawlers write it) made of the corpus's archives that are
whole (`../shared/corpus/warc/`: the built one of every corpus page and image with its request record,
a real crawl with request, response and metadata records, ClueWeb quirks, revisits, POSTs, resource
records, chunked transfer encoding), repeated with every URL moved under /copy-K/ of its own host
until there are --records records. Every --damage-every copies two kinds of damage are written between
records, as cut-off transfers and disk errors leave them: a record's gzip member cut in half, and a
run of bytes that is no WARC at all. Each must become an input error naming the archive and its
offset, and the run must go on.

Steps, each timed by the wall clock with the memory of the process tree sampled (as bench/run.py
does): build the archive; `auditor audit BIG --jobs N --out A -q --isolated`; the same into B, killed
with SIGKILL after --kill-at of A's wall time; `... --out B --resume`; then every file of A and B is
compared byte for byte. Prints a table for the README, and exits 1 when the reports differ.

Without the corpus the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import CORPUS, ROOT, Run, cli_env, compile_package, copy_url, machine, run_cli

# The corpus archives FastWARC reads whole (the others are broken on purpose, or ARC).
SOURCES = [
    "built/corpus-pages.warc.gz",
    "resiliparse/warcfile.warc.gz",
    "resiliparse/clueweb-quirk.warc.gz",
    "warcio/example.warc.gz",
    "warcio/post-test.warc.gz",
    "warcio/example-wget-bad-target-uri.warc.gz",
    "warcio/example-resource.warc.gz",
    "warcio/example-iana.org-chunked.warc",
]
# Headers written anew for each copy.
_REWRITTEN = {"warc-record-id", "warc-target-uri", "content-length", "warc-concurrent-to", "warc-refers-to"}
GARBAGE = b"\x00\x01 this is no WARC record: the disk lost a block here\r\n" * 40


@dataclass
class Source:
    rtype: str
    url: str | None
    headers: list[tuple[str, str]]  # the record's own headers, minus _REWRITTEN
    block: bytes


def read_sources() -> list[Source]:
    from fastwarc.warc import ArchiveIterator

    found = []
    for name in SOURCES:
        path = CORPUS / "warc" / name
        if not path.is_file():
            continue
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, parse_http=False):
                headers = [(k, v) for k, v in record.headers.items() if k.lower() not in _REWRITTEN]
                url = record.headers.get("WARC-Target-URI")
                found.append(Source(str(record.headers.get("WARC-Type")), str(url).strip("<>") if url else None,
                                    headers, record.reader.read()))
    return found


def member(source: Source, copy: int, serial: int) -> bytes:
    url = copy_url(source.url, copy) if source.url and "://" in source.url else source.url
    lines = ["WARC/1.1", f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{serial:012d}>"]
    lines += [f"{k}: {v}" for k, v in source.headers]
    if url:
        lines.append(f"WARC-Target-URI: {url}")
    lines.append(f"Content-Length: {len(source.block)}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + source.block + b"\r\n\r\n"
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(raw) + packer.flush()


@dataclass
class Built:
    records: int
    by_type: Counter[str]
    damaged: int
    size: int


def build(path: Path, sources: list[Source], records: int, damage_every: int) -> Built:
    by_type: Counter[str] = Counter()
    written = damaged = copy = 0
    with open(path, "wb") as fh:
        while written < records:
            for source in sources:
                if written >= records:
                    break
                fh.write(member(source, copy, written))
                by_type[source.rtype] += 1
                written += 1
            copy += 1
            if damage_every and copy % damage_every == 0 and written < records:
                cut = member(sources[len(sources) // 2], copy, written)
                fh.write(cut[: len(cut) // 2])  # a record's gzip member cut in half
                fh.write(GARBAGE)  # then bytes that are no WARC at all
                damaged += 2
    return Built(written, by_type, damaged, path.stat().st_size)


def audit_args(warc: Path, out: Path, jobs: int) -> list[str]:
    return ["audit", str(warc), "--out", str(out), "-q", "--isolated", "--jobs", str(jobs)]


def audit(warc: Path, out: Path, jobs: int, extra: list[str] | None = None) -> Run:
    return run_cli([*audit_args(warc, out, jobs), *(extra or [])], ROOT)


def killed_run(warc: Path, out: Path, jobs: int, after: float) -> tuple[float, int]:
    """Start the audit and SIGKILL its whole process group after `after` seconds; how many shards were
    complete then."""
    proc = subprocess.Popen([sys.executable, "-m", "auditor", *audit_args(warc, out, jobs)], cwd=ROOT, env=cli_env(),
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.perf_counter()
    while proc.poll() is None and time.perf_counter() - start < after:
        time.sleep(0.5)
    if proc.poll() is not None:
        sys.exit(f"crawl_check: the run ended (exit {proc.returncode}) before it could be killed")
    os.killpg(proc.pid, signal.SIGKILL)  # the main process and its workers, as the OOM killer or a power cut
    proc.wait()
    shards = list((out / ".shards").glob("[!.]*.shard.jsonl.gz"))  # complete ones (a partial one is hidden)
    return time.perf_counter() - start, len(shards)


def differences(a: Path, b: Path) -> list[str]:
    names_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    names_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    diff = sorted(str(n) for n in names_a ^ names_b)
    for name in sorted(names_a & names_b):
        if not filecmp.cmp(a / name, b / name, shallow=False):
            diff.append(str(name))
    return diff


def mb(value: float | None) -> str:
    return f"{value:.0f} MB" if value is not None else "n/a"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=250_000, help="records in the archive")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--kill-at", type=float, default=0.5, help="kill after this share of the first run's time")
    ap.add_argument("--damage-every", type=int, default=100, help="damage after every N copies (0: none)")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the archive and both report folders")
    args = ap.parse_args()
    if not (CORPUS / "warc").is_dir():
        print(f"crawl_check: no corpus at {CORPUS} (see ../shared/corpus/MANIFEST.md); nothing checked")
        return
    compile_package()
    base = args.workdir or Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="auditor-crawl-", dir=base))
    try:
        print(f"{time.strftime('%Y-%m-%d')}, {machine()}", flush=True)
        warc = work / "crawl.warc.gz"
        start = time.perf_counter()
        sources = read_sources()
        built = build(warc, sources, args.records, args.damage_every)
        kinds = ", ".join(f"{n} {t.removeprefix('WarcRecordType.')}" for t, n in built.by_type.most_common())
        print(f"built {warc.name}: {built.records} records ({kinds}) and {built.damaged} damaged spots, "
              f"{built.size / 2**30:.2f} GiB, in {time.perf_counter() - start:.0f} s", flush=True)

        a, b = work / "A", work / "B"
        whole = audit(warc, a, args.jobs)
        index = json.loads((a / "index.json").read_text(encoding="utf-8"))
        totals = index["totals"]
        skipped = sum(index.get("skipped", {}).values()) if isinstance(index.get("skipped"), dict) else None
        print(f"uninterrupted: exit {whole.returncode}, {whole.seconds:.0f} s, {totals['pages']} pages "
              f"({totals['pages'] / whole.seconds:.1f}/s), {totals['errors']} input errors, "
              f"{skipped if skipped is not None else '?'} records counted out; peak RSS {mb(whole.tree_rss_mb)} "
              f"(tree), PSS {mb(whole.tree_pss_mb)}, largest process {mb(whole.max_rss_mb)}; {whole.others}; "
              f"{whole.pss_note}", flush=True)

        killed_after, shards = killed_run(warc, b, args.jobs, whole.seconds * args.kill_at)
        print(f"killed (SIGKILL, process group) after {killed_after:.0f} s with {shards} shard files on disk",
              flush=True)
        resumed = audit(warc, b, args.jobs, ["--resume"])
        print(f"resumed: exit {resumed.returncode}, {resumed.seconds:.0f} s; peak RSS {mb(resumed.tree_rss_mb)} "
              f"(tree), PSS {mb(resumed.tree_pss_mb)}, largest process {mb(resumed.max_rss_mb)}", flush=True)

        diff = differences(a, b)
        files = sum(1 for p in a.rglob("*") if p.is_file())
        same = not diff and whole.returncode == resumed.returncode
        print(f"\n| {built.records:,} records, {built.size / 2**30:.1f} GiB, --jobs {args.jobs} | wall clock | "
              "peak RSS (tree) | peak PSS (tree) | largest process | exit |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        print(f"| uninterrupted | {whole.seconds:.0f} s | {mb(whole.tree_rss_mb)} | {mb(whole.tree_pss_mb)} | "
              f"{mb(whole.max_rss_mb)} | {whole.returncode} |")
        print(f"| killed at {args.kill_at:.0%}, then --resume | {killed_after:.0f} s + {resumed.seconds:.0f} s | "
              f"{mb(resumed.tree_rss_mb)} | {mb(resumed.tree_pss_mb)} | {mb(resumed.max_rss_mb)} | "
              f"{resumed.returncode} |")
        print(f"\n{files} report files: " + ("byte-identical" if same else
              f"DIFFERENT ({len(diff)}: {', '.join(diff[:10])}; exit {whole.returncode} vs {resumed.returncode})"))
        if not same:
            sys.exit(1)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
