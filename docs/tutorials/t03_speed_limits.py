"""
Quantum speed limits against the actual charging time
=====================================================

A state evolving under a time-independent H cannot become distinguishable from its initial
state arbitrarily fast. For a target overlap ``|<psi_0|psi_t>|`` the evolution time obeys

.. math:: t \\ge t_\\mathrm{MT} = \\frac{\\arccos|\\langle\\psi_0|\\psi_t\\rangle|}{\\Delta E}
   \\quad\\text{(Mandelstam-Tamm)}, \\qquad
   t \\ge t_\\mathrm{ML} = \\frac{\\alpha(|\\langle\\psi_0|\\psi_t\\rangle|^2)}{\\langle H\\rangle - E_0}
   \\quad\\text{(Margolus-Levitin)},

with Delta E the energy spread and <H> - E_0 the mean energy above the ground state of the
charging Hamiltonian; alpha(0) = pi/2 (Giovannetti, Lloyd and Maccone, PRA 67, 052109, 2003).
Charging the empty battery ``|g...g>`` to the full one ``|e...e>`` is a passage to an orthogonal state,
so both bounds apply with arccos 0 = pi/2.
"""

# %%
# Closed forms for the two protocols of tutorial 2
# ------------------------------------------------
# Parallel drive V = g sum_i sigma^x_i: in ``|g...g>``, <V> = 0, Delta E = g sqrt(N) and E_0 = -N g.
# Full charge takes pi/(2 g), while t_MT = pi/(2 g sqrt N) and t_ML = pi/(2 N g): the drive
# misses the (larger) Mandelstam-Tamm bound by sqrt(N).
# Global flip V = N g (``|g..g><e..e|`` + h.c.): Delta E = <V> - E_0 = N g, so
# t_MT = t_ML = pi/(2 N g), exactly its charging time: the flip saturates both bounds.
#
# The library's target is the first grid time within a relative 1e-3 (``QSL_TARGET_RTOL``) of the
# maximal ergotropy, i.e. g t = x = arcsin sqrt(1 - 1e-3) for the drive (overlap cos^N x) and
# N g t = x for the flip (overlap cos x); the closed forms below are taken there.
import matplotlib.pyplot as plt
import numpy as np
import qutip

import qbattery
from qbattery.analysis import QSL_TARGET_RTOL
from qbattery.physics.speed_limits import mandelstam_tamm_time, margolus_levitin_time

g = 0.5
Ns = np.array([1, 2, 4, 8, 16])
times = np.linspace(0, np.pi / (2 * g) * 1.2, 6001)
dt = times[1] - times[0]
rabi = qbattery.analyse_power(qbattery.simulate("rabi_parallel", N=list(Ns), drive=g, times=times))
flip = qbattery.analyse_power(qbattery.simulate("global_flip", N=list(Ns), drive=g, times=times))

x = np.arcsin(np.sqrt(1 - QSL_TARGET_RTOL))
mt_rabi = np.arccos(np.cos(x) ** Ns) / (g * np.sqrt(Ns))
assert np.allclose(rabi.qsl_target_time, x / g, atol=dt)
assert np.allclose(rabi.qsl_mt_time, mt_rabi, rtol=1e-3)
assert np.allclose(rabi.qsl_ratio, x / g / mt_rabi, rtol=1e-3)               # about sqrt(N) (exactly at x = pi/2)
assert np.allclose(flip.qsl_target_time, x / (g * Ns), atol=dt)
assert np.allclose(flip.qsl_ratio, 1.0, atol=dt * g * Ns / x)                 # saturates the bound, to the grid step
print("parallel drive: t / t_QSL =", np.round(rabi.qsl_ratio.values, 3))
print("global flip:    t / t_QSL =", np.round(flip.qsl_ratio.values, 3))

# %%
# The bounds by hand, from a QuTiP evolution
# ------------------------------------------
# The same numbers for one N from a plain QuTiP simulation: evolve ``|g...g>`` under the parallel
# drive in the full 2^N space, read the overlap at the time of full charge, and evaluate the
# bound functions of the library on it.
N = 4
sx, proj_e = qutip.sigmax(), qutip.basis(2, 1).proj()
V = sum(g * qutip.tensor([sx if i == j else qutip.qeye(2) for i in range(N)]) for j in range(N))
H_B = sum(qutip.tensor([proj_e if i == j else qutip.qeye(2) for i in range(N)]) for j in range(N))
psi0 = qutip.tensor([qutip.basis(2, 0)] * N)
t_full = np.pi / (2 * g)
psi_t = qutip.sesolve(V, psi0, [0.0, t_full], options={"atol": 1e-12, "rtol": 1e-12}).states[-1]
overlap = abs(psi0.overlap(psi_t))
spread = np.sqrt(qutip.expect(V * V, psi0) - qutip.expect(V, psi0) ** 2)
above_ground = qutip.expect(V, psi0) - V.eigenenergies()[0]
assert np.isclose(qutip.expect(H_B, psi_t), N, atol=1e-8)  # fully charged
assert np.isclose(mandelstam_tamm_time(overlap, spread), np.pi / (2 * g * np.sqrt(N)), rtol=1e-6)
assert np.isclose(margolus_levitin_time(overlap, above_ground), np.pi / (2 * g * N), rtol=1e-6)

fig, ax = plt.subplots(figsize=(3.4, 2.6), constrained_layout=True)
ax.loglog(Ns, rabi.qsl_target_time, "o-", label="parallel drive: actual")
ax.loglog(Ns, rabi.qsl_time, "o:", label="parallel drive: bound")
ax.loglog(Ns, flip.qsl_target_time, "s-", label="global flip: actual = bound")
ax.set_xlabel("number of cells $N$")
ax.set_ylabel(r"time to full charge ($\omega_a^{-1}$)")
ax.legend(frameon=False, fontsize=7)
