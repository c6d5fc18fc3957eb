"""Controllable batteries for the control stage: N two-level cells (optionally with a charger),
their drift and the families of control Hamiltonians a config may switch on.

Full tensor-product space, cell 0 the most significant factor (as ``spin_chain_ops``: basis
index bit 1 = |e>), battery factor first and charger factor second. Families (each a list of
Hermitian operators, one control amplitude u_k(t) per operator):

- ``local_x`` / ``local_y``: sigma^x_i / sigma^y_i on every cell i (N controls);
- ``collective_x``: sum_i sigma^x_i (one control, the parallel drive of ``rabi_parallel``);
- ``flip``: |g...g><e...e| + h.c. (one control, the global flip of ``global_flip``);
- ``coupling``: the battery-charger exchange H_1 of a charger-mediated model, modulated in time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .cell_operators import NE, SM, SX, SZ, cell_terms
from .lindblad import dissipators
from .optimal_control import ControlProblem

SY = np.array([[0.0, -1.0j], [1.0j, 0.0]], dtype=complex)  # sigma^y in the basis (|g>, |e>) of open_systems.problem

#: control families (config ``control.cases.<name>.controls``)
FAMILIES = ("local_x", "local_y", "collective_x", "flip", "coupling")


def site_operator(N: int, i: int, op: np.ndarray) -> np.ndarray:
    """op on cell i of N cells (dense 2^N x 2^N)."""
    out = np.ones((1, 1), dtype=complex)
    for k in range(N):
        out = np.kron(out, op if k == i else np.eye(2, dtype=complex))
    return out


def cells_energy(N: int) -> np.ndarray:
    """H_B = omega_a sum_i |e><e|_i (omega_a = 1)."""
    return sum(site_operator(N, i, NE) for i in range(N))


def cell_families(N: int) -> dict[str, list[np.ndarray]]:
    """The cell control families on the 2^N battery space."""
    d = 2**N
    flip = np.zeros((d, d), dtype=complex)
    flip[0, d - 1] = flip[d - 1, 0] = 1.0
    local_x = [site_operator(N, i, SX) for i in range(N)]
    return {
        "local_x": local_x,
        "local_y": [site_operator(N, i, SY) for i in range(N)],
        "collective_x": [sum(local_x)],
        "flip": [flip],
    }


@dataclass
class ControlSystem:
    """A battery of N cells (x) charger (dimension d_C, 1: none) ready for control.

    ``embeddings``: per cell (and charger qubit) the map of a one-qubit operator onto it, on which
    the thermal bath and dephasing terms of ``open_systems.problem.cell_terms`` act."""

    N: int
    drift: np.ndarray
    families: dict[str, list[np.ndarray]]
    H_B: np.ndarray
    psi0: np.ndarray
    d_C: int = 1
    frame: str = ""
    embeddings: list[Callable[[np.ndarray], np.ndarray]] = field(default_factory=list)

    def controls(self, names: Sequence[str]) -> tuple[list[np.ndarray], list[str]]:
        """The control operators of the families ``names`` and a label per control."""
        ops, labels = [], []
        for name in names:
            if name not in self.families:
                raise ValueError(f"control family {name!r} is not available here; available: {', '.join(sorted(self.families))}")
            fam = self.families[name]
            ops += fam
            labels += [name] if len(fam) == 1 else [f"{name}_{i}" for i in range(len(fam))]
        return ops, labels

    def problem(
        self,
        names: Sequence[str],
        objective: str = "ergotropy",
        rates: dict[str, float] | None = None,
    ) -> ControlProblem:
        """The ControlProblem of the families ``names``; with ``rates`` (gamma, gamma_phi,
        temperature): open dynamics with the local bath of ``open_systems.problem.cell_terms`` on
        every cell (and charger qubit)."""
        ops, labels = self.controls(names)
        diss = None
        if rates is not None:
            d = self.drift.shape[0]
            terms = [t for embed in self.embeddings for t in cell_terms(embed, rates)]
            diss = dissipators(terms, d).toarray()
        return ControlProblem(
            drift=self.drift,
            controls=tuple(ops),
            H_B=self.H_B,
            psi0=self.psi0,
            dims=(2**self.N, self.d_C),
            dissipator=diss,
            objective=objective,
            names=tuple(labels),
        )


def _on_cell(N: int, i: int, other: np.ndarray | None = None, first: bool = True) -> Callable[[np.ndarray], np.ndarray]:
    """o -> o on cell i of N (tensored with ``other`` after (first) or before it)."""

    def embed(o: np.ndarray) -> np.ndarray:
        op = site_operator(N, i, o)
        if other is None:
            return op
        return np.kron(op, other) if first else np.kron(other, op)

    return embed


def cells_system(N: int, drift: np.ndarray | None = None, frame: str = "") -> ControlSystem:
    """N cells in |g...g> with the cell families (drift: 0 in the rotating frame of H_B)."""
    d = 2**N
    psi0 = np.zeros(d, dtype=complex)
    psi0[0] = 1.0
    return ControlSystem(
        N=N,
        drift=np.zeros((d, d), dtype=complex) if drift is None else np.asarray(drift, dtype=complex),
        families=cell_families(N),
        H_B=cells_energy(N),
        psi0=psi0,
        frame=frame,
        embeddings=[_on_cell(N, i) for i in range(N)],
    )


def ising_pair_system(J: float) -> ControlSystem:
    """The Ising pair battery of Evangelakos, Paspalakis and Stefanatos (PRA 110, 052601 (2024)):
    two cells in |gg>, drift J sigma^z_1 sigma^z_2 in the rotating frame of H_B (a resonant transverse
    drive; H_B commutes with the coupling), the cell families (``collective_x``: their control
    u(t)(sigma^x_1 + sigma^x_2)). The optimum under |u| <= u_max is bang-Off-bang (docs/control.md)."""
    drift = J * site_operator(2, 0, SZ) @ site_operator(2, 1, SZ)
    return cells_system(2, drift=drift, frame="rotating frame of H_B, drift J sigma^z_1 sigma^z_2 (resonant transverse drive)")


def charger_pairs_system(N: int) -> ControlSystem:
    """N cells (x) N charger qubits, charger i exchanging with cell i (interaction picture at
    resonance: drift 0), psi(0) = |g...g>_B (x) |e...e>_A; the cell families act on the battery,
    ``coupling`` = sum_i (s^+_{B,i} s^-_{A,i} + h.c.)."""
    dB = 2**N
    eye_B, eye_A = np.eye(dB, dtype=complex), np.eye(dB, dtype=complex)
    fams = {k: [np.kron(o, eye_A) for o in v] for k, v in cell_families(N).items()}
    low_B = [np.kron(site_operator(N, i, SM), eye_A) for i in range(N)]
    low_A = [np.kron(eye_B, site_operator(N, i, SM)) for i in range(N)]
    embeddings = [_on_cell(N, i, eye_A, first=True) for i in range(N)] + [_on_cell(N, i, eye_B, first=False) for i in range(N)]
    H1 = sum(lb.conj().T @ la + la.conj().T @ lb for lb, la in zip(low_B, low_A))
    fams["coupling"] = [H1]
    psi0 = np.zeros(dB * dB, dtype=complex)
    psi0[dB - 1] = 1.0  # battery index 0 (|g...g>), charger index dB - 1 (|e...e>)
    return ControlSystem(
        N=N,
        drift=np.zeros((dB * dB, dB * dB), dtype=complex),
        families=fams,
        H_B=cells_energy(N),
        psi0=psi0,
        d_C=dB,
        frame="interaction picture of H_A + H_B at resonance",
        embeddings=embeddings,
    )
