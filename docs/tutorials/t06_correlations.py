"""
Battery-charger correlations
============================

A charger that exchanges quanta with the battery (a cavity, a spin) leaves the two correlated.
For the joint state rho_BC the project computes the mutual information
I(B:C) = S(rho_B) + S(rho_C) - S(rho_BC), the interaction energy <H_int>, and the ergotropy
**locked in correlations**: what a global unitary on B and C extracts beyond local unitaries on
each (Andolina et al., PRB 99, 205437, 2019),

.. math:: \\mathcal{E}_\\mathrm{locked} = \\mathcal{E}_{BC}(\\rho_{BC}; H_B + H_C)
   - \\mathcal{E}_B(\\rho_B; H_B) - \\mathcal{E}_C(\\rho_C; H_C) \\ge 0 .
"""

# %%
# One cell and one photon: the Jaynes-Cummings battery
# ----------------------------------------------------
# ``tavis_cummings`` at N = 1, resonant (omega_c = omega_a = 1), coupling g = lambda omega_c,
# cavity in the Fock state ``|1>``: the state stays in span{``|g,1>``, ``|e,0>``},
#
# .. math:: |\psi(t)\rangle = \cos(g t)\,|g,1\rangle - i \sin(g t)\,|e,0\rangle .
#
# Closed forms with p = sin^2(g t): E_B = p; both reduced states are diagonal, so
# S_B = S_C = h(p) (binary entropy) and I = 2 h(p) (a pure joint state); <H_int> = 0 (the
# amplitudes are in quadrature); the local ergotropies are max(0, 2p - 1) for the cell and
# max(0, 1 - 2p) for the cavity (two Fock levels 0 and 1); the global state is pure with energy 1
# and ground energy 0, so E_BC = 1 and the locked ergotropy is 1 - ``|2p - 1|``.
import matplotlib.pyplot as plt
import numpy as np

from qbattery.correlations import correlations_grid
from qbattery.models import Numerics

lam = 0.2
times = np.linspace(0, 2 * np.pi / lam, 401)
jc = correlations_grid("tavis_cummings", 1, times, {"coupling": lam, "omega_c": 1.0}, Numerics.from_config(None)).sel(N=1)
p = np.sin(lam * times) ** 2
with np.errstate(divide="ignore", invalid="ignore"):
    h = np.nan_to_num(-p * np.log(p) - (1 - p) * np.log(1 - p))
assert np.allclose(jc.energy, p, atol=1e-9)
assert np.allclose(jc.mutual_information, 2 * h, atol=1e-7)
assert np.allclose(jc.interaction_energy, 0.0, atol=1e-9)
assert np.allclose(jc.ergotropy, np.maximum(0, 2 * p - 1), atol=1e-9)
assert np.allclose(jc.charger_ergotropy, np.maximum(0, 1 - 2 * p), atol=1e-9)
assert np.allclose(jc.locked_ergotropy, 1 - np.abs(2 * p - 1), atol=1e-9)

# %%
# N cells in one cavity
# ---------------------
# For N = 4 cells and N photons no closed form is at hand, but two laws hold at every time:
# the joint state is pure, so I(B:C) = 2 S(rho_B); and global unitaries include local ones, so
# the locked ergotropy is never negative. The total energy is conserved.
tc = correlations_grid("tavis_cummings", 4, np.linspace(0, 20, 201), {"coupling": lam, "omega_c": 1.0}, Numerics.from_config(None)).sel(N=4)
assert np.allclose(tc.mutual_information, 2 * tc.battery_entropy, atol=1e-9)
assert float(tc.locked_ergotropy.min()) > -1e-9
assert np.ptp(tc.total_energy.values) < 1e-8
share = float(tc.locked_fraction.max())
print(f"N = 4: at most {100 * share:.0f}% of the joint ergotropy is locked in correlations")

fig, (a, b) = plt.subplots(1, 2, figsize=(7.0, 2.6), constrained_layout=True)
for ds, ax, title in ((jc, a, "$N = 1$"), (tc, b, "$N = 4$")):
    ax.plot(ds.t, ds.energy, label="energy $E_B$")
    ax.plot(ds.t, ds.ergotropy, label=r"ergotropy $\mathcal{E}_B$")
    ax.plot(ds.t, ds.locked_ergotropy, label="locked")
    ax.plot(ds.t, ds.mutual_information, ":", label="$I(B:C)$ (nats)")
    ax.set_title(title)
    ax.set_xlabel(r"time ($\omega_a^{-1}$)")
a.set_ylabel(r"energy ($\omega_a$)")
a.legend(frameon=False, fontsize=7)
