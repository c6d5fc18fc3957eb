"""Snakemake adapter: battery-charger correlations of one model, all N in one job (split_N: false)."""

from qbattery.correlations import correlations_model_job
from qbattery.io import open_dataset, write_netcdf
from qbattery.runner import logged

with logged(snakemake.log[0], mem_mb=snakemake.resources.mem_mb):
    ds = correlations_model_job(
        snakemake.config,
        snakemake.params.model,
        power=open_dataset(snakemake.input.power),
        simulated=[open_dataset(p) for p in snakemake.input.simulated],
    )
    write_netcdf(ds, snakemake.output[0])
