"""Deployment with snakedeploy (issue 22): ``snakedeploy deploy-workflow <repo> <dest> --tag/--branch``
writes a host workflow (``config/``, ``profiles/``, and a ``workflow/Snakefile`` that uses this
workflow as a Snakemake ``module``) that runs the default study.

The deployment is made from a local git clone (no network). For a local source snakedeploy writes
the module's ``snakefile:`` relative to the *source* repository ("workflow/Snakefile"), which does
not resolve from the deployed Snakefile; for a GitHub source it writes
``github("<owner>/qbattery", path="workflow/Snakefile", tag=...)``. The test points the module at
the clone's absolute path, the local equivalent of that ``github(...)`` declaration."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

SNAKEDEPLOY = Path(sys.executable).with_name("snakedeploy")
pytestmark = pytest.mark.skipif(not SNAKEDEPLOY.exists() and shutil.which("snakedeploy") is None, reason="snakedeploy not installed")


def _deploy(tmp_path: Path) -> tuple[Path, Path]:
    """(clone, deployed workflow) of the repository's committed tip."""
    src, dest = tmp_path / "qbattery", tmp_path / "deployed"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(src)], check=True, timeout=120)
    branch = subprocess.run(["git", "-C", str(src), "rev-parse", "--abbrev-ref", "HEAD"], capture_output=True, text=True, check=True)
    exe = str(SNAKEDEPLOY) if SNAKEDEPLOY.exists() else shutil.which("snakedeploy")
    p = subprocess.run(
        [exe, "deploy-workflow", str(src), str(dest), "--branch", branch.stdout.strip(), "--name", "qbattery"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    snakefile = dest / "workflow" / "Snakefile"
    text = snakefile.read_text()
    assert "module qbattery:" in text and "use rule * from qbattery" in text and 'configfile: "config/config.yaml"' in text
    assert '"workflow/Snakefile"' in text  # local source: the path inside the source repository
    snakefile.write_text(text.replace('"workflow/Snakefile"', repr(str(src / "workflow" / "Snakefile"))))
    return src, dest


def test_snakedeploy_deploys_the_workflow_and_its_dry_run_plans_the_default_study(tmp_path):
    """The deployed copy carries the study configs and profiles, and ``snakemake -n`` in it
    plans the default study's jobs through the module."""
    src, dest = _deploy(tmp_path)
    assert (dest / "config" / "config.yaml").read_text() == (src / "config" / "config.yaml").read_text()
    assert yaml.safe_load((dest / "config" / "paper.yaml").read_text())["study"] == "paper"
    assert (dest / "profiles" / "default").is_dir() and (dest / "LICENSE").is_file()
    p = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--cores", "2"], cwd=dest, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    out = p.stdout + p.stderr
    assert "This was a dry-run" in out and "simulate_point" in out and "study_config" in out


@pytest.mark.slow  # the whole tiny study in the deployed workflow (~4 min)
def test_the_deployed_workflow_runs_the_tiny_study(tmp_path):
    from e2e import tiny_config

    _, dest = _deploy(tmp_path)
    (dest / "config" / "tiny.yaml").write_text(yaml.safe_dump(tiny_config()))
    p = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile", "config/tiny.yaml"],
        cwd=dest,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    assert any((dest / "results").rglob("*.nc"))
