# Stage work: two-point-measurement work distributions of every model of
# work_statistics.protocols (its work face), Jarzynski and Crooks checks, one job per model, and
# the figure. Skipped when the config has no work_statistics section.
WORK = _stages.work
WORK_MODELS = WORK.models(config)


rule work_statistics:
    output:
        report(
            f"{RES}/work/{{model}}.nc",
            caption="../report/data.rst",
            category="Data (NetCDF)",
            subcategory="work statistics",
            labels={"model": "{model}", "file": "work/{model}.nc"},
        ),
    log:
        f"{RES}/logs/work_statistics/{{model}}.log",
    benchmark:
        f"{RES}/benchmarks/work_statistics/{{model}}.tsv"
    wildcard_constraints:
        model="|".join(WORK_MODELS) or "no_protocol",
    group:
        lambda wc: _res.work_statistics_group(config, wc.model)
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=retried(lambda wc: WORK.mem_mb(config, wc.model)),
        runtime=lambda wc, attempt: _res.work_statistics_runtime_min(config, wc.model, attempt),
    params:
        job=lambda wc: WORK.job_config(config, wc.model),
    script:
        "../scripts/stage_job.py"


rule figure_work_statistics:
    input:
        expand(f"{RES}/work/{{model}}.nc", model=WORK_MODELS),
    output:
        pdf=report(
            f"{RES}/figures/work_statistics.pdf",
            caption="../report/pdf.rst",
            category="Figures (PDF)",
            labels={"figure": "work_statistics", "format": "PDF"},
        ),
        png=report(
            f"{RES}/figures/work_statistics.png",
            caption="../report/work_statistics.rst",
            category="Work statistics",
        ),
    log:
        f"{RES}/logs/figures/work_statistics.log",
    benchmark:
        f"{RES}/benchmarks/figures/work_statistics.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        labels=FIGURE_LABELS,
        max_N=config.get("work_statistics", {}).get("figure", {}).get("max_N", 3),
    script:
        "../scripts/figure_work_statistics.py"


rule work:
    input:
        expand(f"{RES}/work/{{model}}.nc", model=WORK_MODELS),


if WORK_MODELS:
    ALL_TARGETS.extend(rules.work.input)
    ALL_TARGETS.extend(rules.figure_work_statistics.output)
