"""Scheduler requests of the stages' jobs (cluster runs): memory, wall time and job grouping,
from a (job) config."""

from __future__ import annotations

from ..config import model_params, model_times, study_model
from ..models import get_model


def simulate_mem_mb(cfg: dict, model: str, N: int) -> int:
    """Memory request of one simulate job, from the model's estimate."""
    m = get_model(model)
    if m.user_defined:  # a user battery: the size of its operators
        m = study_model(cfg, model)
    return m.memory_mb(int(N), len(model_times(cfg, model)))


def grid_points(cfg: dict, model: str) -> int:
    """Number of parameter points one simulate job computes: product of the swept axes (times the
    realisations of one chunk for a random model)."""
    entry = cfg["models"][model]
    n = min(int(entry["realisations"]), int(entry.get("realisations_per_job", 8))) if "realisations" in entry else 1
    for value in model_params(cfg, model).values():
        if isinstance(value, list):
            n *= len(value)
    return n


# --------------------------------------------------------------------------------------
# Scheduler requests (cluster runs): wall time and job grouping, from the config
# --------------------------------------------------------------------------------------
EIGH_SECONDS_PER_DIM3 = 1.0e-9  # dense complex Hermitian eigh, ~10 d^3 flop at ~10 Gflop/s
POINT_OVERHEAD_SECONDS = 0.2  # per grid point: observables, ergotropy, bookkeeping
JOB_OVERHEAD_SECONDS = 30.0  # Python start, imports, NetCDF write
RUNTIME_SAFETY = 3.0  # requests are upper bounds: a job over its wall time is killed
SMALL_JOB_MINUTES = 5  # jobs estimated at most this long are bundled into group jobs
SMALL_JOB_GROUP = "small_jobs"  # bundled by the slurm profile's group-components


def dim_from_memory_mb(mem_mb: float, base_mb: float = 300.0, dense_copies: int = 3) -> float:
    """Largest dense dimension d implied by a memory estimate: (mem - base) = copies * 16 B * d^2."""
    return (max(float(mem_mb) - base_mb, 1.0) * 1e6 / (16.0 * dense_copies)) ** 0.5


def runtime_minutes(points: int, dim: float, attempt: int = 1) -> int:
    """Wall-time request [min]: RUNTIME_SAFETY x (job overhead + points x (overhead + eigh of d)),
    doubled on each retry (a job killed at its wall time is resubmitted with more)."""
    seconds = JOB_OVERHEAD_SECONDS + points * (POINT_OVERHEAD_SECONDS + EIGH_SECONDS_PER_DIM3 * dim**3)
    return max(1, int(-(-RUNTIME_SAFETY * seconds // 60))) * 2 ** (max(int(attempt), 1) - 1)


def simulate_runtime_min(cfg: dict, model: str, N: int, attempt: int = 1) -> int:
    """Wall-time request of one simulate job (all grid points of ``model`` at one N); the size of
    the problem is read off the model's memory estimate above its N = 1 floor."""
    floor = simulate_mem_mb(cfg, model, 1)
    return runtime_minutes(grid_points(cfg, model), dim_from_memory_mb(simulate_mem_mb(cfg, model, N), base_mb=floor), attempt)


def small_job_group(runtime_min: int, name: str = SMALL_JOB_GROUP) -> str | None:
    """Group of a job on a cluster: short jobs share SMALL_JOB_GROUP (the profile's
    group-components bundles them into SLURM jobs of sensible length); long jobs run alone.
    Snakemake ignores groups in local runs. A stage that depends on grouped jobs through
    a merge outside the group needs a group ``name`` of its own (a group may not be left and
    re-entered)."""
    return name if runtime_min <= SMALL_JOB_MINUTES else None


def simulate_group(cfg: dict, model: str, N: int) -> str | None:
    return small_job_group(simulate_runtime_min(cfg, model, N))


def work_statistics_runtime_min(cfg: dict, protocol: str, attempt: int = 1) -> int:
    """Wall-time request of one work-statistics job: every N x temperature x tau x swept
    parameter of ``protocol``; its size from qbattery.work_statistics.memory_mb (12 D x D arrays)."""
    from .. import work_statistics as ws

    section = cfg["work_statistics"]
    entry = section["protocols"][protocol]
    points = len(entry["N"]) * len(ws.protocol_taus(cfg, protocol)) * len(section.get("temperature", [1.0]))
    values = entry.get("parameters", {}) if get_model(protocol).user_defined else entry  # a user battery's parameters
    for key, value in values.items():
        if key not in ("N", "tau") and isinstance(value, list):
            points *= len(value)
    dim = dim_from_memory_mb(ws.memory_mb(cfg, protocol), base_mb=400.0, dense_copies=12)
    return runtime_minutes(points, dim, attempt)


def work_statistics_group(cfg: dict, protocol: str) -> str | None:
    return small_job_group(work_statistics_runtime_min(cfg, protocol))


def runtime_from_memory_min(mem_mb: float, points: int = 1, attempt: int = 1, base_mb: float = 300.0) -> int:
    """Wall-time request [min] of a job of ``points`` grid points whose memory estimate is
    ``mem_mb`` (for rules that have a memory model but no runtime model of their own)."""
    return runtime_minutes(points, dim_from_memory_mb(mem_mb, base_mb=base_mb), attempt)
