"""The results table: one CSV row per finished run, appended and flushed as each run comes back, so
an interrupted sweep keeps everything it finished and `--resume` knows what is left. At the end the
same table is also written as Parquet when pyarrow is installed (the `sweep` extra brings it).

Columns: run (its key: seed and parameter values), seed, one column per parameter, status (pass, fail,
hang, error), passed, exit_code, virtual_ns (virtual end time), wall_s, edges (all pads),
edges_by_pin (JSON), callbacks, dropped, faults, reason (why it did not pass), vcd (the saved VCD of a
failing run), command (the `pycomsim run` line that reproduces it).
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import IO, Any

from ..exc import UsageError
from .grid import RESULT_COLUMNS

INT_COLUMNS = ("seed", "exit_code", "virtual_ns", "edges", "callbacks", "dropped", "faults")


def columns(param_keys: list[str]) -> list[str]:
    return ["run", "seed", *param_keys, *RESULT_COLUMNS[2:]]


def to_record(row: dict[str, Any], param_keys: list[str]) -> dict[str, Any]:
    """A worker's row -> the table's columns (JSON for the per-pin edges, '' for what is unknown)."""
    record = {name: row.get(name, "") for name in columns(param_keys)}
    for key in param_keys:
        record[key] = row.get("params", {}).get(key, "")
    record["edges_by_pin"] = json.dumps(row.get("edges_by_pin") or {}, sort_keys=True)
    for name in ("exit_code", "virtual_ns"):
        if record[name] is None:
            record[name] = ""
    return record


def read_table(path: Path) -> list[dict[str, str]]:
    """The rows of a results CSV as strings; a last line cut short by an interrupt is left out."""
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None
    if not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]  # an interrupted write: drop the partial line
    reader = csv.DictReader(text.splitlines(keepends=True))
    if reader.fieldnames is None or "run" not in reader.fieldnames:
        raise UsageError(f"{path} is not a sweep results table (no 'run' column)")
    width = len(reader.fieldnames)
    return [row for row in reader if None not in row and len(row) == width]


class ResultsFile:
    """The CSV being written: a header, then one flushed line per run."""

    def __init__(self, path: Path, param_keys: list[str], keep: list[dict[str, str]]) -> None:
        self.path = path
        self.fields = columns(param_keys)
        # rewrite what is kept (a resume drops rows that are to run again), then append
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, self.fields, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(keep)
        os.replace(tmp, path)
        self._file: IO[str] = open(path, "a", newline="", encoding="utf-8")
        self._writer = csv.DictWriter(self._file, self.fields, extrasaction="ignore")

    def write(self, record: dict[str, Any]) -> None:
        self._writer.writerow(record)
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def typed(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """CSV strings -> ints, floats and bools, for Parquet, the summary and the plot."""
    out = []
    for row in rows:
        r: dict[str, Any] = dict(row)
        for name in INT_COLUMNS:
            r[name] = int(row[name]) if row.get(name, "") != "" else None
        r["wall_s"] = float(row["wall_s"]) if row.get("wall_s", "") != "" else None
        r["passed"] = row.get("passed") == "True"
        out.append(r)
    return out


def write_parquet(rows: list[dict[str, Any]], fields: list[str], path: Path) -> bool:
    """The table as Parquet; False (nothing written) when pyarrow is not installed."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return False
    table = pa.Table.from_pydict({name: [row.get(name) for row in rows] for name in fields})
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    return True
