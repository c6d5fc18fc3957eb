"""
From a notebook to a study
==========================

Everything in tutorials 1-7 is a library call. A *study* is the same computation written as a
config: Snakemake runs one job per parameter point, merges the points into one NetCDF grid per
model, analyses the power and draws the figures. This tutorial writes a small config, runs the
workflow, opens its results with ``qbattery.load`` and checks that the numbers are those of the
library call, then shows the command that moves the same study to a SLURM cluster.
"""

# %%
# The config
# ----------
# A model parameter given as a list is swept, a scalar is fixed; every key is documented in
# ``docs/config.md`` and validated against the JSON schema before any job runs. The Dicke battery
# at three sizes and two couplings (its parallel reference is simulated by the workflow itself):
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

import qbattery

try:
    ROOT = Path(__file__).resolve().parents[2]
except NameError:  # run cell by cell in a notebook from docs/tutorials
    ROOT = Path.cwd().resolve().parents[1]
config = {
    "study": "tutorial",
    "seed": 1234,
    "time": {"t_max": 20.0, "points": 201},
    "models": {"dicke": {"N": [2, 4, 8], "coupling": [0.1, 0.2], "omega_c": 1.0}},
}
workdir = Path(tempfile.mkdtemp(prefix="qbattery-tutorial-"))
(workdir / "tutorial.yaml").write_text(yaml.safe_dump(config))

# %%
# Run it
# ------
# From a shell this is ``snakemake --cores 2 --configfile tutorial.yaml power`` in the checkout
# (``power``: the simulate and power stages only; without a target every stage and the figures
# run). Here the results go to a temporary directory.
cmd = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--directory", str(workdir),
       "--configfile", str(workdir / "tutorial.yaml"), "--cores", "2", "power"]
run = subprocess.run(cmd, capture_output=True, text=True)
assert run.returncode == 0, run.stderr[-3000:]

# %%
# Load it
# -------
# ``qbattery.load`` opens every merged file of ``results/<study>``; ``.config`` is the validated
# config the results depend on (the schema's defaults filled in).
study = qbattery.load("tutorial", results_dir=workdir / "results")
print(study)
assert study.config["models"]["dicke"]["N"] == [2, 4, 8]
power = study["power/dicke"]
print(power.quantum_advantage.to_pandas().round(3))

# %%
# The same numbers from the library
# ---------------------------------
# The workflow's jobs call the same functions: the merged grid equals one ``qbattery.simulate``
# call on the same grid and numerics, point for point.
times = np.linspace(0, config["time"]["t_max"], config["time"]["points"])
sim = qbattery.simulate("dicke", N=[2, 4, 8], coupling=[0.1, 0.2], omega_c=1.0, times=times, config=study.config)
ref = qbattery.simulate("parallel", N=[2, 4, 8], coupling=[0.1, 0.2], omega_c=1.0, times=times, config=study.config)
mine = qbattery.analyse_power(sim, reference=ref)
for name in ("energy", "ergotropy"):
    np.testing.assert_allclose(study["simulate/dicke"][name].values, sim[name].values, rtol=0, atol=1e-12)
np.testing.assert_allclose(power.quantum_advantage.values, mine.quantum_advantage.values, rtol=1e-12)

# %%
# On a cluster
# ------------
# The same config, one SLURM job per point (or a group of small points), with memory and time
# requests from each job's own estimate (``docs/cluster.md``)::
#
#     pip install -e '.[slurm]'
#     snakemake --workflow-profile workflow/profiles/slurm --configfile tutorial.yaml
#
# The results are bitwise those of the local run (the test suite checks this against a real
# one-node SLURM). A finished study's files are ordinary NetCDF: ``ncdump -h`` reads them.
