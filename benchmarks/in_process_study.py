"""The computations of a whole study in one Python process, from its validated config, through the
same job functions the workflow runs (``qbattery.stages.run_job``) and the same merges
(``qbattery.stages.merge_grid``), with every dataset written as NetCDF as the workflow does.

What it leaves out of the workflow's work: the figure jobs and the Snakemake report (their
rendering, not a computation of results). The jobs and their config subtrees are those of the
rules' ``params.job`` (the same ``job_config`` functions); ``tests/test_benchmark_smoke.py`` checks
on the tiny study that the in-process datasets equal the workflow's.

Usage (the workflow-overhead measurement, see benchmarks/README.md):
    python benchmarks/in_process_study.py [--configfile config/config.yaml] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow"))

from qbattery import stages  # noqa: E402
from qbattery.config import validate_config  # noqa: E402
from qbattery.io import open_dataset, write_netcdf  # noqa: E402
from qbattery.stages import correlations as corr_stage  # noqa: E402
from qbattery.stages import open as open_stage  # noqa: E402
from qbattery.stages import simulate as sim_stage  # noqa: E402
from qbattery.stages import thermal as thermal_stage  # noqa: E402
from qbattery.stages import work as work_stage  # noqa: E402


def load(configfile: Path) -> dict:
    """The config as the Snakefile sees it: YAML, validated (defaults filled), stage checks run."""
    import yaml

    cfg = validate_config(yaml.safe_load(Path(configfile).read_text()))
    stages.check(cfg)
    return cfg


def run_study(cfg: dict, out: Path) -> dict[str, float]:
    """Run every result job of the study in this process into ``out`` (same layout as
    results/<study>/); returns the wall seconds per rule (and 'total')."""
    out = Path(out)
    seconds: dict[str, float] = defaultdict(float)
    t_all = time.perf_counter()

    def job(rule: str, path: Path, job_cfg: dict, inputs: dict | None = None, **wildcards) -> Path:
        t0 = time.perf_counter()
        ds = stages.run_job(rule, job_cfg, inputs or {}, {k: str(v) for k, v in wildcards.items()})
        path.parent.mkdir(parents=True, exist_ok=True)
        write_netcdf(ds, str(path))
        seconds[rule] += time.perf_counter() - t0
        return path

    def merge(rule: str, parts: list[Path], path: Path) -> Path:
        t0 = time.perf_counter()
        write_netcdf(stages.merge_grid([open_dataset(str(p)) for p in parts]), str(path))
        seconds[rule] += time.perf_counter() - t0
        return path

    sim = out / "simulate"
    points: dict[str, dict[int, Path]] = {}
    for m in sim_stage.models(cfg):
        points[m] = {
            N: job("simulate_point", sim / m / f"N{N}.nc", sim_stage.job_config(cfg, m, N), model=m, N=N)
            for N in sim_stage.n_values(cfg, m)
        }
        merge("merge_simulate", list(points[m].values()), sim / f"{m}.nc")
    for m in sim_stage.reference_models(cfg):
        job("simulate_reference", sim / "reference" / f"{m}.nc", sim_stage.reference_job_config(cfg, m), model=m)
    for m in sim_stage.models(cfg):
        inputs = {"grid": str(sim / f"{m}.nc")}
        source = sim_stage.reference_source(cfg, m)
        if source == "study":
            inputs["reference"] = str(sim / f"{sim_stage.reference_of(m)}.nc")
        elif source == "dedicated":
            inputs["reference"] = str(sim / "reference" / f"{m}.nc")
        job("analyse_power", out / "power" / f"{m}.nc", {}, inputs, model=m)
    for m in open_stage.models(cfg):
        parts = [
            job("open_point", out / "open" / m / f"N{N}.nc", open_stage.job_config(cfg, m, N), model=m, N=N)
            for N in open_stage.n_values(cfg, m)
        ]
        merge("merge_open", parts, out / "open" / f"{m}.nc")
    for m in corr_stage.models(cfg):
        power = str(out / "power" / f"{m}.nc")
        if corr_stage.split_by_N(cfg):
            parts = [
                job(
                    "correlations_point",
                    out / "correlations" / m / f"N{N}.nc",
                    corr_stage.job_config(cfg, m, N),
                    {"simulated": str(points[m][N]), "power": power},
                    model=m,
                    N=N,
                )
                for N in sim_stage.n_values(cfg, m)
            ]
            merge("merge_correlations", parts, out / "correlations" / f"{m}.nc")
        else:
            simulated = [str(p) for p in points[m].values()]
            job(
                "correlations_model",
                out / "correlations" / f"{m}.nc",
                corr_stage.job_config(cfg, m),
                {"simulated": simulated, "power": power},
                model=m,
            )
    for m in work_stage.models(cfg):
        job("work_statistics", out / "work" / f"{m}.nc", work_stage.job_config(cfg, m), model=m)
    if thermal_stage.enabled(cfg):
        job("thermal_operations", out / "thermal" / "thermal.nc", thermal_stage.job_config(cfg))
    seconds["total"] = time.perf_counter() - t_all
    return dict(seconds)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--configfile", type=Path, default=ROOT / "config" / "config.yaml")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: a temporary one)")
    a = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        secs = run_study(load(a.configfile), a.out or Path(tmp))
    for rule, s in sorted(secs.items(), key=lambda kv: -kv[1]):
        print(f"{rule:>22} {s:9.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
