# Protocol simulation: one job per (model, N), merged into one grid per model, then the
# power analysis (tau*, P_max, Gamma(N) against the parallel reference, alpha).


rule simulate_protocol:
    output:
        f"{RES}/simulate/{{model}}/N{{N}}.nc",
    log:
        f"{RES}/logs/simulate_protocol/{{model}}_N{{N}}.log",
    benchmark:
        f"{RES}/benchmarks/simulate_protocol/{{model}}_N{{N}}.tsv"
    group:
        group_simulate
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb_simulate_retry,
        runtime=runtime_simulate,
    params:
        model=lambda wc: wc.model,
    script:
        "../scripts/simulate_protocol.py"


rule merge_grid:
    input:
        lambda wc: expand(
            f"{RES}/simulate/{{model}}/N{{N}}.nc", model=wc.model, N=n_values(wc.model)
        ),
    output:
        f"{RES}/simulate/{{model}}.nc",
    log:
        f"{RES}/logs/merge_grid/{{model}}.log",
    benchmark:
        f"{RES}/benchmarks/merge_grid/{{model}}.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/merge_grid.py"


rule analyse_power:
    input:
        f"{RES}/simulate/{{model}}.nc",
    output:
        f"{RES}/power/{{model}}.nc",
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
    script:
        "../scripts/analyse_power.py"


ALL_TARGETS.extend(expand(f"{RES}/simulate/{{model}}.nc", model=models()))
ALL_TARGETS.extend(expand(f"{RES}/power/{{model}}.nc", model=models()))
