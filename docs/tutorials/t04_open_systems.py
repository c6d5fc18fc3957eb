"""
Open systems: work, heat and the first law
==========================================

A driven battery in contact with a bath exchanges energy in two ways. With the battery energy
E = Tr(rho H_B) and the Lindblad equation drho/dt = -i[H, rho] + sum_k D_k[rho],

.. math:: \\frac{dE}{dt} = \\underbrace{-i\\,\\mathrm{Tr}\\left(H_B [H, \\rho]\\right)}_{\\dot W}
   + \\underbrace{\\sum_k \\mathrm{Tr}\\left(H_B\\, \\mathcal{D}_k[\\rho]\\right)}_{\\dot Q},

work from the coherent drive and heat from the baths (Alicki 1979); the library integrates both
along the trajectory and records the first-law residual ``max |Delta E - W - Q|``. The charging
**efficiency** is the ergotropy gained per unit work, and **self-discharge** is what the baths
do after the charger is switched off.
"""

# %%
# A driven qubit that decays: the optical Bloch equations
# -------------------------------------------------------
# ``rabi_parallel`` with decay rate gamma at zero temperature: each cell is a resonantly driven
# two-level atom, V = g sigma^x in the rotating frame, collapse operator sqrt(gamma) sigma^-.
# Its steady state has the excited population (Rabi frequency Omega = 2 g)
#
# .. math:: p_e^{ss} = \frac{\Omega^2/4}{\Omega^2/2 + \gamma^2/4} = \frac{g^2}{2 g^2 + \gamma^2/4},
#
# and at T = 0 the heat is the energy emitted: dQ/dt = -gamma E(t), so Q(t) = -gamma int_0^t E.
import matplotlib.pyplot as plt
import numpy as np
import qutip

from qbattery.open_systems.run import OpenSettings, open_grid

g, gamma, N = 0.5, 0.1, 2
times = np.linspace(0, 40, 801)
ds = open_grid("rabi_parallel", N=[N], times=times, rates={"gamma": [gamma], "temperature": 0.0}, params={"drive": g})
pt = ds.sel(N=N)  # a rate given as one value is a 0-d coordinate

p_ss = g**2 / (2 * g**2 + gamma**2 / 4)
assert np.isclose(float(pt.energy_at_late_time), N * p_ss, rtol=1e-6)      # steady state at late_time
assert float(pt.first_law_residual) < 1e-10                                 # Delta E = W + Q
E = pt.energy.values
heat_closed = -gamma * np.concatenate([[0.0], np.cumsum((E[1:] + E[:-1]) / 2 * np.diff(times))])
assert np.allclose(pt.heat.values, heat_closed, atol=2e-4 * N)             # trapezoid error (dt = 0.05)
print(f"steady state: E = {float(pt.energy_at_late_time):.6f}, closed form {N * p_ss:.6f}")

# %%
# Efficiency and self-discharge, against a plain QuTiP simulation
# ---------------------------------------------------------------
# The library switches the drive off at the grid point nearest tau* and lets the bath act alone;
# ``self_discharge_time`` is the time for the ergotropy to fall to 1/e. The same protocol with
# qutip.mesolve for one cell (the N cells are independent and identical, so energy and ergotropy
# are N times a cell's):
t_off = float(pt.switch_off_time)
cell = qutip.mesolve(g * qutip.sigmax(), qutip.fock_dm(2, 0), np.linspace(0, t_off, 2001), [np.sqrt(gamma) * qutip.destroy(2)],
                     options={"atol": 1e-12, "rtol": 1e-10}).states[-1]
td = OpenSettings().discharge_times
after = qutip.mesolve(0 * qutip.sigmaz(), cell, td, [np.sqrt(gamma) * qutip.destroy(2)], options={"atol": 1e-12, "rtol": 1e-10}).states
H1 = qutip.num(2)


def cell_ergotropy(rho: qutip.Qobj) -> float:
    """A qubit's ergotropy E - omega_a (1 - r)/2, r the Bloch-vector length."""
    r = np.sqrt(sum(qutip.expect(s, rho) ** 2 for s in (qutip.sigmax(), qutip.sigmay(), qutip.sigmaz())))
    return qutip.expect(H1, rho) - (1 - r) / 2


erg_qutip = N * np.array([cell_ergotropy(r) for r in after])
assert np.allclose(pt.ergotropy_discharge.values, erg_qutip, atol=1e-7)
work_off = float(pt.work.sel(t=t_off))
assert np.isclose(float(pt.efficiency_at_tau_star), N * cell_ergotropy(cell) / work_off, rtol=1e-6)
print(f"switch-off at t = {t_off:.2f}: efficiency {float(pt.efficiency_at_tau_star):.3f}, "
      f"self-discharge time {float(pt.self_discharge_time):.2f} (1/gamma = {1 / gamma:.0f})")

fig, (a, b) = plt.subplots(1, 2, figsize=(7.0, 2.6), constrained_layout=True)
a.plot(times, pt.energy, label="energy $E$")
a.plot(times, pt.work, label="work $W$")
a.plot(times, pt.heat, label="heat $Q$")
a.plot(times, pt.ergotropy, label="ergotropy")
a.set_xlabel(r"time ($\omega_a^{-1}$)")
a.set_ylabel(r"energy ($\omega_a$)")
a.legend(frameon=False, fontsize=7)
b.plot(td, pt.ergotropy_discharge, label="qbattery")
b.plot(td[::10], erg_qutip[::10], "o", ms=3, label="qutip.mesolve")
b.set_xlabel(r"time after switch-off ($\omega_a^{-1}$)")
b.set_ylabel(r"ergotropy ($\omega_a$)")
b.legend(frameon=False, fontsize=7)
