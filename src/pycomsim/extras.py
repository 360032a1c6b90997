"""pycomsim's optional parts and the pip extra that installs each: `pip install .` is enough to run
scripts, write VCD files and use the pytest plugin; plots and the live UI need more."""

from __future__ import annotations

import importlib

from .exc import UsageError

# extra name -> the modules it brings (pyproject.toml [project.optional-dependencies])
EXTRAS: dict[str, tuple[str, ...]] = {
    "plot": ("matplotlib",),
    "ui": ("starlette", "uvicorn", "websockets"),
    "sweep": ("distributed", "matplotlib"),  # pyarrow is optional: Parquet when it is there
}


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def require_extra(extra: str, feature: str) -> None:
    """UsageError (one line: exit 2 on the CLI) naming the extra to install when `feature` (e.g.
    '--plot') needs modules that are not installed."""
    missing = [module for module in EXTRAS[extra] if not _importable(module)]
    if missing:
        raise UsageError(
            f"{feature} needs {', '.join(missing)}, which is not installed: "
            f"pip install 'pycomsim[{extra}]' (in a clone: .venv/bin/pip install -e '.[{extra}]')"
        )
