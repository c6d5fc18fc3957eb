"""Single-cell operators and bath rates shared by the open-system models and the control systems
(basis |g> = 0, |e> = 1; a leaf module: it imports nothing of the library, so any module can
import it first)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

SM = np.array([[0.0, 1.0], [0.0, 0.0]], dtype=complex)  # s^- = |g><e|
SZ = np.diag([-1.0, 1.0]).astype(complex)
SX = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)
NE = np.diag([0.0, 1.0]).astype(complex)  # |e><e|


def n_thermal(omega: float, T: float) -> float:
    """Bose occupation 1 / (exp(omega / T) - 1); 0 at T = 0."""
    if T <= 0:
        return 0.0
    x = omega / T
    return 0.0 if x > 700 else float(1.0 / np.expm1(x))


def cell_terms(op: Callable[[np.ndarray], np.ndarray], p: dict[str, float]) -> list[tuple[float, np.ndarray]]:
    """(rate, collapse operator) of one cell's bath, ``op`` embeds a cell operator."""
    n = n_thermal(1.0, p["temperature"])
    g = p["gamma"]
    return [(g * (n + 1.0), op(SM)), (g * n, op(SM.conj().T)), (p["gamma_phi"] / 2.0, op(SZ))]
