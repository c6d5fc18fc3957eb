# Stage control: optimal-control charging (GRAPE) of every case of control.cases, one job per
# (case, N), merged into results/<study>/control/<case>.nc, and one figure. Physics in
# qbattery.physics.optimal_control; docs/control.md. Skipped without the config section.
CONTROL = _stages.control
CONTROL_CASES = CONTROL.cases(config)


rule control_point:
    output:
        f"{RES}/control/{{case}}/N{{N}}.nc",
    log:
        f"{RES}/logs/control_point/{{case}}_N{{N}}.log",
    benchmark:
        f"{RES}/benchmarks/control_point/{{case}}_N{{N}}.tsv"
    wildcard_constraints:
        case="|".join(CONTROL_CASES) or "no_control_case",
    group:
        "small_control"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=lambda wc, attempt: 30 * attempt,
    params:
        job=lambda wc: CONTROL.job_config(config, wc.case, wc.N),
    script:
        "../scripts/stage_job.py"


rule merge_control:
    input:
        lambda wc: expand(f"{RES}/control/{{case}}/N{{N}}.nc", case=wc.case, N=CONTROL.n_values(config, wc.case)),
    output:
        f"{RES}/control/{{case}}.nc",
    log:
        f"{RES}/logs/merge_control/{{case}}.log",
    wildcard_constraints:
        case="|".join(CONTROL_CASES) or "no_control_case",
    localrule: True
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    run:
        CONTROL.merge_files(input, output[0], log[0])


rule figure_control:
    input:
        expand(f"{RES}/control/{{case}}.nc", case=CONTROL_CASES),
    output:
        pdf=f"{RES}/figures/control.pdf",
        png=report(
            f"{RES}/figures/control.png",
            caption="../report/control.rst",
            category="Optimal control",
        ),
    log:
        f"{RES}/logs/figures/control.log",
    benchmark:
        f"{RES}/benchmarks/figures/control.tsv"
    conda:
        "../../envs/qbattery.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        labels=FIGURE_LABELS,
    script:
        "../scripts/figure_control.py"


rule control:
    input:
        expand(f"{RES}/control/{{case}}.nc", case=CONTROL_CASES),


if CONTROL_CASES:
    ALL_TARGETS.extend(rules.control.input)
    ALL_TARGETS.extend(rules.figure_control.output)
