"""The function Dask runs on a worker: a batch of sweep runs, each in a child process of the worker
(sweep/child.py) with its wall-time limit, each answered with a complete results row."""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from .child import ChildRunner, Hang, RunnerGone, borrowed_runner, warm

__all__ = ["run_batch", "warm"]


def run_batch(runs: list[dict[str, Any]], config: dict[str, Any]) -> list[dict[str, Any]]:
    """`runs`: dicts with run, seed, params, argv, command; `config`: condition, timeout_s,
    want_vcd, cwd. One row per run, in order; a hang or a dead child is a row, never an exception."""
    with borrowed_runner() as runner:
        return [_run(runner, run, config) for run in runs]


def _run(runner: ChildRunner, run: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    request = {
        "argv": run["argv"],
        "condition": config["condition"],
        "want_vcd": config["want_vcd"],
        "cwd": config["cwd"],
    }
    limit = config["timeout_s"]
    try:
        row = runner.run(request, limit)
    except Hang:
        row = {
            "status": "hang",
            "passed": False,
            "wall_s": limit,
            "reason": f"still running after the wall-time limit of {limit:g} s",
        }
    except RunnerGone as error:
        row = {"status": "error", "passed": False, "reason": str(error)}
    row.update(run=run["run"], seed=run["seed"], params=run["params"], command=run["command"])
    return row


class IgnoreCtrlC(WorkerPlugin):
    """A Dask worker plugin for the sweep's own LocalCluster: its workers share the terminal's
    process group, so a Ctrl-C reaches them too; they leave it to the driver (which stops the
    sweep and closes the cluster) instead of each dying with a traceback. A restarted worker gets
    the plugin again from the scheduler."""

    name = "pycomsim-ignore-ctrl-c"

    def setup(self, worker: Any) -> None:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
