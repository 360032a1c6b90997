"""The sweep driver: every run of a Grid on a Dask cluster, results streamed into the output folder.

Dask (`dask.distributed`) does the scheduling: by default a LocalCluster of worker processes, one per
core, started for the sweep and closed after it; with `scheduler="tcp://host:8786"` the runs go to an
existing cluster. Runs go out in small batches and come back with `as_completed`, each result written
to results.csv at once. A worker that dies has its batches run again elsewhere (Dask reschedules the
tasks of a lost worker; after `distributed.scheduler.allowed-failures` deaths a batch is recorded as
errors). Each run has a wall-time limit in its worker's child process (sweep/child.py): past it the
run is killed and recorded as a hang.

Output folder: results.csv (always, as it goes), results.parquet (at the end, with pyarrow),
summary.png, vcd/ (the first failing runs' VCDs), sweep.json (what --resume checks).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import signal
import sys
import threading
import time as host_time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exc import UsageError
from .conditions import PassCondition
from .grid import Grid, RunSpec
from .results import ResultsFile, columns, read_table, to_record, typed, write_parquet

RESULTS, PARQUET, MANIFEST, PLOT, VCD_DIR = (
    "results.csv",
    "results.parquet",
    "sweep.json",
    "summary.png",
    "vcd",
)
CHECKED_COMBOS = 64  # parameter combinations set up in the driver before the sweep starts
CONNECT_TIMEOUT = "20s"  # to reach a --scheduler


@dataclass
class SweepOptions:
    out: Path
    condition: PassCondition = field(default_factory=PassCondition)
    scheduler: str | None = None  # tcp://host:8786; None: a LocalCluster
    workers: int | None = None  # LocalCluster size; None: one per core
    timeout_s: float = 60.0  # wall-time limit of one run
    keep_vcd: int = 20  # VCDs of the first failing runs to save
    resume: bool = False
    overwrite: bool = False
    batch: int | None = None  # runs per Dask task; None: from the sweep's size
    progress: bool = False
    plot: bool = True


@dataclass
class SweepResult:
    rows: list[dict[str, Any]]  # the whole table (typed), earlier rows of a resumed sweep included
    total: int  # runs in the grid
    param_keys: list[str]
    interrupted: bool = False
    written: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [row for row in self.rows if not row["passed"]]


def _prepare(grid: Grid, options: SweepOptions) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """Check the output folder against --resume/--overwrite (writing nothing yet); return the rows
    to keep and the sweep's manifest."""
    out = options.out
    results = out / RESULTS
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file: give a folder for the sweep's results")
    manifest = {"definition": grid.definition(), "condition": options.condition.describe()}
    keep: list[dict[str, str]] = []
    if options.resume:
        if not results.is_file():
            raise UsageError(f"nothing to resume: {results} does not exist")
        try:
            earlier = json.loads((out / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            raise UsageError(f"cannot resume: {out / MANIFEST} is missing or damaged") from None
        for part in ("definition", "condition"):
            for key, value in manifest[part].items():
                if earlier.get(part, {}).get(key) != value:
                    raise UsageError(
                        f"cannot resume: {key} was {earlier.get(part, {}).get(key)!r} in the "
                        f"sweep in {out}, now {value!r}"
                    )
        keep = [row for row in read_table(results) if row["status"] != "error"]
    elif results.exists() and not options.overwrite:
        raise UsageError(
            f"{results} exists: --resume to continue that sweep, --overwrite to start again"
        )
    return keep, manifest


def check_runs(runs: list[RunSpec]) -> None:
    """Set up (without running) one run of each parameter combination: a bad value is one line now,
    not a sweep of errors."""
    from ..run_options import CliError, _setup, run_parser

    seen: set[tuple] = set()
    for spec in runs:
        if spec.params in seen or len(seen) >= CHECKED_COMBOS:
            continue
        seen.add(spec.params)
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            try:
                world, _ = _setup(run_parser().parse_args(spec.argv))
            except (CliError, UsageError, ValueError) as error:
                raise UsageError(f"bad run `{spec.command}`: {error}") from None
            world.recorder.close()


def _batch_size(options: SweepOptions, pending: int, workers: int) -> int:
    if options.batch is not None:
        if options.batch < 1:
            raise UsageError(f"bad --batch {options.batch}: at least 1 run per task")
        return options.batch
    # ~8 tasks per worker: Dask's per-task cost (a few ms of CPU across client, scheduler and
    # worker) spread over several runs, still fine-grained enough for streaming and retries
    return max(1, min(50, pending // (max(1, workers) * 8)))


def _start_cluster(options: SweepOptions) -> tuple[Any, Any]:
    from dask.distributed import Client

    if options.scheduler:
        try:
            return Client(options.scheduler, timeout=CONNECT_TIMEOUT), None
        except (OSError, TimeoutError, ValueError) as error:
            raise UsageError(f"cannot reach the scheduler {options.scheduler}: {error}") from None
    workers = options.workers or os.cpu_count() or 1
    if workers < 1:
        raise UsageError(f"bad --workers {workers}: at least 1")
    try:
        return start_local_cluster(workers)
    except (OSError, RuntimeError, TimeoutError) as error:  # no ports, no processes, a slow start
        raise UsageError(
            f"cannot start a local Dask cluster of {workers} workers: {error}"
        ) from None


# a sweep's own workers only wait on their run processes: Dask's sampling profiler (every 10 ms) and
# GIL monitor would cost CPU per worker and tell nothing about the runs
LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
}


def start_local_cluster(workers: int) -> tuple[Any, Any]:
    """A LocalCluster of `workers` single-thread worker processes for a sweep, and its Client."""
    import dask
    from dask.distributed import Client, LocalCluster

    from .task import IgnoreCtrlC

    # the workers start with Ctrl-C ignored (SIG_IGN survives their exec; see IgnoreCtrlC)
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
    try:
        with dask.config.set(LOCAL_CONFIG):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address="127.0.0.1:0",  # a free port: never "8787 is already in use"
                silence_logs=logging.CRITICAL,  # a run's trouble is in its row, not in log lines
            )
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
    client = Client(cluster)
    client.register_plugin(IgnoreCtrlC())
    return client, cluster


def _vcd_name(spec_key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", spec_key)[:150] + ".vcd"


def run_sweep(
    grid: Grid,
    options: SweepOptions,
    *,
    client: Any = None,
    on_row: Callable[[dict[str, Any]], None] | None = None,
) -> SweepResult:
    """Run every run of `grid` not already in the output folder; return the whole table.
    `client`: a dask Client to use (else one is made from the options); `on_row` sees each new row.
    A KeyboardInterrupt stops the sweep: what finished is in results.csv, `interrupted` is set."""
    options.condition.check()
    keep, manifest = _prepare(grid, options)
    done = {row["run"] for row in keep}
    specs = grid.runs()
    pending = [spec for spec in specs if spec.key not in done]
    check_runs(pending)
    param_keys = grid.param_keys
    made = client is None  # a client (and cluster) of our own is closed after the sweep
    cluster = None
    if pending and made:
        # before anything is written: an unreachable scheduler leaves the folder as it was
        client, cluster = _start_cluster(options)
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    results = ResultsFile(options.out / RESULTS, param_keys, keep)
    result = SweepResult([], len(specs), param_keys)
    progress = _Progress(len(specs), len(keep), sum(r["passed"] != "True" for r in keep), options)
    try:
        if pending:
            _stream(client, pending, param_keys, options, results, progress, on_row)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        progress.stop()
        results.close()
        if made and client is not None:
            _close(client, cluster)
    rows = typed(read_table(options.out / RESULTS))
    result.rows = rows
    result.written.append(f"results written to {options.out / RESULTS}")
    if write_parquet(rows, columns(param_keys), options.out / PARQUET):
        result.written.append(f"Parquet table written to {options.out / PARQUET}")
    if options.plot and rows:
        from .report import plot_summary

        plot_summary(rows, param_keys, options.out / PLOT)
        result.written.append(f"summary plot written to {options.out / PLOT}")
    return result


def _close(client: Any, cluster: Any) -> None:
    with contextlib.suppress(Exception):
        client.close()
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close()


def _stream(
    client: Any,
    pending: list[RunSpec],
    param_keys: list[str],
    options: SweepOptions,
    results: ResultsFile,
    progress: _Progress,
    on_row: Callable[[dict[str, Any]], None] | None,
) -> None:
    from dask.distributed import as_completed

    from .task import run_batch, warm

    with contextlib.suppress(Exception):
        client.run(warm)  # every worker's child starts now, not inside a run's wall time
    workers = len(client.scheduler_info().get("workers", {})) or 1
    size = _batch_size(options, len(pending), workers)
    config = {
        "condition": options.condition,
        "timeout_s": options.timeout_s,
        "want_vcd": options.keep_vcd > 0,
        "cwd": os.getcwd(),
    }
    batches: dict[Any, list[dict[str, Any]]] = {}
    for i in range(0, len(pending), size):
        runs = [
            {
                "run": s.key,
                "seed": s.seed,
                "params": dict(s.params),
                "argv": list(s.argv),
                "command": s.command,
            }
            for s in pending[i : i + size]
        ]
        future = client.submit(run_batch, runs, config, pure=False, retries=1)
        batches[future] = runs
    saved = 0
    vcd_dir = options.out / VCD_DIR
    try:
        for future in as_completed(list(batches)):
            try:
                rows = future.result()
            except Exception as error:  # KilledWorker after repeated deaths, a lost scheduler
                rows = [
                    dict(
                        run, status="error", passed=False, reason=f"{type(error).__name__}: {error}"
                    )
                    for run in batches[future]
                ]
            for row in rows:
                data = row.pop("vcd_bytes", None)
                if data and saved < options.keep_vcd:
                    vcd_dir.mkdir(exist_ok=True)
                    path = vcd_dir / _vcd_name(row["run"])
                    path.write_bytes(data)
                    row["vcd"] = str(path)
                    saved += 1
                results.write(to_record(row, param_keys))
                progress.advance(bool(row.get("passed")))
                if on_row is not None:
                    on_row(row)
            del batches[future]
    finally:
        for future in batches:
            future.cancel()


class _Progress:
    """runs done of total, failing so far, ETA: a rich bar on stderr when it is a terminal."""

    def __init__(self, total: int, done: int, failing: int, options: SweepOptions) -> None:
        self.bar: Any = None
        if not options.progress:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("[bold]sweep"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failing]} failing"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        self.failing = failing
        self.task = self.bar.add_task("sweep", total=total, completed=done, failing=failing)
        self.bar.start()
        self._last = 0.0

    def advance(self, passed: bool) -> None:
        if self.bar is None:
            return
        self.failing += not passed
        self.bar.update(self.task, advance=1, failing=self.failing)
        now = host_time.monotonic()
        if now - self._last > 0.1:
            self._last = now
            self.bar.refresh()

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
