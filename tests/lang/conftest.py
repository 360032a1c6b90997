"""Fixtures for the board-language tests: an isolated compile cache and fresh counters."""

import sys
from pathlib import Path

import pytest

try:
    import pycomsim  # noqa: F401
except ImportError:  # running from a checkout without an install: use src/
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from pycomsim.firmware.lang import syntax  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_compile_cache(tmp_path, monkeypatch):
    """Every test gets its own empty mpy-cross cache and zeroed counters."""
    monkeypatch.setenv("PYCOMSIM_CACHE_DIR", str(tmp_path / "cache"))
    syntax.reset_stats()
    yield tmp_path / "cache" / "mpy-cross"
