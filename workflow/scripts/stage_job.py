"""Snakemake adapter of every stage job: the job's config subtree (``params.job``, the only
config a job sees) and its input files -> the library's job function -> NetCDF."""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(snakemake.threads)  # small dense algebra: more BLAS threads only thrash

from qbattery.io import write_netcdf  # noqa: E402
from qbattery.runner import keep_partial, logged  # noqa: E402
from qbattery.stages import run_job  # noqa: E402

with logged(snakemake.log[0], mem_mb=snakemake.resources.mem_mb, script=True):
    inputs = {name: files for name, files in snakemake.input.items()}
    try:
        ds = run_job(snakemake.rule, snakemake.params.job, inputs, dict(snakemake.wildcards.items()))
    except RuntimeError as err:  # a health failure: its healthy points are kept next to the log
        keep_partial(err, snakemake.log[0])
        raise
    write_netcdf(ds, snakemake.output[0])
