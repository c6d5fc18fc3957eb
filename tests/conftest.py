import os
import sys
from pathlib import Path

# one BLAS thread, as every workflow job has (Snakemake pins it to `threads: 1`): the tests'
# matrices are small, and threaded BLAS on 2 busy cores made them 10-60x slower
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# tests import the checkout's own library (workflow/qbattery), whichever checkout or
# worktree they run in, even when another checkout is the one pip-installed in editable mode
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow"))
sys.path.insert(0, str(Path(__file__).parent))


import pytest  # noqa: E402
import yaml  # noqa: E402


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """One complete run of the tiny config (every model, every stage), shared by the
    end-to-end tests of several files."""
    from e2e import snakemake, tiny_config

    wd = tmp_path_factory.mktemp("tiny")
    cfg = tiny_config()
    (wd / "tiny.yaml").write_text(yaml.safe_dump(cfg))
    p = snakemake(wd, "--configfile", str(wd / "tiny.yaml"), "--cores", "2")
    assert p.returncode == 0, p.stderr[-4000:]
    return wd, cfg
