"""Snakemake adapter of every stage job: the job's config subtree (``params.job``, the only
config a job sees) and its input files -> the library's job function -> NetCDF."""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(snakemake.threads)  # small dense algebra: more BLAS threads only thrash

from qbattery.io import write_netcdf  # noqa: E402
from qbattery.runner import logged  # noqa: E402
from qbattery.stages import run_job  # noqa: E402

with logged(snakemake.log[0], mem_mb=snakemake.resources.mem_mb, script=True):
    inputs = {name: files for name, files in snakemake.input.items()}
    ds = run_job(snakemake.rule, snakemake.params.job, inputs, dict(snakemake.wildcards.items()))
    write_netcdf(ds, snakemake.output[0])
