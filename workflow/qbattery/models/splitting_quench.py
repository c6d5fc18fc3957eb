"""Splitting quench: a non-cyclic work protocol on N free cells (work face only).

The cell splitting is switched from omega_i to omega_f at t = 0, a transverse field g acts for
0 < t < tau, and the final Hamiltonian differs from the initial one (omega_a = 1 sets the units):
    H(0) = omega_i sum_i n_i,   K = omega_f sum_i n_i + g sum_i sigma^x_i,   H(tau) = omega_f sum_i n_i,
so the free-energy change of N free two-level cells is not zero,
    dF = -(N/beta) ln[(1 + e^{-beta omega_f}) / (1 + e^{-beta omega_i})],
the test case of Jarzynski's equality <e^{-beta W}> = e^{-beta dF} with dF != 0
(Jarzynski, PRL 78, 2690 (1997); Talkner, Lutz, Haenggi, PRE 75, 050102(R) (2007)).
The protocol is permutation invariant: every total-spin sector j with multiplicity d_j
(qbattery.physics.work_distributions.collective_sectors). There is no closed face (the battery
Hamiltonian itself changes), so the model appears only in ``work_statistics.protocols``.
"""

from __future__ import annotations

import math

from ..physics.work_distributions import Sector, collective_sectors
from .base import Model, Parameter, register


@register
class SplittingQuench(Model):
    name = "splitting_quench"
    title = "Splitting quench"
    label = r"Splitting quench $\omega_i \to \omega_f$"  # figures and report (mathtext)
    kind = "parallel"
    hamiltonian = "H(0) = omega_i sum_i n_i; 0 < t < tau: omega_f sum_i n_i + g sum_i s^x_i; H(tau) = omega_f sum_i n_i (non-cyclic)"
    initial_state = "Gibbs state exp(-beta H(0)) / Z_0 of the N cells"
    normalisation = "omega_a = 1 (omega_i, omega_f, g in omega_a); the field g acts on every cell independently"
    route = "work face only: every total-spin sector j with multiplicity d_j"
    references = "C. Jarzynski, PRL 78, 2690 (1997); P. Talkner, E. Lutz, P. Haenggi, PRE 75, 050102(R) (2007)"
    parameters = (
        Parameter("omega_i", "initial cell splitting omega_i", "omega_a", 1.0, minimum=0.0, exclusive_minimum=True, maximum=100.0),
        Parameter("omega_f", "final cell splitting omega_f", "omega_a", 1.5, minimum=0.0, exclusive_minimum=True, maximum=100.0),
        # g = 0 is allowed: the sudden quench, populations frozen, binomial P(W)
        Parameter("drive", "transverse field g during the pulse", "omega_a", 0.5, minimum=0.0, maximum=100.0),
    )
    reference = None

    # ---------------------------------------------------------------- face: work
    work_hamiltonian = hamiltonian
    work_route = "every total-spin sector j with multiplicity d_j"
    work_references = "dF = -(N/beta) ln[(1 + e^{-beta omega_f}) / (1 + e^{-beta omega_i})]"
    work_cyclic = False

    def work_sectors(self, N: int, params: dict[str, float], n_max: int) -> list[Sector]:
        """H(0) = omega_i (J_z + N/2), H(tau) = omega_f (J_z + N/2), K = omega_f (J_z + N/2) + 2 g J_x per spin sector j."""
        wf, g = float(params["omega_f"]), float(params["drive"])
        return collective_sectors(N, float(params["omega_i"]), wf, lambda two_j, n_exc, Jz, Jp: wf * n_exc + g * (Jp + Jp.T))

    def work_free_energy(self, N: int, params: dict[str, float], beta: float) -> float:
        """dF = -(N/beta) ln[(1 + e^{-beta omega_f}) / (1 + e^{-beta omega_i})] for N free cells."""
        wi, wf = float(params["omega_i"]), float(params["omega_f"])
        return -(N / beta) * (math.log1p(math.exp(-beta * wf)) - math.log1p(math.exp(-beta * wi)))
