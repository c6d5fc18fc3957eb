# Figures from the NetCDF datasets only (no recomputation).


rule figure_power_scaling:
    input:
        expand(f"{RES}/power/{{model}}.nc", model=models()),
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


ALL_TARGETS.extend(rules.figure_power_scaling.output)
