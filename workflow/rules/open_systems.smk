# Stage: open_systems (issue 4). Lindblad charging of every model in config["open_systems"]
# ["models"]: one job per (model, N) over the rates x temperature x parameter grid, merged
# into results/<study>/open/<model>.nc, and one figure. Skipped without the config section.
from qbattery.config import ConfigError as _OpenConfigError
from qbattery.open_systems import study as _open

try:
    _open.check_config(config)
except _OpenConfigError as err:
    sys.stderr.write(f"qbattery: {err}\n")
    sys.exit(1)

OPEN_MODEL_NAMES = _open.model_names(config)


rule open_simulate:
    output:
        f"{RES}/open/{{model}}/N{{N}}.nc",
    log:
        f"{RES}/logs/open_simulate/{{model}}_N{{N}}.log",
    benchmark:
        f"{RES}/benchmarks/open_simulate/{{model}}_N{{N}}.tsv"
    wildcard_constraints:
        model="|".join(OPEN_MODEL_NAMES) or "no_open_model",
    group:
        lambda wc: _study.small_job_group(
            _study.runtime_from_memory_min(_open.mem_mb(config, wc.model, wc.N))
        )
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: int(
            _open.mem_mb(config, wc.model, wc.N) * (1 + 0.5 * (attempt - 1))
        ),
        runtime=lambda wc, attempt: _study.runtime_from_memory_min(
            _open.mem_mb(config, wc.model, wc.N), 1, attempt
        ),
    params:
        model=lambda wc: wc.model,
    script:
        "../scripts/open_simulate.py"


# merging is light: it runs inside the Snakemake process (no new interpreter, whose start-up
# would cost more CPU than the merge itself)
rule open_merge:
    input:
        lambda wc: expand(
            f"{RES}/open/{{model}}/N{{N}}.nc",
            model=wc.model,
            N=_open.n_values(config, wc.model),
        ),
    output:
        f"{RES}/open/{{model}}.nc",
    log:
        f"{RES}/logs/open_merge/{{model}}.log",
    benchmark:
        f"{RES}/benchmarks/open_merge/{{model}}.tsv"
    wildcard_constraints:
        model="|".join(OPEN_MODEL_NAMES) or "no_open_model",
    localrule: True
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    run:
        from qbattery.io import open_dataset, write_netcdf
        from qbattery.runner import logged
        from qbattery.study import merge_grid as _merge

        with logged(log[0]):
            write_netcdf(_merge([open_dataset(p) for p in input]), output[0])


rule figure_open_systems:
    input:
        expand(f"{RES}/open/{{model}}.nc", model=OPEN_MODEL_NAMES),
    output:
        pdf=f"{RES}/figures/open_systems.pdf",
        png=report(
            f"{RES}/figures/open_systems.png",
            caption="../report/open_systems.rst",
            category="Open systems",
        ),
    log:
        f"{RES}/logs/figures/open_systems.log",
    benchmark:
        f"{RES}/benchmarks/figures/open_systems.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/open_figure.py"


if OPEN_MODEL_NAMES:
    ALL_TARGETS.extend(expand(f"{RES}/open/{{model}}.nc", model=OPEN_MODEL_NAMES))
    ALL_TARGETS.extend(rules.figure_open_systems.output)
