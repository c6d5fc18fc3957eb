# Stage: work_statistics (issue 7). Two-point-measurement work distributions of every
# protocol in config["work_statistics"]["protocols"], Jarzynski and Crooks checks, and the
# figure (P(W) stem plots + Jarzynski residual over the whole grid). Skipped when the
# config has no work_statistics section.
from qbattery import work_statistics as _ws

WORK_PROTOCOLS = _ws.protocol_names(config)


rule work_statistics:
    output:
        f"{RES}/work/{{protocol}}.nc",
    log:
        f"{RES}/logs/work_statistics/{{protocol}}.log",
    benchmark:
        f"{RES}/benchmarks/work_statistics/{{protocol}}.tsv"
    wildcard_constraints:
        protocol="|".join(WORK_PROTOCOLS) or "no_protocol",
    group:
        group_work_statistics
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: int(
            _ws.memory_mb(config, wc.protocol) * (1 + 0.5 * (attempt - 1))
        ),
        runtime=runtime_work_statistics,
    params:
        protocol=lambda wc: wc.protocol,
    script:
        "../scripts/work_statistics.py"


rule figure_work_statistics:
    input:
        expand(f"{RES}/work/{{protocol}}.nc", protocol=WORK_PROTOCOLS),
    output:
        pdf=f"{RES}/figures/work_statistics.pdf",
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
        max_N=config.get("work_statistics", {}).get("figure", {}).get("max_N", 3),
    script:
        "../scripts/figure_work_statistics.py"


if WORK_PROTOCOLS:
    ALL_TARGETS.extend(expand(f"{RES}/work/{{protocol}}.nc", protocol=WORK_PROTOCOLS))
    ALL_TARGETS.extend(rules.figure_work_statistics.output)
