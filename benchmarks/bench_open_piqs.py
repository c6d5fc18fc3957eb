"""Benchmark: permutation-invariant open charging at large N through the piqs Dicke basis.

Collective resonant drive (H = g sum_i s^x_i), local thermal decay, dephasing and
collective decay (``collective_drive`` open model), full open-system pipeline per point:
propagation with the exact work/heat integrals, full-space ergotropy with multiplicities,
self-discharge and late-time ergotropy. Prints wall time per N and the health numbers.

    python benchmarks/bench_open_piqs.py [N ...]     (default: 10 20 30 40)

peak_MB is the process's peak resident memory so far (ru_maxrss: run one N per process for a
per-N figure); the load average is printed because the wall times depend on the machine's load.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow"))

import numpy as np  # noqa: E402

from qbattery.open_systems import OpenSettings, open_grid  # noqa: E402
from qbattery.physics.dicke_basis import DickeBlocks  # noqa: E402


def main(Ns: list[int]) -> None:
    times = np.linspace(0.0, 20.0, 201)
    settings = OpenSettings(discharge_t_max=40.0, discharge_points=101, late_time=100.0)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("N  dicke_dim  liouville_dim  wall_s  first_law_residual  trace_error  positivity_error  ergotropy(t_max)/N  tau*  peak_MB")
    for N in Ns:
        t0 = time.perf_counter()
        ds = open_grid(
            "collective_drive",
            [N],
            times,
            rates={"gamma": 0.05, "gamma_phi": 0.02, "temperature": 0.2},
            params={"drive": 0.5, "gamma_collective": 0.01},
            settings=settings,
        )
        wall = time.perf_counter() - t0
        print(
            f"{N:<3d}{DickeBlocks(N).dimension:>10d}{int(ds.liouville_dim.item()):>15d}{wall:>8.1f}"
            f"{ds.first_law_residual.item():>20.2e}{ds.trace_error.item():>13.2e}{ds.positivity_error.item():>18.2e}"
            f"{ds.ergotropy.isel(t=-1).item() / N:>20.4f}{ds.tau_star.item():>7.2f}"
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>9.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 20, 30, 40])
