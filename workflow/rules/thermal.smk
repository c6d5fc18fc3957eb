# Stage thermal: no-go from the Gibbs battery, monotonicity of D(rho||gamma), Gibbs-preserving
# population maps, non-thermal resources and catalysts against their free-energy bounds, W_TO of
# the protocol states (protocol models re-run through their closed face). Physics in
# qbattery.thermal; docs/thermal.md. Skipped when the config has no thermal section.
THERMAL = _stages.thermal


rule thermal_operations:
    output:
        report(
            f"{RES}/thermal/thermal_operations.nc",
            caption="../report/data.rst",
            category="Data (NetCDF)",
            subcategory="thermal",
            labels={"file": "thermal/thermal_operations.nc"},
        ),
    log:
        f"{RES}/logs/thermal/thermal_operations.log",
    benchmark:
        f"{RES}/benchmarks/thermal/thermal_operations.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=30,
    params:
        job=lambda wc: THERMAL.job_config(config),
    script:
        "../scripts/stage_job.py"


rule figure_thermal:
    input:
        f"{RES}/thermal/thermal_operations.nc",
    output:
        pdf=report(
            f"{RES}/figures/thermal.pdf",
            caption="../report/pdf.rst",
            category="Figures (PDF)",
            labels={"figure": "thermal", "format": "PDF"},
        ),
        png=report(
            f"{RES}/figures/thermal.png",
            caption="../report/thermal.rst",
            category="Thermal operations",
        ),
    log:
        f"{RES}/logs/figures/thermal.log",
    benchmark:
        f"{RES}/benchmarks/figures/thermal.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        labels=FIGURE_LABELS,
    script:
        "../scripts/figure_thermal.py"


rule thermal:
    input:
        rules.thermal_operations.output,


if THERMAL.enabled(config):
    ALL_TARGETS.extend(rules.thermal_operations.output)
    ALL_TARGETS.extend(rules.figure_thermal.output)
