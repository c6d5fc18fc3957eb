# Figures from the NetCDF datasets only (no recomputation).
from qbattery.figures.labels import catalogue_labels
from qbattery.models import MODELS as _CATALOGUE

# display name of every model (Model.label) as a param of every figure rule: changing a label
# reruns the figures, and a figure job does not import the catalogue to find it
FIGURE_LABELS = catalogue_labels(sorted(_CATALOGUE))


rule figure_power_scaling:
    input:
        expand(f"{RES}/power/{{model}}.nc", model=SIM.models(config)),
    output:
        pdf=report(
            f"{RES}/figures/power_scaling.pdf",
            caption="../report/pdf.rst",
            category="Figures (PDF)",
            labels={"figure": "power_scaling", "format": "PDF"},
        ),
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
    params:
        labels=FIGURE_LABELS,
    script:
        "../scripts/figure_power_scaling.py"


rule figure_quantum_advantage:
    input:
        expand(f"{RES}/power/{{model}}.nc", model=SIM.models(config)),
    output:
        pdf=report(
            f"{RES}/figures/quantum_advantage.pdf",
            caption="../report/pdf.rst",
            category="Figures (PDF)",
            labels={"figure": "quantum_advantage", "format": "PDF"},
        ),
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
    params:
        labels=FIGURE_LABELS,
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
        pdf=report(
            f"{RES}/figures/speed_limits.pdf",
            caption="../report/pdf.rst",
            category="Figures (PDF)",
            labels={"figure": "speed_limits", "format": "PDF"},
        ),
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
    params:
        labels=FIGURE_LABELS,
    script:
        "../scripts/figure_power_speed_limits.py"


# one job draws the charging-curve figure of every model (one PNG per model in the directory)
rule figure_trajectories:
    input:
        expand(f"{RES}/simulate/{{model}}.nc", model=SIM.models(config)),
    output:
        report(
            directory(f"{RES}/figures/trajectories"),
            patterns=["{model}.png", "{model}.pdf"],
            caption="../report/trajectories.rst",
            category="Charging curves",
            subcategory="{model}",
            labels={"model": "{model}", "figure": "charging curves"},
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
    params:
        labels=FIGURE_LABELS,
    script:
        "../scripts/figure_trajectories.py"


# the validated config of the study, as a report item (category Configuration)
rule study_config:
    output:
        report(f"{RES}/config.yaml", caption="../report/config.rst", category="Configuration"),
    log:
        f"{RES}/logs/study_config.log",
    params:
        config=config,
    localrule: True
    run:
        write_config(params.config, output[0], log[0])


ALL_TARGETS.append(rules.study_config.output[0])
ALL_TARGETS.extend(rules.figure_power_scaling.output)
ALL_TARGETS.extend(rules.figure_quantum_advantage.output)
ALL_TARGETS.extend(rules.figure_speed_limits.output)
ALL_TARGETS.extend(rules.figure_normalisations.output)
ALL_TARGETS.extend(rules.figure_trajectories.output)



# disorder means +- standard errors of the models with random parameters (only if the study has one)
rule figure_disorder:
    input:
        expand(f"{RES}/power/{{model}}.nc", model=SIM.random_models(config)),
    output:
        pdf=f"{RES}/figures/disorder.pdf",
        png=report(
            f"{RES}/figures/disorder.png",
            caption="../report/disorder.rst",
            category="Power and quantum advantage",
        ),
    log:
        f"{RES}/logs/figures/disorder.log",
    benchmark:
        f"{RES}/benchmarks/figures/disorder.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/figure_disorder.py"


if SIM.random_models(config):
    ALL_TARGETS.extend(rules.figure_disorder.output)
