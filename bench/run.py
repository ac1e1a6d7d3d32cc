"""The speed figures of the README in one command: on the same pages, in one run,

  1. decode + lxml parse only (the floor no HTML tool can go under; measured as bench/bench.py does),
  2. the full audit with one process   (`python -m auditor audit PAGES --jobs 1 --out TMP -q`),
  3. the full audit on all cores       (`... --jobs <cores>`),
  4. trafilatura `extract_metadata` and
  5. trafilatura `extract` (the full text extraction) on the same HTML bytes,
  6. the full audit of the same pages as one WARC with one process, and
  7. ... on all cores (the archive is cut into chunks of records: a crawl delivered as one archive),

then the ratios issue 8 aims at (full audit / parse only ≤ 2.5x, auditor vs trafilatura metadata ≥ 3x,
all cores vs one ≥ 1.8x on 2 cores, for a folder of pages and for one archive), each marked met or
NOT met.

    python bench/run.py [--pages N] [--big] [--corpus DIR] [--big-sizes 10000,100000] [--workdir DIR]

Rows 1, 4 and 5 run in this process on pages already in memory (one warm-up on a few pages, then one
timed pass). Rows 2 and 3 run the command line users run, as a child process, on the same pages
written as .html files to a temporary folder, and are timed by the wall clock: start-up, reading,
auditing and writing the reports all count (the start-up alone is printed too), with the package's bytecode
compiled first, as pip does when it installs it (see `compile_package`). Pages are the real
article pages of ../shared/corpus/pages (188 pages, ~260 KiB each), repeated in order until there are
--pages N (default 1000, so that start-up does not dominate).

--big also measures the peak memory of a full audit (`--jobs <cores>`) of one WARC of 10,000 and one
of 100,000 pages, built in the work folder by repeating the corpus pages under distinct URLs (the
records of ../shared/corpus/warc/built/corpus-pages.warc.gz, which hold those pages with their real
URLs; without it the pages get URLs under corpus-pages.invalid). Memory is sampled every 0.2 s over
the whole process tree (psutil, when installed: the sum of RSS, and every 2 s the sum of PSS, which
counts pages shared between the workers once) and, for the largest single process, its own peak (VmHWM, read
while it runs: wait4's ru_maxrss would count this script's memory, which a child has until its exec).
A 100k-page WARC is about 6 GB on disk; it is deleted afterwards unless --keep is given. A size that
the runs before it say will not fit in the memory available is not run (it would be killed, or take
the machine down): its figure is then a linear extrapolation, labelled as such (--force runs it).

Without the corpus the script says so and exits 0: the figures need real pages.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
TARGET_PARSE_RATIO = 2.5
TARGET_VS_TRAFILATURA = 3.0
TARGET_SPEEDUP = 1.8
TARGET_RSS_100K_MB = 300.0
TARGET_RSS_GROWTH = 1.10
NS = uuid.UUID("0b6f3f4e-3c1d-4b7a-9a55-1f0e5d2c7a01")


@dataclass
class Page:
    name: str  # path inside the corpus pages folder
    data: bytes  # the HTML bytes (un-gzipped)


@dataclass
class Row:
    label: str
    what: str
    pages: int
    seconds: float | None  # None: could not be measured
    note: str = ""

    @property
    def rate(self) -> float | None:
        return self.pages / self.seconds if self.seconds else None


# -- pages ------------------------------------------------------------------------------------------

def load_pages(folder: Path) -> list[Page]:
    """The HTML pages of the corpus, read the way the auditor reads them (gzip undone)."""
    from auditor.inputs.files import PageReadError, discover, read_page

    pages = []
    for source in discover([str(folder)]):
        if source.input_format != "html":
            continue
        try:
            raw = read_page(source)
        except PageReadError:
            continue
        pages.append(Page(source.relative_path, raw.data))
    return pages


def repeat(pages: list[Page], n: int) -> list[Page]:
    return [pages[i % len(pages)] for i in range(n)]


def write_folder(pages: list[Page], folder: Path) -> None:
    folder.mkdir(parents=True)
    for i, page in enumerate(pages):
        stem = page.name.replace("/", "-").removesuffix(".gz")
        (folder / f"{i:06d}-{stem}").with_suffix(".html").write_bytes(page.data)


# -- in-process rows ----------------------------------------------------------------------------------

def busy_seconds() -> float | None:
    """CPU time the whole machine has spent busy since boot (all cores; /proc/stat), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = fh.readline().split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    except (OSError, ValueError):
        return None
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def others(busy_before: float | None, ours: float, wall: float) -> str:
    """How many cores other processes kept busy meanwhile: the figures are only fair when this is ~0."""
    after = busy_seconds()
    if busy_before is None or after is None or wall <= 0:
        return ""
    return f"other processes: {max(0.0, (after - busy_before - ours) / wall):.2f} cores busy"


def timed(pages: list[Page], fn: Callable[[bytes], object]) -> tuple[float, str]:
    """Wall time of one pass over the pages, and how busy the rest of the machine was meanwhile."""
    for page in pages[:5]:  # warm-up: imports, caches, compiled patterns
        fn(page.data)
    busy, cpu = busy_seconds(), time.process_time()
    start = time.perf_counter()
    for page in pages:
        fn(page.data)
    wall = time.perf_counter() - start
    return wall, others(busy, time.process_time() - cpu, wall)


def parse_only() -> Callable[[bytes], object]:
    from lxml import etree

    from auditor.inputs.decode import decode_page

    parser = etree.HTMLParser(encoding="utf-8", no_network=True)

    def run(data: bytes) -> object:
        text, _ = decode_page(data)
        return etree.fromstring(text.encode("utf-8"), parser)

    return run


def trafilatura_fns() -> tuple[Callable[[bytes], object], Callable[[bytes], object]] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def metadata(data: bytes) -> object:
        return trafilatura.extract_metadata(data)  # type: ignore[arg-type]  # bytes are decoded by load_html

    def full(data: bytes) -> object:
        return trafilatura.extract(data)

    return metadata, full


# -- the command line as a child process ------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    returncode: int
    stderr: str
    max_rss_mb: float  # largest single process of the tree (sampled VmHWM; else wait4's ru_maxrss)
    tree_rss_mb: float | None  # peak of the summed RSS of the tree (sampled; None without psutil)
    tree_pss_mb: float | None  # peak of the summed PSS of the tree (sampled; None when unreadable)
    others: str  # how busy the rest of the machine was meanwhile
    pss_note: str = ""  # when the PSS peaked, and each process's share then


class TreeSampler(threading.Thread):
    """Samples the memory of a process and all its descendants until stopped (needs psutil): RSS every
    0.2 s (cheap: /proc/PID/statm), PSS every 2 s (reading smaps_rollup of a big process costs CPU, which
    would be taken from the run being measured)."""

    def __init__(self, pid: int, interval: float = 0.2, pss_every: int = 10) -> None:
        super().__init__(daemon=True)
        import psutil

        self.psutil = psutil
        self.root = psutil.Process(pid)
        self.interval = interval
        self.pss_every = pss_every
        self.stop = threading.Event()
        self.peak_rss = 0
        self.peak_pss: int | None = 0
        self.peak_hwm = 0  # the largest VmHWM (a process's own peak RSS) seen in the tree, bytes
        self.peak_hwm_main = False  # whether that was the main process's
        self.pss_peak_at = 0.0  # when the summed PSS peaked (seconds after the start)
        self.pss_peak_parts: list[int] = []  # each process's PSS then, largest first
        self.started = time.perf_counter()
        self.cpu: dict[int, float] = {}  # CPU seconds last seen, by process of the tree

    def run(self) -> None:
        ps = self.psutil
        tick = 0
        while not self.stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except ps.Error:
                break
            with_pss = self.peak_pss is not None and tick % self.pss_every == 0
            rss = pss = 0
            parts: list[int] = []
            for proc in procs:
                try:
                    rss += proc.memory_info().rss
                    times = proc.cpu_times()
                    self.cpu[proc.pid] = times.user + times.system
                    hwm = _hwm(proc.pid)
                    if hwm > self.peak_hwm:
                        self.peak_hwm, self.peak_hwm_main = hwm, proc.pid == self.root.pid
                    if with_pss:
                        parts.append(proc.memory_full_info().pss)
                        pss += parts[-1]
                except (ps.NoSuchProcess, ps.ZombieProcess):
                    continue
                except (ps.AccessDenied, AttributeError):
                    self.peak_pss, with_pss = None, False
            self.peak_rss = max(self.peak_rss, rss)
            if with_pss and self.peak_pss is not None and pss > self.peak_pss:
                self.peak_pss = pss
                self.pss_peak_at = time.perf_counter() - self.started
                self.pss_peak_parts = sorted(parts, reverse=True)
            tick += 1
            self.stop.wait(self.interval)


def _hwm(pid: int) -> int:
    """A process's own peak RSS (VmHWM, bytes; 0 when unreadable). Not wait4's ru_maxrss: Linux keeps
    that across exec, so a child forked from this process (which holds the corpus and more) starts
    with this process's RSS as its peak."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cli_env() -> dict[str, str]:
    """The environment of a timed run: no bytecode written, no fixed report date."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def run_cli(args: list[str], cwd: Path) -> Run:
    """Run `python -m auditor ARGS`, timing it and following the memory of its process tree."""
    env = cli_env()
    busy = busy_seconds()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "auditor", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler: TreeSampler | None = None
    try:
        sampler = TreeSampler(proc.pid)
        sampler.start()
    except Exception:  # psutil missing, or the process already gone
        sampler = None
    assert proc.stderr is not None
    stderr_chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    tree_rss = tree_pss = None
    largest = usage.ru_maxrss / 1024
    pss_note = ""
    # The CPU time of the run: wait4's usage covers the process and the descendants it reaped; workers
    # of a fork server are reaped by that server, so the sampled CPU times of the tree count too.
    ours = usage.ru_utime + usage.ru_stime
    if sampler is not None:
        sampler.stop.set()
        sampler.join()
        tree_rss = sampler.peak_rss / 2**20 if sampler.peak_rss else None
        tree_pss = sampler.peak_pss / 2**20 if sampler.peak_pss else None
        ours = max(ours, sum(sampler.cpu.values()))
        if sampler.peak_hwm:
            largest = sampler.peak_hwm / 2**20
            pss_note = f"largest: {'the main process' if sampler.peak_hwm_main else 'a child process'}; "
        if sampler.pss_peak_parts:
            pss_note += (f"PSS peak at {sampler.pss_peak_at / seconds:.0%} of the run: "
                        + " + ".join(f"{x / 2**20:.0f}" for x in sampler.pss_peak_parts) + " MB")
    return Run(seconds, proc.returncode, b"".join(stderr_chunks).decode("utf-8", "replace"),
               largest, tree_rss, tree_pss, others(busy, ours, seconds), pss_note)


def supports_jobs(cwd: Path) -> bool:
    out = subprocess.run([sys.executable, "-m", "auditor", "audit", "--help"], cwd=cwd, capture_output=True,
                         text=True, check=False)
    return "--jobs" in out.stdout


def audit(inputs: list[Path], out: Path, jobs: int | None, cwd: Path) -> Run:
    args = ["audit", *map(str, inputs), "--out", str(out), "-q", "--isolated"]
    if jobs is not None:
        args += ["--jobs", str(jobs)]
    result = run_cli(args, cwd)
    # 0: no error-level violation, 1: some (both normal for real pages); 2 only for unreadable pages.
    errors = [line for line in result.stderr.splitlines()
              if line.strip() and not line.startswith(("auditor: input error", "auditor: unused suppression"))]
    if result.returncode not in (0, 1, 2) or (result.returncode == 2 and errors):
        sys.exit(f"bench: `auditor {' '.join(args)}` failed (exit {result.returncode}):\n{result.stderr[-2000:]}")
    return result


def audited_pages(out: Path) -> int:
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    return int(index["totals"]["pages"])


# -- the big WARC ------------------------------------------------------------------------------------

@dataclass
class Template:
    url: str
    date: str
    http: bytes  # the HTTP response: status line, headers, body


def templates(pages: list[Page]) -> list[Template]:
    """One response per corpus page: from the corpus's built WARC (real URLs) when it is there."""
    built = CORPUS / "warc" / "built" / "corpus-pages.warc.gz"
    if built.is_file():
        from fastwarc.warc import ArchiveIterator, WarcRecordType

        found = []
        with open(built, "rb") as fh:
            for record in ArchiveIterator(fh, record_types=WarcRecordType.response, parse_http=False):
                block = record.reader.read()  # the HTTP response as the crawler saved it
                if b"text/html" not in block.split(b"\r\n\r\n", 1)[0].lower():
                    continue
                found.append(Template(str(record.headers.get("WARC-Target-URI")),
                                      str(record.headers.get("WARC-Date")), block))
        if found:
            return found
    return [Template(f"https://corpus-pages.invalid/{p.name.removesuffix('.gz')}", "2025-01-01T00:00:00Z",
                     b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(p.data)
                     + p.data) for p in pages]


def copy_url(url: str, k: int) -> str:
    """The k-th copy of a page gets a URL of its own on the same site: /copy-k/ before the path."""
    if k == 0:
        return url
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    return f"{scheme}://{host}/copy-{k}/{path}"


def warc_record(rtype: object, url: str | None, when: str, block: bytes, content_type: str) -> bytes:
    from fastwarc.warc import WarcRecord

    record = WarcRecord()
    record.init_headers(rtype, f"<urn:uuid:{uuid.uuid5(NS, url or 'warcinfo')}>".encode())  # type: ignore[arg-type]
    record.headers.set("WARC-Date", when)
    if url:
        record.headers.set("WARC-Target-URI", url)
    record.headers.set("Content-Type", content_type)
    record.set_bytes_content(block)
    buffer = io.BytesIO()
    record.write(buffer)
    return gzip.compress(buffer.getvalue(), compresslevel=1, mtime=0)


def build_warc(path: Path, found: list[Template], n: int) -> None:
    """n HTML responses, gzip per record (as crawlers write them), cycling through the templates."""
    from fastwarc.warc import WarcRecordType

    with open(path, "wb") as fh:
        fh.write(warc_record(WarcRecordType.warcinfo, None, "2025-01-01T00:00:00Z",
                             b"software: auditor bench/run.py\r\n", "application/warc-fields"))
        for i in range(n):
            t = found[i % len(found)]
            fh.write(warc_record(WarcRecordType.response, copy_url(t.url, i // len(found)), t.date, t.http,
                                 "application/http; msgtype=response"))


# -- report --------------------------------------------------------------------------------------------

def _busy_cores(note: str) -> float:
    marker = "other processes: "
    if marker not in note:
        return 0.0
    try:
        return float(note.split(marker, 1)[1].split()[0])
    except (ValueError, IndexError):
        return 0.0


def fmt_rate(row: Row) -> str:
    return f"{row.rate:.1f}" if row.rate else "n/a"


def fmt_ms(row: Row) -> str:
    return f"{row.seconds / row.pages * 1000:.1f}" if row.seconds else "n/a"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def machine() -> str:
    import platform

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    from auditor.facts.html import compiled_walk

    walk = "compiled" if compiled_walk() is not None else "in Python (no compiled walk installed)"
    return (f"{os.cpu_count()} cores ({cpu}), {(available_mb() or 0) / 1024:.0f} GiB available, "
            f"Python {platform.python_version()}, {platform.system()}; load average {load:.2f} at the start; "
            f"fact walk {walk}")


def speed(pages: list[Page], workdir: Path, cores: int) -> None:
    from auditor import __version__

    folder = workdir / "pages"
    write_folder(pages, folder)
    jobs_ok = supports_jobs(ROOT)
    kib = sum(len(p.data) for p in pages) / len(pages) / 1024
    print(f"auditor {__version__}, {date.today().isoformat()}, {machine()}")
    print(f"{len(pages)} pages ({len({p.name for p in pages})} distinct corpus pages, {kib:.0f} KiB on average)\n",
          flush=True)

    rows: list[Row] = []
    rows.append(Row("1", "decode + lxml parse only (floor)", len(pages), *timed(pages, parse_only())))
    print("measured: parse only", flush=True)

    one_page = workdir / "one"
    write_folder(pages[:1], one_page)
    startup = audit([one_page], workdir / "out-one", 1 if jobs_ok else None, ROOT).seconds

    def cli_row(label: str, what: str, source: Path, jobs: int) -> Row:
        """The command line's audit of `source` (the folder of pages, or the pages as one WARC)."""
        if not jobs_ok and jobs != 1:
            return Row(label, what, len(pages), None, "this auditor has no --jobs option")
        out = workdir / f"out-{source.name}-jobs{jobs}"
        result = audit([source], out, jobs if jobs_ok else None, ROOT)
        done = audited_pages(out)
        note = result.others if done == len(pages) else f"only {done} pages in the reports; {result.others}"
        shutil.rmtree(out, ignore_errors=True)
        print(f"measured: full audit of {source.name} --jobs {jobs}", flush=True)
        return Row(label, what, len(pages), result.seconds, note)

    rows.append(cli_row("2", "full audit, `--jobs 1` (CLI, wall clock)", folder, 1))
    rows.append(cli_row("3", f"full audit, `--jobs {cores}` (CLI, wall clock)", folder, cores))
    fns = trafilatura_fns()
    if fns is None:
        rows.append(Row("4", "trafilatura `extract_metadata`", len(pages), None, "trafilatura not installed"))
        rows.append(Row("5", "trafilatura `extract` (full)", len(pages), None, "trafilatura not installed"))
    else:
        import trafilatura

        version = getattr(trafilatura, "__version__", "?")
        rows.append(Row("4", f"trafilatura {version} `extract_metadata`", len(pages), *timed(pages, fns[0])))
        print("measured: trafilatura extract_metadata", flush=True)
        rows.append(Row("5", f"trafilatura {version} `extract` (full)", len(pages), *timed(pages, fns[1])))
        print("measured: trafilatura extract", flush=True)

    # The same pages as one web archive: one input, which --jobs cuts into chunks of records.
    warc = workdir / "pages.warc.gz"
    build_warc(warc, templates(pages), len(pages))

    rows.append(cli_row("6", "full audit of the pages as one WARC, `--jobs 1`", warc, 1))
    rows.append(cli_row("7", f"full audit of the pages as one WARC, `--jobs {cores}` (cut into chunks)", warc, cores))
    warc.unlink(missing_ok=True)

    print("\n| # | what | pages/s | ms/page | note |\n| --- | --- | ---: | ---: | --- |")
    for row in rows:
        print(f"| {row.label} | {row.what} | {fmt_rate(row)} | {fmt_ms(row)} | {row.note} |")
    print(f"\nstart-up of the CLI (audit of one page, `--jobs 1`, reports written): {startup:.2f} s "
          "(included in rows 2 and 3)")

    busy_rows = [r.label for r in rows if _busy_cores(r.note) > 0.25]
    if busy_rows:
        print(f"\nWARNING: other processes kept the machine busy during row(s) {', '.join(busy_rows)}: those "
              "figures (and the ratios below) are low and not fair; run again on a quiet machine.")
    floor, one, many, meta = rows[0], rows[1], rows[2], rows[3]
    print("\n| ratio | target | measured | |\n| --- | --- | ---: | --- |")
    if one.seconds and floor.seconds:
        r = one.seconds / floor.seconds
        print(f"| full audit (`--jobs 1`) time / parse-only time | ≤ {TARGET_PARSE_RATIO}x | {r:.1f}x | "
              f"{verdict(r <= TARGET_PARSE_RATIO)} |")
    if one.rate and meta.rate:
        r = one.rate / meta.rate
        print(f"| auditor `--jobs 1` pages/s / trafilatura metadata pages/s (one core each) | "
              f"≥ {TARGET_VS_TRAFILATURA}x | {r:.2f}x | {verdict(r >= TARGET_VS_TRAFILATURA)} |")
    if many.rate and meta.rate:
        r = many.rate / meta.rate
        print(f"| auditor `--jobs {cores}` pages/s / trafilatura metadata pages/s (trafilatura on one core) | "
              f"≥ {TARGET_VS_TRAFILATURA}x | {r:.2f}x | {verdict(r >= TARGET_VS_TRAFILATURA)} |")
    for inputs, one_row, many_row in (("", one, many), (" on one archive", rows[5], rows[6])):
        if many_row.rate and one_row.rate:
            r = many_row.rate / one_row.rate
            print(f"| speed-up{inputs}, `--jobs {cores}` / `--jobs 1` | ≥ {TARGET_SPEEDUP}x | {r:.2f}x | "
                  f"{verdict(r >= TARGET_SPEEDUP)} |")
    shutil.rmtree(folder, ignore_errors=True)


def big(pages: list[Page], workdir: Path, sizes: list[int], cores: int, keep: bool, force: bool) -> None:
    jobs = cores if supports_jobs(ROOT) else None
    found = templates(pages)
    print(f"{date.today().isoformat()}, {machine()}")
    print(f"\nbig runs: one WARC per size, {len(found)} corpus pages repeated under distinct URLs, "
          f"`auditor audit BIG.warc.gz --jobs {jobs or '(no option)'} --out TMP -q`", flush=True)
    results: list[tuple[int, float, Run]] = []
    skipped: list[tuple[int, float, float]] = []  # (pages, projected MB, available MB)
    for n in sizes:
        if results and not force:
            # What this run would need, linear in pages: through the first and the last run so far (or, after
            # one run, proportional to it: an upper bound). Beyond 80 % of the memory available now it would
            # be killed (or take the machine down with it): not run, and reported as an extrapolation.
            last_n, _, last = results[-1]
            if len(results) >= 2:
                first_n, _, first = results[0]
                slope = (peak_mb(last) - peak_mb(first)) / (last_n - first_n)
                projected = peak_mb(last) + slope * (n - last_n)
            else:
                projected = peak_mb(last) * n / last_n
            available = available_mb()
            if available is not None and projected > 0.8 * available:
                print(f"not run: {n} pages would need about {projected:.0f} MB (linear extrapolation from the "
                      f"{last_n}-page run), more than 80 % of the {available:.0f} MB available; --force runs it",
                      flush=True)
                skipped.append((n, projected, available))
                continue
        warc = workdir / f"big-{n}.warc.gz"
        start = time.perf_counter()
        build_warc(warc, found, n)
        size_mb = warc.stat().st_size / 2**20
        print(f"built {warc} ({size_mb:.0f} MB) in {time.perf_counter() - start:.0f} s; auditing ...", flush=True)
        out = workdir / f"out-big-{n}"
        result = audit([warc], out, jobs, ROOT)
        done = audited_pages(out)
        if done != n:
            print(f"note: the reports hold {done} pages, not {n}")
        print(f"  {n} pages: {result.seconds:.0f} s, {n / result.seconds:.1f} pages/s, peak tree RSS "
              f"{result.tree_rss_mb or float('nan'):.0f} MB, PSS {result.tree_pss_mb or float('nan'):.0f} MB, "
              f"largest process {result.max_rss_mb:.0f} MB; {result.others}; {result.pss_note}", flush=True)
        results.append((n, size_mb, result))
        if not keep:
            warc.unlink()
            shutil.rmtree(out, ignore_errors=True)

    def mb(value: float | None) -> str:
        return f"{value:.0f}" if value is not None else "n/a"

    print("\n| pages | WARC (MB) | wall (s) | pages/s | peak RSS, process tree (MB) | peak PSS, process tree (MB) "
          "| largest process (MB) |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, size_mb, r in results:
        print(f"| {n} | {size_mb:.0f} | {r.seconds:.0f} | {n / r.seconds:.1f} | {mb(r.tree_rss_mb)} | "
              f"{mb(r.tree_pss_mb)} | {r.max_rss_mb:.0f} |")
    for n, projected, _ in skipped:
        print(f"| {n} | | not run | | ~{projected:.0f} (linear extrapolation, not measured) | | |")
    if len(results) >= 2:
        (n0, _, r0), (n1, _, r1) = results[0], results[-1]
        slope = (peak_mb(r1) - peak_mb(r0)) / (n1 - n0)
        print(f"\ngrowth between {n0} and {n1} pages: {slope * 1024:.0f} KiB per page")
    by_size = {n: r for n, _, r in results}
    projected_100k = {n: p for n, p, _ in skipped}.get(100_000)
    if 100_000 in by_size:
        # Three readings of "peak RSS": the summed RSS of the process tree counts the pages workers share
        # with the fork server (the imported code) once per process; PSS counts them once; and the
        # largest single process is what `time -v` or a container's per-process limit sees.
        big_run, small_run = by_size[100_000], by_size.get(10_000)
        for what, field in (("summed RSS of the process tree", "tree_rss_mb"),
                            ("summed PSS of the process tree", "tree_pss_mb"),
                            ("RSS of the largest process", "max_rss_mb")):
            p: float | None = getattr(big_run, field)
            if p is None:
                continue
            line = f"{what} at 100k pages: {p:.0f} MB (target < {TARGET_RSS_100K_MB:.0f} MB): " \
                   f"{verdict(p < TARGET_RSS_100K_MB)}"
            q: float | None = getattr(small_run, field) if small_run is not None else None
            if q:
                growth = p / q
                line += f"; 100k / 10k: {growth:.2f} (target ≤ {TARGET_RSS_GROWTH:.2f}): " \
                        f"{verdict(growth <= TARGET_RSS_GROWTH)}"
            print(line)
    elif projected_100k is not None:
        print(f"peak RSS at 100k pages (extrapolated, NOT measured): {projected_100k:.0f} MB "
              f"(target < {TARGET_RSS_100K_MB:.0f} MB): {verdict(projected_100k < TARGET_RSS_100K_MB)}")


def peak_mb(r: Run) -> float:
    """The peak memory of a run: summed RSS of its process tree when sampled, else its largest process."""
    return r.tree_rss_mb if r.tree_rss_mb is not None else r.max_rss_mb


def available_mb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def compile_package() -> None:
    """Write the package's bytecode before anything is timed. Users run an installed package, whose
    modules pip compiled at install. The timed runs get PYTHONDONTWRITEBYTECODE=1 (`run_cli`: a run
    leaves nothing in the checkout), and this project's machines set it too; without bytecode written
    beforehand an editable install compiles every module from source at every start: 0.3 s more in
    each process, the main one and the workers' fork server alike."""
    import compileall

    compileall.compile_dir(ROOT / "auditor", quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pages", type=int, default=1000,
                    help="number of pages (the corpus pages repeated in order; 0: each corpus page once)")
    ap.add_argument("--corpus", type=Path, default=CORPUS / "pages", help="folder of HTML pages")
    ap.add_argument("--big", action="store_true", help="also measure peak memory on big WARCs")
    ap.add_argument("--big-only", action="store_true", help="only the --big measurement")
    ap.add_argument("--big-sizes", default="10000,100000", help="pages per big WARC (comma-separated)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="'all cores' (default: os.cpu_count())")
    ap.add_argument("--workdir", type=Path, default=None, help="where temporary files go (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the big WARCs and their reports")
    ap.add_argument("--force", action="store_true",
                    help="run every big size, even one that the previous size says will not fit in memory")
    args = ap.parse_args()

    if not args.corpus.is_dir():
        print(f"bench: no corpus at {args.corpus} (see ../shared/corpus/MANIFEST.md); nothing measured")
        return
    pages = load_pages(args.corpus)
    if not pages:
        print(f"bench: no HTML pages under {args.corpus}; nothing measured")
        return
    chosen = repeat(pages, args.pages) if args.pages else pages
    compile_package()
    base = args.workdir or Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="auditor-bench-", dir=base))
    try:
        if not args.big_only:
            speed(chosen, workdir, args.jobs)
        if args.big or args.big_only:
            sizes = [int(s) for s in args.big_sizes.split(",") if s.strip()]
            big(pages, workdir, sizes, args.jobs, args.keep, args.force)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
