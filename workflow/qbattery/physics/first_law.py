"""First law of thermodynamics along a Lindblad trajectory (Alicki, J. Phys. A 12, L103 (1979)).

For drho/dt = L_H[rho] + L_D[rho], L_H = -i [H, .] (coherent part: drive, charger coupling,
free evolution) and L_D = sum_k D_k (dissipators), any energy operator A obeys
    d/dt Tr(rho A) = Tr(A L_H[rho]) + Tr(A L_D[rho]) = work rate + heat rate.

Battery bookkeeping (stored as ``work``, ``heat``), A = H_B:
    dE_B/dt = -i Tr(H_B [H, rho]) + sum_k Tr(H_B D_k[rho]),
work = the energy flowing into the battery through the coherent drive/charger coupling,
heat = the energy exchanged with the baths by the battery's dissipators.

System bookkeeping (``system_work``, ``system_heat``), A = H_S the total energy operator of
battery + charger (+ drive) in the frame of the generator: for a time-independent lab-frame
H = H_S the coherent part gives Tr(H [H, rho]) = 0, so the only work is the switch-on work
Tr(rho(0) (H_S - H_S,0)) and heat rate Tr(H L[rho]); for a classical drive in its rotating
frame (H_S = H_B + V), the work rate Tr(rho dV/dt) of the lab frame is -i Tr(H_S [H, rho]).

All rates are linear in rho, so their time integrals are exact functionals of
R(t) = int_0^t rho ds (lindblad.evolve): W(t) = Tr(A L_H[R(t)]), Q(t) = Tr(A L_D[R(t)]).
The residual max_t |E(t) - E(0) - W(t) - Q(t)| therefore measures the propagation error
and is checked against ``numerics.first_law_tol``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .lindblad import functional


@dataclass
class EnergyFlows:
    energy: np.ndarray  # Tr(rho A)
    work: np.ndarray  # int_0^t Tr(A L_H[rho]) (+ switch-on work)
    heat: np.ndarray  # int_0^t Tr(A L_D[rho])
    residual: float  # max_t |E(t) - E(0) - W(t) - Q(t)|


def energy_flows(
    A: np.ndarray,
    L_H: sp.spmatrix,
    L_D: sp.spmatrix,
    V: np.ndarray,
    R: np.ndarray,
    switch_on_work: float = 0.0,
    support: np.ndarray | None = None,
    driven: Sequence[tuple[sp.spmatrix, np.ndarray]] = (),
) -> EnergyFlows:
    """Energy, cumulative work and heat of operator ``A`` along vec rho(t) = V[t], vec R(t) = R[t].

    ``switch_on_work`` (Tr(rho(0) (H_S - H_S,0)), the sudden switch-on of the coupling) is
    added to the work; the energy is then Tr(rho A) with A the operator after switch-on
    minus that jump, so that E(0) is the energy before switch-on. With ``support``, V, R and
    the generators live on that invariant subset of vec indices. ``driven``: the time-dependent
    terms f_k(t) L_k of the coherent part, each with R_k(t) = int_0^t f_k rho ds
    (lindblad.evolve_driven); their work Tr(A L_k[R_k(t)]) is added.
    """
    f = functional(A)
    if support is not None:
        f = f[support]
    energy = np.real(V @ f)
    work = np.real(R @ (L_H.T @ f)) + switch_on_work
    for L_k, R_k in driven:
        work = work + np.real(R_k @ (L_k.T @ f))
    heat = np.real(R @ (L_D.T @ f))
    e_before = energy[0] - switch_on_work
    residual = float(np.abs(energy - e_before - work - heat).max())
    return EnergyFlows(energy=energy, work=work, heat=heat, residual=residual)


def efficiency(ergotropy: np.ndarray, work: np.ndarray, floor: float = 1e-9) -> np.ndarray:
    """eta(t) = ergotropy(t) / W(t) (ergotropy stored per unit work done on the battery);
    NaN while W(t) <= floor (no work done yet, e.g. at t = 0)."""
    w = np.asarray(work, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(w > floor, np.asarray(ergotropy, dtype=float) / np.where(w > floor, w, 1.0), np.nan)
