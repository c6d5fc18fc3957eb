"""Disordered XXZ chain battery: random local fields (Rossini, Andolina, Polini, PRB 100, 115142 (2019),
many-body-localised quantum batteries).

The chain of ``spin_chain`` whose cells have random splittings omega_a + h_i, h_i = W eps_i, eps_i
uniform in [-1, 1] (one draw per realisation, scaled by the disorder strength W):
    H_B   = sum_i (omega_a + h_i) |e><e|_i                 (the cells, with their disorder)
    H_int = J sum_<ij> [s^x_i s^x_j + s^y_i s^y_j + Delta s^z_i s^z_j]
    H_ch  = g sum_i s^x_i,     psi(0) = |g...g>.
W < omega_a keeps every splitting positive, so |g...g> stays the ground state of H_B (ground energy 0,
ergotropy = energy of the pure state, capacity sum_i (omega_a + h_i)). In the fermionic language the
random fields are random on-site potentials of the interacting XXZ chain: the eigenstates of
H_B + H_int cross over from ergodic (W << J) to many-body localised (W >> J); the series
``interacting_ergotropy`` (w.r.t. H_B + H_int) and the power follow the crossover across W.
W = 0 is ``spin_chain`` (test). The fields break the reflection symmetry: full 2^N space.
"""

from __future__ import annotations

import numpy as np

from ..physics import spin_chain_ops as ops
from .base import Model, Numerics, Parameter, Trajectory, register
from .long_range_xxz import _DIAGNOSTICS, _SERIES
from .spin_chain import _DRIVE, SpinChain, chain_trajectory


@register
class DisorderedChain(Model):
    name = "disordered_chain"
    title = "Disordered XXZ chain QB"
    kind = "global"
    random = True
    disorder = "cell fields h_i = W eps_i, eps_i uniform in [-1, 1], one per cell"
    hamiltonian = (
        "H = sum_i (omega_a + W eps_i) |e><e|_i + J sum_<ij> [s^x_i s^x_j + s^y_i s^y_j + Delta s^z_i s^z_j] + g sum_i s^x_i; "
        "eps_i uniform in [-1, 1]; bonds (i, i+1), plus (N, 1) if periodic = 1 and N >= 3"
    )
    initial_state = "|g...g> (ground state of the disordered H_B)"
    normalisation = (
        "omega_a = 1 (mean cell splitting); energy, ergotropy and capacity relative to the disordered cells' H_B; "
        "the ergotropy w.r.t. H_B + H_int is the series interacting_ergotropy"
    )
    route = "full 2^N space (the fields break the reflection symmetry), sparse H from bit patterns, exact propagation"
    references = "D. Rossini, G. M. Andolina, M. Polini, PRB 100, 115142 (2019); T. P. Le et al., PRA 97, 022106 (2018)"
    parameters = (
        Parameter("W", "disorder strength W of the cell fields (h_i uniform in [-W, W])", "omega_a", 0.5, minimum=0.0, maximum=0.99),
        Parameter("J", "nearest-neighbour exchange coupling J", "omega_a", 0.2, minimum=-100.0, maximum=100.0),
        Parameter("anisotropy", "XXZ anisotropy Delta", "1", 1.0, minimum=-100.0, maximum=100.0),
        _DRIVE,
        Parameter("periodic", "boundary: 1 periodic chain, 0 open chain", "1", 0, minimum=0, maximum=1, integer=True),
    )
    diagnostics = _DIAGNOSTICS
    series = _SERIES
    numerics_used = {"closed": ("dense_max_dim",)}
    closed_max_N = 16
    memory_mb = SpinChain.memory_mb

    def draw(self, N: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """eps_i uniform in [-1, 1] for every cell."""
        return {"eps": rng.uniform(-1.0, 1.0, size=N)}

    def operators(self, N: int, params: dict[str, float], disorder: dict[str, np.ndarray]):
        periodic = bool(int(round(float(params["periodic"]))))
        fields = float(params["W"]) * np.asarray(disorder["eps"], dtype=float)
        return (
            ops.cells_hamiltonian(N, fields=fields),
            ops.xxz_hamiltonian(N, float(params["J"]), float(params["anisotropy"]), periodic),
            ops.field_hamiltonian(N, float(params["drive"])),
        )

    def run(self, N: int, times: np.ndarray, params: dict[str, float], numerics: Numerics, disorder=None) -> Trajectory:
        if N < 1:
            raise ValueError(f"model {self.name!r}: N must be >= 1, got {N}")
        if disorder is None:
            raise ValueError(f"model {self.name!r} has random fields: pass disorder = model.draw(N, rng)")
        if not float(params["W"]) < 1.0:
            raise ValueError(f"model {self.name!r}: W = {params['W']} must be < omega_a = 1 (positive cell splittings)")
        return chain_trajectory(N, times, *self.operators(N, params, disorder), numerics, None)
