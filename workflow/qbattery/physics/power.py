"""Charging power from a time series of stored energy (or ergotropy).

Definitions (DESIGN.md; Ferraro et al., PRL 120, 117702 (2018); Binder et al., NJP 17,
075015 (2015)):

- stored energy   E(t) = Tr(rho_B(t) H_B) - Tr(rho_B(0) H_B)
- average power   P(t) = E(t) / t            (undefined at t = 0 -> NaN)
- optimal time    tau* = argmax_{t > 0} P(t)  (refined by a parabola through the grid max)
- maximal power   P_max = P(tau*)
- peak power      max_t dE/dt                 (second-order finite differences)

The same functions apply to ergotropy-based power. ``tau_at_boundary`` flags a maximum
found at the last time point: the time grid is then too short to resolve tau*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def stored_energy(energy: np.ndarray) -> np.ndarray:
    """E(t) - E(0) along the last axis."""
    e = np.asarray(energy, dtype=float)
    return e - e[..., :1]


def average_power(times: np.ndarray, stored: np.ndarray) -> np.ndarray:
    """P(t) = E(t)/t along the last axis; NaN where t = 0."""
    t = np.asarray(times, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(t > 0, np.asarray(stored, dtype=float) / np.where(t > 0, t, 1.0), np.nan)


def instantaneous_power(times: np.ndarray, stored: np.ndarray) -> np.ndarray:
    """dE/dt along the last axis by second-order finite differences."""
    return np.gradient(np.asarray(stored, dtype=float), np.asarray(times, dtype=float), axis=-1, edge_order=2)


@dataclass(frozen=True)
class PowerSummary:
    """Scalar power figures of one charging curve."""

    tau_star: float
    max_power: float
    peak_power: float
    t_peak_power: float
    max_stored: float
    t_max_stored: float
    tau_at_boundary: bool


def _refine_max(t: np.ndarray, y: np.ndarray, i: int) -> tuple[float, float]:
    """Vertex of the parabola through (t, y) at i-1, i, i+1; the grid point if not interior."""
    if i <= 0 or i >= len(t) - 1 or not np.all(np.isfinite(y[i - 1 : i + 2])):
        return float(t[i]), float(y[i])
    c = np.polyfit(t[i - 1 : i + 2] - t[i], y[i - 1 : i + 2], 2)
    if c[0] >= 0:
        return float(t[i]), float(y[i])
    dt = -c[1] / (2 * c[0])
    if not (t[i - 1] - t[i] <= dt <= t[i + 1] - t[i]):
        return float(t[i]), float(y[i])
    return float(t[i] + dt), float(np.polyval(c, dt))


def summarise(times: np.ndarray, stored: np.ndarray) -> PowerSummary:
    """Power summary of one curve E(t) (1-d ``stored``, E(0) = 0)."""
    t = np.asarray(times, dtype=float)
    e = np.asarray(stored, dtype=float)
    if t.ndim != 1 or e.shape != t.shape:
        raise ValueError("summarise takes 1-d times and stored energy of equal length")
    if len(t) < 3 or np.any(np.diff(t) <= 0):
        raise ValueError("times must be increasing with at least 3 points")
    p = average_power(t, e)
    i = int(np.nanargmax(p))
    tau, pmax = _refine_max(t, p, i)
    dp = instantaneous_power(t, e)
    j = int(np.argmax(dp))
    k = int(np.argmax(e))
    return PowerSummary(
        tau_star=tau,
        max_power=pmax,
        peak_power=float(dp[j]),
        t_peak_power=float(t[j]),
        max_stored=float(e[k]),
        t_max_stored=float(t[k]),
        tau_at_boundary=bool(i == len(t) - 1),
    )
