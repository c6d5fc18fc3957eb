"""
Thermal operations: no ergotropy from a Gibbs state
===================================================

A **thermal operation** couples the battery B to a bath R in its Gibbs state gamma_R by a
unitary that conserves the total energy (Janzing et al. 2000; Horodecki and Oppenheim 2013):

.. math:: \\rho_B' = \\mathrm{Tr}_R\\left[U (\\rho_B \\otimes \\gamma_R) U^\\dagger\\right],
   \\qquad [U, H_B + H_R] = 0.

Thermal operations map the Gibbs state to itself, so from a Gibbs battery they make nothing: no
ergotropy at all. A resource X out of equilibrium with the bath can pay, and the second law
bounds what it pays by its free energy Delta F_X = D(sigma_X || gamma_X) / beta, which is also
W_TO, the work thermal operations extract from X (Brandao et al., PRL 111, 250404, 2013).
"""

# %%
# The no-go: a Gibbs battery stays Gibbs
# --------------------------------------
# Two cells and a bath of two resonant qubits, beta = 1; 200 random energy-preserving unitaries
# (Haar random on each degenerate eigenspace of H_B + H_R, the construction of
# ``qbattery.physics.thermal_ops``).
import matplotlib.pyplot as plt
import numpy as np

import qbattery
from qbattery.physics.thermal_ops import (
    cells_energies,
    commutator_norm,
    conjugate,
    free_energy_difference,
    gibbs_populations,
    kron_sum,
    random_energy_preserving_unitary,
    reduce,
    thermal_operation,
)

rng = np.random.default_rng(7)
beta = 1.0
eB, eR = cells_energies(2), cells_energies(2)
gamma_B = np.diag(gibbs_populations(eB, beta)).astype(complex)
gamma_R = np.diag(gibbs_populations(eR, beta)).astype(complex)
HB = np.diag(eB)
outs = []
for _ in range(200):
    U = random_energy_preserving_unitary(kron_sum(eB, eR), rng)
    assert commutator_norm(U, kron_sum(eB, eR)) < 1e-12
    outs.append(thermal_operation(gamma_B, gamma_R, U))
outs = np.array(outs)
assert np.abs(outs - gamma_B).max() < 1e-12                   # Gibbs preserved exactly
assert np.max(qbattery.ergotropy(outs, HB)) < 1e-12            # hence no ergotropy

# %%
# What a hot qubit buys
# ---------------------
# A qubit X of frequency omega_X = omega_a + omega_R at a hotter temperature T_X drives the
# three-body resonance ``|g_B g_R e_X> <-> |e_B e_R g_X>`` (the mechanism of absorption machines).
# Swapping those two levels moves the battery's excited population to
#
# .. math:: p_e' = p_e + p_g q_g q^X_e - p_e q_e q^X_g
#
# (p: battery, q: bath qubit, q^X: resource). The battery ends diagonal: a mildly hot X only
# heats it (p_e' < 1/2: passive, free energy but no ergotropy); a hot enough X inverts it, and the
# ergotropy is then 2 p_e' - 1. Either way the free energy it gains, ``D(rho_B' || gamma_B)/beta``,
# never exceeds Delta F_X, and neither does its ergotropy.
omega_R = 2.0
omega_X = 1.0 + omega_R
eB, eR, eX = np.array([0.0, 1.0]), np.array([0.0, omega_R]), np.array([0.0, omega_X])
E = kron_sum(eB, eR, eX)                                       # index = 4 b + 2 r + x
swap = np.eye(8)
i, j = 0b001, 0b110                                            # |g g e_X>, |e e g_X>
swap[[i, j], [i, j]], swap[i, j], swap[j, i] = 0.0, 1.0, 1.0
assert commutator_norm(swap, E) < 1e-12

p, q = gibbs_populations(eB, beta), gibbs_populations(eR, beta)
hot_T = np.array([1.5, 2.0, 4.0, 10.0, 100.0])                 # T_X / T
gained, bound, ergs = [], [], []
for ratio in hot_T:
    qX = gibbs_populations(eX, beta / ratio)
    sigma = np.diag(np.kron(np.kron(p, q), qX)).astype(complex)
    rho_B = reduce(conjugate(swap, sigma), (2, 2, 2), 0)
    pe_closed = p[1] + p[0] * q[0] * qX[1] - p[1] * q[1] * qX[0]
    assert np.isclose(rho_B[1, 1].real, pe_closed)
    ergs.append(qbattery.ergotropy(rho_B, np.diag(eB)))
    assert np.isclose(ergs[-1], max(0.0, 2 * pe_closed - 1), atol=1e-14)
    gained.append(free_energy_difference(rho_B, np.diag(eB), beta))
    bound.append(free_energy_difference(np.diag(qX), np.diag(eX), beta))
gained, bound, ergs = map(np.array, (gained, bound, ergs))
assert np.all(gained > 0) and np.all(gained <= bound) and np.all(ergs <= bound)
assert ergs[0] == 0.0 and ergs[-1] > 0.0          # T_X = 1.5 T only heats; T_X = 100 T inverts
print("T_X/T:", hot_T, "\nergotropy bought:", np.round(ergs, 4), "\nfree-energy bound:", np.round(bound, 4))

# %%
# An inverted qubit buys ergotropy, within its free energy
# --------------------------------------------------------
# A resonant resource (omega_X = omega_a) with population inversion p > 1/2: the swap of B and X
# is energy preserving and hands the battery X's state, ergotropy 2 p - 1 (tutorial 1). Random
# energy-preserving unitaries of B, R and X never beat the bound Delta F_X.
eX = np.array([0.0, 1.0])
E = kron_sum(eB, eR, eX)
inversions = np.linspace(0.55, 0.99, 5)
rows = []
for pX in inversions:
    sigma_X = np.diag([1 - pX, pX]).astype(complex)
    dF = free_energy_difference(sigma_X, np.diag(eX), beta)
    joint = np.kron(np.kron(np.diag(p), np.diag(q)), sigma_X).astype(complex)
    Us = np.array([random_energy_preserving_unitary(E, rng) for _ in range(100)])
    erg = qbattery.ergotropy(reduce(conjugate(Us, joint), (2, 2, 2), 0), np.diag(eB))
    rows.append((pX, dF, erg.max()))
    assert np.all(erg <= dF + 1e-12)
swap_BX = np.eye(8)[[0, 4, 2, 6, 1, 5, 3, 7]]                  # |b r x> -> |x r b>
assert commutator_norm(swap_BX, E) < 1e-12
pX = 0.9
out = reduce(conjugate(swap_BX, np.kron(np.kron(np.diag(p), np.diag(q)), np.diag([1 - pX, pX])).astype(complex)), (2, 2, 2), 0)
assert np.isclose(qbattery.ergotropy(out, np.diag(eB)), 2 * pX - 1)
assert 2 * pX - 1 <= free_energy_difference(np.diag([1 - pX, pX]), np.diag(eX), beta)

rows = np.array(rows)
fig, ax = plt.subplots(figsize=(3.4, 2.6), constrained_layout=True)
ax.plot(rows[:, 0], rows[:, 1], "k-", label=r"bound $\Delta F_X$")
ax.plot(rows[:, 0], 2 * rows[:, 0] - 1, "o--", label="swap: $2p-1$")
ax.plot(rows[:, 0], rows[:, 2], "s", label="best of 100 random TOs")
ax.set_xlabel("excited population $p$ of the resource")
ax.set_ylabel(r"battery ergotropy ($\omega_a$)")
ax.legend(frameon=False, fontsize=7)
