import os
import subprocess
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


#: the tiny study's background run: {"proc": Popen, "wd": Path, "cfg": dict, "out": Path, "err": Path}
_TINY: dict = {}


def _uses_tiny_run(item) -> bool:
    return "tiny_run" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(session, config, items):
    """Tests that read the tiny study run last: the study, started in the background when the
    session starts (``_tiny_run_in_background``), then runs beside the rest of the suite."""
    items[:] = [i for i in items if not _uses_tiny_run(i)] + [i for i in items if _uses_tiny_run(i)]


@pytest.fixture(scope="session", autouse=True)
def _tiny_run_in_background(request, tmp_path_factory):
    """Start the tiny study as soon as the session starts, if a collected test needs it; stop it if
    the session ends first (an interrupted run, ``-x``)."""
    if not any(_uses_tiny_run(i) for i in request.session.items):
        yield
        return
    from e2e import ROOT as E2E_ROOT
    from e2e import tiny_config

    wd = tmp_path_factory.mktemp("tiny")
    cfg = tiny_config()
    (wd / "tiny.yaml").write_text(yaml.safe_dump(cfg))
    out, err = wd / "snakemake.stdout", wd / "snakemake.stderr"
    cmd = [sys.executable, "-m", "snakemake", "-s", str(E2E_ROOT / "Snakefile"), "--directory", str(wd)]
    with out.open("w") as o, err.open("w") as e:
        proc = subprocess.Popen([*cmd, "--configfile", str(wd / "tiny.yaml"), "--cores", "2"], stdout=o, stderr=e, text=True)
    _TINY.update(proc=proc, wd=wd, cfg=cfg, out=out, err=err)
    yield
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=60)


@pytest.fixture(scope="session")
def tiny_run():
    """One complete run of the tiny config (every model, every stage), shared by the
    end-to-end tests of several files; started in the background when the session starts."""
    proc = _TINY["proc"]
    try:
        rc = proc.wait(timeout=1200)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert rc == 0, _TINY["err"].read_text()[-4000:]
    return _TINY["wd"], _TINY["cfg"]
