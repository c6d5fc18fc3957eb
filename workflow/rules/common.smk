# Shared helpers of the rule files (bound to this study's config); the logic lives in qbattery.study.
from functools import partial

from qbattery import study as _study

models = partial(_study.model_names, config)
n_values = partial(_study.n_values, config)
mem_mb_simulate = lambda wc: _study.simulate_mem_mb(config, wc.model, wc.N)
