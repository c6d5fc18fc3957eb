# Stage open: Lindblad charging of every model of open_systems.models (its lindblad face), one
# job per (model, N) over the rates x temperature x parameter grid, merged into
# results/<study>/open/<model>.nc, and one figure. Skipped without the config section.
OPEN = _stages.open
OPEN_MODEL_NAMES = OPEN.models(config)


rule open_point:
    output:
        f"{RES}/open/{{model}}/N{{N}}.nc",
    log:
        f"{RES}/logs/open_point/{{model}}_N{{N}}.log",
    benchmark:
        f"{RES}/benchmarks/open_point/{{model}}_N{{N}}.tsv"
    wildcard_constraints:
        model="|".join(OPEN_MODEL_NAMES) or "no_open_model",
    group:
        lambda wc: _res.small_job_group(_res.runtime_from_memory_min(OPEN.mem_mb(config, wc.model, wc.N)))
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=retried(lambda wc: OPEN.mem_mb(config, wc.model, wc.N)),
        runtime=lambda wc, attempt: _res.runtime_from_memory_min(OPEN.mem_mb(config, wc.model, wc.N), 1, attempt),
    params:
        job=lambda wc: OPEN.job_config(config, wc.model, wc.N),
    script:
        "../scripts/stage_job.py"


rule merge_open:
    input:
        lambda wc: expand(f"{RES}/open/{{model}}/N{{N}}.nc", model=wc.model, N=OPEN.n_values(config, wc.model)),
    output:
        report(
            f"{RES}/open/{{model}}.nc",
            caption="../report/data.rst",
            category="Data (NetCDF)",
            subcategory="open systems",
            labels={"model": "{model}", "file": "open/{model}.nc"},
        ),
    log:
        f"{RES}/logs/merge_open/{{model}}.log",
    wildcard_constraints:
        model="|".join(OPEN_MODEL_NAMES) or "no_open_model",
    localrule: True
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    run:
        merge_files(input, output[0], log[0])


rule figure_open_systems:
    input:
        expand(f"{RES}/open/{{model}}.nc", model=OPEN_MODEL_NAMES),
    output:
        pdf=report(
            f"{RES}/figures/open_systems.pdf",
            caption="../report/pdf.rst",
            category="Figures (PDF)",
            labels={"figure": "open_systems", "format": "PDF"},
        ),
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
    params:
        labels=FIGURE_LABELS,
    script:
        "../scripts/open_figure.py"


rule open_systems:
    input:
        expand(f"{RES}/open/{{model}}.nc", model=OPEN_MODEL_NAMES),


if OPEN_MODEL_NAMES:
    ALL_TARGETS.extend(rules.open_systems.input)
    ALL_TARGETS.extend(rules.figure_open_systems.output)
