"""Sweeps: the same run over many seeds and parameters, on Dask (docs/sweeps.md)."""
