"""DAG scale of a cluster-sized study: time of a dry run (``snakemake -n``) and its job count.

A synthetic config with thousands of jobs: the default study with every model's N list
stretched to ``n_per_model`` values (simulate jobs = sum of the N lists). Run as a script:

    python tests/slurm/dag_scale.py [n_per_model] [--profile workflow/profiles/slurm]

prints the wall time of the dry run and the job counts; tests/test_slurm_dag.py asserts the
issue's bound (under 30 s).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# models whose N is bounded (the catalogue's max_N and Model.refuse bound the others); lmg's N is not, but
# its 400 values would add 1200 jobs: capped, so that the synthetic DAG keeps its size as the catalogue grows
LIMITS = {"spin_chain": 20, "spin_chain_parallel": 20, "charger_mediated_tls": 5, "lmg": 40}


def large_config(n_per_model: int) -> dict:
    """The default config with each model's N list stretched to up to n_per_model values."""
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg["study"] = "dagscale"
    cfg.setdefault("resources", {})["max_mem_mb"] = 10**7  # the DAG, not the memory, is measured here
    cfg.setdefault("numerics", {})["fock_max_factor"] = 64  # nor the Fock cutoff (large N at strong coupling needs more)
    from qbattery.config import model_params, refused_point
    from qbattery.models import get_model

    for name, entry in cfg["models"].items():
        lo = min(int(n) for n in entry["N"])
        model = get_model(name)
        hi = min(LIMITS.get(name, lo + n_per_model - 1), model.max_N("closed"))
        while hi > lo and refused_point(model, hi, model_params(cfg, name)):  # a bound on the grid that depends on N
            hi -= 1
        entry["N"] = list(range(lo, hi + 1))
    return cfg


def dry_run(workdir: Path, cfg: dict, *extra: str, timeout: int = 300) -> tuple[float, dict[str, int], str]:
    """Seconds of `snakemake -n` on cfg, its job counts per rule, and its output. With a cluster
    profile the counts also hold ``group_jobs`` and ``submissions`` (group jobs + ungrouped
    jobs other than the local target rule `all`): the number of SLURM jobs the run would submit."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "large.yaml").write_text(yaml.safe_dump(cfg))
    cmd = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--directory", str(workdir)]
    cmd += ["--configfile", str(workdir / "large.yaml"), "-n", *extra]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    seconds = time.monotonic() - t0
    if p.returncode != 0:
        raise RuntimeError(p.stdout[-3000:] + p.stderr[-3000:])
    out = p.stdout + p.stderr
    counts = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)\s*$", out, re.M)}
    counts["group_jobs"] = len(re.findall(r"\] Group job ", out))
    counts["submissions"] = counts["group_jobs"] + len(re.findall(r"^rule (?!all:)\w+:", out, re.M))
    return seconds, counts, out


if __name__ == "__main__":
    import argparse
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n_per_model", type=int, nargs="?", default=400)
    ap.add_argument("--profile", help="a workflow profile, e.g. workflow/profiles/slurm")
    args = ap.parse_args()
    extra = ["--workflow-profile", str(Path(args.profile).resolve())] if args.profile else []
    n = args.n_per_model
    with tempfile.TemporaryDirectory() as d:
        seconds, counts, _ = dry_run(Path(d), large_config(n), *extra)
    print(f"dry run: {seconds:.1f} s, jobs: {counts}")
