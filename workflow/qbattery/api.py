"""Notebook entry points: a study's results as one ``xarray.DataTree``, and as one NetCDF file.

>>> study = qbattery.load("default")           # results/default/<stage>/<name>.nc -> an xarray.DataTree
>>> study["simulate/dicke"].ergotropy.sel(N=8).plot.line(x="t")
>>> study["power/dicke"].to_dataset()          # one node as an xarray.Dataset
>>> study.config                               # the validated config the results depend on
>>> qbattery.export("default", "default.nc")   # the whole study as one NetCDF-4 file with groups
>>> xr.open_datatree("default.nc").config      # the same tree (and config) back

The tree has one child per stage directory (``simulate``, ``power``, ``open``, ``correlations``,
``work``, ``thermal``) and one grandchild per merged file (``simulate/dicke``); per-job partial
files (``simulate/dicke/N4.nc``) are not loaded. ``.config`` is a DataTree accessor (registered
when ``qbattery`` is imported): it works on any tree of qbattery datasets, e.g. one read back
from an exported file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import xarray as xr

from .io import netcdf_encoding, open_dataset


@xr.register_datatree_accessor("config")
class StudyConfig(dict):
    """``tree.config``: the validated config the results depend on, the union of every node's
    ``config_json`` (each job records the exact config subtree it read; merged grids unite their
    parts', :func:`qbattery.stages.base.merge_configs`). A ``dict``."""

    def __init__(self, tree: xr.DataTree):
        from .stages.base import merge_configs

        configs = [json.loads(node.attrs["config_json"]) for node in tree.subtree if "config_json" in node.attrs]
        super().__init__(merge_configs(configs))


def _root(study: str | os.PathLike, results_dir: str | os.PathLike) -> Path:
    root = Path(results_dir) / study
    if not root.is_dir():
        raise FileNotFoundError(f"no results for study {str(study)!r} under {Path(results_dir).resolve()}")
    return root


def load(study: str, results_dir: str | os.PathLike = "results") -> xr.DataTree:
    """Every merged NetCDF file of ``results/<study>`` as a DataTree: node ``<stage>/<name>`` holds
    ``results/<study>/<stage>/<name>.nc`` (read fully into memory); root attrs ``study`` and ``source``."""
    root = _root(study, results_dir)
    nodes: dict[str, xr.Dataset] = {"/": xr.Dataset(attrs={"study": str(study), "source": str(root.resolve())})}
    for f in sorted(root.glob("*/*.nc")):
        nodes[f"{f.parent.name}/{f.stem}"] = open_dataset(f)
    return xr.DataTree.from_dict(nodes)


def export(study: str, path: str | os.PathLike, results_dir: str | os.PathLike = "results") -> Path:
    """Write the study (:func:`load`) to ``path`` as one NetCDF-4 file, one group per node
    (``/simulate/dicke``), with the same CF attributes and encoding as the per-stage files.
    Read it back with ``xr.open_datatree(path)``."""
    tree = load(study, results_dir)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    encoding = {node.path: netcdf_encoding(node.to_dataset(inherit=False)) for node in tree.subtree if node.has_data}
    tree.to_netcdf(path, engine="netcdf4", encoding=encoding)
    return path
