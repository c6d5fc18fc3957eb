# Figures from the NetCDF datasets only (no recomputation).


rule figure_power_scaling:
    input:
        expand(f"{RES}/power/{{model}}.nc", model=SIM.models(config)),
    output:
        pdf=f"{RES}/figures/power_scaling.pdf",
        png=report(
            f"{RES}/figures/power_scaling.png",
            caption="../report/power_scaling.rst",
            category="Power and quantum advantage",
        ),
    log:
        f"{RES}/logs/figures/power_scaling.log",
    benchmark:
        f"{RES}/benchmarks/figures/power_scaling.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/figure_power_scaling.py"


rule figure_quantum_advantage:
    input:
        expand(f"{RES}/power/{{model}}.nc", model=SIM.models(config)),
    output:
        pdf=f"{RES}/figures/quantum_advantage.pdf",
        png=report(
            f"{RES}/figures/quantum_advantage.png",
            caption="../report/quantum_advantage.rst",
            category="Power and quantum advantage",
        ),
    log:
        f"{RES}/logs/figures/quantum_advantage.log",
    benchmark:
        f"{RES}/benchmarks/figures/quantum_advantage.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/figure_power_advantage.py"


rule figure_normalisations:
    input:
        expand(f"{RES}/power/{{model}}.nc", model=SIM.models(config)),
    output:
        pdf=f"{RES}/figures/normalisations.pdf",
        png=report(
            f"{RES}/figures/normalisations.png",
            caption="../report/normalisations.rst",
            category="Power and quantum advantage",
        ),
    log:
        f"{RES}/logs/figures/normalisations.log",
    benchmark:
        f"{RES}/benchmarks/figures/normalisations.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/figure_normalisations.py"


rule figure_speed_limits:
    input:
        expand(f"{RES}/power/{{model}}.nc", model=SIM.models(config)),
    output:
        pdf=f"{RES}/figures/speed_limits.pdf",
        png=report(
            f"{RES}/figures/speed_limits.png",
            caption="../report/speed_limits.rst",
            category="Power and quantum advantage",
        ),
    log:
        f"{RES}/logs/figures/speed_limits.log",
    benchmark:
        f"{RES}/benchmarks/figures/speed_limits.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/figure_power_speed_limits.py"


# one job draws the charging-curve figure of every model (one PNG per model in the directory)
rule figure_trajectories:
    input:
        expand(f"{RES}/simulate/{{model}}.nc", model=SIM.models(config)),
    output:
        report(
            directory(f"{RES}/figures/trajectories"),
            patterns=["{model}.png"],
            caption="../report/trajectories.rst",
            category="Charging curves",
        ),
    log:
        f"{RES}/logs/figures/trajectories.log",
    benchmark:
        f"{RES}/benchmarks/figures/trajectories.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/figure_trajectories.py"


ALL_TARGETS.extend(rules.figure_power_scaling.output)
ALL_TARGETS.extend(rules.figure_quantum_advantage.output)
ALL_TARGETS.extend(rules.figure_speed_limits.output)
ALL_TARGETS.extend(rules.figure_normalisations.output)
ALL_TARGETS.extend(rules.figure_trajectories.output)

