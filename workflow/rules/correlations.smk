# Stage: correlations (issue 6). Battery-charger correlations of every model with an explicit
# charger on the simulation's N x parameter x time grid (jobs per model, or per (model, N) and
# merged, see correlations.split_N), switch-off times tau from the power dataset, one figure.
# Skipped when the config has no `correlations` section.
from qbattery import correlations as _corr

try:
    CORR_MODELS = _corr.correlation_models(config)
except ValueError as err:
    sys.stderr.write(f"qbattery: {err}\n")
    sys.exit(1)
# one job per (model, N) + merge (clusters), or one job per model (default: the per-process
# import cost, ~1 s, would dominate the small default study)
CORR_SPLIT_N = _corr.split_by_N(config)


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
            lambda wc: _study.small_job_group(
                _study.runtime_from_memory_min(
                    _corr.memory_mb(config, wc.model, wc.N)
                ),
                "small_correlations",
            )
        conda:
            "../../envs/qbattery.yaml"
        threads: 1
        resources:
            mem_mb=lambda wc, attempt: int(
                _corr.memory_mb(config, wc.model, wc.N) * (1 + 0.5 * (attempt - 1))
            ),
            runtime=lambda wc, attempt: _study.runtime_from_memory_min(
                _corr.memory_mb(config, wc.model, wc.N), 1, attempt
            ),
        params:
            model=lambda wc: wc.model,
        script:
            "../scripts/correlations.py"

    rule correlations_merge:
        input:
            lambda wc: expand(
                f"{RES}/correlations/{{model}}/N{{N}}.nc",
                model=wc.model,
                N=n_values(wc.model),
            ),
        output:
            f"{RES}/correlations/{{model}}.nc",
        log:
            f"{RES}/logs/correlations_merge/{{model}}.log",
        benchmark:
            f"{RES}/benchmarks/correlations_merge/{{model}}.tsv"
        wildcard_constraints:
            model="|".join(CORR_MODELS) or "no_model",
        conda:
            "../../envs/qbattery.yaml"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=10,
        script:
            "../scripts/merge_grid.py"

else:

    rule correlations_model:
        input:
            simulated=lambda wc: expand(
                f"{RES}/simulate/{{model}}/N{{N}}.nc",
                model=wc.model,
                N=n_values(wc.model),
            ),
            power=f"{RES}/power/{{model}}.nc",
        output:
            f"{RES}/correlations/{{model}}.nc",
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
            mem_mb=lambda wc: _corr.memory_mb(config, wc.model),
            runtime=60,
        params:
            model=lambda wc: wc.model,
        script:
            "../scripts/correlations_model.py"


rule figure_correlations:
    input:
        expand(f"{RES}/correlations/{{model}}.nc", model=CORR_MODELS),
    output:
        pdf=f"{RES}/figures/correlations.pdf",
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
        max_N=config.get("correlations", {}).get("figure", {}).get("max_N", 3),
    script:
        "../scripts/figure_correlations.py"


if CORR_MODELS:
    ALL_TARGETS.extend(expand(f"{RES}/correlations/{{model}}.nc", model=CORR_MODELS))
    ALL_TARGETS.extend(rules.figure_correlations.output)
