"""NetCDF input/output: atomic writes with compression, CF-1.10 attributes, and loading a study.

Every file the workflow writes goes through :func:`write_netcdf`, which makes it CF-1.10
compliant in one place (:func:`cf_dataset`; tested with IOOS compliance-checker's ``cf:1.10``
suite on every file of the tiny study, ``tests/test_cf_compliance.py``):

- reduced units: a quantity in units of omega_a (``omega_a``, ``omega_a^-1``, ``omega_a^2``) or in
  nats is stored with ``units = "1"`` and its unit of reference in ``reduced_units``
  (:func:`qbattery.vocabulary.cf_units`; ``docs/vocabulary.md`` states the convention);
- ``standard_name = "time"`` is dropped from any variable whose units are not ``<unit> since <epoch>``
  (the charging time is a duration in 1/omega_a, not a calendar time);
- coordinates carry no ``_FillValue`` (CF 2.5.1);
- a ``title`` global attribute names the stage and the model, if the dataset has none.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

from .vocabulary import REDUCED_UNITS, cf_units


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


#: directories of results/<study>/ named after the stage that writes them (used for the title)
STAGE_DIRS = ("simulate", "power", "open", "correlations", "work", "thermal")


def _title(ds: xr.Dataset, path: Path | None) -> str:
    """``qbattery <stage>: <model title> (<model>)`` from the dataset's attributes (and the path)."""
    stage = str(ds.attrs.get("stage", "")).split(":")[0].strip()
    if not stage and path is not None:
        stage = next((p.name for p in list(path.parents)[:2] if p.name in STAGE_DIRS), "")
    model = ds.attrs.get("model") or ds.attrs.get("protocol") or ""
    label = ds.attrs.get("model_title") or ds.attrs.get("protocol_title") or ""
    what = f"{label} ({model})" if label and model and label != model else (label or model)
    return " ".join(x for x in ("qbattery", f"{stage}:" if stage and what else stage, what) if x)


def cf_dataset(ds: xr.Dataset, path: str | os.PathLike | None = None) -> xr.Dataset:
    """A shallow copy of ``ds`` with CF-1.10 attributes (see the module docstring); idempotent."""
    out = ds.copy(deep=False)
    for v in out.variables.values():
        a = dict(v.attrs)
        units = a.get("units")
        if isinstance(units, str) and units in REDUCED_UNITS:
            a.update(cf_units(units))
        if a.get("standard_name") == "time" and " since " not in str(a.get("units", "")):
            del a["standard_name"]
        v.attrs = a
    if not out.attrs.get("title"):
        out.attrs["title"] = _title(out, None if path is None else Path(path))
    return out


def netcdf_encoding(ds: xr.Dataset) -> dict[str, dict]:
    """Encoding of every file: zlib level 4 on numeric arrays, no ``_FillValue`` on coordinates (CF 2.5.1)."""
    encoding = {
        name: {"zlib": True, "complevel": 4} for name, var in ds.variables.items() if np.issubdtype(var.dtype, np.number) and var.ndim > 0
    }
    for name in ds.coords:
        encoding.setdefault(name, {})["_FillValue"] = None
    for name, var in ds.variables.items():
        if var.dtype.kind in "UO":  # text labels as classic char arrays (NetCDF-3 types), not variable-length strings
            encoding.setdefault(name, {}).setdefault("dtype", "S1")
        elif name in encoding and "dtype" in var.encoding:  # an explicit encoding replaces the variable's own: keep its dtype
            encoding[name].setdefault("dtype", var.encoding["dtype"])
    return encoding


def write_netcdf(ds: xr.Dataset, path: str | os.PathLike) -> None:
    """Write ``ds`` to ``path`` (netcdf4, zlib) through a temporary file and an atomic rename,
    so that an interrupted job never leaves a half-written file under the final name.
    The file gets CF-1.10 attributes (:func:`cf_dataset`); coordinates no ``_FillValue``. A write
    that fails (full disk, read-only folder) raises :class:`ResultsWriteError` in one line."""
    path = Path(path)
    ds = cf_dataset(ds, path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a killed earlier attempt
            stale.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as err:
        raise _write_error(path, err) from None
    encoding = netcdf_encoding(ds)
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
