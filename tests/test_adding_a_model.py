"""The 'adding a model' guide works: the module printed in docs/adding-a-model.md, dropped
into a copy of the project, runs through the whole workflow and matches its analytic solution."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import xarray as xr
import yaml

ROOT = Path(__file__).resolve().parents[1]


def guide_module() -> str:
    text = (ROOT / "docs" / "adding-a-model.md").read_text()
    block = re.search(r"<!-- model-module:start -->\s*```python\n(.*?)```\s*<!-- model-module:end -->", text, re.DOTALL)
    assert block, "module block missing from the guide"
    return block.group(1)


def test_model_from_the_guide_appears_in_every_stage_of_its_faces_and_matches_its_closed_forms(tmp_path):
    """The guide's module (closed, lindblad and work faces), dropped into a copy of the project
    with no other file touched, runs in the simulate, power, open-system and work stages:
    closed E(t) = N (g/Omega)^2 sin^2(Omega t / 2), Omega = sqrt(1 + g^2), ergotropy = energy
    (pure product state); the open face at zero rates gives the same curve, and with a bath the
    first law holds; the TPM mean work from the Gibbs state is <W> = N tanh(1/2T) (g/Omega)^2
    sin^2(Omega tau / 2) (each cell absorbs with p_g P, emits with p_e P)."""
    proj = tmp_path / "proj"
    shutil.copytree(ROOT, proj, ignore=shutil.ignore_patterns("results", ".snakemake", ".venv", ".git", "__pycache__", ".hypothesis"))
    (proj / "workflow" / "qbattery" / "models" / "precessing_cells.py").write_text(guide_module())
    cfg = {
        "study": "toy",
        "seed": 1,
        "time": {"t_max": 6.0, "points": 61},
        "models": {"precessing_cells": {"N": [1, 2, 5], "drive": [0.5, 1.0]}},
        "open_systems": {
            "time": {"t_max": 6.0, "points": 61},
            "discharge": {"t_max": 4.0, "points": 21},
            "gamma": [0.0, 0.05],
            "temperature": 0.5,
            "models": {"precessing_cells": {"N": [3], "drive": 0.5}},
        },
        "work_statistics": {"temperature": [0.5, 2.0], "tau": [1.3], "protocols": {"precessing_cells": {"N": [1, 3], "drive": 0.5}}},
    }
    (proj / "toy.yaml").write_text(yaml.safe_dump(cfg))
    env = dict(os.environ, PYTHONPATH=str(proj / "workflow"))
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "-s",
            str(proj / "Snakefile"),
            "--directory",
            str(proj),
            "--configfile",
            str(proj / "toy.yaml"),
            "--cores",
            "2",
            "power",  # the named stage targets: every face's data, no figures needed here
            "open_systems",
            "work",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    res = proj / "results" / "toy"
    ds = xr.open_dataset(res / "simulate" / "precessing_cells.nc")
    t = ds.t.values
    for N in (1, 2, 5):
        for g in (0.5, 1.0):
            Om = np.sqrt(1 + g**2)
            exact = N * (g / Om) ** 2 * np.sin(Om * t / 2) ** 2
            np.testing.assert_allclose(ds.energy.sel(N=N, drive=g).values, exact, atol=1e-10)
            np.testing.assert_allclose(ds.ergotropy.sel(N=N, drive=g).values, exact, atol=1e-10)
    assert (res / "power" / "precessing_cells.nc").exists()
    op = xr.open_dataset(res / "open" / "precessing_cells.nc")
    Om = np.sqrt(1 + 0.25)
    closed_curve = 3 * (0.5 / Om) ** 2 * np.sin(Om * op.t.values / 2) ** 2
    np.testing.assert_allclose(op.energy.sel(N=3, gamma=0.0).values.squeeze(), closed_curve, atol=1e-9)
    damped = op.energy.sel(N=3, gamma=0.05).values.squeeze()
    assert np.abs(damped - closed_curve).max() > 1e-3  # the bath does something
    assert (op.status.values == 0).all()  # first law and trace checked by the stage
    work = xr.open_dataset(res / "work" / "precessing_cells.nc")
    P = (0.5 / Om) ** 2 * np.sin(Om * 1.3 / 2) ** 2
    for T in (0.5, 2.0):
        np.testing.assert_allclose(work.mean_work.sel(N=3, temperature=T).values.squeeze(), 3 * np.tanh(1 / (2 * T)) * P, atol=1e-10)
