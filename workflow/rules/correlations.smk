# Stage correlations: battery-charger correlations of every study model with a joint face on
# the simulation's N x parameter x time grid (one job per model, or per (model, N) and merged,
# see correlations.split_N), switch-off times from the power dataset, one figure. Skipped when
# the config has no `correlations` section.
CORR = _stages.correlations
CORR_MODELS = CORR.models(config)
# one job per (model, N) + merge (clusters), or one job per model (default: the per-process
# import cost, ~1 s, would dominate the small default study)
CORR_SPLIT_N = CORR.split_by_N(config)


if CORR_SPLIT_N:

    rule correlations_point:
        input:
            simulated=f"{RES}/simulate/{{model}}/N{{N}}.nc",
            power=f"{RES}/power/{{model}}.nc",
        output:
            f"{RES}/correlations/{{model}}/N{{N}}.nc",
        log:
            f"{RES}/logs/correlations/{{model}}_N{{N}}.log",
        benchmark:
            f"{RES}/benchmarks/correlations/{{model}}_N{{N}}.tsv"
        wildcard_constraints:
            model="|".join(CORR_MODELS) or "no_model",
        group:
            lambda wc: _res.small_job_group(
                _res.runtime_from_memory_min(CORR.mem_mb(config, wc.model, wc.N)),
                "small_correlations",
            )
        conda:
            "../../envs/qbattery.yaml"
        threads: 1
        resources:
            mem_mb=retried(lambda wc: CORR.mem_mb(config, wc.model, wc.N)),
            runtime=lambda wc, attempt: _res.runtime_from_memory_min(
                CORR.mem_mb(config, wc.model, wc.N), 1, attempt
            ),
        params:
            job=lambda wc: CORR.job_config(config, wc.model, wc.N),
        script:
            "../scripts/stage_job.py"

    rule merge_correlations:
        input:
            lambda wc: expand(
                f"{RES}/correlations/{{model}}/N{{N}}.nc",
                model=wc.model,
                N=SIM.n_values(config, wc.model),
            ),
        output:
            report(
                f"{RES}/correlations/{{model}}.nc",
                caption="../report/data.rst",
                category="Data (NetCDF)",
                subcategory="correlations",
                labels={"model": "{model}", "file": "correlations/{model}.nc"},
            ),
        log:
            f"{RES}/logs/merge_correlations/{{model}}.log",
        wildcard_constraints:
            model="|".join(CORR_MODELS) or "no_model",
        localrule: True
        threads: 1
        resources:
            mem_mb=1000,
            runtime=10,
        run:
            from qbattery.correlations import _char_labels
            from qbattery.io import open_dataset, write_netcdf
            from qbattery.runner import logged

            with logged(log[0]):
                write_netcdf(_char_labels(_stages.merge_grid([open_dataset(p) for p in input])), output[0])

else:

    rule correlations_model:
        input:
            simulated=lambda wc: expand(
                f"{RES}/simulate/{{model}}/N{{N}}.nc",
                model=wc.model,
                N=SIM.n_values(config, wc.model),
            ),
            power=f"{RES}/power/{{model}}.nc",
        output:
            report(
                f"{RES}/correlations/{{model}}.nc",
                caption="../report/data.rst",
                category="Data (NetCDF)",
                subcategory="correlations",
                labels={"model": "{model}", "file": "correlations/{model}.nc"},
            ),
        log:
            f"{RES}/logs/correlations/{{model}}.log",
        benchmark:
            f"{RES}/benchmarks/correlations/{{model}}.tsv"
        wildcard_constraints:
            model="|".join(CORR_MODELS) or "no_model",
        conda:
            "../../envs/qbattery.yaml"
        threads: 1
        resources:
            mem_mb=lambda wc: CORR.mem_mb(config, wc.model),
            runtime=60,
        params:
            job=lambda wc: CORR.job_config(config, wc.model),
        script:
            "../scripts/stage_job.py"


rule figure_correlations:
    input:
        expand(f"{RES}/correlations/{{model}}.nc", model=CORR_MODELS),
    output:
        pdf=report(
            f"{RES}/figures/correlations.pdf",
            caption="../report/pdf.rst",
            category="Figures (PDF)",
            labels={"figure": "correlations", "format": "PDF"},
        ),
        png=report(
            f"{RES}/figures/correlations.png",
            caption="../report/correlations.rst",
            category="Battery-charger correlations",
        ),
    log:
        f"{RES}/logs/figures/correlations.log",
    benchmark:
        f"{RES}/benchmarks/figures/correlations.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        labels=FIGURE_LABELS,
        max_N=config.get("correlations", {}).get("figure", {}).get("max_N", 3),
    script:
        "../scripts/figure_correlations.py"


rule correlations:
    input:
        expand(f"{RES}/correlations/{{model}}.nc", model=CORR_MODELS),


if CORR_MODELS:
    ALL_TARGETS.extend(rules.correlations.input)
    ALL_TARGETS.extend(rules.figure_correlations.output)
