#!/usr/bin/env python3
"""Replay every script job of a finished Snakemake run in ONE Python process: the workflow-overhead
reference of issue 18 (the same computations, figures included, without per-job interpreters).

Snakemake runs each job's ``script:`` as a generated file (its pickled ``snakemake`` object, then the
script body); ``--skip-script-cleanup`` keeps them in ``<workdir>/.snakemake/scripts``. This tool
removes the run's results, then executes those files in the order Snakemake created them (a job's
file is written when it starts, after its inputs exist: a topological order), each in a fresh
namespace of this process, with the working directory of the run. Modules imported by one job stay
imported for the next; nothing else is shared. Not replayed: ``run:`` rules (the study's config
copy) and the report, so the in-process side does slightly less than the workflow.

Usage:
    snakemake --cores 2 --skip-script-cleanup --directory WD --configfile CFG   # timed: the workflow
    python benchmarks/replay_in_one_process.py WD                              # timed: one process
(``run_benchmarks.py --overhead CFG`` does both in one run and prints the ratio.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

PREAMBLE_END = "######## snakemake preamble end #########"


def job_scripts(workdir: Path) -> list[Path]:
    """The kept job scripts of the run in ``workdir``, in creation order."""
    scripts = list((workdir / ".snakemake" / "scripts").glob("*.py"))
    return sorted(scripts, key=lambda p: (p.stat().st_mtime_ns, p.name))


def _snakemake_object(source: str, path: Path):
    """Execute only the generated preamble (sys.path + the pickled job object) and return the object."""
    head = source[: source.index(PREAMBLE_END)]
    ns: dict = {"__file__": str(path)}
    exec(compile(head, str(path), "exec"), ns)
    return ns["snakemake"]


def replay(workdir: Path) -> dict[str, float]:
    """Remove the run's outputs, then run every kept job script in this process; seconds per script name."""
    workdir = Path(workdir).resolve()
    scripts = job_scripts(workdir)
    if not scripts:
        raise SystemExit(f"no kept job scripts in {workdir}/.snakemake/scripts (run snakemake with --skip-script-cleanup)")
    sources = {p: p.read_text() for p in scripts}
    jobs = [(p, _snakemake_object(sources[p], p)) for p in scripts]
    os.chdir(workdir)
    for _, smk in jobs:  # the outputs are made again below; nothing of the workflow's run is reused
        for f in [*smk.output, *smk.log]:
            target = Path(f)
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    seconds: dict[str, float] = {}
    t_all = time.perf_counter()
    for path, smk in jobs:
        for f in [*smk.output, *smk.log]:  # Snakemake creates the folders of a job's files before it runs
            Path(f).parent.mkdir(parents=True, exist_ok=True)
        name = path.name.split(".", 1)[1]
        env = dict(os.environ)
        t0 = time.perf_counter()
        try:
            exec(compile(sources[path], str(path), "exec"), {"__name__": "__main__", "__file__": str(path)})
        finally:
            os.environ.clear()
            os.environ.update(env)  # stage_job.py sets the BLAS thread variables of its job
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t0
    seconds["total"] = time.perf_counter() - t_all
    seconds["jobs"] = float(len(jobs))
    return seconds


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workdir", type=Path, help="the --directory of a finished snakemake --skip-script-cleanup run")
    a = p.parse_args(argv)
    secs = replay(a.workdir)
    print(f"{int(secs.pop('jobs'))} jobs in one process: {secs.pop('total'):.1f} s")
    for name, s in sorted(secs.items(), key=lambda kv: -kv[1]):
        print(f"{name:>32} {s:8.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
