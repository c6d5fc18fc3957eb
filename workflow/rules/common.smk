# Shared helpers of the rule files: model lists and resource estimates from the config.
from qbattery.models import get_model
from qbattery.config import model_times


def models():
    return sorted(config["models"])


def n_values(model):
    return [int(n) for n in config["models"][model]["N"]]


def mem_mb_simulate(wildcards):
    t = model_times(config, wildcards.model)
    return get_model(wildcards.model).memory_mb(int(wildcards.N), len(t))
