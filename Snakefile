# qbattery: Snakemake workflow for quantum-battery parameter studies.
# Usage: snakemake --cores 2   [--configfile my.yaml]
import sys
from pathlib import Path

# the qbattery package lives in workflow/: importable here and in every job's script,
# with or without `pip install -e .` and inside conda environments (envs/qbattery.yaml)
# (the directory of this file, also when it is used as a Snakemake module of another workflow)
LIBRARY = str(Path(str(workflow.current_basedir)) / "workflow")
sys.path.insert(0, LIBRARY)
from qbattery.runner import export_library_path
from qbattery.config import ConfigError, check_config_files, validate_config
from qbattery import stages as _stages

export_library_path(LIBRARY)


# the raw config files, before Snakemake's loader keeps the last of a duplicate key silently:
# duplicate keys and syntax errors refused naming file and lines (qbattery.config.read_config_file)
try:
    check_config_files(
        workflow.overwrite_configfiles
        or [f for f in ["config/config.yaml"] if Path(f).exists() and not getattr(workflow.modifier, "skip_configfile", False)]
    )
except ConfigError as err:
    sys.stderr.write(f"qbattery: {err}\n")
    sys.exit(1)


# the default study, unless the user passes --configfile: then the user's file replaces it
# (Snakemake would otherwise deep-merge the two and the default models would leak in)
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


try:
    config.update(validate_config(config))
    _stages.check(config)  # every stage's checks beyond the schema, before any job
except (ConfigError, ValueError) as err:
    sys.stderr.write(f"qbattery: {err}\n")
    sys.exit(1)

STUDY = config["study"]
RES = f"results/{STUDY}"

# a second run while one runs: say so before Snakemake's incomplete-files advice (which would
# then hit the lock); no check for --nolock runs (the report, cluster jobs), dry runs, --unlock
# (read off the command line: Snakemake sets its execution settings only after parsing this file)
_NO_LOCK_FLAGS = {"--nolock", "--unlock", "--dry-run", "--dryrun", "--target-jobs", "--report"}
_dry = any(a.startswith("-") and not a.startswith("--") and "n" in a for a in sys.argv[1:])
_locks = [] if _dry or _NO_LOCK_FLAGS & set(sys.argv) else list(Path(".snakemake/locks").glob("*.lock"))
if any(f"results/{STUDY}/" in f.read_text(errors="replace") for f in _locks):  # a lock on this study's files
    sys.stderr.write(
        "qbattery: another Snakemake run holds the lock of this directory (.snakemake/locks): wait until it ends; "
        "if none is running (it was killed), run snakemake --unlock, then snakemake --rerun-incomplete\n"
    )
    sys.exit(1)

ALL_TARGETS = []


wildcard_constraints:
    model=r"[A-Za-z0-9_]+",
    case=r"[A-Za-z0-9_]+",
    N=r"\d+",


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/open_systems.smk"
include: "workflow/rules/thermal.smk"
include: "workflow/rules/correlations.smk"
include: "workflow/rules/work_statistics.smk"
include: "workflow/rules/control.smk"


# named per-stage targets: snakemake simulate | power | open_systems | correlations | work |
# thermal | figures (each defined in its rule file, figures here)
rule figures:
    input:
        [f for f in ALL_TARGETS if "/figures/" in str(f)],


rule all:
    default_target: True
    input:
        ALL_TARGETS,


onsuccess:
    # The browsable report (figures, captions, config, runtimes), made after every complete run
    # of the study (not after a run of chosen target files: the figures it shows may be missing).
    import subprocess

    _targets = set(getattr(getattr(workflow, "dag_settings", None), "targets", None) or ())
    if _targets <= {"all", "qbattery"}:
        cmd = [
            sys.executable,
            "-m",
            "snakemake",
            "--snakefile",
            workflow.main_snakefile,
            "--directory",
            str(Path.cwd()),
            "--nolock",
            "--quiet",
            "all",
        ]
        cmd += [
            a for f in workflow.overwrite_configfiles for a in ("--configfile", str(f))
        ]
        cmd += ["--report", f"{RES}/report.html"]
        if subprocess.run(cmd).returncode != 0:
            sys.stderr.write(
                f"qbattery: the report {RES}/report.html could not be made; run snakemake --report {RES}/report.html\n"
            )
