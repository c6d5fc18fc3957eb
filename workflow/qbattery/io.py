"""NetCDF input/output: atomic writes with compression, and loading a study."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr


class DamagedFileError(RuntimeError):
    """A NetCDF file that cannot be read (truncated, corrupted, not NetCDF): one line naming it
    and how to rebuild it."""


class ResultsWriteError(RuntimeError):
    """A results file that cannot be written (full disk, read-only or forbidden folder): one line."""


#: errno -> what the user can do about a failed write
WRITE_ERRORS = {
    errno.ENOSPC: "no space left on the device: free space or move the results folder",
    errno.EDQUOT: "disk quota exceeded: free space or move the results folder",
    errno.EROFS: "the file system is read-only: run in a writable directory (snakemake --directory)",
    errno.EACCES: "permission denied: make the results folder writable or run in another directory",
    errno.EPERM: "operation not permitted: make the results folder writable or run in another directory",
}


def _write_error(path: Path, err: OSError) -> ResultsWriteError:
    what = WRITE_ERRORS.get(err.errno or -1, err.strerror or str(err))
    return ResultsWriteError(f"cannot write {path}: {what} ({os.strerror(err.errno) if err.errno else type(err).__name__})")


def write_netcdf(ds: xr.Dataset, path: str | os.PathLike) -> None:
    """Write ``ds`` to ``path`` (netcdf4, zlib) through a temporary file and an atomic rename,
    so that an interrupted job never leaves a half-written file under the final name."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a killed earlier attempt
            stale.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as err:
        raise _write_error(path, err) from None
    encoding = {
        name: {"zlib": True, "complevel": 4} for name, var in ds.variables.items() if np.issubdtype(var.dtype, np.number) and var.ndim > 0
    }
    try:
        ds.to_netcdf(tmp, engine="netcdf4", encoding=encoding)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise _write_error(path, err) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_dataset(path: str | os.PathLike) -> xr.Dataset:
    """Open a NetCDF file fully into memory (the file is closed afterwards). A file that cannot
    be read (truncated by a full disk, corrupted) raises :class:`DamagedFileError` saying how to
    rebuild it; a missing file stays a FileNotFoundError."""
    if not Path(path).exists():
        raise FileNotFoundError(errno.ENOENT, "no such file", str(path))
    try:
        with xr.open_dataset(path, engine="netcdf4") as ds:
            return ds.load()
    except (OSError, ValueError, RuntimeError, KeyError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise DamagedFileError(
            f"{path} is damaged or not a NetCDF file ({reason[:200]}): delete it and run snakemake again, which rebuilds it from its inputs"
        ) from None
