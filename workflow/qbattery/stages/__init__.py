"""The workflow's stages, each following the contract of :mod:`qbattery.stages.base`:
``simulate`` (and ``power``), ``open``, ``correlations``, ``work``, ``thermal``, ``control``.

The Snakemake rules take from here which jobs exist, each job's config subtree (its ``params``),
resources and inputs; one script runs any job through :func:`run_job`. Stage modules are
imported on first use, so a job imports only its own stage's library (and its imports).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import xarray as xr

from .base import JOB_FUNCTIONS, merge_attrs, merge_grid, prune

#: stage name -> module; rule name -> stage whose module registers its job function
STAGES = ("simulate", "open", "correlations", "work", "thermal", "control")
RULE_STAGES = {
    "simulate_point": "simulate",
    "simulate_reference": "simulate",
    "simulate_realisations": "simulate",
    "simulate_normalised": "simulate",
    "analyse_power": "simulate",
    "open_point": "open",
    "correlations_point": "correlations",
    "correlations_model": "correlations",
    "work_statistics": "work",
    "thermal_operations": "thermal",
    "control_point": "control",
}


def __getattr__(name: str):
    if name in STAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run_job(rule: str, job_config: Mapping, inputs: Mapping[str, Any], wildcards: Mapping[str, str]) -> xr.Dataset:
    """The dataset of one workflow job: the library function registered for ``rule`` on the
    job's config subtree and its input files."""
    if rule not in RULE_STAGES:
        raise ValueError(f"no job function for rule {rule!r}; known: {', '.join(sorted(RULE_STAGES))}")
    importlib.import_module(f"{__name__}.{RULE_STAGES[rule]}")
    return JOB_FUNCTIONS[rule](job_config, inputs, wildcards)


def check(cfg: Mapping) -> None:
    """Every stage's checks that the schema cannot express (ConfigError), before any job runs."""
    for name in ("simulate", "open", "correlations", "work", "thermal", "control"):
        importlib.import_module(f"{__name__}.{name}").check(cfg)


__all__ = ["JOB_FUNCTIONS", "RULE_STAGES", "STAGES", "check", "merge_attrs", "merge_grid", "prune", "run_job"]
