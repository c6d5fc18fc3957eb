"""Snakemake adapter: open-system grid of one model at one N."""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(snakemake.threads)  # small dense algebra: BLAS threads only thrash

from qbattery.io import write_netcdf  # noqa: E402
from qbattery.open_systems.study import open_point  # noqa: E402
from qbattery.runner import logged  # noqa: E402

with logged(snakemake.log[0], mem_mb=snakemake.resources.mem_mb):
    write_netcdf(open_point(snakemake.config, snakemake.params.model, int(snakemake.wildcards.N)), snakemake.output[0])
