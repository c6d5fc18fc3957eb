"""
Bring your own battery
======================

Any battery Hamiltonian, charging Hamiltonian and initial state go through ``qbattery.charge``
and come back as the catalogue's dataset: energy, ergotropy over the full battery space,
capacity, power, and the first law when there is dissipation or time dependence. The config
route (``models.custom``: a module and a function returning the same operators per parameter
point) sweeps it in the workflow; see ``docs/custom-battery.md``.
"""

# %%
# A pulsed, decaying cell: the first law
# --------------------------------------
# One cell, ``H_B = omega_a |e><e|``, a lab-frame resonant pulse 2 g cos(t) sigma^x (qutip's list
# form) and decay gamma. The library integrates work and heat with the state; the residual of
# Delta E = W + Q measures the integration error. QuTiP's mesolve is the independent route.
import matplotlib.pyplot as plt
import numpy as np
import qutip
from scipy.linalg import expm

import qbattery

g, gamma = 0.2, 0.05
times = np.linspace(0, 30, 301)
sx, sm, ne = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.0, 1.0], [0.0, 0.0]]), np.diag([0.0, 1.0])
ds = qbattery.charge(ne, [1, 0], times, H=[[sx, lambda t, args: 2 * args["g"] * np.cos(t)]], args={"g": g},
                     c_ops=[np.sqrt(gamma) * sm])
ref = qutip.mesolve([qutip.Qobj(ne), [qutip.Qobj(sx), lambda t: 2 * g * np.cos(t)]], qutip.fock_dm(2, 0), times,
                    [np.sqrt(gamma) * qutip.Qobj(sm)], e_ops=[qutip.Qobj(ne)], options={"atol": 1e-12, "rtol": 1e-10}).expect[0]
assert np.allclose(ds.energy.squeeze(), ref, atol=1e-6)
assert float(ds.first_law_residual.max()) < 1e-6
print(f"E(30) = {float(ds.energy.squeeze()[-1]):.5f}, W = {float(ds.work.squeeze()[-1]):.5f}, "
      f"Q = {float(ds.heat.squeeze()[-1]):.5f}")

# %%
# Three-level cells in their symmetric subspace
# ---------------------------------------------
# ``config/examples/custom_battery.py``: N identical three-level cells (levels 0, 1, 2 - anharmonicity)
# under a collective drive that climbs the ladder, given in the symmetric subspace of dimension
# (N+1)(N+2)/2. Declaring ``cells=N, subspace="symmetric"`` makes the ergotropy be taken over the
# full 3^N space. Each cell evolves on its own (the drive is a sum of one-cell terms), so the
# N-cell energy is N times one cell's, from a 3 x 3 matrix exponential:
import importlib.util
from pathlib import Path

try:
    ROOT = Path(__file__).resolve().parents[2]
except NameError:  # run cell by cell in a notebook from docs/tutorials
    ROOT = Path.cwd().resolve().parents[1]
spec = importlib.util.spec_from_file_location("custom_battery", ROOT / "config" / "examples" / "custom_battery.py")
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)

N, drive, anh = 4, 0.5, 0.2
t = np.linspace(0, 10, 201)
cells = qbattery.charge(**example.three_level_cells(N, drive=drive, anharmonicity=anh), times=t)
one = example.three_level_cells(1, drive=drive, anharmonicity=anh)
H1 = one["H_B"] + one["H"]
E1 = np.array([np.real(v.conj() @ one["H_B"] @ v) for v in (expm(-1j * H1 * s) @ one["state"] for s in t)])
assert np.allclose(cells.energy.sel(N=N), N * E1, atol=1e-9)
assert np.allclose(cells.ergotropy.sel(N=N), cells.energy.sel(N=N), atol=1e-9)  # a pure product state

# %%
# A mixed state in the subspace, by brute force
# ---------------------------------------------
# Mix the states at four times: the mixture is still symmetric, but its passive state is not (a
# rank-2 mixture would not show it: the subspace has a level at omega_a too; from the third
# eigenvalue on, the full space offers the N-fold degenerate level omega_a where the subspace has
# only higher ones). The full-space ergotropy (levels of 3^N with multinomial degeneracies, what
# ``charge`` uses) agrees with a brute-force computation in the 3^N space; the subspace spectrum
# alone gives less.
from itertools import product
from math import factorial

from qbattery.custom_battery import cells_levels

ops = example.three_level_cells(N, drive=drive, anharmonicity=anh)
U = lambda s: expm(-1j * (ops["H_B"] + ops["H"]) * s)
psis = [U(s) @ ops["state"] for s in (1.0, 2.5, 4.0, 5.5)]
rho = sum(np.outer(v, v.conj()) for v in psis) / len(psis)
full_levels = cells_levels(N, np.array([0.0, 1.0, 2.0 - anh]))
erg_full = qbattery.ergotropy(rho, ops["H_B"], levels=full_levels)

basis = example.symmetric_basis(N)
configs = list(product(range(3), repeat=N))
embed = np.zeros((3**N, len(basis)))                # symmetric state |n_0 n_1 n_2> in the 3^N space
for j, occ in enumerate(basis):
    members = [i for i, c in enumerate(configs) if tuple(c.count(level) for level in range(3)) == occ]
    embed[members, j] = 1 / np.sqrt(len(members))
    assert len(members) == factorial(N) // np.prod([factorial(n) for n in occ])
H_full = np.diag([sum((0.0, 1.0, 2.0 - anh)[level] for level in c) for c in configs])
erg_brute = qbattery.ergotropy(embed @ rho @ embed.T, H_full)
erg_subspace = qbattery.ergotropy(rho, ops["H_B"])
assert np.isclose(erg_full, erg_brute, atol=1e-10) and erg_subspace < erg_brute - 1e-3
print(f"N = {N}: ergotropy full space {erg_full:.4f} (brute force {erg_brute:.4f}), subspace only {erg_subspace:.4f}")

fig, ax = plt.subplots(figsize=(3.4, 2.4), constrained_layout=True)
ax.plot(t, cells.energy.sel(N=N), label="qbattery.charge")
ax.plot(t[::10], N * E1[::10], "o", ms=3, label=r"$N \times$ one cell")
ax.set_xlabel(r"time ($\omega_a^{-1}$)")
ax.set_ylabel(r"energy ($\omega_a$)")
ax.legend(frameon=False, fontsize=7)
