# Stage: thermal operations (issue 5). No-go from the Gibbs battery, monotonicity of
# D(rho||gamma), Gibbs-preserving population maps, non-thermal resources and catalysts against
# their free-energy bounds, W_TO of the protocol states (the protocol models are re-run through
# the library: datasets store observables, not states, so no input file). Physics in
# qbattery.thermal; docs/thermal.md. Skipped when the config has no thermal section.


rule thermal_operations:
    output:
        f"{RES}/thermal/thermal_operations.nc",
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
        # a change of any of these reruns the stage (the script reads snakemake.config)
        thermal=config.get("thermal"),
        seed=config.get("seed"),
        numerics=config.get("numerics"),
        time=config.get("time"),
        protocol_models={
            m: config["models"].get(m)
            for m in (config.get("thermal") or {})
            .get("protocol", {})
            .get("models", [])
        },
    script:
        "../scripts/thermal_operations.py"


rule figure_thermal:
    input:
        f"{RES}/thermal/thermal_operations.nc",
    output:
        pdf=f"{RES}/figures/thermal.pdf",
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
    script:
        "../scripts/figure_thermal.py"


if config.get("thermal") is not None:
    ALL_TARGETS.extend(rules.thermal_operations.output)
    ALL_TARGETS.extend(rules.figure_thermal.output)
