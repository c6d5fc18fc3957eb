"""Progress of a long job in its log: one line per finished grid point with a cost-weighted
remaining-time estimate, and a heartbeat line while a long point runs.

remaining = elapsed x (cost of the points left) / (cost of the points done), with each point's
cost from the scheduler's runtime model (``stages.resources``: per-point overhead plus a dense
eigendecomposition ~ d^3, d read off the model's memory estimate at that N). A count-based
("linear") estimate is off by the ratio of the big points' cost to the small ones' (N = 16 vs
N = 1 is a factor of ~10^3 in d^3).

Plain log lines, not a progress bar: job logs are files (read with ``tail -f`` and shown by
``--show-failed-logs``); tqdm's carriage-return bars garble them, and its estimate is per
iteration count. The estimate is six lines of arithmetic; no library is needed for it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

log = logging.getLogger("qbattery")

#: seconds between heartbeat lines while one point runs
HEARTBEAT_SECONDS = 60.0


def _duration(s: float) -> str:
    s = max(0.0, float(s))
    if s < 120:
        return f"{s:.1f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"


class Progress:
    """Progress over points of known relative ``costs`` (any positive numbers). ``start(i,
    what)`` before point i, ``done(i)`` after it; ``clock`` is injectable for tests."""

    def __init__(
        self,
        label: str,
        costs: Sequence[float],
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        clock: Callable[[], float] = time.perf_counter,
        logger: logging.Logger = log,
    ):
        self.label, self.costs = label, [max(float(c), 1e-300) for c in costs]
        self.heartbeat_seconds, self.clock, self.logger = heartbeat_seconds, clock, logger
        self.t0 = clock()
        self.done_cost = 0.0
        self.count = 0
        self._beat: threading.Event | None = None

    @property
    def total(self) -> int:
        return len(self.costs)

    def remaining_seconds(self) -> float:
        """elapsed x cost left / cost done (NaN before the first point is done)."""
        if self.done_cost <= 0:
            return float("nan")
        left = sum(self.costs) - self.done_cost
        return (self.clock() - self.t0) * left / self.done_cost

    def start(self, i: int, what: str = "") -> None:
        """Point ``i`` begins: a heartbeat line every ``heartbeat_seconds`` until :meth:`done`."""
        self._stop_heartbeat()
        stop, begun = threading.Event(), self.clock()
        self._beat = stop

        def beat() -> None:
            while not stop.wait(self.heartbeat_seconds):
                self.logger.info(
                    "%s: still computing point %d/%d (%s), %s so far", self.label, i + 1, self.total, what, _duration(self.clock() - begun)
                )

        threading.Thread(target=beat, daemon=True).start()

    def done(self, i: int, what: str = "") -> None:
        """Point ``i`` finished (healthy or recorded as NaN: its cost is spent either way)."""
        self._stop_heartbeat()
        self.done_cost += self.costs[i]
        self.count += 1
        share = 100.0 * self.done_cost / sum(self.costs)
        self.logger.info(
            "%s: point %d/%d done%s; %.0f%% of the estimated cost, %s elapsed, ~%s left",
            self.label,
            self.count,
            self.total,
            f" ({what})" if what else "",
            share,
            _duration(self.clock() - self.t0),
            _duration(self.remaining_seconds()),
        )

    def _stop_heartbeat(self) -> None:
        if self._beat is not None:
            self._beat.set()
            self._beat = None


def point_costs(model, Ns: Sequence[int], n_times: int, points_per_N: int) -> list[float]:
    """Relative cost of every point of a simulate grid, N-major (the loop order of
    ``qbattery.simulate``): the runtime model of ``stages.resources`` at each N."""
    from .stages.resources import EIGH_SECONDS_PER_DIM3, POINT_OVERHEAD_SECONDS, dim_from_memory_mb

    floor = model.memory_mb(1, n_times)
    out = []
    for n in Ns:
        d = dim_from_memory_mb(model.memory_mb(int(n), n_times), base_mb=floor)
        out += [POINT_OVERHEAD_SECONDS + EIGH_SECONDS_PER_DIM3 * d**3] * points_per_N
    return out
