# Shared helpers of the rule files (bound to this study's config); the logic lives in qbattery.study.
from functools import partial

from qbattery import study as _study

models = partial(_study.model_names, config)
n_values = partial(_study.n_values, config)
mem_mb_simulate = lambda wc: _study.simulate_mem_mb(config, wc.model, wc.N)

# Cluster requests (issue 10): wall time [min] and memory grow on each retry (a job killed at its
# limit is resubmitted with more); short jobs share one group, bundled by the slurm profile.
runtime_simulate = lambda wc, attempt: _study.simulate_runtime_min(
    config, wc.model, wc.N, attempt
)
mem_mb_simulate_retry = lambda wc, attempt: int(
    _study.simulate_mem_mb(config, wc.model, wc.N) * (1 + 0.5 * (attempt - 1))
)
group_simulate = lambda wc: _study.simulate_group(config, wc.model, wc.N)
runtime_work_statistics = lambda wc, attempt: _study.work_statistics_runtime_min(
    config, wc.protocol, attempt
)
group_work_statistics = lambda wc: _study.work_statistics_group(config, wc.protocol)
