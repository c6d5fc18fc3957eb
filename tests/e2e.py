"""Helpers of the end-to-end tests: run Snakemake on this checkout, the tiny config."""

import copy
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def snakemake(workdir: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--directory", str(workdir), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def tiny_config() -> dict:
    """The default config shrunk: every model and every stage kept, at two or three N and
    short grids, so that one run exercises the whole rule chain in seconds of compute."""
    cfg = copy.deepcopy(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()))
    cfg["study"] = "tiny"
    cfg["time"] = {"t_max": 16.0, "points": 81}  # covers tau* = 11.9 (ergotropy-based 14.1) of the parallel reference at coupling 0.1
    for m in cfg["models"].values():
        m["N"] = m["N"][:3]
        m.pop("time", None)
    if "work_statistics" in cfg:
        ws = cfg["work_statistics"]
        ws["temperature"], ws["tau"] = ws["temperature"][:1], ws["tau"][:1]
        for proto in ws["protocols"].values():
            proto["N"] = proto["N"][:2]
    if "thermal" in cfg:
        th = cfg["thermal"]
        th["temperature"], th["N"], th["samples"] = th["temperature"][:1], th["N"][:1], 8
        th["bath"]["sizes"] = th["bath"]["sizes"][:2]
        th["resources"] = {k: v[:2] for k, v in th["resources"].items()}
        th["protocol"]["temperature"] = th["protocol"]["temperature"][:2]
    if "open_systems" in cfg:
        op = cfg["open_systems"]
        op["time"], op["discharge"] = {"t_max": 10.0, "points": 41}, {"t_max": 10.0, "points": 21}
        op["gamma"], op["temperature"] = [0.0, 0.05], [0.0]
        for m in op["models"].values():
            m["N"] = m["N"][:1]
    if "control" in cfg:
        ctl = cfg["control"]
        ctl["times"], ctl["bisection"], ctl["restarts"] = {"t_min": 1.0, "t_max": 3.5, "points": 2}, 2, 1
        for case in ctl["cases"].values():
            case["N"] = case["N"][:1]
    return cfg
