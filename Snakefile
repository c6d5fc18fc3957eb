# qbattery: Snakemake workflow for quantum-battery parameter studies.
# Usage: snakemake --cores 2   [--configfile my.yaml]
import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "workflow"))
from qbattery.config import ConfigError, validate_config


configfile: "config/config.yaml"


try:
    config.update(validate_config(config))
except ConfigError as err:
    sys.stderr.write(f"qbattery: {err}\n")
    sys.exit(1)

STUDY = config["study"]
RES = f"results/{STUDY}"
ALL_TARGETS = []


wildcard_constraints:
    model=r"[A-Za-z0-9_]+",
    N=r"\d+",


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/open_systems.smk"
include: "workflow/rules/thermal.smk"
include: "workflow/rules/correlations.smk"
include: "workflow/rules/work_statistics.smk"


rule all:
    default_target: True
    input:
        ALL_TARGETS,
