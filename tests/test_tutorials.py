"""The tutorials (docs/tutorials/t*.py) execute, and their closed-form checks hold.

Each tutorial is a worked problem whose cells assert the physics against a closed form
(ergotropy of a qubit, Gamma(N) = N of the global flip, the flip saturating the Mandelstam-Tamm
bound, the optical-Bloch steady state, Gibbs preservation under thermal operations, the
Jaynes-Cummings correlations, Jarzynski's equality); running it is the test. The documentation
(API reference from the docstrings, config and vocabulary references, rendered tutorials) builds
with Sphinx without a single warning.
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = sorted((ROOT / "docs" / "tutorials").glob("t[0-9][0-9]_*.py"))


def test_the_tutorials_are_numbered_in_sequence():
    """The sequence of issue #23 (ergotropy ... notebook to study) and the bring-your-own-battery example of #24."""
    assert [p.name[:3] for p in TUTORIALS] == [f"t0{i}" for i in range(1, 10)]


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_tutorial_runs_and_its_closed_form_checks_hold(path, tmp_path, monkeypatch):
    """Execute the tutorial as a script: every assert in it compares a library result with its
    closed form or an independent route (brute force, qutip)."""
    monkeypatch.chdir(tmp_path)
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        plt.close("all")


def test_documentation_builds_without_warnings(tmp_path):
    """sphinx-build -W: autodoc of the public API, the Markdown references, the tutorials rendered
    (not executed again: the tests above run them)."""
    pytest.importorskip("sphinx_gallery")
    env = {**os.environ, "QBATTERY_DOCS_RUN_TUTORIALS": "0", "MPLBACKEND": "Agg"}
    out = tmp_path / "html"
    p = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-W", "--keep-going", "-b", "html"]
        + ["-d", str(tmp_path / "doctrees"), str(ROOT / "docs"), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr[-4000:]
    assert (out / "api.html").exists() and (out / "auto_tutorials" / "index.html").exists()
    assert "ergotropy" in (out / "api.html").read_text()
