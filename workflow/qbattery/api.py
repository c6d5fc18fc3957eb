"""Notebook entry points: open a study's results as one object.

>>> study = qbattery.load("default")          # results/default/**.nc
>>> study["simulate/dicke"].ergotropy.sel(N=8).plot.line(x="time")
>>> study.config                               # the validated config the results depend on
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import xarray as xr

from .io import open_dataset


@dataclass
class Study:
    """All merged datasets of one study, keyed by ``<stage>/<name>`` (e.g. ``power/dicke``)."""

    path: Path
    datasets: dict[str, xr.Dataset] = field(default_factory=dict)

    def __getitem__(self, key: str) -> xr.Dataset:
        try:
            return self.datasets[key]
        except KeyError:
            raise KeyError(f"{key!r} not in study {self.path.name}; available: {', '.join(sorted(self.datasets))}") from None

    def __iter__(self):
        return iter(sorted(self.datasets))

    def __len__(self) -> int:
        return len(self.datasets)

    @property
    def config(self) -> dict:
        """The validated config the results depend on: the union of every dataset's config
        (each job records the exact config subtree it read; merged grids unite their parts')."""
        from .stages.base import merge_configs

        return merge_configs([json.loads(ds.attrs["config_json"]) for ds in self.datasets.values() if "config_json" in ds.attrs])

    def __repr__(self) -> str:
        lines = [f"Study {self.path.name!r} at {self.path}:"]
        for k in sorted(self.datasets):
            ds = self.datasets[k]
            dims = ", ".join(f"{d}: {n}" for d, n in ds.sizes.items())
            lines.append(f"  {k:<32} ({dims})")
        return "\n".join(lines)


def load(study: str, results_dir: str | Path = "results") -> Study:
    """Open every merged NetCDF of ``results/<study>`` (per-job partial files are skipped)."""
    root = Path(results_dir) / study
    if not root.is_dir():
        raise FileNotFoundError(f"no results for study {study!r} under {Path(results_dir).resolve()}")
    out = Study(root)
    for f in sorted(root.glob("*/*.nc")):
        out.datasets[f"{f.parent.name}/{f.stem}"] = open_dataset(f)
    return out
