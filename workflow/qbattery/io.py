"""NetCDF input/output: atomic writes with compression, and loading a study."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr


def write_netcdf(ds: xr.Dataset, path: str | os.PathLike) -> None:
    """Write ``ds`` to ``path`` (netcdf4, zlib) through a temporary file and an atomic rename,
    so that an interrupted job never leaves a half-written file under the final name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a killed earlier attempt
        stale.unlink(missing_ok=True)
    encoding = {
        name: {"zlib": True, "complevel": 4} for name, var in ds.variables.items() if np.issubdtype(var.dtype, np.number) and var.ndim > 0
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        ds.to_netcdf(tmp, engine="netcdf4", encoding=encoding)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_dataset(path: str | os.PathLike) -> xr.Dataset:
    """Open a NetCDF file fully into memory (the file is closed afterwards)."""
    with xr.open_dataset(path, engine="netcdf4") as ds:
        return ds.load()
