# Shared helpers of the rule files, bound to this study's config. The logic lives in
# qbattery.stages (jobs, config subtrees, resources); the rules only wire files together.
from qbattery import stages as _stages
from qbattery.stages import resources as _res

SIM = _stages.simulate


def merge_files(inputs, output, log):
    """A merge job: combine per-job files into one grid, every point's health record kept
    (runs inside the Snakemake process: lighter than starting an interpreter)."""
    from qbattery.io import open_dataset, write_netcdf
    from qbattery.runner import logged

    with logged(log):
        write_netcdf(_stages.merge_grid([open_dataset(p) for p in inputs]), output)


def retried(mem_mb):
    """Memory request growing by half on each retry (a job killed at its limit gets more)."""
    return lambda wc, attempt: int(mem_mb(wc) * (1 + 0.5 * (attempt - 1)))


def power_inputs(wc):
    """The model's grid and, where it has one, its reference grid (study's or dedicated)."""
    source = SIM.reference_source(config, wc.model)
    out = {"grid": f"{RES}/simulate/{wc.model}.nc"}
    if source == "study":
        out["reference"] = f"{RES}/simulate/{SIM.reference_of(wc.model)}.nc"
    elif source == "dedicated":
        out["reference"] = f"{RES}/simulate/reference/{wc.model}.nc"
    for name in SIM.normalised_names(config, wc.model):  # normalisations simulated at their own coupling
        out[f"normalised_{name}"] = f"{RES}/simulate/normalised/{wc.model}/{name}.nc"
    return out


def write_config(cfg, path, log_path):
    """The validated config as YAML (the report's Configuration item), and a line in the job log."""
    import yaml

    Path(path).write_text(yaml.safe_dump(dict(cfg), sort_keys=False))
    Path(log_path).write_text(f"wrote the validated config to {path}\n")
