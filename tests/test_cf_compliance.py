"""Every NetCDF file a study writes passes the CF-1.10 checks of IOOS compliance-checker.

Files are checked with compliance-checker's ``cf:1.10`` suite through its library API; a test
fails on any failed check of high (error) or medium (warning) priority, the checker's own
"normal" pass criterion, except :data:`KNOWN`. The checker is slow (its coordinate detection is
quadratic in the number of variables: 2-50 s per file), so the default suite checks what the
writer makes of a small simulate and power dataset, and the ``slow`` test checks every file of the
tiny study (shared ``tiny_run`` fixture), one file per group of identical CF headers (same
variables, dimensions, types and attributes; only the sizes of dimensions longer than one, the
values and the provenance attributes differ, which no CF check reads).
What the files declare and why: ``qbattery.io`` and ``docs/vocabulary.md``.

Time: compliance-checker (5.1, 4.4) takes a dimension *named* ``time`` for a calendar time axis,
which needs ``<unit> since <epoch>`` units; the charging time is a duration in 1/omega_a, so the
time dimension and coordinate are named ``t`` in every stage (``docs/vocabulary.md``).
"""

from __future__ import annotations

import time
from pathlib import Path

import netCDF4
import numpy as np
import pytest

pytest.importorskip("compliance_checker")

from compliance_checker.runner import CheckSuite  # noqa: E402

#: global attributes that differ between files of one header group without changing any CF verdict
VOLATILE = ("history", "config_json", "config_hash", "health_violations", "git_commit")
#: compliance-checker priorities that fail the test: 3 high (errors), 2 medium (warnings)
FAILING = (3, 2)


def _attr(v) -> str:
    return repr(np.asarray(v).tolist()) if isinstance(v, np.ndarray) else repr(v)


def cf_header(path: Path) -> tuple:
    """What a CF check can depend on: dimensions (length 1 or longer), variables with their
    dimensions, dtypes and attributes, and the global attributes but the volatile ones."""
    with netCDF4.Dataset(path) as nc:
        dims = tuple(sorted((d, min(len(v), 2)) for d, v in nc.dimensions.items()))
        variables = tuple(
            sorted(
                (n, v.dimensions, str(v.dtype), tuple(sorted((a, _attr(v.getncattr(a))) for a in v.ncattrs())))
                for n, v in nc.variables.items()
            )
        )
        glob = tuple(sorted((a, _attr(nc.getncattr(a))) for a in nc.ncattrs() if a not in VOLATILE))
    return dims, variables, glob


def cf_failures(suite: CheckSuite, path: Path, priorities=FAILING) -> list[str]:
    """Failed ``cf:1.10`` checks of ``path`` at ``priorities``: one line per message."""
    ds = suite.load_dataset(str(path))
    try:
        results = suite.run_all(ds, ["cf:1.10"], [], [])["cf:1.10"][0]
    finally:
        ds.close()
    out = []
    for r in results:
        scored, possible = r.value if isinstance(r.value, tuple) else (int(bool(r.value)), 1)
        if r.weight in priorities and scored < possible:
            out += [f"{path.name}: [{r.weight}] {r.name}: {m}" for m in r.msgs] or [f"{path.name}: [{r.weight}] {r.name}"]
    return out


def check_study(root: Path) -> tuple[dict[Path, list[str]], dict[Path, int], float]:
    """Run the suite on one file per header group of every ``.nc`` under ``root``:
    ({checked file: failures}, {checked file: group size}, seconds)."""
    t0 = time.perf_counter()
    suite = CheckSuite()
    suite.load_all_available_checkers()
    groups: dict[tuple, list[Path]] = {}
    for f in sorted(root.rglob("*.nc")):
        groups.setdefault(cf_header(f), []).append(f)
    failures, sizes = {}, {}
    for files in groups.values():
        failures[files[0]] = cf_failures(suite, files[0])
        sizes[files[0]] = len(files)
    return failures, sizes, time.perf_counter() - t0


def test_the_writer_makes_simulate_and_power_datasets_cf_1_10(tmp_path):
    """What :func:`qbattery.io.write_netcdf` writes of a simulate and a power dataset (reduced units,
    flags, 0-d parameter coordinates, provenance) passes cf:1.10; the same datasets with the old
    attributes (units omega_a, no title, coordinate _FillValue) or the time dimension named
    ``time`` (a calendar axis to CF) do not, so the check can fail."""
    import qbattery
    from qbattery.analysis import analyse_power
    from qbattery.io import write_netcdf

    sim = qbattery.simulate("parallel", N=[1, 2], times=np.linspace(0.0, 2.0, 5))
    suite = CheckSuite()
    suite.load_all_available_checkers()
    for name, ds in (("simulate", sim), ("power", analyse_power(sim))):
        path = tmp_path / name / "parallel.nc"
        write_netcdf(ds, path)
        assert not cf_failures(suite, path), name
    old = sim.copy()
    old["ergotropy"].attrs = {"long_name": "ergotropy", "units": "omega_a"}
    old.to_netcdf(tmp_path / "old.nc")  # not through the writer
    bad = "\n".join(cf_failures(suite, tmp_path / "old.nc"))
    assert "not recognized by UDUNITS" in bad and "_FillValue" in bad and "title" in bad, bad
    write_netcdf(sim.rename(t="time"), tmp_path / "named_time" / "parallel.nc")
    assert "Coordinate variable 'time'" in "\n".join(cf_failures(suite, tmp_path / "named_time" / "parallel.nc"))


@pytest.mark.slow
def test_every_netcdf_file_of_the_tiny_study_passes_cf_1_10(tiny_run):
    """compliance-checker --test=cf:1.10: no error and no warning on any file of the tiny study
    (every stage, per-job and merged files)."""
    wd, _ = tiny_run
    root = wd / "results" / "tiny"
    failures, sizes, seconds = check_study(root)
    n_files = sum(sizes.values())
    assert n_files >= 40, f"only {n_files} NetCDF files under {root}"
    assert {p.relative_to(root).parts[0] for p in sizes} >= {"simulate", "power", "open", "correlations", "work", "thermal"}
    print(f"cf:1.10 on {n_files} files ({len(sizes)} header groups) in {seconds:.1f} s")
    bad = [m for msgs in failures.values() for m in msgs]
    assert not bad, "\n".join(bad[:60])
