"""The workflow's stages, each following the contract of :mod:`qbattery.stages.base`:
``simulate`` (and ``power``), ``open``, ``correlations``, ``work``, ``thermal``.

The Snakemake rules take from here which jobs exist, each job's config subtree (its ``params``),
resources and inputs; one script runs any job through :func:`run_job`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import xarray as xr

from . import correlations

from . import open

from . import simulate

from . import thermal

from . import work  # noqa: A004  (stage modules register their jobs
from .base import JOB_FUNCTIONS, merge_attrs, merge_grid, prune

STAGES = {"simulate": simulate, "open": open, "correlations": correlations, "work": work, "thermal": thermal}


def run_job(rule: str, job_config: Mapping, inputs: Mapping[str, Any], wildcards: Mapping[str, str]) -> xr.Dataset:
    """The dataset of one workflow job: the library function registered for ``rule`` on the
    job's config subtree and its input files."""
    try:
        fn = JOB_FUNCTIONS[rule]
    except KeyError:
        raise ValueError(f"no job function for rule {rule!r}; known: {', '.join(sorted(JOB_FUNCTIONS))}") from None
    return fn(job_config, inputs, wildcards)


def check(cfg: Mapping) -> None:
    """Every stage's checks that the schema cannot express (ConfigError), before any job runs."""
    open.check(cfg)
    correlations.check(cfg)


__all__ = ["JOB_FUNCTIONS", "STAGES", "check", "merge_attrs", "merge_grid", "prune", "run_job"]
