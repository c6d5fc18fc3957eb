"""Library of the catalogue's ``lindblad`` face: the generator of one open grid point
(:class:`OpenProblem`), the baths' rates (:data:`RATES`, the one definition of each rate's
name, units, bounds and schema text) and the single-qubit bath pieces.

Conventions (DESIGN.md): omega_a = 1, H_B = omega_a sum_i |e><e|_i, every bath at temperature T
with n_T(omega) = 1 / (exp(omega / T) - 1):

    cells:           gamma (n_T + 1) D[s^-_i] + gamma n_T D[s^+_i] + (gamma_phi / 2) D[s^z_i]
    cavity/charger:  kappa (n_T(omega_c) + 1) D[a] + kappa n_T(omega_c) D[a^dag]   (or D[s^-_A] ...)

A model with the face implements ``lindblad(N, params, cutoff) -> OpenProblem`` and declares
``lindblad_*`` attributes (see ``Model`` in models/base.py). Imports only ``models.base`` of
the catalogue, so the model modules can import this one (no import cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..models.base import Model, Parameter
from ..physics.quantities import Spectrum
from ..physics.cell_operators import NE, SM, SX, SZ, cell_terms, n_thermal  # noqa: F401  (re-exported)
from ..physics.dicke_basis import DickeBlocks


@dataclass(frozen=True)
class Rate(Parameter):
    """A bath rate or the bath temperature: a grid dimension of every open model with that bath.

    ``long_name``/``units`` label the NetCDF coordinate; ``schema_text`` is the config
    description "<what> [<units>]<how it enters>" of the section key and the model entries."""

    schema_text: str = ""

    def json_schema(self, override: bool = True) -> dict:
        """Schema of ``open_systems.<rate>`` (``override=False``, with its default) or of
        ``open_systems.models.<model>.<rate>`` (``override=True``: overrides the section's)."""
        scalar = {"type": "number", "minimum": self.minimum, "maximum": self.maximum}
        where = f" (overrides open_systems.{self.name})" if override else ""
        out: dict = {
            "description": f"{self.schema_text}{where}; a list sweeps it",
            "oneOf": [scalar, {"type": "array", "items": dict(scalar), "minItems": 1, "uniqueItems": True}],
        }
        if not override:
            out["default"] = self.default
        return out


def _rate(name: str, long_name: str, schema_text: str, maximum: float = 100.0) -> Rate:
    return Rate(name, long_name, "omega_a", 0.0, minimum=0.0, maximum=maximum, schema_text=schema_text)


#: every rate an open model may use, in grid-dimension order
RATES: dict[str, Rate] = {
    r.name: r
    for r in (
        _rate(
            "gamma",
            "cell decay rate gamma (emission gamma (n_T + 1), absorption gamma n_T)",
            "cell decay rate gamma [omega_a]: emission gamma (n_T + 1) D[s^-], absorption gamma n_T D[s^+]",
        ),
        _rate(
            "gamma_phi",
            "pure dephasing rate gamma_phi of every cell (coherences decay as exp(-gamma_phi t))",
            "pure dephasing rate gamma_phi [omega_a]: (gamma_phi/2) D[s^z], coherences decay as exp(-gamma_phi t)",
        ),
        _rate("kappa", "cavity / charger loss rate kappa", "cavity / charger loss rate kappa [omega_a] (models with a cavity or charger)"),
        _rate(
            "temperature",
            "bath temperature T (all baths)",
            "bath temperature T [omega_a] of every bath, n_T = 1/(exp(omega/T) - 1); 0 = zero temperature",
            maximum=1000.0,
        ),
    )
}
CELL_RATES = ("gamma", "gamma_phi", "temperature")
CELL_AND_MODE_RATES = ("gamma", "gamma_phi", "kappa", "temperature")


def thermal_margin(omega: float, T: float, tol: float) -> int:
    """Fock levels above the charged state needed for a thermal tail (n/(n+1))^m below tol."""
    n = n_thermal(omega, T)
    if n <= 0:
        return 0
    return int(np.ceil(np.log(tol) / np.log(n / (n + 1.0))))


@dataclass
class OpenProblem:
    """Generator and bookkeeping of one grid point (system space of dimension d)."""

    L_H: sp.csr_matrix  # -i [H, .] while charging
    L_D: sp.csr_matrix  # dissipators
    L_H_off: sp.csr_matrix  # -i [H_free, .] after the charger is switched off
    rho0: np.ndarray  # (d, d)
    H_B: np.ndarray  # battery energy on the system space
    H_S: np.ndarray  # total (lab-frame) energy operator of battery + charger (+ drive)
    H_S_off: np.ndarray  # the same after the charger/drive is switched off
    battery: Callable[[np.ndarray], np.ndarray]  # (nt, d, d) -> reduced battery states
    levels: Spectrum | None  # full battery spectrum (None: H_B of the reduced state is complete)
    H_B_reduced: np.ndarray  # battery Hamiltonian on the reduced battery space
    blocks: DickeBlocks | None = None  # Dicke-basis block structure of the reduced state
    copies: int = 1  # N for N-fold product models
    top_levels: Callable[[np.ndarray], np.ndarray] | None = None  # (nt, d, d) -> truncation weight(t)
    cutoff: int = 0
    switch_on_work: float = 0.0
    support: np.ndarray | None = None  # vec indices of an invariant subspace (block-diagonal states)
    on_support: bool = False  # L_H, L_D, L_H_off are given on the support already (not on all d^2 vec indices)
    real_frame: bool = False  # cells alone in the Dicke basis, generator real in the frame P rho P^dag (dicke_basis.RealSymmetricBlocks)
    extra: dict = field(default_factory=dict)

    @property
    def dim(self) -> int:
        return self.rho0.shape[0]

    @property
    def L(self) -> sp.csr_matrix:
        return (self.L_H + self.L_D).tocsr()

    @property
    def L_off(self) -> sp.csr_matrix:
        return (self.L_H_off + self.L_D).tocsr()


def lindblad_attrs(m: Model) -> dict[str, str]:
    """Dataset attributes of an open-system grid of ``m``: the face's texts (``lindblad_<x>``),
    falling back to the model's common ones (``<x>``) where the face does not restate them."""

    def text(key: str) -> str:
        return str(getattr(m, f"lindblad_{key}", None) or getattr(m, key))

    return {
        "model": m.name,
        "model_title": text("title"),
        "hamiltonian": text("hamiltonian"),
        "dissipators": m.lindblad_dissipators,
        "initial_state": text("initial_state"),
        "computation_route": m.lindblad_route,
        "work_definition": m.lindblad_work_definition,
        "model_references": text("references"),
        "closed_counterpart": m.lindblad_closed_model,
    }


# ----------------------------------------------------------------------------------------
# Work and heat conventions (single-cell operators: physics/cell_operators.py)
# ----------------------------------------------------------------------------------------
#: work and heat of a resonantly driven cell (rotating frame)
DRIVE_WORK = (
    "work = int -i Tr(H_B [H, rho]) dt (energy from the coherent drive into the cells); heat = int sum_k Tr(H_B D_k[rho]) dt; "
    "system_work = lab-frame int Tr(rho dH/dt) dt of the drive, system energy = <H_B + V(t)>"
)
#: work and heat with an explicit charger (cavity mode, oscillator or qubit)
CAVITY_WORK = (
    "work = int -i Tr(H_B [H, rho]) dt (energy from the mode into the cells through the coupling); "
    "heat = int sum_k Tr(H_B D_k[rho]) dt (cell baths); system_heat = int Tr(H L_D[rho]) dt (all baths, H the total "
    "time-independent Hamiltonian), system_work = switch-on work Tr(rho(0) H_int) (0 here)"
)


def identity_battery(rho: np.ndarray) -> np.ndarray:
    """Reduced battery state of a system that is the battery alone."""
    return rho
