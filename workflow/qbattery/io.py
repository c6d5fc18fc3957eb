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

import os
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

from .vocabulary import REDUCED_UNITS, cf_units

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
    return encoding


def write_netcdf(ds: xr.Dataset, path: str | os.PathLike) -> None:
    """Write ``ds`` to ``path`` (netcdf4, zlib) through a temporary file and an atomic rename,
    so that an interrupted job never leaves a half-written file under the final name.
    The file gets CF-1.10 attributes (:func:`cf_dataset`); coordinates no ``_FillValue``."""
    path = Path(path)
    ds = cf_dataset(ds, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a killed earlier attempt
        stale.unlink(missing_ok=True)
    encoding = netcdf_encoding(ds)
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
