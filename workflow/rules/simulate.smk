# Stages simulate and power: one job per (model, N), merged into one grid per model, then the
# power analysis (tau*, P_max, Gamma(N) against the parallel reference, alpha). The reference
# grid is the study's simulate/<reference>.nc when it covers the model's grid, else reference
# jobs on exactly the model's grid (qbattery.stages.simulate).


rule simulate_point:
    output:
        f"{RES}/simulate/{{model}}/N{{N}}.nc",
    log:
        f"{RES}/logs/simulate_point/{{model}}_N{{N}}.log",
    benchmark:
        f"{RES}/benchmarks/simulate_point/{{model}}_N{{N}}.tsv"
    group:
        lambda wc: _res.simulate_group(config, wc.model, wc.N)
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=retried(lambda wc: _res.simulate_mem_mb(config, wc.model, wc.N)),
        runtime=lambda wc, attempt: _res.simulate_runtime_min(config, wc.model, wc.N, attempt),
    params:
        job=lambda wc: SIM.job_config(config, wc.model, wc.N),
    script:
        "../scripts/stage_job.py"


# a model with random parameters: one job per N and chunk of disorder realisations (chunk c holds
# realisations c k .. (c + 1) k - 1 of models.<model>.realisations, k = realisations_per_job)
rule simulate_realisations:
    output:
        f"{RES}/simulate/{{model}}/N{{N}}_R{{chunk}}.nc",
    log:
        f"{RES}/logs/simulate_realisations/{{model}}_N{{N}}_R{{chunk}}.log",
    benchmark:
        f"{RES}/benchmarks/simulate_realisations/{{model}}_N{{N}}_R{{chunk}}.tsv"
    wildcard_constraints:
        chunk=r"\d+",
    group:
        lambda wc: _res.simulate_group(config, wc.model, wc.N)
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=retried(lambda wc: _res.simulate_mem_mb(config, wc.model, wc.N)),
        runtime=lambda wc, attempt: _res.simulate_runtime_min(config, wc.model, wc.N, attempt),
    params:
        job=lambda wc: SIM.job_config(config, wc.model, wc.N),
    script:
        "../scripts/stage_job.py"


# the parallel reference of a global model on exactly its grid, all N in one job (a parallel
# reference is one cell scaled by N: cheap), when the study's own grid of it does not cover it
rule simulate_reference:
    output:
        f"{RES}/simulate/reference/{{model}}.nc",
    log:
        f"{RES}/logs/simulate_reference/{{model}}.log",
    benchmark:
        f"{RES}/benchmarks/simulate_reference/{{model}}.tsv"
    group:
        lambda wc: _res.small_job_group(_res.runtime_from_memory_min(SIM.reference_mem_mb(config, wc.model)))
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=retried(lambda wc: SIM.reference_mem_mb(config, wc.model)),
        runtime=lambda wc, attempt: _res.runtime_from_memory_min(SIM.reference_mem_mb(config, wc.model), 1, attempt),
    params:
        job=lambda wc: SIM.reference_job_config(config, wc.model),
    script:
        "../scripts/stage_job.py"


# a global model at the coupling of a normalisation that does not rescale exactly (power.normalisations,
# qbattery.normalisations): all N in one job, the grid's coordinates at the configured values
rule simulate_normalised:
    output:
        f"{RES}/simulate/normalised/{{model}}/{{normalisation}}.nc",
    log:
        f"{RES}/logs/simulate_normalised/{{model}}_{{normalisation}}.log",
    benchmark:
        f"{RES}/benchmarks/simulate_normalised/{{model}}_{{normalisation}}.tsv"
    wildcard_constraints:
        normalisation=r"[a-z_]+",
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=retried(lambda wc: _res.simulate_mem_mb(config, wc.model, max(SIM.n_values(config, wc.model)))),
        runtime=lambda wc, attempt: _res.simulate_runtime_min(config, wc.model, max(SIM.n_values(config, wc.model)), attempt),
    params:
        job=lambda wc: SIM.normalised_job_config(config, wc.model, wc.normalisation),
    script:
        "../scripts/stage_job.py"


rule merge_simulate:
    input:
        lambda wc: (
            expand(f"{RES}/simulate/{{model}}/N{{N}}_R{{chunk}}.nc", model=wc.model, N=SIM.n_values(config, wc.model), chunk=SIM.chunks(config, wc.model))
            if SIM.is_random(wc.model)
            else expand(f"{RES}/simulate/{{model}}/N{{N}}.nc", model=wc.model, N=SIM.n_values(config, wc.model))
        ),
    output:
        report(
            f"{RES}/simulate/{{model}}.nc",
            caption="../report/data.rst",
            category="Data (NetCDF)",
            subcategory="simulate",
            labels={"model": "{model}", "file": "simulate/{model}.nc"},
        ),
    log:
        f"{RES}/logs/merge_simulate/{{model}}.log",
    localrule: True
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    run:
        merge_files(input, output[0], log[0])


rule analyse_power:
    input:
        unpack(power_inputs),
    output:
        report(
            f"{RES}/power/{{model}}.nc",
            caption="../report/data.rst",
            category="Data (NetCDF)",
            subcategory="power",
            labels={"model": "{model}", "file": "power/{model}.nc"},
        ),
    log:
        f"{RES}/logs/analyse_power/{{model}}.log",
    benchmark:
        f"{RES}/benchmarks/analyse_power/{{model}}.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        job=lambda wc: SIM.power_job_config(config, wc.model),  # normalisations and the bound-check policy
    script:
        "../scripts/stage_job.py"


rule simulate:
    input:
        expand(f"{RES}/simulate/{{model}}.nc", model=SIM.models(config)),


rule power:
    input:
        expand(f"{RES}/power/{{model}}.nc", model=SIM.models(config)),


ALL_TARGETS.extend(rules.simulate.input)
ALL_TARGETS.extend(rules.power.input)
