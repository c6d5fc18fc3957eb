"""Stage ``work``: two-point-measurement work statistics of every model of
``work_statistics.protocols`` (its work face), one job per model over its whole grid."""

from __future__ import annotations

from collections.abc import Mapping

import xarray as xr

from .. import work_statistics as ws
from ..models import get_model
from .base import job_function, job_numerics, numerics_subtree

SECTION = "work_statistics"
#: section keys every work job reads
SETTINGS_KEYS = ("temperature", "tau", "merge_tol", "atom_tol", "jarzynski_tol", "crooks_tol")
#: numerics of the stage (health policy); a cavity route also reads the Fock-cutoff settings
NUMERICS_KEYS = ("on_violation", "norm_tol")
FOCK_NUMERICS = ("fock_extra", "fock_auto", "fock_max_factor", "truncation_tol")


def section(cfg: Mapping) -> dict:
    return cfg.get(SECTION) or {}


def models(cfg: Mapping) -> list[str]:
    return sorted(section(cfg).get("protocols", {}))


def job_config(cfg: Mapping, model: str) -> dict:
    """Config subtree of a work job: the model's entry, the section's settings, the numerics."""
    sec = section(cfg)
    sub = {k: sec[k] for k in SETTINGS_KEYS if k in sec}
    sub["protocols"] = {model: dict(sec["protocols"][model])}
    keys = NUMERICS_KEYS + (FOCK_NUMERICS if _has_cavity(model) else ())
    return {SECTION: sub, "numerics": numerics_subtree(cfg, keys)}


def _has_cavity(model: str) -> bool:
    """Whether the work face of ``model`` truncates a cavity (and so reads the Fock settings)."""
    return bool(get_model(model, face="work").work_cavity)


@job_function("work_statistics")
def _work_job(job_cfg: Mapping, inputs: Mapping, wildcards: Mapping) -> xr.Dataset:
    return ws.work_statistics_dataset(dict(job_cfg), wildcards["model"], numerics=job_numerics(job_cfg))


def mem_mb(cfg: Mapping, model: str) -> int:
    return ws.memory_mb(dict(cfg), model)


def check(cfg: Mapping) -> None:
    """Before any job: every protocol's memory estimate (``work_statistics.memory_mb``, 12 dense
    D x D arrays of its largest sector) within ``resources.max_mem_mb`` (a Dicke protocol at
    N = 4096 would need ~88 TB)."""
    from ..validation import CONFIG, check_memory

    limit = (cfg.get("resources") or {}).get("max_mem_mb")
    for name in models(cfg):
        N = max(int(n) for n in section(cfg)["protocols"][name]["N"])
        check_memory(f"{CONFIG}{SECTION}.protocols.{name}.N", N, mem_mb(cfg, name), limit, "resources.max_mem_mb")
