"""Audit a crawl on a Spark cluster: a list of WARC paths in, one shard file per task out, then the
merged reports (or the shards, left for `auditor report merge`).

On a cluster, with `auditor` installed on every node (or shipped as a packed environment) and the
shards folder on a filesystem that the executors and the driver share::

    spark-submit $(python -c 'import auditor.spark_job as m; print(m.__file__)') \\
        --warc-list paths.txt --shards /shared/crawl-shards [--partitions N] [--out reports] [audit options]

On one machine, with a local Spark (``--master`` picks another)::

    python -m auditor.spark_job --warc-list paths.txt --shards shards --out reports

The paths file names one WARC (or WACZ) per line, as the executors can open it; blank lines and lines
starting with ``#`` are skipped. The driver splits the paths into tasks (one path per task unless
``--partitions`` says how many tasks), each task audits its paths with
:func:`auditor.shards.audit_to_shard` and writes one complete shard file whose name is fixed by the
task's number and a hash of its paths, the audit options and the version, so a task that Spark runs
again writes the same file again.
With ``--out`` the driver then merges the shards into the reports, exactly those that ``auditor
audit`` writes for the same archives on one machine; without it the shards stay for
``auditor report merge SHARDS --out DIR``. ``--resume`` keeps the shards of tasks that finished in an
earlier attempt and runs the rest.

PySpark is an optional dependency (``pip install 'auditor[spark]'``); it is imported only when a job
runs, and Spark needs Java (17 or later for Spark 4). Classic Spark is needed (RDDs), not Spark Connect.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import os
import socket
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from auditor import __version__
from auditor.models import Severity
from auditor.options import selection_options

SPARK_MISSING = ("auditor.spark_job needs PySpark, which is not installed: pip install 'auditor[spark]' "
                 "(Spark also needs Java: 17 or later for Spark 4)")
SHARD_PREFIX = "spark-"


class SparkJobError(Exception):
    """A problem with the job's input, its shards folder or a task: reported in one line, exit code 2."""


@dataclass(frozen=True, slots=True)
class Task:
    """One Spark task: the archives it audits, in order, and the name of the shard file it writes."""

    index: int
    paths: tuple[str, ...]
    shard: str


@dataclass(frozen=True, slots=True)
class TaskResult:
    index: int
    shard: str
    paths: int
    seconds: float
    host: str


def read_path_list(path: Path) -> list[str]:
    """The archive paths of a list file, in order, each once (a path given twice is audited once)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SparkJobError(f"cannot read the WARC list {path}: {exc}") from None
    seen: set[str] = set()
    paths = []
    for line in text.splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#") or entry in seen:
            continue
        seen.add(entry)
        paths.append(entry)
    if not paths:
        raise SparkJobError(f"the WARC list {path} names no path")
    return paths


def shard_suffix() -> str:
    from auditor.shards import SHARD_SUFFIX

    return SHARD_SUFFIX


def shard_name(index: int, paths: Sequence[str], options: dict[str, Any] | None = None) -> str:
    """spark-<task number>-<hash><suffix>, the hash of the task's paths, the audit options and the tool's
    version: the same task of the same job gets the same name on every run, another job another name."""
    key = json.dumps({"paths": list(paths), "options": options or {}, "version": __version__}, sort_keys=True,
                     default=list)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return f"{SHARD_PREFIX}{index:05d}-{digest}{shard_suffix()}"


def plan(paths: Sequence[str], partitions: int | None = None, options: dict[str, Any] | None = None) -> list[Task]:
    """Split the paths into tasks: one each by default, else `partitions` runs of consecutive paths
    whose lengths differ by one at most (never more tasks than paths)."""
    if not paths:
        return []
    n = len(paths) if partitions is None else max(1, min(partitions, len(paths)))
    tasks = []
    for i in range(n):
        group = tuple(paths[i * len(paths) // n:(i + 1) * len(paths) // n])
        tasks.append(Task(i, group, shard_name(i, group, options)))
    return tasks


def pending(tasks: list[Task], shards_dir: Path, resume: bool) -> list[Task]:
    """The tasks to run. Shard files in the folder that this plan would not write belong to another run
    (other archives, options or `--partitions`) and would be merged with this one's: refuse them. With
    `resume`, a task whose shard is there and readable is done."""
    suffix = shard_suffix()
    planned = {t.shard for t in tasks}
    if shards_dir.is_dir():
        strangers = sorted(p.name for p in shards_dir.iterdir() if p.name.endswith(suffix) and p.name not in planned)
        if strangers:
            more = f" and {len(strangers) - 3} more" if len(strangers) > 3 else ""
            raise SparkJobError(f"the shards folder {shards_dir} holds shards that this job would not write "
                                f"({', '.join(strangers[:3])}{more}): they come from a run with other archives, "
                                "options or --partitions; use an empty folder")
    if not resume:
        return list(tasks)
    return [t for t in tasks if not _complete(shards_dir / t.shard)]


def _complete(path: Path) -> bool:
    from auditor.shards import ShardError, read_header

    if not path.is_file():
        return False
    try:
        read_header(path)
    except ShardError:
        return False
    return True


def audit_task(shards_dir: str, options: dict[str, Any], task: Task) -> TaskResult:
    """Runs on an executor: audit the task's archives into its shard file."""
    from auditor.shards import audit_to_shard

    # A path this executor cannot see would be audited as nothing at all: fail the task instead (Spark
    # retries it, maybe elsewhere, then fails the job with this message).
    missing = [p for p in task.paths if not os.path.exists(p)]
    if missing:
        raise FileNotFoundError(f"task {task.index} on {socket.gethostname()}: no such file: {', '.join(missing)}")
    start = time.monotonic()
    audit_to_shard(list(task.paths), Path(shards_dir) / task.shard, **options)
    return TaskResult(task.index, task.shard, len(task.paths), time.monotonic() - start, socket.gethostname())


def run_tasks(spark: Any, tasks: list[Task], shards_dir: Path, options: dict[str, Any]) -> list[TaskResult]:
    """Run the tasks on the cluster, one Spark partition each; returns when every shard is written."""
    if not tasks:
        return []
    sc = spark.sparkContext
    sc.setJobDescription(f"auditor: {sum(len(t.paths) for t in tasks)} archive(s) into {len(tasks)} shard(s)")
    rdd = sc.parallelize(tasks, len(tasks))
    try:
        results: list[TaskResult] = rdd.map(functools.partial(audit_task, str(shards_dir), options)).collect()
    except Exception as exc:  # py4j's Py4JJavaError, holding the Python traceback of the failed task
        raise SparkJobError(f"the Spark job failed: {_task_error(exc)}") from exc
    return sorted(results, key=lambda r: r.index)


def _task_error(exc: Exception) -> str:
    """The Python exception that failed a task, out of the Java stack trace around it."""
    lines = [line.strip() for line in str(exc).splitlines()]
    python = [line for line in lines if line and not line.startswith(("at ", "...", "File ", "Traceback"))
              and ("Error" in line or "Exception" in line) and "org.apache" not in line and "py4j" not in line]
    return python[-1] if python else (lines[0] if lines else type(exc).__name__)


def _pyspark_sql() -> Any:
    try:
        return importlib.import_module("pyspark.sql")
    except ImportError:
        raise SparkJobError(SPARK_MISSING) from None


def spark_session(master: str | None = None, conf: Sequence[tuple[str, str]] = ()) -> tuple[Any, bool]:
    """The active SparkSession (spark-submit made one, or the caller did), else a new one; and whether it
    is new (then the caller stops it). Started by plain `python`, Spark's Python workers are this Python."""
    sql = _pyspark_sql()
    active = sql.SparkSession.getActiveSession()
    if active is not None:
        return active, False
    if "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit: a local JVM started from here
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = sql.SparkSession.builder.appName("auditor")
    if master:
        builder = builder.master(master)
    for key, value in conf:
        builder = builder.config(key, value)
    return builder.getOrCreate(), True


def merge(shards: Sequence[Path], out: Path, formats: Sequence[str] = (), quiet: bool = False) -> int:
    """Merge shard files into the reports of `out` with `auditor report merge`; its exit code."""
    from auditor.cli import main as cli

    args = ["report", "merge", *map(str, shards), "--out", str(out), *(f"--format={f}" for f in formats)]
    if quiet:
        args.append("-q")
    try:
        cli.main(args=args, prog_name="auditor", standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except click.ClickException as exc:
        exc.show()
        return 2
    return 0


def run_job(spark: Any, warc_list: Path, shards_dir: Path, *, partitions: int | None = None, resume: bool = False,
            out: Path | None = None, options: dict[str, Any] | None = None, formats: Sequence[str] = (),
            quiet: bool = False) -> int:
    """The whole job on a given SparkSession: plan, run the tasks, merge when `out` is given. The exit code:
    0 (shards written; with `out`, that of the merge: 0, 1 or 2 as `auditor audit` would exit)."""
    paths = read_path_list(warc_list)
    shards_dir = shards_dir.resolve()
    options = dict(options or {})
    tasks = plan(paths, partitions, options)
    todo = pending(tasks, shards_dir, resume)
    shards_dir.mkdir(parents=True, exist_ok=True)

    def say(text: str) -> None:
        if not quiet:
            click.echo(f"auditor.spark_job: {text}", err=True)

    done = len(tasks) - len(todo)
    say(f"{len(paths)} archive(s) in {len(tasks)} task(s)" + (f", {done} already done (--resume)" if done else ""))
    start = time.monotonic()
    results = run_tasks(spark, todo, shards_dir, options)
    say(f"{len(results)} shard(s) written to {shards_dir} in {time.monotonic() - start:.1f} s")
    if results:
        slowest = max(results, key=lambda r: r.seconds)
        say(f"slowest task: {slowest.index} ({slowest.paths} archive(s)), {slowest.seconds:.1f} s on {slowest.host}")
    missing = [t.shard for t in tasks if not (shards_dir / t.shard).is_file()]
    if missing:
        raise SparkJobError(f"{len(missing)} shard(s) not found in {shards_dir} after the job (first: {missing[0]}): "
                            "is the shards folder on a filesystem that the driver and every executor share?")
    if out is None:
        say(f"merge them with: auditor report merge {shards_dir} --out DIR")
        return 0
    return merge([shards_dir / t.shard for t in tasks], out, formats, quiet)


def _conf_pair(value: str) -> tuple[str, str]:
    key, sep, setting = value.partition("=")
    if not sep or not key.strip():
        raise click.BadParameter(f"{value!r} is not KEY=VALUE", param_hint="--conf")
    return key.strip(), setting.strip()


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--warc-list", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Text file naming one WARC or WACZ per line, as the executors can open it.")
@click.option("--shards", "shards_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the shard files, shared by the driver and every executor.")
@click.option("--partitions", type=click.IntRange(min=1),
              help="Number of tasks (and shard files); default: one per archive.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Merge the shards into reports in this folder; default: leave them for `auditor report merge`.")
@click.option("--resume", is_flag=True, help="Keep the shards that an earlier run of this job wrote; run the rest.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
              help="Configuration file (auditor.toml, or a pyproject.toml with [tool.auditor]) that every executor "
              "can read at the same path; default: none (no file is looked for).")
@selection_options(in_listed_folders=True)
@click.option("--crawl-date", help="When the pages were fetched (YYYY-MM-DD or ISO 8601); default: the WARC dates.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]),
              help="Exit 1 when a violation of this severity or higher is found (with --out).  [default: error]")
@click.option("--page-timeout", type=click.FloatRange(min=0), metavar="SECONDS",
              help="Time budget of one page (0: none); default: the limit page-seconds, 60.")
@click.option("--format", "formats", multiple=True, metavar="FORMATS",
              help="Report formats for --out, as for `auditor audit`.  [default: json,html]")
@click.option("--master", help="Spark master when no session exists yet (plain `python -m`); default: local[*].")
@click.option("--conf", "conf", multiple=True, metavar="KEY=VALUE",
              help="Spark setting for a session started here (repeatable); spark-submit takes its own --conf.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def main(warc_list: Path, shards_dir: Path, partitions: int | None, out_dir: Path | None, resume: bool,
         config_file: Path | None, include: tuple[str, ...], exclude: tuple[str, ...], select: tuple[str, ...],
         ignore: tuple[str, ...], base_url: str | None, site_name: str | None, crawl_date: str | None,
         fail_on: str | None, page_timeout: float | None, formats: tuple[str, ...], master: str | None,
         conf: tuple[str, ...], quiet: bool) -> None:
    """Audit the WARC archives of a list on Spark, one shard file per task, then merge them (--out)."""
    from auditor.cli import _iso_utc, _split

    # The keywords of auditor.shards.audit_to_shard; only those given, so that defaults stay its own.
    options: dict[str, Any] = {}
    if config_file:
        options["config"] = str(config_file.resolve())
    if include:
        options["include"] = include
    if exclude:
        options["exclude"] = exclude
    if fail_on:
        options["fail_on"] = fail_on
    if page_timeout is not None:
        options["page_timeout"] = page_timeout
    if select:
        options["select"] = _split(select)
    if ignore:
        options["ignore"] = _split(ignore)
    if base_url:
        options["base_url"] = base_url
    if site_name:
        options["site"] = site_name
    if crawl_date:
        options["crawl_date"] = _iso_utc(crawl_date)
    settings = [_conf_pair(c) for c in conf]
    try:
        read_path_list(warc_list)  # fail before starting a JVM
        spark, created = spark_session(master, settings)
        try:
            code = run_job(spark, warc_list, shards_dir, partitions=partitions, resume=resume, out=out_dir,
                           options=options, formats=formats, quiet=quiet)
        finally:
            if created:
                spark.stop()
    except SparkJobError as exc:
        click.echo(f"auditor.spark_job: error: {exc}", err=True)
        sys.exit(2)
    sys.exit(code)


if __name__ == "__main__":
    if not __package__:  # run as a file (spark-submit): its folder must not shadow top-level modules
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    # The job's functions travel to the executors by reference to the installed module, not as __main__.
    from auditor.spark_job import main as _main

    _main()
